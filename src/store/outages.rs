use super::{Db, StoreError, on_pool};
use crate::counts::Resolution;
use crate::detect::Status;
use crate::domain::{ProblemKind, RegionId, ReportKind, ServiceSlug};
use sqlx::Row;
use std::fmt::Display;
use std::str::FromStr;

/// An outage as stored. `region` is `None` for a service-wide outage.
#[derive(Debug, Clone, PartialEq)]
pub struct OutageRecord {
    pub service: ServiceSlug,
    pub region: Option<RegionId>,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub peak_at: i64,
    pub peak_count: f64,
    pub baseline_at_peak: f64,
    /// (problem, reports), most reported first.
    pub top_problems: Vec<(ProblemKind, i64)>,
    /// (region, reports), most reported first.
    pub regions: Vec<(RegionId, i64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredOutage {
    pub id: i64,
    pub record: OutageRecord,
    /// Why it ended, when the detector did not find it over; `None` for every outage it resolved.
    pub closed_by: Option<ClosedBy>,
}

/// Why an outage ended without the detector finding it over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedBy {
    /// Its service was removed from the catalog while it was open: downtally stopped following the
    /// service and closed the outage then; nobody saw it recover.
    Unlisted,
}

impl ClosedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ClosedBy::Unlisted => "unlisted",
        }
    }

    /// A reason this build does not know (written by a newer node) reads as none.
    fn parse(s: &str) -> Option<Self> {
        (s == "unlisted").then_some(ClosedBy::Unlisted)
    }
}

/// A service's status row, as the monitor last wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    pub service: ServiceSlug,
    pub status: Status,
    pub since: i64,
    pub outage_id: Option<i64>,
    pub updated_at: i64,
}

fn encode_tally<K: Display>(items: &[(K, i64)]) -> String {
    items
        .iter()
        .map(|(k, n)| format!("{k}:{n}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// (code, reports) as read from SQL, before the codes are parsed.
type Tally = Vec<(String, i64)>;

fn typed_tally<K: FromStr>(items: Tally) -> Vec<(K, i64)> {
    items
        .into_iter()
        .filter_map(|(k, n)| Some((k.parse().ok()?, n)))
        .collect()
}

/// Entries this build cannot read (a problem kind added by a newer node) are left out.
fn decode_tally<K: FromStr>(text: &str) -> Vec<(K, i64)> {
    text.split(',')
        .filter_map(|item| {
            let (k, n) = item.rsplit_once(':')?;
            Some((k.parse().ok()?, n.parse().ok()?))
        })
        .collect()
}

const OUTAGE_COLUMNS: &str = "id, service, region, started_at, ended_at, peak_at, peak_count, \
                              baseline_at_peak, top_problems, regions, closed_by";

fn outage_from_row<R: Row>(row: &R) -> Result<StoredOutage, sqlx::Error>
where
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> ServiceSlug: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<RegionId>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(StoredOutage {
        id: row.try_get("id")?,
        record: OutageRecord {
            service: row.try_get("service")?,
            region: row.try_get("region")?,
            started_at: row.try_get("started_at")?,
            ended_at: row.try_get("ended_at")?,
            peak_at: row.try_get("peak_at")?,
            peak_count: row.try_get("peak_count")?,
            baseline_at_peak: row.try_get("baseline_at_peak")?,
            top_problems: decode_tally(&row.try_get::<String, _>("top_problems")?),
            regions: decode_tally(&row.try_get::<String, _>("regions")?),
        },
        closed_by: row
            .try_get::<Option<String>, _>("closed_by")?
            .as_deref()
            .and_then(ClosedBy::parse),
    })
}

impl Db {
    /// The stored outage of the same series that overlaps `[start, end]`, if any: after a restart the
    /// monitor re-detects recent outages while warming up, and must not record them twice.
    pub async fn overlapping_outage(
        &self,
        service: &ServiceSlug,
        region: Option<&RegionId>,
        start: i64,
        end: i64,
    ) -> Result<Option<i64>, StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query(
                "SELECT id FROM outages WHERE service = $1 AND COALESCE(region, '') = $2 \
                 AND started_at <= $4 AND COALESCE(ended_at, $4) >= $3 ORDER BY started_at DESC LIMIT 1",
            )
            .bind(service.as_str())
            .bind(region.map_or("", RegionId::as_str))
            .bind(start)
            .bind(end)
            .fetch_optional(p)
            .await?;
            Ok(match row {
                Some(row) => Some(row.try_get::<i64, _>("id")?),
                None => None,
            })
        })
    }

    pub async fn insert_outage(&self, o: &OutageRecord, now: i64) -> Result<i64, StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query(
                "INSERT INTO outages (service, region, started_at, ended_at, peak_at, peak_count, \
                 baseline_at_peak, top_problems, regions, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(o.service.as_str())
            .bind(o.region.as_ref().map(RegionId::as_str))
            .bind(o.started_at)
            .bind(o.ended_at)
            .bind(o.peak_at)
            .bind(o.peak_count)
            .bind(o.baseline_at_peak)
            .bind(encode_tally(&o.top_problems))
            .bind(encode_tally(&o.regions))
            .bind(now)
            .fetch_one(p)
            .await?;
            Ok(row.try_get::<i64, _>("id")?)
        })
    }

    pub async fn update_outage(
        &self,
        id: i64,
        o: &OutageRecord,
        now: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, p => {
            sqlx::query(
                "UPDATE outages SET ended_at = $2, peak_at = $3, peak_count = $4, baseline_at_peak = $5, \
                 top_problems = $6, regions = $7, updated_at = $8, closed_by = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(o.ended_at)
            .bind(o.peak_at)
            .bind(o.peak_count)
            .bind(o.baseline_at_peak)
            .bind(encode_tally(&o.top_problems))
            .bind(encode_tally(&o.regions))
            .bind(now)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    pub async fn outage(&self, id: i64) -> Result<Option<StoredOutage>, StoreError> {
        on_pool!(self, p => {
            let sql = format!("SELECT {OUTAGE_COLUMNS} FROM outages WHERE id = $1");
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await?;
            Ok(match row {
                Some(row) => Some(outage_from_row(&row)?),
                None => None,
            })
        })
    }

    /// The latest outages of a service (all regions), newest first.
    pub async fn recent_outages(
        &self,
        service: &ServiceSlug,
        limit: i64,
    ) -> Result<Vec<StoredOutage>, StoreError> {
        on_pool!(self, p => {
            let sql = format!(
                "SELECT {OUTAGE_COLUMNS} FROM outages WHERE service = $1 ORDER BY started_at DESC, id DESC LIMIT $2"
            );
            let rows = sqlx::query(&sql).bind(service.as_str()).bind(limit).fetch_all(p).await?;
            Ok(rows.iter().map(outage_from_row).collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// The latest outages across services, newest first, optionally of one service or of services
    /// whose main country is `country`.
    pub async fn latest_outages(
        &self,
        service: Option<&ServiceSlug>,
        country: Option<&str>,
        limit: i64,
    ) -> Result<Vec<StoredOutage>, StoreError> {
        on_pool!(self, p => {
            let sql = format!(
                "SELECT {} FROM outages o WHERE ($1 = '' OR o.service = $1) AND ($2 = '' OR EXISTS \
                 (SELECT 1 FROM services s WHERE s.slug = o.service AND s.countries LIKE $2 || '%')) \
                 ORDER BY o.started_at DESC, o.id DESC LIMIT $3",
                OUTAGE_COLUMNS.split(", ").map(|c| format!("o.{c}")).collect::<Vec<_>>().join(", ")
            );
            let rows = sqlx::query(&sql)
                .bind(service.map_or("", ServiceSlug::as_str))
                .bind(country.unwrap_or(""))
                .bind(limit)
                .fetch_all(p)
                .await?;
            Ok(rows.iter().map(outage_from_row).collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Most reported problem kinds and regions of a series between `from` and `to` (epoch seconds).
    pub async fn report_breakdown(
        &self,
        service: &ServiceSlug,
        region: Option<&RegionId>,
        from: i64,
        to: i64,
    ) -> Result<(Vec<(ProblemKind, i64)>, Vec<(RegionId, i64)>), StoreError> {
        let mut out: (Tally, Tally) = (Vec::new(), Vec::new());
        for (column, target) in [("problem", &mut out.0), ("region", &mut out.1)] {
            let sql = format!(
                "SELECT {column} AS k, COUNT(*) AS n FROM reports WHERE service = $1 \
                 AND ($2 = '' OR region = $2) AND created_at >= $3 AND created_at < $4 \
                 AND counted = TRUE AND {column} IS NOT NULL AND problem <> '{works}' \
                 GROUP BY {column} ORDER BY n DESC, k LIMIT 5",
                works = ReportKind::WORKS_AGAIN
            );
            on_pool!(self, p => {
                let rows = sqlx::query(&sql)
                    .bind(service.as_str())
                    .bind(region.map_or("", RegionId::as_str))
                    .bind(from)
                    .bind(to)
                    .fetch_all(p)
                    .await?;
                for row in rows {
                    target.push((row.try_get::<String, _>("k")?, row.try_get::<i64, _>("n")?));
                }
            });
        }
        // Codes this build cannot read (written by a newer node) are left out of the breakdown.
        Ok((typed_tally(out.0), typed_tally(out.1)))
    }

    /// Counted reports of a service per minute in `[from, to)`, minutes without reports left out: for
    /// detection over history older than the counter store keeps minutes.
    pub async fn counted_per_minute(
        &self,
        service: &ServiceSlug,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, u64)>, StoreError> {
        on_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT (created_at / 60) * 60 AS minute, COUNT(*) AS n FROM reports \
                 WHERE service = $1 AND created_at >= $2 AND created_at < $3 AND counted = TRUE \
                 GROUP BY minute ORDER BY minute",
            )
            .bind(service.as_str())
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| Ok((r.try_get::<i64, _>("minute")?, r.try_get::<i64, _>("n")? as u64)))
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(StoreError::from)
        })
    }

    /// (service, region) pairs with counted reports since `since`: the regional series to watch.
    /// Rows that do not hold a valid slug and region are skipped (and logged), so one bad row cannot
    /// stop the monitor.
    pub async fn active_regions(
        &self,
        since: i64,
    ) -> Result<Vec<(ServiceSlug, RegionId)>, StoreError> {
        on_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT service, region FROM reports WHERE created_at >= $1 AND region IS NOT NULL \
                 AND counted = TRUE GROUP BY service, region",
            )
            .bind(since)
            .fetch_all(p)
            .await?;
            Ok(rows
                .iter()
                .filter_map(|r| match (r.try_get("service"), r.try_get("region")) {
                    (Ok(service), Ok(region)) => Some((service, region)),
                    (Err(e), _) | (_, Err(e)) => {
                        tracing::warn!(error = %e, "skipping a report series that cannot be read");
                        None
                    }
                })
                .collect())
        })
    }

    /// The outages of a service (service-wide and regional) that overlap `[from, to)`, oldest first:
    /// the series API's in-outage flags.
    pub async fn outages_between(
        &self,
        service: &ServiceSlug,
        from: i64,
        to: i64,
    ) -> Result<Vec<StoredOutage>, StoreError> {
        on_pool!(self, p => {
            let sql = format!(
                "SELECT {OUTAGE_COLUMNS} FROM outages WHERE service = $1 AND started_at < $3 \
                 AND (ended_at IS NULL OR ended_at > $2) ORDER BY started_at, id"
            );
            let rows = sqlx::query(&sql)
                .bind(service.as_str())
                .bind(from)
                .bind(to)
                .fetch_all(p)
                .await?;
            Ok(rows.iter().map(outage_from_row).collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// The regions of a service's counted reports of a problem in `[from, to)`, in code order: the
    /// series API's split by region; hours that retention folded, from their hourly counts. Rows that
    /// are no valid region are skipped.
    pub async fn regions_reported(
        &self,
        service: &ServiceSlug,
        from: i64,
        to: i64,
    ) -> Result<Vec<RegionId>, StoreError> {
        let sql = format!(
            "SELECT DISTINCT region FROM reports WHERE service = $1 AND created_at >= $2 \
             AND created_at < $3 AND counted = TRUE AND region IS NOT NULL \
             AND problem <> '{works}' \
             UNION SELECT SUBSTR(series, 3) AS region FROM report_hours WHERE service = $1 \
             AND hour >= $4 AND hour < $3 AND series LIKE 'r.%' ORDER BY region",
            works = ReportKind::WORKS_AGAIN
        );
        on_pool!(self, p => {
            let rows = sqlx::query(&sql)
                .bind(service.as_str())
                .bind(from)
                .bind(to)
                .bind(Resolution::Hour.floor(from))
                .fetch_all(p)
                .await?;
            Ok(rows
                .iter()
                .filter_map(|r| r.try_get::<String, _>("region").ok())
                .filter_map(|r| RegionId::parse(&r).ok())
                .collect())
        })
    }

    /// Writes status rows in one transaction.
    pub async fn set_statuses(&self, rows: &[StatusRow]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for s in rows {
                sqlx::query(
                "INSERT INTO service_status (service, status, since, outage_id, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (service) DO UPDATE SET status = excluded.status, \
                 since = excluded.since, outage_id = excluded.outage_id, updated_at = excluded.updated_at",
            )
                .bind(s.service.as_str())
                .bind(s.status.as_str())
                .bind(s.since)
                .bind(s.outage_id)
                .bind(s.updated_at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn statuses(&self) -> Result<Vec<StatusRow>, StoreError> {
        on_pool!(self, p => {
            let rows = sqlx::query("SELECT service, status, since, outage_id, updated_at FROM service_status")
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| {
                    let status: String = r.try_get("status")?;
                    Ok(StatusRow {
                        service: r.try_get("service")?,
                        status: Status::from_stored(&status),
                        since: r.try_get("since")?,
                        outage_id: r.try_get("outage_id")?,
                        updated_at: r.try_get("updated_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(StoreError::from)
        })
    }
}

/// Which outages `GET /api/v1/outages` lists, and from where (every value checked by the handler).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutageFilter {
    pub service: Option<ServiceSlug>,
    /// An ISO 3166-1 code: outages of services that serve it, or in one of its regions.
    pub country: Option<String>,
    /// Outages of this region, and service-wide ones with reports from it.
    pub region: Option<RegionId>,
    /// Started at or after `from`, before `to` (epoch seconds).
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// `Some(true)`: open ones only; `Some(false)`: resolved ones only.
    pub open: Option<bool>,
    /// Only outages after this one in the order (newest first): `(started_at, id)` of the last
    /// outage of the previous page.
    pub after: Option<(i64, i64)>,
}

impl Db {
    /// Outages newest first (by start, then id), at most `limit`, that `filter` lets through. Pages
    /// follow `(started_at, id)`, so an outage recorded meanwhile never shifts or repeats a page.
    pub async fn outage_page(
        &self,
        filter: &OutageFilter,
        limit: i64,
    ) -> Result<Vec<StoredOutage>, StoreError> {
        let (after_start, after_id) = filter.after.unwrap_or((i64::MAX, i64::MAX));
        let status = match filter.open {
            None => "",
            Some(true) => "open",
            Some(false) => "resolved",
        };
        on_pool!(self, p => {
            let sql = format!(
                "SELECT {} FROM outages o WHERE ($1 = '' OR o.service = $1) \
                 AND ($2 = '' OR COALESCE(o.region, '') LIKE $2 || '-%' OR EXISTS (SELECT 1 FROM services s \
                   WHERE s.slug = o.service AND ',' || s.countries || ',' LIKE '%,' || $2 || ',%')) \
                 AND ($3 = '' OR o.region = $3 OR (o.region IS NULL AND ',' || o.regions LIKE '%,' || $3 || ':%')) \
                 AND o.started_at >= $4 AND o.started_at < $5 \
                 AND ($6 = '' OR ($6 = 'open' AND o.ended_at IS NULL) OR ($6 = 'resolved' AND o.ended_at IS NOT NULL)) \
                 AND (o.started_at < $7 OR (o.started_at = $7 AND o.id < $8)) \
                 ORDER BY o.started_at DESC, o.id DESC LIMIT $9",
                OUTAGE_COLUMNS.split(", ").map(|c| format!("o.{c}")).collect::<Vec<_>>().join(", ")
            );
            let rows = sqlx::query(&sql)
                .bind(filter.service.as_ref().map_or("", ServiceSlug::as_str))
                .bind(filter.country.as_deref().unwrap_or(""))
                .bind(filter.region.as_ref().map_or("", RegionId::as_str))
                .bind(filter.from.unwrap_or(i64::MIN))
                .bind(filter.to.unwrap_or(i64::MAX))
                .bind(status)
                .bind(after_start)
                .bind(after_id)
                .bind(limit)
                .fetch_all(p)
                .await?;
            Ok(rows.iter().map(outage_from_row).collect::<Result<Vec<_>, _>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_round_trip() {
        let t = vec![(ProblemKind::Login, 12), (ProblemKind::Card, 3)];
        assert_eq!(decode_tally::<ProblemKind>(&encode_tally(&t)), t);
        assert!(decode_tally::<ProblemKind>("").is_empty());
        let r = vec![(RegionId::parse("GB-ENG").unwrap(), 3)];
        assert_eq!(decode_tally::<RegionId>(&encode_tally(&r)), r);
        // A kind this build does not know is left out, not mistaken for another.
        assert_eq!(
            decode_tally::<ProblemKind>("telepathy:4,login:2"),
            vec![(ProblemKind::Login, 2)]
        );
    }
}
