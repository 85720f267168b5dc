//! What the fuzz targets share: the embedded region catalog (built once per process), the
//! invariants every accepted report and comment must hold, and the report form as the page handler
//! reads it.

pub mod app;

use downtally::domain::{Comment, CommenterName, MAX_COMMENT_CHARS, MAX_NAME_CHARS};
use downtally::intake::{ReportInput, ValidReport, validate};
use downtally::regions::RegionCatalog;
use std::sync::OnceLock;

/// Inputs longer than this are skipped by the targets whose cost grows with the input (replay):
/// libFuzzer's own limit (`-max_len`) is set by scripts/fuzz, this is a second guard.
pub const MAX_INPUT: usize = 64 * 1024;

/// The catalog compiled into the binary, parsed once (it takes a while: thousands of outlines).
pub fn regions() -> &'static RegionCatalog {
    static REGIONS: OnceLock<RegionCatalog> = OnceLock::new();
    REGIONS.get_or_init(|| RegionCatalog::embedded().expect("the embedded region catalog loads"))
}

/// Bidirectional controls (embeddings, overrides, isolates, marks), written out here rather than
/// taken from the code under test.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// What a stored comment may contain: no control character but `\n`, no bidirectional control, at
/// most [`MAX_COMMENT_CHARS`] characters, non-empty, trimmed.
pub fn check_comment_text(text: &str) {
    assert!(!text.is_empty(), "empty comment kept");
    assert_eq!(text, text.trim(), "comment not trimmed: {text:?}");
    assert!(
        text.chars().count() <= MAX_COMMENT_CHARS,
        "comment of {} characters",
        text.chars().count()
    );
    assert!(
        text.chars()
            .all(|c| c == '\n' || !(c.is_control() || is_bidi(c))),
        "control character in {text:?}"
    );
}

/// A commenter's name: one line, no control character, at most [`MAX_NAME_CHARS`], trimmed.
pub fn check_name_text(text: &str) {
    assert!(!text.is_empty(), "empty name kept");
    assert_eq!(text, text.trim(), "name not trimmed: {text:?}");
    assert!(text.chars().count() <= MAX_NAME_CHARS);
    assert!(
        !text.chars().any(|c| c.is_control() || is_bidi(c)),
        "control character in {text:?}"
    );
}

/// Parses a comment and a name and checks what they keep.
pub fn check_comment(raw: &str) {
    match Comment::parse(raw) {
        Ok(Some(c)) => check_comment_text(c.as_str()),
        Ok(None) => assert!(
            raw.chars()
                .all(|c| c.is_whitespace() || c.is_control() || is_bidi(c)),
            "non-blank comment {raw:?} read as blank"
        ),
        Err(_) => assert!(
            raw.chars().count() > MAX_COMMENT_CHARS,
            "{raw:?} refused as too long"
        ),
    }
    match CommenterName::parse(raw) {
        Ok(Some(n)) => check_name_text(n.as_str()),
        Ok(None) => {}
        Err(_) => assert!(raw.chars().count() > MAX_NAME_CHARS),
    }
}

/// Validates a report against the embedded catalog and checks what validation promises.
pub fn check_report(input: &ReportInput) -> Option<ValidReport> {
    let catalog = regions();
    let valid = validate(input, catalog).ok()?;
    if let Some(region) = &valid.region {
        assert!(
            catalog.is_known(region.as_str()),
            "unknown region {region:?} accepted"
        );
    }
    if let Some(c) = &valid.coordinates {
        assert!((-90.0..=90.0).contains(&c.lat()), "latitude {}", c.lat());
        assert!((-180.0..=180.0).contains(&c.lon()), "longitude {}", c.lon());
    }
    if let Some(comment) = &valid.comment {
        check_comment_text(comment.as_str());
    }
    assert_eq!(
        valid.problem.code(),
        input.problem.trim(),
        "problem code changed"
    );
    Some(valid)
}

/// The report form as `POST /s/{slug}/report` reads it (src/web: `ReportForm` and
/// `optional_number`), kept field for field: fields arrive as strings, empty ones mean "not given".
#[derive(Debug, serde::Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub problem: String,
    pub region: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub comment: Option<String>,
}

fn optional_number(value: Option<String>) -> Result<Option<f64>, ()> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse::<f64>().map(Some).map_err(|_| ()),
    }
}

impl ReportForm {
    /// The report the handler submits, or `None` where it answers 422 for a field that is no number.
    pub fn into_input(self) -> Option<ReportInput> {
        Some(ReportInput {
            problem: self.problem,
            region: self.region,
            lat: optional_number(self.lat).ok()?,
            lon: optional_number(self.lon).ok()?,
            comment: self.comment,
        })
    }
}
