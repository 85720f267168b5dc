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

mod draw;
mod palette;
mod spark;
#[cfg(test)]
mod tests;

pub use palette::{DARK, LIGHT, Palette};
pub use spark::sparkline;

use crate::detect::Normal;
use crate::i18n::Lang;
use chrono_tz::Tz;
use draw::draw;

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
