//! Renders a heatmap with made-up counts, to look at: `heatmap COUNTRIES [LANG] [THEME] > map.svg`,
//! e.g. `cargo run --release --example heatmap -- IT,DE it dark > /tmp/map.svg`. Prints the view's
//! build time and the SVG's size on stderr.

use downtally::i18n::Lang;
use downtally::map::{MapView, RegionActivity, Theme, heat_table, heatmap_svg};
use downtally::regions::RegionCatalog;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let countries: Vec<String> = args
        .next()
        .unwrap_or_else(|| "IT".to_owned())
        .split(',')
        .map(str::to_owned)
        .collect();
    let lang = args
        .next()
        .and_then(|l| Lang::from_tag(&l))
        .unwrap_or_default();
    let theme = args
        .next()
        .and_then(|t| Theme::parse(&t))
        .unwrap_or_default();
    let regions = RegionCatalog::embedded().expect("region catalog");
    let started = Instant::now();
    let view = MapView::for_countries(&regions, &countries);
    let built = started.elapsed();
    // Counts from the id: a spread over every level, the same on every run.
    let activity: Vec<RegionActivity> = view
        .region_ids()
        .map(|id| {
            let h = id.bytes().fold(2_166_136_261u32, |h, b| {
                (h ^ b as u32).wrapping_mul(16_777_619)
            });
            let baseline = (h % 7) as f64;
            let count = [0, 1, 3, 8, 40][(h >> 8) as usize % 5] * (1 + (h >> 16) as u64 % 3);
            RegionActivity {
                id: id.to_owned(),
                count,
                baseline,
            }
        })
        .collect();
    let started = Instant::now();
    let svg = heatmap_svg(
        &view,
        &activity,
        lang,
        theme,
        "Reports by region",
        "Reports in the last hour in each region, compared with the usual number",
    );
    let rendered = started.elapsed();
    eprintln!(
        "{countries:?}: continent {}, tolerance {} px, {} regions, built in {built:?}, rendered in {rendered:?}, {} bytes, {} table rows",
        view.is_continent(),
        view.tolerance_px(),
        view.region_ids().count(),
        svg.len(),
        heat_table(&view, &activity, lang).len()
    );
    println!("{svg}");
}
