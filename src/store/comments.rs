//! Public comments: those posted with the comment form (`comments`), and those left with a report
//! (`reports.comment`); readers' flags on either, and an admin's hiding.

use super::admin::{AdminAction, insert_action};
use super::{Db, StoreError, on_pool};
use crate::domain::{NetworkKey, ReporterKey, ServiceSlug};
use sqlx::Row;
use std::fmt;

/// Where a comment lives: a row of `comments`, or the comment of a row of `reports`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    Comment,
    Report,
}

impl Source {
    /// The letter that names it in `comment_flags.source` and in a comment's id (`c12`, `r7`).
    pub fn code(self) -> &'static str {
        match self {
            Source::Comment => "c",
            Source::Report => "r",
        }
    }

    fn parse(code: &str) -> Option<Source> {
        match code {
            "c" => Some(Source::Comment),
            "r" => Some(Source::Report),
            _ => None,
        }
    }
}

/// A comment of either kind: `c12` is row 12 of `comments`, `r7` the comment of report 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommentId {
    pub source: Source,
    pub id: i64,
}

impl CommentId {
    pub fn parse(text: &str) -> Option<CommentId> {
        let source = Source::parse(text.get(..1)?)?;
        let digits = &text[1..];
        if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(CommentId {
            source,
            id: digits.parse().ok()?,
        })
    }
}

impl fmt::Display for CommentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.source.code(), self.id)
    }
}

/// A comment as stored, with what moderation knows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredComment {
    pub id: CommentId,
    pub service: ServiceSlug,
    pub created_at: i64,
    /// The name the commenter chose, if any.
    pub name: Option<String>,
    pub body: String,
    /// The problem kind when the comment came with a report.
    pub problem: Option<String>,
    /// Distinct networks that flagged it.
    pub flags: i64,
    /// When an admin hid it.
    pub hidden_at: Option<i64>,
}

/// A comment on its way into `comments`.
#[derive(Debug, Clone)]
pub struct NewComment<'a> {
    pub service: &'a ServiceSlug,
    pub name: Option<&'a str>,
    pub body: &'a str,
    pub reporter: &'a ReporterKey,
    pub network: &'a NetworkKey,
    pub created_at: i64,
}

/// How many comments one visitor (reporter key) and one network may have posted on the service
/// since `since` for one more to be taken.
#[derive(Debug, Clone, Copy)]
pub struct CommentLimits {
    pub since: i64,
    pub per_visitor: i64,
    pub per_network: i64,
}

/// What became of a comment offered under [`CommentLimits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    Stored(i64),
    VisitorLimit,
    NetworkLimit,
}

/// Both kinds of comment as one relation: `src`, `id`, `service`, `created_at`, `name`, `body`,
/// `problem`, `hidden_at`. Comments left with a report are shown only when the report counted: a
/// repeat (or a report over its network's bound) does not publish its comment again. Those that
/// retention moved into `comments` keep their problem there.
const ALL_COMMENTS: &str = "SELECT 'c' AS src, id, service, created_at, name, body, \
       problem, hidden_at FROM comments \
     UNION ALL \
     SELECT 'r' AS src, id, service, created_at, CAST(NULL AS TEXT) AS name, comment AS body, \
       problem, comment_hidden_at AS hidden_at FROM reports \
       WHERE comment IS NOT NULL AND counted = TRUE";

/// The columns a [`StoredComment`] is read from, over `ALL_COMMENTS AS c`.
const COMMENT_COLUMNS: &str = "c.src, c.id, c.service, c.created_at, c.name, c.body, c.problem, \
     c.hidden_at, (SELECT COUNT(*) FROM comment_flags f \
       WHERE f.source = c.src AND f.comment_id = c.id) AS flags";

fn comment_from_row<R: Row>(row: &R) -> Result<StoredComment, sqlx::Error>
where
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> ServiceSlug: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let src: String = row.try_get("src")?;
    let source = Source::parse(&src).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: "src".into(),
        source: format!("unknown comment source {src:?}").into(),
    })?;
    Ok(StoredComment {
        id: CommentId {
            source,
            id: row.try_get("id")?,
        },
        service: row.try_get("service")?,
        created_at: row.try_get("created_at")?,
        name: row.try_get("name")?,
        body: row.try_get("body")?,
        problem: row.try_get("problem")?,
        flags: row.try_get("flags")?,
        hidden_at: row.try_get("hidden_at")?,
    })
}

/// Inserts `c` in the open transaction `$tx` when its visitor and its network are within `$limits`.
macro_rules! insert_within_limits {
    ($tx:expr, $c:expr, $limits:expr) => {{
        let row = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN reporter = $3 THEN 1 ELSE 0 END), 0) AS visitor, \
                    COALESCE(SUM(CASE WHEN network = $4 THEN 1 ELSE 0 END), 0) AS network \
             FROM comments WHERE service = $1 AND created_at > $2 AND (network = $4 OR reporter = $3)",
        )
        .bind($c.service.as_str())
        .bind($limits.since)
        .bind($c.reporter.as_str())
        .bind($c.network.as_str())
        .fetch_one(&mut *$tx)
        .await?;
        let visitor: i64 = row.try_get("visitor")?;
        let network: i64 = row.try_get("network")?;
        if visitor >= $limits.per_visitor {
            Posted::VisitorLimit
        } else if network >= $limits.per_network {
            Posted::NetworkLimit
        } else {
            let row = sqlx::query(
                "INSERT INTO comments (service, name, body, reporter, network, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind($c.service.as_str())
            .bind($c.name)
            .bind($c.body)
            .bind($c.reporter.as_str())
            .bind($c.network.as_str())
            .bind($c.created_at)
            .fetch_one(&mut *$tx)
            .await?;
            Posted::Stored(row.try_get::<i64, _>("id")?)
        }
    }};
}

impl Db {
    /// Stores a comment unless its visitor or its network has posted as many as `limits` allow on
    /// the service. The count and the insert are one transaction that no other comment of the
    /// service interleaves with (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory lock per
    /// service), so a burst of parallel posts cannot pass the limits.
    pub async fn insert_comment(
        &self,
        c: &NewComment<'_>,
        limits: CommentLimits,
    ) -> Result<Posted, StoreError> {
        let posted = match self {
            Db::Sqlite(p) => {
                let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
                let posted = insert_within_limits!(tx, c, limits);
                tx.commit().await?;
                posted
            }
            Db::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext('comments:' || $1))")
                    .bind(c.service.as_str())
                    .execute(&mut *tx)
                    .await?;
                let posted = insert_within_limits!(tx, c, limits);
                tx.commit().await?;
                posted
            }
        };
        Ok(posted)
    }

    /// The newest `limit` comments of a service that an admin has not hidden, both kinds merged,
    /// newest first.
    pub async fn visible_comments(
        &self,
        service: &ServiceSlug,
        limit: i64,
    ) -> Result<Vec<StoredComment>, StoreError> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} FROM ({ALL_COMMENTS}) AS c \
             WHERE c.service = $1 AND c.hidden_at IS NULL \
             ORDER BY c.created_at DESC, c.src ASC, c.id DESC LIMIT $2"
        );
        on_pool!(self, p => {
            let rows = sqlx::query(&sql)
                .bind(service.as_str())
                .bind(limit)
                .fetch_all(p)
                .await?;
            Ok(rows.iter().map(comment_from_row).collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// One comment, shown or hidden (`None` when there is none, or it is the comment of a report
    /// that did not count). The comment of a report that retention deleted answers to the report's
    /// id (`r7`) still: it is the comment it moved into `comments`, with that id (`c…`).
    pub async fn comment(&self, id: CommentId) -> Result<Option<StoredComment>, StoreError> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} FROM ({ALL_COMMENTS}) AS c WHERE c.src = $1 AND c.id = $2"
        );
        let moved = format!(
            "SELECT {COMMENT_COLUMNS} FROM ({ALL_COMMENTS}) AS c \
             WHERE c.src = 'c' AND c.id = (SELECT id FROM comments WHERE report_id = $1)"
        );
        on_pool!(self, p => {
            let mut row = sqlx::query(&sql)
                .bind(id.source.code())
                .bind(id.id)
                .fetch_optional(p)
                .await?;
            if row.is_none() && id.source == Source::Report {
                row = sqlx::query(&moved).bind(id.id).fetch_optional(p).await?;
            }
            Ok(row.as_ref().map(comment_from_row).transpose()?)
        })
    }

    /// Records that `network` flagged a comment (once per network: a second flag changes nothing).
    pub async fn flag_comment(
        &self,
        id: CommentId,
        service: &ServiceSlug,
        network: &NetworkKey,
        now: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, p => {
            sqlx::query(
                "INSERT INTO comment_flags (source, comment_id, service, network, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, comment_id, network) DO NOTHING",
            )
            .bind(id.source.code())
            .bind(id.id)
            .bind(service.as_str())
            .bind(network.as_str())
            .bind(now)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Hides comments (`hidden_at` = when) or, with `None`, shows them again, and records the
    /// admin's `action` in the same transaction.
    pub async fn set_comments_hidden(
        &self,
        ids: &[CommentId],
        hidden_at: Option<i64>,
        action: &AdminAction,
    ) -> Result<(), StoreError> {
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for id in ids {
                let sql = match id.source {
                    Source::Comment => "UPDATE comments SET hidden_at = $2 WHERE id = $1",
                    Source::Report => "UPDATE reports SET comment_hidden_at = $2 WHERE id = $1",
                };
                sqlx::query(sql).bind(id.id).bind(hidden_at).execute(&mut *tx).await?;
            }
            insert_action!(&mut *tx, action);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Comments that readers flagged, the most recently flagged first (hidden ones too, so that an
    /// admin can restore them).
    pub async fn flagged_comments(&self, limit: i64) -> Result<Vec<StoredComment>, StoreError> {
        let ids = on_pool!(self, p => {
            sqlx::query(
                "SELECT source, comment_id, MAX(created_at) AS last FROM comment_flags \
                 GROUP BY source, comment_id ORDER BY last DESC, source, comment_id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<String, _>("source")?, r.try_get::<i64, _>("comment_id")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        let mut out = Vec::with_capacity(ids.len());
        for (source, id) in ids {
            let Some(source) = Source::parse(&source) else {
                continue;
            };
            if let Some(c) = self.comment(CommentId { source, id }).await? {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Comments an admin hid, the most recently hidden first.
    pub async fn hidden_comments(&self, limit: i64) -> Result<Vec<StoredComment>, StoreError> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} FROM ({ALL_COMMENTS}) AS c WHERE c.hidden_at IS NOT NULL \
             ORDER BY c.hidden_at DESC, c.src, c.id DESC LIMIT $1"
        );
        on_pool!(self, p => {
            let rows = sqlx::query(&sql).bind(limit).fetch_all(p).await?;
            Ok(rows.iter().map(comment_from_row).collect::<Result<Vec<_>, _>>()?)
        })
    }
}

/// The comment of a counted report that retention deletes: it moves into `comments`, without keys.
#[derive(Debug, Clone)]
pub(super) struct ReportComment {
    pub report_id: i64,
    pub service: String,
    pub created_at: i64,
    pub body: String,
    pub problem: String,
    pub hidden_at: Option<i64>,
}

impl ReportComment {
    /// The comment that pages show of a row of `reports` read with [`ReportComment::COLUMNS`]:
    /// `None` when it has none, did not count, or is only links (never shown; it goes with its
    /// report).
    pub(super) fn of_report<R: Row>(row: &R) -> Result<Option<Self>, sqlx::Error>
    where
        for<'r> &'r str: sqlx::ColumnIndex<R>,
        for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        let Some(body) = row.try_get::<Option<String>, _>("comment")? else {
            return Ok(None);
        };
        if !row.try_get::<bool, _>("counted")? || !crate::comments::shown_with_report(&body) {
            return Ok(None);
        }
        Ok(Some(ReportComment {
            report_id: row.try_get("id")?,
            service: row.try_get("service")?,
            created_at: row.try_get("created_at")?,
            body,
            problem: row.try_get("problem")?,
            hidden_at: row.try_get("comment_hidden_at")?,
        }))
    }

    /// The columns of `reports` that [`ReportComment::of_report`] reads.
    pub(super) const COLUMNS: &str =
        "id, service, created_at, comment, counted, problem, comment_hidden_at";
}

/// Flags on a moved comment's old id (`'r'`, report id) that a network also set on its new one:
/// one flag per network, so the old one goes (a flag could land on the old id while the comment
/// moved, from a page read before).
pub(super) const DROP_TWIN_FLAGS: &str = "DELETE FROM comment_flags WHERE source = 'r' AND EXISTS \
     (SELECT 1 FROM comments AS c JOIN comment_flags AS f ON f.source = 'c' AND f.comment_id = c.id \
      WHERE c.report_id = comment_flags.comment_id AND f.network = comment_flags.network)";
/// Flags on a moved comment's old id follow it to its new one.
pub(super) const REPOINT_FLAGS: &str = "UPDATE comment_flags SET source = 'c', comment_id = c.id \
     FROM comments AS c WHERE comment_flags.source = 'r' AND c.report_id = comment_flags.comment_id";

/// In the open transaction `$tx` that deletes their reports: the comments `$moving`
/// (`&[ReportComment]`) inserted into `comments` with no reporter or network key (reporter '',
/// which no visitor's key equals; network NULL), no name, their problem and hidden state, and the
/// id of their report (`comments.report_id`: a report is moved once); readers' flags follow them.
/// Evaluates to how many moved.
macro_rules! move_report_comments {
    ($tx:expr, $moving:expr) => {{
        let moving: &[$crate::store::comments::ReportComment] = $moving;
        let mut moved: u64 = 0;
        for chunk in moving.chunks(500) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO comments \
                 (service, body, problem, hidden_at, created_at, report_id, name, reporter, network) ",
            );
            q.push_values(chunk, |mut row, c| {
                row.push_bind(c.service.as_str())
                    .push_bind(c.body.as_str())
                    .push_bind(c.problem.as_str())
                    .push_bind(c.hidden_at)
                    .push_bind(c.created_at)
                    .push_bind(c.report_id)
                    .push("NULL")
                    .push("''")
                    .push("NULL");
            });
            q.push(" ON CONFLICT (report_id) DO NOTHING");
            moved += q.build().execute(&mut *$tx).await?.rows_affected();
        }
        if !moving.is_empty() {
            sqlx::query($crate::store::comments::DROP_TWIN_FLAGS)
                .execute(&mut *$tx)
                .await?;
            sqlx::query($crate::store::comments::REPOINT_FLAGS)
                .execute(&mut *$tx)
                .await?;
        }
        moved
    }};
}
pub(super) use move_report_comments;

impl Db {
    /// Forgets the reporter and network keys of at most `limit` comments posted before `before`
    /// (reporter '', network NULL): the caps that read them look at the last minutes only. Returns
    /// how many (fewer than `limit`: none are left).
    pub async fn forget_comment_keys(&self, before: i64, limit: i64) -> Result<u64, StoreError> {
        on_pool!(self, p => {
            Ok(sqlx::query(
                "UPDATE comments SET reporter = '', network = NULL WHERE id IN \
                     (SELECT id FROM comments WHERE reporter <> '' AND created_at < $1 LIMIT $2)",
            )
            .bind(before)
            .bind(limit)
            .execute(p)
            .await?
            .rows_affected())
        })
    }

    /// Forgets the network key of at most `limit` flags set before `before`: each becomes `-` and
    /// random hex, unique per row as the primary key needs and linked to nothing, so every flag
    /// still counts once. Returns how many (fewer than `limit`: none are left).
    pub async fn forget_flag_keys(&self, before: i64, limit: i64) -> Result<u64, StoreError> {
        let done = match self {
            Db::Sqlite(p) => sqlx::query(
                "UPDATE comment_flags SET network = '-' || lower(hex(randomblob(16))) \
                 WHERE rowid IN (SELECT rowid FROM comment_flags \
                     WHERE network NOT LIKE '-%' AND created_at < $1 LIMIT $2)",
            )
            .bind(before)
            .bind(limit)
            .execute(p)
            .await?
            .rows_affected(),
            Db::Postgres(p) => sqlx::query(
                "UPDATE comment_flags SET network = '-' || replace(gen_random_uuid()::text, '-', '') \
                 WHERE (source, comment_id, network) IN (SELECT source, comment_id, network \
                     FROM comment_flags WHERE network NOT LIKE '-%' AND created_at < $1 LIMIT $2)",
            )
            .bind(before)
            .bind(limit)
            .execute(p)
            .await?
            .rows_affected(),
        };
        Ok(done)
    }

    /// Flags whose comment is gone: on comments of reports deleted without moving them (before
    /// comments moved, or only links). A flag set on a moved comment's old id meanwhile follows
    /// it first. (`comments` rows are never deleted.) Returns how many flags were deleted.
    pub async fn delete_orphan_flags(&self) -> Result<u64, StoreError> {
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query(DROP_TWIN_FLAGS).execute(&mut *tx).await?;
            sqlx::query(REPOINT_FLAGS).execute(&mut *tx).await?;
            let deleted = sqlx::query(
                "DELETE FROM comment_flags WHERE source = 'r' \
                   AND NOT EXISTS (SELECT 1 FROM reports AS r WHERE r.id = comment_flags.comment_id)",
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            Ok(deleted)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_ids_name_their_table() {
        let c = CommentId::parse("c12").unwrap();
        assert_eq!((c.source, c.id), (Source::Comment, 12));
        assert_eq!(CommentId::parse("r7").unwrap().to_string(), "r7");
        for bad in [
            "",
            "c",
            "x1",
            "c-1",
            "c1a",
            "r 1",
            "c99999999999999999999",
            "é1",
        ] {
            assert_eq!(CommentId::parse(bad), None, "{bad}");
        }
    }
}
