//! The normal range tells the truth (issue 11, §1): on the demo's traffic the chart's band is the
//! range ordinary bars fall in, regions of quiet services read normal, and a service whose last hour
//! is far above its normal reads "above normal" beside numbers that say so.
//!
//! The demo's history is simulated here as `serve --demo` simulates it (`demo::specs`) and
//! put straight into an in-memory counter store, one service at a time, for the page code to read
//! (`web::history`): the same bars and regions the pages draw, without writing two million reports
//! to SQL first.

use crate::helpers::{self, MONZO, slug};
use downtally::backfill::backfill_service;
use downtally::catalog::Catalog;
use downtally::counts::buckets::{DAY, HOUR, MINUTE};
use downtally::counts::{BucketCount, CountStore, Counts, Dim, Resolution};
use downtally::demo;
use downtally::detect::{DetectorConfig, Status};
use downtally::domain::{RegionId, ServiceSlug};
use downtally::map::Level;
use downtally::normals::Normals;
use downtally::regions::RegionCatalog;
use downtally::simulate::{SimOutage, SimSpec, simulate_reports};
use downtally::web::history::{Window, chart_bars, region_activity};
use std::collections::HashMap;

/// Times the demo could have been started at: a Monday noon (UTC), whose last 24 hours run from
/// Sunday, and a Saturday evening, whose last 24 hours run from Friday: weekday and weekend traffic
/// both judged.
const STARTS: [i64; 2] = [
    1_796_040_420, // Monday 2026-11-30 12:07
    1_795_888_800, // Saturday 2026-11-28 18:00
];

/// Counters holding one demo service's simulated history as of `now`: every minute of the last 48
/// hours and every hour, for the service and for each region.
async fn counters(service: &ServiceSlug, spec: &SimSpec, now: i64) -> Counts {
    let mut buckets: HashMap<(Dim, Resolution, i64), u64> = HashMap::new();
    let oldest_minute = Resolution::Minute.oldest_kept(now);
    for report in simulate_reports(spec).take_while(|r| r.at < now) {
        let hour = Resolution::Hour.floor(report.at);
        *buckets
            .entry((Dim::All, Resolution::Hour, hour))
            .or_default() += 1;
        if report.at >= oldest_minute {
            let minute = Resolution::Minute.floor(report.at);
            *buckets
                .entry((Dim::All, Resolution::Minute, minute))
                .or_default() += 1;
        }
        if let Some(region) = report.region {
            let dim = Dim::Region(RegionId::parse(&region).unwrap());
            *buckets.entry((dim, Resolution::Hour, hour)).or_default() += 1;
        }
    }
    let buckets: Vec<BucketCount> = buckets
        .into_iter()
        .map(|((dim, resolution, start), count)| BucketCount {
            service: service.clone(),
            dim,
            resolution,
            start,
            count,
        })
        .collect();
    let counts = Counts::memory();
    counts.replace_all(&buckets, now).await.unwrap();
    counts
}

/// Whether a simulated outage of `spec` overlaps the 24 hours before `now`.
fn outage_in_last_day(spec: &SimSpec, now: i64) -> bool {
    spec.outages
        .iter()
        .any(|o| o.at < now && o.at + i64::from(o.minutes) * MINUTE > now - DAY)
}

/// For every service of the demo without an outage in the last 24 hours, at least 60 % of the
/// complete 15-minute bars of the last 24 hours fall inside the band and at most 20 % above it; and
/// at least 80 % of the regions with reports in the last 24 hours read normal on the heatmap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_demo_ordinary_bars_and_regions_read_normal() {
    let catalog = Catalog::embedded().unwrap();
    let regions = RegionCatalog::embedded().unwrap();
    let mut failures = Vec::new();
    for now in STARTS {
        let (mut judged, mut worst_inside, mut worst_above) = (0, 1.0f64, 0.0f64);
        let (mut with_reports, mut normal_regions) = (0usize, 0usize);
        for (service, spec) in demo::specs(&catalog, &regions, now.div_euclid(60) * 60) {
            if outage_in_last_day(&spec, now) {
                continue;
            }
            let counts = counters(&service, &spec, now).await;
            let normals = Normals::new(
                counts.clone(),
                DetectorConfig::default(),
                std::sync::Arc::new(catalog.clone()),
            );
            let to = now.div_euclid(900) * 900 + 900;
            let bars = chart_bars(&counts, &normals, &service, to - DAY, to, 900, now, &[])
                .await
                .unwrap();
            let complete: Vec<_> = bars.iter().filter(|b| b.start + b.len <= now).collect();
            assert_eq!(complete.len(), 95, "{service}");
            let share = |f: &dyn Fn(f64, downtally::detect::Normal) -> bool| {
                complete
                    .iter()
                    .filter(|b| b.normal.is_some_and(|n| f(b.count as f64, n)))
                    .count() as f64
                    / complete.len() as f64
            };
            let inside = share(&|c, n| n.contains(c));
            let above = share(&|c, n| c > n.high);
            judged += 1;
            worst_inside = worst_inside.min(inside);
            worst_above = worst_above.max(above);
            if inside < 0.6 || above > 0.2 {
                failures.push(format!(
                    "now {now}: {service} (peak {:.2}/min): {:.0} % of bars inside the band, {:.0} % above",
                    spec.peak_per_minute,
                    inside * 100.0,
                    above * 100.0
                ));
            }
            let activity = region_activity(
                &counts,
                &normals,
                &service,
                spec.regions.iter().map(String::as_str),
                Window::Day,
                now,
            )
            .await
            .unwrap();
            for a in activity.iter().filter(|a| a.count > 0) {
                with_reports += 1;
                normal_regions += usize::from(Level::of(a.count, a.baseline) == Level::Normal);
            }
        }
        let regions_normal = normal_regions as f64 / with_reports.max(1) as f64;
        eprintln!(
            "now {now}: {judged} services; worst {:.0} % inside, worst {:.0} % above; \
             {:.1} % of {with_reports} regions with reports read normal",
            worst_inside * 100.0,
            worst_above * 100.0,
            regions_normal * 100.0
        );
        assert!(judged >= 70, "only {judged} services judged");
        if regions_normal < 0.8 {
            failures.push(format!(
                "now {now}: {:.1} % of the regions with reports read normal",
                regions_normal * 100.0
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// "No problems" beside far more reports than usual must not happen: a service whose last hour is
/// half again its usual (too little for an outage) reads "above normal", and the page's hourly count is
/// above the normal range it prints beside it; a service with an ordinary hour reads normal. The API
/// gives the same normal with each bucket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_headline_and_the_hourly_numbers_agree() {
    const RISEN: &str = "revolut";
    let now = helpers::T0;
    let days = 4;
    let start = now - days * DAY;
    let db_file = helpers::SqliteFile::new();
    {
        let db = downtally::startup::open_db(&db_file.url).await.unwrap();
        db.sync_catalog(&Catalog::embedded().unwrap(), start)
            .await
            .unwrap();
        // No weekly rhythm: with four days of history a profile compares with the days before.
        let flat = |seed| SimSpec {
            weekend_factor: 1.0,
            ..SimSpec::quiet(start, days as u32, 3.0, seed)
        };
        let mut risen = flat(31);
        risen.outages.push(SimOutage {
            at: now - HOUR,
            minutes: 60,
            factor: 1.5,
            problems: Vec::new(),
            regions: Vec::new(),
        });
        backfill_service(&db, &slug(RISEN), &risen).await.unwrap();
        backfill_service(&db, &slug(MONZO), &flat(32))
            .await
            .unwrap();
        db.close().await;
    }
    let opts = helpers::AppOptions {
        database: helpers::Database::Sqlite(db_file),
        ..helpers::AppOptions::sqlite()
    }
    .manual_clock(now);
    let app = helpers::spawn_app_with(opts, |s| {
        s.monitor_interval = std::time::Duration::from_millis(100)
    })
    .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while app.state.board.updated_at() < now {
        assert!(
            std::time::Instant::now() < deadline,
            "the monitor ran no pass in 60 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for (service, wanted) in [(RISEN, Status::Elevated), (MONZO, Status::Normal)] {
        let page = app
            .get(&format!("/s/{service}?lang=en"))
            .await
            .text()
            .await
            .unwrap();
        let status = page
            .split("class=\"status status-")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap();
        let (count, low, high) = hour_numbers(&page);
        assert_eq!(
            app.state.board.get(&slug(service)).status,
            wanted,
            "{service}: {count} reports beside usually {low}–{high}"
        );
        match wanted {
            Status::Elevated => {
                assert!(status.contains("are above normal since"), "{status}");
                assert!(count > high, "{count} reports beside usually {low}–{high}");
            }
            _ => {
                assert!(status.contains("No current problems"), "{status}");
                assert!(
                    count <= high + high / 2,
                    "{count} reports beside usually {low}–{high}"
                );
            }
        }
    }
    // The API gives each bucket the same normal.
    let series = app.series(MONZO, "window=2h&step=1m").await;
    let points = series["points"].as_array().unwrap();
    assert_eq!(points.len(), 120);
    for p in points {
        let n = &p["normal"];
        let (low, expected, high) = (
            n["low"].as_f64().unwrap(),
            n["expected"].as_f64().unwrap(),
            n["high"].as_f64().unwrap(),
        );
        assert!(low <= expected && expected <= high && expected > 0.5, "{p}");
    }
    app.stop().await;
}

/// "42 reports in the last hour (usually 10–20)" on an English page: (42, 10, 20).
fn hour_numbers(page: &str) -> (u64, u64, u64) {
    let at = page
        .find(" in the last hour (usually ")
        .expect("the hourly sentence");
    let number = |s: &str| -> u64 { s.replace(',', "").parse().unwrap() };
    let before: Vec<&str> = page[..at].split_whitespace().rev().take(2).collect();
    let rest = &page[at + " in the last hour (usually ".len()..];
    let range = rest.split(')').next().unwrap();
    let (low, high) = range.split_once('–').unwrap();
    (number(before[1]), number(low), number(high))
}
