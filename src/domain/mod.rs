//! Plain types that are valid by construction: parse, don't validate.

mod location;
mod problem;
mod region;
mod reporter;
mod slug;
mod sql;

pub use location::{Coordinates, LocationError};
pub use problem::{ProblemKind, UnknownProblem};
pub use region::{RegionId, RegionIdError};
pub use reporter::{NetworkKey, ReporterKey};
pub use slug::{ServiceSlug, SlugError};

/// Longest comment a reporter may attach, in characters (not bytes).
pub const MAX_COMMENT_CHARS: usize = 500;
/// Longest name a commenter may sign with.
pub const MAX_NAME_CHARS: usize = 40;

/// Text as people typed it, without control characters (PostgreSQL refuses NUL, and none of them
/// belongs on a page): line breaks become `\n`, tabs and other controls are dropped.
fn clean_text(raw: &str) -> String {
    raw.replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|&c| c == '\n' || !c.is_control())
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
}
