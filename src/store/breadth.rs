//! Breadth within a region: how many networks newly reported a service's problems in each minute,
//! counting only the reports from one region. The counters keep this series for a whole service
//! (`Dim::Networks`) but not per region; a regional outage must be broad within its region, or one
//! network could add its share of a busy service's reports to a single region and borrow the breadth
//! of every other region's ordinary traffic.

use super::{Db, StoreError, on_pool};
use crate::counts::BucketRange;
use crate::counts::admission::NETWORK_WINDOW_SECS;
use crate::domain::{RegionId, ReportKind, ServiceSlug};
use sqlx::Row;
use std::collections::HashMap;

impl Db {
    /// For every region of `service` with counted problem reports in `range` (minute buckets): per
    /// bucket of the range, the networks whose first counted problem report from that region in its
    /// 15-minute block came in that bucket, the rule of `Dim::Networks` within one region. Summed
    /// over a breadth window it is about how many distinct networks of the region reported.
    pub async fn region_network_firsts(
        &self,
        service: &ServiceSlug,
        range: BucketRange,
    ) -> Result<HashMap<RegionId, Vec<u64>>, StoreError> {
        let mut out: HashMap<RegionId, Vec<u64>> = HashMap::new();
        if range.count == 0 {
            return Ok(out);
        }
        // From the start of the first bucket's block, so that a network's first report of the block
        // is seen even when it came before the range.
        let from = range.first - range.first.rem_euclid(NETWORK_WINDOW_SECS);
        let to = range.first + range.step * range.count as i64;
        let sql = format!(
            "SELECT region, (first / {step}) * {step} AS bucket, COUNT(*) AS n FROM \
             (SELECT region, MIN(created_at) AS first FROM reports \
              WHERE service = $1 AND created_at >= $2 AND created_at < $3 AND counted = TRUE \
              AND region IS NOT NULL AND network IS NOT NULL AND problem <> '{works}' \
              GROUP BY region, network, created_at / {window}) AS firsts \
             GROUP BY region, bucket",
            step = range.step,
            window = NETWORK_WINDOW_SECS,
            works = ReportKind::WORKS_AGAIN,
        );
        on_pool!(self, p => {
            let rows = sqlx::query(&sql)
                .bind(service.as_str())
                .bind(from)
                .bind(to)
                .fetch_all(p)
                .await?;
            for row in rows {
                let bucket: i64 = row.try_get("bucket")?;
                if bucket < range.first {
                    continue;
                }
                let region: RegionId = match row.try_get("region") {
                    Ok(region) => region,
                    Err(e) => {
                        tracing::warn!(error = %e, "skipping a region that cannot be read");
                        continue;
                    }
                };
                let i = ((bucket - range.first) / range.step) as usize;
                let n = row.try_get::<i64, _>("n")? as u64;
                out.entry(region).or_insert_with(|| vec![0; range.count])[i] += n;
            }
        });
        Ok(out)
    }
}
