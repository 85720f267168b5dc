//! The monitor: every interval it feeds the just-closed minute buckets of every service and every
//! (service, region) to its detector, records outages in SQL and keeps each service's status.
//!
//! Detectors live in memory on the node that runs the monitor. A new detector (at start, or for a
//! region seen for the first time) is warmed from the counter store: 8 weeks of hourly buckets, then
//! the last 48 hours of minute buckets replayed through `update`. A lease in SQL (`leadership.rs`)
//! makes exactly one app node the monitor; the others read statuses from SQL.
//!
//! A service's status is its detector's, and "elevated" also when its last hour is far above its
//! normal (`detect::Normal::elevated` over [`last_hour`], the normal the pages show): the headline
//! never says "no problems" beside an hour the chart shows well above its band.

use crate::catalog::LiveCatalog;
use crate::clock::Clock;
use crate::counts::buckets::HOUR;
use crate::counts::{
    BucketRange, CountError, CountStore, Counts, Dim, Resolution, from_first_report,
};
use crate::detect::groups::Group;
use crate::detect::{
    Breadth, BreadthScope, Bucket, Crossing, DetectError, Detector, DetectorConfig, Event, Normal,
    NormalModel, Outage, Statistic, Status, Update, VerdictEvidence,
};
use crate::domain::{RegionId, ServiceSlug};
use crate::normals::{Normals, series_zone};
use crate::store::{Db, OutageRecord, StatusRow, StoreError};
use crate::webhooks::{EventKind, UpdateReason};
use parking_lot::RwLock;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

mod board;
mod breadth;
mod evidence;
mod history;
mod leadership;
mod unlisted;

pub use board::{ServiceStatus, StatusBoard};
pub use history::declare_past_outages;
pub use leadership::{LEADER_LEASE, Leadership};

#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Counts(#[from] CountError),
    #[error(transparent)]
    Detect(#[from] DetectError),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SeriesKey {
    service: ServiceSlug,
    region: Option<RegionId>,
}

impl SeriesKey {
    fn dim(&self) -> Dim {
        match &self.region {
            Some(r) => Dim::Region(r.clone()),
            None => Dim::All,
        }
    }
}

struct Tracked {
    detector: Detector,
    /// The next minute bucket to feed.
    next: i64,
    outage_id: Option<i64>,
    /// The minutes of [`last_hour`] fed so far (service series only), oldest first.
    hour: VecDeque<(i64, u64)>,
    /// The open outage's peak when webhooks last heard of it (0: not yet known on this node).
    notified_peak: f64,
}

/// The last hour the monitor judges at `now`: the 60 closed minutes before the current minute.
pub fn last_hour(now: i64) -> BucketRange {
    Resolution::Minute.window_ending_at(
        Resolution::Minute.floor(now) - Resolution::Minute.step(),
        HOUR,
    )
}

/// Counts from one pass, for logs and benchmarks.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassSummary {
    pub series: usize,
    pub buckets: usize,
    pub started: usize,
    pub resolved: usize,
}

pub struct Monitor {
    catalog: LiveCatalog,
    db: Db,
    counts: Counts,
    clock: Clock,
    board: StatusBoard,
    config: DetectorConfig,
    /// Normals of the services, as the pages compute them.
    normals: Normals,
    tracked: HashMap<SeriesKey, Tracked>,
    /// Status changes of the current pass, written together at its end (one commit, not one each).
    changed: Vec<(StatusRow, ServiceStatus)>,
    /// What decided the changed statuses of the current pass, written after them.
    status_evidence: Vec<(ServiceSlug, VerdictEvidence)>,
    /// Reports from this time on have not yet been searched for new regions.
    regions_scanned_to: Option<i64>,
    /// Whether the groups stored by an earlier leader were read (they keep their ids).
    groups_loaded: bool,
    /// Subscribers told of outage events (`webhooks/`): a queued row each, never a wait.
    webhooks: Option<crate::webhooks::Webhooks>,
    /// The regional networks last read from SQL (see `breadth.rs`), reused by a service's regions.
    region_breadth: Option<breadth::RegionBreadth>,
    /// The catalog generation whose removed services were last closed (`unlisted.rs`).
    unlisted_done_for: Option<u64>,
}

impl Monitor {
    pub fn new(
        catalog: impl Into<LiveCatalog>,
        db: Db,
        counts: Counts,
        clock: Clock,
        board: StatusBoard,
        config: DetectorConfig,
    ) -> Self {
        let catalog = catalog.into();
        Self {
            normals: Normals::new(counts.clone(), config, catalog.clone()),
            catalog,
            db,
            counts,
            clock,
            board,
            config,
            tracked: HashMap::new(),
            changed: Vec::new(),
            status_evidence: Vec::new(),
            regions_scanned_to: None,
            groups_loaded: false,
            webhooks: None,
            region_breadth: None,
            unlisted_done_for: None,
        }
    }

    /// Tells `webhooks` of the outages this monitor declares, updates and resolves.
    pub fn with_webhooks(mut self, webhooks: crate::webhooks::Webhooks) -> Self {
        self.webhooks = Some(webhooks);
        self
    }

    /// Queues a webhook event (no-op without webhooks; failures are logged, never returned).
    async fn tell(
        &self,
        kind: crate::webhooks::EventKind,
        id: i64,
        key: &SeriesKey,
        reason: Option<crate::webhooks::UpdateReason>,
    ) {
        if let Some(hooks) = &self.webhooks {
            hooks
                .outage_event(kind, id, &key.service, key.region.as_ref(), reason)
                .await;
        }
    }

    /// Forgets every detector (after losing the leadership, whose state another node may have moved on).
    pub fn reset(&mut self) {
        self.tracked.clear();
        self.regions_scanned_to = None;
        self.groups_loaded = false;
        self.unlisted_done_for = None;
    }

    /// Brings every series up to the last closed minute.
    #[tracing::instrument(name = "monitor_pass", skip_all)]
    pub async fn pass(&mut self) -> Result<PassSummary, MonitorError> {
        let now = self.clock.now();
        self.close_unlisted(now).await?;
        let last_closed = Resolution::Minute.floor(now) - Resolution::Minute.step();
        let mut keys: Vec<SeriesKey> = self
            .catalog
            .services()
            .iter()
            .map(|s| SeriesKey {
                service: s.slug.clone(),
                region: None,
            })
            .collect();
        let scan_from = self
            .regions_scanned_to
            .unwrap_or(Resolution::Minute.oldest_kept(now));
        for (service, region) in self.db.active_regions(scan_from).await? {
            keys.push(SeriesKey {
                service,
                region: Some(region),
            });
        }
        self.regions_scanned_to = Some(now);
        keys.extend(
            self.tracked
                .keys()
                .filter(|k| k.region.is_some())
                .cloned()
                .collect::<Vec<_>>(),
        );
        keys.sort_by(|a, b| (&a.service, &a.region).cmp(&(&b.service, &b.region)));
        keys.dedup();

        let mut summary = PassSummary::default();
        self.region_breadth = None;
        self.changed.clear();
        self.status_evidence.clear();
        for (i, key) in keys.iter().enumerate() {
            self.advance(key, last_closed, now, &mut summary).await?;
            summary.series += 1;
            if i % 256 == 255 {
                // A first pass warms thousands of detectors: let the runtime's other tasks run.
                tokio::task::yield_now().await;
            }
        }
        let changed = std::mem::take(&mut self.changed);
        let rows: Vec<StatusRow> = changed.iter().map(|(row, _)| row.clone()).collect();
        self.db.set_statuses(&rows).await?;
        self.db
            .set_status_evidence(&std::mem::take(&mut self.status_evidence))
            .await?;
        for (row, status) in changed {
            self.board.set(&row.service, status);
        }
        self.update_groups(now).await?;
        self.board.updated_at.store(now, Ordering::Relaxed);
        Ok(summary)
    }

    /// Names shared causes: groups the services with problems after the detectors have run.
    async fn update_groups(&mut self, now: i64) -> Result<(), MonitorError> {
        if !self.groups_loaded {
            self.board.set_groups(self.db.live_groups().await?);
            self.groups_loaded = true;
        }
        let regions: Vec<(ServiceSlug, RegionId)> = self
            .tracked
            .keys()
            .filter_map(|k| Some((k.service.clone(), k.region.clone()?)))
            .collect();
        crate::incident_groups::regroup(
            &self.db,
            &self.catalog,
            &self.counts,
            &self.board,
            &regions,
            now,
        )
        .await
    }

    async fn advance(
        &mut self,
        key: &SeriesKey,
        last_closed: i64,
        now: i64,
        summary: &mut PassSummary,
    ) -> Result<(), MonitorError> {
        let oldest = Resolution::Minute.oldest_kept(now);
        if !self.tracked.contains_key(key) {
            let detector = self.warmed_detector(key, oldest).await?;
            self.tracked.insert(
                key.clone(),
                Tracked {
                    detector,
                    next: oldest,
                    outage_id: None,
                    hour: VecDeque::new(),
                    notified_peak: 0.0,
                },
            );
        }
        let next = self.tracked[key].next.max(oldest);
        if next > last_closed {
            return Ok(());
        }
        let minute = Resolution::Minute.step();
        let range = crate::counts::BucketRange {
            first: next,
            count: ((last_closed - next) / minute + 1) as usize,
            step: minute,
        };
        let counts = self
            .counts
            .series(&key.service, &key.dim(), Resolution::Minute, range)
            .await?;
        // Breadth within the series' own reports: a regional outage needs many networks of its region.
        let networks = self.networks_series(key, range).await?;
        // "Works again for me" is evidence that the service's outage is over; it names no region.
        let recovered = if key.region.is_none() {
            self.counts
                .series(&key.service, &Dim::Recovered, Resolution::Minute, range)
                .await?
        } else {
            vec![0; range.count]
        };
        let mut events = Vec::new();
        let mut last_update = None;
        let hour = last_hour(now);
        {
            let tracked = self.tracked.get_mut(key).expect("inserted above");
            for (((at, count), networks), recovered) in
                range.starts().zip(counts).zip(networks).zip(recovered)
            {
                if key.region.is_none() && at >= hour.first {
                    tracked.hour.push_back((at, count));
                }
                let update = tracked.detector.update_bucket(Bucket {
                    at,
                    count: count as f64,
                    networks: Some(networks as f64),
                    recovered: recovered as f64,
                })?;
                if let Some(event) = update.event {
                    events.push((event, update));
                }
                last_update = Some(update);
            }
            tracked.next = last_closed + minute;
            while tracked.hour.front().is_some_and(|&(at, _)| at < hour.first) {
                tracked.hour.pop_front();
            }
        }
        summary.buckets += range.count;
        for (event, update) in events {
            match event {
                Event::Started(o) => {
                    summary.started += 1;
                    let (id, declared) = store_outage(&self.db, key, &o, None, now).await?;
                    let tracked = self.tracked.get_mut(key).expect("tracked");
                    tracked.outage_id = Some(id);
                    tracked.notified_peak = o.peak_count;
                    // An outage an earlier leader declared (a takeover, a restart) is news to no one.
                    if declared {
                        self.keep_outage_evidence(key, id, &update, now).await?;
                        self.tell(EventKind::Started, id, key, None).await;
                    }
                }
                Event::Resolved(o) => {
                    summary.resolved += 1;
                    let id = self.tracked.get_mut(key).expect("tracked").outage_id.take();
                    let id = self.record_outage(key, &o, id, now).await?;
                    self.tracked.get_mut(key).expect("tracked").notified_peak = 0.0;
                    self.tell(EventKind::Resolved, id, key, None).await;
                }
            }
        }
        let tracked = &self.tracked[key];
        if let (Some(o), Some(id)) = (tracked.detector.open_outage().copied(), tracked.outage_id) {
            // Keep the ongoing outage's peak and breakdown current for its page.
            self.record_outage(key, &o, Some(id), now).await?;
            // Subscribers hear of a peak that doubled since they last heard, not of every minute's.
            let tracked = self.tracked.get_mut(key).expect("tracked");
            if tracked.notified_peak <= 0.0 {
                tracked.notified_peak = o.peak_count;
            } else if o.peak_count >= 2.0 * tracked.notified_peak {
                tracked.notified_peak = o.peak_count;
                self.tell(EventKind::Updated, id, key, Some(UpdateReason::PeakRose))
                    .await;
            }
        }
        if key.region.is_none() {
            let count: u64 = self.tracked[key].hour.iter().map(|&(_, c)| c).sum();
            let normal = self
                .normals
                .model(&key.service, &Dim::All, now)
                .await?
                .normal(hour.first, HOUR);
            let above = normal.is_some_and(|n| n.elevated(count as f64, &self.config));
            let changes = self.changed.len();
            self.publish_status(key, now, above);
            if let Some((row, _)) = self.changed.get(changes)
                && row.status == Status::Improving
                && let Some(id) = row.outage_id
            {
                self.tell(EventKind::Updated, id, key, Some(UpdateReason::Improving))
                    .await;
            }
            if self.changed.len() > changes {
                let hour_end = hour.first + HOUR;
                let evidence = match last_update {
                    Some(update)
                        if !above || self.tracked[key].detector.status() != Status::Normal =>
                    {
                        self.verdict_evidence(key, &update, now).await?
                    }
                    _ => {
                        self.hour_evidence(key, hour_end, count as f64, normal, now)
                            .await?
                    }
                };
                self.status_evidence.push((key.service.clone(), evidence));
            }
        }
        Ok(())
    }

    async fn warmed_detector(
        &self,
        key: &SeriesKey,
        first_minute: i64,
    ) -> Result<Detector, MonitorError> {
        // The seasonal profile in the zone the series' people live in, as its normal's.
        let zone = series_zone(self.catalog.get(key.service.as_str()), &key.dim());
        let mut detector = Detector::in_zone(self.config, Resolution::Minute.step(), zone)?;
        let hours_range = Resolution::Hour.window_ending_at(
            first_minute - 1,
            Resolution::Hour.retention() - 2 * Resolution::Hour.step(),
        );
        let hours = self
            .counts
            .series(&key.service, &key.dim(), Resolution::Hour, hours_range)
            .await?;
        let hourly: Vec<(i64, f64)> = from_first_report(hours_range, hours)
            .into_iter()
            .map(|(t, c)| (t, c as f64))
            .collect();
        detector.warm_hourly(&hourly, first_minute)?;
        Ok(detector)
    }

    async fn record_outage(
        &self,
        key: &SeriesKey,
        o: &Outage,
        id: Option<i64>,
        now: i64,
    ) -> Result<i64, MonitorError> {
        Ok(store_outage(&self.db, key, o, id, now).await?.0)
    }

    /// Publishes the detector's status, or "elevated" when the detector sees nothing but the last
    /// hour is `above` normal.
    fn publish_status(&mut self, key: &SeriesKey, now: i64, above: bool) {
        let tracked = &self.tracked[key];
        let status = match tracked.detector.status() {
            Status::Normal if above => Status::Elevated,
            status => status,
        };
        let current = self.board.get(&key.service);
        let since = match tracked.detector.open_outage() {
            Some(o) if status.outage_open() => o.start,
            _ if status == current.status && current.since != 0 => current.since,
            _ => Resolution::Minute.floor(now) - Resolution::Minute.step(),
        };
        let next = ServiceStatus {
            status,
            since,
            outage_id: tracked.outage_id,
        };
        if next == current {
            return;
        }
        let row = StatusRow {
            service: key.service.clone(),
            status,
            since,
            outage_id: tracked.outage_id,
            updated_at: now,
        };
        self.changed.push((row, next));
    }
}

/// Runs the monitor every `interval` while this node leads; otherwise follows the leader's statuses.
/// The lease is renewed by [`Leadership::keep`], on its own cadence.
pub async fn run(mut monitor: Monitor, leadership: Leadership, interval: Duration) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut leading = false;
    loop {
        tick.tick().await;
        if leadership.leads() {
            if !leading {
                tracing::info!(
                    node = leadership.node(),
                    "this node runs the monitor; its first pass learns every series' history"
                );
                leading = true;
            }
            match monitor.pass().await {
                Ok(s) if s.started + s.resolved > 0 => tracing::info!(
                    series = s.series,
                    buckets = s.buckets,
                    started = s.started,
                    resolved = s.resolved,
                    "monitor pass"
                ),
                Ok(s) => tracing::debug!(series = s.series, buckets = s.buckets, "monitor pass"),
                Err(e) => {
                    tracing::error!(error = %e, "monitor pass failed; retrying next interval")
                }
            }
        } else {
            if leading {
                tracing::info!(
                    node = leadership.node(),
                    "another node runs the monitor now"
                );
                monitor.reset();
                leading = false;
            }
            if let Err(e) = monitor.board.load(&monitor.db).await {
                tracing::warn!(error = %e, "cannot read statuses");
            }
        }
    }
}

/// Inserts or updates the outage row (matching one stored before a restart or by an earlier leader)
/// with its breakdown. Returns its id, and true when it was declared now (a new row).
async fn store_outage(
    db: &Db,
    key: &SeriesKey,
    o: &Outage,
    id: Option<i64>,
    now: i64,
) -> Result<(i64, bool), MonitorError> {
    let until = o.end.unwrap_or(now);
    let (top_problems, regions) = db
        .report_breakdown(
            &key.service,
            key.region.as_ref(),
            o.start,
            until + Resolution::Minute.step(),
        )
        .await?;
    let record = OutageRecord {
        service: key.service.clone(),
        region: key.region.clone(),
        started_at: o.start,
        ended_at: o.end,
        peak_at: o.peak_at,
        peak_count: o.peak_count,
        baseline_at_peak: o.baseline_at_peak,
        top_problems,
        regions,
    };
    let id = match id {
        Some(id) => Some(id),
        None => {
            db.overlapping_outage(&key.service, key.region.as_ref(), o.start, until)
                .await?
        }
    };
    match id {
        Some(id) => {
            db.update_outage(id, &record, now).await?;
            Ok((id, false))
        }
        None => {
            let id = db.insert_outage(&record, now).await?;
            tracing::info!(
                service = %key.service,
                region = key.region.as_ref().map_or("all", RegionId::as_str),
                outage = id,
                started_at = %crate::clock::rfc3339(o.start),
                "outage declared"
            );
            Ok((id, true))
        }
    }
}
