//! Stale marks on the counters (see `migrations/*/20261220000043_counter_repairs.sql` and
//! `counts/health.rs`), and the per-series counts the monitor reads while the counters cannot be
//! trusted.

use super::{Db, StoreError, on_pool};
use crate::counts::admission::NETWORK_WINDOW_SECS;
use crate::counts::{BucketRange, Dim, Resolution};
use crate::domain::{ReportKind, ServiceSlug};
use sqlx::Row;

/// The one row of `counter_repairs` the counters use.
const COUNTS: &str = "counts";

/// Counters marked stale and not yet rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleMark {
    /// Clear up to this generation once a rebuild that started after reading it is done.
    pub generation: i64,
    /// The latest report (epoch seconds) whose count may be missing.
    pub missed_at: i64,
}

impl Db {
    /// Marks the counters stale: a count of a report received at or before `missed_at` may be missing.
    pub async fn mark_counts_stale(&self, missed_at: i64) -> Result<(), StoreError> {
        on_pool!(self, p => {
            sqlx::query(
                "INSERT INTO counter_repairs (name, marked, cleared, missed_at) VALUES ($1, 1, 0, $2) \
                 ON CONFLICT (name) DO UPDATE SET marked = counter_repairs.marked + 1, \
                 missed_at = CASE WHEN excluded.missed_at > counter_repairs.missed_at \
                 THEN excluded.missed_at ELSE counter_repairs.missed_at END",
            )
            .bind(COUNTS)
            .bind(missed_at)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// The pending stale mark, if any.
    pub async fn counts_stale(&self) -> Result<Option<StaleMark>, StoreError> {
        let row: Option<(i64, i64, i64)> = on_pool!(self, p => {
            sqlx::query_as("SELECT marked, cleared, missed_at FROM counter_repairs WHERE name = $1")
                .bind(COUNTS)
                .fetch_optional(p)
                .await?
        });
        Ok(row.filter(|&(marked, cleared, _)| marked > cleared).map(
            |(generation, _, missed_at)| StaleMark {
                generation,
                missed_at,
            },
        ))
    }

    /// Clears the marks up to `generation` (read before the rebuild began); later ones stay, with
    /// the latest missed time (which covers theirs).
    pub async fn clear_counts_stale(&self, generation: i64) -> Result<(), StoreError> {
        on_pool!(self, p => {
            sqlx::query(
                "UPDATE counter_repairs SET cleared = $2, \
                 missed_at = CASE WHEN marked = $2 THEN 0 ELSE missed_at END \
                 WHERE name = $1 AND cleared < $2",
            )
                .bind(COUNTS)
                .bind(generation)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// One series of counted reports over `range`, as the counters would hold it (`Hit::dims`),
    /// zero-filled: what the monitor reads while the counters cannot be trusted. Bounded by the
    /// range, over the `(service, created_at)` index.
    pub async fn series_counts(
        &self,
        service: &ServiceSlug,
        dim: &Dim,
        resolution: Resolution,
        range: BucketRange,
    ) -> Result<Vec<u64>, StoreError> {
        let mut out = vec![0; range.count];
        if range.count == 0 {
            return Ok(out);
        }
        let step = resolution.step();
        let works = ReportKind::WORKS_AGAIN;
        let (filter, arg): (String, Option<String>) = match dim {
            Dim::All => (format!("problem <> '{works}'"), None),
            Dim::Problem(k) => ("problem = $4".into(), Some(k.code().to_owned())),
            Dim::Region(r) => (
                format!("region = $4 AND problem <> '{works}'"),
                Some(r.as_str().to_owned()),
            ),
            Dim::Recovered => (format!("problem = '{works}'"), None),
            Dim::Networks => (String::new(), None),
        };
        let (sql, from) = if matches!(dim, Dim::Networks) {
            // A network's first counted report in each block, as `bucket_counts` finds them.
            (
                format!(
                    "SELECT (first / {step}) * {step} AS bucket, COUNT(*) AS n FROM \
                     (SELECT MIN(created_at) AS first FROM reports \
                      WHERE service = $1 AND counted = TRUE AND network IS NOT NULL \
                      AND created_at >= $2 AND created_at < $3 AND problem <> '{works}' \
                      GROUP BY network, created_at / {window}) AS firsts \
                     GROUP BY bucket",
                    window = NETWORK_WINDOW_SECS
                ),
                range.first - range.first.rem_euclid(NETWORK_WINDOW_SECS),
            )
        } else {
            (
                format!(
                    "SELECT (created_at / {step}) * {step} AS bucket, COUNT(*) AS n FROM reports \
                     WHERE service = $1 AND counted = TRUE AND created_at >= $2 AND created_at < $3 \
                     AND {filter} GROUP BY bucket"
                ),
                range.first,
            )
        };
        on_pool!(self, p => {
            let mut query = sqlx::query(&sql)
                .bind(service.as_str())
                .bind(from)
                .bind(range.end());
            if let Some(arg) = &arg {
                query = query.bind(arg);
            }
            for row in query.fetch_all(p).await? {
                let bucket: i64 = row.try_get("bucket")?;
                if let Some(i) = range.index_of(bucket) {
                    out[i] = row.try_get::<i64, _>("n")? as u64;
                }
            }
        });
        Ok(out)
    }
}
