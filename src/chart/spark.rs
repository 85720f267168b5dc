//! Sparklines: a small chart of hourly counts over their normal, for lists.

use crate::detect::Normal;
use crate::xml::escape;
use std::fmt::Write;

/// How far above the highest normal a sparkline's scale reaches: four times, so a doubling still
/// shows in proportion and anything beyond clearly leaves the range.
const SPIKE_HEADROOM: f64 = 4.0;

/// A small chart of hourly counts (oldest first, complete hours only), each over its own normal
/// range, for lists, with a `<title>` saying what it shows. The scale reaches at most
/// [`SPIKE_HEADROOM`] times the highest normal: an outage's spike runs off the top (that it does
/// is the news) instead of flattening the day's normal range to a sliver under a pixel, where the
/// reader could no longer see that the rest of the day was ordinary.
pub fn sparkline(points: &[(u64, Option<Normal>)], title: &str) -> String {
    let (w, h) = (96.0, 24.0);
    let highest_normal = points
        .iter()
        .filter_map(|(_, n)| n.map(|n| n.high))
        .fold(0.0, f64::max);
    let mut max = points
        .iter()
        .map(|(c, n)| (*c as f64).max(n.map_or(0.0, |n| n.high)))
        .fold(1.0, f64::max);
    if highest_normal > 0.0 {
        max = max.min(SPIKE_HEADROOM * highest_normal).max(1.0);
    }
    let n = points.len().max(2) as f64 - 1.0;
    let x = |i: usize| i as f64 * w / n;
    let y = |v: f64| h - 1.0 - (h - 2.0) * v.min(max) / max;
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
