//! The monitor: every interval it feeds the just-closed minute buckets of every service and every
//! (service, region) to its detector, records outages in SQL and keeps each service's status.
//!
//! Detectors live in memory on the node that runs the monitor. A new detector (at start, or for a
//! region seen for the first time) is warmed from the counter store: 8 weeks of hourly buckets, then
//! the last 48 hours of minute buckets replayed through `update`. With Redis, a lock makes exactly one
//! app node the monitor; the others read statuses from SQL.
//!
//! A service's status is its detector's, and "elevated" also when its last hour is far above its
//! normal (`detect::Normal::elevated` over [`last_hour`], the normal the pages show): the headline
//! never says "no problems" beside an hour the chart shows well above its band.

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::counts::buckets::HOUR;
use crate::counts::{
    BucketRange, CountError, CountStore, Counts, Dim, Lease, Resolution, from_first_report,
};
use crate::detect::groups::Group;
use crate::detect::{
    Breadth, Bucket, Crossing, DetectError, Detector, DetectorConfig, Event, Normal, NormalModel,
    Outage, Statistic, Status, Update, VerdictEvidence,
};
use crate::domain::{RegionId, ServiceSlug};
use crate::normals::{Normals, series_zone};
use crate::store::{Db, OutageRecord, StatusRow, StoreError};
use parking_lot::RwLock;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Counts(#[from] CountError),
    #[error(transparent)]
    Detect(#[from] DetectError),
}

/// What pages show about a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceStatus {
    pub status: Status,
    /// When the current status began (for an outage: its start).
    pub since: i64,
    pub outage_id: Option<i64>,
}

impl Default for ServiceStatus {
    fn default() -> Self {
        Self {
            status: Status::Normal,
            since: 0,
            outage_id: None,
        }
    }
}

/// Current statuses, shared with the pages. Reads are a map lookup.
#[derive(Clone, Default)]
pub struct StatusBoard {
    statuses: Arc<RwLock<HashMap<ServiceSlug, ServiceStatus>>>,
    updated_at: Arc<AtomicI64>,
    /// The incident groups going on (see `incident_groups.rs`).
    groups: Arc<RwLock<Vec<Group>>>,
}

impl StatusBoard {
    pub fn get(&self, service: &ServiceSlug) -> ServiceStatus {
        self.statuses
            .read()
            .get(service)
            .cloned()
            .unwrap_or_default()
    }

    /// When the monitor last finished a pass (epoch seconds; 0 before the first).
    pub fn updated_at(&self) -> i64 {
        self.updated_at.load(Ordering::Relaxed)
    }

    fn set(&self, service: &ServiceSlug, status: ServiceStatus) {
        self.statuses.write().insert(service.clone(), status);
    }

    /// Replaces the board with what the monitor (maybe on another node) stored.
    pub async fn load(&self, db: &Db) -> Result<(), StoreError> {
        let rows = db.statuses().await?;
        let latest = rows.iter().map(|r| r.updated_at).max().unwrap_or(0);
        let map = rows
            .into_iter()
            .map(|r| {
                (
                    r.service,
                    ServiceStatus {
                        status: r.status,
                        since: r.since,
                        outage_id: r.outage_id,
                    },
                )
            })
            .collect();
        *self.statuses.write() = map;
        *self.groups.write() = db.live_groups().await?;
        self.updated_at.fetch_max(latest, Ordering::Relaxed);
        Ok(())
    }

    /// The incident groups going on, oldest first.
    pub fn groups(&self) -> Vec<Group> {
        self.groups.read().clone()
    }

    /// The incident group `service` is in now.
    pub fn group_of(&self, service: &ServiceSlug) -> Option<Group> {
        self.groups.read().iter().find(|g| g.has(service)).cloned()
    }

    pub(crate) fn set_groups(&self, groups: Vec<Group>) {
        *self.groups.write() = groups;
    }
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
    catalog: Arc<Catalog>,
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
}

impl Monitor {
    pub fn new(
        catalog: Arc<Catalog>,
        db: Db,
        counts: Counts,
        clock: Clock,
        board: StatusBoard,
        config: DetectorConfig,
    ) -> Self {
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
        }
    }

    /// Forgets every detector (after losing the leadership, whose state another node may have moved on).
    pub fn reset(&mut self) {
        self.tracked.clear();
        self.regions_scanned_to = None;
        self.groups_loaded = false;
    }

    /// Brings every series up to the last closed minute.
    #[tracing::instrument(name = "monitor_pass", skip_all)]
    pub async fn pass(&mut self) -> Result<PassSummary, MonitorError> {
        let now = self.clock.now();
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
        // Breadth is the service's: a regional outage also needs reports from many networks.
        let networks = self
            .counts
            .series(&key.service, &Dim::Networks, Resolution::Minute, range)
            .await?;
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
                    let id = self.record_outage(key, &o, None, now).await?;
                    self.tracked.get_mut(key).expect("tracked").outage_id = Some(id);
                    self.keep_outage_evidence(key, id, &update, now).await?;
                }
                Event::Resolved(o) => {
                    summary.resolved += 1;
                    let id = self.tracked.get_mut(key).expect("tracked").outage_id.take();
                    self.record_outage(key, &o, id, now).await?;
                }
            }
        }
        let tracked = &self.tracked[key];
        if let (Some(o), Some(id)) = (tracked.detector.open_outage().copied(), tracked.outage_id) {
            // Keep the ongoing outage's peak and breakdown current for its page.
            self.record_outage(key, &o, Some(id), now).await?;
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
        store_outage(&self.db, key, o, id, now).await
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

/// The evidence of verdicts (issue 12 §6): what the monitor keeps with an outage when it is declared
/// and with a status when it changes, read from the same counters and normals the pages show.
impl Monitor {
    /// Keeps what decided outage `id`, declared in the bucket of `update`.
    async fn keep_outage_evidence(
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
    async fn verdict_evidence(
        &self,
        key: &SeriesKey,
        update: &Update,
        now: i64,
    ) -> Result<VerdictEvidence, MonitorError> {
        let end = update.at + Resolution::Minute.step();
        let window = update.crossing.window_secs(&self.config);
        self.evidence(key, end, window, None, update.crossing, now)
            .await
    }

    /// The last hour's verdict (a service "elevated" because its last hour is far above normal):
    /// `count` against the hour's `normal`, with the bar of "elevated".
    async fn hour_evidence(
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
        // Breadth is the service's, as the detector reads it.
        let networks = self
            .minutes_sum(key, &Dim::Networks, end - breadth_secs, end)
            .await?;
        let usual = model
            .normal(end - breadth_secs, breadth_secs)
            .map_or(0.0, |n| n.expected);
        Ok(VerdictEvidence {
            at: end,
            window_secs: window,
            observed,
            normal: model.normal(end - window, window).map(Into::into),
            breadth: Some(Breadth::new(networks, usual, &self.config)),
            crossing,
            settings: self.config.version(),
        })
    }

    /// Sum of the minute buckets of `key.service`'s series `dim` in `[from, to)`.
    async fn minutes_sum(
        &self,
        key: &SeriesKey,
        dim: &Dim,
        from: i64,
        to: i64,
    ) -> Result<f64, MonitorError> {
        let minute = Resolution::Minute.step();
        let first = Resolution::Minute.floor(from);
        let range = BucketRange {
            first,
            count: ((to - first) / minute).max(0) as usize,
            step: minute,
        };
        let counts = self
            .counts
            .series(&key.service, dim, Resolution::Minute, range)
            .await?;
        Ok(counts.iter().sum::<u64>() as f64)
    }
}

/// Decides which node runs the monitor: the holder of a lease in the store the nodes share, or, with
/// in-process counters, the only node.
pub struct Leadership {
    lease: Option<Arc<dyn Lease>>,
    node: String,
    ttl: Duration,
}

/// The name of the monitor's lease in the shared store.
pub const LEADER_LEASE: &str = "dt:monitor:leader";

impl Leadership {
    /// The only node: it always leads.
    pub fn alone() -> Self {
        Self {
            lease: None,
            node: String::new(),
            ttl: Duration::ZERO,
        }
    }

    /// Contends for `lease` as `node`; the lease lapses `ttl` after its holder last renewed it.
    pub fn contend(lease: Arc<dyn Lease>, node: impl Into<String>, ttl: Duration) -> Self {
        Self {
            lease: Some(lease),
            node: node.into(),
            ttl,
        }
    }

    /// This node's leadership over the nodes that share `counts`, renewed every `interval`: a lease
    /// held for three intervals, so one late renewal does not hand the monitor over.
    pub fn over(counts: &Counts, interval: Duration) -> Self {
        match counts.lease(LEADER_LEASE) {
            Some(lease) => Self::contend(
                lease,
                format!("{:016x}", rand::random::<u64>()),
                interval * 3,
            ),
            None => Self::alone(),
        }
    }

    /// Takes or renews the lease. True while this node leads; false when the store cannot be reached
    /// (no node then runs two monitors' worth of work on stale state).
    pub async fn hold(&self) -> bool {
        match &self.lease {
            None => true,
            Some(lease) => match lease.try_hold(&self.node, self.ttl).await {
                Ok(held) => held,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot reach the monitor's lease");
                    false
                }
            },
        }
    }
}

/// Runs the monitor every `interval` while this node leads; otherwise follows the leader's statuses.
pub async fn run(mut monitor: Monitor, leadership: Leadership, interval: Duration) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut leading = false;
    loop {
        tick.tick().await;
        if leadership.hold().await {
            if !leading {
                tracing::info!(
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
                tracing::info!("another node runs the monitor now");
                monitor.reset();
                leading = false;
            }
            if let Err(e) = monitor.board.load(&monitor.db).await {
                tracing::warn!(error = %e, "cannot read statuses");
            }
        }
    }
}

/// Inserts or updates the outage row (matching one stored before a restart) with its breakdown.
async fn store_outage(
    db: &Db,
    key: &SeriesKey,
    o: &Outage,
    id: Option<i64>,
    now: i64,
) -> Result<i64, MonitorError> {
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
            Ok(id)
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
            Ok(id)
        }
    }
}

/// A detector fed from nothing spends its first days learning what is normal; outages it declares
/// then are not trusted by [`declare_past_outages`].
const HISTORY_WARM_UP_SECS: i64 = 3 * 86_400;

/// Runs each service's detector over its reports in SQL from `from` to the oldest minute the counter
/// store keeps at `now`, and stores the outages that ended in that time (after the detector's first
/// [`HISTORY_WARM_UP_SECS`]). The monitor watches only
/// what the counters hold (48 hours of minutes), so history loaded at once (the demo's 14 days, an
/// import) would otherwise show no outage older than two days. Returns how many were stored.
pub async fn declare_past_outages(
    db: &Db,
    catalog: &Catalog,
    config: DetectorConfig,
    from: i64,
    now: i64,
) -> Result<usize, MonitorError> {
    let until = Resolution::Minute.oldest_kept(now);
    let from = Resolution::Minute.floor(from);
    let mut stored = 0;
    for service in catalog.services() {
        let counts = db.counted_per_minute(&service.slug, from, until).await?;
        let Some(&(first, _)) = counts.first() else {
            continue;
        };
        let key = SeriesKey {
            service: service.slug.clone(),
            region: None,
        };
        let zone = series_zone(Some(service), &Dim::All);
        let normal = past_normal(&counts, until, config, zone);
        let mut detector = Detector::in_zone(config, Resolution::Minute.step(), zone)?;
        let mut reported = counts.into_iter().peekable();
        let mut recent = VecDeque::new();
        let mut declared = None;
        for at in (first..until).step_by(Resolution::Minute.step() as usize) {
            let count = match reported.peek() {
                Some(&(t, n)) if t == at => {
                    reported.next();
                    n
                }
                _ => 0,
            };
            let update = detector.update(at, count as f64)?;
            past_minutes(&mut recent, at, count, config);
            match update.event {
                Some(Event::Started(_)) => {
                    declared = Some(past_evidence(&normal, &recent, &update, config));
                }
                Some(Event::Resolved(o)) if o.start >= first + HISTORY_WARM_UP_SECS => {
                    let id = store_outage(db, &key, &o, None, now).await?;
                    if let Some(evidence) = declared.take() {
                        db.set_outage_evidence(id, &evidence).await?;
                    }
                    stored += 1;
                }
                _ => {}
            }
        }
    }
    Ok(stored)
}

/// The normal of a service's history replayed from SQL (`counts`: counted reports per minute), learnt
/// from its hourly sums as [`Normals`] learns it from the counters' hourly buckets.
fn past_normal(
    counts: &[(i64, u64)],
    until: i64,
    config: DetectorConfig,
    zone: chrono_tz::Tz,
) -> NormalModel {
    let mut hours: Vec<(i64, f64)> = Vec::new();
    for &(at, n) in counts {
        let hour = Resolution::Hour.floor(at);
        match hours.last_mut() {
            Some((h, sum)) if *h == hour => *sum += n as f64,
            _ => hours.push((hour, n as f64)),
        }
    }
    NormalModel::from_hourly(&hours, until, config, zone)
}

/// Keeps the minutes of the longest scoring window, newest last.
fn past_minutes(recent: &mut VecDeque<(i64, u64)>, at: i64, count: u64, config: DetectorConfig) {
    recent.push_back((at, count));
    let oldest = at + Resolution::Minute.step() - config.long_window_secs.max(HOUR);
    while recent.front().is_some_and(|&(t, _)| t < oldest) {
        recent.pop_front();
    }
}

/// What decided an outage found in history: as [`Monitor`]'s evidence, without breadth (history in
/// SQL is replayed without its networks, and so without the breadth rule).
fn past_evidence(
    normal: &NormalModel,
    recent: &VecDeque<(i64, u64)>,
    update: &Update,
    config: DetectorConfig,
) -> VerdictEvidence {
    let end = update.at + Resolution::Minute.step();
    let window = update
        .crossing
        .window_secs(&config)
        .max(Resolution::Minute.step());
    let observed: u64 = recent
        .iter()
        .filter(|&&(t, _)| t >= end - window)
        .map(|&(_, n)| n)
        .sum();
    VerdictEvidence {
        at: end,
        window_secs: window,
        observed: observed as f64,
        normal: normal.normal(end - window, window).map(Into::into),
        breadth: None,
        crossing: update.crossing,
        settings: config.version(),
    }
}
