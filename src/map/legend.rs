//! What the colours say: the levels a region's reports are put in, the two themes' palettes, and
//! the legend column that names them.

use super::{ABOVE_RATIO, FAR_ABOVE_RATIO, WELL_ABOVE_RATIO};
use crate::i18n::Lang;
use crate::xml::escape;
use std::fmt::Write;
use std::str::FromStr;

/// How a region's reports compare with its typical count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// No reports.
    None,
    /// At most typical, or above it by less than [`ABOVE_RATIO`].
    Normal,
    Above,
    WellAbove,
    FarAbove,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::None,
        Level::Normal,
        Level::Above,
        Level::WellAbove,
        Level::FarAbove,
    ];

    /// The level of `count` reports where `baseline` are typical (a negative or non-finite
    /// baseline counts as 0).
    pub fn of(count: u64, baseline: f64) -> Level {
        let baseline = if baseline.is_finite() {
            baseline.max(0.0)
        } else {
            0.0
        };
        if count == 0 {
            return Level::None;
        }
        let count = count as f64;
        if count <= baseline {
            return Level::Normal;
        }
        let ratio = (count + 1.0) / (baseline + 1.0);
        if ratio >= FAR_ABOVE_RATIO {
            Level::FarAbove
        } else if ratio >= WELL_ABOVE_RATIO {
            Level::WellAbove
        } else if ratio >= ABOVE_RATIO {
            Level::Above
        } else {
            Level::Normal
        }
    }

    /// 0 (no reports) to 4 (far above normal).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The CSS class of the group of regions at this level: `l0` … `l4`.
    pub fn class(self) -> &'static str {
        ["l0", "l1", "l2", "l3", "l4"][self.index()]
    }

    /// The Fluent key of the level's label.
    pub fn key(self) -> &'static str {
        match self {
            Level::None => "heatmap-level-none",
            Level::Normal => "heatmap-level-normal",
            Level::Above => "heatmap-level-above",
            Level::WellAbove => "heatmap-level-well-above",
            Level::FarAbove => "heatmap-level-far-above",
        }
    }

    /// The level's label in `lang` ("Well above normal").
    pub fn label(self, lang: Lang) -> String {
        lang.t(self.key())
    }
}

/// Colours of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
    /// Light, and dark when the reader's system asks for it (`prefers-color-scheme`): the map
    /// carries both palettes, the dark one in a `<style>` media query (the service page's map).
    Auto,
}

impl Theme {
    /// `light`, `dark` or `auto` (as in `?theme=`).
    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            "auto" => Some(Theme::Auto),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }

    /// The palette written into the SVG's attributes (`Auto`: the light one; the dark one comes
    /// from [`dark_style`]).
    pub(super) fn palette(self) -> &'static Palette {
        match self {
            Theme::Light | Theme::Auto => &LIGHT,
            Theme::Dark => &DARK,
        }
    }
}

impl FromStr for Theme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Theme::parse(s).ok_or_else(|| format!("unknown theme {s:?} (light, dark or auto)"))
    }
}

pub(super) struct Palette {
    pub(super) background: &'static str,
    pub(super) text: &'static str,
    /// Covered countries without data.
    pub(super) land: &'static str,
    pub(super) land_stroke: &'static str,
    /// Region borders.
    pub(super) border: &'static str,
    pub(super) inset_frame: &'static str,
    /// By [`Level::index`]: neutral, then a sequential scale.
    pub(super) levels: [&'static str; 5],
    /// The marks of the levels drawn with a pattern ([`PATTERNED`]) over their colour.
    pub(super) marks: [&'static str; 5],
}

/// Levels drawn with a pattern over their colour, so that every two adjacent levels differ by more
/// than colour where their colours are closer than 3:1 (WCAG 1.4.11): "normal" dotted, "well
/// above normal" hatched. Every pair of neighbours has one of them patterned.
pub(super) const PATTERNED: [bool; 5] = [false, true, false, true, false];

/// The fill of a level: its colour, or its pattern (`url(#…)`; ids suffixed `d` in the dark
/// palette of an `Auto` map).
pub(super) fn level_fill(level: Level, palette: &Palette, dark_of_auto: bool) -> String {
    if PATTERNED[level.index()] {
        format!(
            "url(#hm-{}{})",
            level.class(),
            if dark_of_auto { "d" } else { "" }
        )
    } else {
        palette.levels[level.index()].to_owned()
    }
}

/// `<pattern>` definitions of the patterned levels of `palette`.
pub(super) fn pattern_defs(svg: &mut String, palette: &Palette, suffix: &str) {
    for level in Level::ALL {
        let i = level.index();
        if !PATTERNED[i] {
            continue;
        }
        let (base, mark, class) = (palette.levels[i], palette.marks[i], level.class());
        let marks = if level == Level::Normal {
            format!(r#"<circle cx="3" cy="3" r="1.1" fill="{mark}"/>"#)
        } else {
            // Lines, not a path: a path's data would read as a region's to whoever counts them.
            format!(
                r#"<g stroke="{mark}" stroke-width="1.3"><line x1="-1" y1="1" x2="1" y2="-1"/><line x1="0" y1="6" x2="6" y2="0"/><line x1="5" y1="7" x2="7" y2="5"/></g>"#
            )
        };
        let _ = write!(
            svg,
            r#"<pattern id="hm-{class}{suffix}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="{base}"/>{marks}</pattern>"#
        );
    }
}

/// For an `Auto` map: the dark palette, applied when the reader's system prefers dark (CSS beats
/// the light palette's presentation attributes). Scoped to `.heatmap`: inline on a page, the rules
/// reach the whole document.
pub(super) fn dark_style(svg: &mut String) {
    let p = &DARK;
    let _ = write!(
        svg,
        "<style>@media (prefers-color-scheme:dark){{.heatmap .hm-bg{{fill:{bg}}}.heatmap .hm-land{{fill:{land};stroke:{land_stroke}}}.heatmap .hm-border{{stroke:{border}}}.heatmap .hm-inset{{stroke:{inset}}}.heatmap .hm-text{{fill:{text}}}",
        bg = p.background,
        land = p.land,
        land_stroke = p.land_stroke,
        border = p.border,
        inset = p.inset_frame,
        text = p.text,
    );
    for level in Level::ALL {
        let _ = write!(
            svg,
            ".heatmap .{}{{fill:{}}}",
            level.class(),
            level_fill(level, p, true)
        );
    }
    svg.push_str("}</style>");
}

// Legend text on the background is about 16:1 in both themes (WCAG AA asks 4.5:1). Region borders
// keep at least 1.6:1 against every fill (a mid grey in the light theme, whose fills avoid its
// luminance; the background colour in the dark theme, whose fills get brighter with the level).
// Sequential palettes in the yellow-orange-red family (after ColorBrewer YlOrRd).
const LIGHT: Palette = Palette {
    background: "#ffffff",
    text: "#1f2328",
    land: "#f1f3f5",
    land_stroke: "#c3c9d0",
    border: "#8c959f",
    inset_frame: "#9aa3ad",
    levels: ["#cfd5dc", "#fde9a9", "#fdb24f", "#c2341b", "#7a0c1c"],
    marks: ["", "#8a6d00", "", "#ffd0c2", ""],
};

const DARK: Palette = Palette {
    background: "#0d1117",
    text: "#e6edf3",
    land: "#1a2029",
    land_stroke: "#363e48",
    border: "#0d1117",
    inset_frame: "#59636e",
    levels: ["#3a424c", "#5e5020", "#b0701a", "#e8632e", "#ffa08a"],
    marks: ["", "#e8d48a", "", "#3a0a00", ""],
};

/// The legend column right of the map: a heading and one swatch per level (classed by level, so
/// that an `Auto` map's dark style reaches them).
pub(super) fn legend(svg: &mut String, x: f64, lang: Lang, palette: &Palette) {
    let _ = write!(
        svg,
        r#"<g class="legend"><text class="hm-text" x="{tx}" y="24" font-weight="bold" fill="{text}">{heading}</text><g class="hm-border" stroke="{border}" stroke-width=".5">"#,
        tx = x + 8.0,
        text = palette.text,
        heading = escape(&lang.t("heatmap-legend-title")),
        border = palette.border,
    );
    for level in Level::ALL {
        let y = 38.0 + 22.0 * level.index() as f64;
        let _ = write!(
            svg,
            r#"<rect class="{}" x="{}" y="{y}" width="14" height="14" fill="{}"/>"#,
            level.class(),
            x + 8.0,
            level_fill(level, palette, false)
        );
    }
    let _ = write!(svg, r#"</g><g class="hm-text" fill="{}">"#, palette.text);
    for level in Level::ALL {
        let y = 38.0 + 22.0 * level.index() as f64 + 11.5;
        let _ = write!(
            svg,
            r#"<text x="{}" y="{y}">{}</text>"#,
            x + 28.0,
            escape(&level.label(lang))
        );
    }
    svg.push_str("</g></g>");
}

/// The legend as HTML, for a page that shows the map inline: on a phone the SVG's own legend is
/// scaled down to a few pixels, so the page shows this one instead (its CSS decides when). Each
/// swatch is a small SVG of class `heatmap` filled like the map's regions: the patterns are the
/// inline map's (`url(#hm-…)`, same document), and an `Auto` map's dark style reaches them too.
pub fn legend_html(lang: Lang, theme: Theme) -> String {
    let palette = theme.palette();
    let mut html = format!(
        r#"<div class="map-legend"><p>{}</p><ul>"#,
        escape(&lang.t("heatmap-legend-title"))
    );
    for level in Level::ALL {
        let _ = write!(
            html,
            r#"<li><svg class="heatmap swatch" width="14" height="14" aria-hidden="true"><rect class="{class}" width="14" height="14" fill="{fill}" stroke="{border}" stroke-width="1"/></svg> {label}</li>"#,
            class = level.class(),
            fill = level_fill(level, palette, false),
            border = palette.border,
            label = escape(&level.label(lang)),
        );
    }
    html.push_str("</ul></div>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Arg, MISSING};

    #[test]
    fn levels_compare_count_with_typical_for_sparse_counts() {
        assert_eq!(Level::of(0, 0.0), Level::None);
        assert_eq!(Level::of(0, 25.0), Level::None);
        assert_eq!(Level::of(3, 3.0), Level::Normal);
        assert_eq!(Level::of(12, 10.0), Level::Normal, "13/11 < 1.5");
        assert_eq!(Level::of(16, 10.0), Level::Above, "17/11 >= 1.5");
        assert_eq!(Level::of(1, 0.0), Level::Above, "2/1");
        assert_eq!(Level::of(1, 0.2), Level::Above, "2/1.2");
        assert_eq!(Level::of(2, 0.0), Level::WellAbove, "3/1");
        assert_eq!(Level::of(5, 0.0), Level::FarAbove, "6/1");
        assert_eq!(Level::of(32, 10.0), Level::WellAbove, "33/11 = 3");
        assert_eq!(Level::of(65, 10.0), Level::FarAbove, "66/11 = 6");
        assert_eq!(Level::of(64, 10.0), Level::WellAbove);
        assert_eq!(Level::of(1, f64::NAN), Level::Above);
        assert_eq!(Level::of(1, -4.0), Level::Above);
        assert_eq!(Level::of(1_000_000, f64::INFINITY), Level::FarAbove);
    }

    #[test]
    fn themes_parse_and_legend_text_passes_wcag_aa() {
        assert_eq!(Theme::parse("light"), Some(Theme::Light));
        assert_eq!("dark".parse::<Theme>(), Ok(Theme::Dark));
        assert_eq!(Theme::parse("Dark"), None);
        assert_eq!(Theme::parse("auto"), Some(Theme::Auto));
        assert!("blue".parse::<Theme>().is_err());
        use crate::colour::contrast;
        for theme in [Theme::Light, Theme::Dark] {
            let p = theme.palette();
            for (i, &patterned) in PATTERNED.iter().enumerate() {
                assert_eq!(
                    patterned,
                    !p.marks[i].is_empty(),
                    "{theme:?} marks of level {i}"
                );
            }
            assert!(contrast(p.text, p.background) >= 4.5, "{theme:?} text");
            // Borders stand out from every fill; regions without reports from other countries.
            for fill in p.levels {
                assert!(
                    contrast(p.border, fill) >= 1.6,
                    "{theme:?} border on {fill}"
                );
            }
            assert!(
                contrast(p.levels[0], p.land) >= 1.3,
                "{theme:?} neutral vs land"
            );
            // The scale is sequential: each level differs from the previous one.
            for pair in p.levels[1..].windows(2) {
                assert!(contrast(pair[0], pair[1]) >= 1.2, "{theme:?} {pair:?}");
            }
            // Adjacent levels differ by at least 3:1 (WCAG 1.4.11, non-text contrast), or one of
            // the two carries a pattern whose marks stand 3:1 from its own colour.
            for i in 0..4 {
                let (a, b) = (p.levels[i], p.levels[i + 1]);
                let patterned = [i, i + 1]
                    .into_iter()
                    .any(|j| PATTERNED[j] && contrast(p.marks[j], p.levels[j]) >= 3.0);
                assert!(
                    contrast(a, b) >= 3.0 || patterned,
                    "{theme:?}: levels {i} and {} ({a}, {b}) are {:.2}:1 apart with no pattern",
                    i + 1,
                    contrast(a, b)
                );
            }
        }
    }

    #[test]
    fn texts_exist_in_every_language_and_fit_the_legend() {
        for lang in Lang::ALL {
            let heading = lang.t("heatmap-legend-title");
            assert!(
                !heading.contains(MISSING) && heading.chars().count() <= 22,
                "{heading}"
            );
            for level in Level::ALL {
                let label = level.label(lang);
                assert!(!label.contains(MISSING), "{}: {label}", lang.code());
                assert!(
                    label.chars().count() <= 24,
                    "{label} is too long for the legend"
                );
            }
            let title = lang.count("heatmap-region-title", 2, &[("region", Arg::from("R"))]);
            assert!(!title.contains(MISSING) && title.contains('R') && title.contains('2'));
            for key in [
                "heatmap-col-region",
                "heatmap-col-reports",
                "heatmap-col-typical",
                "heatmap-col-level",
            ] {
                assert!(!lang.t(key).contains(MISSING), "{key}");
            }
        }
        assert_eq!(
            Lang::En.count("heatmap-region-title", 1, &[("region", Arg::from("Oslo"))]),
            "Oslo: 1 report"
        );
    }
}
