//! The heatmap as SVG, and the table that stands in for it.

use super::LEGEND_W;
use super::legend::{Level, Theme, legend};
use super::view::{MapView, Shape};
use crate::i18n::{Arg, Lang};
use crate::xml::escape;
use std::collections::HashMap;
use std::fmt::Write;

/// A region's reports in the window, and the typical count for that window.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionActivity {
    pub id: String,
    pub count: u64,
    pub baseline: f64,
}

/// Counts by region id; repeated ids add up; regions not given have 0 reports and 0 typical.
fn activity_map(activity: &[RegionActivity]) -> HashMap<&str, (u64, f64)> {
    let mut map: HashMap<&str, (u64, f64)> = HashMap::with_capacity(activity.len());
    for a in activity {
        let entry = map.entry(a.id.as_str()).or_default();
        entry.0 = entry.0.saturating_add(a.count);
        if a.baseline.is_finite() && a.baseline > 0.0 {
            entry.1 += a.baseline;
        }
    }
    map
}

/// The heatmap: `title` and `desc` first (for `aria-labelledby`), one `<path>` per region of the
/// view grouped by level (`<g class="l0">` … `l4`, fill set on the group), each with a
/// `<title>` "Region: N reports" in `lang` (local region names in their own country's language),
/// and a legend. Self-contained (no external CSS, fonts or images); deterministic.
pub fn heatmap_svg(
    view: &MapView,
    activity: &[RegionActivity],
    lang: Lang,
    theme: Theme,
    title: &str,
    desc: &str,
) -> String {
    let palette = theme.palette();
    let counts = activity_map(activity);
    let (w, h) = view.size();
    let mut svg = String::with_capacity(24 * 1024);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="heatmap-title heatmap-desc" font-family="system-ui,-apple-system,'Segoe UI',Roboto,sans-serif" font-size="12"><title id="heatmap-title">{}</title><desc id="heatmap-desc">{}</desc><rect width="{w}" height="{h}" fill="{}"/>"##,
        escape(title),
        escape(desc),
        palette.background
    );
    if !view.background.is_empty() {
        let _ = write!(
            svg,
            r#"<path fill="{}" stroke="{}" stroke-width=".5" stroke-linejoin="round" d="{}"/>"#,
            palette.land, palette.land_stroke, view.background
        );
    }
    // The legend's column, covering what the clipped background leaves past the map's edge.
    let _ = write!(
        svg,
        r#"<rect x="{}" width="{LEGEND_W}" height="{h}" fill="{}"/>"#,
        view.map_w, palette.background
    );
    if !view.insets.is_empty() {
        let _ = write!(svg, r#"<g fill="none" stroke="{}">"#, palette.inset_frame);
        for &(x, y, iw, ih) in &view.insets {
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
                x - 0.5,
                y - 0.5,
                iw + 1.0,
                ih + 1.0
            );
        }
        svg.push_str("</g>");
    }
    let mut by_level: [Vec<(&Shape, u64)>; 5] = Default::default();
    for shape in &view.shapes {
        let (count, baseline) = counts.get(shape.id.as_str()).copied().unwrap_or_default();
        by_level[Level::of(count, baseline).index()].push((shape, count));
    }
    let _ = write!(
        svg,
        r#"<g stroke="{}" stroke-width=".5" stroke-linejoin="round">"#,
        palette.border
    );
    for level in Level::ALL {
        let shapes = &by_level[level.index()];
        if shapes.is_empty() {
            continue;
        }
        let _ = write!(
            svg,
            r#"<g class="{}" fill="{}">"#,
            level.class(),
            palette.levels[level.index()]
        );
        for &(shape, count) in shapes {
            let title = lang.count(
                "heatmap-region-title",
                count,
                &[("region", Arg::from(shape.display_name(lang)))],
            );
            let _ = write!(
                svg,
                r#"<path d="{}"><title>{}</title></path>"#,
                shape.d,
                escape(&title)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</g>");
    legend(&mut svg, view.map_w, lang, palette);
    svg.push_str("</svg>");
    svg
}

/// A row of the table that stands in for the map.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatRow {
    pub id: String,
    /// In the visitor's language where it is the region's own, else English.
    pub name: String,
    pub count: u64,
    /// `lang.integer(count)`.
    pub count_text: String,
    /// The typical count, one decimal under 10 ("0.4", "2,5"), else whole ("1,234").
    pub typical_text: String,
    pub level: Level,
    pub level_label: String,
}

/// The map as a table: the view's regions with at least one report, most reports first (then by
/// name).
pub fn heat_table(view: &MapView, activity: &[RegionActivity], lang: Lang) -> Vec<HeatRow> {
    let counts = activity_map(activity);
    let mut rows: Vec<HeatRow> = view
        .shapes
        .iter()
        .filter_map(|shape| {
            let (count, baseline) = counts.get(shape.id.as_str()).copied()?;
            (count > 0).then(|| {
                let level = Level::of(count, baseline);
                HeatRow {
                    id: shape.id.clone(),
                    name: shape.display_name(lang).to_owned(),
                    count,
                    count_text: lang.integer(count),
                    typical_text: if baseline < 10.0 {
                        lang.decimal(baseline, 1)
                    } else {
                        lang.integer(baseline.round() as u64)
                    },
                    level,
                    level_label: level.label(lang),
                }
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    rows
}
