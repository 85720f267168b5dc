//! The region catalog against points with known regions (cities, both sides of borders, islands,
//! coastal city centres that need the fallback), points at sea and outside the covered countries,
//! a differential check against `geo`'s own point-in-polygon, and a property test.

use std::sync::OnceLock;

use downtally::regions::{FALLBACK_RADIUS_M, RegionCatalog};
use geo::{BoundingRect, Contains, Point};
use proptest::prelude::*;

fn catalog() -> &'static RegionCatalog {
    static CATALOG: OnceLock<RegionCatalog> = OnceLock::new();
    CATALOG.get_or_init(|| RegionCatalog::embedded().expect("embedded catalog"))
}

/// (what, lat, lon, expected id): points inside their region's polygon.
const INSIDE: &[(&str, f64, f64, &str)] = &[
    ("Milan", 45.4642, 9.1900, "IT-25"),
    ("Rome", 41.9028, 12.4964, "IT-62"),
    ("Munich", 48.1351, 11.5820, "DE-BY"),
    ("Berlin", 52.5200, 13.4050, "DE-BE"),
    ("Paris", 48.8566, 2.3522, "FR-IDF"),
    ("London", 51.5074, -0.1278, "TLI"),
    ("Edinburgh", 55.9533, -3.1883, "GB-SCT"),
    ("Cardiff", 51.4816, -3.1791, "GB-WLS"),
    ("Oslo", 59.9139, 10.7522, "NO-03"),
    ("Bergen", 60.3913, 5.3221, "NO-46"),
    ("Palermo (Sicily)", 38.1157, 13.3615, "IT-82"),
    ("Cagliari (Sardinia)", 39.2238, 9.1217, "IT-88"),
    ("New York City", 40.7128, -74.0060, "US-NY"),
    // Both sides of borders.
    ("Como", 45.8081, 9.0852, "IT-25"),
    ("Mendrisio", 45.8703, 8.9815, "CH-TI"),
    ("Chiasso north (Balerna)", 45.8460, 9.0080, "CH-TI"),
    ("Salzburg Hbf", 47.8131, 13.0456, "AT-5"),
    ("Salzburg centre", 47.8095, 13.0550, "AT-5"),
    ("Freilassing", 47.8372, 12.9770, "DE-BY"),
    ("Manhattan, Hudson shore", 40.7590, -74.0000, "US-NY"),
    ("Hoboken", 40.7440, -74.0324, "US-NJ"),
    ("Jersey City", 40.7178, -74.0431, "US-NJ"),
    ("Basel", 47.5596, 7.5886, "CH-BS"),
    ("Weil am Rhein", 47.5950, 7.6107, "DE-BW"),
    ("Saint-Louis", 47.5900, 7.5600, "FR-GES"),
    ("Strasbourg", 48.5734, 7.7521, "FR-GES"),
    ("Kehl", 48.5724, 7.8155, "DE-BW"),
    // The borders are simplified (0.006°, up to ~0.7 km): the centres of Chiasso (45.8327, 9.0316)
    // and Gorizia (45.9409, 13.6217), each within a kilometre of the border, fall on the wrong side
    // in the data itself (`geo::Contains` agrees), so points a little farther in are used.
    ("Gorizia, Lucinico", 45.9404, 13.5680, "IT-36"),
    ("Nova Gorica", 45.9560, 13.6480, "SI043"),
    // Islands and small countries.
    ("Palma (Mallorca)", 39.5696, 2.6502, "ES-IB"),
    ("Las Palmas (Gran Canaria)", 28.1235, -15.4363, "ES-CN"),
    ("Honolulu", 21.3069, -157.8583, "US-HI"),
    ("Valletta", 35.8989, 14.5146, "MT"),
    ("Visby (Gotland)", 57.6348, 18.2948, "SE-I"),
    ("Key West", 24.5551, -81.7800, "US-FL"),
    (
        "Adak (Aleutians, west of -176)",
        51.8800,
        -176.6500,
        "US-AK",
    ),
    ("Reykjavik", 64.1466, -21.9426, "IS-1"),
    ("Copenhagen", 55.6761, 12.5683, "DK-84"),
    ("Ljubljana", 46.0569, 14.5058, "SI041"),
    ("Riga", 56.9496, 24.1052, "LV-RIX"),
    ("Luxembourg", 49.6116, 6.1319, "LU"),
    ("Andorra la Vella", 42.5063, 1.5218, "AD"),
    ("Monaco", 43.7384, 7.4246, "MC"),
    ("Vatican", 41.9029, 12.4534, "VA"),
    ("San Marino", 43.9424, 12.4578, "SM"),
    ("Lake Constance (land here)", 47.6000, 9.4000, "DE-BW"),
];

/// Coastal points outside every polygon (the 1:10m coastline misses them) within the fallback radius.
const FALLBACK: &[(&str, f64, f64, &str)] = &[
    ("Stavanger", 58.9700, 5.7331, "NO-11"),
    ("Tromsø", 69.6492, 18.9553, "NO-55"),
    ("Ajaccio (Corsica)", 41.9192, 8.7386, "FR-20R"),
    ("Ponta Delgada (Azores)", 37.7412, -25.6756, "PT-20"),
    ("Venice", 45.4408, 12.3155, "IT-34"),
    ("Attu (Aleutians, east of +172)", 52.9300, 173.2000, "US-AK"),
    ("Hudson river, mid-stream", 40.7500, -74.0150, "US-NJ"),
    ("5 km off Cabo da Roca", 38.7200, -9.5500, "PT-11"),
    ("9 km off Pointe Saint-Mathieu", 48.3900, -4.9000, "FR-BRE"),
];

/// Points at sea farther than the fallback radius, or outside the covered countries.
const NONE: &[(&str, f64, f64)] = &[
    ("mid-Atlantic", 40.0, -30.0),
    ("Tyrrhenian sea", 40.0, 12.0),
    ("North Sea", 56.0, 3.0),
    ("18 km off Cabo da Roca", 38.72, -9.70),
    ("Strait of Dover, mid-channel", 51.0, 1.5),
    ("Moscow", 55.7558, 37.6173),
    ("Cairo", 30.0444, 31.2357),
    ("Tokyo", 35.6762, 139.6503),
    ("Toronto", 43.6532, -79.3832),
    ("Kyiv", 50.4501, 30.5234),
    ("Istanbul", 41.0082, 28.9784),
    ("North Pole", 90.0, 0.0),
    ("antimeridian, Pacific", 0.0, 180.0),
];

#[test]
fn points_inside_regions() {
    let mut wrong = Vec::new();
    for &(what, lat, lon, expected) in INSIDE {
        let found = catalog().locate_detailed(lat, lon);
        let got = found.map(|f| (f.region.id.as_str(), f.distance_m));
        if got != Some((expected, 0.0)) {
            wrong.push(format!(
                "{what} ({lat}, {lon}): expected {expected} inside, got {got:?}"
            ));
        }
        assert_eq!(catalog().locate_id(lat, lon), got.map(|g| g.0));
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn coastal_points_fall_back_to_the_nearest_region() {
    let mut wrong = Vec::new();
    for &(what, lat, lon, expected) in FALLBACK {
        let found = catalog().locate_detailed(lat, lon);
        match found {
            Some(f)
                if f.region.id == expected
                    && f.distance_m > 0.0
                    && f.distance_m <= FALLBACK_RADIUS_M => {}
            _ => wrong.push(format!(
                "{what} ({lat}, {lon}): expected {expected} by fallback, got {:?}",
                found.map(|f| (f.region.id.clone(), f.distance_m))
            )),
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn points_at_sea_and_outside_covered_countries_have_no_region() {
    let mut wrong = Vec::new();
    for &(what, lat, lon) in NONE {
        if let Some(region) = catalog().locate(lat, lon) {
            wrong.push(format!(
                "{what} ({lat}, {lon}): expected none, got {}",
                region.id
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn catalog_lookups() {
    let c = catalog();
    assert_eq!(c.regions().len(), 589);
    assert_eq!(c.countries().len(), 48);
    let lombardy = c.get("IT-25").unwrap();
    assert_eq!(
        (lombardy.name.as_str(), lombardy.country.as_str()),
        ("Lombardy", "IT")
    );
    assert_eq!(lombardy.name_local, "Lombardia");
    for id in [
        "TLI", "SI031", "LV003", "LU", "XK", "GB-SCT", "NO-03", "US-DC",
    ] {
        assert!(c.is_known(id), "{id}");
    }
    for id in ["", "IT-99", "it-25", "NO-30", "UK-LND", "FR-971"] {
        assert!(!c.is_known(id), "{id:?}");
    }
    let gb: Vec<_> = c.regions_of("GB").iter().map(|r| r.id.as_str()).collect();
    assert_eq!(gb.len(), 12);
    assert!(gb.contains(&"TLI") && gb.contains(&"GB-NIR"));
    assert!(c.regions_of("RU").is_empty());
    assert!(c.regions_of("US").iter().all(|r| r.country == "US"));
    assert_eq!(c.country("CH").unwrap().name, "Switzerland");
    assert!(c.country("RU").is_none());
}

/// Every point strictly inside a region by `geo::Contains` is located in that region with
/// distance 0, and a point in no region is never reported as inside one (differential test over
/// points sampled around many borders and coasts).
#[test]
fn agrees_with_geo_contains() {
    let c = catalog();
    let boxes: Vec<_> = c
        .regions()
        .iter()
        .map(|r| r.geometry.bounding_rect().unwrap())
        .collect();
    let mut seed = 0x1234_5678_u64;
    let mut unit = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut checked = 0;
    // For each region, points near its bounding box (so both inside, outside and near borders).
    for region in c.regions() {
        let rect = region.geometry.bounding_rect().unwrap();
        for _ in 0..6 {
            let lon = rect.min().x - 0.1 + unit() * (rect.width() + 0.2);
            let lat = rect.min().y - 0.1 + unit() * (rect.height() + 0.2);
            if !(-180.0..=180.0).contains(&lon) {
                continue;
            }
            let point = Point::new(lon, lat);
            let truth: Vec<&str> = c
                .regions()
                .iter()
                .zip(&boxes)
                .filter(|(_, b)| {
                    b.min().x <= lon && lon <= b.max().x && b.min().y <= lat && lat <= b.max().y
                })
                .filter(|(r, _)| r.geometry.contains(&point))
                .map(|(r, _)| r.id.as_str())
                .collect();
            assert!(
                truth.len() <= 1,
                "regions overlap at ({lat}, {lon}): {truth:?}"
            );
            let found = c.locate_detailed(lat, lon);
            match truth.first() {
                Some(id) => {
                    let found = found.unwrap_or_else(|| panic!("({lat}, {lon}) in {id}: none"));
                    assert_eq!(
                        (found.region.id.as_str(), found.distance_m),
                        (*id, 0.0),
                        "({lat}, {lon})"
                    );
                }
                None => {
                    if let Some(found) = found {
                        assert!(
                            found.distance_m > 0.0,
                            "({lat}, {lon}) in no region, got {} inside",
                            found.region.id
                        );
                    }
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 3000, "{checked}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Never panics on any finite input; a located point lies within the fallback radius of its
    /// region's bounding box, in a covered country.
    #[test]
    fn locate_is_total_and_stays_in_covered_countries(
        lat in prop_oneof![-90.0f64..=90.0, 35.0f64..72.0, any::<f64>().prop_filter("finite", |v| v.is_finite())],
        lon in prop_oneof![-180.0f64..=180.0, -25.0f64..35.0, -125.0f64..-65.0, any::<f64>().prop_filter("finite", |v| v.is_finite())],
    ) {
        let c = catalog();
        if let Some(found) = c.locate_detailed(lat, lon) {
            let region = found.region;
            prop_assert!(c.country(&region.country).is_some());
            prop_assert!(c.is_known(&region.id));
            prop_assert!((0.0..=FALLBACK_RADIUS_M).contains(&found.distance_m));
            let rect = region.geometry.bounding_rect().unwrap();
            let d_lat = FALLBACK_RADIUS_M / 111_000.0;
            let d_lon = d_lat / lat.to_radians().cos().max(0.01);
            prop_assert!(lat >= rect.min().y - d_lat && lat <= rect.max().y + d_lat, "{} {lat}", region.id);
            prop_assert!(lon >= rect.min().x - d_lon && lon <= rect.max().x + d_lon, "{} {lon}", region.id);
            prop_assert_eq!(c.locate_id(lat, lon), Some(region.id.as_str()));
        } else {
            prop_assert_eq!(c.locate_id(lat, lon), None);
        }
    }
}
