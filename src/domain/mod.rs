//! Plain types that are valid by construction: parse, don't validate.

mod location;
mod problem;
mod region;
mod slug;

pub use location::{Coordinates, LocationError};
pub use problem::{ProblemKind, UnknownProblem};
pub use region::{RegionId, RegionIdError};
pub use slug::{ServiceSlug, SlugError};

/// Longest comment a reporter may attach, in characters (not bytes).
pub const MAX_COMMENT_CHARS: usize = 500;

/// A free-text comment, trimmed, non-empty and at most [`MAX_COMMENT_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("comment is longer than {MAX_COMMENT_CHARS} characters")]
pub struct CommentTooLong;

impl Comment {
    /// `Ok(None)` for an empty or blank comment.
    pub fn parse(raw: &str) -> Result<Option<Comment>, CommentTooLong> {
        let trimmed = raw.trim();
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
}
