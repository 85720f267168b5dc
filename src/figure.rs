//! A chart's own numbers as downloads and sentences read them: the reports expected over a span,
//! and the CSV of the chart. Pure: bars in, numbers and text out. The chart as
//! a self-describing image is `chart::standalone_chart`.

use crate::chart::Bar;
use std::fmt::Write;

/// The reports expected in `[from, to)` from the bars' normals (the detector's expectation, which
/// the chart shades and the monitor judges by), a bar partly inside counting for its share; `None`
/// when no bar in the span has a normal.
pub fn expected_between(bars: &[Bar], from: i64, to: i64) -> Option<f64> {
    let mut known = false;
    let mut sum = 0.0;
    for bar in bars {
        let overlap = (bar.start + bar.len).min(to) - bar.start.max(from);
        if overlap <= 0 {
            continue;
        }
        if let Some(n) = bar.normal {
            known = true;
            sum += n.expected * overlap as f64 / bar.len as f64;
        }
    }
    known.then_some(sum)
}

/// The CSV header: what each column holds. The same columns as the series API's CSV
/// (`web/api_series.rs`), so a chart's download and the API read alike in a spreadsheet.
pub const CSV_HEADER: &str = "time,count,expected,low,high,in_outage";

/// The chart's numbers, one row per slot: its start (RFC 3339, UTC), the reports counted, the
/// expected count and the normal range (empty when unknown, two decimals), and whether an outage
/// covers it.
pub fn chart_csv(bars: &[Bar]) -> String {
    let mut out = String::with_capacity(64 * (bars.len() + 1));
    out.push_str(CSV_HEADER);
    out.push_str("\r\n");
    for bar in bars {
        let (expected, low, high) = bar
            .normal
            .map(|n| {
                (
                    format!("{:.2}", n.expected),
                    format!("{:.2}", n.low),
                    format!("{:.2}", n.high),
                )
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "{},{},{expected},{low},{high},{}\r\n",
            crate::clock::rfc3339(bar.start),
            bar.count,
            bar.in_outage
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Bar> {
        (0..4)
            .map(|i| Bar {
                start: 1_727_092_800 + i * 900,
                count: 3 * i as u64,
                len: 900,
                normal: (i > 0).then_some(crate::detect::Normal {
                    expected: 2.0,
                    low: 2.0,
                    high: 4.5,
                    alpha: 0.0,
                }),
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
        assert_eq!(lines[1], "2024-09-23T12:00:00Z,0,,,,false");
        assert_eq!(lines[4], "2024-09-23T12:45:00Z,9,2.00,2.00,4.50,true");
    }

    #[test]
    fn expected_counts_a_partial_slot_for_its_share() {
        let b = bars();
        let t0 = b[0].start;
        // Slots 1 and 2 whole (2 + 2) and half of slot 3 (1); slot 0 has no normal.
        assert_eq!(expected_between(&b, t0, t0 + 3 * 900 + 450), Some(5.0));
        assert_eq!(expected_between(&b, t0, t0 + 900), None);
        assert_eq!(expected_between(&b, t0 + 9000, t0 + 9900), None);
    }
}
