//! `serve --demo`: simulated history in a database of its own, so demo data never mixes with real
//! reports, and simulated reports that keep arriving while it runs.
//!
//! The demo's story is anchored at the moment its history was simulated (the *anchor*): 14 days of
//! everyday reports for every service, a few past outages modelled on real ones, Intesa
//! Sanpaolo's outage, which began 25 minutes before the anchor and lasts until two hours after it,
//! and SMS codes failing at five Italian banks from about 40 minutes before the anchor for 100
//! minutes (one shared cause: an incident group).
//! While the server runs, [`Demo::run_live`] submits the reports the same simulation gives for each
//! passing moment through the intake, as real reports arrive, so the pages, the counters and the
//! monitor see a living service rather than a history that stopped at start (where the ongoing
//! outage resolved minutes later and pages read "no problems" beside its numbers).
//!
//! A restart within an hour of the demo's last report fills the gap and keeps the story; an older
//! demo is simulated afresh, so the ongoing outage is always about two hours from start.

use crate::backfill::simulated_reports;
use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::counts::{CountStore, Counts, Hit};
use crate::detect::DetectorConfig;
use crate::domain::ServiceSlug;
use crate::intake::{Intake, Origin, ReportInput};
use crate::regions::RegionCatalog;
use crate::simulate::{SimOutage, SimSpec, simulate_reports};
use crate::startup::open_db;
use crate::store::Db;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the demo keeps its simulated history, apart from real data.
pub const DEMO_DATABASE_URL: &str = "sqlite://data/demo.db";

/// Days of simulated history the demo starts with.
const DEMO_DAYS: i64 = 14;

/// A demo whose last report is older than this is simulated afresh rather than caught up.
const STALE_AFTER_SECS: i64 = 3_600;

/// How often live reports are submitted (seconds).
const LIVE_TICK_SECS: i64 = 10;

/// The demo's timeline, kept next to its database: when its story was anchored, and up to when
/// its reports have been simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Timeline {
    anchor: i64,
    through: i64,
}

/// A prepared demo: its services' simulations, anchored, and where its timeline is kept.
pub struct Demo {
    specs: Vec<(ServiceSlug, SimSpec)>,
    timeline: Timeline,
    timeline_path: PathBuf,
}

/// The database file behind the demo's URL.
fn database_path(url: &str) -> &Path {
    Path::new(url.trim_start_matches("sqlite://"))
}

fn timeline_path(url: &str) -> PathBuf {
    database_path(url).with_extension("timeline.json")
}

fn read_timeline(path: &Path) -> Option<Timeline> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn write_timeline(path: &Path, timeline: Timeline) -> std::io::Result<()> {
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec(&timeline)?)?;
    std::fs::rename(tmp, path)
}

/// Removes the database and its SQLite companions (write-ahead log, shared memory).
fn remove_database(db: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Prepares the demo database at `url` for a start at `now`: keeps it and fills the gap since its
/// last report when that is recent, else simulates its history afresh (about half a minute on this
/// machine: `serve` answers a "preparing" page meanwhile).
pub async fn prepare(url: &str, clock: &Clock) -> anyhow::Result<Demo> {
    let now = clock.now();
    let catalog = Catalog::embedded()?;
    let regions = RegionCatalog::embedded()?;
    let timeline_path = timeline_path(url);
    let kept = read_timeline(&timeline_path)
        .filter(|t| database_path(url).exists() && now - t.through <= STALE_AFTER_SECS);
    let db;
    let timeline = match kept {
        Some(timeline) => {
            db = open_db(url).await?;
            db.sync_catalog(&catalog, now).await?;
            tracing::info!(
                since = timeline.through,
                "demo: keeping the simulated history (the gap since its last report is filled live)"
            );
            timeline
        }
        None => {
            remove_database(database_path(url))?;
            db = open_db(url).await?;
            db.sync_catalog(&catalog, now).await?;
            tracing::info!(
                database = url,
                days = DEMO_DAYS,
                "demo: simulating history for every service"
            );
            let anchor = now.div_euclid(60) * 60;
            let mut reports = 0;
            for (slug, spec) in &specs(&catalog, &regions, anchor) {
                reports += crate::backfill::backfill_service(&db, slug, spec).await?;
            }
            tracing::info!(
                reports,
                "demo: history stored; looking for its past outages"
            );
            let past = crate::monitor::declare_past_outages(
                &db,
                &catalog,
                DetectorConfig::default(),
                anchor - DEMO_DAYS * 86_400,
                anchor,
            )
            .await?;
            tracing::info!(
                outages = past,
                "demo: outages found in the history older than 48 hours"
            );
            Timeline {
                anchor,
                through: anchor,
            }
        }
    };
    let specs = specs(&catalog, &regions, timeline.anchor);
    db.close().await;
    write_timeline(&timeline_path, timeline)?;
    Ok(Demo {
        specs,
        timeline,
        timeline_path,
    })
}

/// The simulation of every service, its history ending at `anchor`: volumes spread from quiet to
/// busy, and a few outages modelled on real ones: Intesa Sanpaolo's going on at the anchor and for
/// two hours after it, beside SMS codes failing at five other Italian banks at once (a shared
/// cause); Barclays' three-day failure ending two days before; American Express Italy's SMS codes.
pub fn specs(
    catalog: &Catalog,
    regions: &RegionCatalog,
    anchor: i64,
) -> Vec<(ServiceSlug, SimSpec)> {
    // From the top of an hour, so that no hour of the history is only partly simulated.
    let start = (anchor - DEMO_DAYS * 86_400).div_euclid(3600) * 3600;
    let known = |ids: &[&str]| -> Vec<String> {
        ids.iter()
            .filter(|id| regions.is_known(id))
            .map(|id| (*id).to_owned())
            .collect()
    };
    let outage = |ago_minutes: i64,
                  length: u32,
                  factor: f64,
                  problems: Vec<(&'static str, f64)>,
                  regions: Vec<String>| SimOutage {
        at: anchor - ago_minutes * 60,
        minutes: length,
        factor,
        problems,
        regions,
    };
    catalog
        .services()
        .iter()
        .enumerate()
        .map(|(i, service)| {
            // Deterministic spread of volumes: 0.2 to ~8 reports a minute at the daily peak; the
            // services with a story below are busy ones, so their outages stand out even at night.
            let spread = 0.2 * 40f64.powf(((i * 37) % 81) as f64 / 80.0);
            let outages = match service.slug.as_str() {
                "intesa-sanpaolo" => vec![outage(
                    25,
                    25 + 120,
                    8.0,
                    vec![("login", 0.5), ("mobile_app", 0.3), ("website", 0.2)],
                    known(&["IT-25", "IT-45", "IT-21"]),
                )],
                "american-express" => vec![outage(
                    3 * 1440,
                    180,
                    6.0,
                    vec![("sms_verification", 0.8), ("card", 0.2)],
                    Vec::new(),
                )],
                "monzo" => vec![outage(
                    6 * 1440 + 300,
                    90,
                    10.0,
                    vec![("login", 0.7), ("mobile_app", 0.3)],
                    known(&["TLI"]),
                )],
                // The Barclays story: payments failing for three days, across nights, at 2.5x,
                // ending before the minute counters' 48 hours (declared from history), on a series
                // with a week of history before it (as every series has once the demo has run).
                "barclays" => vec![outage(
                    5 * 1440 + 600,
                    3 * 1440,
                    2.5,
                    vec![("payments", 0.6), ("balance", 0.4)],
                    known(&["TLI", "TLJ", "TLK"]),
                )],
                // SMS codes failing at several Italian banks at once, minutes apart: a shared SMS
                // gateway (the AmEx Italy story's cause), which the pages name as one incident group,
                // going on beside Intesa Sanpaolo's own login outage (not part of it) for two hours
                // after the start.
                "unicredit" | "banco-bpm" | "bper-banca" | "finecobank" | "credem" => vec![outage(
                    40 - (i % 7) as i64,
                    40 + 120,
                    6.0,
                    vec![("sms_verification", 0.9), ("login", 0.1)],
                    Vec::new(),
                )],
                _ => Vec::new(),
            };
            let peak = if outages.is_empty() { spread } else { 6.0 };
            let spec = SimSpec {
                start,
                buckets: ((anchor - start) / 60) as u32,
                step_secs: 60,
                peak_per_minute: peak,
                weekend_factor: 0.7,
                growth_per_week: 0.0,
                // Everyday reports from anywhere in the main country (half of them located), so
                // that the heatmaps have something to show; the outages come from where they say.
                regions: regions
                    .regions_of(&service.countries[0])
                    .iter()
                    .map(|r| r.id.clone())
                    .collect(),
                located_share: 0.5,
                outages,
                seed: 1_000 + i as u64,
                // People keep their routine in their own zone, as the detector expects.
                zone: crate::domain::country_zone(&service.countries[0]),
            };
            (service.slug.clone(), spec)
        })
        .collect()
}

/// The same simulation over `[from, to)` in steps of `step` seconds (the rest of a step left for
/// the next window), with draws of its own for that window.
fn window(spec: &SimSpec, from: i64, to: i64, step: i64) -> SimSpec {
    let mut w = spec.clone();
    w.start = from;
    w.step_secs = step;
    w.buckets = u32::try_from(((to - from) / step).max(0)).unwrap_or(u32::MAX);
    w.seed = spec.seed ^ (from as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    w
}

/// A simulated person's address: one of 65,536 /24 networks of 10.0.0.0/8, from `n`.
fn simulated_address(n: u64) -> IpAddr {
    let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    let [a, b, c, ..] = h.to_le_bytes();
    IpAddr::V4(Ipv4Addr::new(10, a, b, c))
}

impl Demo {
    /// When the demo's story was anchored (epoch seconds).
    pub fn anchor(&self) -> i64 {
        self.timeline.anchor
    }

    /// Submits, every few seconds, the reports the simulation gives for the time passed, through the
    /// intake like real reports (each from a simulated person on a simulated network). Runs until
    /// the process ends.
    pub async fn run_live(mut self, live: Live) {
        let Live {
            intake,
            catalog,
            clock,
            db,
            counts,
        } = live;
        let mut ticker = tokio::time::interval(Duration::from_secs(LIVE_TICK_SECS as u64));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut sent: u64 = 0;
        loop {
            ticker.tick().await;
            let now = clock.now();
            let from = self.timeline.through;
            if now <= from {
                continue;
            }
            if now - from > 2 * LIVE_TICK_SECS {
                // Preparing, or the time since an earlier run: written with the times they would
                // have had (straight into SQL and the counters), not all at once through the intake.
                match self.fill_gap(&db, &counts, from, now).await {
                    Ok(reports) => {
                        tracing::info!(reports, since = from, "demo: simulated up to now")
                    }
                    Err(e) => tracing::warn!(error = %e, "demo: cannot fill the gap"),
                }
                self.advance(now);
                continue;
            }
            let mut submissions = Vec::new();
            for (slug, spec) in &self.specs {
                let Some(service) = catalog.get(slug.as_str()) else {
                    continue;
                };
                for report in simulate_reports(&window(spec, from, now, now - from)) {
                    sent += 1;
                    let input = ReportInput {
                        problem: report.problem.to_owned(),
                        region: report.region,
                        ..ReportInput::default()
                    };
                    let origin = Origin {
                        ip: simulated_address(sent ^ spec.seed.rotate_left(40)),
                        user_agent: format!("downtally-demo/{sent}"),
                    };
                    let intake = &intake;
                    submissions.push(async move { intake.submit(service, &input, &origin).await });
                }
            }
            let results = futures_util::future::join_all(submissions).await;
            let refused = results.iter().filter(|r| r.is_err()).count();
            if refused > 0 {
                tracing::warn!(
                    refused,
                    of = results.len(),
                    "demo: live reports refused by the intake"
                );
            }
            self.advance(now);
        }
    }

    fn advance(&mut self, now: i64) {
        self.timeline.through = now;
        if let Err(e) = write_timeline(&self.timeline_path, self.timeline) {
            tracing::warn!(error = %e, "demo: cannot keep its timeline");
        }
    }

    /// Stores the simulated reports of `[from, to)` with their own times and counts them.
    async fn fill_gap(
        &self,
        db: &Db,
        counts: &Counts,
        from: i64,
        to: i64,
    ) -> anyhow::Result<usize> {
        let mut total = 0;
        for (slug, spec) in &self.specs {
            let gap = window(spec, from, to, LIVE_TICK_SECS);
            let reports = simulated_reports(slug, &gap).collect::<anyhow::Result<Vec<_>>>()?;
            if reports.is_empty() {
                continue;
            }
            db.insert_reports(&reports).await?;
            let hits: Vec<Hit> = reports
                .iter()
                .map(|r| Hit {
                    service: r.service.clone(),
                    kind: r.kind,
                    region: r.region.clone(),
                    at: r.created_at,
                    first_of_network: true,
                })
                .collect();
            counts.record(&hits, to).await?;
            total += reports.len();
        }
        Ok(total)
    }
}

/// What the live reports go through: the intake, and for a gap, the stores themselves.
pub struct Live {
    pub intake: Intake,
    pub catalog: crate::catalog::LiveCatalog,
    pub clock: Clock,
    pub db: Db,
    pub counts: Counts,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ongoing_outage_lasts_two_hours_from_the_anchor() {
        let catalog = Catalog::embedded().unwrap();
        let regions = RegionCatalog::embedded().unwrap();
        let anchor = 1_800_000_000;
        let specs = specs(&catalog, &regions, anchor);
        let (_, intesa) = specs
            .iter()
            .find(|(slug, _)| slug.as_str() == "intesa-sanpaolo")
            .unwrap();
        let o = &intesa.outages[0];
        assert_eq!(o.at, anchor - 25 * 60);
        assert_eq!(o.at + i64::from(o.minutes) * 60, anchor + 2 * 3600);
        assert_eq!(intesa.start + i64::from(intesa.buckets) * 60, anchor);
    }

    #[test]
    fn windows_continue_the_simulation_at_its_rates() {
        let spec = SimSpec::quiet(0, 1, 30.0, 7);
        // An hour at noon in 10-second windows draws about what the rate says.
        let noon = 12 * 3600;
        let total: usize = (0..360)
            .map(|k| {
                let from = noon + k * 10;
                simulate_reports(&window(&spec, from, from + 10, 10)).count()
            })
            .sum();
        let expected: f64 = (0..60).map(|m| spec.normal_rate(noon + m * 60 + 30)).sum();
        assert!(
            (total as f64 - expected).abs() < 4.0 * expected.sqrt(),
            "{total} reports where {expected:.0} were expected"
        );
        // Two windows at different times draw differently.
        let a: Vec<_> = simulate_reports(&window(&spec, noon, noon + 600, 60)).collect();
        let b: Vec<_> = simulate_reports(&window(&spec, noon + 600, noon + 1200, 60)).collect();
        assert_ne!(
            a.iter().map(|r| r.at - noon).collect::<Vec<_>>(),
            b.iter().map(|r| r.at - noon - 600).collect::<Vec<_>>()
        );
    }

    #[test]
    fn timelines_survive_a_round_trip_and_a_missing_file_is_none() {
        let dir = std::env::temp_dir().join(format!("dt-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("demo.timeline.json");
        assert_eq!(read_timeline(&path), None);
        let t = Timeline {
            anchor: 10,
            through: 20,
        };
        write_timeline(&path, t).unwrap();
        assert_eq!(read_timeline(&path), Some(t));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
