//! A full monitor pass over 10,000 services with the in-process counter store and a SQLite
//! database (issue 3, part 7: target under 1 second).
//!
//! Setup (not measured): a catalog of 10,000 synthetic services, a temporary SQLite database
//! (migrated, catalog synced), and a `MemoryCounts` holding 14 days of hourly and 48 hours of
//! minute buckets (`Dim::All`) per service, simulated with small per-service rates and stored
//! with `replace_all`. Then:
//!
//! 1. the first pass, timed once and printed: it warms 10,000 detectors from the hourly
//!    history and replays 48 hours of minutes through each;
//! 2. the steady-state pass, measured by criterion: before each pass (outside the timing) the
//!    manual clock moves on 60 s and one new minute of simulated reports per service is recorded
//!    with `CountStore::record`, so each pass feeds one bucket to every detector.
//!
//! With `MONITOR_BENCH_BREAKDOWN=1` the bench first times, by themselves, the parts the first
//! pass is made of (counter reads, detector warm-up and replay, one status upsert per service),
//! and prints how many statuses each steady-state pass changed (each change is one SQL upsert).

use criterion::{Criterion, criterion_group, criterion_main};
use downtally::catalog::Catalog;
use downtally::clock::Clock;
use downtally::counts::{BucketCount, CountStore, Counts, Dim, Hit, Resolution};
use downtally::detect::{Detector, DetectorConfig};
use downtally::domain::{ProblemKind, ReportKind, ServiceSlug};
use downtally::monitor::{Monitor, StatusBoard};
use downtally::simulate::{SimSpec, simulate_counts};
use downtally::startup::open_db;
use downtally::store::{Db, StatusRow};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

const SERVICES: usize = 10_000;
/// 2024-01-01 00:00 UTC, a Monday: the first simulated bucket.
const MONDAY: i64 = 1_704_067_200;
/// Simulated history before the first pass.
const HISTORY_DAYS: u32 = 14;
/// The first pass runs on a Monday at 10:30:05 UTC, near the daily peak.
const FIRST_NOW: i64 = MONDAY + HISTORY_DAYS as i64 * 86_400 + 10 * 3_600 + 30 * 60 + 5;

fn slug(i: usize) -> ServiceSlug {
    ServiceSlug::parse(&format!("svc-{:05}", i + 1)).expect("a valid slug")
}

fn catalog_toml() -> String {
    let mut toml = String::with_capacity(SERVICES * 128);
    for i in 0..SERVICES {
        let _ = write!(
            toml,
            "[[service]]\nslug = \"{s}\"\nname = \"Service {n}\"\ncountries = [\"IT\"]\n\
             category = \"bank\"\nwebsite = \"https://example.com/\"\n\n",
            s = slug(i),
            n = i + 1,
        );
    }
    toml
}

/// Reports a minute at the weekday peak: log-uniform from 0.02 to 2 (most services are quiet).
fn peak_rate(i: usize) -> f64 {
    let u = (i as f64 * 0.618_033_988_75).fract();
    0.02 * 100f64.powf(u)
}

/// Minute counts of service `i` from `MONDAY` over `minutes` minutes (deterministic per service).
fn simulated_minutes(i: usize, minutes: u32) -> Vec<(i64, u32)> {
    let mut spec = SimSpec::quiet(MONDAY, 0, peak_rate(i), 7_919 + i as u64);
    spec.buckets = minutes;
    simulate_counts(&spec)
}

/// History of every service as absolute buckets: hours (including the current, partial one) of
/// the last 14 days and minutes of the last 48 hours before `now`.
fn history(now: i64) -> Vec<BucketCount> {
    let until = Resolution::Minute.floor(now);
    let minutes = ((until - MONDAY) / 60) as u32;
    let minute_from = Resolution::Minute.oldest_kept(now);
    let mut out = Vec::new();
    for i in 0..SERVICES {
        let service = slug(i);
        let mut hours: Vec<(i64, u64)> = Vec::with_capacity(HISTORY_DAYS as usize * 24 + 24);
        for (at, n) in simulated_minutes(i, minutes) {
            let hour = Resolution::Hour.floor(at);
            match hours.last_mut() {
                Some((h, c)) if *h == hour => *c += u64::from(n),
                _ => hours.push((hour, u64::from(n))),
            }
            if at >= minute_from && n > 0 {
                out.push(BucketCount {
                    service: service.clone(),
                    dim: Dim::All,
                    resolution: Resolution::Minute,
                    start: at,
                    count: u64::from(n),
                });
            }
        }
        out.extend(
            hours
                .into_iter()
                .filter(|&(_, c)| c > 0)
                .map(|(start, count)| BucketCount {
                    service: service.clone(),
                    dim: Dim::All,
                    resolution: Resolution::Hour,
                    start,
                    count,
                }),
        );
    }
    out
}

struct Fixture {
    monitor: Monitor,
    db: Db,
    counts: Counts,
    clock: Clock,
    board: StatusBoard,
    /// Simulated next minutes per service (one day after the first pass; wraps round), fed one a pass.
    ahead: Vec<Vec<u32>>,
    passes: usize,
    _dir: tempfile::TempDir,
}

impl Fixture {
    async fn build() -> Self {
        let t = Instant::now();
        let catalog = Arc::new(Catalog::parse(&catalog_toml()).expect("catalog"));
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let db = open_db(&url).await.expect("database");
        db.sync_catalog(&catalog, FIRST_NOW).await.expect("sync");
        let counts = Counts::memory();
        let buckets = history(FIRST_NOW);
        let stored = buckets.len();
        counts
            .replace_all(&buckets, FIRST_NOW)
            .await
            .expect("replace_all");
        drop(buckets);
        // The minutes after the first pass continue each service's simulation.
        let first_next = Resolution::Minute.floor(FIRST_NOW);
        let skip = ((first_next - MONDAY) / 60) as usize;
        let ahead = (0..SERVICES)
            .map(|i| {
                simulated_minutes(i, (skip + 1440) as u32)[skip..]
                    .iter()
                    .map(|&(_, n)| n)
                    .collect()
            })
            .collect();
        let clock = Clock::manual(FIRST_NOW);
        let board = StatusBoard::default();
        let monitor = Monitor::new(
            catalog,
            db.clone(),
            counts.clone(),
            clock.clone(),
            board.clone(),
            DetectorConfig::default(),
        );
        eprintln!(
            "monitor bench setup: {SERVICES} services, {stored} non-zero buckets stored, {:.1?}",
            t.elapsed()
        );
        Self {
            monitor,
            db,
            counts,
            clock,
            board,
            ahead,
            passes: 0,
            _dir: dir,
        }
    }

    /// Moves the clock on a minute and records the minute that just closed for every service.
    async fn next_minute(&mut self) {
        let now = self.clock.now() + 60;
        self.clock.set(now);
        let closed = Resolution::Minute.floor(now) - 60;
        let k = self.passes % self.ahead[0].len();
        let mut hits = Vec::new();
        for (i, minutes) in self.ahead.iter().enumerate() {
            let service = slug(i);
            for j in 0..minutes[k] as usize {
                hits.push(Hit {
                    service: service.clone(),
                    kind: ReportKind::Problem(ProblemKind::ALL[(i + j) % ProblemKind::ALL.len()]),
                    region: None,
                    at: closed + (j as i64 * 7) % 60,
                    first_of_network: false,
                });
            }
        }
        self.counts.record(&hits, now).await.expect("record");
        self.passes += 1;
    }
}

/// Times the first pass's parts one by one, as `Monitor` does them (see `src/monitor.rs`).
async fn breakdown(fx: &Fixture) {
    let now = fx.clock.now();
    let first_minute = Resolution::Minute.oldest_kept(now);
    let last_closed = Resolution::Minute.floor(now) - 60;
    let hours_range = Resolution::Hour.window_ending_at(
        first_minute - 1,
        Resolution::Hour.retention() - 2 * Resolution::Hour.step(),
    );
    let minutes_range = downtally::counts::BucketRange {
        first: first_minute,
        count: ((last_closed - first_minute) / 60 + 1) as usize,
        step: 60,
    };
    let (mut read, mut warm, mut replay) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for i in 0..SERVICES {
        let service = slug(i);
        let t = Instant::now();
        let hours = fx
            .counts
            .series(&service, &Dim::All, Resolution::Hour, hours_range)
            .await
            .expect("hours");
        let minutes = fx
            .counts
            .series(&service, &Dim::All, Resolution::Minute, minutes_range)
            .await
            .expect("minutes");
        read += t.elapsed();
        let t = Instant::now();
        let hourly: Vec<(i64, f64)> = hours_range
            .starts()
            .zip(hours)
            .skip_while(|&(_, c)| c == 0)
            .map(|(t, c)| (t, c as f64))
            .collect();
        let mut d = Detector::new(DetectorConfig::default(), 60).expect("detector");
        d.warm_hourly(&hourly, first_minute).expect("warm");
        warm += t.elapsed();
        let t = Instant::now();
        for (at, n) in minutes_range.starts().zip(minutes) {
            std::hint::black_box(d.update(at, n as f64).expect("update"));
        }
        replay += t.elapsed();
    }
    let t = Instant::now();
    let rows: Vec<StatusRow> = (0..SERVICES)
        .map(|i| StatusRow {
            service: slug(i),
            status: downtally::detect::Status::Normal,
            since: last_closed,
            outage_id: None,
            updated_at: now,
        })
        .collect();
    fx.db.set_statuses(&rows).await.expect("set_statuses");
    let upserts = t.elapsed();
    eprintln!(
        "first pass parts: counter reads {read:.2?}, warm_hourly {warm:.2?}, \
         replay of {} minutes x {SERVICES} {replay:.2?}, {SERVICES} status upserts {upserts:.2?} \
         ({:.0} us each)",
        minutes_range.count,
        upserts.as_secs_f64() * 1e6 / SERVICES as f64
    );
}

fn statuses(board: &StatusBoard) -> Vec<downtally::monitor::ServiceStatus> {
    (0..SERVICES).map(|i| board.get(&slug(i))).collect()
}

fn monitor_pass(c: &mut Criterion) {
    let rt = Runtime::new().expect("tokio runtime");
    let mut fx = rt.block_on(Fixture::build());
    let diagnose = std::env::var_os("MONITOR_BENCH_BREAKDOWN").is_some();
    if diagnose {
        rt.block_on(breakdown(&fx));
    }

    let t = Instant::now();
    let first = rt.block_on(fx.monitor.pass()).expect("first pass");
    eprintln!(
        "monitor first (warm-up) pass: {:.2?} ({} series, {} buckets)",
        t.elapsed(),
        first.series,
        first.buckets
    );

    let mut group = c.benchmark_group("monitor");
    group.sample_size(10);
    group.bench_function("steady_pass_10000_services", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                rt.block_on(fx.next_minute());
                let before = diagnose.then(|| statuses(&fx.board));
                let t = Instant::now();
                let s = rt.block_on(fx.monitor.pass()).expect("pass");
                let took = t.elapsed();
                total += took;
                assert_eq!(s.series, SERVICES);
                assert_eq!(s.buckets, SERVICES);
                if let Some(before) = before {
                    let changed = statuses(&fx.board)
                        .iter()
                        .zip(&before)
                        .filter(|(a, b)| a != b)
                        .count();
                    eprintln!(
                        "steady pass {:.1?}: {changed} statuses changed, {} outages started, {} resolved",
                        took, s.started, s.resolved
                    );
                }
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, monitor_pass);
criterion_main!(benches);
