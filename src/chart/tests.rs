use super::*;
use crate::colour::contrast;
use chrono::{Offset, TimeZone};

/// The UTC offset of `tz` at `t`, in seconds.
fn offset(t: i64, tz: Tz) -> i64 {
    let utc = chrono::DateTime::from_timestamp(t, 0).unwrap().naive_utc();
    i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc())
}

/// Monday 2026-11-30 12:07 UTC.
const NOW: i64 = 1_796_040_420;

fn day_bars(now: i64, outage_from: usize) -> Vec<Bar> {
    let to = now.div_euclid(900) * 900 + 900;
    (0..96)
        .map(|i| {
            let start = to - 86_400 + i * 900;
            Bar {
                start,
                len: 900,
                count: (i as u64 * 7) % 23,
                normal: Some(Normal::new(10.0, 0.05)),
                in_outage: i as usize >= outage_from,
            }
        })
        .collect()
}

fn chart<'a>(bars: &'a [Bar], title: &'a str) -> Chart<'a> {
    Chart {
        bars,
        now: NOW,
        title,
        desc: "24 hours",
        lang: Lang::En,
        tz: chrono_tz::Europe::Rome,
    }
}

/// The `<svg>` elements of a page chart: (class, markup).
fn drawings(svg: &str) -> Vec<&str> {
    svg.split_inclusive("</svg>").collect()
}

/// Every `<text>` with its x, anchor and content.
fn texts(svg: &str) -> Vec<(f64, f64, String, String)> {
    svg.split("<text ")
        .skip(1)
        .map(|t| {
            let t = format!(" {t}");
            let attr = |name: &str| {
                t.split(&format!(" {name}=\""))
                    .nth(1)
                    .map(|r| r.split('"').next().unwrap().to_owned())
            };
            let x: f64 = attr("x").unwrap().parse().unwrap();
            let y: f64 = attr("y").unwrap().parse().unwrap();
            let anchor = attr("text-anchor").unwrap_or_else(|| "start".into());
            let content = t.split('>').nth(1).unwrap().split('<').next().unwrap();
            (x, y, anchor, content.to_owned())
        })
        .collect()
}

fn view_box(svg: &str) -> (f64, f64) {
    let vb = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
    let mut it = vb.split(['"', ' ']);
    (
        it.next().unwrap().parse().unwrap(),
        it.next().unwrap().parse().unwrap(),
    )
}

#[test]
fn standalone_charts_carry_their_own_size_colours_and_citation() {
    let bars = day_bars(NOW, 90);
    let c = chart(&bars, "Reports about Monzo in the last 24 hours");
    let inline = spike_chart(&c);
    assert!(
        inline.starts_with("<svg class=\"chart chart-wide\" viewBox")
            && !inline.contains("<style>")
    );
    for dark in [false, true] {
        let svg = standalone_chart(&c, dark, "https://downtally.example/s/monzo");
        assert!(svg.starts_with("<svg class=\"chart chart-wide\" width=\"720\" height=\""));
        assert!(svg.contains("</desc><style>.bg{fill:#"));
        assert_eq!(svg.matches("<rect class=\"bg\"").count(), 1);
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg.contains("#0d1117"), dark);
        let words: Vec<String> = texts(&svg).into_iter().map(|t| t.3).collect();
        for wanted in [
            "Reports about Monzo in the last 24 hours",
            "Source: https://downtally.example/s/monzo",
            "Times in CET",
            "Reports per 15 minutes",
            "Normal range",
            "Outage",
            "So far",
            "now",
        ] {
            assert!(
                words.iter().any(|w| w == wanted),
                "{wanted:?} not in {words:?}"
            );
        }
        // The period: first bar's start to now, with the zone.
        assert!(
            words
                .iter()
                .any(|w| w == "29 Nov 2026, 13:15 – 30 Nov 2026, 13:07 CET"),
            "{words:?}"
        );
    }
}

#[test]
fn nice_axis() {
    assert_eq!(nice_max(0.0), 1.0);
    assert_eq!(nice_max(7.0), 10.0);
    assert_eq!(nice_max(12.0), 20.0);
    assert_eq!(nice_max(480.0), 500.0);
}

#[test]
fn chart_is_accessible_and_escaped() {
    let bars = day_bars(NOW, 90);
    let svg = spike_chart(&chart(&bars, "Reports <Monzo>"));
    let parts = drawings(&svg);
    assert_eq!(parts.len(), 2, "a wide and a narrow drawing");
    for (part, id) in parts.iter().zip(["w", "n"]) {
        assert!(part.starts_with("<svg") && part.ends_with("</svg>"));
        assert!(part.contains(&format!(
            "<title id=\"chart-title-{id}\">Reports &lt;Monzo&gt;</title>"
        )));
        assert!(part.contains(&format!(
            "aria-labelledby=\"chart-title-{id} chart-desc-{id}\""
        )));
        assert!(part.contains("class=\"band\"") && part.contains("bar outage"));
    }
}

#[test]
fn the_unfinished_slot_is_hatched_and_the_now_line_inside_it() {
    let bars = day_bars(NOW, 200);
    let svg = spike_chart(&chart(&bars, "T"));
    let wide = drawings(&svg)[0];
    assert_eq!(
        wide.matches("<rect class=\"bar so-far\"").count(),
        2,
        "legend and bar"
    );
    assert!(wide.contains("style=\"fill:url(#so-far-w)\""));
    assert!(wide.contains(" reports (So far); normal "));
    let last = bars.last().unwrap();
    assert!(last.so_far(NOW) && !bars[94].so_far(NOW));
    // The now line sits 7 of the last bar's 15 minutes in.
    let now_x: f64 = wide
        .split("<line class=\"now\" x1=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let bar_x = |i: usize| -> f64 {
        let rects: Vec<&str> = wide.split("<rect class=\"bar").skip(1).collect();
        let r = rects.iter().rev().nth(95 - i).unwrap();
        r.split(" x=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse::<f64>()
            .unwrap()
            - 0.5
    };
    let bw = bar_x(95) - bar_x(94);
    assert!(
        (now_x - (bar_x(95) + bw * 7.0 / 15.0)).abs() < 0.2,
        "{now_x}"
    );
    // The legend names outages even when the chart has none.
    assert!(texts(wide).iter().any(|t| t.3 == "Outage"));
}

#[test]
fn a_day_boundary_is_marked_at_local_midnight() {
    let bars = day_bars(NOW, 200);
    let svg = spike_chart(&chart(&bars, "T"));
    for part in drawings(&svg) {
        assert_eq!(part.matches("<line class=\"day\"").count(), 1);
        assert!(texts(part).iter().any(|t| t.3 == "30 Nov"), "{part}");
    }
    let midnight = bars
        .iter()
        .find(|b| (b.start + offset(b.start, chrono_tz::Europe::Rome)) % 86_400 == 0)
        .unwrap();
    assert_eq!(lang_time(midnight.start), "00:00");
}

fn lang_time(t: i64) -> String {
    Lang::En.time(t, chrono_tz::Europe::Rome)
}

/// No two labels overlap and none leaves its drawing, in any language, on either drawing, for
/// the page's day chart, an outage's hours, a one-hour embed and long counts.
#[test]
fn labels_fit_without_overlapping() {
    let mut cases: Vec<Vec<Bar>> = vec![day_bars(NOW, 90)];
    cases.push(
        (0..60)
            .map(|i| Bar {
                start: NOW - 3600 + i * 60,
                len: 60,
                count: 123_456 + i as u64,
                normal: Some(Normal::new(100_000.0, 0.05)),
                in_outage: false,
            })
            .collect(),
    );
    cases.push(
        (0..80)
            .map(|i| Bar {
                start: NOW.div_euclid(300) * 300 - 79 * 300 + i * 300,
                len: 300,
                count: 4,
                normal: None,
                in_outage: (20..50).contains(&i),
            })
            .collect(),
    );
    cases.push(
        (0..200)
            .map(|i| Bar {
                start: NOW.div_euclid(3600) * 3600 - 199 * 3600 + i * 3600,
                len: 3600,
                count: 40,
                normal: Some(Normal::new(30.0, 0.05)),
                in_outage: false,
            })
            .collect(),
    );
    for bars in &cases {
        for lang in Lang::En.all() {
            let c = Chart {
                lang,
                ..chart(bars, "T")
            };
            let mut svgs: Vec<String> = drawings(&spike_chart(&c))
                .into_iter()
                .map(str::to_owned)
                .collect();
            svgs.push(standalone_chart(
                &c,
                false,
                "https://downtally.example/s/monzo",
            ));
            for svg in &svgs {
                let (w, _) = view_box(svg);
                let boxes: Vec<(f64, f64, f64, String)> = texts(svg)
                    .into_iter()
                    .map(|(x, y, anchor, text)| {
                        let tw = text_width(&text, FONT);
                        let a = match anchor.as_str() {
                            "end" => x - tw,
                            "middle" => x - tw / 2.0,
                            _ => x,
                        };
                        (a, a + tw, y, text)
                    })
                    .collect();
                for (a, b, _, t) in &boxes {
                    assert!(
                        *a >= 0.0 && *b <= w,
                        "{lang:?} {t:?} at {a:.1}..{b:.1} leaves 0..{w}"
                    );
                }
                for (i, p) in boxes.iter().enumerate() {
                    for q in &boxes[i + 1..] {
                        let same_row = (p.2 - q.2).abs() < FONT;
                        let apart = p.1 <= q.0 || q.1 <= p.0;
                        assert!(!same_row || apart, "{lang:?}: {p:?} overlaps {q:?}");
                    }
                }
            }
        }
    }
}

/// The narrow drawing keeps text at 11 CSS px or more in a 360 px screen's column (328 px) and
/// the plot at least 160 px tall; the wide one has more time labels than the narrow one.
#[test]
fn the_narrow_drawing_reads_on_a_phone() {
    let bars = day_bars(NOW, 200);
    let svg = spike_chart(&chart(&bars, "T"));
    let parts = drawings(&svg);
    let (w, h) = view_box(parts[1]);
    let scale = 328.0 / w;
    assert!(FONT * scale >= 11.0, "{}", FONT * scale);
    assert!(h * scale >= 160.0 && PLOT_H * scale >= 160.0);
    let ticks = |s: &str| {
        texts(s)
            .iter()
            .filter(|t| t.3.len() == 5 && t.3.contains(':'))
            .count()
    };
    assert!(
        ticks(parts[0]) > ticks(parts[1]) && ticks(parts[1]) >= 3,
        "{} {}",
        ticks(parts[0]),
        ticks(parts[1])
    );
}

/// WCAG non-text contrast: the normal range against the background, the bars against the range.
#[test]
fn the_normal_range_is_visible() {
    for p in [LIGHT, DARK] {
        assert!(
            contrast(p.band, p.background) >= 3.0,
            "{p:?}: band {:.2}",
            contrast(p.band, p.background)
        );
        assert!(
            contrast(p.bar, p.band) >= 3.0,
            "{p:?}: bar on band {:.2}",
            contrast(p.bar, p.band)
        );
        assert!(
            contrast(p.outage, p.band) >= 3.0,
            "{p:?}: outage on band {:.2}",
            contrast(p.outage, p.band)
        );
        assert!(contrast(p.bar, p.background) >= 3.0 && contrast(p.outage, p.background) >= 3.0);
        assert!(contrast(p.text, p.background) >= 4.5 && contrast(p.muted, p.background) >= 4.5);
    }
    assert!((contrast("#ffffff", "#000000") - 21.0).abs() < 1e-9);
    // The stylesheet draws page charts in the light palette.
    let css = include_str!("../../static/style.css");
    for colour in [LIGHT.band, LIGHT.bar, LIGHT.outage] {
        assert!(
            css.contains(colour),
            "style.css lacks the chart colour {colour}"
        );
    }
}

#[test]
fn sparkline_shows_its_own_normal() {
    let points: Vec<(u64, Option<Normal>)> = (0..24)
        .map(|i| (i * 2, Some(Normal::new(i as f64 * 2.0, 0.05))))
        .collect();
    let svg = sparkline(&points, "46 <reports>");
    assert!(svg.contains("<title>46 &lt;reports&gt;</title>"));
    assert!(svg.contains("<path class=\"band\" d=\"M0.0,"));
    assert_eq!(svg.matches("<polyline").count(), 1);
    let bare = sparkline(&[(1, None), (2, None)], "t");
    assert!(!bare.contains("band"));
}

/// An outage's spike must not flatten the day's normal range into a sliver: the rest of the day
/// still reads as ordinary at a glance.
#[test]
fn a_spike_leaves_the_sparkline_band_visible() {
    let normal = Normal::new(20.0, 0.05);
    let mut points: Vec<(u64, Option<Normal>)> = (0..24).map(|_| (20, Some(normal))).collect();
    points[23].0 = 1000;
    let svg = sparkline(&points, "t");
    let d = svg
        .split("<path class=\"band\" d=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a band");
    let ys: Vec<f64> = d
        .split(['M', 'L', 'Z'])
        .filter(|p| !p.is_empty())
        .map(|p| p.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    let (top, bottom) = (
        ys.iter().copied().fold(f64::INFINITY, f64::min),
        ys.iter().copied().fold(0.0, f64::max),
    );
    assert!(
        bottom - top >= 2.0 && bottom <= 24.0 - 0.15 * 22.0,
        "band {top:.1}..{bottom:.1} of a 24 px sparkline"
    );
    // The spike reaches the top.
    assert!(svg.contains(" 96.0,1.0\""), "{svg}");
}
