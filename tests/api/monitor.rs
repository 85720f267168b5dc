//! End to end: 14 days of simulated history, then a 5x outage posted through the real HTTP intake
//! while a manual clock advances minute by minute. The service page must say so within 3 minutes.

use downtally::backfill::backfill_service;
use downtally::clock::Clock;
use downtally::domain::{ProblemKind, ServiceSlug};
use downtally::simulate::SimSpec;
use downtally::startup::{Application, Settings, open_db};
use std::time::{Duration, Instant};

fn slug(s: &str) -> ServiceSlug {
    ServiceSlug::parse(s).unwrap()
}

/// Monday 2024-09-23 11:00 UTC: a weekday late morning, near the daily peak.
const ONSET: i64 = 1_727_089_200;
const SERVICE: &str = "intesa-sanpaolo";

async fn wait_for_pass(app: &downtally::web::AppState, at_least: i64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.board.updated_at() < at_least {
        assert!(
            Instant::now() < deadline,
            "the monitor did not run a pass in time"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn headline(client: &reqwest::Client, base: &str) -> String {
    let page = client
        .get(format!("{base}/s/{SERVICE}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("role=\"status\">").expect("status line") + "role=\"status\">".len();
    page[start..start + page[start..].find('<').unwrap()].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_line_reports_an_outage_within_three_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/monitor.db", dir.path().display());
    let spec = SimSpec::quiet(ONSET - 14 * 86_400, 14, 5.0, 7);
    let normal_now = spec.normal_rate(ONSET);
    {
        let db = open_db(&url).await.unwrap();
        let catalog = downtally::catalog::Catalog::embedded().unwrap();
        db.sync_catalog(&catalog, ONSET).await.unwrap();
        backfill_service(&db, &slug(SERVICE), &spec).await.unwrap();
        db.close().await;
    }

    let clock = Clock::manual(ONSET);
    let mut settings = Settings::new("127.0.0.1:0", &url, None);
    settings.clock = clock.clone();
    settings.monitor_interval = Duration::from_millis(50);
    settings.workers = Some(1);
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    wait_for_pass(&state, ONSET).await;
    assert!(
        headline(&client, &base)
            .await
            .starts_with("No current problems"),
        "quiet history must not look like an outage"
    );

    // Five times the normal rate, each report from a different browser on a network of its own
    // (the whole of 127.0.0.0/8 is local: one /24 per report).
    let per_minute = (normal_now * 5.0).round() as usize;
    let mut declared_after = None;
    for minute in 0..10i64 {
        clock.set(ONSET + minute * 60 + 1);
        for i in 0..per_minute {
            let n = minute as usize * per_minute + i;
            let source = std::net::Ipv4Addr::new(127, 1 + (n / 256) as u8, (n % 256) as u8, 1);
            let res = reqwest::Client::builder()
                .local_address(std::net::IpAddr::V4(source))
                .build()
                .unwrap()
                .post(format!("{base}/api/v1/services/{SERVICE}/reports"))
                .header("user-agent", format!("outage-test/{minute}-{i}"))
                .json(&serde_json::json!({ "problem": "login" }))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201);
        }
        // Close this minute and let the monitor see it.
        clock.set(ONSET + (minute + 1) * 60 + 1);
        wait_for_pass(&state, ONSET + (minute + 1) * 60 + 1).await;
        let line = headline(&client, &base).await;
        if line.starts_with("User reports indicate problems with Intesa Sanpaolo since") {
            declared_after = Some(minute + 1);
            break;
        }
    }
    let minutes = declared_after.expect("the outage was never shown on the service page");
    assert!(minutes <= 3, "shown only {minutes} minutes after onset");

    let outages = state.db.recent_outages(&slug(SERVICE), 5).await.unwrap();
    let outage = &outages.first().expect("outage stored").record;
    assert!(outage.ended_at.is_none());
    assert!(outage.started_at >= ONSET && outage.started_at < ONSET + 3 * 60);
    assert_eq!(outage.top_problems[0].0, ProblemKind::Login);

    handle.stop(true).await;
    server.await.unwrap().unwrap();
}

/// History loaded at once (the demo's 14 days) holds outages older than the 48 hours of minutes the
/// monitor watches: `declare_past_outages` finds them in SQL, once, and leaves quiet services alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outages_older_than_the_minute_counters_are_found_in_history() {
    use downtally::simulate::SimOutage;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/history.db", dir.path().display());
    let now = ONSET;
    let days = 8;
    let start = now - days * 86_400;
    let db = open_db(&url).await.unwrap();
    let catalog = downtally::catalog::Catalog::embedded().unwrap();
    db.sync_catalog(&catalog, start).await.unwrap();
    let outage_at = now - 4 * 86_400;
    let mut spec = SimSpec::quiet(start, days as u32, 4.0, 7);
    spec.outages.push(SimOutage {
        at: outage_at,
        minutes: 90,
        factor: 8.0,
        problems: vec![("payments", 1.0)],
        regions: Vec::new(),
    });
    backfill_service(&db, &slug(SERVICE), &spec).await.unwrap();
    backfill_service(
        &db,
        &slug("monzo"),
        &SimSpec::quiet(start, days as u32, 4.0, 8),
    )
    .await
    .unwrap();
    let config = downtally::detect::DetectorConfig::default();
    let found = downtally::monitor::declare_past_outages(&db, &catalog, config, start, now)
        .await
        .unwrap();
    let stored = db.latest_outages(None, None, 10).await.unwrap();
    assert_eq!(found, 1, "{stored:?}");
    let o = &stored[0].record;
    assert_eq!(o.service, slug(SERVICE));
    assert!(
        (outage_at..outage_at + 30 * 60).contains(&o.started_at),
        "declared at {} for an outage from {outage_at}",
        o.started_at
    );
    let ended = o.ended_at.expect("the outage ended");
    assert!(ended > outage_at + 60 * 60 && ended < outage_at + 4 * 3600);
    assert_eq!(o.top_problems[0].0, ProblemKind::Payments);
    // A second run finds the same outage and stores nothing new.
    downtally::monitor::declare_past_outages(&db, &catalog, config, start, now)
        .await
        .unwrap();
    assert_eq!(db.latest_outages(None, None, 10).await.unwrap().len(), 1);
}
