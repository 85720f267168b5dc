//! The evidence of verdicts, kept with outages and statuses.

use super::*;

/// The evidence of verdicts (issue 12 §6): what the monitor keeps with an outage when it is declared
/// and with a status when it changes, read from the same counters and normals the pages show.
impl Monitor {
    /// Keeps what decided outage `id`, declared in the bucket of `update`.
    pub(super) async fn keep_outage_evidence(
        &self,
        key: &SeriesKey,
        id: i64,
        update: &Update,
        now: i64,
    ) -> Result<(), MonitorError> {
        let evidence = self.verdict_evidence(key, update, now).await?;
        self.db.set_outage_evidence(id, &evidence).await?;
        Ok(())
    }

    /// The detector's verdict in the bucket of `update`: the reports of the window its strongest
    /// statistic looked at, against that window's normal, and the networks of the breadth window.
    pub(super) async fn verdict_evidence(
        &self,
        key: &SeriesKey,
        update: &Update,
        now: i64,
    ) -> Result<VerdictEvidence, MonitorError> {
        let end = update.at + Resolution::Minute.step();
        let window = update.crossing.window_secs(
            &self.config,
            update.at,
            Resolution::Minute.step(),
            update.sustained_since,
        );
        self.evidence(key, end, window, None, update.crossing, now)
            .await
    }

    /// The last hour's verdict (a service "elevated" because its last hour is far above normal):
    /// `count` against the hour's `normal`, with the bar of "elevated".
    pub(super) async fn hour_evidence(
        &self,
        key: &SeriesKey,
        end: i64,
        count: f64,
        normal: Option<Normal>,
        now: i64,
    ) -> Result<VerdictEvidence, MonitorError> {
        let crossing = Crossing {
            statistic: Statistic::Spike { window_secs: HOUR },
            deviation: normal.map_or(0.0, |n| n.deviation(count)),
            bar: self.config.elevated_z,
        };
        self.evidence(key, end, HOUR, Some(count), crossing, now)
            .await
    }

    /// The evidence of the `window` seconds ending at `end` (the counted reporters, or `observed`
    /// when already known) and of the breadth window ending there.
    async fn evidence(
        &self,
        key: &SeriesKey,
        end: i64,
        window: i64,
        observed: Option<f64>,
        crossing: Crossing,
        now: i64,
    ) -> Result<VerdictEvidence, MonitorError> {
        let window = window.max(Resolution::Minute.step());
        let observed = match observed {
            Some(n) => n,
            None => self.minutes_sum(key, &key.dim(), end - window, end).await?,
        };
        let model = self.normals.model(&key.service, &key.dim(), now).await?;
        let breadth_secs = self.config.breadth_window_secs;
        // Breadth as the detector reads it: the service's, or the region's for a region.
        let networks = self.networks_between(key, end - breadth_secs, end).await?;
        let usual = model
            .normal(end - breadth_secs, breadth_secs)
            .map_or(0.0, |n| n.expected);
        Ok(VerdictEvidence {
            at: end,
            window_secs: window,
            observed,
            normal: model.normal(end - window, window).map(Into::into),
            breadth: Some(Breadth {
                scope: match key.region {
                    Some(_) => BreadthScope::Region,
                    None => BreadthScope::Service,
                },
                ..Breadth::new(networks, usual, &self.config)
            }),
            crossing,
            settings: self.config.version(),
        })
    }

    /// Sum of the minute buckets of `key.service`'s series `dim` in `[from, to)`.
    pub(super) async fn minutes_sum(
        &self,
        key: &SeriesKey,
        dim: &Dim,
        from: i64,
        to: i64,
    ) -> Result<f64, MonitorError> {
        let range = super::breadth::minutes_between(from, to);
        let counts = self
            .counts
            .series(&key.service, dim, Resolution::Minute, range)
            .await?;
        Ok(counts.iter().sum::<u64>() as f64)
    }
}
