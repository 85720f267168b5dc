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
}

impl Theme {
    /// `light` or `dark` (as in `?theme=`).
    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub(super) fn palette(self) -> &'static Palette {
        match self {
            Theme::Light => &LIGHT,
            Theme::Dark => &DARK,
        }
    }
}

impl FromStr for Theme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Theme::parse(s).ok_or_else(|| format!("unknown theme {s:?} (light or dark)"))
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
};

const DARK: Palette = Palette {
    background: "#0d1117",
    text: "#e6edf3",
    land: "#1a2029",
    land_stroke: "#363e48",
    border: "#0d1117",
    inset_frame: "#59636e",
    levels: ["#3a424c", "#5e5020", "#b0701a", "#e8632e", "#ffa08a"],
};

/// The legend column right of the map: a heading and one swatch per level.
pub(super) fn legend(svg: &mut String, x: f64, lang: Lang, palette: &Palette) {
    let _ = write!(
        svg,
        r#"<g class="legend"><text x="{tx}" y="24" font-weight="bold" fill="{text}">{heading}</text><g stroke="{border}" stroke-width=".5">"#,
        tx = x + 8.0,
        text = palette.text,
        heading = escape(&lang.t("heatmap-legend-title")),
        border = palette.border,
    );
    for level in Level::ALL {
        let y = 38.0 + 22.0 * level.index() as f64;
        let _ = write!(
            svg,
            r#"<rect x="{}" y="{y}" width="14" height="14" fill="{}"/>"#,
            x + 8.0,
            palette.levels[level.index()]
        );
    }
    let _ = write!(svg, r#"</g><g fill="{}">"#, palette.text);
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
        assert!("blue".parse::<Theme>().is_err());
        fn luminance(hex: &str) -> f64 {
            let channel = |i: usize| {
                let c = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
                if c <= 0.039_28 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
        }
        let contrast = |a: &str, b: &str| {
            let (la, lb) = (luminance(a), luminance(b));
            (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
        };
        for theme in [Theme::Light, Theme::Dark] {
            let p = theme.palette();
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
