//! The region heatmap: an SVG map of a service's countries, each region filled by how its reports
//! in a window compare with the typical count for that window, with a legend, a `<title>` per
//! region and a text alternative ([`heat_table`]). Pure: regions and numbers in, markup out.
//!
//! Two steps:
//! 1. [`MapView::for_countries`] projects and simplifies the geometry of one set of countries once
//!    (milliseconds to tens of milliseconds); [`MapViews`] caches the views by country set.
//! 2. [`heatmap_svg`] writes the SVG for a view, the counts, a language and a theme (string
//!    building only).
//!
//! **Views.** A service in at most [`MAX_FITTED_COUNTRIES`] countries, all European or only the
//! US, gets a map fitted to its countries; any other ("international") service gets the whole of
//! Europe with its European countries' regions drawn (US regions are drawn only for a US-only
//! service). Covered countries without data inside the frame are drawn as a pale background.
//! The projection is Lambert azimuthal equal-area centred on the frame. The frame is fitted to each
//! country's main body: polygon parts farther than [`NEAR_KM`] (or a tenth of the main body's
//! size, when larger) from the bounding box of the country's largest polygon do not count
//! (Canaries, Azores, Madeira, Alaska, Hawaii). A region lying wholly outside the frame is drawn in
//! an inset under the legend, at the map's scale or smaller, so every region of the service's
//! countries appears exactly once.
//!
//! **Geometry.** Neighbouring regions share their border vertices (`data/geo/README.md`), so borders
//! are cut into arcs between junctions and each arc is simplified the same way for both of its
//! sides (Douglas–Peucker after projection): neighbours keep meeting exactly, without gaps or
//! overlaps. Coordinates are then rounded to whole pixels, written as relative path commands, and
//! rings smaller than [`MIN_RING_AREA_PX`] are dropped (a region left with nothing is drawn as a
//! 3-pixel square so that it can still be seen and hovered). The tolerance is the finest of
//! [`TOLERANCES_PX`] (0.7 px first) that keeps the SVG under [`SVG_BUDGET_BYTES`] with any counts
//! in any language, given a title and description of up to [`TEXT_ALLOWANCE`] bytes.
//!
//! **Levels** (see [`Level::of`]): no reports; at or below typical; then by the ratio
//! (count + 1) / (typical + 1), which stays meaningful for sparse counts (1 report where 0.2 are
//! typical is "above normal", not "5 times normal").

use super::i18n::{Arg, Lang};
use crate::regions::{Region, RegionCatalog};
use geo::{Area, BoundingRect, Coord, LineString, Polygon, Rect, SimplifyIdx};
use parking_lot::RwLock;
use std::collections::HashMap;
use std::fmt::Write;
use std::str::FromStr;
use std::sync::Arc;

/// Ratio (count + 1) / (typical + 1) from which a region is "above normal".
pub const ABOVE_RATIO: f64 = 1.5;
/// Ratio from which a region is "well above normal".
pub const WELL_ABOVE_RATIO: f64 = 3.0;
/// Ratio from which a region is "far above normal".
pub const FAR_ABOVE_RATIO: f64 = 6.0;

/// A service in more countries than this gets the whole-continent view.
pub const MAX_FITTED_COUNTRIES: usize = 4;

/// The map area fits in a square of this many pixels (SVG user units), keeping its aspect.
pub const MAP_SIZE_PX: f64 = 600.0;
/// Douglas–Peucker tolerances tried for the service's regions, in pixels of the output, finest
/// first: the first whose paths leave the SVG under [`SVG_BUDGET_BYTES`] is kept.
pub const TOLERANCES_PX: [f64; 6] = [0.7, 1.0, 1.4, 2.0, 2.8, 4.0];
/// Background countries are simplified this many times more coarsely.
pub const BACKGROUND_TOLERANCE_FACTOR: f64 = 2.0;
/// Rings (islands, holes) of the service's regions smaller than this, in square pixels after
/// rounding, are dropped.
pub const MIN_RING_AREA_PX: f64 = 1.0;
/// The same for background countries.
pub const MIN_BACKGROUND_RING_AREA_PX: f64 = 6.0;
/// Bytes an SVG may take: the embed page wrapping it stays under 30 KB.
pub const SVG_BUDGET_BYTES: usize = 22 * 1024;
/// Parts of a country at most this far from its main body count when fitting the frame.
pub const NEAR_KM: f64 = 300.0;

/// Margin around the fitted frame inside the map area.
const PAD: f64 = 8.0;
/// Width of the legend column, right of the map.
const LEGEND_W: f64 = 190.0;
/// Height the legend needs.
const LEGEND_H: f64 = 150.0;
/// An inset (a region far from the rest, drawn under the legend) fits in this box.
const INSET_MAX_W: f64 = LEGEND_W - 16.0;
const INSET_MAX_H: f64 = 140.0;
const INSET_PAD: f64 = 4.0;
const INSET_GAP: f64 = 8.0;
/// Parts of an inset's region far from its main body are drawn when at least this share of its
/// largest part's area.
const INSET_KEEP_SHARE: f64 = 0.005;
const KM_PER_DEGREE: f64 = 111.2;

/// How a region's reports compare with its typical count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// No reports.
    None,
    /// At most typical, or above it by less than [`ABOVE_RATIO`].
    Normal,
    Above,
    WellAbove,
    FarAbove,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::None,
        Level::Normal,
        Level::Above,
        Level::WellAbove,
        Level::FarAbove,
    ];

    /// The level of `count` reports where `baseline` are typical (a negative or non-finite
    /// baseline counts as 0).
    pub fn of(count: u64, baseline: f64) -> Level {
        let baseline = if baseline.is_finite() {
            baseline.max(0.0)
        } else {
            0.0
        };
        if count == 0 {
            return Level::None;
        }
        let count = count as f64;
        if count <= baseline {
            return Level::Normal;
        }
        let ratio = (count + 1.0) / (baseline + 1.0);
        if ratio >= FAR_ABOVE_RATIO {
            Level::FarAbove
        } else if ratio >= WELL_ABOVE_RATIO {
            Level::WellAbove
        } else if ratio >= ABOVE_RATIO {
            Level::Above
        } else {
            Level::Normal
        }
    }

    /// 0 (no reports) to 4 (far above normal).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The CSS class of the group of regions at this level: `l0` … `l4`.
    pub fn class(self) -> &'static str {
        ["l0", "l1", "l2", "l3", "l4"][self.index()]
    }

    /// The Fluent key of the level's label.
    pub fn key(self) -> &'static str {
        match self {
            Level::None => "heatmap-level-none",
            Level::Normal => "heatmap-level-normal",
            Level::Above => "heatmap-level-above",
            Level::WellAbove => "heatmap-level-well-above",
            Level::FarAbove => "heatmap-level-far-above",
        }
    }

    /// The level's label in `lang` ("Well above normal").
    pub fn label(self, lang: Lang) -> String {
        lang.t(self.key())
    }
}

/// Colours of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl Theme {
    /// `light` or `dark` (as in `?theme=`).
    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn palette(self) -> &'static Palette {
        match self {
            Theme::Light => &LIGHT,
            Theme::Dark => &DARK,
        }
    }
}

impl FromStr for Theme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Theme::parse(s).ok_or_else(|| format!("unknown theme {s:?} (light or dark)"))
    }
}

struct Palette {
    background: &'static str,
    text: &'static str,
    /// Covered countries without data.
    land: &'static str,
    land_stroke: &'static str,
    /// Region borders.
    border: &'static str,
    inset_frame: &'static str,
    /// By [`Level::index`]: neutral, then a sequential scale.
    levels: [&'static str; 5],
}

// Legend text on the background is about 16:1 in both themes (WCAG AA asks 4.5:1). Region borders
// keep at least 1.6:1 against every fill (a mid grey in the light theme, whose fills avoid its
// luminance; the background colour in the dark theme, whose fills get brighter with the level).
// Sequential palettes in the yellow-orange-red family (after ColorBrewer YlOrRd).
const LIGHT: Palette = Palette {
    background: "#ffffff",
    text: "#1f2328",
    land: "#f1f3f5",
    land_stroke: "#c3c9d0",
    border: "#8c959f",
    inset_frame: "#9aa3ad",
    levels: ["#cfd5dc", "#fde9a9", "#fdb24f", "#c2341b", "#7a0c1c"],
};

const DARK: Palette = Palette {
    background: "#0d1117",
    text: "#e6edf3",
    land: "#1a2029",
    land_stroke: "#363e48",
    border: "#0d1117",
    inset_frame: "#59636e",
    levels: ["#3a424c", "#5e5020", "#b0701a", "#e8632e", "#ffa08a"],
};

/// One region as drawn: its path, and the names for its title.
#[derive(Debug, Clone)]
struct Shape {
    id: String,
    name: String,
    name_local: String,
    country: String,
    /// SVG path data, pixels of the view.
    d: String,
}

impl Shape {
    fn display_name(&self, lang: Lang) -> &str {
        if lang.home_country() == Some(self.country.as_str()) {
            &self.name_local
        } else {
            &self.name
        }
    }
}

/// The projected, simplified geometry of one set of countries, ready to be filled with counts.
/// Build with [`MapView::for_countries`] (or get one from [`MapViews`]); immutable afterwards.
#[derive(Debug, Clone)]
pub struct MapView {
    /// The service's regions, sorted by country then id (catalog order).
    shapes: Vec<Shape>,
    /// Covered countries without data, one path.
    background: String,
    /// Frames of the insets, `(x, y, width, height)`.
    insets: Vec<(f64, f64, f64, f64)>,
    map_w: f64,
    map_h: f64,
    continent: bool,
    /// The simplification tolerance chosen, in pixels.
    tolerance: f64,
    fit: Fit,
}

impl MapView {
    /// The view for a service present in `countries` (ISO 3166-1 alpha-2; order does not matter,
    /// countries without regions are ignored).
    pub fn for_countries(regions: &RegionCatalog, countries: &[String]) -> MapView {
        let mut covered: Vec<&str> = countries
            .iter()
            .map(String::as_str)
            .filter(|c| !regions.regions_of(c).is_empty())
            .collect();
        covered.sort_unstable();
        covered.dedup();
        let european: Vec<&str> = covered.iter().copied().filter(|&c| c != "US").collect();
        let continent = covered.is_empty()
            || covered.len() > MAX_FITTED_COUNTRIES
            || (european.len() < covered.len() && !european.is_empty());
        let data: Vec<&str> = if continent { european } else { covered };
        // The frame: Europe, or the service's countries.
        let frame_countries: Vec<&str> = if continent {
            regions
                .countries()
                .iter()
                .map(|c| c.id.as_str())
                .filter(|&c| c != "US")
                .collect()
        } else {
            data.clone()
        };
        let us_view = frame_countries == ["US"];

        let core: Vec<&Polygon<f64>> = frame_countries
            .iter()
            .filter_map(|c| regions.country(c))
            .flat_map(|c| core_parts(&c.geometry.0.iter().collect::<Vec<_>>(), f64::INFINITY))
            .collect();
        let fit = Fit::new(&core);
        let (map_w, map_h) = fit.size();
        let frame = Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: map_w, y: map_h });

        // The service's regions: in the frame, or in an inset when wholly outside it.
        let data_regions: Vec<&Region> = data.iter().flat_map(|c| regions.regions_of(c)).collect();
        let mut main_features: Vec<Vec<&Polygon<f64>>> = Vec::new();
        let mut main_of_region: Vec<Option<usize>> = Vec::with_capacity(data_regions.len());
        let mut remote: Vec<usize> = Vec::new();
        for (i, region) in data_regions.iter().enumerate() {
            let inside: Vec<&Polygon<f64>> = region
                .geometry
                .0
                .iter()
                .filter(|p| fit.intersects(p, &frame))
                .collect();
            if inside.is_empty() {
                main_of_region.push(None);
                remote.push(i);
            } else {
                main_of_region.push(Some(main_features.len()));
                main_features.push(inside);
            }
        }
        let data_features = main_features.len();
        // Covered countries without data that reach into the frame, as background.
        for country in regions.countries() {
            let is_us = country.id == "US";
            if data.contains(&country.id.as_str()) || is_us != us_view {
                continue;
            }
            let inside: Vec<&Polygon<f64>> = country
                .geometry
                .0
                .iter()
                .filter(|p| fit.intersects(p, &frame))
                .collect();
            if !inside.is_empty() {
                main_features.push(inside);
            }
        }
        let fine: Vec<bool> = (0..main_features.len())
            .map(|i| i < data_features)
            .collect();
        let clip = Rect::new(
            Coord { x: -1.0, y: -1.0 },
            Coord {
                x: map_w + 1.0,
                y: map_h + 1.0,
            },
        );
        let main = Topology::new(&main_features, &fine, &|lon, lat| fit.px(lon, lat));

        // Insets, in the legend's column under the legend, at the map's scale or smaller; far
        // specks of a region left out (the north-western Hawaiian islands, the far Aleutians).
        let mut insets = Vec::new();
        let mut inset_topologies: Vec<(usize, Topology, (f64, f64))> = Vec::new();
        let mut y = LEGEND_H + INSET_GAP;
        for &i in &remote {
            let all: Vec<&Polygon<f64>> = data_regions[i].geometry.0.iter().collect();
            let polygons = core_parts(&all, INSET_KEEP_SHARE);
            let inset = Fit::inset(&polygons, fit.scale);
            let (w, h) = inset.size();
            let (ox, oy) = (map_w + (LEGEND_W - w) / 2.0, y);
            let to_px = |lon, lat| {
                let (px, py) = inset.px(lon, lat);
                (px + ox, py + oy)
            };
            let (cx, cy) = inset.centre_px();
            inset_topologies.push((
                i,
                Topology::new(&[polygons], &[true], &to_px),
                (cx + ox, cy + oy),
            ));
            insets.push((ox, oy, w, h));
            y += h + INSET_GAP;
        }

        // The finest tolerance whose paths fit the budget.
        let budget = path_budget(&data_regions, insets.len());
        let mut paths: Vec<String> = Vec::new();
        let mut background = String::new();
        let mut chosen = TOLERANCES_PX[0];
        for (step, &tolerance) in TOLERANCES_PX.iter().enumerate() {
            chosen = tolerance;
            let drawn = main.draw(tolerance, Some(clip));
            let mut inset_drawn: HashMap<usize, (Vec<Ring>, (f64, f64))> = inset_topologies
                .iter()
                .map(|(i, topology, centre)| {
                    (*i, (topology.draw(tolerance, None).remove(0), *centre))
                })
                .collect();
            background.clear();
            for rings in &drawn[data_features..] {
                write_path(&mut background, rings);
            }
            paths = (0..data_regions.len())
                .map(|i| {
                    let mut d = String::new();
                    let centre = match main_of_region[i] {
                        Some(f) => {
                            write_path(&mut d, &drawn[f]);
                            fit.centre_of(&main_features[f])
                        }
                        None => {
                            let (rings, centre) = inset_drawn.remove(&i).unwrap_or_default();
                            write_path(&mut d, &rings);
                            centre
                        }
                    };
                    if d.is_empty() {
                        write_dot(&mut d, centre.0, centre.1);
                    }
                    d
                })
                .collect();
            let bytes = background.len() + paths.iter().map(String::len).sum::<usize>();
            if bytes <= budget || step + 1 == TOLERANCES_PX.len() {
                break;
            }
        }

        let shapes = data_regions
            .iter()
            .zip(paths)
            .map(|(region, d)| Shape {
                id: region.id.clone(),
                name: region.name.clone(),
                name_local: region.name_local.clone(),
                country: region.country.clone(),
                d,
            })
            .collect();
        MapView {
            shapes,
            background,
            insets,
            map_w,
            map_h,
            continent,
            tolerance: chosen,
            fit,
        }
    }

    /// The ids of the regions drawn (the service's regions), in catalog order: the counts wanted.
    pub fn region_ids(&self) -> impl Iterator<Item = &str> {
        self.shapes.iter().map(|s| s.id.as_str())
    }

    /// Whether this is the whole-continent view of an international service.
    pub fn is_continent(&self) -> bool {
        self.continent
    }

    /// The Douglas–Peucker tolerance the geometry was simplified with, in pixels (the finest of
    /// [`TOLERANCES_PX`] within the size budget).
    pub fn tolerance_px(&self) -> f64 {
        self.tolerance
    }

    /// Width and height of the SVG (its `viewBox`): the map, and the legend and insets right of it.
    pub fn size(&self) -> (f64, f64) {
        let column = self
            .insets
            .iter()
            .map(|i| i.1 + i.3 + INSET_GAP)
            .fold(LEGEND_H, f64::max);
        (self.map_w + LEGEND_W, self.map_h.max(column).ceil())
    }

    /// Where a point (latitude, longitude in degrees) lies on the main map, in SVG units.
    pub fn point(&self, lat: f64, lon: f64) -> (f64, f64) {
        self.fit.px(lon, lat)
    }
}

/// What the SVG spends besides paths, at most: the header with a title and a description of up to
/// [`TEXT_ALLOWANCE`] bytes together, the background's and groups' tags, the legend.
const FIXED_BYTES: usize = 2_600;
/// Title and description lengths the budget allows for.
pub const TEXT_ALLOWANCE: usize = 400;
/// Per region besides its name: `<path d=""><title>: 888 888 signalements</title></path>`.
const REGION_BYTES: usize = 64;
const INSET_BYTES: usize = 80;

/// Bytes the paths (regions and background) of a view may take so that the whole SVG stays under
/// [`SVG_BUDGET_BYTES`] whatever the counts and language.
fn path_budget(regions: &[&Region], insets: usize) -> usize {
    let text: usize = regions
        .iter()
        .map(|r| REGION_BYTES + escape(&r.name).len().max(escape(&r.name_local).len()))
        .sum();
    SVG_BUDGET_BYTES.saturating_sub(FIXED_BYTES + TEXT_ALLOWANCE + text + insets * INSET_BYTES)
}

/// The views of every country set asked for, built on first use. Cheap to clone (shared);
/// `Send + Sync`.
#[derive(Clone)]
pub struct MapViews {
    regions: Arc<RegionCatalog>,
    cache: Arc<RwLock<HashMap<Vec<String>, Arc<MapView>>>>,
}

impl MapViews {
    pub fn new(regions: Arc<RegionCatalog>) -> Self {
        Self {
            regions,
            cache: Arc::default(),
        }
    }

    /// The view of a country set (in any order).
    pub fn get(&self, countries: &[String]) -> Arc<MapView> {
        let mut key = countries.to_vec();
        key.sort_unstable();
        key.dedup();
        if let Some(view) = self.cache.read().get(&key) {
            return Arc::clone(view);
        }
        // Built outside the lock: a rare concurrent first use builds twice and keeps the first.
        let view = Arc::new(MapView::for_countries(&self.regions, &key));
        Arc::clone(self.cache.write().entry(key).or_insert(view))
    }
}

/// A region's reports in the window, and the typical count for that window.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionActivity {
    pub id: String,
    pub count: u64,
    pub baseline: f64,
}

/// Counts by region id; repeated ids add up; regions not given have 0 reports and 0 typical.
fn activity_map(activity: &[RegionActivity]) -> HashMap<&str, (u64, f64)> {
    let mut map: HashMap<&str, (u64, f64)> = HashMap::with_capacity(activity.len());
    for a in activity {
        let entry = map.entry(a.id.as_str()).or_default();
        entry.0 = entry.0.saturating_add(a.count);
        if a.baseline.is_finite() && a.baseline > 0.0 {
            entry.1 += a.baseline;
        }
    }
    map
}

/// The heatmap: `title` and `desc` first (for `aria-labelledby`), one `<path>` per region of the
/// view grouped by level (`<g class="l0">` … `l4`, fill set on the group), each with a
/// `<title>` "Region: N reports" in `lang` (local region names in their own country's language),
/// and a legend. Self-contained (no external CSS, fonts or images); deterministic.
pub fn heatmap_svg(
    view: &MapView,
    activity: &[RegionActivity],
    lang: Lang,
    theme: Theme,
    title: &str,
    desc: &str,
) -> String {
    let palette = theme.palette();
    let counts = activity_map(activity);
    let (w, h) = view.size();
    let mut svg = String::with_capacity(24 * 1024);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="heatmap-title heatmap-desc" font-family="system-ui,-apple-system,'Segoe UI',Roboto,sans-serif" font-size="12"><title id="heatmap-title">{}</title><desc id="heatmap-desc">{}</desc><rect width="{w}" height="{h}" fill="{}"/>"##,
        escape(title),
        escape(desc),
        palette.background
    );
    if !view.background.is_empty() {
        let _ = write!(
            svg,
            r#"<path fill="{}" stroke="{}" stroke-width=".5" stroke-linejoin="round" d="{}"/>"#,
            palette.land, palette.land_stroke, view.background
        );
    }
    // The legend's column, covering what the clipped background leaves past the map's edge.
    let _ = write!(
        svg,
        r#"<rect x="{}" width="{LEGEND_W}" height="{h}" fill="{}"/>"#,
        view.map_w, palette.background
    );
    if !view.insets.is_empty() {
        let _ = write!(svg, r#"<g fill="none" stroke="{}">"#, palette.inset_frame);
        for &(x, y, iw, ih) in &view.insets {
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
                x - 0.5,
                y - 0.5,
                iw + 1.0,
                ih + 1.0
            );
        }
        svg.push_str("</g>");
    }
    let mut by_level: [Vec<(&Shape, u64)>; 5] = Default::default();
    for shape in &view.shapes {
        let (count, baseline) = counts.get(shape.id.as_str()).copied().unwrap_or_default();
        by_level[Level::of(count, baseline).index()].push((shape, count));
    }
    let _ = write!(
        svg,
        r#"<g stroke="{}" stroke-width=".5" stroke-linejoin="round">"#,
        palette.border
    );
    for level in Level::ALL {
        let shapes = &by_level[level.index()];
        if shapes.is_empty() {
            continue;
        }
        let _ = write!(
            svg,
            r#"<g class="{}" fill="{}">"#,
            level.class(),
            palette.levels[level.index()]
        );
        for &(shape, count) in shapes {
            let title = lang.count(
                "heatmap-region-title",
                count,
                &[("region", Arg::from(shape.display_name(lang)))],
            );
            let _ = write!(
                svg,
                r#"<path d="{}"><title>{}</title></path>"#,
                shape.d,
                escape(&title)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</g>");
    legend(&mut svg, view.map_w, lang, palette);
    svg.push_str("</svg>");
    svg
}

/// The legend column right of the map: a heading and one swatch per level.
fn legend(svg: &mut String, x: f64, lang: Lang, palette: &Palette) {
    let _ = write!(
        svg,
        r#"<g class="legend"><text x="{tx}" y="24" font-weight="bold" fill="{text}">{heading}</text><g stroke="{border}" stroke-width=".5">"#,
        tx = x + 8.0,
        text = palette.text,
        heading = escape(&lang.t("heatmap-legend-title")),
        border = palette.border,
    );
    for level in Level::ALL {
        let y = 38.0 + 22.0 * level.index() as f64;
        let _ = write!(
            svg,
            r#"<rect x="{}" y="{y}" width="14" height="14" fill="{}"/>"#,
            x + 8.0,
            palette.levels[level.index()]
        );
    }
    let _ = write!(svg, r#"</g><g fill="{}">"#, palette.text);
    for level in Level::ALL {
        let y = 38.0 + 22.0 * level.index() as f64 + 11.5;
        let _ = write!(
            svg,
            r#"<text x="{}" y="{y}">{}</text>"#,
            x + 28.0,
            escape(&level.label(lang))
        );
    }
    svg.push_str("</g></g>");
}

/// A row of the table that stands in for the map.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatRow {
    pub id: String,
    /// In the visitor's language where it is the region's own, else English.
    pub name: String,
    pub count: u64,
    /// `lang.integer(count)`.
    pub count_text: String,
    /// The typical count, one decimal under 10 ("0.4", "2,5"), else whole ("1,234").
    pub typical_text: String,
    pub level: Level,
    pub level_label: String,
}

/// The map as a table: the view's regions with at least one report, most reports first (then by
/// name).
pub fn heat_table(view: &MapView, activity: &[RegionActivity], lang: Lang) -> Vec<HeatRow> {
    let counts = activity_map(activity);
    let mut rows: Vec<HeatRow> = view
        .shapes
        .iter()
        .filter_map(|shape| {
            let (count, baseline) = counts.get(shape.id.as_str()).copied()?;
            (count > 0).then(|| {
                let level = Level::of(count, baseline);
                HeatRow {
                    id: shape.id.clone(),
                    name: shape.display_name(lang).to_owned(),
                    count,
                    count_text: lang.integer(count),
                    typical_text: if baseline < 10.0 {
                        lang.decimal(baseline, 1)
                    } else {
                        lang.integer(baseline.round() as u64)
                    },
                    level,
                    level_label: level.label(lang),
                }
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    rows
}

/// Text for XML content and double-quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Projection and fitting

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
struct Fit {
    proj: Laea,
    scale: f64,
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
    fn new(polygons: &[&Polygon<f64>]) -> Fit {
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
    fn inset(polygons: &[&Polygon<f64>], scale: f64) -> Fit {
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
    fn size(&self) -> (f64, f64) {
        (
            (self.w * self.scale + 2.0 * self.pad).ceil(),
            (self.h * self.scale + 2.0 * self.pad).ceil(),
        )
    }

    fn px(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = self.proj.project(lon, lat);
        (
            (x - self.min_x) * self.scale + self.pad,
            (self.max_y - y) * self.scale + self.pad,
        )
    }

    fn centre_px(&self) -> (f64, f64) {
        let (w, h) = self.size();
        (w / 2.0, h / 2.0)
    }

    /// Whether a polygon's projected bounding box meets `frame`.
    fn intersects(&self, polygon: &Polygon<f64>, frame: &Rect<f64>) -> bool {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for c in polygon.exterior().0.iter() {
            let (x, y) = self.px(c.x, c.y);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        x0 <= frame.max().x && x1 >= frame.min().x && y0 <= frame.max().y && y1 >= frame.min().y
    }

    /// The centre of the polygons' projected bounding box.
    fn centre_of(&self, polygons: &[&Polygon<f64>]) -> (f64, f64) {
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
fn core_parts<'a>(polygons: &[&'a Polygon<f64>], large_share: f64) -> Vec<&'a Polygon<f64>> {
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

// ---------------------------------------------------------------------------------------------
// Simplification with shared borders

/// The rings of a set of features, projected, with their borders cut into arcs between junctions
/// (vertices where the set of rings passing through changes), each arc in one canonical direction
/// so that the rings sharing it simplify it alike. Built once per view, drawn at any tolerance.
struct Topology {
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
type Ring = Vec<(i32, i32)>;
/// A vertex on the data's 0.0001° grid.
type GridKey = (i32, i32);

impl Topology {
    /// `fine[f]`: whether feature `f` is a region of the service (else background).
    fn new(
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
    fn draw(&self, tolerance: f64, clip: Option<Rect<f64>>) -> Vec<Vec<Ring>> {
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
fn write_path(d: &mut String, rings: &[Ring]) {
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
fn write_dot(d: &mut String, x: f64, y: f64) {
    let _ = write!(
        d,
        "M{} {}h3v3h-3z",
        (x - 1.5).round() as i32,
        (y - 1.5).round() as i32
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::web::i18n::MISSING;
    use std::collections::BTreeSet;
    use std::sync::OnceLock;

    const SVG_BUDGET: usize = SVG_BUDGET_BYTES;

    fn catalog() -> &'static RegionCatalog {
        static CATALOG: OnceLock<RegionCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| RegionCatalog::embedded().unwrap())
    }

    fn views() -> &'static MapViews {
        static VIEWS: OnceLock<MapViews> = OnceLock::new();
        VIEWS.get_or_init(|| MapViews::new(Arc::new(RegionCatalog::embedded().unwrap())))
    }

    fn set(countries: &[&str]) -> Vec<String> {
        countries.iter().map(|c| (*c).to_owned()).collect()
    }

    fn activity(id: &str, count: u64, baseline: f64) -> RegionActivity {
        RegionActivity {
            id: id.to_owned(),
            count,
            baseline,
        }
    }

    /// The heaviest text a view can carry: every region with a six-digit count at the top level.
    fn busiest(view: &MapView) -> Vec<RegionActivity> {
        view.region_ids()
            .map(|id| activity(id, 888_888, 0.0))
            .collect()
    }

    /// Every point of every path of an SVG (absolute `M`, relative `l`, `h`, `v`), by path.
    fn path_points(svg: &str) -> Vec<Vec<(i64, i64)>> {
        let mut paths = Vec::new();
        for piece in svg.split(" d=\"").skip(1) {
            let d = &piece[..piece.find('"').unwrap()];
            let mut points = Vec::new();
            let (mut x, mut y) = (0i64, 0i64);
            let mut command = ' ';
            let mut numbers: Vec<i64> = Vec::new();
            let mut flush = |command: char, numbers: &mut Vec<i64>, x: &mut i64, y: &mut i64| {
                match command {
                    'M' => {
                        (*x, *y) = (numbers[0], numbers[1]);
                        points.push((*x, *y));
                    }
                    'l' => {
                        for pair in numbers.chunks(2) {
                            (*x, *y) = (*x + pair[0], *y + pair[1]);
                            points.push((*x, *y));
                        }
                    }
                    'h' => {
                        *x += numbers[0];
                        points.push((*x, *y));
                    }
                    'v' => {
                        *y += numbers[0];
                        points.push((*x, *y));
                    }
                    _ => assert!(numbers.is_empty(), "numbers before a command in {d}"),
                }
                numbers.clear();
            };
            let mut token = String::new();
            for c in d.chars().chain(std::iter::once('z')) {
                if c.is_ascii_digit() || (c == '-' && token.is_empty()) {
                    token.push(c);
                    continue;
                }
                if !token.is_empty() {
                    numbers.push(token.parse().unwrap());
                    token.clear();
                }
                match c {
                    '-' => token.push(c),
                    ' ' => {}
                    'M' | 'l' | 'h' | 'v' | 'z' => {
                        flush(command, &mut numbers, &mut x, &mut y);
                        command = c;
                    }
                    other => panic!("unexpected {other:?} in path data {d}"),
                }
            }
            paths.push(points);
        }
        paths
    }

    fn view_box(svg: &str) -> (f64, f64) {
        let at = svg.find("viewBox=\"0 0 ").unwrap() + 13;
        let rest = &svg[at..];
        let mut numbers = rest[..rest.find('"').unwrap()].split(' ');
        let w = numbers.next().unwrap().parse().unwrap();
        let h = numbers.next().unwrap().parse().unwrap();
        (w, h)
    }

    /// A small well-formedness check: tags balance, attributes are quoted, `&` starts an entity.
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            for (i, _) in text.match_indices('&') {
                let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains(&entity),
                    "bare & in {text:?}"
                );
            }
            let close = rest[open..].find('>').unwrap() + open;
            let tag = &rest[open + 1..close];
            assert!(!tag.contains('<'), "< inside a tag: {tag}");
            assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "closing {name}");
            } else if !tag.ends_with('/') {
                stack.push(tag.split([' ', '/']).next().unwrap());
            }
            rest = &rest[close + 1..];
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        assert!(rest.is_empty());
    }

    #[test]
    fn levels_compare_count_with_typical_for_sparse_counts() {
        assert_eq!(Level::of(0, 0.0), Level::None);
        assert_eq!(Level::of(0, 25.0), Level::None);
        assert_eq!(Level::of(3, 3.0), Level::Normal);
        assert_eq!(Level::of(12, 10.0), Level::Normal, "13/11 < 1.5");
        assert_eq!(Level::of(16, 10.0), Level::Above, "17/11 >= 1.5");
        assert_eq!(Level::of(1, 0.0), Level::Above, "2/1");
        assert_eq!(Level::of(1, 0.2), Level::Above, "2/1.2");
        assert_eq!(Level::of(2, 0.0), Level::WellAbove, "3/1");
        assert_eq!(Level::of(5, 0.0), Level::FarAbove, "6/1");
        assert_eq!(Level::of(32, 10.0), Level::WellAbove, "33/11 = 3");
        assert_eq!(Level::of(65, 10.0), Level::FarAbove, "66/11 = 6");
        assert_eq!(Level::of(64, 10.0), Level::WellAbove);
        assert_eq!(Level::of(1, f64::NAN), Level::Above);
        assert_eq!(Level::of(1, -4.0), Level::Above);
        assert_eq!(Level::of(1_000_000, f64::INFINITY), Level::FarAbove);
    }

    #[test]
    fn themes_parse_and_legend_text_passes_wcag_aa() {
        assert_eq!(Theme::parse("light"), Some(Theme::Light));
        assert_eq!("dark".parse::<Theme>(), Ok(Theme::Dark));
        assert_eq!(Theme::parse("Dark"), None);
        assert!("blue".parse::<Theme>().is_err());
        fn luminance(hex: &str) -> f64 {
            let channel = |i: usize| {
                let c = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
                if c <= 0.039_28 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
        }
        let contrast = |a: &str, b: &str| {
            let (la, lb) = (luminance(a), luminance(b));
            (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
        };
        for theme in [Theme::Light, Theme::Dark] {
            let p = theme.palette();
            assert!(contrast(p.text, p.background) >= 4.5, "{theme:?} text");
            // Borders stand out from every fill; regions without reports from other countries.
            for fill in p.levels {
                assert!(
                    contrast(p.border, fill) >= 1.6,
                    "{theme:?} border on {fill}"
                );
            }
            assert!(
                contrast(p.levels[0], p.land) >= 1.3,
                "{theme:?} neutral vs land"
            );
            // The scale is sequential: each level differs from the previous one.
            for pair in p.levels[1..].windows(2) {
                assert!(contrast(pair[0], pair[1]) >= 1.2, "{theme:?} {pair:?}");
            }
        }
    }

    #[test]
    fn milan_is_north_west_of_rome_and_inside_the_view() {
        let view = MapView::for_countries(catalog(), &set(&["IT"]));
        assert!(!view.is_continent());
        let (w, h) = view.size();
        let milan = view.point(45.46, 9.19);
        let rome = view.point(41.90, 12.50);
        let palermo = view.point(38.12, 13.36);
        for (x, y) in [milan, rome, palermo] {
            assert!(x > 0.0 && x < view.map_w && y > 0.0 && y < h, "{x},{y}");
        }
        assert!(milan.0 < rome.0 && milan.1 < rome.1, "{milan:?} {rome:?}");
        assert!(palermo.1 > rome.1);
        // Italy fills the frame: about 600 px along its longer side (north-south).
        assert!(
            (view.map_h - (MAP_SIZE_PX + 2.0 * PAD)).abs() <= 1.0,
            "{}",
            view.map_h
        );
        assert!(view.map_w > 400.0 && view.map_w < w, "{}", view.map_w);
        // Equal-area, so no stretching: Italy's width/height ratio is about right.
        let aosta_to_otranto = view.point(45.74, 7.32).0 - view.point(40.15, 18.49).0;
        assert!(aosta_to_otranto < -400.0, "{aosta_to_otranto}");
    }

    #[test]
    fn every_region_of_the_countries_appears_exactly_once() {
        for countries in [
            &["IT"][..],
            &["NO"],
            &["FR"],
            &["GB", "DE"],
            &["NO", "SE", "FI", "DK"],
            // Continent view; Ceuta and Melilla are too small for a path at that scale.
            &["DE", "FR", "IT", "AT", "ES", "NL"],
        ] {
            let view = views().get(&set(countries));
            let expected: Vec<&str> = countries
                .iter()
                .flat_map(|c| catalog().regions_of(c))
                .map(|r| r.id.as_str())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let ids: Vec<&str> = view.region_ids().collect();
            let sorted: BTreeSet<&str> = ids.iter().copied().collect();
            assert_eq!(ids.len(), sorted.len(), "{countries:?}: repeated ids");
            assert_eq!(sorted.into_iter().collect::<Vec<_>>(), expected);
            let svg = heatmap_svg(&view, &[], Lang::En, Theme::Light, "t", "d");
            assert_eq!(
                svg.matches("<path d=").count(),
                expected.len(),
                "{countries:?}"
            );
            for id in &expected {
                let region = catalog().get(id).unwrap();
                let title = format!("<title>{}: 0 reports</title>", escape(&region.name));
                assert_eq!(svg.matches(&title).count(), 1, "{title}");
            }
            // Every region has something to see.
            for shape in &view.shapes {
                assert!(shape.d.starts_with('M'), "{} has no path", shape.id);
            }
        }
        let it = views().get(&set(&["IT"]));
        assert_eq!(it.region_ids().count(), 20);
    }

    #[test]
    fn paths_stay_inside_the_view_box() {
        for countries in [
            &["IT"][..],
            &["NO"],
            &["US"],
            &["ES"],
            &["PT"],
            &["US", "GB", "DE", "FR", "IT", "NO"],
            &["DE", "FR", "IT", "AT", "ES", "NL"],
        ] {
            let view = views().get(&set(countries));
            let svg = heatmap_svg(&view, &[], Lang::En, Theme::Dark, "t", "d");
            let (w, h) = view_box(&svg);
            let paths = path_points(&svg);
            assert!(!paths.is_empty());
            for (i, points) in paths.iter().enumerate() {
                for &(x, y) in points {
                    // The background is clipped one pixel outside the map area.
                    assert!(
                        x >= -1 && y >= -1 && x as f64 <= w && y as f64 <= h + 1.0,
                        "{countries:?} path {i}: ({x}, {y}) outside {w}x{h}"
                    );
                }
            }
            // Region paths stay in the map area, left of the legend, or in an inset.
            for shape in &view.shapes {
                for &(x, y) in &path_points(&format!(" d=\"{}\"", shape.d))[0] {
                    let (x, y) = (x as f64, y as f64);
                    let in_map = x >= -1.0 && x <= view.map_w + 1.0 && y <= view.map_h + 1.0;
                    let in_inset = view.insets.iter().any(|&(ix, iy, iw, ih)| {
                        x >= ix && x <= ix + iw && y >= iy && y <= iy + ih
                    });
                    assert!(in_map || in_inset, "{countries:?} {}: ({x}, {y})", shape.id);
                }
            }
            // Insets sit under the legend, inside the view box.
            for &(ix, iy, iw, ih) in &view.insets {
                assert!(ix >= view.map_w && ix + iw <= w && iy >= LEGEND_H && iy + ih <= h);
            }
        }
    }

    #[test]
    fn far_away_regions_go_to_insets_and_do_not_shrink_the_mainland() {
        let us = views().get(&set(&["US"]));
        assert!(!us.is_continent());
        assert_eq!(us.region_ids().count(), 51);
        assert_eq!(us.insets.len(), 2, "Alaska and Hawaii");
        // The contiguous states fill the frame: New York is far east of San Francisco.
        let sf = us.point(37.77, -122.42);
        let ny = us.point(40.71, -74.0);
        assert!(ny.0 - sf.0 > 0.8 * MAP_SIZE_PX, "{sf:?} {ny:?}");
        let es = views().get(&set(&["ES"]));
        assert_eq!(es.insets.len(), 1, "the Canaries");
        let madrid = es.point(40.42, -3.70);
        let barcelona = es.point(41.39, 2.17);
        assert!(barcelona.0 - madrid.0 > 100.0, "{madrid:?} {barcelona:?}");
        let pt = views().get(&set(&["PT"]));
        assert_eq!(pt.insets.len(), 2, "the Azores and Madeira");
        // Near islands stay on the map: Corsica, Sardinia and Sicily, Shetland, Bornholm.
        for countries in [&["FR"][..], &["IT"], &["GB"], &["NO", "SE", "FI", "DK"]] {
            assert!(
                views().get(&set(countries)).insets.is_empty(),
                "{countries:?}"
            );
        }
    }

    #[test]
    fn international_services_get_the_continent_view() {
        let catalog_regions = catalog();
        let international = set(&["US", "GB", "DE", "FR", "IT", "NO"]);
        let view = MapView::for_countries(catalog_regions, &international);
        assert!(view.is_continent());
        let ids: BTreeSet<&str> = view.region_ids().collect();
        assert!(!ids.iter().any(|id| id.starts_with("US-")), "no US regions");
        for country in ["GB", "DE", "FR", "IT", "NO"] {
            for region in catalog_regions.regions_of(country) {
                assert!(ids.contains(region.id.as_str()), "{}", region.id);
            }
        }
        assert_eq!(
            ids.len(),
            ["GB", "DE", "FR", "IT", "NO"]
                .iter()
                .map(|c| catalog_regions.regions_of(c).len())
                .sum::<usize>()
        );
        // The whole continent in the frame: Lisbon, Reykjavik, Helsinki and Nicosia.
        for (lat, lon) in [
            (38.72, -9.14),
            (64.15, -21.94),
            (60.17, 24.94),
            (35.17, 33.36),
        ] {
            let (x, y) = view.point(lat, lon);
            assert!(
                x > 0.0 && x < view.map_w && y > 0.0 && y < view.map_h,
                "{lat},{lon}"
            );
        }
        // Other countries are drawn as background.
        assert!(view.background.len() > 1000);
        // More than four countries, even all in Europe: continent; four Nordic countries: fitted.
        assert!(
            views()
                .get(&set(&["DE", "FR", "IT", "AT", "ES", "NL"]))
                .is_continent()
        );
        assert!(!views().get(&set(&["NO", "SE", "FI", "DK"])).is_continent());
        assert!(!views().get(&set(&["US"])).is_continent());
        // Order and repeats do not matter.
        assert!(Arc::ptr_eq(
            &views().get(&set(&["GB", "DE"])),
            &views().get(&set(&["DE", "GB", "DE"]))
        ));
        let svg = heatmap_svg(&view, &busiest(&view), Lang::Fr, Theme::Dark, "t", "d");
        assert!(svg.len() < SVG_BUDGET, "{} bytes", svg.len());
    }

    #[test]
    fn every_service_map_fits_the_size_budget() {
        let services = Catalog::embedded().unwrap();
        let mut largest = (0, String::new());
        for service in services.services() {
            let view = views().get(&service.countries);
            assert!(view.region_ids().count() > 0, "{}", service.slug.as_str());
            let busy = busiest(&view);
            for lang in Lang::ALL {
                for theme in [Theme::Light, Theme::Dark] {
                    let title = format!("Reports of problems with {} by region", service.name);
                    let svg = heatmap_svg(&view, &busy, lang, theme, &title, &title);
                    if svg.len() > largest.0 {
                        largest = (svg.len(), service.slug.as_str().to_owned());
                    }
                }
            }
        }
        assert!(
            largest.0 < SVG_BUDGET,
            "{} is {} bytes (budget {SVG_BUDGET})",
            largest.1,
            largest.0
        );
    }

    #[test]
    fn svg_is_accessible_self_contained_and_deterministic() {
        let countries = set(&["FR"]);
        let data = [
            activity("FR-PAC", 40, 3.0),
            activity("FR-IDF", 3, 4.0),
            activity("FR-20R", 1, 0.0),
        ];
        let a = heatmap_svg(
            &MapView::for_countries(catalog(), &countries),
            &data,
            Lang::En,
            Theme::Light,
            "Reports <by> region",
            "Last hour & more",
        );
        let b = heatmap_svg(
            &MapView::for_countries(catalog(), &countries),
            &data,
            Lang::En,
            Theme::Light,
            "Reports <by> region",
            "Last hour & more",
        );
        assert_eq!(a, b, "same input, same bytes");
        assert_well_formed(&a);
        assert!(a.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg""#));
        assert!(a.contains(r#"role="img" aria-labelledby="heatmap-title heatmap-desc""#));
        let body = &a[a.find('>').unwrap() + 1..];
        assert!(body.starts_with(
            r#"<title id="heatmap-title">Reports &lt;by&gt; region</title><desc id="heatmap-desc">Last hour &amp; more</desc>"#
        ));
        for external in ["href", "url(", "@import", "<image", "<style", "<script"] {
            assert!(!a.contains(external), "{external}");
        }
        assert!(a.contains("<title>Provence-Alpes-Côte d&#39;Azur: 40 reports</title>"));
        assert!(a.contains("<title>Corsica: 1 report</title>"));
        // Levels: Provence far above (41/4 ≥ 6? no: 10.25 ≥ 6 yes), Île-de-France normal, Corsica
        // above (2/1).
        let group_of = |name: &str| {
            let at = a.find(name).unwrap();
            let open = a[..at].rfind("<g class=\"").unwrap();
            a[open + 10..open + 12].to_owned()
        };
        assert_eq!(group_of("Provence"), "l4");
        assert_eq!(group_of("le-de-France"), "l1");
        assert_eq!(group_of("Corsica: "), "l2");
        assert_eq!(group_of("Brittany"), "l0");
        // The legend, translated.
        assert!(a.contains(">Far above normal</text>") && a.contains(">No reports</text>"));
        let it = heatmap_svg(
            &MapView::for_countries(catalog(), &countries),
            &data,
            Lang::It,
            Theme::Dark,
            "t",
            "d",
        );
        assert!(it.contains(">Molto sopra la norma</text>"));
        assert!(it.contains("#0d1117"), "dark background");
        assert_ne!(a, it);
    }

    #[test]
    fn names_are_local_in_their_own_language_and_escaped() {
        let it = MapView::for_countries(catalog(), &set(&["IT"]));
        let data = [activity("IT-25", 1_234, 100.0)];
        let en = heatmap_svg(&it, &data, Lang::En, Theme::Light, "t", "d");
        assert!(
            en.contains("<title>Lombardy: 1,234 reports</title>"),
            "English name"
        );
        let itl = heatmap_svg(&it, &data, Lang::It, Theme::Light, "t", "d");
        assert!(itl.contains("<title>Lombardia: 1.234 segnalazioni</title>"));
        assert!(itl.contains("Valle d&#39;Aosta / Vallée d&#39;Aoste: 0 segnalazioni"));
        let de = heatmap_svg(&it, &data, Lang::De, Theme::Light, "t", "d");
        assert!(
            de.contains("<title>Lombardy: 1.234 Meldungen</title>"),
            "not German's"
        );

        // Names with markup characters, in a small catalog.
        const REGIONS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"XX-A","name":"Tom & Jerry's <Land>","name_local":"T&J","country":"XX"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"id":"XX-B","name":"\"Quoted\"","name_local":"Q","country":"XX"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}
]}"#;
        const COUNTRIES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"XX","name":"X","name_local":"X"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,1],[0,1],[0,0]]]}}
]}"#;
        let small = RegionCatalog::from_geojson(REGIONS, COUNTRIES).unwrap();
        let view = MapView::for_countries(&small, &set(&["XX"]));
        let svg = heatmap_svg(
            &view,
            &[activity("XX-A", 2, 0.0)],
            Lang::En,
            Theme::Light,
            "A & B",
            "\"d\"",
        );
        assert_well_formed(&svg);
        assert!(svg.contains("<title>Tom &amp; Jerry&#39;s &lt;Land&gt;: 2 reports</title>"));
        assert!(svg.contains("<title>&quot;Quoted&quot;: 0 reports</title>"));
        // The shared border x = 1 is drawn identically by both squares.
        let paths = path_points(&svg);
        assert_eq!(paths.len(), 2);
        let xs = |p: &Vec<(i64, i64)>| p.iter().map(|q| q.0).collect::<BTreeSet<_>>();
        let border = xs(&paths[0]).intersection(&xs(&paths[1])).count();
        assert_eq!(border, 1);
    }

    #[test]
    fn table_lists_regions_with_reports_most_first() {
        let view = views().get(&set(&["IT"]));
        let data = [
            activity("IT-25", 3, 6.0),
            activity("IT-62", 12, 1.5),
            activity("IT-21", 0, 4.0),
            activity("IT-72", 3, 12.4),
            activity("DE-BY", 99, 1.0),
        ];
        let rows = heat_table(&view, &data, Lang::It);
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            ["IT-62", "IT-72", "IT-25"],
            "no zero rows, no other country"
        );
        assert_eq!(rows[0].name, "Lazio");
        assert_eq!(rows[0].count_text, "12");
        assert_eq!(rows[0].typical_text, "1,5");
        assert_eq!(rows[0].level, Level::WellAbove);
        assert_eq!(rows[0].level_label, "Ben sopra la norma");
        assert_eq!(rows[1].name, "Campania");
        assert_eq!(rows[1].typical_text, "12");
        assert_eq!(rows[2].name, "Lombardia");
        assert_eq!(rows[2].level, Level::Normal);
        let en = heat_table(&view, &data, Lang::En);
        assert_eq!(en[2].name, "Lombardy");
        assert!(heat_table(&view, &[], Lang::En).is_empty());
    }

    #[test]
    fn texts_exist_in_every_language_and_fit_the_legend() {
        for lang in Lang::ALL {
            let heading = lang.t("heatmap-legend-title");
            assert!(
                !heading.contains(MISSING) && heading.chars().count() <= 22,
                "{heading}"
            );
            for level in Level::ALL {
                let label = level.label(lang);
                assert!(!label.contains(MISSING), "{}: {label}", lang.code());
                assert!(
                    label.chars().count() <= 24,
                    "{label} is too long for the legend"
                );
            }
            let title = lang.count("heatmap-region-title", 2, &[("region", Arg::from("R"))]);
            assert!(!title.contains(MISSING) && title.contains('R') && title.contains('2'));
            for key in [
                "heatmap-col-region",
                "heatmap-col-reports",
                "heatmap-col-typical",
                "heatmap-col-level",
            ] {
                assert!(!lang.t(key).contains(MISSING), "{key}");
            }
        }
        assert_eq!(
            Lang::En.count("heatmap-region-title", 1, &[("region", Arg::from("Oslo"))]),
            "Oslo: 1 report"
        );
    }

    #[test]
    fn views_are_shared_between_threads() {
        fn send_sync<T: Send + Sync + Clone>() {}
        send_sync::<MapViews>();
        let views = views().clone();
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let views = views.clone();
                std::thread::spawn(move || views.get(&set(&["GB"])).region_ids().count())
            })
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), 12);
        }
    }
}
