//! The heatmap as SVG, and the table that stands in for it.

use super::LEGEND_W;
use super::legend::{Level, Theme, dark_style, legend, level_fill, pattern_defs};
use super::view::{MapView, Shape};
use crate::i18n::{Arg, Lang};
use crate::regions::RegionCatalog;
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

/// The reports of a service's countries in the window, for the lines beside the map: so that a map
/// of Europe never reads "no reports" while the reports come from the United States, or carry no
/// region at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    /// The service's countries, most reports first (catalog order, main country first, among
    /// equals).
    pub countries: Vec<CountryTotal>,
    /// Reports of the window without a region.
    pub unlocated: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CountryTotal {
    /// ISO 3166-1 alpha-2.
    pub code: String,
    pub count: u64,
    /// Its regions are drawn on this map.
    pub on_map: bool,
}

impl Totals {
    /// `activity` covers the regions of `countries` (drawn or not); `all` is every report of the
    /// same window, so that those without a region are the rest.
    pub fn new(
        countries: &[String],
        view: &MapView,
        activity: &[RegionActivity],
        regions: &RegionCatalog,
        all: u64,
    ) -> Totals {
        let mut out: Vec<CountryTotal> = Vec::new();
        for code in countries {
            if out.iter().any(|c| &c.code == code) {
                continue;
            }
            let count = activity
                .iter()
                .filter(|a| regions.get(&a.id).is_some_and(|r| &r.country == code))
                .map(|a| a.count)
                .sum();
            out.push(CountryTotal {
                code: code.clone(),
                count,
                on_map: view.shapes.iter().any(|s| &s.country == code),
            });
        }
        let located: u64 = out.iter().map(|c| c.count).sum();
        out.sort_by_key(|c| std::cmp::Reverse(c.count));
        Totals {
            countries: out,
            unlocated: all.saturating_sub(located),
        }
    }

    /// Worth listing: several countries, or reports the map cannot show.
    fn shown(&self) -> bool {
        self.countries.len() > 1
            || self.unlocated > 0
            || self.countries.iter().any(|c| !c.on_map && c.count > 0)
    }

    /// The same as one line of text, for a caption under the map where the SVG's legend column is
    /// too small to read (a phone): "Reports by country: United States: 312* · Italy: 5 · No region
    /// given: 83 · * not on this map"; `None` when not worth showing.
    pub fn summary(&self, lang: Lang) -> Option<String> {
        let lines = self.lines(lang);
        let (heading, rest) = lines.split_first()?;
        let rest: Vec<&str> = rest.iter().map(|l| l.0.as_str()).collect();
        Some(format!("{}: {}", heading.0, rest.join(" · ")))
    }

    /// The lines under the legend: (text, bold).
    fn lines(&self, lang: Lang) -> Vec<(String, bool)> {
        if !self.shown() {
            return Vec::new();
        }
        let mut lines = vec![(lang.t("heatmap-by-country"), true)];
        for c in &self.countries {
            let mark = if c.on_map { "" } else { "*" };
            lines.push((
                format!("{}: {}{mark}", lang.country(&c.code), lang.integer(c.count)),
                false,
            ));
        }
        if self.unlocated > 0 {
            lines.push((
                format!(
                    "{}: {}",
                    lang.t("heatmap-no-region"),
                    lang.integer(self.unlocated)
                ),
                false,
            ));
        }
        if self.countries.iter().any(|c| !c.on_map) {
            lines.push((lang.t("heatmap-off-map"), false));
        }
        lines
    }
}

/// Line height of the totals under the legend.
const TOTALS_LINE: f64 = 16.0;

/// [`heatmap_svg_with`] without totals.
pub fn heatmap_svg(
    view: &MapView,
    activity: &[RegionActivity],
    lang: Lang,
    theme: Theme,
    title: &str,
    desc: &str,
) -> String {
    heatmap_svg_with(view, activity, &Totals::default(), lang, theme, title, desc)
}

/// The heatmap: `title` and `desc` first (for `aria-labelledby`), one `<path>` per region of the
/// view grouped by level (`<g class="l0">` … `l4`, fill set on the group; "normal" and "well above"
/// patterned), each with a `<title>` "Region: N reports" in `lang` (English names on English pages,
/// else local ones), a legend, and under it the reports by country when `totals` are worth showing.
/// Self-contained (no external CSS, fonts or images); deterministic. An `Auto` theme carries the
/// dark palette in a media query.
pub fn heatmap_svg_with(
    view: &MapView,
    activity: &[RegionActivity],
    totals: &Totals,
    lang: Lang,
    theme: Theme,
    title: &str,
    desc: &str,
) -> String {
    let palette = theme.palette();
    let counts = activity_map(activity);
    let lines = totals.lines(lang);
    let totals_top = view.column_bottom() + TOTALS_LINE;
    let (w, h) = view.size();
    let h = if lines.is_empty() {
        h
    } else {
        h.max((totals_top + TOTALS_LINE * lines.len() as f64).ceil())
    };
    let mut svg = String::with_capacity(24 * 1024);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="heatmap-title heatmap-desc" font-family="system-ui,-apple-system,'Segoe UI',Roboto,sans-serif" font-size="12"><title id="heatmap-title">{}</title><desc id="heatmap-desc">{}</desc><defs>"##,
        escape(title),
        escape(desc),
    );
    pattern_defs(&mut svg, palette, "");
    if theme == Theme::Auto {
        pattern_defs(&mut svg, Theme::Dark.palette(), "d");
    }
    svg.push_str("</defs>");
    if theme == Theme::Auto {
        dark_style(&mut svg);
    }
    let _ = write!(
        svg,
        r#"<rect class="hm-bg" width="{w}" height="{h}" fill="{}"/>"#,
        palette.background
    );
    if !view.background.is_empty() {
        let _ = write!(
            svg,
            r#"<path class="hm-land" fill="{}" stroke="{}" stroke-width=".5" stroke-linejoin="round" d="{}"/>"#,
            palette.land, palette.land_stroke, view.background
        );
    }
    // The legend's column, covering what the clipped background leaves past the map's edge.
    let _ = write!(
        svg,
        r#"<rect class="hm-bg" x="{}" width="{LEGEND_W}" height="{h}" fill="{}"/>"#,
        view.map_w, palette.background
    );
    if !view.insets.is_empty() {
        let _ = write!(
            svg,
            r#"<g class="hm-inset" fill="none" stroke="{}">"#,
            palette.inset_frame
        );
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
        r#"<g class="hm-border" stroke="{}" stroke-width=".5" stroke-linejoin="round">"#,
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
            level_fill(level, palette, false)
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
    if !lines.is_empty() {
        let _ = write!(svg, r#"<g class="hm-text" fill="{}">"#, palette.text);
        for (i, (text, bold)) in lines.iter().enumerate() {
            let _ = write!(
                svg,
                r#"<text x="{}" y="{:.0}"{}>{}</text>"#,
                view.map_w + 8.0,
                totals_top + TOTALS_LINE * i as f64,
                if *bold { r#" font-weight="bold""# } else { "" },
                escape(text)
            );
        }
        svg.push_str("</g>");
    }
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
    /// The typical count with one decimal and the language's grouping ("0.4", "2,5", "1,234.0").
    pub typical_text: String,
    pub level: Level,
    pub level_label: String,
}

impl HeatRow {
    /// A row for region `id`, named `name` in the visitor's language.
    pub fn new(id: &str, name: &str, count: u64, baseline: f64, lang: Lang) -> HeatRow {
        let level = Level::of(count, baseline);
        HeatRow {
            id: id.to_owned(),
            name: name.to_owned(),
            count,
            count_text: lang.integer(count),
            // One decimal throughout the column (0,4 / 12,4 / 1.234,0), grouped.
            typical_text: lang.decimal(baseline, 1),
            level,
            level_label: level.label(lang),
        }
    }
}

/// The map as a table: the view's regions with at least one report, most reports first (then by
/// name).
pub fn heat_table(view: &MapView, activity: &[RegionActivity], lang: Lang) -> Vec<HeatRow> {
    let mut rows = view_rows(view, activity, lang);
    sort_rows(&mut rows);
    rows
}

/// [`heat_table`], and the regions of `activity` the map does not draw (a service's US states on a
/// map of Europe), named from `regions`.
pub fn heat_table_all(
    view: &MapView,
    activity: &[RegionActivity],
    regions: &RegionCatalog,
    lang: Lang,
) -> Vec<HeatRow> {
    let mut rows = view_rows(view, activity, lang);
    let drawn: std::collections::HashSet<&str> = view.region_ids().collect();
    for (id, (count, baseline)) in activity_map(activity) {
        if count == 0 || drawn.contains(id) {
            continue;
        }
        if let Some(r) = regions.get(id) {
            let name = lang.place_name(&r.name, &r.name_local);
            rows.push(HeatRow::new(id, name, count, baseline, lang));
        }
    }
    sort_rows(&mut rows);
    rows
}

fn view_rows(view: &MapView, activity: &[RegionActivity], lang: Lang) -> Vec<HeatRow> {
    let counts = activity_map(activity);
    view.shapes
        .iter()
        .filter_map(|shape| {
            let (count, baseline) = counts.get(shape.id.as_str()).copied()?;
            (count > 0)
                .then(|| HeatRow::new(&shape.id, shape.display_name(lang), count, baseline, lang))
        })
        .collect()
}

/// Most reports first, then by name and id.
fn sort_rows(rows: &mut [HeatRow]) {
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
}
