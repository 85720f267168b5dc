//! A report is stored (in SQLite, or PostgreSQL with Redis or in-process counters), counted, and
//! private: no address is kept, only a reporter key.

use super::{now_minute_plus, parse_rfc3339, postgres_with_redis};
use crate::helpers::*;
use downtally::clock::Clock;
use serde_json::{Value, json};

async fn check_report_is_stored(app: &TestApp) {
    let t = app.clock.now();
    let v = app
        .report_ok(
            INTESA,
            &json!({"problem": "login", "region": "IT-25", "lat": 45.4642, "lon": 9.1899,
                    "comment": "  Non riesco ad accedere  "}),
            "Mozilla/5.0 (stored)",
        )
        .await;
    let id = v["id"].as_i64().expect("numeric id");
    assert_eq!(v["counted"], json!(true));
    assert_eq!(v["region"], json!("IT-25"));
    let bucket = v["bucket_start"].as_str().expect("bucket_start");
    let bucket_t = parse_rfc3339(bucket);
    assert_eq!(
        bucket_t % 60,
        0,
        "bucket_start {bucket} is not minute-aligned"
    );
    assert_eq!(bucket_t, t.div_euclid(60) * 60);
    assert!(bucket.ends_with('Z'), "bucket_start {bucket} is not UTC");

    let rows = stored_reports(&app.db_url).await;
    let row = rows
        .iter()
        .find(|r| r.id == id)
        .expect("the report is in SQL");
    assert_eq!(row.service, INTESA);
    assert_eq!(row.problem, "login");
    assert_eq!(row.region.as_deref(), Some("IT-25"));
    assert_eq!((row.lat, row.lon), (Some(45.46), Some(9.19)));
    assert_eq!(row.comment.as_deref(), Some("Non riesco ad accedere"));
    assert!(row.counted);
    assert_eq!(row.created_at, t);
    assert_eq!(row.reporter.len(), 32, "reporter {:?}", row.reporter);
    assert!(row.reporter.chars().all(|c| c.is_ascii_hexdigit()));
    let everything = format!("{row:?}");
    assert!(
        !everything.contains("127.0.0.1") && !everything.contains("127.0.0"),
        "raw address stored: {everything}"
    );
    // No other column anywhere holds the address either.
    let again = app
        .report_ok(
            INTESA,
            &json!({"problem": "balance"}),
            "Mozilla/5.0 (second)",
        )
        .await;
    assert_eq!(again["region"], Value::Null);
    let rows = stored_reports(&app.db_url).await;
    let second = rows.iter().find(|r| r.id == again["id"].as_i64().unwrap());
    let second = second.expect("second report stored");
    assert_eq!(
        (second.lat, second.lon, second.region.as_ref()),
        (None, None, None)
    );
    assert_ne!(second.reporter, row.reporter);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_report_is_stored_counted_and_private_sqlite() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0 + 37)).await;
    check_report_is_stored(&app).await;
    assert_eq!(
        app.series_counts(INTESA, "window=1h&step=1m")
            .await
            .iter()
            .sum::<u64>(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_report_is_stored_counted_and_private_postgres_redis() {
    let Some((app, _redis)) = postgres_with_redis(Clock::manual(now_minute_plus(37))).await else {
        return;
    };
    check_report_is_stored(&app).await;
    assert_eq!(
        app.series_counts(INTESA, "window=1h&step=1m")
            .await
            .iter()
            .sum::<u64>(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_report_is_stored_on_postgres_with_in_process_counters() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let app = spawn_app(AppOptions {
        database: Database::FreshPostgres(admin),
        ..AppOptions::sqlite().manual_clock(T0 + 5)
    })
    .await;
    check_report_is_stored(&app).await;
}
