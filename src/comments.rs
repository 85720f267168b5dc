//! Public comments on a service page: posting (validated, rate-limited per visitor) and reading
//! (newest first, in pages; comments left with a report are shown with the others).

use crate::clock::Clock;
use crate::domain::{Comment, CommenterName, ServiceSlug};
use crate::intake::Origin;
use crate::privacy::{Salts, reporter_key};
use crate::store::{Db, StoreError, StoredComment};

/// Comments per page.
pub const PAGE_SIZE: i64 = 10;
/// Pages a reader may go back (older comments stay in SQL, and in the data export).
pub const MAX_PAGES: i64 = 50;
/// One visitor (the reporter key: network, browser, service, day) may post this many comments…
pub const RATE_LIMIT: i64 = 3;
/// …in this many seconds.
pub const RATE_WINDOW_SECONDS: i64 = 10 * 60;

#[derive(Debug, thiserror::Error)]
pub enum CommentError {
    #[error("the comment is empty")]
    Empty,
    #[error(transparent)]
    TooLong(#[from] crate::domain::CommentTooLong),
    #[error(transparent)]
    NameTooLong(#[from] crate::domain::NameTooLong),
    #[error("too many comments from this visitor; try again in a few minutes")]
    TooMany,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One page of comments, and whether older ones follow.
pub struct CommentPage {
    pub comments: Vec<StoredComment>,
    pub more: bool,
}

#[derive(Clone)]
pub struct Comments {
    db: Db,
    salts: Salts,
    clock: Clock,
}

impl Comments {
    /// `salts`: the intake's, so that a visitor has one key per service and day.
    pub fn new(db: Db, salts: Salts, clock: Clock) -> Self {
        Self { db, salts, clock }
    }

    /// Stores a comment on `service` (a slug the caller checked), returning its id.
    pub async fn post(
        &self,
        service: &ServiceSlug,
        name: &str,
        body: &str,
        origin: &Origin,
    ) -> Result<i64, CommentError> {
        let body = Comment::parse(body)?.ok_or(CommentError::Empty)?;
        let name = CommenterName::parse(name)?;
        let now = self.clock.now();
        let salt = self.salts.for_time(now).await?;
        let reporter = reporter_key(&salt, origin.ip, &origin.user_agent, service);
        let recent = self
            .db
            .comments_by_reporter_since(service, &reporter, now - RATE_WINDOW_SECONDS)
            .await?;
        if recent >= RATE_LIMIT {
            return Err(CommentError::TooMany);
        }
        Ok(self
            .db
            .insert_comment(
                service,
                name.as_ref().map(CommenterName::as_str),
                body.as_str(),
                &reporter,
                now,
            )
            .await?)
    }

    /// Page `page` (1 = newest) of a service's comments; pages past [`MAX_PAGES`] are empty.
    pub async fn page(&self, service: &ServiceSlug, page: i64) -> Result<CommentPage, StoreError> {
        if !(1..=MAX_PAGES).contains(&page) {
            return Ok(CommentPage {
                comments: Vec::new(),
                more: false,
            });
        }
        let mut comments = self
            .db
            .comments(service, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
            .await?;
        let more = comments.len() as i64 > PAGE_SIZE && page < MAX_PAGES;
        comments.truncate(PAGE_SIZE as usize);
        Ok(CommentPage { comments, more })
    }
}
