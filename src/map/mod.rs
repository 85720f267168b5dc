//! The region heatmap: an SVG map of a service's countries, each region filled by how its reports
//! in a window compare with the typical count for that window, with a legend, a `<title>` per
//! region and a text alternative ([`heat_table`]). Pure: regions and numbers in, markup out.
//!
//! Two steps:
//! 1. [`MapView::for_countries`] projects and simplifies the geometry of one set of countries once
//!    (milliseconds to tens of milliseconds); [`MapViews`] caches the views by country set.
//! 2. [`heatmap_svg`] writes the SVG for a view, the counts, a language and a theme (string
//!    building only).
//!
//! **Views.** A service in at most [`MAX_FITTED_COUNTRIES`] countries, all European or only the
//! US, gets a map fitted to its countries; any other ("international") service gets the whole of
//! Europe with its European countries' regions drawn (US regions are drawn only for a US-only
//! service). Covered countries without data inside the frame are drawn as a pale background.
//! The projection is Lambert azimuthal equal-area centred on the frame. The frame is fitted to each
//! country's main body: polygon parts farther than [`NEAR_KM`] (or a tenth of the main body's
//! size, when larger) from the bounding box of the country's largest polygon do not count
//! (Canaries, Azores, Madeira, Alaska, Hawaii). A region lying wholly outside the frame is drawn in
//! an inset under the legend, at the map's scale or smaller, so every region of the service's
//! countries appears exactly once.
//!
//! **Geometry.** Neighbouring regions share their border vertices (`data/geo/README.md`), so borders
//! are cut into arcs between junctions and each arc is simplified the same way for both of its
//! sides (Douglas–Peucker after projection): neighbours keep meeting exactly, without gaps or
//! overlaps. Coordinates are then rounded to whole pixels, written as relative path commands, and
//! rings smaller than [`MIN_RING_AREA_PX`] are dropped (a region left with nothing is drawn as a
//! 3-pixel square so that it can still be seen and hovered). The tolerance is the finest of
//! [`TOLERANCES_PX`] (0.7 px first) that keeps the SVG under [`SVG_BUDGET_BYTES`] with any counts
//! in any language, given a title and description of up to [`TEXT_ALLOWANCE`] bytes.
//!
//! **Levels** (see [`Level::of`]): no reports; at or below typical; then by the ratio
//! (count + 1) / (typical + 1), which stays meaningful for sparse counts (1 report where 0.2 are
//! typical is "above normal", not "5 times normal").
//!
//! The parts: `view.rs` (the geometry of a set of countries, and the views kept), `projection.rs`
//! (fitting the frame), `topology.rs` (shared borders, simplification, path data), `legend.rs`
//! (levels, themes, the legend column) and `draw.rs` (the SVG and the table that stands in for it).

mod draw;
mod legend;
mod projection;
mod topology;
mod view;

#[cfg(test)]
mod tests;

pub use draw::{
    CountryTotal, HeatRow, RegionActivity, Totals, heat_table, heat_table_all, heatmap_svg,
    heatmap_svg_with,
};
pub use legend::{Level, Theme, legend_html};
pub use view::{MapView, MapViews};

/// Ratio (count + 1) / (typical + 1) from which a region is "above normal".
pub const ABOVE_RATIO: f64 = 1.5;
/// Ratio from which a region is "well above normal".
pub const WELL_ABOVE_RATIO: f64 = 3.0;
/// Ratio from which a region is "far above normal".
pub const FAR_ABOVE_RATIO: f64 = 6.0;

/// A service in more countries than this gets the whole-continent view.
pub const MAX_FITTED_COUNTRIES: usize = 4;

/// The map area fits in a square of this many pixels (SVG user units), keeping its aspect.
pub const MAP_SIZE_PX: f64 = 600.0;
/// Douglas–Peucker tolerances tried for the service's regions, in pixels of the output, finest
/// first: the first whose paths leave the SVG under [`SVG_BUDGET_BYTES`] is kept.
pub const TOLERANCES_PX: [f64; 6] = [0.7, 1.0, 1.4, 2.0, 2.8, 4.0];
/// Background countries are simplified this many times more coarsely.
pub const BACKGROUND_TOLERANCE_FACTOR: f64 = 2.0;
/// Rings (islands, holes) of the service's regions smaller than this, in square pixels after
/// rounding, are dropped.
pub const MIN_RING_AREA_PX: f64 = 1.0;
/// The same for background countries.
pub const MIN_BACKGROUND_RING_AREA_PX: f64 = 6.0;
/// Bytes an SVG may take: the embed page wrapping it stays under 30 KB.
pub const SVG_BUDGET_BYTES: usize = 22 * 1024;
/// Parts of a country at most this far from its main body count when fitting the frame.
pub const NEAR_KM: f64 = 300.0;
/// Title and description lengths the budget allows for.
pub const TEXT_ALLOWANCE: usize = 400;

/// Margin around the fitted frame inside the map area.
const PAD: f64 = 8.0;
/// Width of the legend column, right of the map.
const LEGEND_W: f64 = 190.0;
/// Height the legend needs.
const LEGEND_H: f64 = 150.0;
/// An inset (a region far from the rest, drawn under the legend) fits in this box.
const INSET_MAX_W: f64 = LEGEND_W - 16.0;
const INSET_MAX_H: f64 = 140.0;
const INSET_PAD: f64 = 4.0;
const INSET_GAP: f64 = 8.0;
/// Parts of an inset's region far from its main body are drawn when at least this share of its
/// largest part's area.
const INSET_KEEP_SHARE: f64 = 0.005;
const KM_PER_DEGREE: f64 = 111.2;
