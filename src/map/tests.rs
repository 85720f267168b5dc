//! The map as a whole: views of real countries, drawn.

use super::*;
use crate::catalog::Catalog;
use crate::i18n::Lang;
use crate::regions::RegionCatalog;
use crate::xml::escape;
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

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
                let in_inset = view
                    .insets
                    .iter()
                    .any(|&(ix, iy, iw, ih)| x >= ix && x <= ix + iw && y >= iy && y <= iy + ih);
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
            // The busiest reports by country too: every country's count six digits, some off the map.
            let totals = Totals {
                countries: service
                    .countries
                    .iter()
                    .map(|c| CountryTotal {
                        code: c.clone(),
                        count: 888_888,
                        on_map: false,
                    })
                    .collect(),
                unlocated: 888_888,
            };
            for theme in [Theme::Light, Theme::Dark, Theme::Auto] {
                let title = format!("Reports of problems with {} by region", service.name);
                let svg = heatmap_svg_with(&view, &busy, &totals, lang, theme, &title, &title);
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
    // Each time from a view built afresh.
    let draw = |lang, theme, title, desc| {
        let view = MapView::for_countries(catalog(), &countries);
        heatmap_svg(&view, &data, lang, theme, title, desc)
    };
    let a = draw(
        Lang::En,
        Theme::Light,
        "Reports <by> region",
        "Last hour & more",
    );
    let b = draw(
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
    for external in ["href", "@import", "<image", "<style", "<script"] {
        assert!(!a.contains(external), "{external}");
    }
    // Patterns are referenced within the SVG only.
    assert!(
        !a.replace("url(#hm-", "").contains("url("),
        "an outside reference"
    );
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
    let it = draw(Lang::It, Theme::Dark, "t", "d");
    assert!(it.contains(">Molto sopra la norma</text>"));
    assert!(it.contains("#0d1117"), "dark background");
    assert_ne!(a, it);
}

#[test]
fn names_are_english_on_english_pages_else_local_and_escaped() {
    let it = MapView::for_countries(catalog(), &set(&["IT"]));
    let data = [activity("IT-25", 1_234, 100.0)];
    let en = heatmap_svg(&it, &data, Lang::En, Theme::Light, "t", "d");
    assert!(
        en.contains("<title>Lombardy: 1,234 reports</title>"),
        "English name"
    );
    let itl = heatmap_svg(&it, &data, Lang::It, Theme::Light, "t", "d");
    // Italian groups from five digits on (CLDR, through ICU4X).
    assert!(itl.contains("<title>Lombardia: 1234 segnalazioni</title>"));
    assert!(itl.contains("Valle d&#39;Aosta / Vallée d&#39;Aoste: 0 segnalazioni"));
    let de = heatmap_svg(&it, &data, Lang::De, Theme::Light, "t", "d");
    assert!(
        de.contains("<title>Lombardia: 1.234 Meldungen</title>"),
        "no English name on a German page: the local one"
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
    assert_eq!(rows[1].typical_text, "12,4", "one decimal throughout");
    assert_eq!(rows[2].name, "Lombardia");
    assert_eq!(rows[2].level, Level::Normal);
    let en = heat_table(&view, &data, Lang::En);
    assert_eq!(en[2].name, "Lombardy");
    assert!(heat_table(&view, &[], Lang::En).is_empty());
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

#[test]
fn a_map_of_europe_lists_the_reports_it_cannot_draw() {
    let countries = set(&["US", "GB", "IT", "DE", "FR"]);
    let view = views().get(&countries);
    assert!(view.is_continent(), "American Express: Europe");
    let data = [
        activity("US-NY", 300, 250.0),
        activity("US-CA", 12, 10.0),
        activity("IT-25", 5, 4.0),
    ];
    let totals = Totals::new(&countries, &view, &data, catalog(), 400);
    assert_eq!(totals.unlocated, 83);
    assert_eq!(
        totals.countries[0],
        CountryTotal {
            code: "US".into(),
            count: 312,
            on_map: false
        }
    );
    assert_eq!(totals.countries[1].code, "IT");
    assert!(totals.countries[1].on_map && totals.countries[1].count == 5);
    let svg = heatmap_svg_with(&view, &data, &totals, Lang::En, Theme::Light, "t", "d");
    assert_well_formed(&svg);
    for line in [
        ">Reports by country</text>",
        ">United States: 312*</text>",
        ">Italy: 5</text>",
        ">No region given: 83</text>",
        ">* not on this map</text>",
    ] {
        assert!(svg.contains(line), "{line}");
    }
    // The lines fit in the SVG: its height covers the last one.
    let height: f64 = svg[svg.find(" height=\"").unwrap() + 9..]
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let last_y: f64 = svg[svg.rfind("<text x=").unwrap()..]
        .split("y=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(last_y < height, "{last_y} >= {height}");
    let it = heatmap_svg_with(&view, &data, &totals, Lang::It, Theme::Light, "t", "d");
    assert!(
        it.contains(">Stati Uniti: 312*</text>") && it.contains(">* fuori da questa mappa</text>")
    );
    assert_eq!(
        totals.summary(Lang::En).unwrap(),
        "Reports by country: United States: 312* · Italy: 5 · United Kingdom: 0 · Germany: 0 · \
         France: 0 · No region given: 83 · * not on this map"
    );
    // The table names the states too, most reports first.
    let rows = heat_table_all(&view, &data, catalog(), Lang::En);
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["New York", "California", "Lombardy"]);
    // A service in one country whose reports all carry a region lists nothing.
    let it_view = views().get(&set(&["IT"]));
    let quiet = Totals::new(&set(&["IT"]), &it_view, &data, catalog(), 5);
    let plain = heatmap_svg_with(&it_view, &data, &quiet, Lang::En, Theme::Light, "t", "d");
    assert!(!plain.contains("Reports by country"));
    assert_eq!(quiet.summary(Lang::En), None);
}

#[test]
fn an_auto_map_carries_the_dark_palette_for_dark_systems() {
    let view = views().get(&set(&["FR"]));
    let data = [activity("FR-IDF", 3, 4.0), activity("FR-PAC", 9, 2.0)];
    let auto = heatmap_svg(&view, &data, Lang::Fr, Theme::Auto, "t", "d");
    assert_well_formed(&auto);
    assert!(auto.contains("@media (prefers-color-scheme:dark)"));
    assert!(auto.contains(".heatmap .hm-bg{fill:#0d1117}"));
    assert!(auto.contains(r#"<pattern id="hm-l1""#) && auto.contains(r#"<pattern id="hm-l1d""#));
    assert!(auto.contains(r##"<rect class="hm-bg" width="##));
    // Light attributes for everyone else; the fixed themes carry no style.
    assert!(auto.contains(r##"fill="#ffffff""##));
    let light = heatmap_svg(&view, &data, Lang::Fr, Theme::Light, "t", "d");
    assert!(!light.contains("<style") && !light.contains("hm-l1d"));
}
