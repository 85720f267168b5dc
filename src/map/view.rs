//! The geometry of one set of countries, projected and simplified once, and the views kept by
//! country set.

use super::projection::{Fit, core_parts};
use super::topology::{Ring, Topology, write_dot, write_path};
use super::{
    INSET_GAP, INSET_KEEP_SHARE, LEGEND_H, LEGEND_W, MAX_FITTED_COUNTRIES, SVG_BUDGET_BYTES,
    TEXT_ALLOWANCE, TOLERANCES_PX,
};
use crate::i18n::Lang;
use crate::regions::{Region, RegionCatalog};
use crate::xml::escape;
use geo::{Coord, Polygon, Rect};
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::Arc;

/// One region as drawn: its path, and the names for its title.
#[derive(Debug, Clone)]
pub(super) struct Shape {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) name_local: String,
    pub(super) country: String,
    /// SVG path data, pixels of the view.
    pub(super) d: String,
}

impl Shape {
    /// English on English pages, else the local name (`Lang::place_name`).
    pub(super) fn display_name(&self, lang: Lang) -> &str {
        lang.place_name(&self.name, &self.name_local)
    }
}

/// The projected, simplified geometry of one set of countries, ready to be filled with counts.
/// Build with [`MapView::for_countries`] (or get one from [`MapViews`]); immutable afterwards.
#[derive(Debug, Clone)]
pub struct MapView {
    /// The service's regions, sorted by country then id (catalog order).
    pub(super) shapes: Vec<Shape>,
    /// Covered countries without data, one path.
    pub(super) background: String,
    /// Frames of the insets, `(x, y, width, height)`.
    pub(super) insets: Vec<(f64, f64, f64, f64)>,
    pub(super) map_w: f64,
    pub(super) map_h: f64,
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

    /// Width and height of the SVG (its `viewBox`): the map, and the legend and insets right of it
    /// (reports by country, when listed, may add height: `draw.rs`).
    pub fn size(&self) -> (f64, f64) {
        (
            self.map_w + LEGEND_W,
            self.map_h.max(self.column_bottom()).ceil(),
        )
    }

    /// Where the legend column's legend and insets end.
    pub(super) fn column_bottom(&self) -> f64 {
        self.insets
            .iter()
            .map(|i| i.1 + i.3 + INSET_GAP)
            .fold(LEGEND_H, f64::max)
    }

    /// Where a point (latitude, longitude in degrees) lies on the main map, in SVG units.
    pub fn point(&self, lat: f64, lon: f64) -> (f64, f64) {
        self.fit.px(lon, lat)
    }
}

/// What the SVG spends besides paths, at most: the header with a title and a description of up to
/// [`TEXT_ALLOWANCE`] bytes together, the background's and groups' tags, the legend, the level
/// patterns and an `Auto` map's dark style (about 1.6 KB), the reports by country (up to 10 lines).
const FIXED_BYTES: usize = 5_000;
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
