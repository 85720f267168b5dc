//! Black-box tests of the write path and the series endpoint: the server runs on a random port (in
//! process, or the real binary for restarts and SIGTERM) and is spoken to over HTTP; what it stored is
//! read back from the real database.
//!
//! Every case runs on SQLite with in-process counters; the main cases (report stored, de-duplication,
//! series, readiness, restart) run again on PostgreSQL (TEST_DATABASE_URL) with Redis.
//!
//! One module per concern; this one holds what several of them use.

mod dedup;
mod forms;
mod operations;
mod restart;
mod series;
mod store_failure;
mod stored;
mod validation;

use crate::helpers::*;
use downtally::clock::Clock;
use serde_json::Value;

/// The start of the current minute, plus `secs`: a manual clock close to real time, so that Redis
/// keys written at it get expiry times in the future.
fn now_minute_plus(secs: i64) -> i64 {
    chrono::Utc::now().timestamp().div_euclid(60) * 60 + secs
}

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn parse_rfc3339(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s:?} is not RFC 3339: {e}"))
        .timestamp()
}

/// Asserts a JSON error answer: this status, a JSON body `{"error": "<non-empty>"}`.
async fn expect_json_error(res: reqwest::Response, status: u16) -> String {
    let got = res.status().as_u16();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = res.text().await.unwrap();
    assert_eq!(got, status, "unexpected status; body: {text}");
    assert!(
        ctype.starts_with("application/problem+json"),
        "error is not JSON ({ctype}): {text}"
    );
    let v: Value = serde_json::from_str(&text).expect("JSON error body");
    let msg = v["error"].as_str().expect("an \"error\" string").to_owned();
    assert!(!msg.is_empty());
    msg
}

/// Asserts an HTML error page with this status.
async fn expect_html_error(res: reqwest::Response, status: u16) -> String {
    let got = res.status().as_u16();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = res.text().await.unwrap();
    assert_eq!(got, status, "unexpected status; body: {text}");
    assert!(
        ctype.starts_with("text/html"),
        "error page is not HTML ({ctype}): {text}"
    );
    assert!(text.to_lowercase().contains("<html"), "not a page: {text}");
    text
}

async fn post_form(app: &TestApp, slug: &str, body: &str, ua: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/s/{slug}/report")))
        .header("User-Agent", ua)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .expect("form POST answers")
}

async fn post_raw(app: &TestApp, path: &str, ctype: &str, body: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("Content-Type", ctype)
        .body(body)
        .send()
        .await
        .expect("POST answers")
}

/// The Redis-backed variants: a PostgreSQL database and a Redis of the test's own.
async fn postgres_with_redis(clock: Clock) -> Option<(TestApp, AnyRedis)> {
    let admin = require_env("TEST_DATABASE_URL")?;
    let redis = AnyRedis::get().await?;
    let app = spawn_app(AppOptions {
        database: Database::FreshPostgres(admin),
        redis_url: Some(redis.url().to_owned()),
        trusted_proxies: Default::default(),
        clock,
    })
    .await;
    Some((app, redis))
}
