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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::counts::buckets::HOUR;
    use crate::domain::{NetworkKey, ProblemKind, RegionId, ReporterKey};
    use crate::store::NewReport;

    async fn sqlite() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/r.db", dir.path().display()))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        db.sync_catalog(&Catalog::embedded().unwrap(), 0)
            .await
            .unwrap();
        (dir, db)
    }

    /// A mark made while a rebuild runs (after it read the generation) survives its clear.
    #[tokio::test]
    async fn marks_are_compared_and_cleared() {
        let (_dir, db) = sqlite().await;
        assert_eq!(db.counts_stale().await.unwrap(), None);
        db.mark_counts_stale(100).await.unwrap();
        let read = db.counts_stale().await.unwrap().unwrap();
        assert_eq!(read.missed_at, 100);
        db.mark_counts_stale(90).await.unwrap();
        db.clear_counts_stale(read.generation).await.unwrap();
        let left = db
            .counts_stale()
            .await
            .unwrap()
            .expect("the later mark stays");
        assert_eq!(left.missed_at, 100, "the latest missed time covers it");
        db.clear_counts_stale(left.generation).await.unwrap();
        assert_eq!(db.counts_stale().await.unwrap(), None);
        db.mark_counts_stale(50).await.unwrap();
        assert_eq!(db.counts_stale().await.unwrap().unwrap().missed_at, 50);
    }

    /// What the monitor reads from SQL is what a rebuild writes into the counters.
    #[tokio::test]
    async fn series_from_sql_match_the_rebuilds_buckets() {
        let (_dir, db) = sqlite().await;
        let t0 = 1_727_344_800;
        let kinds = [
            ReportKind::Problem(ProblemKind::Login),
            ReportKind::Problem(ProblemKind::Card),
            ReportKind::WorksAgain,
        ];
        let reports: Vec<NewReport> = (0..60i64)
            .map(|i| NewReport {
                service: ServiceSlug::parse(if i % 4 == 0 { "monzo" } else { "barclays" }).unwrap(),
                kind: kinds[i as usize % 3],
                region: (i % 2 == 0).then(|| RegionId::parse("IT-25").unwrap()),
                coordinates: None,
                comment: None,
                reporter: ReporterKey::from_hex(format!("{i:032x}")),
                counted: i % 7 != 0,
                created_at: t0 + i * 97,
                network: NetworkKey::from_hex(format!("{:016x}", i % 5)),
                uncounted: None,
            })
            .collect();
        db.insert_reports(&reports).await.unwrap();
        let buckets = db.bucket_counts(0, 0).await.unwrap();
        assert!(!buckets.is_empty());
        for b in &buckets {
            let range = BucketRange {
                first: b.start - 2 * HOUR,
                count: (4 * HOUR / b.resolution.step()) as usize,
                step: b.resolution.step(),
            };
            let got = db
                .series_counts(&b.service, &b.dim, b.resolution, range)
                .await
                .unwrap();
            let want: Vec<u64> = range
                .starts()
                .map(|t| {
                    buckets
                        .iter()
                        .find(|o| {
                            (&o.service, &o.dim, o.resolution, o.start)
                                == (&b.service, &b.dim, b.resolution, t)
                        })
                        .map_or(0, |o| o.count)
                })
                .collect();
            assert_eq!(got, want, "{b:?}");
        }
    }
}
