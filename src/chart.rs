//! Server-rendered SVG charts (pure: numbers in, markup out). Accessible: `<title>`, `<desc>`, and
//! the page shows the same numbers as a table.

use crate::i18n::Lang;
use crate::xml::escape;
use chrono_tz::Tz;
use std::fmt::Write;

/// One bucket of a chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub start: i64,
    pub count: u64,
    /// Typical count of this bucket and the top of its normal range, when known.
    pub typical: Option<(f64, f64)>,
    pub in_outage: bool,
}

const W: f64 = 720.0;
const H: f64 = 220.0;
const LEFT: f64 = 36.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 8.0;

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

/// Bars of reports, the normal range as a shaded band with the typical count as a line, outage
/// buckets in red, hour labels along the bottom in `tz`, numbers and times written for `lang`.
/// Styled by the page's stylesheet.
pub fn spike_chart(bars: &[Bar], title: &str, desc: &str, lang: Lang, tz: Tz) -> String {
    draw(bars, title, desc, lang, tz, None)
}

/// [`spike_chart`] as an image for other sites (the page stylesheet is not there): its own size,
/// background and colours (`dark` for dark pages).
pub fn standalone_chart(
    bars: &[Bar],
    title: &str,
    desc: &str,
    lang: Lang,
    tz: Tz,
    dark: bool,
) -> String {
    draw(
        bars,
        title,
        desc,
        lang,
        tz,
        Some(if dark { DARK_CHART } else { LIGHT_CHART }),
    )
}

/// `style`: `None` inside a page, else the colours of a self-contained image.
fn draw(bars: &[Bar], title: &str, desc: &str, lang: Lang, tz: Tz, style: Option<&str>) -> String {
    let mut svg = String::with_capacity(16 * 1024);
    let n = bars.len().max(1) as f64;
    let max = bars
        .iter()
        .map(|b| (b.count as f64).max(b.typical.map_or(0.0, |t| t.1)))
        .fold(0.0, f64::max);
    let ymax = nice_max(max);
    let plot_w = W - LEFT - 4.0;
    let plot_h = H - BOTTOM - TOP;
    let bw = plot_w / n;
    let x = |i: usize| LEFT + i as f64 * bw;
    let y = |v: f64| TOP + plot_h * (1.0 - v / ymax);
    let size = if style.is_some() {
        format!(r#" width="{W}" height="{H}""#)
    } else {
        String::new()
    };
    let _ = write!(
        svg,
        r#"<svg class="chart"{size} viewBox="0 0 {W} {H}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{}</title><desc id="chart-desc">{}</desc>"#,
        escape(title),
        escape(desc)
    );
    if let Some(style) = style {
        let _ = write!(
            svg,
            r#"<style>{style}</style><rect class="bg" width="{W}" height="{H}"/>"#
        );
    }
    for frac in [0.0, 0.5, 1.0] {
        let v = ymax * frac;
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{W}" y1="{y:.1}" y2="{y:.1}"/><text class="axis" x="{tx}" y="{ty:.1}" text-anchor="end">{v}</text>"#,
            y = y(v),
            tx = LEFT - 4.0,
            ty = y(v) + 4.0,
            // A half of 5 is 2.5: write it so rather than round the gridline's value.
            v = if v.fract() == 0.0 {
                lang.integer(v as u64)
            } else {
                lang.decimal(v, 1)
            }
        );
    }
    // The normal range: a band from typical to the top of normal, and the typical line.
    let band: Vec<(usize, f64, f64)> = bars
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.typical.map(|(t, u)| (i, t, u)))
        .collect();
    if !band.is_empty() {
        let mut d = String::new();
        for &(i, _, upper) in &band {
            let _ = write!(
                d,
                "{}{:.1},{:.1} ",
                if d.is_empty() { "M" } else { "L" },
                x(i) + bw / 2.0,
                y(upper)
            );
        }
        for &(i, typical, _) in band.iter().rev() {
            let _ = write!(d, "L{:.1},{:.1} ", x(i) + bw / 2.0, y(typical));
        }
        let _ = write!(svg, r#"<path class="band" d="{}Z"/>"#, d.trim_end());
        let line: Vec<String> = band
            .iter()
            .map(|&(i, t, _)| format!("{:.1},{:.1}", x(i) + bw / 2.0, y(t)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline class="typical" points="{}"/>"#,
            line.join(" ")
        );
    }
    for (i, b) in bars.iter().enumerate() {
        if b.count == 0 {
            continue;
        }
        let top = y(b.count as f64);
        let _ = write!(
            svg,
            r#"<rect class="{}" x="{:.1}" y="{top:.1}" width="{:.1}" height="{:.1}"><title>{}: {}</title></rect>"#,
            if b.in_outage { "bar outage" } else { "bar" },
            x(i) + 0.5,
            (bw - 1.0).max(0.5),
            (TOP + plot_h - top).max(0.0),
            lang.time(b.start, tz),
            lang.integer(b.count)
        );
    }
    // Hour labels every ~3 hours of buckets.
    let step = (bars.len() / 8).max(1);
    for (i, b) in bars.iter().enumerate().step_by(step) {
        let _ = write!(
            svg,
            r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x(i) + bw / 2.0,
            H - 6.0,
            lang.time(b.start, tz)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Colours of a chart outside downtally's pages (the page stylesheet is not there).
const LIGHT_CHART: &str = ".bg{fill:#fff}.bar{fill:#0b57d0}.bar.outage{fill:#b3261e}\
.band{fill:#1a7f37;fill-opacity:.15}.typical{fill:none;stroke:#1a7f37;stroke-width:1.5}\
.grid{stroke:#d0d7de}.axis{fill:#57606a;font:11px system-ui,sans-serif}";
const DARK_CHART: &str = ".bg{fill:#0d1117}.bar{fill:#58a6ff}.bar.outage{fill:#ff7b72}\
.band{fill:#3fb950;fill-opacity:.2}.typical{fill:none;stroke:#3fb950;stroke-width:1.5}\
.grid{stroke:#30363d}.axis{fill:#9da7b3;font:11px system-ui,sans-serif}";

/// A small line of counts (oldest first) for lists, with a `<title>` saying what it shows.
pub fn sparkline(counts: &[u64], title: &str) -> String {
    let (w, h) = (96.0, 24.0);
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = counts.len().max(2) as f64 - 1.0;
    let points: Vec<String> = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * w / n,
                h - 1.0 - (h - 2.0) * c as f64 / max
            )
        })
        .collect();
    format!(
        r#"<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" xmlns="http://www.w3.org/2000/svg"><title>{}</title><polyline points="{}"/></svg>"#,
        escape(title),
        points.join(" ")
    )
}

/// The typical count and the top of the normal range of a bucket of `len` seconds starting at `t`,
/// from hourly history: the same hour of the week in past weeks, or else the same hour of the day
/// in past days, as median and 90th percentile, spread evenly over the hour.
pub fn typical_range(hours: &[(i64, u64)], t: i64, len: i64) -> Option<(f64, f64)> {
    const HOUR: i64 = 3_600;
    const DAY: i64 = 86_400;
    const WEEK: i64 = 7 * DAY;
    let hour = t.div_euclid(HOUR) * HOUR;
    let first = hours.first()?.0;
    let lookup = |at: i64| -> Option<f64> {
        if at < first {
            return None;
        }
        let i = ((at - first) / HOUR) as usize;
        hours.get(i).filter(|h| h.0 == at).map(|h| h.1 as f64)
    };
    let weekly: Vec<f64> = (1..=8).filter_map(|w| lookup(hour - w * WEEK)).collect();
    let mut sample = if weekly.len() >= 3 {
        weekly
    } else {
        (1..=7).filter_map(|d| lookup(hour - d * DAY)).collect()
    };
    if sample.len() < 2 {
        return None;
    }
    sample.sort_by(f64::total_cmp);
    let q = |p: f64| sample[((sample.len() - 1) as f64 * p).round() as usize];
    let share = len as f64 / HOUR as f64;
    Some((q(0.5) * share, q(0.9).max(q(0.5)) * share))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standalone_charts_carry_their_own_size_and_colours() {
        let bars = [Bar {
            start: 0,
            count: 3,
            typical: Some((1.0, 2.0)),
            in_outage: true,
        }];
        let inline = spike_chart(&bars, "T", "D", Lang::En, chrono_tz::UTC);
        assert!(inline.starts_with("<svg class=\"chart\" viewBox") && !inline.contains("<style>"));
        for dark in [false, true] {
            let svg = standalone_chart(&bars, "T", "D", Lang::En, chrono_tz::UTC, dark);
            assert!(svg.starts_with("<svg class=\"chart\" width=\"720\" height=\"220\""));
            assert!(svg.contains("</desc><style>.bg{fill:#"));
            assert_eq!(svg.matches("<rect class=\"bg\"").count(), 1);
            assert!(svg.ends_with("</svg>"));
            assert_eq!(svg.contains("#0d1117"), dark);
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
        let bars: Vec<Bar> = (0..96)
            .map(|i| Bar {
                start: i * 900,
                count: i as u64 % 7,
                typical: Some((2.0, 4.0)),
                in_outage: i > 90,
            })
            .collect();
        let svg = spike_chart(&bars, "Reports <Monzo>", "24 hours", Lang::En, Tz::UTC);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"chart-title\">Reports &lt;Monzo&gt;</title>"));
        assert!(svg.contains("class=\"band\"") && svg.contains("bar outage"));
    }

    #[test]
    fn typical_range_uses_past_weeks_then_days() {
        let start = 0;
        let hours: Vec<(i64, u64)> = (0..24 * 7 * 4).map(|h| (start + h * 3600, 40)).collect();
        let t = start + 24 * 7 * 4 * 3600;
        assert_eq!(typical_range(&hours, t, 900), Some((10.0, 10.0)));
        let short: Vec<(i64, u64)> = (0..48).map(|h| (h * 3600, 8)).collect();
        assert_eq!(typical_range(&short, 48 * 3600, 3600), Some((8.0, 8.0)));
        assert_eq!(typical_range(&short[..10], 48 * 3600, 3600), None);
    }
}
