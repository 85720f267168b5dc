//! The figure: delivered within 5 seconds of the monitor declaring the outage.

use super::*;

/// The figure of issue 13: a webhook is delivered within 5 seconds of the outage being declared.
/// 14 days of simulated history, then five times the normal rate through the real intake while a
/// manual clock advances minute by minute; the monitor declares the outage and the receiver times
/// its `outage.started` from the moment the outage's row appears.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monitor_declaring_an_outage_delivers_its_webhook_within_five_seconds() {
    use downtally::backfill::backfill_service;
    use downtally::clock::Clock;
    use downtally::simulate::SimSpec;
    use downtally::startup::open_db;
    const ONSET: i64 = 1_727_089_200; // Monday 2024-09-23 11:00 UTC
    const BANK: &str = "intesa-sanpaolo";
    let file = SqliteFile::new();
    let spec = SimSpec::quiet(ONSET - 14 * 86_400, 14, 5.0, 7);
    let normal_now = spec.normal_rate(ONSET);
    {
        let db = open_db(&file.url).await.unwrap();
        let catalog = downtally::catalog::Catalog::embedded().unwrap();
        db.sync_catalog(&catalog, ONSET).await.unwrap();
        backfill_service(&db, &ServiceSlug::parse(BANK).unwrap(), &spec)
            .await
            .unwrap();
        db.close().await;
    }
    let app = spawn_app_with(
        AppOptions {
            database: Database::Sqlite(file.clone()),
            ..AppOptions::sqlite().manual_clock(ONSET)
        },
        |s| {
            fast(s);
            s.monitor_interval = Duration::from_millis(50);
        },
    )
    .await;
    let clock: Clock = app.clock.clone();
    let rx = Receiver::start("/hooks/monitor").await;
    let res = subscribe(&app, json!({"url": rx.url, "service": BANK}), 90).await;
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.unwrap();
    let (id, secret) = (v["id"].as_str().unwrap(), v["secret"].as_str().unwrap());
    wait_state(&app, id, secret, "active").await;

    let per_minute = (normal_now * 5.0).round() as usize;
    let bank = ServiceSlug::parse(BANK).unwrap();
    let mut declared = None;
    for minute in 0..6i64 {
        clock.set(ONSET + minute * 60 + 1);
        for i in 0..per_minute {
            let n = minute as usize * per_minute + i;
            let source = std::net::Ipv4Addr::new(127, 1 + (n / 256) as u8, (n % 256) as u8, 1);
            let res = client_from(std::net::IpAddr::V4(source))
                .post(app.url(&format!("/api/v1/services/{BANK}/reports")))
                .header("user-agent", format!("webhook-test/{minute}-{i}"))
                .json(&json!({ "problem": "login" }))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201);
        }
        // Close the minute; watch for the outage's row while the monitor runs.
        clock.set(ONSET + (minute + 1) * 60 + 1);
        let watch = Instant::now();
        while watch.elapsed() < Duration::from_secs(3) {
            if !app
                .state
                .db
                .recent_outages(&bank, 1)
                .await
                .unwrap()
                .is_empty()
            {
                declared = Some(Instant::now());
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if declared.is_some() {
            break;
        }
    }
    let declared = declared.expect("the monitor declared no outage");
    rx.wait_for("outage.started", Duration::from_secs(10), |r| {
        r.iter().any(|x| x.event == "outage.started")
    })
    .await;
    let got = rx.events()[0].clone();
    let latency = got.at.saturating_duration_since(declared);
    eprintln!("FIGURE webhook delivered {latency:?} after the monitor declared the outage");
    assert!(latency < Duration::from_secs(5), "took {latency:?}");
    assert!(verify(
        secret,
        &got.signature,
        &got.body,
        chrono::Utc::now().timestamp(),
        60
    ));
    assert_eq!(got.json()["outage"]["service"], BANK);

    // Three times the reports of the declaring minute: the peak more than doubles, and subscribers
    // hear of it once (not of every minute's new peak).
    let minute = (clock.now() - ONSET) / 60;
    for i in 0..per_minute * 3 {
        let n = 20_000 + i;
        let source = std::net::Ipv4Addr::new(127, 1 + (n / 256) as u8, (n % 256) as u8, 1);
        let res = client_from(std::net::IpAddr::V4(source))
            .post(app.url(&format!("/api/v1/services/{BANK}/reports")))
            .header("user-agent", format!("webhook-test/peak-{i}"))
            .json(&json!({ "problem": "login" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    clock.set(ONSET + (minute + 1) * 60 + 1);
    rx.wait_for("outage.updated (peak)", Duration::from_secs(10), |r| {
        r.iter().any(|x| x.event == "outage.updated")
    })
    .await;
    let updated = rx
        .events()
        .into_iter()
        .find(|e| e.event == "outage.updated")
        .unwrap();
    assert_eq!(updated.json()["reason"], "peak_rose");
    assert_eq!(updated.json()["outage"]["id"], got.json()["outage"]["id"]);
    app.stop().await;
}
