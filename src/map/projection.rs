//! Where a point lands on the map: a Lambert azimuthal equal-area projection centred on the frame,
//! scaled to pixels, and the main body of a country that the frame is fitted to.

use super::{INSET_MAX_H, INSET_MAX_W, INSET_PAD, KM_PER_DEGREE, MAP_SIZE_PX, NEAR_KM, PAD};
use geo::{Area, BoundingRect, Polygon, Rect};

/// Lambert azimuthal equal-area on the sphere, centred on (`lon0`, `lat0`); unit radius, y north.
#[derive(Debug, Clone, Copy)]
struct Laea {
    lon0: f64,
    sin0: f64,
    cos0: f64,
}

impl Laea {
    fn new(lon0: f64, lat0: f64) -> Self {
        let (sin0, cos0) = lat0.to_radians().sin_cos();
        Self { lon0, sin0, cos0 }
    }

    fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (sl, cl) = (lon - self.lon0).to_radians().sin_cos();
        let (sp, cp) = lat.to_radians().sin_cos();
        let k = (2.0 / (1.0 + self.sin0 * sp + self.cos0 * cp * cl).max(1e-9)).sqrt();
        (k * cp * sl, k * (self.cos0 * sp - self.sin0 * cp * cl))
    }
}

/// A projection and the affine map from projected units to SVG pixels (y down).
#[derive(Debug, Clone, Copy)]
pub(super) struct Fit {
    proj: Laea,
    pub(super) scale: f64,
    min_x: f64,
    max_y: f64,
    /// Projected extent.
    w: f64,
    h: f64,
    pad: f64,
}

impl Fit {
    /// Centred on and fitted to `polygons` (their bounding box fills [`MAP_SIZE_PX`] along its
    /// longer side).
    pub(super) fn new(polygons: &[&Polygon<f64>]) -> Fit {
        let proj = Laea::from_centre(polygons);
        let (min_x, min_y, max_x, max_y) = projected_bounds(&proj, polygons);
        let (w, h) = ((max_x - min_x).max(1e-9), (max_y - min_y).max(1e-9));
        let scale = (MAP_SIZE_PX / w).min(MAP_SIZE_PX / h);
        Fit {
            proj,
            scale,
            min_x,
            max_y,
            w,
            h,
            pad: PAD,
        }
    }

    /// For a region drawn apart: its own projection, at `scale` or smaller so that it fits in
    /// [`INSET_MAX_W`] × [`INSET_MAX_H`].
    pub(super) fn inset(polygons: &[&Polygon<f64>], scale: f64) -> Fit {
        let proj = Laea::from_centre(polygons);
        let (min_x, min_y, max_x, max_y) = projected_bounds(&proj, polygons);
        let (w, h) = ((max_x - min_x).max(1e-9), (max_y - min_y).max(1e-9));
        let room_w = INSET_MAX_W - 2.0 * INSET_PAD;
        let room_h = INSET_MAX_H - 2.0 * INSET_PAD;
        let scale = scale.min(room_w / w).min(room_h / h);
        Fit {
            proj,
            scale,
            min_x,
            max_y,
            w,
            h,
            pad: INSET_PAD,
        }
    }

    /// Width and height in pixels, padding included (whole pixels).
    pub(super) fn size(&self) -> (f64, f64) {
        (
            (self.w * self.scale + 2.0 * self.pad).ceil(),
            (self.h * self.scale + 2.0 * self.pad).ceil(),
        )
    }

    pub(super) fn px(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = self.proj.project(lon, lat);
        (
            (x - self.min_x) * self.scale + self.pad,
            (self.max_y - y) * self.scale + self.pad,
        )
    }

    pub(super) fn centre_px(&self) -> (f64, f64) {
        let (w, h) = self.size();
        (w / 2.0, h / 2.0)
    }

    /// Whether a polygon's projected bounding box meets `frame`.
    pub(super) fn intersects(&self, polygon: &Polygon<f64>, frame: &Rect<f64>) -> bool {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for c in polygon.exterior().0.iter() {
            let (x, y) = self.px(c.x, c.y);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        x0 <= frame.max().x && x1 >= frame.min().x && y0 <= frame.max().y && y1 >= frame.min().y
    }

    /// The centre of the polygons' projected bounding box.
    pub(super) fn centre_of(&self, polygons: &[&Polygon<f64>]) -> (f64, f64) {
        let (x0, y0, x1, y1) = projected_bounds(&self.proj, polygons);
        self.px_of_projected((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    }

    fn px_of_projected(&self, x: f64, y: f64) -> (f64, f64) {
        (
            (x - self.min_x) * self.scale + self.pad,
            (self.max_y - y) * self.scale + self.pad,
        )
    }
}

impl Laea {
    /// Centred on the longitude/latitude bounding box of the largest of `polygons` grown by the
    /// others (longitudes taken near the largest one's, so Alaska's Aleutians do not wrap).
    fn from_centre(polygons: &[&Polygon<f64>]) -> Laea {
        let Some(largest) = polygons
            .iter()
            .max_by(|a, b| approx_area(a).total_cmp(&approx_area(b)))
        else {
            return Laea::new(10.0, 52.0);
        };
        let reference = largest
            .bounding_rect()
            .map_or(0.0, |r| (r.min().x + r.max().x) / 2.0);
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in polygons {
            for c in p.exterior().0.iter() {
                let lon = reference + (c.x - reference + 540.0).rem_euclid(360.0) - 180.0;
                (x0, y0, x1, y1) = (x0.min(lon), y0.min(c.y), x1.max(lon), y1.max(c.y));
            }
        }
        Laea::new((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    }
}

fn projected_bounds(proj: &Laea, polygons: &[&Polygon<f64>]) -> (f64, f64, f64, f64) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in polygons {
        for c in p.exterior().0.iter() {
            let (x, y) = proj.project(c.x, c.y);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
    }
    if x0 > x1 {
        return (0.0, 0.0, 1.0, 1.0);
    }
    (x0, y0, x1, y1)
}

/// Area in square degrees of longitude scaled by cos(latitude): enough to compare polygons.
fn approx_area(polygon: &Polygon<f64>) -> f64 {
    let lat = polygon
        .bounding_rect()
        .map_or(0.0, |r| (r.min().y + r.max().y) / 2.0);
    polygon.unsigned_area() * lat.to_radians().cos()
}

/// The main body of a country or region: the parts whose bounding box lies within [`NEAR_KM`] (or
/// a tenth of the main body's diagonal, when larger) of the bounding box of its largest polygon,
/// and the parts at least `large_share` of the largest polygon's area wherever they are.
pub(super) fn core_parts<'a>(
    polygons: &[&'a Polygon<f64>],
    large_share: f64,
) -> Vec<&'a Polygon<f64>> {
    let Some(largest) = polygons
        .iter()
        .max_by(|a, b| approx_area(a).total_cmp(&approx_area(b)))
    else {
        return Vec::new();
    };
    let large = approx_area(largest) * large_share;
    let Some(main) = largest.bounding_rect() else {
        return Vec::new();
    };
    let cos = ((main.min().y + main.max().y) / 2.0).to_radians().cos();
    let diagonal = ((main.width() * cos).hypot(main.height())) * KM_PER_DEGREE;
    let limit = NEAR_KM.max(diagonal / 10.0);
    polygons
        .iter()
        .copied()
        .filter(|p| {
            approx_area(p) >= large
                || p.bounding_rect().is_some_and(|r| {
                    let dx = (main.min().x - r.max().x)
                        .max(r.min().x - main.max().x)
                        .max(0.0);
                    let dy = (main.min().y - r.max().y)
                        .max(r.min().y - main.max().y)
                        .max(0.0);
                    (dx * cos).hypot(dy) * KM_PER_DEGREE <= limit
                })
        })
        .collect()
}
