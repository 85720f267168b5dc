//! What a chart file costs to make, on one core: `cargo bench --bench charts`.
//!
//! The service page's chart (96 bars of 15 minutes with their normal range, an outage at the end)
//! as a self-describing SVG (`chart::standalone_chart`), and that SVG drawn into a PNG by resvg at
//! the scale the site serves (1.5: 1080 px wide). A PNG is rendered once per data change (the page cache keeps it), so this
//! is the cost of a cache miss, not of a request.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use downtally::chart::{Bar, Chart, standalone_chart};
use downtally::detect::Normal;
use downtally::figure::chart_csv;
use downtally::i18n::Lang;

/// Monday 2024-09-23 12:00 UTC.
const NOW: i64 = 1_727_092_800;

fn bars() -> Vec<Bar> {
    (0..96)
        .map(|i| {
            let start = NOW - (96 - i) * 900;
            // A daily curve with noise, and a spike in the last 3 hours.
            let base = 20.0 + 15.0 * ((i as f64) / 96.0 * std::f64::consts::TAU).sin();
            let count = (base + ((i * 7919) % 11) as f64) as u64 * if i > 84 { 8 } else { 1 };
            Bar {
                start,
                len: 900,
                count,
                normal: Some(Normal {
                    expected: base,
                    low: base * 0.8,
                    high: base * 1.3,
                    alpha: 0.05,
                }),
                in_outage: i > 84,
            }
        })
        .collect()
}

fn charts(c: &mut Criterion) {
    let bars = bars();
    let chart = Chart {
        bars: &bars,
        now: NOW,
        title: "Reports about Intesa Sanpaolo in the last 24 hours",
        desc: "Problem reports per 15 minutes (Europe/Rome), with the normal range.",
        lang: Lang::En,
        tz: chrono_tz::Europe::Rome,
    };
    let source = "https://downtally.example/s/intesa-sanpaolo";
    let svg = standalone_chart(&chart, false, source);
    // Fonts are loaded once per process, not per image.
    downtally::raster::warm_up();
    let mut g = c.benchmark_group("chart_file");
    g.sample_size(20);
    g.bench_function("csv_96_bars", |b| b.iter(|| chart_csv(black_box(&bars))));
    g.bench_function("svg_96_bars", |b| {
        b.iter(|| standalone_chart(black_box(&chart), false, source))
    });
    g.bench_function("png_96_bars_1080x486", |b| {
        b.iter(|| downtally::raster::png(black_box(&svg), 1.5).unwrap())
    });
    g.finish();
}

criterion_group!(benches, charts);
criterion_main!(benches);
