//! One drawing of a spike chart: frame, band, bars, marks, labels and legend.

use super::*;
use crate::i18n::{self, Arg};
use crate::xml::escape;
use chrono::Timelike;
use std::fmt::Write;

/// The words of a chart, in its language.
struct Words {
    reports: String,
    normal: String,
    outage: String,
    so_far: String,
    now: String,
    zone: String,
}

impl Words {
    fn of(chart: &Chart) -> Words {
        let lang = chart.lang;
        let len = chart.bars.first().map_or(900, |b| b.len);
        let reports = if len % 3600 == 0 {
            lang.ta("chart-per-hours", &[("n", Arg::Num((len / 3600) as f64))])
        } else {
            lang.ta(
                "chart-per-minutes",
                &[("n", Arg::Num((len / 60).max(1) as f64))],
            )
        };
        let at = chart.bars.last().map_or(chart.now, |b| b.start);
        Words {
            reports,
            normal: lang.t("chart-legend-normal"),
            outage: lang.t("chart-legend-outage"),
            so_far: lang.t("chart-legend-so-far"),
            now: lang.t("chart-now"),
            zone: lang.t1(
                "chart-times-in",
                "zone",
                &i18n::zone_abbreviation(at, chart.tz),
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Swatch {
    Reports,
    Band,
    Outage,
    SoFar,
}

/// `t` in `tz`.
fn local(t: i64, tz: Tz) -> chrono::DateTime<Tz> {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .with_timezone(&tz)
}

/// Local date of `t` in `tz` as (year, ordinal day).
fn local_day(t: i64, tz: Tz) -> (i32, u32) {
    use chrono::Datelike;
    let d = local(t, tz);
    (d.year(), d.ordinal())
}

/// Seconds since local midnight of `t` in `tz`.
fn local_seconds(t: i64, tz: Tz) -> i64 {
    i64::from(local(t, tz).num_seconds_from_midnight())
}

/// The day a midnight line opens, short: "30 Nov" in English, "30/11" or "30.11." elsewhere.
fn day_label(t: i64, tz: Tz, lang: Lang) -> String {
    let d = local(t, tz);
    let pattern = match lang {
        Lang::En => "%-d %b",
        Lang::It | Lang::Fr => "%d/%m",
        Lang::De | Lang::Nb => "%d.%m.",
    };
    d.format(pattern).to_string()
}

/// A count or axis value written for `lang` (a half of 5 is 2.5, not 3).
fn value_text(v: f64, lang: Lang) -> String {
    if v.fract() == 0.0 {
        lang.integer(v as u64)
    } else {
        lang.decimal(v, 1)
    }
}

/// Intervals between time labels, in seconds: each divides a day.
const TICK_STEPS: [i64; 12] = [
    60, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 14_400, 21_600, 43_200, 86_400,
];

/// `style`: `None` inside a page, else the palette of a self-contained image and its source URL.
pub(super) fn draw(svg: &mut String, chart: &Chart, frame: Frame, style: Option<(&Palette, &str)>) {
    let Chart {
        bars,
        now,
        lang,
        tz,
        ..
    } = *chart;
    let words = Words::of(chart);
    let w = frame.width;
    let id = frame.id;
    let so_far = bars.iter().any(|b| b.so_far(now));

    // Heading of a standalone image: its title, then the dates it spans.
    let mut heading: Vec<(String, f64, &str)> = Vec::new();
    if style.is_some() {
        heading.push((chart.title.to_owned(), FONT + 2.0, "head"));
        if let (Some(first), Some(last)) = (bars.first(), bars.last()) {
            let end = if so_far { now } else { last.start + last.len };
            heading.push((
                format!(
                    "{} – {} {}",
                    lang.date_time(first.start, tz),
                    lang.date_time(end, tz),
                    i18n::zone_abbreviation(end, tz)
                ),
                FONT,
                "sub",
            ));
        }
    }

    // The legend flows over as many rows as the width needs.
    let mut items = vec![
        (Swatch::Reports, words.reports.as_str()),
        (Swatch::Band, words.normal.as_str()),
    ];
    items.push((Swatch::Outage, words.outage.as_str()));
    if so_far {
        items.push((Swatch::SoFar, words.so_far.as_str()));
    }
    let mut legend: Vec<(Swatch, &str, f64, usize)> = Vec::new();
    let (mut lx, mut row) = (PAD, 0usize);
    for (swatch, text) in items {
        let item = 16.0 + text_width(text, FONT);
        if lx > PAD && lx + item > w - PAD {
            lx = PAD;
            row += 1;
        }
        legend.push((swatch, text, lx, row));
        lx += item + 14.0;
    }
    let rows = row + 1;

    let head_h: f64 = heading.iter().map(|h| h.1 + 8.0).sum();
    let legend_top = PAD + head_h;
    let strip_top = legend_top + rows as f64 * ROW;
    let top = strip_top + ROW;
    let bottom = top + PLOT_H;
    // Baselines under the plot: time labels, the zone, the source (standalone).
    let axis_y = bottom + FONT + 8.0;
    let zone_y = axis_y + ROW;
    let source_y = zone_y + ROW;
    let h = if style.is_some() { source_y } else { zone_y } + PAD;

    let max = bars
        .iter()
        .map(|b| (b.count as f64).max(b.normal.map_or(0.0, |n| n.high)))
        .fold(0.0, f64::max);
    let ymax = nice_max(max);
    let y_labels: Vec<(f64, String)> = [0.0, 0.5, 1.0]
        .into_iter()
        .map(|f| (ymax * f, value_text(ymax * f, lang)))
        .collect();
    let label_w = y_labels
        .iter()
        .map(|(_, t)| text_width(t, FONT))
        .fold(0.0, f64::max);
    let left = PAD + label_w + 6.0;
    let right = w - 10.0;
    let n = bars.len().max(1);
    let bw = (right - left) / n as f64;
    let x = |i: usize| left + i as f64 * bw;
    let y = |v: f64| top + PLOT_H * (1.0 - v / ymax);
    let len = bars.first().map_or(900, |b| b.len).max(1);
    let from = bars.first().map_or(now, |b| b.start);

    let size = match style {
        Some(_) => format!(r#" width="{w}" height="{h}""#),
        None => String::new(),
    };
    let _ = write!(
        svg,
        r#"<svg class="{class}"{size} viewBox="0 0 {w} {h}" font-size="{FONT}" role="img" aria-labelledby="chart-title-{id} chart-desc-{id}" xmlns="http://www.w3.org/2000/svg"><title id="chart-title-{id}">{title}</title><desc id="chart-desc-{id}">{desc}</desc>"#,
        class = frame.class,
        title = escape(chart.title),
        desc = escape(chart.desc),
    );
    if let Some((palette, _)) = style {
        let _ = write!(
            svg,
            r#"<style>{}</style><rect class="bg" width="{w}" height="{h}"/>"#,
            palette.css()
        );
    }
    let _ = write!(
        svg,
        r#"<defs><pattern id="so-far-{id}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="hatch" width="2.5" height="6"/></pattern></defs>"#
    );

    let mut ty = PAD;
    for (text, size, class) in &heading {
        ty += size + 4.0;
        let _ = write!(
            svg,
            r#"<text class="{class}" x="{PAD}" y="{ty:.1}" font-size="{size}">{}</text>"#,
            escape(text)
        );
        ty += 4.0;
    }

    svg.push_str(r#"<g class="legend">"#);
    for (swatch, text, lx, row) in &legend {
        let sy = legend_top + *row as f64 * ROW + 3.0;
        let rect = match swatch {
            Swatch::Reports => r#"class="bar""#.to_owned(),
            Swatch::Band => r#"class="band""#.to_owned(),
            Swatch::Outage => r#"class="bar outage""#.to_owned(),
            Swatch::SoFar => format!(r#"class="bar so-far" style="fill:url(#so-far-{id})""#),
        };
        let _ = write!(
            svg,
            r#"<rect {rect} x="{lx:.1}" y="{sy:.1}" width="12" height="12"/><text x="{tx:.1}" y="{ty:.1}">{}</text>"#,
            escape(text),
            tx = lx + 16.0,
            ty = sy + 10.5,
        );
    }
    svg.push_str("</g>");

    for (v, text) in &y_labels {
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{left:.1}" x2="{right:.1}" y1="{yv:.1}" y2="{yv:.1}"/><text class="axis" x="{tx:.1}" y="{ty:.1}" text-anchor="end">{text}</text>"#,
            yv = y(*v),
            tx = left - 4.0,
            ty = y(*v) + 4.0,
        );
    }

    // The normal range: one stepped band per run of bars that have one.
    let mut i = 0;
    while i < bars.len() {
        if bars[i].normal.is_none() {
            i += 1;
            continue;
        }
        let a = i;
        while i < bars.len() && bars[i].normal.is_some() {
            i += 1;
        }
        let b = i - 1;
        let high = |j: usize| y(bars[j].normal.map_or(0.0, |n| n.high));
        let low = |j: usize| y(bars[j].normal.map_or(0.0, |n| n.low));
        let mut d = format!("M{:.1},{:.1}H{:.1}", x(a), high(a), x(a + 1));
        for j in a + 1..=b {
            let _ = write!(d, "V{:.1}H{:.1}", high(j), x(j + 1));
        }
        let _ = write!(d, "V{:.1}H{:.1}", low(b), x(b));
        for j in (a..b).rev() {
            let _ = write!(d, "V{:.1}H{:.1}", low(j), x(j));
        }
        let _ = write!(svg, r#"<path class="band" d="{d}Z"/>"#);
    }

    for (i, b) in bars.iter().enumerate() {
        if b.count == 0 {
            continue;
        }
        let top_y = y(b.count as f64);
        let partial = b.so_far(now);
        let class = match (partial, b.in_outage) {
            (true, _) => "bar so-far",
            (false, true) => "bar outage",
            (false, false) => "bar",
        };
        let fill = if partial {
            format!(r#" style="fill:url(#so-far-{id})""#)
        } else {
            String::new()
        };
        let mut tip = lang.ta(
            "chart-bar",
            &[
                ("time", Arg::from(lang.time(b.start, tz))),
                ("n", Arg::Num(b.count as f64)),
                ("count", Arg::from(lang.integer(b.count))),
            ],
        );
        if partial {
            tip = format!("{tip} ({})", words.so_far);
        }
        if let Some(normal) = b.normal {
            tip = format!(
                "{tip}; {}",
                lang.ta(
                    "chart-bar-normal",
                    &[
                        ("low", Arg::from(value_text(normal.low.round(), lang))),
                        ("high", Arg::from(value_text(normal.high.round(), lang))),
                    ],
                )
            );
        }
        let _ = write!(
            svg,
            r#"<rect class="{class}"{fill} x="{:.1}" y="{top_y:.1}" width="{:.1}" height="{:.1}"><title>{}</title></rect>"#,
            x(i) + 0.5,
            (bw - 1.0).max(0.5),
            (bottom - top_y).max(0.0),
            escape(&tip)
        );
    }

    // Labels above the plot (now, days): each claims its span of the strip, first come first served.
    let mut strip: Vec<(f64, f64)> = Vec::new();
    let free = |strip: &Vec<(f64, f64)>, a: f64, b: f64| {
        a >= 0.0 && b <= w && strip.iter().all(|&(s, e)| b + 4.0 <= s || a >= e + 4.0)
    };
    let label_y = strip_top + FONT + 2.0;
    let to = from + n as i64 * len;
    // No now marker when the chart ends before now (an outage long over).
    if !bars.is_empty() && (from..to).contains(&now) {
        let xn = left + (now - from) as f64 / len as f64 * bw;
        let tw = text_width(&words.now, FONT);
        let (a, anchor) = if xn - 3.0 - tw >= left {
            (xn - 3.0 - tw, "end")
        } else {
            (xn + 3.0, "start")
        };
        strip.push((a, a + tw));
        let tx = if anchor == "end" { xn - 3.0 } else { xn + 3.0 };
        let _ = write!(
            svg,
            r#"<line class="now" x1="{xn:.1}" x2="{xn:.1}" y1="{strip_top:.1}" y2="{bottom:.1}"/><text class="mark" x="{tx:.1}" y="{label_y:.1}" text-anchor="{anchor}">{}</text>"#,
            escape(&words.now)
        );
    }
    for i in 1..bars.len() {
        if local_day(bars[i].start, tz) == local_day(bars[i - 1].start, tz) {
            continue;
        }
        let xd = x(i);
        let _ = write!(
            svg,
            r#"<line class="day" x1="{xd:.1}" x2="{xd:.1}" y1="{strip_top:.1}" y2="{bottom:.1}"/>"#
        );
        let text = day_label(bars[i].start, tz, lang);
        let tw = text_width(&text, FONT);
        for (a, anchor, tx) in [
            (xd + 3.0, "start", xd + 3.0),
            (xd - 3.0 - tw, "end", xd - 3.0),
        ] {
            if free(&strip, a, a + tw) {
                strip.push((a, a + tw));
                let _ = write!(
                    svg,
                    r#"<text class="mark" x="{tx:.1}" y="{label_y:.1}" text-anchor="{anchor}">{}</text>"#,
                    escape(&text)
                );
                break;
            }
        }
    }

    // Time labels on bar boundaries at round local times, as many as fit.
    let tick_w = text_width("00:00", FONT) + 10.0;
    let fit = ((right - left) / tick_w).floor().max(1.0) as usize;
    let boundaries = || (0..=n).map(move |i| (i, from + i as i64 * len));
    let step = TICK_STEPS
        .into_iter()
        .filter(|&s| s >= len.min(86_400))
        .find(|&s| {
            boundaries()
                .filter(|&(_, t)| local_seconds(t, tz) % s == 0)
                .count()
                <= fit
        })
        .unwrap_or(86_400);
    let mut last_end = f64::NEG_INFINITY;
    for (i, t) in boundaries().filter(|&(_, t)| local_seconds(t, tz) % step == 0) {
        let xt = x(i);
        let text = lang.time(t, tz);
        let half = text_width(&text, FONT) / 2.0;
        if xt - half < 0.0 || xt + half > w || xt - half < last_end + 6.0 {
            continue;
        }
        last_end = xt + half;
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{xt:.1}" x2="{xt:.1}" y1="{bottom:.1}" y2="{:.1}"/><text class="axis" x="{xt:.1}" y="{axis_y:.1}" text-anchor="middle">{}</text>"#,
            bottom + 4.0,
            escape(&text)
        );
    }
    let _ = write!(
        svg,
        r#"<text class="axis" x="{left:.1}" y="{zone_y:.1}">{}</text>"#,
        escape(&words.zone)
    );
    if let Some((_, source)) = style {
        let _ = write!(
            svg,
            r#"<text class="sub" x="{PAD}" y="{source_y:.1}">{}</text>"#,
            escape(&chart.lang.t1("chart-source", "url", source))
        );
    }
    svg.push_str("</svg>");
}
