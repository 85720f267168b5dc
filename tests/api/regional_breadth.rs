//! A regional outage must be broad within its region. One network may add its share of a busy
//! service's reports (the network bound: 5 % of the other networks' reporters) and could put all of
//! them in one quiet region; weighed on the service's breadth, that region would borrow the networks
//! of every other region's ordinary traffic and read as an outage. Two banks with the same history:
//! one network floods a quiet region of the first; a crowd of networks reports the same number from
//! that region of the second. Only the second is an outage, and its evidence counts the region's
//! own networks.

use crate::helpers::slug;
use downtally::backfill::backfill_service;
use downtally::clock::Clock;
use downtally::domain::{NetworkKey, ProblemKind, RegionId, ReportKind, ReporterKey};
use downtally::simulate::SimSpec;
use downtally::startup::{Application, Settings, open_db};
use downtally::store::NewReport;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Thursday 2024-09-26 10:00 UTC, near the daily peak.
const NOW: i64 = 1_727_344_800;
const DAYS: u32 = 7;
const FLOODED: &str = "intesa-sanpaolo";
const CROWDED: &str = "unicredit";
/// Valle d'Aosta: a region with few reports.
const QUIET: &str = "IT-23";
/// Reports from the quiet region in the last five minutes: fewer than one network may add to a
/// service with ~20 reports a minute (5 % of ~600 other reporters in two 15-minute blocks is 30),
/// and more than the 18 reporters an outage needs.
const BURST: usize = 22;

fn busy(seed: u64) -> SimSpec {
    let mut spec = SimSpec::quiet(NOW - i64::from(DAYS) * 86_400, DAYS, 20.0, seed);
    spec.regions = ["IT-25", "IT-62", "IT-72", "IT-21", "IT-45", "IT-52"]
        .iter()
        .map(|r| r.to_string())
        .collect();
    spec
}

fn quiet_region(seed: u64) -> SimSpec {
    let mut spec = SimSpec::quiet(NOW - i64::from(DAYS) * 86_400, DAYS, 0.2, seed);
    spec.regions = vec![QUIET.to_owned()];
    spec.located_share = 1.0;
    spec
}

/// `BURST` counted login reports from `QUIET` over the last five minutes, from one network or from
/// one network each.
fn burst(service: &str, one_network: bool) -> Vec<NewReport> {
    (0..BURST)
        .map(|i| NewReport {
            service: slug(service),
            kind: ReportKind::Problem(ProblemKind::Login),
            region: Some(RegionId::parse(QUIET).unwrap()),
            coordinates: None,
            comment: None,
            reporter: ReporterKey::from_hex(format!("b{service:>20}{i:08x}").replace(' ', "0")),
            counted: true,
            created_at: NOW - 300 + (i as i64 * 300) / BURST as i64,
            network: NetworkKey::from_hex(if one_network {
                "00000000000000aa".to_owned()
            } else {
                format!("{:016x}", 0xbb00 + i)
            }),
            uncounted: None,
        })
        .collect()
}

async fn outages_of(base: &str, service: &str) -> Vec<Value> {
    let url = format!("{base}/api/v1/outages?service={service}&status=open");
    let res = reqwest::get(&url).await.unwrap();
    assert_eq!(res.status(), 200, "{url}");
    let body: Value = res.json().await.unwrap();
    body["outages"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_network_cannot_make_a_quiet_region_an_outage_and_a_crowd_can() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/breadth.db", dir.path().display());
    {
        let db = open_db(&url).await.unwrap();
        let catalog = downtally::catalog::Catalog::embedded().unwrap();
        db.sync_catalog(&catalog, NOW).await.unwrap();
        for (i, service) in [FLOODED, CROWDED].into_iter().enumerate() {
            let seed = 10 * i as u64;
            backfill_service(&db, &slug(service), &busy(seed + 1))
                .await
                .unwrap();
            backfill_service(&db, &slug(service), &quiet_region(seed + 2))
                .await
                .unwrap();
        }
        db.insert_reports(&burst(FLOODED, true)).await.unwrap();
        db.insert_reports(&burst(CROWDED, false)).await.unwrap();
        db.close().await;
    }

    let now = NOW + 1;
    let mut settings = Settings::new("127.0.0.1:0", &url, None);
    settings.clock = Clock::manual(now);
    settings.monitor_interval = Duration::from_millis(50);
    settings.workers = Some(1);
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    let deadline = Instant::now() + Duration::from_secs(60);
    while state.board.updated_at() < now {
        assert!(Instant::now() < deadline, "no monitor pass in time");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let crowded = outages_of(&base, CROWDED).await;
    let regional: Vec<&Value> = crowded.iter().filter(|o| o["region"] == QUIET).collect();
    assert_eq!(
        regional.len(),
        1,
        "a crowd of {BURST} networks in {QUIET} is an outage: {crowded:#?}"
    );
    let id = regional[0]["id"].as_i64().unwrap();
    let outage: Value = reqwest::get(format!("{base}/api/v1/outages/{id}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let networks = &outage["evidence"]["networks"];
    assert_eq!(networks["scope"], "region", "{outage:#}");
    // Declared within the burst: most of its networks and the region's few usual ones.
    let distinct = networks["distinct"].as_f64().unwrap();
    assert!(
        (15.0..=BURST as f64 + 6.0).contains(&distinct),
        "the region's own networks, not the service's hundreds: {networks}"
    );
    let page = reqwest::get(format!("{base}/outages/{id}?lang=en"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("the reports from this region came from"),
        "the permalink says whose networks"
    );

    let flooded = outages_of(&base, FLOODED).await;
    assert!(
        flooded.is_empty(),
        "one network's {BURST} reports borrowed the service's breadth: {flooded:#?}"
    );

    handle.stop(true).await;
    server.await.unwrap().unwrap();
}
