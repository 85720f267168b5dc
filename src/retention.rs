//! Retention (issue 14 §3): raw reports, with their reporter and network keys, are kept for the
//! retention period (`--retention-days`, 30 by default). Older ones are first folded into hourly
//! counts of every counter series (`report_hours`: per service, hour and series, no key of anyone),
//! which is all that counters, charts, the series API and normals read of such old hours
//! (`store/reports.rs::bucket_counts`, `store/outages.rs::regions_reported`), then deleted: in small
//! batches, each its own short transaction with a pause after it, so that SQLite's single writer
//! (the intake's) never waits long; on PostgreSQL, `reports` is partitioned by day and whole
//! partitions are dropped (`store/retention.rs`).
//!
//! The job runs on the monitor's leader (`monitor/leadership.rs`) every [`RetentionSettings::every`]
//! and as `downtally retention run`. It is safe to stop at any point: hourly counts are written
//! with the watermark that covers them in one transaction (`report_folds`), and only reports below
//! the watermark are ever deleted. History written below the watermark after it moved (a backfill
//! reaching past the retention period, `backfill.rs::store_history`) goes straight into the hourly
//! counts ([`HourFolder`]), as folding it would have.
//!
//! Comments are kept for the outage history, keys are not: the comment of a deleted report that
//! pages show (the report counted; not only links) moves into `comments` in the transaction that
//! deletes the report (or drops its partition), without the report's keys, with its problem, its
//! hidden state and its readers' flags; its old id (`r7`) still names it (`store/comments.rs`).
//! Then the reporter and network keys of comments, and the network keys of flags, older than the
//! retention period are forgotten, and flags whose comment is gone are deleted.

use crate::clock::Clock;
use crate::counts::admission::NETWORK_WINDOW_SECS;
use crate::counts::{BucketCount, Dim, Hit, Resolution};
use crate::domain::{NetworkKey, ReportKind, ServiceSlug};
use crate::monitor::Leadership;
use crate::store::{Db, NewReport, StoreError};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// Days raw reports are kept by default.
pub const DEFAULT_DAYS: u32 = 30;
/// The shortest retention allowed: the counters' minutes (48 hours) and the monitor's recent scans
/// read raw reports, and a day's salt lives two days.
pub const MIN_DAYS: u32 = 3;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

/// Hours of reports read at once when folding (their counts are written in smaller transactions).
const FOLD_SPAN: i64 = 24 * HOUR;
/// Reports deleted per transaction (SQLite: a few milliseconds of the writer's time).
pub const DELETE_BATCH: i64 = 2_000;
/// The pause after each transaction of the job, in which the intake's writer commits.
pub const DELETE_PAUSE: Duration = Duration::from_millis(20);
/// PostgreSQL: day partitions kept ready ahead of today.
pub const PARTITIONS_AHEAD_DAYS: i64 = 3;

/// What the job does and how often.
#[derive(Debug, Clone, Copy)]
pub struct RetentionSettings {
    /// Raw reports older than this are folded and deleted.
    pub days: u32,
    /// How often the leader runs the job.
    pub every: Duration,
    /// The pause after each transaction that deletes or folds, in which the intake's writer commits.
    pub pause: Duration,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            days: DEFAULT_DAYS,
            every: Duration::from_secs(600),
            pause: DELETE_PAUSE,
        }
    }
}

impl RetentionSettings {
    /// Every hour before this (at `now`) is past the retention period.
    pub fn cutoff(&self, now: i64) -> i64 {
        Resolution::Hour.floor(now - i64::from(self.days) * DAY)
    }
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purge {
    /// Hours folded into hourly counts.
    pub hours_folded: usize,
    /// Rows written to `report_hours`.
    pub counts_written: usize,
    /// Reports deleted row by row.
    pub deleted: u64,
    /// PostgreSQL: day partitions dropped (UTC day numbers) and created.
    pub partitions_dropped: Vec<i64>,
    pub partitions_created: usize,
    /// Every hour before this is folded.
    pub folded_until: i64,
    /// Published comments of deleted reports moved into `comments`, without keys.
    pub comments_moved: u64,
    /// Comments whose reporter and network keys were forgotten, and flags whose network key was.
    pub comment_keys_forgotten: u64,
    pub flag_keys_forgotten: u64,
    /// Flags whose comment is gone, deleted.
    pub orphan_flags_deleted: u64,
}

/// Hourly counts of reports that are past the retention period already when they are written (a
/// backfill of old history, `backfill.rs`): what folding them would have put in `report_hours`,
/// series for series (`store/reports.rs::counted_buckets`), without storing them first. Reports
/// come in time order (for the networks series: a network's first counted report of each 15-minute
/// block counts, in the hour it came).
#[derive(Default)]
pub struct HourFolder {
    counts: HashMap<(ServiceSlug, Dim, i64), u64>,
    /// The networks seen in the current block, per service.
    block: i64,
    seen: HashSet<(ServiceSlug, NetworkKey)>,
}

impl HourFolder {
    pub fn add(&mut self, report: &NewReport) {
        if !report.counted {
            return;
        }
        let hour = Resolution::Hour.floor(report.created_at);
        let block = report.created_at.div_euclid(NETWORK_WINDOW_SECS);
        if block != self.block {
            debug_assert!(block > self.block || self.seen.is_empty(), "in time order");
            self.block = block;
            self.seen.clear();
        }
        let first_of_network = report.kind != ReportKind::WorksAgain
            && self
                .seen
                .insert((report.service.clone(), report.network.clone()));
        let hit = Hit {
            service: report.service.clone(),
            kind: report.kind,
            region: report.region.clone(),
            at: report.created_at,
            first_of_network,
        };
        for dim in hit.dims() {
            *self
                .counts
                .entry((report.service.clone(), dim, hour))
                .or_default() += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    pub fn finish(self) -> Vec<BucketCount> {
        self.counts
            .into_iter()
            .map(|((service, dim, start), count)| BucketCount {
                service,
                dim,
                resolution: Resolution::Hour,
                start,
                count,
            })
            .collect()
    }
}

/// Keeps PostgreSQL's day partitions ready from yesterday to [`PARTITIONS_AHEAD_DAYS`] ahead of
/// `now` (every node does this at start; the job on the leader after that). Nothing on SQLite.
pub async fn prepare_partitions(db: &Db, now: i64) -> Result<usize, StoreError> {
    let today = now.div_euclid(DAY);
    db.ensure_partitions(today - 1, today + PARTITIONS_AHEAD_DAYS)
        .await
}

/// One run: partitions ahead, every whole hour past the retention period folded, then the reports
/// of folded hours deleted (partitions dropped first on PostgreSQL).
pub async fn run_once(
    db: &Db,
    settings: &RetentionSettings,
    now: i64,
) -> Result<Purge, StoreError> {
    let mut purge = Purge {
        partitions_created: prepare_partitions(db, now).await?,
        ..Purge::default()
    };
    let cutoff = settings.cutoff(now);
    let mut hour = db.folded_until().await?;
    while hour < cutoff {
        // Stretches without reports are skipped (the first run starts at the oldest report); a
        // day of hours is read at once.
        let until = match db.oldest_report_hour(hour).await? {
            Some(first) if first < cutoff => {
                hour = hour.max(first);
                let until = (hour + FOLD_SPAN).min(cutoff);
                purge.hours_folded += ((until - hour) / HOUR) as usize;
                until
            }
            _ => cutoff,
        };
        purge.counts_written += db.fold_hours(hour, until).await?;
        hour = until;
        pause(settings).await;
    }
    purge.folded_until = db.folded_until().await?;
    let dropped = db.drop_partitions_before(purge.folded_until).await?;
    purge.partitions_dropped = dropped.days;
    purge.comments_moved = dropped.comments_moved;
    loop {
        let deleted = db
            .delete_reports_before(purge.folded_until, DELETE_BATCH)
            .await?;
        purge.deleted += deleted.reports;
        purge.comments_moved += deleted.comments_moved;
        if deleted.reports < DELETE_BATCH as u64 {
            break;
        }
        pause(settings).await;
    }
    // Keys of comments and flags go after the same period (the caps read the last minutes).
    loop {
        let forgotten = db.forget_comment_keys(cutoff, DELETE_BATCH).await?;
        purge.comment_keys_forgotten += forgotten;
        if forgotten < DELETE_BATCH as u64 {
            break;
        }
        pause(settings).await;
    }
    loop {
        let forgotten = db.forget_flag_keys(cutoff, DELETE_BATCH).await?;
        purge.flag_keys_forgotten += forgotten;
        if forgotten < DELETE_BATCH as u64 {
            break;
        }
        pause(settings).await;
    }
    purge.orphan_flags_deleted = db.delete_orphan_flags().await?;
    Ok(purge)
}

async fn pause(settings: &RetentionSettings) {
    if settings.pause.is_zero() {
        tokio::task::yield_now().await;
    } else {
        tokio::time::sleep(settings.pause).await;
    }
}

/// Runs the job every `settings.every` while this node leads (the monitor's lease).
pub async fn run(db: Db, clock: Clock, settings: RetentionSettings, leadership: Leadership) {
    let mut tick = tokio::time::interval(settings.every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first run one interval after start (a node that just took the lease over is busy enough).
    tick.tick().await;
    loop {
        tick.tick().await;
        if !leadership.leads() {
            continue;
        }
        let started = Instant::now();
        match run_once(&db, &settings, clock.now()).await {
            Ok(p)
                if p.hours_folded > 0
                    || p.deleted > 0
                    || !p.partitions_dropped.is_empty()
                    || p.comment_keys_forgotten > 0
                    || p.flag_keys_forgotten > 0
                    || p.orphan_flags_deleted > 0 =>
            {
                tracing::info!(
                    hours_folded = p.hours_folded,
                    deleted = p.deleted,
                    partitions_dropped = p.partitions_dropped.len(),
                    comments_moved = p.comments_moved,
                    comment_keys_forgotten = p.comment_keys_forgotten,
                    flag_keys_forgotten = p.flag_keys_forgotten,
                    orphan_flags_deleted = p.orphan_flags_deleted,
                    folded_until = %crate::clock::rfc3339(p.folded_until),
                    took_ms = started.elapsed().as_millis() as u64,
                    "retention: old reports folded into hourly counts and deleted"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "retention run failed; will retry"),
        }
    }
}
