//! Server-rendered SVG charts (pure: bars in, markup out). Accessible: `<title>`, `<desc>`, and
//! the page shows the same numbers as a table.
//!
//! A spike chart says what it shows without the page around it: a legend (reports per slot, the
//! normal range, outage, the unfinished slot), the time zone under the axis, a "now" marker and a
//! line at each midnight. The normal range is [`Normal`]'s (`detect/normal.rs`), the one the monitor
//! reads statuses with. Pages get two drawings of the same data, a wide one and a narrow one for
//! phones (the stylesheet shows one): each keeps its text at [`FONT`] units and is never shown much
//! narrower than its width in units, so text stays at least 11 CSS px on a 360 px screen, and each
//! places as many time labels as fit without overlapping.

use crate::detect::Normal;
use crate::i18n::{self, Arg, Lang};
use crate::xml::escape;
use chrono::Timelike;
use chrono_tz::Tz;
use std::fmt::Write;

/// One bucket of a chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub start: i64,
    /// Seconds the bucket covers.
    pub len: i64,
    pub count: u64,
    /// What is normal for this bucket, when known.
    pub normal: Option<Normal>,
    pub in_outage: bool,
}

impl Bar {
    /// Whether the bucket is still filling at `now`: its count is what came so far.
    pub fn so_far(&self, now: i64) -> bool {
        (self.start..self.start + self.len).contains(&now)
    }
}

/// Text size in drawing units.
pub const FONT: f64 = 12.0;
/// An upper estimate of a character's advance, in ems, for the fonts the charts ask for: labels
/// are placed by it so they neither overlap nor leave the drawing.
const CHAR_EM: f64 = 0.62;
/// Height of the plot area in drawing units.
const PLOT_H: f64 = 170.0;
const PAD: f64 = 6.0;
const ROW: f64 = FONT + 8.0;

/// One drawing's width and the suffix of its element ids.
#[derive(Debug, Clone, Copy)]
struct Frame {
    width: f64,
    id: &'static str,
    class: &'static str,
}

/// For screens wider than 720 CSS px (the page column is at most 60 rem).
const WIDE: Frame = Frame {
    width: 720.0,
    id: "w",
    class: "chart chart-wide",
};
/// For phones: shown up to 720 CSS px wide (at most 30 rem), so 12 units are at least 11 px at 360 px
/// (a 328 px column: 12 × 328 / 320 = 12.3 px).
pub const NARROW_WIDTH: f64 = 320.0;
const NARROW: Frame = Frame {
    width: NARROW_WIDTH,
    id: "n",
    class: "chart chart-narrow",
};

/// Width of `text` in drawing units at `size` (an upper estimate).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_EM
}

/// A "nice" axis maximum at or above `max` (1, 2 or 5 times a power of ten).
pub fn nice_max(max: f64) -> f64 {
    if max <= 1.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&v| v >= max)
        .unwrap_or(10.0 * p)
}

/// What a chart shows: its bars (oldest first, of one length), the time they are read at, its
/// title and description, and the language and zone of its words and times.
#[derive(Debug, Clone, Copy)]
pub struct Chart<'a> {
    pub bars: &'a [Bar],
    pub now: i64,
    pub title: &'a str,
    pub desc: &'a str,
    pub lang: Lang,
    pub tz: Tz,
}

/// The chart for a page: a wide and a narrow drawing of the same bars, styled by the page's
/// stylesheet (which shows the one that fits the screen).
pub fn spike_chart(chart: &Chart) -> String {
    let mut svg = String::with_capacity(32 * 1024);
    draw(&mut svg, chart, WIDE, None);
    draw(&mut svg, chart, NARROW, None);
    svg
}

/// The chart as an image for other sites (the page stylesheet is not there): one wide drawing
/// with its own size and colours (`dark` for dark pages), and what a reader needs to cite it
/// drawn in: the title (service and period), the dates it spans, the zone, the legend and the
/// page it comes from (`source`, an absolute URL).
pub fn standalone_chart(chart: &Chart, dark: bool, source: &str) -> String {
    let mut svg = String::with_capacity(24 * 1024);
    let palette = if dark { &DARK } else { &LIGHT };
    draw(&mut svg, chart, WIDE, Some((palette, source)));
    svg
}

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
fn draw(svg: &mut String, chart: &Chart, frame: Frame, style: Option<(&Palette, &str)>) {
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

/// Colours of a chart. The normal range's fill keeps at least 3:1 against the background (WCAG
/// non-text contrast), and the bars at least 3:1 against the range they are drawn over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: &'static str,
    pub text: &'static str,
    pub muted: &'static str,
    pub grid: &'static str,
    pub bar: &'static str,
    pub outage: &'static str,
    pub band: &'static str,
}

/// Light colours: the same as the stylesheet's defaults for charts in pages.
pub const LIGHT: Palette = Palette {
    background: "#ffffff",
    text: "#1f2328",
    muted: "#57606a",
    grid: "#d0d7de",
    bar: "#0a3069",
    outage: "#7d0a1c",
    band: "#6a9a7a",
};

/// Dark colours (GitHub's dark background).
pub const DARK: Palette = Palette {
    background: "#0d1117",
    text: "#e6edf3",
    muted: "#9da7b3",
    grid: "#30363d",
    bar: "#a5d6ff",
    outage: "#ffb3ab",
    band: "#30724a",
};

impl Palette {
    /// The rules of a self-contained chart in these colours.
    fn css(&self) -> String {
        format!(
            ".bg{{fill:{bg}}}.chart{{font-family:system-ui,sans-serif}}.chart text{{fill:{muted}}}\
             .chart .legend text,.chart .mark,.chart .head,.chart .sub{{fill:{text}}}.chart .head{{font-weight:600}}\
             .chart .grid{{stroke:{grid}}}.chart .band{{fill:{band}}}.chart .bar{{fill:{bar}}}\
             .chart .bar.outage{{fill:{outage}}}.chart .bar.so-far{{stroke:{bar}}}.chart .hatch{{fill:{bar}}}\
             .chart .now{{stroke:{text};stroke-width:1.5}}.chart .day{{stroke:{muted};stroke-dasharray:4 3}}",
            bg = self.background,
            text = self.text,
            muted = self.muted,
            grid = self.grid,
            bar = self.bar,
            outage = self.outage,
            band = self.band,
        )
    }
}

/// A small chart of hourly counts (oldest first, complete hours only), each over its own normal
/// range, for lists, with a `<title>` saying what it shows.
pub fn sparkline(points: &[(u64, Option<Normal>)], title: &str) -> String {
    let (w, h) = (96.0, 24.0);
    let max = points
        .iter()
        .map(|(c, n)| (*c as f64).max(n.map_or(0.0, |n| n.high)))
        .fold(1.0, f64::max);
    let n = points.len().max(2) as f64 - 1.0;
    let x = |i: usize| i as f64 * w / n;
    let y = |v: f64| h - 1.0 - (h - 2.0) * v / max;
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, &(c, _))| format!("{:.1},{:.1}", x(i), y(c as f64)))
        .collect();
    // The range as one area through the points that have one (an hour's range at its point).
    let ranged: Vec<(usize, Normal)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, (_, n))| n.map(|n| (i, n)))
        .collect();
    let mut band = String::new();
    if ranged.len() >= 2 {
        let mut d = String::new();
        for &(i, n) in &ranged {
            let _ = write!(
                d,
                "{}{:.1},{:.1}",
                if d.is_empty() { "M" } else { "L" },
                x(i),
                y(n.high)
            );
        }
        for &(i, n) in ranged.iter().rev() {
            let _ = write!(d, "L{:.1},{:.1}", x(i), y(n.low));
        }
        band = format!(r#"<path class="band" d="{d}Z"/>"#);
    }
    format!(
        r#"<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{band}<polyline points="{}"/></svg>"#,
        escape(title),
        line.join(" ")
    )
}

/// Relative luminance of a `#rrggbb` colour (WCAG 2).
pub fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let v = f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap_or(0)) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
}

/// WCAG contrast ratio of two `#rrggbb` colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;
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
            assert!(
                contrast(p.bar, p.background) >= 3.0 && contrast(p.outage, p.background) >= 3.0
            );
            assert!(
                contrast(p.text, p.background) >= 4.5 && contrast(p.muted, p.background) >= 4.5
            );
        }
        assert!((contrast("#ffffff", "#000000") - 21.0).abs() < 1e-9);
        // The stylesheet draws page charts in the light palette.
        let css = include_str!("../static/style.css");
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
}
