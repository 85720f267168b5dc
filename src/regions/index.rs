//! The lookup structures built from the regions at load time.
//!
//! * `inside`: an `rstar` R-tree over the bounding boxes of every polygon of every region. A query
//!   point's candidates are the polygons whose box holds it; each candidate answers "inside?" by ray
//!   casting (even-odd rule over its exterior and hole rings), but only over the edges of the
//!   horizontal band of the polygon that holds the point's latitude: the polygon's edges are bucketed
//!   once into bands of equal height (about four edges per band), so a test reads a few dozen edges
//!   instead of thousands. Neighbouring regions share the very same border vertices and every edge
//!   is evaluated in one normalised form, so a point on a shared border lands in exactly one region.
//! * `boundary`: an R-tree over every boundary segment, for the coastal fallback: a point inside no
//!   polygon goes to the region whose boundary is nearest, if that is within the fallback radius
//!   (great-circle distance to the nearest point of the segment).

use geo::{BoundingRect, MultiPolygon};
use rstar::primitives::{GeomWithData, Line, Rectangle};
use rstar::{AABB, RTree};

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Metres per degree of latitude on that sphere.
const METRES_PER_DEGREE: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
/// Target number of edges per band.
const EDGES_PER_BAND: usize = 1;
const MAX_BANDS: usize = 1 << 14;

/// One non-horizontal edge, normalised so that `y_lo < y_hi`; `x_lo` is its x at `y_lo`.
#[derive(Clone, Copy)]
struct Edge {
    y_lo: f64,
    y_hi: f64,
    x_lo: f64,
    dx_dy: f64,
}

impl Edge {
    fn new(a: [f64; 2], b: [f64; 2]) -> Option<Self> {
        let (lo, hi) = match a[1].partial_cmp(&b[1])? {
            std::cmp::Ordering::Less => (a, b),
            std::cmp::Ordering::Greater => (b, a),
            std::cmp::Ordering::Equal => return None, // never crosses a horizontal ray
        };
        Some(Self {
            y_lo: lo[1],
            y_hi: hi[1],
            x_lo: lo[0],
            dx_dy: (hi[0] - lo[0]) / (hi[1] - lo[1]),
        })
    }

    /// Whether the ray from (x, y) towards +x crosses this edge (half-open in y).
    #[inline(always)]
    fn crosses(&self, x: f64, y: f64) -> bool {
        self.y_lo <= y && y < self.y_hi && x < self.x_lo + (y - self.y_lo) * self.dx_dy
    }
}

/// One polygon (exterior and holes) with its edges bucketed into horizontal bands.
struct BandedPolygon {
    region: u32,
    y_min: f64,
    bands_per_degree: f64,
    last_band: usize,
    /// Band `i` holds `edges[band_start[i]..band_start[i + 1]]`.
    band_start: Vec<u32>,
    edges: Vec<Edge>,
}

impl BandedPolygon {
    fn new(region: u32, polygon: &geo::Polygon<f64>) -> Option<Self> {
        let rect = polygon.bounding_rect()?;
        let all: Vec<Edge> = std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .flat_map(|ring| ring.lines())
            .filter_map(|line| Edge::new([line.start.x, line.start.y], [line.end.x, line.end.y]))
            .collect();
        let bands = (all.len() / EDGES_PER_BAND).clamp(1, MAX_BANDS);
        let height = rect.max().y - rect.min().y;
        let bands_per_degree = if height > 0.0 {
            bands as f64 / height
        } else {
            0.0
        };
        let mut polygon = Self {
            region,
            y_min: rect.min().y,
            bands_per_degree,
            last_band: bands - 1,
            band_start: Vec::new(),
            edges: Vec::new(),
        };
        // Counting sort of the edges into every band their y-range touches. The band of a latitude
        // is a monotone function of it, so an edge with y_lo <= y < y_hi is in the band of y.
        let mut counts = vec![0u32; bands + 1];
        for edge in &all {
            for band in polygon.band(edge.y_lo)..=polygon.band(edge.y_hi) {
                counts[band + 1] += 1;
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut next = counts.clone();
        let mut edges = vec![all[0]; counts[bands] as usize];
        for edge in &all {
            for band in polygon.band(edge.y_lo)..=polygon.band(edge.y_hi) {
                edges[next[band] as usize] = *edge;
                next[band] += 1;
            }
        }
        polygon.band_start = counts;
        polygon.edges = edges;
        Some(polygon)
    }

    #[inline(always)]
    fn band(&self, y: f64) -> usize {
        // `as usize` saturates: negative values become 0.
        (((y - self.y_min) * self.bands_per_degree) as usize).min(self.last_band)
    }

    #[inline]
    fn contains(&self, x: f64, y: f64) -> bool {
        let band = self.band(y);
        let edges = &self.edges[self.band_start[band] as usize..self.band_start[band + 1] as usize];
        edges
            .iter()
            .fold(false, |inside, edge| inside ^ edge.crosses(x, y))
    }
}

type PolygonBox = GeomWithData<Rectangle<[f64; 2]>, u32>;
type Segment = GeomWithData<Line<[f64; 2]>, u32>;

pub(super) struct SpatialIndex {
    polygons: Vec<BandedPolygon>,
    boxes: RTree<PolygonBox>,
    boundary: RTree<Segment>,
    fallback_m: f64,
}

/// A region found for a point: its index and the distance to it (0 when inside).
pub(super) struct Hit {
    pub region: usize,
    pub distance_m: f64,
}

impl SpatialIndex {
    pub fn new<'a>(regions: impl Iterator<Item = &'a MultiPolygon<f64>>, fallback_m: f64) -> Self {
        let mut polygons = Vec::new();
        let mut boxes = Vec::new();
        let mut segments = Vec::new();
        for (region, geometry) in regions.enumerate() {
            let region = region as u32;
            for polygon in geometry {
                let Some(rect) = polygon.bounding_rect() else {
                    continue;
                };
                let Some(banded) = BandedPolygon::new(region, polygon) else {
                    continue;
                };
                boxes.push(PolygonBox::new(
                    Rectangle::from_corners(rect.min().into(), rect.max().into()),
                    polygons.len() as u32,
                ));
                polygons.push(banded);
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    for line in ring.lines() {
                        segments.push(Segment::new(
                            Line::new(line.start.into(), line.end.into()),
                            region,
                        ));
                    }
                }
            }
        }
        Self {
            polygons,
            boxes: RTree::bulk_load(boxes),
            boundary: RTree::bulk_load(segments),
            fallback_m,
        }
    }

    /// The region holding (lon, lat), else the one with the nearest boundary within the fallback
    /// radius. The caller has checked that both are finite and in range.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<Hit> {
        self.inside(lon, lat)
            .map(|region| Hit {
                region,
                distance_m: 0.0,
            })
            .or_else(|| self.nearest(lon, lat))
    }

    pub fn inside(&self, lon: f64, lat: f64) -> Option<usize> {
        self.boxes
            .locate_all_at_point(&[lon, lat])
            .map(|candidate| &self.polygons[candidate.data as usize])
            .find(|polygon| polygon.contains(lon, lat))
            .map(|polygon| polygon.region as usize)
    }

    /// The region whose boundary is nearest to (lon, lat), if within the fallback radius.
    pub fn nearest(&self, lon: f64, lat: f64) -> Option<Hit> {
        let d_lat = self.fallback_m / METRES_PER_DEGREE;
        let cos_lat = lat.to_radians().cos().max(1e-3);
        let d_lon = (d_lat / cos_lat).min(180.0);
        let lat_range = [(lat - d_lat).max(-90.0), (lat + d_lat).min(90.0)];
        // The window may wrap around the antimeridian: query the wrapped part shifted back.
        let mut windows = vec![(lon - d_lon, lon + d_lon, 0.0)];
        if lon - d_lon < -180.0 {
            windows.push((lon - d_lon + 360.0, 180.0, -360.0));
        }
        if lon + d_lon > 180.0 {
            windows.push((-180.0, lon + d_lon - 360.0, 360.0));
        }
        let mut best: Option<Hit> = None;
        for (west, east, shift) in windows {
            let window = AABB::from_corners([west, lat_range[0]], [east, lat_range[1]]);
            for segment in self.boundary.locate_in_envelope_intersecting(&window) {
                let from = [segment.geom().from[0] + shift, segment.geom().from[1]];
                let to = [segment.geom().to[0] + shift, segment.geom().to[1]];
                let distance_m = distance_to_segment_m([lon, lat], from, to);
                let region = segment.data as usize;
                let better = match &best {
                    None => true,
                    // Ties (a border vertex on the coast) go to the lower index: deterministic.
                    Some(b) => {
                        distance_m < b.distance_m
                            || (distance_m == b.distance_m && region < b.region)
                    }
                };
                if better {
                    best = Some(Hit { region, distance_m });
                }
            }
        }
        best.filter(|hit| hit.distance_m <= self.fallback_m)
    }
}

/// Great-circle distance in metres from `p` to the nearest point of segment `a`–`b` (all lon, lat).
/// The nearest point is found in an equirectangular projection centred on `p`, which is exact
/// enough over the few kilometres the fallback looks at; the distance itself is haversine.
fn distance_to_segment_m(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let k = p[1].to_radians().cos();
    let (ax, ay) = ((a[0] - p[0]) * k, a[1] - p[1]);
    let (bx, by) = ((b[0] - p[0]) * k, b[1] - p[1]);
    let (dx, dy) = (bx - ax, by - ay);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 {
        (-(ax * dx + ay * dy) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let nearest = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    haversine_m(p, nearest)
}

/// Haversine great-circle distance in metres between two (lon, lat) points.
pub(super) fn haversine_m(p: [f64; 2], q: [f64; 2]) -> f64 {
    let (lat1, lat2) = (p[1].to_radians(), q[1].to_radians());
    let d_lat = lat2 - lat1;
    let d_lon = (q[0] - p[0]).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn band_test_agrees_with_ray_casting_on_a_polygon_with_a_hole() {
        let square = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            interiors: [[(x: 4.0, y: 4.0), (x: 6.0, y: 4.0), (x: 6.0, y: 6.0), (x: 4.0, y: 6.0)]],
        );
        let banded = BandedPolygon::new(0, &square).unwrap();
        assert!(banded.contains(1.0, 1.0));
        assert!(banded.contains(9.9, 9.9));
        assert!(!banded.contains(5.0, 5.0), "in the hole");
        assert!(!banded.contains(11.0, 5.0));
        assert!(!banded.contains(5.0, -0.1));
        assert!(!banded.contains(5.0, 10.1));
    }

    #[test]
    fn haversine_of_one_degree_of_latitude() {
        let d = haversine_m([10.0, 45.0], [10.0, 46.0]);
        assert!((d - METRES_PER_DEGREE).abs() < 1.0, "{d}");
    }

    #[test]
    fn distance_to_a_segment_is_to_its_nearest_point() {
        // A north-south segment 0.1 degrees of longitude east of the point, at the equator.
        let d = distance_to_segment_m([0.0, 0.0], [0.1, -1.0], [0.1, 1.0]);
        assert!((d - 0.1 * METRES_PER_DEGREE).abs() < 1.0, "{d}");
        // Beyond the segment's end the nearest point is the end.
        let d = distance_to_segment_m([0.0, 0.0], [0.0, 0.5], [0.0, 1.0]);
        assert!((d - 0.5 * METRES_PER_DEGREE).abs() < 1.0, "{d}");
    }
}
