//! De-duplication: one reporter (network and browser) counts once per service in 15 minutes,
//! X-Forwarded-For only when trusted.

use super::{now_minute_plus, postgres_with_redis};
use crate::helpers::*;
use downtally::clock::Clock;
use serde_json::{Value, json};

async fn check_deduplication(app: &TestApp, window_expires_in_store: bool) {
    let counted = |v: &Value| v["counted"].as_bool().expect("counted");
    let a = json!({"problem": "login"});
    assert!(counted(&app.report_ok(INTESA, &a, "UA-A").await));
    assert!(
        !counted(&app.report_ok(INTESA, &a, "UA-A").await),
        "same UA twice"
    );
    assert!(
        !counted(
            &app.report_ok(INTESA, &json!({"problem": "card"}), "UA-A")
                .await
        ),
        "same reporter, other problem kind"
    );
    assert!(
        counted(&app.report_ok(INTESA, &a, "UA-B").await),
        "other UA"
    );
    assert!(
        counted(&app.report_ok(MONZO, &a, "UA-A").await),
        "other service"
    );

    let sum = |v: Vec<u64>| v.iter().sum::<u64>();
    assert_eq!(sum(app.series_counts(INTESA, "window=1h&step=1m").await), 2);
    assert_eq!(sum(app.series_counts(MONZO, "window=1h&step=1m").await), 1);
    assert_eq!(
        sum(app
            .series_counts(INTESA, "window=1h&step=1m&problem=card")
            .await),
        0
    );
    let rows = stored_reports(&app.db_url).await;
    assert_eq!(rows.len(), 5, "every report is stored, counted or not");
    assert_eq!(rows.iter().filter(|r| r.counted).count(), 3);

    if window_expires_in_store {
        // 15 minutes later the same reporter counts again; 14:59 later it does not.
        let t = app.clock.now();
        app.clock.set(t + 15 * 60 - 1);
        assert!(!counted(&app.report_ok(INTESA, &a, "UA-A").await));
        app.clock.set(t + 15 * 60 + 1);
        assert!(counted(&app.report_ok(INTESA, &a, "UA-A").await));
        assert_eq!(sum(app.series_counts(INTESA, "window=1h&step=1m").await), 3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_reporter_counts_once_per_service_sqlite() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0 + 1)).await;
    check_deduplication(&app, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_reporter_counts_once_per_service_postgres_redis() {
    // Redis claims expire in real seconds (SET EX), not on the manual clock: the 15-minute expiry is
    // covered by the in-process store and by the counter contract with a one-second claim.
    let Some((app, _redis)) = postgres_with_redis(Clock::manual(now_minute_plus(1))).await else {
        return;
    };
    check_deduplication(&app, false).await;
}

async fn post_from(app: &TestApp, forwarded_for: &str, ua: &str) -> bool {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/services/{BARCLAYS}/reports")))
        .header("User-Agent", ua)
        .header("X-Forwarded-For", forwarded_for)
        .json(&json!({"problem": "payments"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["counted"]
        .as_bool()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_separates_networks_only_when_trusted() {
    let trusted = spawn_app(AppOptions {
        trusted_proxies: "127.0.0.0/8".parse().unwrap(),
        ..AppOptions::sqlite().manual_clock(T0)
    })
    .await;
    assert!(post_from(&trusted, "203.0.113.7", "same-ua").await);
    assert!(
        !post_from(&trusted, "203.0.113.200", "same-ua").await,
        "same /24 network, same browser"
    );
    assert!(
        post_from(&trusted, "198.51.100.7", "same-ua").await,
        "another /24"
    );
    assert!(
        !post_from(&trusted, "203.0.114.7, 198.51.100.7", "same-ua").await,
        "the right-most address is the client: a spoofed left-most entry makes no new reporter"
    );
    assert!(
        post_from(&trusted, "198.51.100.7, 192.0.2.5, 127.0.0.9", "same-ua").await,
        "trusted hops are skipped from the right"
    );
    assert!(post_from(&trusted, "2001:db8:1:2::1", "same-ua").await);
    assert!(
        !post_from(&trusted, "2001:db8:1:2:ffff::9", "same-ua").await,
        "same /64"
    );
    assert_eq!(
        trusted
            .series_counts(BARCLAYS, "window=1h&step=1m")
            .await
            .iter()
            .sum::<u64>(),
        4
    );
    let rows = stored_reports(&trusted.db_url).await;
    for r in &rows {
        let all = format!("{r:?}");
        for addr in ["203.0.113", "198.51.100", "2001:db8", "10.0.0.1"] {
            assert!(!all.contains(addr), "address stored: {all}");
        }
    }

    let untrusted = spawn_app(AppOptions::sqlite().manual_clock(T0)).await;
    assert!(post_from(&untrusted, "203.0.113.7", "same-ua").await);
    assert!(
        !post_from(&untrusted, "198.51.100.7", "same-ua").await,
        "X-Forwarded-For must be ignored unless trusted"
    );
    assert!(!post_from(&untrusted, "garbage", "same-ua").await);
}
