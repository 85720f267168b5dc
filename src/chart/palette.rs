//! The colours of a self-contained chart (light and dark), whose contrasts the tests check.

/// Colours of a chart. The normal range's fill keeps at least 3:1 against the background (WCAG
/// non-text contrast), and the bars at least 3:1 against the range they are drawn over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: &'static str,
    pub text: &'static str,
    pub muted: &'static str,
    pub grid: &'static str,
    pub bar: &'static str,
    pub outage: &'static str,
    pub band: &'static str,
}

/// Light colours: the same as the stylesheet's defaults for charts in pages.
pub const LIGHT: Palette = Palette {
    background: "#ffffff",
    text: "#1f2328",
    muted: "#57606a",
    grid: "#d0d7de",
    bar: "#0a3069",
    outage: "#7d0a1c",
    band: "#6a9a7a",
};

/// Dark colours (GitHub's dark background).
pub const DARK: Palette = Palette {
    background: "#0d1117",
    text: "#e6edf3",
    muted: "#9da7b3",
    grid: "#30363d",
    bar: "#a5d6ff",
    outage: "#ffb3ab",
    band: "#30724a",
};

impl Palette {
    /// The rules of a self-contained chart in these colours.
    pub(super) fn css(&self) -> String {
        format!(
            ".bg{{fill:{bg}}}.chart{{font-family:system-ui,sans-serif}}.chart text{{fill:{muted}}}\
             .chart .legend text,.chart .mark,.chart .head,.chart .sub{{fill:{text}}}.chart .head{{font-weight:600}}\
             .chart .grid{{stroke:{grid}}}.chart .band{{fill:{band}}}.chart .bar{{fill:{bar}}}\
             .chart .bar.outage{{fill:{outage}}}.chart .bar.so-far{{stroke:{bar}}}.chart .hatch{{fill:{bar}}}\
             .chart .now{{stroke:{text};stroke-width:1.5}}.chart .day{{stroke:{muted};stroke-dasharray:4 3}}",
            bg = self.background,
            text = self.text,
            muted = self.muted,
            grid = self.grid,
            bar = self.bar,
            outage = self.outage,
            band = self.band,
        )
    }
}
