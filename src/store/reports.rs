use super::{Db, StoreError, on_pool};
use crate::counts::admission::NETWORK_WINDOW_SECS;
use crate::counts::{BucketCount, Claim, Dim, Resolution};
use crate::domain::{
    Comment, Coordinates, NetworkKey, RegionId, ReportKind, ReporterKey, ServiceSlug,
};
use futures_util::TryStreamExt;
use sqlx::Row;
use std::collections::HashMap;

/// The `reports` columns every insert writes, in the order each one binds them (the fields of
/// [`NewReport`]); a macro so that the statements stay compile-time strings.
macro_rules! report_columns {
    () => {
        "service, problem, region, lat, lon, comment, reporter, counted, created_at, network, uncounted"
    };
}
pub(crate) use report_columns;

/// A validated report on its way into the `reports` table.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub service: ServiceSlug,
    /// A problem, or "works again for me".
    pub kind: ReportKind,
    pub region: Option<RegionId>,
    pub coordinates: Option<Coordinates>,
    pub comment: Option<Comment>,
    pub reporter: ReporterKey,
    pub counted: bool,
    pub created_at: i64,
    pub network: NetworkKey,
    /// Why it was not counted (see `counts::Verdict::reason`); `None` when counted.
    pub uncounted: Option<&'static str>,
}

/// Totals the SQL store holds, for checks and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredCounts {
    pub reports: i64,
    pub counted: i64,
}

impl Db {
    /// Inserts a batch as one statement, hence one transaction, and returns the new ids in batch order.
    /// When this returns `Ok`, the transaction has committed durably. One statement of one shape
    /// whatever the batch size: the rows travel as one JSON array (SQLite) or one array per column
    /// (PostgreSQL), so the statement stays prepared and a batch costs a single round trip.
    pub async fn insert_reports(&self, batch: &[NewReport]) -> Result<Vec<i64>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        match self {
            Db::Sqlite(p) => insert_sqlite(p, batch).await,
            Db::Postgres(p) => insert_postgres(p, batch).await,
        }
    }

    /// Every counted report since `since`, aggregated into counter buckets of both resolutions and all
    /// series (all, per problem, per region): what the counter stores must hold. Hours that retention
    /// has folded (`store/retention.rs`) are read from their hourly counts, the rest from the reports.
    pub async fn bucket_counts(
        &self,
        since_minute: i64,
        since_hour: i64,
    ) -> Result<Vec<BucketCount>, StoreError> {
        self.bucket_counts_until(since_minute, since_hour, i64::MAX)
            .await
    }

    /// [`Db::bucket_counts`] of the reports received before `until` (a repair's cutoff, see `rebuild.rs`).
    pub async fn bucket_counts_until(
        &self,
        since_minute: i64,
        since_hour: i64,
        until: i64,
    ) -> Result<Vec<BucketCount>, StoreError> {
        let folded = self.folded_until().await?;
        let mut out = self
            .counted_buckets(Resolution::Minute, since_minute.max(folded), until)
            .await?;
        out.extend(
            self.counted_buckets(Resolution::Hour, since_hour.max(folded), until)
                .await?,
        );
        out.extend(self.folded_buckets(since_hour, folded).await?);
        Ok(out)
    }

    /// The counted reports stored with a time in `[since, until)`, in buckets of `res`, every series.
    /// `since` and `until` fall on 15-minute boundaries (or `until` is `i64::MAX`) when a bucket
    /// must be complete: a network counts once per 15-minute block.
    pub(super) async fn counted_buckets(
        &self,
        res: Resolution,
        since: i64,
        until: i64,
    ) -> Result<Vec<BucketCount>, StoreError> {
        let sql = format!(
            "SELECT service, problem, region, (created_at / {step}) * {step} AS bucket, COUNT(*) AS n \
             FROM reports WHERE counted = TRUE AND created_at >= $1 AND created_at < $2 \
             GROUP BY service, problem, region, bucket",
            step = res.step()
        );
        let mut merged: HashMap<(ServiceSlug, Dim, i64), u64> = HashMap::new();
        on_pool!(self, p => {
            // Streamed: a 14-day rebuild reads a million rows, which need not be held at once.
            let mut rows = sqlx::query(&sql).bind(since).bind(until).fetch(p);
            while let Some(row) = rows.try_next().await? {
                let service: ServiceSlug = row.try_get("service")?;
                let problem: String = row.try_get("problem")?;
                let region: Option<RegionId> = row.try_get("region")?;
                let bucket: i64 = row.try_get("bucket")?;
                let n = row.try_get::<i64, _>("n")? as u64;
                // Rows with a problem code this build does not know still count for the service;
                // "works again" counts only in its own series, as `Hit::dims` records it.
                let mut dims = Vec::with_capacity(3);
                match ReportKind::parse(&problem) {
                    Ok(ReportKind::WorksAgain) => dims.push(Dim::Recovered),
                    known => {
                        dims.push(Dim::All);
                        if let Ok(ReportKind::Problem(kind)) = known {
                            dims.push(Dim::Problem(kind));
                        }
                        if let Some(region) = region {
                            dims.push(Dim::Region(region));
                        }
                    }
                }
                for dim in dims {
                    *merged.entry((service.clone(), dim, bucket)).or_default() += n;
                }
            }
        });
        // A network's first counted report in each block adds one to the networks series.
        let sql = format!(
            "SELECT service, (first / {step}) * {step} AS bucket, COUNT(*) AS n FROM \
             (SELECT service, MIN(created_at) AS first FROM reports \
              WHERE counted = TRUE AND network IS NOT NULL AND created_at >= $1 AND created_at < $2 \
              AND problem <> '{works}' \
              GROUP BY service, network, created_at / {window}) AS firsts \
             GROUP BY service, bucket",
            step = res.step(),
            window = NETWORK_WINDOW_SECS,
            works = ReportKind::WORKS_AGAIN,
        );
        on_pool!(self, p => {
            let since = since - since.rem_euclid(NETWORK_WINDOW_SECS);
            let mut rows = sqlx::query(&sql).bind(since).bind(until).fetch(p);
            while let Some(row) = rows.try_next().await? {
                let service: ServiceSlug = row.try_get("service")?;
                let bucket: i64 = row.try_get("bucket")?;
                let n = row.try_get::<i64, _>("n")? as u64;
                *merged.entry((service, Dim::Networks, bucket)).or_default() += n;
            }
        });
        Ok(merged
            .into_iter()
            .map(|((service, dim, start), count)| BucketCount {
                service,
                dim,
                resolution: res,
                start,
                count,
            })
            .collect())
    }

    /// The claims of the reports counted since `since` (epoch seconds), oldest first, with when each
    /// was made: what an in-process counter store held before a restart (issue 14 §4), so that a
    /// client retrying a report whose answer a crash swallowed is not counted again. A claim's network
    /// is the one its admission used (`intake.rs`: "works again" reports under their own key); rows
    /// stored before networks were kept claim under an empty key.
    pub async fn recent_claims(&self, since: i64) -> Result<Vec<(Claim, i64)>, StoreError> {
        on_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT service, problem, reporter, network, created_at FROM reports \
                 WHERE counted = TRUE AND created_at >= $1 ORDER BY created_at, id",
            )
            .bind(since)
            .fetch_all(p)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let network = NetworkKey::from_hex(row.try_get::<Option<String>, _>("network")?.unwrap_or_default());
                let problem: String = row.try_get("problem")?;
                let network = match ReportKind::parse(&problem) {
                    Ok(ReportKind::WorksAgain) => network.for_works_again(),
                    _ => network,
                };
                let claim = Claim {
                    service: row.try_get("service")?,
                    reporter: ReporterKey::from_hex(row.try_get("reporter")?),
                    network,
                };
                out.push((claim, row.try_get("created_at")?));
            }
            Ok(out)
        })
    }
    /// Which of `claims` have a counted report in SQL since `since` (epoch seconds): asked about
    /// orphaned claims only (see `counts::Verdict::Orphaned`), which are rare, so one indexed
    /// lookup each.
    pub async fn counted_claims(
        &self,
        claims: &[&Claim],
        since: i64,
    ) -> Result<Vec<bool>, StoreError> {
        let mut out = Vec::with_capacity(claims.len());
        for claim in claims {
            let found = on_pool!(self, p => {
                sqlx::query(
                    "SELECT 1 FROM reports WHERE service = $1 AND created_at >= $2 \
                     AND reporter = $3 AND counted = TRUE LIMIT 1",
                )
                .bind(claim.service.as_str())
                .bind(since)
                .bind(claim.reporter.as_str())
                .fetch_optional(p)
                .await?
                .is_some()
            });
            out.push(found);
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

/// The SQLite insert through the pool (backfills; the intake has a writer of its own).
async fn insert_sqlite(p: &sqlx::SqlitePool, batch: &[NewReport]) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query(
        concat!(
            "INSERT INTO reports (",
            report_columns!(),
            ") SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, \
         value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10 FROM json_each($1) ORDER BY key RETURNING id"
        ),
    )
    .bind(rows_as_json(batch))
    .fetch_all(p)
    .await?;
    sorted_ids(&rows)
}

/// The batch as one JSON array of row arrays, written straight to a string (no `Value` tree).
fn rows_as_json(batch: &[NewReport]) -> String {
    let rows: Vec<_> = batch
        .iter()
        .map(|r| {
            (
                r.service.as_str(),
                r.kind.code(),
                r.region.as_ref().map(RegionId::as_str),
                r.coordinates.map(|c| c.lat()),
                r.coordinates.map(|c| c.lon()),
                r.comment.as_ref().map(Comment::as_str),
                r.reporter.as_str(),
                r.counted,
                r.created_at,
                r.network.as_str(),
                r.uncounted,
            )
        })
        .collect();
    serde_json::to_string(&rows).expect("strings and numbers always serialize")
}

async fn insert_postgres(p: &sqlx::PgPool, batch: &[NewReport]) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query(concat!(
        "INSERT INTO reports (",
        report_columns!(),
        ") SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], \
         $6::text[], $7::text[], $8::bool[], $9::int8[], $10::text[], $11::text[]) RETURNING id"
    ))
    .bind(batch.iter().map(|r| r.service.as_str()).collect::<Vec<_>>())
    .bind(batch.iter().map(|r| r.kind.code()).collect::<Vec<_>>())
    .bind(
        batch
            .iter()
            .map(|r| r.region.as_ref().map(RegionId::as_str))
            .collect::<Vec<_>>(),
    )
    .bind(
        batch
            .iter()
            .map(|r| r.coordinates.map(|c| c.lat()))
            .collect::<Vec<_>>(),
    )
    .bind(
        batch
            .iter()
            .map(|r| r.coordinates.map(|c| c.lon()))
            .collect::<Vec<_>>(),
    )
    .bind(
        batch
            .iter()
            .map(|r| r.comment.as_ref().map(Comment::as_str))
            .collect::<Vec<_>>(),
    )
    .bind(
        batch
            .iter()
            .map(|r| r.reporter.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(batch.iter().map(|r| r.counted).collect::<Vec<_>>())
    .bind(batch.iter().map(|r| r.created_at).collect::<Vec<_>>())
    .bind(batch.iter().map(|r| r.network.as_str()).collect::<Vec<_>>())
    .bind(batch.iter().map(|r| r.uncounted).collect::<Vec<_>>())
    .fetch_all(p)
    .await?;
    sorted_ids(&rows)
}

/// RETURNING order is unspecified, but ids grow in row order within one statement.
fn sorted_ids<R: Row>(rows: &[R]) -> Result<Vec<i64>, StoreError>
where
    usize: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut ids = rows
        .iter()
        .map(|row| row.try_get::<i64, _>(0))
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    Ok(ids)
}

/// What anyone may read of one report (`GET /api/v1/services/{slug}/reports/{id}`): never its
/// reporter or network key, coordinates, exact time or why it was not counted.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicReport {
    pub id: i64,
    pub service: ServiceSlug,
    /// The problem's code, or `works_again`.
    pub problem: String,
    pub region: Option<RegionId>,
    /// Start of the minute it arrived in.
    pub bucket_start: i64,
    pub counted: bool,
    /// Its comment when pages show it: the report counted and no admin hid it.
    pub comment: Option<String>,
}

impl Db {
    /// The public fields of report `id` (see [`PublicReport`]).
    pub async fn public_report(&self, id: i64) -> Result<Option<PublicReport>, StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query(
                "SELECT id, service, problem, region, counted, (created_at / 60) * 60 AS bucket, \
                 CASE WHEN counted = TRUE AND comment_hidden_at IS NULL THEN comment END AS public_comment \
                 FROM reports WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await?;
            Ok(match row {
                Some(r) => Some(PublicReport {
                    id: r.try_get("id")?,
                    service: r.try_get("service")?,
                    problem: r.try_get("problem")?,
                    region: r.try_get("region")?,
                    bucket_start: r.try_get("bucket")?,
                    counted: r.try_get("counted")?,
                    comment: r.try_get("public_comment")?,
                }),
                None => None,
            })
        })
    }
}
