//! Retention in SQL (issue 14 §3, the job in `retention.rs`): counted reports folded into hourly
//! counts per series (`report_hours`, no reporter or network key), the watermark `report_folds`
//! (every hour before it is folded), reports before it deleted in small batches, and on PostgreSQL
//! the day partitions of `reports`: created ahead, dropped whole once folded. Whichever way reports
//! go, their published comments move into `comments` in the same transaction
//! (`comments.rs::move_report_comments`).

use super::comments::{ReportComment, move_report_comments};
use super::{Db, StoreError, on_pool};
use crate::counts::{BucketCount, Dim, Resolution};
use crate::domain::ServiceSlug;
use sqlx::Row;

const DAY: i64 = 86_400;

/// In the open transaction `$tx`: at most `$limit` reports older than `$before` deleted, their
/// published comments moved into `comments` first. Evaluates to a [`Deleted`].
macro_rules! delete_batch {
    ($tx:expr, $before:expr, $limit:expr) => {{
        let sql = format!(
            "SELECT {} FROM reports WHERE created_at < $1 LIMIT $2",
            ReportComment::COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind($before)
            .bind($limit)
            .fetch_all(&mut *$tx)
            .await?;
        let mut ids = Vec::with_capacity(rows.len());
        let mut moving = Vec::new();
        for row in &rows {
            ids.push(row.try_get::<i64, _>("id")?);
            moving.extend(ReportComment::of_report(row)?);
        }
        let comments_moved = move_report_comments!($tx, &moving);
        let mut reports = 0;
        for chunk in ids.chunks(1_000) {
            let mut q = sqlx::QueryBuilder::new("DELETE FROM reports WHERE created_at < ");
            q.push_bind($before).push(" AND id IN (");
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(")");
            reports += q.build().execute(&mut *$tx).await?.rows_affected();
        }
        Deleted {
            reports,
            comments_moved,
        }
    }};
}

/// Hourly counts written per transaction when folding (SQLite: a few milliseconds of the writer).
const FOLD_ROWS: usize = 2_000;

/// PostgreSQL gives up waiting for a lock on `reports` after this (creating or dropping a
/// partition needs the table to itself for a moment): intake waits at most this long behind it,
/// and the job tries again at its next run.
const PARTITION_LOCK_TIMEOUT: &str = "250ms";

/// A day partition of `reports` (PostgreSQL): `reports_YYYYMMDD`, holding `[day, day + 1)` in UTC.
fn partition_name(day: i64) -> String {
    let date = chrono::DateTime::from_timestamp(day * DAY, 0)
        .map(|t| t.format("%Y%m%d").to_string())
        .unwrap_or_else(|| day.to_string());
    format!("reports_{date}")
}

/// The UTC day number a partition named by [`partition_name`] holds; `None` for others (the default).
fn partition_day(name: &str) -> Option<i64> {
    let date = name.strip_prefix("reports_")?;
    let date = chrono::NaiveDate::parse_from_str(date, "%Y%m%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp() / DAY)
}

impl Db {
    /// Every hour before this is folded into `report_hours` (0: nothing yet).
    pub async fn folded_until(&self) -> Result<i64, StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query("SELECT folded_until FROM report_folds WHERE id = 1")
                .fetch_optional(p)
                .await?;
            Ok(match row {
                Some(row) => row.try_get("folded_until")?,
                None => 0,
            })
        })
    }

    /// The hourly counts of every series of the hours in `[since, until)` that retention folded.
    pub(super) async fn folded_buckets(
        &self,
        since: i64,
        until: i64,
    ) -> Result<Vec<BucketCount>, StoreError> {
        if since >= until {
            return Ok(Vec::new());
        }
        on_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT service, hour, series, n FROM report_hours WHERE hour >= $1 AND hour < $2",
            )
            .bind(since)
            .bind(until)
            .fetch_all(p)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                // A series this build cannot read (a newer node's problem code) is left out, as
                // the counters would leave it out.
                let Some(dim) = Dim::from_tag(row.try_get("series")?) else {
                    continue;
                };
                out.push(BucketCount {
                    service: row.try_get::<ServiceSlug, _>("service")?,
                    dim,
                    resolution: Resolution::Hour,
                    start: row.try_get("hour")?,
                    count: row.try_get::<i64, _>("n")? as u64,
                });
            }
            Ok(out)
        })
    }

    /// The start of the hour of the oldest report at or after `since`, if any.
    pub async fn oldest_report_hour(&self, since: i64) -> Result<Option<i64>, StoreError> {
        on_pool!(self, p => {
            let first: Option<i64> =
                sqlx::query_scalar("SELECT MIN(created_at) FROM reports WHERE created_at >= $1")
                    .bind(since)
                    .fetch_one(p)
                    .await?;
            Ok(first.map(|t| Resolution::Hour.floor(t)))
        })
    }

    /// Folds the hours `[from, until)` (whole hours): their counted reports' hourly counts of every
    /// series written to `report_hours` and the watermark moved past them. The reports are read
    /// first, outside any transaction; the counts are then written in short transactions of whole
    /// hours, at most [`FOLD_ROWS`] rows each (more only for one hour that has more), each moving
    /// the watermark to the end of its last hour, so that SQLite's one writer (the intake's) waits
    /// only for a few rows at a time. Nothing else writes reports of hours past the retention
    /// period; folding an hour again replaces its counts. Returns the rows written.
    pub async fn fold_hours(&self, from: i64, until: i64) -> Result<usize, StoreError> {
        let mut buckets = self.counted_buckets(Resolution::Hour, from, until).await?;
        buckets.sort_unstable_by_key(|b| b.start);
        let written = buckets.len();
        let mut rest = buckets.as_slice();
        loop {
            // Whole hours, up to FOLD_ROWS rows (at least one hour).
            let mut take = rest.len().min(FOLD_ROWS);
            if take < rest.len() {
                let hour = rest[take].start;
                let whole = rest[..take].iter().rposition(|b| b.start != hour);
                take = match whole {
                    Some(i) => i + 1,
                    None => rest
                        .iter()
                        .position(|b| b.start != hour)
                        .unwrap_or(rest.len()),
                };
            }
            let (now, later) = rest.split_at(take);
            let watermark = match later.first() {
                Some(next) => next.start,
                None => until,
            };
            self.write_folded(now, watermark).await?;
            rest = later;
            if rest.is_empty() {
                return Ok(written);
            }
        }
    }

    /// Adds `buckets` (hourly counts, of hours before the watermark) to what `report_hours` holds,
    /// in one transaction: history written after its hours were folded (`backfill.rs`).
    pub async fn add_folded(&self, buckets: &[BucketCount]) -> Result<(), StoreError> {
        self.write_hour_counts(buckets, None).await
    }

    /// One transaction: hourly counts written, the watermark moved to `until`.
    async fn write_folded(&self, buckets: &[BucketCount], until: i64) -> Result<(), StoreError> {
        self.write_hour_counts(buckets, Some(until)).await
    }

    /// In one transaction, `buckets` written to `report_hours`: with a watermark, as folded (an
    /// hour folded again takes the new counts) and the watermark moved to it; without, added to
    /// what is there.
    async fn write_hour_counts(
        &self,
        buckets: &[BucketCount],
        watermark: Option<i64>,
    ) -> Result<(), StoreError> {
        let on_conflict = match watermark {
            Some(_) => " ON CONFLICT (service, hour, series) DO UPDATE SET n = excluded.n",
            None => {
                " ON CONFLICT (service, hour, series) DO UPDATE SET n = report_hours.n + excluded.n"
            }
        };
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for chunk in buckets.chunks(500) {
                let mut q = sqlx::QueryBuilder::new("INSERT INTO report_hours (service, hour, series, n) ");
                q.push_values(chunk, |mut row, b| {
                    row.push_bind(b.service.as_str())
                        .push_bind(b.start)
                        .push_bind(b.dim.tag())
                        .push_bind(b.count as i64);
                });
                q.push(on_conflict);
                q.build().execute(&mut *tx).await?;
            }
            if let Some(until) = watermark {
                sqlx::query("UPDATE report_folds SET folded_until = $1 WHERE id = 1 AND folded_until < $1")
                    .bind(until)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Deletes at most `limit` reports older than `before` in one short transaction, moving the
    /// comments of theirs that pages show into `comments` in the same transaction
    /// (`comments.rs::move_report_comments`). Returns how many reports (fewer than `limit`: none
    /// are left) and comments.
    pub async fn delete_reports_before(
        &self,
        before: i64,
        limit: i64,
    ) -> Result<Deleted, StoreError> {
        let deleted = match self {
            // BEGIN IMMEDIATE: the batch is read and deleted under the write lock, so the intake's
            // writer cannot slip between (a deferred transaction would fail to upgrade).
            Db::Sqlite(p) => {
                let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
                let deleted = delete_batch!(tx, before, limit);
                tx.commit().await?;
                deleted
            }
            Db::Postgres(p) => {
                let mut tx = p.begin().await?;
                let deleted = delete_batch!(tx, before, limit);
                tx.commit().await?;
                deleted
            }
        };
        Ok(deleted)
    }

    /// PostgreSQL: the UTC days of the day partitions of `reports`, oldest first (none on SQLite).
    pub async fn report_partitions(&self) -> Result<Vec<i64>, StoreError> {
        let Db::Postgres(p) = self else {
            return Ok(Vec::new());
        };
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE i.inhparent = 'reports'::regclass",
        )
        .fetch_all(p)
        .await?;
        let mut days: Vec<i64> = names.iter().filter_map(|n| partition_day(n)).collect();
        days.sort_unstable();
        Ok(days)
    }

    /// PostgreSQL: creates the day partitions of `reports` for the days `[first, last]` (UTC day
    /// numbers) that are missing. Several nodes may do this at once (an advisory lock orders them).
    /// A day whose rows already sit in the default partition is left there (retention deletes them
    /// row by row); a partition not created for want of the lock is created at the next call.
    /// Returns how many were created.
    pub async fn ensure_partitions(&self, first: i64, last: i64) -> Result<usize, StoreError> {
        let Db::Postgres(p) = self else {
            return Ok(0);
        };
        let existing = self.report_partitions().await?;
        let mut created = 0;
        for day in (first..=last).filter(|d| !existing.contains(d)) {
            let name = partition_name(day);
            let mut tx = p.begin().await?;
            sqlx::query(&format!(
                "SET LOCAL lock_timeout = '{PARTITION_LOCK_TIMEOUT}'"
            ))
            .execute(&mut *tx)
            .await?;
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext('downtally reports partitions'))")
                .execute(&mut *tx)
                .await?;
            let sql = format!(
                "CREATE TABLE IF NOT EXISTS \"{name}\" PARTITION OF reports FOR VALUES FROM ({}) TO ({})",
                day * DAY,
                (day + 1) * DAY
            );
            match sqlx::query(&sql).execute(&mut *tx).await {
                Ok(_) => {
                    tx.commit().await?;
                    created += 1;
                }
                Err(e) => {
                    // 23514: the default partition holds rows of that day; 55P03: lock not got.
                    tx.rollback().await?;
                    tracing::warn!(partition = %name, error = %e, "cannot create a partition of reports now");
                }
            }
        }
        Ok(created)
    }

    /// PostgreSQL: drops the day partitions of `reports` that end at or before `before` (every
    /// report in them folded), each with the move of its published comments into `comments` in
    /// one transaction. Returns the days dropped and the comments moved.
    pub async fn drop_partitions_before(&self, before: i64) -> Result<Dropped, StoreError> {
        let Db::Postgres(p) = self else {
            return Ok(Dropped::default());
        };
        let mut dropped = Dropped::default();
        for day in self.report_partitions().await? {
            if (day + 1) * DAY > before {
                break;
            }
            let mut tx = p.begin().await?;
            sqlx::query(&format!(
                "SET LOCAL lock_timeout = '{PARTITION_LOCK_TIMEOUT}'"
            ))
            .execute(&mut *tx)
            .await?;
            // The day's published comments move out first, in the transaction that drops it.
            let sql = format!(
                "SELECT {} FROM reports WHERE created_at >= $1 AND created_at < $2 \
                 AND comment IS NOT NULL AND counted = TRUE",
                ReportComment::COLUMNS
            );
            let moving = sqlx::query(&sql)
                .bind(day * DAY)
                .bind((day + 1) * DAY)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .filter_map(|row| ReportComment::of_report(row).transpose())
                .collect::<Result<Vec<_>, _>>()?;
            let moved = move_report_comments!(tx, &moving);
            match sqlx::query(&format!("DROP TABLE \"{}\"", partition_name(day)))
                .execute(&mut *tx)
                .await
            {
                Ok(_) => {
                    tx.commit().await?;
                    dropped.days.push(day);
                    dropped.comments_moved += moved;
                }
                Err(e) => {
                    tx.rollback().await?;
                    tracing::info!(error = %e, "cannot drop a partition of reports now; next run");
                    break;
                }
            }
        }
        Ok(dropped)
    }

    /// Bytes the reports and their hourly counts take, with their indexes: SQLite's pages of each
    /// (`dbstat`), or PostgreSQL's relations (every partition, TOAST and index).
    pub async fn store_size(&self) -> Result<StoreSize, StoreError> {
        match self {
            Db::Sqlite(p) => {
                let sql = "SELECT COALESCE(SUM(d.pgsize), 0) FROM dbstat AS d \
                           JOIN sqlite_schema AS s ON s.name = d.name WHERE s.tbl_name = $1";
                let size = |table: &'static str| {
                    sqlx::query_scalar::<_, i64>(sql).bind(table).fetch_one(p)
                };
                Ok(StoreSize {
                    reports: size("reports").await?,
                    hourly: size("report_hours").await?,
                })
            }
            Db::Postgres(p) => {
                let reports: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(SUM(pg_total_relation_size(inhrelid)), 0)::BIGINT \
                     FROM pg_inherits WHERE inhparent = 'reports'::regclass",
                )
                .fetch_one(p)
                .await?;
                let hourly: i64 =
                    sqlx::query_scalar("SELECT pg_total_relation_size('report_hours')")
                        .fetch_one(p)
                        .await?;
                Ok(StoreSize { reports, hourly })
            }
        }
    }
}

/// What one batch of [`Db::delete_reports_before`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deleted {
    pub reports: u64,
    /// Their published comments, moved into `comments`.
    pub comments_moved: u64,
}

/// What [`Db::drop_partitions_before`] dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dropped {
    /// UTC day numbers.
    pub days: Vec<i64>,
    /// Their published comments, moved into `comments`.
    pub comments_moved: u64,
}

/// What the store takes on disk, in bytes (see [`Db::store_size`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreSize {
    /// The reports (every partition on PostgreSQL) with their indexes.
    pub reports: i64,
    /// The hourly counts of folded hours with their index.
    pub hourly: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_names_are_utc_days() {
        let day = 1_764_460_800 / DAY; // 2025-11-30
        assert_eq!(partition_name(day), "reports_20251130");
        assert_eq!(partition_day("reports_20251130"), Some(day));
        assert_eq!(partition_day("reports_default"), None);
    }

    #[test]
    fn series_tags_read_back() {
        use crate::domain::{ProblemKind, RegionId};
        for dim in [
            Dim::All,
            Dim::Networks,
            Dim::Recovered,
            Dim::Problem(ProblemKind::Login),
            Dim::Region(RegionId::parse("GB-SCT").unwrap()),
        ] {
            assert_eq!(Dim::from_tag(&dim.tag()), Some(dim));
        }
        assert_eq!(Dim::from_tag("p.no_such_problem"), None);
    }
}
