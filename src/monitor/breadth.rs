//! The networks series a detector weighs for breadth: the service's own (`Dim::Networks`, from the
//! counters) for a service, and for a region the networks of that region's reports (from SQL, see
//! `store/breadth.rs`). A regional outage must be broad within its region: with the service's
//! breadth, one network could add its share of a busy service's reports to a single region and
//! borrow the breadth of every other region's ordinary traffic.

use super::*;

/// One service's regional networks over one range, read once for all its regions in a pass.
pub(super) struct RegionBreadth {
    service: ServiceSlug,
    range: BucketRange,
    by_region: HashMap<RegionId, Vec<u64>>,
}

impl Monitor {
    /// The networks series of `key` over `range`, per minute bucket.
    pub(super) async fn networks_series(
        &mut self,
        key: &SeriesKey,
        range: BucketRange,
    ) -> Result<Vec<u64>, MonitorError> {
        let Some(region) = &key.region else {
            return Ok(self
                .counts
                .series(&key.service, &Dim::Networks, Resolution::Minute, range)
                .await?);
        };
        let cached = self
            .region_breadth
            .as_ref()
            .is_some_and(|c| c.service == key.service && c.range == range);
        if !cached {
            let by_region = self.db.region_network_firsts(&key.service, range).await?;
            self.region_breadth = Some(RegionBreadth {
                service: key.service.clone(),
                range,
                by_region,
            });
        }
        Ok(self
            .region_breadth
            .as_ref()
            .and_then(|c| c.by_region.get(region).cloned())
            .unwrap_or_else(|| vec![0; range.count]))
    }

    /// Networks newly reporting for `key` in the minutes of `[from, to)`: the breadth an outage's
    /// evidence shows, read as the detector reads it.
    pub(super) async fn networks_between(
        &self,
        key: &SeriesKey,
        from: i64,
        to: i64,
    ) -> Result<f64, MonitorError> {
        let Some(region) = &key.region else {
            return self.minutes_sum(key, &Dim::Networks, from, to).await;
        };
        let range = minutes_between(from, to);
        let by_region = self.db.region_network_firsts(&key.service, range).await?;
        Ok(by_region
            .get(region)
            .map_or(0, |counts| counts.iter().sum::<u64>()) as f64)
    }
}

/// The minute buckets from the one holding `from` up to `to` (exclusive).
pub(super) fn minutes_between(from: i64, to: i64) -> BucketRange {
    let minute = Resolution::Minute.step();
    let first = Resolution::Minute.floor(from);
    BucketRange {
        first,
        count: ((to - first) / minute).max(0) as usize,
        step: minute,
    }
}
