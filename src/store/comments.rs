//! Public comments: those posted with the comment form, and those left with a report.

use super::{Db, StoreError, on_pool};
use crate::domain::{ReporterKey, ServiceSlug};
use sqlx::Row;

/// A comment as pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredComment {
    pub created_at: i64,
    /// The name the commenter chose, if any.
    pub name: Option<String>,
    pub body: String,
    /// The problem kind when the comment came with a report.
    pub problem: Option<String>,
}

impl Db {
    pub async fn insert_comment(
        &self,
        service: &ServiceSlug,
        name: Option<&str>,
        body: &str,
        reporter: &ReporterKey,
        now: i64,
    ) -> Result<i64, StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query(
                "INSERT INTO comments (service, name, body, reporter, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(service.as_str())
            .bind(name)
            .bind(body)
            .bind(reporter.as_str())
            .bind(now)
            .fetch_one(p)
            .await?;
            Ok(row.try_get::<i64, _>("id")?)
        })
    }

    /// How many comments this reporter posted on this service after `since`.
    pub async fn comments_by_reporter_since(
        &self,
        service: &ServiceSlug,
        reporter: &ReporterKey,
        since: i64,
    ) -> Result<i64, StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM comments \
                 WHERE service = $1 AND reporter = $2 AND created_at > $3",
            )
            .bind(service.as_str())
            .bind(reporter.as_str())
            .bind(since)
            .fetch_one(p)
            .await?;
            Ok(row.try_get::<i64, _>("n")?)
        })
    }

    /// Comments of a service, newest first, both kinds merged: `limit` of them after skipping `offset`.
    pub async fn comments(
        &self,
        service: &ServiceSlug,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StoredComment>, StoreError> {
        on_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT created_at, name, body, problem FROM ( \
                   SELECT created_at, id, 1 AS src, name, body, CAST(NULL AS TEXT) AS problem \
                     FROM comments WHERE service = $1 \
                   UNION ALL \
                   SELECT created_at, id, 0 AS src, CAST(NULL AS TEXT) AS name, comment AS body, problem \
                     FROM reports WHERE service = $1 AND comment IS NOT NULL \
                 ) AS c ORDER BY created_at DESC, src DESC, id DESC LIMIT $2 OFFSET $3",
            )
            .bind(service.as_str())
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(StoredComment {
                        created_at: r.try_get("created_at")?,
                        name: r.try_get("name")?,
                        body: r.try_get("body")?,
                        problem: r.try_get("problem")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(StoreError::from)
        })
    }
}
