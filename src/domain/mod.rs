//! Plain types that are valid by construction: parse, don't validate.

mod location;
mod problem;
mod region;
mod reporter;
mod slug;
mod sql;
mod zone;

pub use location::{Coordinates, LocationError};
pub use problem::{ProblemKind, ReportKind, UnknownProblem};
pub use region::{RegionId, RegionIdError};
pub use reporter::{NetworkKey, ReporterKey};
pub use slug::{ServiceSlug, SlugError};
pub use zone::{country_zone, region_zone};

/// Longest comment a reporter may attach, in characters (not bytes).
pub const MAX_COMMENT_CHARS: usize = 500;
/// Longest name a commenter may sign with.
pub const MAX_NAME_CHARS: usize = 40;

/// Bidirectional controls (embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, the marks
/// U+200E, U+200F and U+061C): in a comment they can make text read in another order than it is
/// stored (a name that spills right-to-left over the page), so they are removed.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Text as people typed it, without control characters (PostgreSQL refuses NUL, and none of them
/// belongs on a page) nor bidirectional controls: line breaks become `\n`, tabs and other controls
/// are dropped.
pub fn clean_text(raw: &str) -> String {
    raw.replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|&c| c == '\n' || !(c.is_control() || is_bidi_control(c)))
        .collect()
}

/// A commenter's chosen name: trimmed, one line, at most [`MAX_NAME_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommenterName(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("name is longer than {MAX_NAME_CHARS} characters")]
pub struct NameTooLong;

impl CommenterName {
    /// `Ok(None)` for an empty or blank name.
    pub fn parse(raw: &str) -> Result<Option<CommenterName>, NameTooLong> {
        let one_line = clean_text(raw).replace('\n', " ");
        let trimmed = one_line.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.chars().count() > MAX_NAME_CHARS {
            return Err(NameTooLong);
        }
        Ok(Some(CommenterName(trimmed.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A free-text comment, trimmed, non-empty and at most [`MAX_COMMENT_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("comment is longer than {MAX_COMMENT_CHARS} characters")]
pub struct CommentTooLong;

impl Comment {
    /// `Ok(None)` for an empty or blank comment.
    pub fn parse(raw: &str) -> Result<Option<Comment>, CommentTooLong> {
        let cleaned = clean_text(raw);
        let trimmed = cleaned.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.chars().count() > MAX_COMMENT_CHARS {
            return Err(CommentTooLong);
        }
        Ok(Some(Comment(trimmed.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_limits_count_characters_not_bytes() {
        let accented = "é".repeat(MAX_COMMENT_CHARS);
        assert!(Comment::parse(&accented).unwrap().is_some());
        assert_eq!(Comment::parse(&format!("{accented}x")), Err(CommentTooLong));
        assert_eq!(Comment::parse("   "), Ok(None));
    }

    #[test]
    fn control_characters_never_reach_storage() {
        let c = Comment::parse("a\u{0}b\r\nc\rd\te\u{7}").unwrap().unwrap();
        assert_eq!(c.as_str(), "ab\nc\nde");
        assert_eq!(Comment::parse("\u{0}\u{1b}"), Ok(None));
        let n = CommenterName::parse("  Ann\nMarie\u{0} ").unwrap().unwrap();
        assert_eq!(n.as_str(), "Ann Marie");
        assert_eq!(CommenterName::parse(" "), Ok(None));
        assert_eq!(CommenterName::parse(&"x".repeat(41)), Err(NameTooLong));
        assert!(CommenterName::parse(&"é".repeat(40)).unwrap().is_some());
    }

    #[test]
    fn bidi_controls_are_removed_from_comments_and_names() {
        let c = Comment::parse("pay\u{202E}gnp.exe\u{2066}x\u{2069}\u{200E}\u{200F}\u{61C}!")
            .unwrap()
            .unwrap();
        assert_eq!(c.as_str(), "paygnp.exex!");
        let n = CommenterName::parse("\u{202B}Ann\u{202C}")
            .unwrap()
            .unwrap();
        assert_eq!(n.as_str(), "Ann");
        assert_eq!(Comment::parse("\u{202E}\u{202A}"), Ok(None));
        // Right-to-left letters themselves are text, not controls.
        assert_eq!(Comment::parse("שלום").unwrap().unwrap().as_str(), "שלום");
    }
}
