//! Trust under attack (issue 9 §1): a flood from a few networks cannot fake an outage, while a real
//! crowd declares one. Three services with three weeks of simulated history; reports arrive over real
//! HTTP from many loopback networks (the whole of 127.0.0.0/8 is local: a client binds its source to
//! 127.A.B.C), with a manual clock and a fast monitor.

use crate::helpers::*;
use downtally::backfill::backfill_service;
use downtally::detect::Status;
use downtally::simulate::SimSpec;
use downtally::startup::{Application, Settings, open_db};
use futures_util::StreamExt;
use rand::Rng;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

/// Monday 2024-09-23 11:00 UTC, near the daily peak.
const ONSET: i64 = 1_727_089_200;

struct Flood {
    /// Source addresses the reports are spread over, round robin.
    sources: Vec<IpAddr>,
    reports: usize,
}

/// Sends `flood.reports` reports for `service`, 32 at a time, each with a random User-Agent, a
/// forged `X-Forwarded-For` and a cookie: everything a client controls varies, its network does not.
/// Returns how many were accepted (201) and refused by the rate limit (429).
async fn send(base: &str, service: &str, flood: &Flood) -> (usize, usize) {
    let clients: Vec<reqwest::Client> = flood.sources.iter().map(|&s| client_from(s)).collect();
    let answers = futures_util::stream::iter(0..flood.reports)
        .map(|i| {
            let client = clients[i % clients.len()].clone();
            let url = format!("{base}/api/v1/services/{service}/reports");
            async move {
                let (ua, xff, cookie) = {
                    let mut rng = rand::rng();
                    (
                        format!("Mozilla/5.0 (flood {})", rng.random::<u64>()),
                        format!(
                            "{}.{}.{}.{}",
                            rng.random_range(1..224),
                            rng.random::<u8>(),
                            rng.random::<u8>(),
                            rng.random::<u8>()
                        ),
                        format!("session={:x}", rng.random::<u64>()),
                    )
                };
                client
                    .post(url)
                    .header("User-Agent", ua)
                    .header("X-Forwarded-For", xff)
                    .header("Cookie", cookie)
                    .json(&serde_json::json!({"problem": "login"}))
                    .send()
                    .await
                    .expect("POST answers")
                    .status()
                    .as_u16()
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<u16>>()
        .await;
    for s in &answers {
        assert!(matches!(s, 201 | 429), "unexpected answer {s}");
    }
    let accepted = answers.iter().filter(|&&s| s == 201).count();
    (accepted, answers.len() - accepted)
}

/// Counted and stored reports of `service` since `since`, from SQL.
async fn stored_since(db: &downtally::store::Db, service: &str, since: i64) -> (i64, i64, i64) {
    let downtally::store::Db::Sqlite(pool) = db else {
        unreachable!("this test runs on SQLite")
    };
    let row: (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN counted THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN uncounted = 'network_bound' THEN 1 ELSE 0 END), 0) \
         FROM reports WHERE service = $1 AND created_at >= $2",
    )
    .bind(service)
    .bind(since)
    .fetch_one(pool)
    .await
    .unwrap();
    row
}

async fn wait_for_pass(state: &downtally::web::AppState, at_least: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while state.board.updated_at() < at_least {
        assert!(Instant::now() < deadline, "the monitor ran no pass in time");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_few_networks_fakes_nothing_and_a_crowd_is_heard() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/flood.db", dir.path().display());
    let start = ONSET - 21 * 86_400;
    {
        let db = open_db(&url).await.unwrap();
        let catalog = downtally::catalog::Catalog::embedded().unwrap();
        db.sync_catalog(&catalog, ONSET).await.unwrap();
        for (i, service) in [MONZO, BARCLAYS, INTESA].into_iter().enumerate() {
            let spec = SimSpec::quiet(start, 21, 2.0, 40 + i as u64);
            backfill_service(&db, &slug(service), &spec).await.unwrap();
        }
        db.close().await;
    }
    let clock = downtally::clock::Clock::manual(ONSET + 1);
    let mut settings = Settings::new("127.0.0.1:0", &url, None);
    settings.clock = clock.clone();
    settings.monitor_interval = Duration::from_millis(50);
    settings.workers = Some(2);
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    wait_for_pass(&state, ONSET + 1).await;
    for service in [MONZO, BARCLAYS, INTESA] {
        assert_eq!(
            state.board.get(&slug(service)).status,
            Status::Normal,
            "{service} must start normal"
        );
    }

    // 1. One /24, 2,000 reports in a minute, every header varied.
    let one_net = Flood {
        sources: (1..=250)
            .map(|h| IpAddr::V4(Ipv4Addr::new(127, 66, 6, h)))
            .collect(),
        reports: 2_000,
    };
    let (accepted, limited) = send(&base, MONZO, &one_net).await;
    // 2. Five /24s in five /16s, 2,000 reports.
    let five_nets = Flood {
        sources: (0..5)
            .map(|i| IpAddr::V4(Ipv4Addr::new(127, 70 + i, 3, 1)))
            .collect(),
        reports: 2_000,
    };
    let (five_accepted, _) = send(&base, BARCLAYS, &five_nets).await;
    // 3. A crowd: 300 reports from 300 distinct /24s.
    let crowd = Flood {
        sources: (0..300).map(nth_network).collect(),
        reports: 300,
    };
    let (crowd_accepted, crowd_limited) = send(&base, INTESA, &crowd).await;

    let (stored, counted, bounded) = stored_since(&state.db, MONZO, ONSET).await;
    assert_eq!(stored as usize, accepted, "every accepted report is stored");
    assert!(
        limited > 0,
        "2,000 reports a minute from one network meet the rate limit"
    );
    assert!(
        counted <= 4,
        "one network added {counted} counted reporters (bound: 4 on a quiet service)"
    );
    assert_eq!(
        bounded,
        stored - counted,
        "the surplus is kept as not counted, with its reason"
    );
    let (_, five_counted, _) = stored_since(&state.db, BARCLAYS, ONSET).await;
    assert!(five_accepted > 0 && five_counted <= 5 * 4, "{five_counted}");
    let (_, crowd_counted, _) = stored_since(&state.db, INTESA, ONSET).await;
    assert_eq!((crowd_accepted, crowd_limited), (300, 0));
    assert_eq!(crowd_counted, 300, "a crowd from 300 networks counts whole");

    // The next monitor pass sees the minute: an outage for the crowd only.
    clock.set(ONSET + 61);
    wait_for_pass(&state, ONSET + 61).await;
    clock.set(ONSET + 121);
    wait_for_pass(&state, ONSET + 121).await;
    assert_eq!(state.board.get(&slug(MONZO)).status, Status::Normal);
    assert_ne!(state.board.get(&slug(BARCLAYS)).status, Status::Outage);
    assert_eq!(
        state.board.get(&slug(INTESA)).status,
        Status::Outage,
        "300 networks reporting at once is an outage"
    );
    let metrics = client()
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            r#"downtally_reports_accepted_total{counted="false",reason="network_bound"}"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains(r#"downtally_reports_rejected_total{reason="rate_limited"}"#));

    handle.stop(true).await;
    server.await.unwrap().unwrap();
}
