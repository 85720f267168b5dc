//! The two GeoJSON files, read with serde into plain `geo` geometries.
//!
//! Only what the files use is accepted: a `FeatureCollection` of features whose geometry is a
//! `Polygon` or a `MultiPolygon` in WGS84 longitude/latitude. Anything else is a `RegionError`
//! naming the feature, so a bad data file stops the start instead of mislocating reports.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde::Deserialize;

use super::RegionError;

#[derive(Deserialize)]
struct FeatureCollection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    id: String,
    name: String,
    name_local: String,
    #[serde(default)]
    country: Option<String>,
}

type Ring = Vec<[f64; 2]>;

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Ring>),
    MultiPolygon(Vec<Vec<Ring>>),
}

/// One feature of either file; `country` is `None` in `countries.geojson`.
pub(super) struct RawFeature {
    pub id: String,
    pub name: String,
    pub name_local: String,
    pub country: Option<String>,
    pub geometry: MultiPolygon<f64>,
}

pub(super) fn features(file: &'static str, json: &str) -> Result<Vec<RawFeature>, RegionError> {
    let collection: FeatureCollection =
        serde_json::from_str(json).map_err(|source| RegionError::Json { file, source })?;
    collection
        .features
        .into_iter()
        .map(|feature| {
            let id = feature.properties.id;
            let polygons = match feature.geometry {
                Geometry::Polygon(rings) => vec![rings],
                Geometry::MultiPolygon(polygons) => polygons,
            };
            let geometry = multi_polygon(polygons).map_err(|reason| RegionError::Geometry {
                file,
                id: id.clone(),
                reason,
            })?;
            Ok(RawFeature {
                id,
                name: feature.properties.name,
                name_local: feature.properties.name_local,
                country: feature.properties.country,
                geometry,
            })
        })
        .collect()
}

fn multi_polygon(polygons: Vec<Vec<Ring>>) -> Result<MultiPolygon<f64>, &'static str> {
    if polygons.is_empty() {
        return Err("no polygon");
    }
    let mut out = Vec::with_capacity(polygons.len());
    for rings in polygons {
        let mut rings = rings.into_iter().map(ring);
        let exterior = rings.next().ok_or("polygon without rings")??;
        let interiors = rings.collect::<Result<Vec<_>, _>>()?;
        out.push(Polygon::new(exterior, interiors));
    }
    Ok(MultiPolygon::new(out))
}

fn ring(points: Ring) -> Result<LineString<f64>, &'static str> {
    if points.len() < 4 {
        return Err("ring with fewer than 4 positions");
    }
    if points.first() != points.last() {
        return Err("ring not closed");
    }
    let mut coords = Vec::with_capacity(points.len());
    for [lon, lat] in points {
        // Also rejects NaN and infinities.
        if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
            return Err("position out of range (expected lon, lat in degrees)");
        }
        coords.push(Coord { x: lon, y: lat });
    }
    Ok(LineString::new(coords))
}
