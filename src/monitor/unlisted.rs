//! Services the catalog stops listing (issue 14 §7): once per catalog version, the monitor closes
//! their open outages (`closed_by` 'unlisted': downtally stopped following them, nobody saw them
//! recover), tells subscribers they ended, retires subscriptions to them and forgets their series.

use super::*;

impl Monitor {
    /// Does the above when the catalog changed since the last time (or this node just began to lead).
    pub(super) async fn close_unlisted(&mut self, now: i64) -> Result<(), MonitorError> {
        let current = self.catalog.generation();
        if self.unlisted_done_for == Some(current) {
            return Ok(());
        }
        let closed = self.db.close_outages_of_unlisted(now).await?;
        for o in &closed {
            tracing::info!(
                outage = o.id,
                service = %o.record.service,
                "closed an open outage: its service is no longer in the catalog"
            );
            let key = SeriesKey {
                service: o.record.service.clone(),
                region: o.record.region.clone(),
            };
            self.tell(EventKind::Resolved, o.id, &key, None).await;
        }
        let retired = self.db.retire_subscriptions_of_unlisted(now).await?;
        if retired > 0 {
            tracing::info!(
                subscriptions = retired,
                "disabled subscriptions to services no longer in the catalog"
            );
        }
        let catalog = self.catalog.current();
        self.tracked
            .retain(|key, _| catalog.get(key.service.as_str()).is_some());
        self.unlisted_done_for = Some(current);
        Ok(())
    }
}
