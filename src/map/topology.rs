//! Borders as shared arcs: neighbouring regions share their border vertices, so each border is
//! simplified once for both of its sides and neighbours keep meeting exactly. Then clipping,
//! rounding to whole pixels, and SVG path data.

use super::{BACKGROUND_TOLERANCE_FACTOR, MIN_BACKGROUND_RING_AREA_PX, MIN_RING_AREA_PX};
use geo::{Coord, LineString, Polygon, Rect, SimplifyIdx};
use std::collections::HashMap;
use std::fmt::Write;

/// The rings of a set of features, projected, with their borders cut into arcs between junctions
/// (vertices where the set of rings passing through changes), each arc in one canonical direction
/// so that the rings sharing it simplify it alike. Built once per view, drawn at any tolerance.
pub(super) struct Topology {
    rings: Vec<TopoRing>,
    /// Per feature: a region of the service (fine) or background.
    fine: Vec<bool>,
}

struct TopoRing {
    feature: usize,
    /// Projected, open (the closing vertex left out).
    pts: Vec<Coord<f64>>,
    arcs: Vec<TopoArc>,
}

struct TopoArc {
    /// Indices into the ring's points, in the arc's canonical direction.
    order: Vec<usize>,
    /// The ring runs the other way.
    reversed: bool,
    /// Shared with, or part of, a region of the service.
    fine: bool,
}

/// Whole pixels.
pub(super) type Ring = Vec<(i32, i32)>;
/// A vertex on the data's 0.0001° grid.
type GridKey = (i32, i32);

impl Topology {
    /// `fine[f]`: whether feature `f` is a region of the service (else background).
    pub(super) fn new(
        features: &[Vec<&Polygon<f64>>],
        fine: &[bool],
        to_px: &dyn Fn(f64, f64) -> (f64, f64),
    ) -> Topology {
        // Vertices on the data's 0.0001° grid identify shared vertices.
        // (feature, vertex keys, projected points) per ring.
        let mut inputs: Vec<(usize, Vec<GridKey>, Vec<Coord<f64>>)> = Vec::new();
        for (feature, polygons) in features.iter().enumerate() {
            for polygon in polygons {
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    let coords = &ring.0[..ring.0.len().saturating_sub(1)];
                    if coords.len() < 3 {
                        continue;
                    }
                    let keys = coords
                        .iter()
                        .map(|c| {
                            (
                                (c.x * 10_000.0).round() as i32,
                                (c.y * 10_000.0).round() as i32,
                            )
                        })
                        .collect();
                    let pts = coords
                        .iter()
                        .map(|c| {
                            let (x, y) = to_px(c.x, c.y);
                            Coord { x, y }
                        })
                        .collect();
                    inputs.push((feature, keys, pts));
                }
            }
        }
        // Which rings pass through each vertex.
        let mut members: HashMap<(i32, i32), Vec<u32>> = HashMap::new();
        for (r, (_, keys, _)) in inputs.iter().enumerate() {
            for key in keys {
                let list = members.entry(*key).or_default();
                if list.last() != Some(&(r as u32)) {
                    list.push(r as u32);
                }
            }
        }
        let is_fine = |key: &(i32, i32)| members[key].iter().any(|&r| fine[inputs[r as usize].0]);

        let mut rings = Vec::with_capacity(inputs.len());
        for (feature, keys, pts) in &inputs {
            let n = keys.len();
            let sig = |i: usize| &members[&keys[i % n]];
            let splits: Vec<usize> = (0..n)
                .filter(|&i| sig(i) != sig(i + n - 1) || sig(i) != sig(i + 1))
                .collect();
            let mut arcs = Vec::with_capacity(splits.len().max(1));
            if splits.is_empty() {
                // A closed loop shared whole or not at all: from its smallest vertex, turning
                // towards the smaller neighbour.
                let start = (0..n).min_by_key(|&i| keys[i]).unwrap_or(0);
                let forward = keys[(start + 1) % n] <= keys[(start + n - 1) % n];
                let order = (0..=n)
                    .map(|k| {
                        if forward {
                            (start + k) % n
                        } else {
                            (start + n - k % n) % n
                        }
                    })
                    .collect();
                arcs.push(TopoArc {
                    order,
                    reversed: false,
                    fine: is_fine(&keys[start]),
                });
            } else {
                for (j, &a) in splits.iter().enumerate() {
                    let b = splits[(j + 1) % splits.len()];
                    let len = if b > a { b - a } else { b + n - a };
                    let mut order: Vec<usize> = (0..=len).map(|k| (a + k) % n).collect();
                    let (first, last) = (keys[order[0]], keys[order[len]]);
                    let reversed = (first, keys[order[1]]) > (last, keys[order[len - 1]]);
                    if reversed {
                        order.reverse();
                    }
                    // Inner vertices all have the same rings; a two-point arc is never simplified.
                    let fine = is_fine(&keys[order[len.min(1)]]);
                    arcs.push(TopoArc {
                        order,
                        reversed,
                        fine,
                    });
                }
            }
            rings.push(TopoRing {
                feature: *feature,
                pts: pts.clone(),
                arcs,
            });
        }
        Topology {
            rings,
            fine: fine.to_vec(),
        }
    }

    /// The rings of each feature simplified with `tolerance` pixels (background borders with
    /// [`BACKGROUND_TOLERANCE_FACTOR`] times that), clipped to `clip`, rounded, slivers dropped.
    pub(super) fn draw(&self, tolerance: f64, clip: Option<Rect<f64>>) -> Vec<Vec<Ring>> {
        let mut out: Vec<Vec<Ring>> = vec![Vec::new(); self.fine.len()];
        for ring in &self.rings {
            let mut simplified: Vec<Coord<f64>> = Vec::with_capacity(ring.pts.len());
            for arc in &ring.arcs {
                let epsilon = if arc.fine {
                    tolerance
                } else {
                    tolerance * BACKGROUND_TOLERANCE_FACTOR
                };
                let mut kept = if arc.order.len() <= 2 {
                    arc.order.clone()
                } else {
                    let line = LineString::from(
                        arc.order.iter().map(|&i| ring.pts[i]).collect::<Vec<_>>(),
                    );
                    line.simplify_idx(epsilon)
                        .into_iter()
                        .map(|k| arc.order[k])
                        .collect()
                };
                if arc.reversed {
                    kept.reverse();
                }
                simplified.extend(kept[..kept.len() - 1].iter().map(|&i| ring.pts[i]));
            }
            if let Some(rect) = clip {
                simplified = clip_ring(&simplified, &rect);
            }
            let min_area = if self.fine[ring.feature] {
                MIN_RING_AREA_PX
            } else {
                MIN_BACKGROUND_RING_AREA_PX
            };
            if let Some(rounded) = round_ring(&simplified, min_area) {
                out[ring.feature].push(rounded);
            }
        }
        out
    }
}

/// Sutherland–Hodgman against a rectangle (exact for the convex clip; a concave ring may keep
/// zero-width edges along the rectangle, which are outside the visible area).
fn clip_ring(ring: &[Coord<f64>], rect: &Rect<f64>) -> Vec<Coord<f64>> {
    let (min, max) = (rect.min(), rect.max());
    if ring
        .iter()
        .all(|c| c.x >= min.x && c.x <= max.x && c.y >= min.y && c.y <= max.y)
    {
        return ring.to_vec();
    }
    let mut pts = ring.to_vec();
    // (axis: 0 = x, 1 = y; bound; keep values >= bound when true)
    for (axis, bound, keep_above) in [
        (0, min.x, true),
        (0, max.x, false),
        (1, min.y, true),
        (1, max.y, false),
    ] {
        if pts.is_empty() {
            break;
        }
        let value = |c: &Coord<f64>| if axis == 0 { c.x } else { c.y };
        let inside = |c: &Coord<f64>| {
            if keep_above {
                value(c) >= bound
            } else {
                value(c) <= bound
            }
        };
        let mut next = Vec::with_capacity(pts.len() + 4);
        for i in 0..pts.len() {
            let cur = pts[i];
            let prev = pts[(i + pts.len() - 1) % pts.len()];
            let crossing = || {
                let t = (bound - value(&prev)) / (value(&cur) - value(&prev));
                Coord {
                    x: prev.x + (cur.x - prev.x) * t,
                    y: prev.y + (cur.y - prev.y) * t,
                }
            };
            match (inside(&prev), inside(&cur)) {
                (true, true) => next.push(cur),
                (true, false) => next.push(crossing()),
                (false, true) => {
                    next.push(crossing());
                    next.push(cur);
                }
                (false, false) => {}
            }
        }
        pts = next;
    }
    pts
}

/// Whole pixels, repeated points removed; `None` when less than `min_area` square pixels is left.
fn round_ring(ring: &[Coord<f64>], min_area: f64) -> Option<Ring> {
    let mut out: Ring = Vec::with_capacity(ring.len());
    for c in ring {
        let p = (c.x.round() as i32, c.y.round() as i32);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    if out.len() < 3 {
        return None;
    }
    let twice_area: i64 = (0..out.len())
        .map(|i| {
            let (a, b) = (out[i], out[(i + 1) % out.len()]);
            a.0 as i64 * b.1 as i64 - b.0 as i64 * a.1 as i64
        })
        .sum();
    (twice_area.unsigned_abs() as f64 / 2.0 >= min_area).then_some(out)
}

/// Rings as path data: `M x y l dx dy … z`, relative moves, numbers separated only where needed.
pub(super) fn write_path(d: &mut String, rings: &[Ring]) {
    for ring in rings {
        let _ = write!(d, "M{} {}l", ring[0].0, ring[0].1);
        let mut first = true;
        for pair in ring.windows(2) {
            for v in [pair[1].0 - pair[0].0, pair[1].1 - pair[0].1] {
                if !first && v >= 0 {
                    d.push(' ');
                }
                let _ = write!(d, "{v}");
                first = false;
            }
        }
        d.push('z');
    }
}

/// A 3-pixel square for a region too small to draw at this scale.
pub(super) fn write_dot(d: &mut String, x: f64, y: f64) {
    let _ = write!(
        d,
        "M{} {}h3v3h-3z",
        (x - 1.5).round() as i32,
        (y - 1.5).round() as i32
    );
}
