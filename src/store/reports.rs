use super::{Db, StoreError, on_pool};
use crate::counts::{BucketCount, Dim, Resolution};
use crate::domain::{Coordinates, ProblemKind};
use sqlx::{QueryBuilder, Row};
use std::collections::HashMap;

/// A validated report on its way into the `reports` table.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub service: String,
    pub problem: ProblemKind,
    pub region: Option<String>,
    pub coordinates: Option<Coordinates>,
    pub comment: Option<String>,
    pub reporter: String,
    pub counted: bool,
    pub created_at: i64,
}

/// Rows per INSERT: 9 parameters each stays far below SQLite's and PostgreSQL's parameter limits.
const ROWS_PER_STATEMENT: usize = 500;

/// Totals the SQL store holds, for checks and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredCounts {
    pub reports: i64,
    pub counted: i64,
}

impl Db {
    /// Inserts a batch in one transaction and returns the new ids in batch order. When this returns
    /// `Ok`, the transaction has committed durably.
    pub async fn insert_reports(&self, batch: &[NewReport]) -> Result<Vec<i64>, StoreError> {
        let mut ids = Vec::with_capacity(batch.len());
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for chunk in batch.chunks(ROWS_PER_STATEMENT) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO reports (service, problem, region, lat, lon, comment, reporter, counted, created_at) ",
                );
                q.push_values(chunk, |mut row, r| {
                    row.push_bind(r.service.as_str())
                        .push_bind(r.problem.code())
                        .push_bind(r.region.as_deref())
                        .push_bind(r.coordinates.map(|c| c.lat()))
                        .push_bind(r.coordinates.map(|c| c.lon()))
                        .push_bind(r.comment.as_deref())
                        .push_bind(r.reporter.as_str())
                        .push_bind(r.counted)
                        .push_bind(r.created_at);
                });
                q.push(" RETURNING id");
                let rows = q.build().fetch_all(&mut *tx).await?;
                // RETURNING order is unspecified, but ids grow in VALUES order within one statement.
                let mut chunk_ids = rows
                    .iter()
                    .map(|row| row.try_get::<i64, _>(0))
                    .collect::<Result<Vec<_>, _>>()?;
                chunk_ids.sort_unstable();
                ids.extend(chunk_ids);
            }
            tx.commit().await?;
        });
        Ok(ids)
    }

    /// Every counted report since `since`, aggregated into counter buckets of both resolutions and all
    /// series (all, per problem, per region): what the counter stores must hold.
    pub async fn bucket_counts(
        &self,
        since_minute: i64,
        since_hour: i64,
    ) -> Result<Vec<BucketCount>, StoreError> {
        let mut out = Vec::new();
        for (res, since) in [
            (Resolution::Minute, since_minute),
            (Resolution::Hour, since_hour),
        ] {
            let sql = format!(
                "SELECT service, problem, region, (created_at / {step}) * {step} AS bucket, COUNT(*) AS n \
                 FROM reports WHERE counted = TRUE AND created_at >= $1 \
                 GROUP BY service, problem, region, bucket",
                step = res.step()
            );
            let mut merged: HashMap<(String, Dim, i64), u64> = HashMap::new();
            on_pool!(self, p => {
                let rows = sqlx::query(&sql).bind(since).fetch_all(p).await?;
                for row in rows {
                    let service: String = row.try_get("service")?;
                    let problem: String = row.try_get("problem")?;
                    let region: Option<String> = row.try_get("region")?;
                    let bucket: i64 = row.try_get("bucket")?;
                    let n = row.try_get::<i64, _>("n")? as u64;
                    // Rows with a problem code this build does not know still count for the service.
                    let mut dims = vec![Dim::All];
                    if let Ok(kind) = ProblemKind::parse(&problem) {
                        dims.push(Dim::Problem(kind));
                    }
                    if let Some(region) = region {
                        dims.push(Dim::Region(region));
                    }
                    for dim in dims {
                        *merged.entry((service.clone(), dim, bucket)).or_default() += n;
                    }
                }
            });
            out.extend(
                merged
                    .into_iter()
                    .map(|((service, dim, start), count)| BucketCount {
                        service,
                        dim,
                        resolution: res,
                        start,
                        count,
                    }),
            );
        }
        Ok(out)
    }

    pub async fn stored_counts(&self) -> Result<StoredCounts, StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query(
                "SELECT COUNT(*) AS reports, COALESCE(SUM(CASE WHEN counted THEN 1 ELSE 0 END), 0) AS counted FROM reports",
            )
            .fetch_one(p)
            .await?;
            Ok(StoredCounts {
                reports: row.try_get("reports")?,
                counted: row.try_get("counted")?,
            })
        })
    }
}
