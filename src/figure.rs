//! A chart as a file that stands on its own (downloads, link previews): the chart's SVG framed with
//! its title, what it covers (period, zone, slot size), a legend and where it comes from; and the
//! chart's own numbers as CSV. Pure: bars and words in, text out. The words come translated from
//! the caller; the drawing of the chart itself is `chart.rs`.

use crate::chart::{self, Bar};
use crate::i18n::Lang;
use crate::xml::escape;
use chrono_tz::Tz;
use std::fmt::Write;

/// The normal of one chart slot as downloads and sentences read it: the count expected, and the
/// range an ordinary slot falls in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlotNormal {
    pub expected: f64,
    pub low: f64,
    pub high: f64,
}

/// The one place that reads a bar's normal for the CSV and the "N× the usual" sentences. Today the
/// chart's `typical_range` (median of past weeks' same hour, and its 90th percentile): the median is
/// both the expected count and the band's low edge. When the chart's normal becomes `detect`'s,
/// only this function changes.
pub fn slot_normal(bar: &Bar) -> Option<SlotNormal> {
    bar.typical.map(|(typical, top)| SlotNormal {
        expected: typical,
        low: typical,
        high: top,
    })
}

/// The reports expected in `[from, to)` from bars of `bucket` seconds, a bar partly inside counting
/// for its share; `None` when no bar in the span has a normal.
pub fn expected_between(bars: &[Bar], bucket: i64, from: i64, to: i64) -> Option<f64> {
    let mut known = false;
    let mut sum = 0.0;
    for bar in bars {
        let overlap = (bar.start + bucket).min(to) - bar.start.max(from);
        if overlap <= 0 {
            continue;
        }
        if let Some(n) = slot_normal(bar) {
            known = true;
            sum += n.expected * overlap as f64 / bucket as f64;
        }
    }
    known.then_some(sum)
}

/// The CSV header: what each column holds.
pub const CSV_HEADER: &str = "start,count,normal_low,normal_high,in_outage";

/// The chart's numbers, one row per slot: its start (RFC 3339, UTC), the reports counted, the
/// normal range (empty when unknown, two decimals), and whether an outage covers it.
pub fn chart_csv(bars: &[Bar]) -> String {
    let mut out = String::with_capacity(64 * (bars.len() + 1));
    out.push_str(CSV_HEADER);
    out.push_str("\r\n");
    for bar in bars {
        let (low, high) = slot_normal(bar)
            .map(|n| (format!("{:.2}", n.low), format!("{:.2}", n.high)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "{},{},{low},{high},{}\r\n",
            crate::clock::rfc3339(bar.start),
            bar.count,
            bar.in_outage
        );
    }
    out
}

/// The words a framed chart carries, already in the reader's language.
pub struct Caption<'a> {
    /// "Reports about Intesa Sanpaolo in the last 24 hours"
    pub title: &'a str,
    /// What the chart covers: "23/09/2024 12:15 – 24/09/2024 12:15 CEST (Europe/Rome) · reports per 15 minutes"
    pub covers: &'a str,
    /// The chart's `<desc>` (for screen readers).
    pub desc: &'a str,
    /// Legend labels: reports, reports during an outage, the normal range.
    pub legend: [&'a str; 3],
    /// "Source: downtally, https://…/s/intesa-sanpaolo, retrieved …"
    pub source: &'a str,
}

const W: f64 = 720.0;
/// Height of the chart `chart::standalone_chart` draws.
const CHART_H: f64 = 220.0;
const HEAD: f64 = 54.0;
const FOOT: f64 = 50.0;

/// The chart with its caption drawn in, as a standalone SVG (own size, background and colours).
pub fn framed_chart(bars: &[Bar], words: &Caption, lang: Lang, tz: Tz) -> String {
    let inner = chart::standalone_chart(bars, words.title, words.desc, lang, tz, false);
    let h = HEAD + CHART_H + FOOT;
    let mut svg = String::with_capacity(inner.len() + 2048);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h}" viewBox="0 0 {W} {h}" role="img" aria-labelledby="figure-title figure-desc"><title id="figure-title">{title}</title><desc id="figure-desc">{covers}. {desc} {source}</desc><rect width="{W}" height="{h}" fill="#fff"/><text x="12" y="22" font-family="sans-serif" font-size="16" font-weight="bold" fill="#1f2328">{title}</text><text x="12" y="42" font-family="sans-serif" font-size="12" fill="#57606a">{covers}</text><g transform="translate(0,{HEAD})">{inner}</g>"##,
        title = escape(words.title),
        covers = escape(words.covers),
        desc = escape(words.desc),
        source = escape(words.source),
    );
    // The legend uses the chart's own classes, so its swatches are the chart's colours.
    let y = HEAD + CHART_H + 16.0;
    let mut x = 40.0;
    for (label, class) in words.legend.iter().zip(["bar", "bar outage", "band"]) {
        let _ = write!(
            svg,
            r##"<rect class="{class}" x="{x}" y="{sy}" width="12" height="12"/><text x="{tx}" y="{ty}" font-family="sans-serif" font-size="12" fill="#1f2328">{label}</text>"##,
            sy = y - 10.0,
            tx = x + 16.0,
            ty = y,
            label = escape(label),
        );
        // Room for the label at about 7 px a character, and a gap.
        x += 16.0 + 7.0 * label.chars().count() as f64 + 24.0;
    }
    let _ = write!(
        svg,
        r##"<text x="12" y="{sy}" font-family="sans-serif" font-size="11" fill="#57606a">{source}</text></svg>"##,
        sy = y + 22.0,
        source = escape(words.source),
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Bar> {
        (0..4)
            .map(|i| Bar {
                start: 1_727_092_800 + i * 900,
                count: 3 * i as u64,
                typical: (i > 0).then_some((2.0, 4.5)),
                in_outage: i == 3,
            })
            .collect()
    }

    #[test]
    fn csv_has_one_row_per_slot_in_utc() {
        let csv = chart_csv(&bars());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[1], "2024-09-23T12:00:00Z,0,,,false");
        assert_eq!(lines[4], "2024-09-23T12:45:00Z,9,2.00,4.50,true");
    }

    #[test]
    fn expected_counts_a_partial_slot_for_its_share() {
        let b = bars();
        let t0 = b[0].start;
        // Slots 1 and 2 whole (2 + 2) and half of slot 3 (1); slot 0 has no normal.
        assert_eq!(expected_between(&b, 900, t0, t0 + 3 * 900 + 450), Some(5.0));
        assert_eq!(expected_between(&b, 900, t0, t0 + 900), None);
        assert_eq!(expected_between(&b, 900, t0 + 9000, t0 + 9900), None);
    }

    #[test]
    fn framed_chart_carries_its_words_escaped() {
        let words = Caption {
            title: "Reports about A&B",
            covers: "24/09 (Europe/Rome) · per 15 minutes",
            desc: "Bars.",
            legend: ["Reports", "Outage", "Normal range"],
            source: "Source: downtally, http://x/s/a",
        };
        let svg = framed_chart(&bars(), &words, Lang::En, chrono_tz::Europe::Rome);
        assert!(svg.starts_with("<svg xmlns=") && svg.ends_with("</text></svg>"));
        assert!(svg.contains(">Reports about A&amp;B</text>"));
        assert!(svg.contains("Europe/Rome") && svg.contains("http://x/s/a"));
        for label in words.legend {
            assert!(svg.contains(&format!(">{label}</text>")), "{label}");
        }
        assert_eq!(
            svg.matches("<svg").count(),
            2,
            "the chart sits inside the frame"
        );
    }
}
