//! The region catalog: first-level regions of 47 European countries and territories and the US
//! states (`data/geo/`, compiled in), and `locate(lat, lon)`, which names the region of a point.
//!
//! Pure: no I/O. Parse once at start with [`RegionCatalog::embedded`] (tens of milliseconds in
//! release) and share the catalog; lookups take `&self` and allocate nothing.
//!
//! Region ids are ISO 3166-2 codes where one exists (`IT-25`, `US-NY`) but not always: the English
//! regions are ONS ITL1 codes (`TLI` London), Slovenia and part of Latvia use NUTS-3 codes (`SI031`,
//! `LV003`), and single-region countries use the ISO 3166-1 code (`LU`, `MT`, `XK`). Validate ids
//! with [`RegionCatalog::is_known`], not by their shape. See `data/geo/README.md`.
//!
//! Locating: a point inside a region's polygon belongs to that region. The 1:10m coastline misses
//! some coastal city centres (Stavanger, Tromsø, Ajaccio) and small islands, so a point inside no
//! polygon but within [`FALLBACK_RADIUS_M`] of a region's boundary (great-circle distance to the
//! nearest point of the boundary) belongs to the nearest region; anything farther is `None`.

mod index;
mod parse;

use std::collections::HashMap;
use std::ops::Range;

use geo::MultiPolygon;

use index::SpatialIndex;

/// How far outside every polygon a point may lie and still be given the nearest region.
pub const FALLBACK_RADIUS_M: f64 = 10_000.0;

const REGIONS_GEOJSON: &str = include_str!("../../data/geo/regions.geojson");
const COUNTRIES_GEOJSON: &str = include_str!("../../data/geo/countries.geojson");

/// A first-level region, such as `IT-25` Lombardy.
#[derive(Debug, Clone)]
pub struct Region {
    /// Stable id (`IT-25`, `TLI`, `SI031`, `LU`); see the module documentation.
    pub id: String,
    /// English or common name.
    pub name: String,
    /// Name in the local language(s); equal to `name` where English is local.
    pub name_local: String,
    /// ISO 3166-1 alpha-2 code of the country.
    pub country: String,
    /// WGS84 (x = longitude, y = latitude).
    pub geometry: MultiPolygon<f64>,
}

/// A covered country's outline: exactly the union of its regions.
#[derive(Debug, Clone)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code (`XK` for Kosovo).
    pub id: String,
    pub name: String,
    pub name_local: String,
    /// WGS84 (x = longitude, y = latitude).
    pub geometry: MultiPolygon<f64>,
}

/// A region found for a point, and how.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    pub region: &'a Region,
    /// 0 when the point lies inside the region's polygon; otherwise the great-circle distance in
    /// metres to the region's boundary (at most [`FALLBACK_RADIUS_M`]).
    pub distance_m: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    #[error("{file}: invalid GeoJSON: {source}")]
    Json {
        file: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("{file}: feature {id:?}: {reason}")]
    Geometry {
        file: &'static str,
        id: String,
        reason: &'static str,
    },
    #[error("{file}: feature {id:?}: {reason}")]
    Feature {
        file: &'static str,
        id: String,
        reason: String,
    },
    #[error("{0}: no features")]
    Empty(&'static str),
}

/// All regions and countries with their lookup index. Build once; cheap to share by reference.
pub struct RegionCatalog {
    /// Sorted by (country, id).
    regions: Vec<Region>,
    /// Sorted by id.
    countries: Vec<Country>,
    by_id: HashMap<String, usize>,
    by_country: HashMap<String, Range<usize>>,
    index: SpatialIndex,
}

impl std::fmt::Debug for RegionCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegionCatalog")
            .field("regions", &self.regions.len())
            .field("countries", &self.countries.len())
            .finish_non_exhaustive()
    }
}

impl RegionCatalog {
    /// The catalog compiled into the binary from `data/geo/`.
    pub fn embedded() -> Result<Self, RegionError> {
        Self::from_geojson(REGIONS_GEOJSON, COUNTRIES_GEOJSON)
    }

    /// A catalog from the texts of a `regions.geojson` and a `countries.geojson` (same format as
    /// `data/geo/`). Checks that ids are unique and non-empty and that every region's country
    /// has an outline.
    pub fn from_geojson(regions_json: &str, countries_json: &str) -> Result<Self, RegionError> {
        const REGIONS: &str = "regions.geojson";
        const COUNTRIES: &str = "countries.geojson";
        let feature_error = |file, id: &str, reason: String| RegionError::Feature {
            file,
            id: id.to_owned(),
            reason,
        };

        let mut countries: Vec<Country> = parse::features(COUNTRIES, countries_json)?
            .into_iter()
            .map(|f| Country {
                id: f.id,
                name: f.name,
                name_local: f.name_local,
                geometry: f.geometry,
            })
            .collect();
        if countries.is_empty() {
            return Err(RegionError::Empty(COUNTRIES));
        }
        countries.sort_by(|a, b| a.id.cmp(&b.id));
        for pair in countries.windows(2) {
            if pair[0].id == pair[1].id {
                return Err(feature_error(COUNTRIES, &pair[0].id, "duplicate id".into()));
            }
        }

        let mut regions = Vec::new();
        for f in parse::features(REGIONS, regions_json)? {
            let Some(country) = f.country else {
                return Err(feature_error(REGIONS, &f.id, "no country property".into()));
            };
            if countries
                .binary_search_by(|c| c.id.as_str().cmp(&country))
                .is_err()
            {
                return Err(feature_error(
                    REGIONS,
                    &f.id,
                    format!("country {country:?} has no outline in {COUNTRIES}"),
                ));
            }
            regions.push(Region {
                id: f.id,
                name: f.name,
                name_local: f.name_local,
                country,
                geometry: f.geometry,
            });
        }
        if regions.is_empty() {
            return Err(RegionError::Empty(REGIONS));
        }
        regions.sort_by(|a, b| (&a.country, &a.id).cmp(&(&b.country, &b.id)));

        let mut by_id = HashMap::with_capacity(regions.len());
        let mut by_country: HashMap<String, Range<usize>> = HashMap::new();
        for (i, region) in regions.iter().enumerate() {
            if region.id.is_empty() || by_id.insert(region.id.clone(), i).is_some() {
                return Err(feature_error(
                    REGIONS,
                    &region.id,
                    "empty or duplicate id".into(),
                ));
            }
            by_country
                .entry(region.country.clone())
                .and_modify(|range| range.end = i + 1)
                .or_insert(i..i + 1);
        }

        let index = SpatialIndex::new(regions.iter().map(|r| &r.geometry), FALLBACK_RADIUS_M);
        Ok(Self {
            regions,
            countries,
            by_id,
            by_country,
            index,
        })
    }

    /// The region of a point (latitude, longitude in degrees, WGS84), or `None` when the point is
    /// farther than [`FALLBACK_RADIUS_M`] from every region, or is not finite or out of range.
    pub fn locate(&self, lat: f64, lon: f64) -> Option<&Region> {
        self.locate_detailed(lat, lon).map(|found| found.region)
    }

    /// The id of the region of a point; see [`RegionCatalog::locate`].
    pub fn locate_id(&self, lat: f64, lon: f64) -> Option<&str> {
        self.locate(lat, lon).map(|region| region.id.as_str())
    }

    /// Like [`RegionCatalog::locate`], telling also whether the point was inside the region or
    /// given to it by the coastal fallback, and how far away it was.
    pub fn locate_detailed(&self, lat: f64, lon: f64) -> Option<Located<'_>> {
        if !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)) {
            return None; // also NaN
        }
        self.index.locate(lon, lat).map(|hit| Located {
            region: &self.regions[hit.region],
            distance_m: hit.distance_m,
        })
    }

    /// The region with this id.
    pub fn get(&self, id: &str) -> Option<&Region> {
        self.by_id.get(id).map(|&i| &self.regions[i])
    }

    /// Whether a region with this id exists (the check for a client-supplied region id).
    pub fn is_known(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// All regions, sorted by country, then id.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The regions of a country (ISO 3166-1 alpha-2), sorted by id; empty for an uncovered one.
    pub fn regions_of(&self, country: &str) -> &[Region] {
        self.by_country
            .get(country)
            .map_or(&[][..], |range| &self.regions[range.clone()])
    }

    /// The covered countries' outlines, sorted by id.
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// The outline of a covered country.
    pub fn country(&self, id: &str) -> Option<&Country> {
        self.countries
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.countries[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGIONS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"XX-B","name":"B","name_local":"B","country":"XX"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},
{"type":"Feature","properties":{"id":"XXA","name":"A","name_local":"A","country":"XX"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[0,3],[0.5,3],[0.5,3.5],[0,3],[0,3]]]]}}
]}"#;
    const COUNTRIES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"XX","name":"X","name_local":"X"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,1],[0,1],[0,0]]]}}
]}"#;

    #[test]
    fn small_catalog_locates_inside_on_the_shared_border_and_by_fallback() {
        let catalog = RegionCatalog::from_geojson(REGIONS, COUNTRIES).unwrap();
        assert_eq!(catalog.locate_id(0.5, 0.5), Some("XXA"));
        assert_eq!(catalog.locate_id(0.5, 1.5), Some("XX-B"));
        // On the shared border x = 1: exactly one of the two, never none.
        assert!(catalog.locate_id(0.5, 1.0).is_some());
        // 0.05 degrees (5.6 km) east of B, at sea: fallback to B.
        let found = catalog.locate_detailed(0.5, 2.05).unwrap();
        assert_eq!(found.region.id, "XX-B");
        assert!(
            (found.distance_m - 5_560.0).abs() < 20.0,
            "{}",
            found.distance_m
        );
        // 0.2 degrees (22 km) away: none.
        assert_eq!(catalog.locate_id(0.5, 2.2), None);
        assert_eq!(catalog.locate_id(f64::NAN, 0.5), None);
        assert_eq!(catalog.locate_id(0.5, f64::INFINITY), None);
        assert_eq!(catalog.locate_id(91.0, 0.5), None);
    }

    #[test]
    fn small_catalog_lookups_by_id_and_country() {
        let catalog = RegionCatalog::from_geojson(REGIONS, COUNTRIES).unwrap();
        assert!(catalog.is_known("XXA"));
        assert!(!catalog.is_known("XX-A"));
        let ids: Vec<_> = catalog
            .regions_of("XX")
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["XX-B", "XXA"]);
        assert!(catalog.regions_of("YY").is_empty());
        assert_eq!(catalog.get("XXA").unwrap().geometry.0.len(), 2);
        assert_eq!(catalog.country("XX").unwrap().name, "X");
    }

    #[test]
    fn bad_files_are_errors_naming_the_feature() {
        let unknown_country = REGIONS.replace(
            r#""country":"XX"},"geometry":{"type":"Polygon""#,
            r#""country":"YY"},"geometry":{"type":"Polygon""#,
        );
        let err = RegionCatalog::from_geojson(&unknown_country, COUNTRIES).unwrap_err();
        assert!(err.to_string().contains("XX-B"), "{err}");
        let open_ring = REGIONS.replace("[1,1],[1,0]]", "[1,1],[1,0.5]]");
        let err = RegionCatalog::from_geojson(&open_ring, COUNTRIES).unwrap_err();
        assert!(err.to_string().contains("not closed"), "{err}");
        let err = RegionCatalog::from_geojson("{", COUNTRIES).unwrap_err();
        assert!(matches!(err, RegionError::Json { .. }));
        let duplicate = REGIONS.replace("XX-B", "XXA");
        assert!(RegionCatalog::from_geojson(&duplicate, COUNTRIES).is_err());
    }

    #[test]
    fn embedded_catalog_loads() {
        let catalog = RegionCatalog::embedded().unwrap();
        assert_eq!(catalog.regions().len(), 589);
        assert_eq!(catalog.countries().len(), 48);
        assert_eq!(catalog.regions_of("IT").len(), 20);
        assert_eq!(catalog.regions_of("US").len(), 51);
        for id in [
            "IT-25", "TLI", "SI031", "LV003", "LU", "XK", "FR-20R", "NO-55",
        ] {
            assert!(catalog.is_known(id), "{id}");
        }
        assert!(!catalog.is_known("it-25"));
        assert_eq!(catalog.get("TLI").unwrap().name, "London");
    }
}
