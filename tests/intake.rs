//! Black-box tests of the write path and the series endpoint: the server runs on a random port (in
//! process, or the real binary for restarts and SIGTERM) and is spoken to over HTTP; what it stored is
//! read back from the real database.
//!
//! Every case runs on SQLite with in-process counters; the main cases (report stored, de-duplication,
//! series, readiness, restart) run again on PostgreSQL (TEST_DATABASE_URL) with Redis.

mod common;

use common::*;
use downtally::clock::Clock;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

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

/// Asserts a JSON error answer: this status, a problem document (`application/problem+json`) with
/// `{"error": "<non-empty>"}`.
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

// ---------------------------------------------------------------------------------------------------
// A report is stored, counted, and private

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

// ---------------------------------------------------------------------------------------------------
// Validation (issue 2, part 5)

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_service_is_404_as_json_for_the_api_and_a_page_for_browsers() {
    let app = spawn_app(AppOptions::sqlite()).await;
    let res = app
        .post_report("no-such-bank", &json!({"problem": "login"}), "ua")
        .await;
    let msg = expect_json_error(res, 404).await;
    assert!(msg.contains("no-such-bank"), "{msg}");
    expect_html_error(
        post_form(&app, "no-such-bank", "problem=login", "ua").await,
        404,
    )
    .await;
    expect_html_error(app.get("/s/no-such-bank").await, 404).await;
    expect_html_error(app.get("/no/such/page").await, 404).await;
    expect_json_error(app.get("/api/v1/no-such-endpoint").await, 404).await;
    expect_json_error(
        app.get("/api/v1/services/no-such-bank/series?window=24h&step=1m")
            .await,
        404,
    )
    .await;
    assert!(stored_reports(&app.db_url).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_problem_kind_is_422_and_counted_as_rejected() {
    let app = spawn_app(AppOptions::sqlite()).await;
    for problem in ["coffee", "", "LOGIN!", "login; DROP TABLE reports"] {
        let res = app
            .post_report(INTESA, &json!({"problem": problem}), "ua")
            .await;
        expect_json_error(res, 422).await;
    }
    // A missing field is a well-formed body with a bad shape: 422 too.
    expect_json_error(app.post_report(INTESA, &json!({}), "ua").await, 422).await;
    expect_html_error(post_form(&app, INTESA, "problem=coffee", "ua").await, 422).await;
    assert!(stored_reports(&app.db_url).await.is_empty());
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(r#"downtally_reports_rejected_total{reason="unknown_problem"}"#),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_8_kib_are_413() {
    let app = spawn_app(AppOptions::sqlite()).await;
    let big = json!({"problem": "login", "comment": "x".repeat(9_000)});
    expect_json_error(app.post_report(INTESA, &big, "ua").await, 413).await;
    let form = format!("problem=login&comment={}", "x".repeat(9_000));
    expect_html_error(post_form(&app, INTESA, &form, "ua").await, 413).await;
    // Just over the limit, without and with a declared length.
    let body = format!(
        r#"{{"problem":"login","comment":"{}"}}"#,
        "y".repeat(8 * 1024 - 30)
    );
    assert!(body.len() > 8 * 1024);
    expect_json_error(
        post_raw(
            &app,
            &format!("/api/v1/services/{INTESA}/reports"),
            "application/json",
            body.into_bytes(),
        )
        .await,
        413,
    )
    .await;
    let status = chunked_post(
        app.port,
        &format!("/api/v1/services/{INTESA}/reports"),
        12_000,
    )
    .await;
    assert_eq!(
        status, 413,
        "a chunked body without Content-Length is limited too"
    );
    assert!(stored_reports(&app.db_url).await.is_empty());
}

/// Sends `total` bytes of body in chunked encoding (no Content-Length) and returns the status code.
async fn chunked_post(port: u16, path: &str, total: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 2_000];
    let mut sent = 0;
    while sent < total {
        let frame = [
            format!("{:x}\r\n", chunk.len()).into_bytes(),
            chunk.clone(),
            b"\r\n".to_vec(),
        ]
        .concat();
        // The server may answer and close before the body ends; that is fine.
        if s.write_all(&frame).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinates_out_of_range_or_alone_are_422() {
    let app = spawn_app(AppOptions::sqlite()).await;
    for bad in [
        json!({"problem": "login", "lat": 90.01, "lon": 0}),
        json!({"problem": "login", "lat": -91, "lon": 0}),
        json!({"problem": "login", "lat": 0, "lon": 180.5}),
        json!({"problem": "login", "lat": 0, "lon": -181}),
        json!({"problem": "login", "lat": 45.46}),
        json!({"problem": "login", "lon": 9.19}),
        json!({"problem": "login", "lat": "north", "lon": 9.19}),
        json!({"problem": "login", "lat": 1e300, "lon": 0}),
    ] {
        let res = app.post_report(INTESA, &bad, "ua").await;
        expect_json_error(res, 422).await;
    }
    // A huge literal is not a finite latitude.
    let res = post_raw(
        &app,
        &format!("/api/v1/services/{INTESA}/reports"),
        "application/json",
        br#"{"problem":"login","lat":1e999,"lon":0}"#.to_vec(),
    )
    .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    for (form, what) in [
        ("problem=login&lat=95&lon=9", "latitude out of range"),
        ("problem=login&lat=45", "latitude alone"),
        ("problem=login&lat=abc&lon=9", "latitude not a number"),
    ] {
        let res = post_form(&app, INTESA, form, "ua").await;
        assert_eq!(res.status(), 422, "{what}");
        expect_html_error(res, 422).await;
    }
    assert!(stored_reports(&app.db_url).await.is_empty());
    // The edges are allowed, and empty form fields mean "not given".
    app.report_ok(
        INTESA,
        &json!({"problem": "login", "lat": 90, "lon": -180}),
        "ua1",
    )
    .await;
    app.report_ok(
        INTESA,
        &json!({"problem": "login", "lat": -90, "lon": 180}),
        "ua2",
    )
    .await;
    let res = post_form(&app, INTESA, "problem=login&lat=&lon=&region=", "ua3").await;
    assert_eq!(res.status(), 303);
    assert_eq!(stored_reports(&app.db_url).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_are_limited_to_500_characters_not_bytes() {
    let app = spawn_app(AppOptions::sqlite()).await;
    let exactly = "é".repeat(500); // 1,000 bytes
    let v = app
        .report_ok(
            INTESA,
            &json!({"problem": "other", "comment": exactly}),
            "ua1",
        )
        .await;
    let over = format!("{exactly}e");
    let msg = expect_json_error(
        app.post_report(INTESA, &json!({"problem": "other", "comment": over}), "ua2")
            .await,
        422,
    )
    .await;
    assert!(msg.contains("500"), "{msg}");
    let form = format!("problem=other&comment={}", "a".repeat(501));
    expect_html_error(post_form(&app, INTESA, &form, "ua3").await, 422).await;
    let rows = stored_reports(&app.db_url).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, v["id"].as_i64().unwrap());
    assert_eq!(rows[0].comment.as_deref(), Some(exactly.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_400() {
    let app = spawn_app(AppOptions::sqlite()).await;
    let path = format!("/api/v1/services/{INTESA}/reports");
    for body in [
        &b"{"[..],
        b"",
        b"not json",
        b"{\"problem\": \"login\",}",
        b"{\"problem\": \"login\"} trailing",
        b"\xff\xfe{}",
    ] {
        let res = post_raw(&app, &path, "application/json", body.to_vec()).await;
        let msg = expect_json_error(res, 400).await;
        assert!(!msg.is_empty());
    }
    // Well-formed JSON of the wrong shape is refused, never stored.
    for body in [&b"[]"[..], b"42", b"{\"problem\": 5}", b"null"] {
        let res = post_raw(&app, &path, "application/json", body.to_vec()).await;
        expect_json_error(res, 422).await;
    }
    assert!(stored_reports(&app.db_url).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_or_empty_forms_get_a_4xx_page() {
    let app = spawn_app(AppOptions::sqlite()).await;
    for body in [
        "",
        "problem=",
        "problem",
        "=&&==",
        "problem=%ZZ",
        "problem=%FF%FE",
        "problem=login&region=italy",
        "problem=login&problem=card",
    ] {
        let res = post_form(&app, INTESA, body, "ua").await;
        let status = res.status().as_u16();
        assert!((400..500).contains(&status), "{body:?} answered {status}");
        expect_html_error(res, status).await;
    }
    let res = post_raw(
        &app,
        &format!("/s/{INTESA}/report"),
        "application/x-www-form-urlencoded",
        b"\xff\x00\xfe=\x01".to_vec(),
    )
    .await;
    let status = res.status().as_u16();
    assert!(
        (400..500).contains(&status),
        "binary form answered {status}"
    );
    expect_html_error(res, status).await;
    assert!(stored_reports(&app.db_url).await.is_empty());
}

/// The number the service page shows before "… report(s) in the last hour".
fn reports_last_hour(html: &str) -> u64 {
    let at = html
        .find("in the last hour")
        .unwrap_or_else(|| panic!("no hourly total on the page: {html}"));
    let before = html[..at].trim_end();
    let before = before
        .strip_suffix("reports")
        .or_else(|| before.strip_suffix("report"))
        .unwrap_or(before)
        .trim_end();
    let digits: String = before
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number before the hourly total: {html}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_report_redirects_to_the_service_page_with_a_thank_you() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0 + 3)).await;
    let res = post_form(&app, INTESA, "problem=login&region=IT-25&comment=", "phone").await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("/s/{INTESA}?")),
        "redirects to {location}"
    );
    assert!(location.contains("reported=login"), "{location}");
    let page = app.get(&location).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Thank you"), "{html}");
    assert_eq!(reports_last_hour(&html), 1, "{html}");

    // The same phone again: accepted, stored, not counted, and the page says so.
    let res = post_form(&app, INTESA, "problem=card", "phone").await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let html = app.get(&location).await.text().await.unwrap();
    assert!(html.contains("Thank you"), "{html}");
    assert!(html.contains("not counted again"), "{html}");
    assert_eq!(reports_last_hour(&html), 1, "{html}");
    let rows = stored_reports(&app.db_url).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows.iter().filter(|r| r.counted).count(), 1);

    // Without a report the page has no notice.
    let html = app.get(&format!("/s/{INTESA}")).await.text().await.unwrap();
    assert!(!html.contains("Thank you"));
}

#[test]
fn random_bodies_never_cause_a_server_error() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let app = rt.block_on(spawn_app(AppOptions::sqlite()));
    let json_like = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        "[ -~]{0,200}".prop_map(String::into_bytes),
        (
            "[a-z_]{0,12}",
            prop_oneof![
                Just("login".to_owned()),
                "[a-z]{0,8}",
                Just("\u{0}".to_owned())
            ],
            proptest::option::of(any::<f64>()),
            proptest::option::of(any::<f64>()),
            proptest::option::of(".{0,40}"),
            proptest::option::of("[A-Za-z0-9:{}*-]{0,8}"),
        )
            .prop_map(|(field, problem, lat, lon, comment, region)| {
                let mut m = serde_json::Map::new();
                m.insert(field, json!(1));
                m.insert("problem".into(), json!(problem));
                if let Some(x) = lat {
                    m.insert("lat".into(), json!(x));
                }
                if let Some(x) = lon {
                    m.insert("lon".into(), json!(x));
                }
                if let Some(c) = comment {
                    m.insert("comment".into(), json!(c));
                }
                if let Some(r) = region {
                    m.insert("region".into(), json!(r));
                }
                serde_json::to_vec(&Value::Object(m)).unwrap()
            }),
    ];
    let target = prop_oneof![
        Just(format!("/api/v1/services/{INTESA}/reports")),
        Just(format!("/s/{INTESA}/report")),
        Just("/api/v1/services/%00/reports".to_owned()),
        Just("/s/%E2%82/report".to_owned()),
    ];
    let ctype = prop_oneof![
        Just("application/json"),
        Just("application/x-www-form-urlencoded"),
        Just("text/plain"),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(target, ctype, json_like), |(path, ctype, body)| {
            let status = rt.block_on(async {
                post_raw(&app, &path, ctype, body.clone())
                    .await
                    .status()
                    .as_u16()
            });
            prop_assert!(
                status < 500,
                "{path} {ctype} {:?} answered {status}",
                String::from_utf8_lossy(&body)
            );
            Ok(())
        })
        .unwrap();
    // Odd query strings on the read side too.
    for q in [
        "window=%FF",
        "step=0m",
        "window=99999999999999999999999h",
        "window=9223372036854775807s&step=1h",
        "problem=&region=",
        "region=%00",
        "window=-1h",
        "step=1h&window=1m",
    ] {
        let status = rt.block_on(async {
            app.get(&format!("/api/v1/services/{INTESA}/series?{q}"))
                .await
                .status()
                .as_u16()
        });
        assert!(status < 500, "series?{q} answered {status}");
    }
    rt.block_on(app.stop());
}

// ---------------------------------------------------------------------------------------------------
// De-duplication

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

// ---------------------------------------------------------------------------------------------------
// The series endpoint

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn series_has_the_requested_shape_zero_filled_oldest_first() {
    let now = T0 + 6 * 3_600 + 29 * 60 + 41;
    let app = spawn_app(AppOptions::sqlite().manual_clock(now)).await;
    let v = app.series(INTESA, "window=24h&step=1m").await;
    assert_eq!(v["service"], json!(INTESA));
    assert_eq!(v["step_seconds"], json!(60));
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 1_440);
    let times: Vec<i64> = points
        .iter()
        .map(|p| parse_rfc3339(p["t"].as_str().unwrap()))
        .collect();
    assert_eq!(
        *times.last().unwrap(),
        now.div_euclid(60) * 60,
        "last is the current minute"
    );
    assert_eq!(
        points.last().unwrap()["t"],
        json!(rfc3339(now.div_euclid(60) * 60))
    );
    assert!(
        times.windows(2).all(|w| w[1] - w[0] == 60),
        "oldest first, one minute apart"
    );
    assert!(points.iter().all(|p| p["count"] == json!(0)), "zero-filled");

    // Defaults are 24h of minutes.
    assert_eq!(app.series_counts(INTESA, "").await.len(), 1_440);
    let v = app.series(INTESA, "window=8w&step=1h").await;
    assert_eq!(v["step_seconds"], json!(3_600));
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 8 * 7 * 24);
    assert_eq!(
        parse_rfc3339(points.last().unwrap()["t"].as_str().unwrap()),
        now.div_euclid(3_600) * 3_600
    );

    for bad in [
        "window=49h&step=1m",
        "window=24h&step=5m",
        "window=9w&step=1h",
        "window=0h&step=1m",
        "window=abc",
        "window=24h&step=1d",
        "problem=coffee",
        "region=italy",
        "problem=login&region=IT-25",
    ] {
        let res = app
            .get(&format!("/api/v1/services/{INTESA}/series?{bad}"))
            .await;
        expect_json_error(res, 422).await;
    }
    expect_json_error(
        app.get("/api/v1/services/nope/series?window=24h&step=1m")
            .await,
        404,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn series_window_may_be_48_hours_of_minutes() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0 + 17)).await;
    assert_eq!(
        app.series_counts(INTESA, "window=48h&step=1m").await.len(),
        2_880
    );
    // A report 47 h 59 min old is the oldest bucket of that window.
    app.report_ok(INTESA, &json!({"problem": "login"}), "old")
        .await;
    app.clock.set(T0 + 48 * 3_600 - 60 + 17);
    let points = app.series_counts(INTESA, "window=48h&step=1m").await;
    assert_eq!(
        points[0], 1,
        "the 48-hour window starts with the oldest retained minute"
    );
}

async fn check_series_counts(app: &TestApp) {
    let t = app.clock.now();
    assert_eq!(t % 60, 0, "the test starts on a minute");
    // Minute t: two logins from Lombardy (IT-25), one SMS code without region.
    app.clock.set(t + 5);
    app.report_ok(
        INTESA,
        &json!({"problem": "login", "region": "IT-25"}),
        "u1",
    )
    .await;
    app.report_ok(
        INTESA,
        &json!({"problem": "login", "region": "IT-25"}),
        "u2",
    )
    .await;
    app.report_ok(INTESA, &json!({"problem": "sms_verification"}), "u3")
        .await;
    // A repeat: stored, not counted anywhere.
    app.report_ok(
        INTESA,
        &json!({"problem": "login", "region": "IT-25"}),
        "u1",
    )
    .await;
    // Minute t+2: a card problem in Lazio (IT-62); another service.
    app.clock.set(t + 2 * 60 + 59);
    app.report_ok(INTESA, &json!({"problem": "card", "region": "IT-62"}), "u4")
        .await;
    app.report_ok(MONZO, &json!({"problem": "login", "region": "TLI"}), "u5")
        .await;
    // Read at minute t+4: the last five minutes are [t, t+1, t+2, t+3, t+4].
    app.clock.set(t + 4 * 60 + 30);
    let last5 = |v: Vec<u64>| v[v.len() - 5..].to_vec();
    let q = "window=5m&step=1m";
    assert_eq!(app.series_counts(INTESA, q).await, vec![3, 0, 1, 0, 0]);
    assert_eq!(
        app.series_counts(INTESA, &format!("{q}&problem=login"))
            .await,
        vec![2, 0, 0, 0, 0]
    );
    assert_eq!(
        app.series_counts(INTESA, &format!("{q}&problem=sms_verification"))
            .await,
        vec![1, 0, 0, 0, 0]
    );
    assert_eq!(
        app.series_counts(INTESA, &format!("{q}&region=IT-25"))
            .await,
        vec![2, 0, 0, 0, 0]
    );
    assert_eq!(
        app.series_counts(INTESA, &format!("{q}&region=IT-62"))
            .await,
        vec![0, 0, 1, 0, 0]
    );
    assert_eq!(
        app.series_counts(INTESA, &format!("{q}&region=TLI")).await,
        vec![0; 5]
    );
    assert_eq!(app.series_counts(MONZO, q).await, vec![0, 0, 1, 0, 0]);
    let day = app.series_counts(INTESA, "window=24h&step=1m").await;
    assert_eq!(last5(day.clone()), vec![3, 0, 1, 0, 0]);
    assert_eq!(day.iter().sum::<u64>(), 4);

    // The hour view holds the same reports in the hour bucket of t.
    let hours = app.series_counts(INTESA, "window=8w&step=1h").await;
    assert_eq!(hours.iter().sum::<u64>(), 4);
    let hour_of = |x: i64| x.div_euclid(3_600);
    let idx = hours.len() - 1 - (hour_of(t + 270) - hour_of(t)) as usize;
    let expected_in_t_hour = if hour_of(t + 179) == hour_of(t) { 4 } else { 3 };
    assert_eq!(hours[idx], expected_in_t_hour);

    // Two hours later the 1-hour minute window no longer holds them, the 24-hour one still does.
    app.clock.set(t + 2 * 3_600);
    assert_eq!(
        app.series_counts(INTESA, "window=1h&step=1m")
            .await
            .iter()
            .sum::<u64>(),
        0
    );
    assert_eq!(
        app.series_counts(INTESA, "window=24h&step=1m")
            .await
            .iter()
            .sum::<u64>(),
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn series_counts_reports_per_minute_problem_and_region_sqlite() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0)).await;
    check_series_counts(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn series_counts_reports_per_minute_problem_and_region_postgres_redis() {
    let Some((app, _redis)) = postgres_with_redis(Clock::manual(now_minute_plus(0))).await else {
        return;
    };
    check_series_counts(&app).await;
}

// ---------------------------------------------------------------------------------------------------
// Operations

async fn check_operations(app: &TestApp, counters: &str) {
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["sql"]["status"], json!("ok"), "{v}");
    assert_eq!(v["counters"]["status"], json!("ok"), "{v}");
    assert_eq!(v["counters"]["backend"], json!(counters), "{v}");

    app.report_ok(AMEX, &json!({"problem": "sms_verification"}), "m1")
        .await;
    expect_json_error(
        app.post_report(AMEX, &json!({"problem": "telepathy"}), "m1")
            .await,
        422,
    )
    .await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    for needle in [
        r#"downtally_reports_accepted_total{counted="true",reason=""} 1"#,
        r#"downtally_reports_rejected_total{reason="unknown_problem"} 1"#,
        "downtally_http_request_duration_seconds_bucket",
        "# TYPE downtally_http_request_duration_seconds histogram",
    ] {
        assert!(text.contains(needle), "/metrics lacks {needle}:\n{text}");
    }
    assert!(
        text.lines().any(
            |l| l.starts_with("downtally_http_request_duration_seconds_count")
                && l.contains("/api/v1/services/{slug}/reports")
        ),
        "latency is labelled by route pattern:\n{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics_sqlite() {
    let app = spawn_app(AppOptions::sqlite()).await;
    check_operations(&app, "memory").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics_postgres_redis() {
    let Some((app, mut redis)) = postgres_with_redis(Clock::System).await else {
        return;
    };
    check_operations(&app, "redis").await;
    // Without Redis the service is alive but not ready.
    if let AnyRedis::Private(server) = &mut redis {
        server.kill();
        assert_eq!(app.get("/healthz").await.status(), 200);
        assert_eq!(app.get("/readyz").await.status(), 503);
    }
}

// ---------------------------------------------------------------------------------------------------
// Restart and graceful shutdown with the real binary

/// POSTs a report as `ua` would, from a network of its own (see `network_of`).
async fn post_to(
    _client: &reqwest::Client,
    address: &str,
    slug: &str,
    body: &Value,
    ua: &str,
) -> reqwest::Response {
    client_from(network_of(ua))
        .post(format!("{address}/api/v1/services/{slug}/reports"))
        .header("User-Agent", ua)
        .json(body)
        .send()
        .await
        .expect("POST answers")
}

async fn day_total(client: &reqwest::Client, address: &str, slug: &str) -> u64 {
    let v: Value = client
        .get(format!(
            "{address}/api/v1/services/{slug}/series?window=24h&step=1m"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .sum()
}

async fn check_counts_survive_restart(env: &[(&str, &str)]) {
    let client = client();
    let mut server = spawn_binary(&[], env).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let res = post_to(
            &client,
            &server.address,
            MONZO,
            &json!({"problem": "login", "region": "TLI"}),
            &format!("restart-{i}"),
        )
        .await;
        assert_eq!(res.status(), 201);
        ids.push(res.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let dup = post_to(
        &client,
        &server.address,
        MONZO,
        &json!({"problem": "card"}),
        "restart-0",
    )
    .await
    .json::<Value>()
    .await
    .unwrap();
    assert_eq!(dup["counted"], json!(false));
    assert_eq!(day_total(&client, &server.address, MONZO).await, 5);

    server.sigterm();
    let status = server.wait_exit(Duration::from_secs(40)).await;
    assert!(
        status.success(),
        "exit status {status}; log:\n{}",
        server.log_text()
    );

    let server = spawn_binary(&[], env).await;
    assert_eq!(
        day_total(&client, &server.address, MONZO).await,
        5,
        "counts after the restart; log:\n{}",
        server.log_text()
    );
    let region: Value = client
        .get(format!(
            "{}/api/v1/services/{MONZO}/series?window=1h&step=1m&region=TLI",
            server.address
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let region_total: u64 = region["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .sum();
    assert_eq!(region_total, 5);
    // The restarted server counts new reporters on top of the rebuilt counts.
    let res = post_to(
        &client,
        &server.address,
        MONZO,
        &json!({"problem": "login"}),
        "new-one",
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(day_total(&client, &server.address, MONZO).await, 6);
    let db_url = env
        .iter()
        .find(|(k, _)| *k == "DATABASE_URL")
        .map(|(_, v)| *v)
        .unwrap();
    let rows = stored_reports(db_url).await;
    assert_eq!(rows.len(), 7);
    for id in ids {
        assert!(rows.iter().any(|r| r.id == id));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_survive_a_restart_sqlite() {
    let db = SqliteFile::new();
    check_counts_survive_restart(&[("DATABASE_URL", &db.url)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_survive_a_restart_postgres() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let url = fresh_postgres(&admin).await;
    check_counts_survive_restart(&[("DATABASE_URL", &url)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_survive_a_restart_postgres_redis() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let Some(redis) = AnyRedis::get().await else {
        return;
    };
    let url = fresh_postgres(&admin).await;
    check_counts_survive_restart(&[("DATABASE_URL", &url), ("REDIS_URL", redis.url())]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_in_flight_reports_and_exits_0() {
    let db = SqliteFile::new();
    let mut server = spawn_binary(&["--workers", "2"], &[("DATABASE_URL", &db.url)]).await;
    let client = client();
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..200 {
        let client = client.clone();
        let address = server.address.clone();
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(format!("{address}/api/v1/services/{BARCLAYS}/reports"))
                .header("User-Agent", format!("burst-{i}"))
                .json(&json!({"problem": "payments", "comment": format!("report {i}")}))
                .send()
                .await;
            done.fetch_add(1, Ordering::SeqCst);
            match res {
                Ok(r) if r.status() == 201 => {
                    let v: Value = r.json().await.expect("a 201 carries its JSON");
                    Some(v["id"].as_i64().unwrap())
                }
                // Refused or cut by the shutdown: not acknowledged, so nothing is promised.
                _ => None,
            }
        }));
    }
    // Let the burst get going, then stop the server in the middle of it.
    while done.load(Ordering::SeqCst) < 1 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.sigterm();
    let answered_before_signal = done.load(Ordering::SeqCst);
    let mut acknowledged = Vec::new();
    for t in tasks {
        if let Some(id) = t.await.unwrap() {
            acknowledged.push(id);
        }
    }
    let status = server.wait_exit(Duration::from_secs(40)).await;
    assert!(
        status.success(),
        "exit status {status}; log:\n{}",
        server.log_text()
    );
    assert!(
        acknowledged.len() >= 10,
        "only {} acknowledged",
        acknowledged.len()
    );
    let stored: HashSet<i64> = stored_reports(&db.url).await.iter().map(|r| r.id).collect();
    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not stored: {missing:?}"
    );
    eprintln!(
        "{answered_before_signal} of 200 answered when SIGTERM was sent; {} acknowledged, {} stored",
        acknowledged.len(),
        stored.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_server_on_an_existing_sqlite_database_rebuilds_its_counters() {
    let db = SqliteFile::new();
    let opts = AppOptions {
        database: Database::Sqlite(db.clone()),
        ..AppOptions::sqlite().manual_clock(T0 + 10)
    };
    let first = spawn_app(opts.clone()).await;
    for ua in ["a", "b", "c"] {
        first
            .report_ok(
                BARCLAYS,
                &json!({"problem": "payments", "region": "GB-WLS"}),
                ua,
            )
            .await;
    }
    first
        .report_ok(BARCLAYS, &json!({"problem": "login"}), "a")
        .await;
    first.clock.set(T0 + 70);
    first
        .report_ok(BARCLAYS, &json!({"problem": "login"}), "d")
        .await;
    first.stop().await;

    let second = spawn_app(AppOptions {
        clock: Clock::manual(T0 + 90),
        ..opts
    })
    .await;
    let q = "window=2m&step=1m";
    assert_eq!(second.series_counts(BARCLAYS, q).await, vec![3, 1]);
    assert_eq!(
        second
            .series_counts(BARCLAYS, &format!("{q}&problem=payments"))
            .await,
        vec![3, 0]
    );
    assert_eq!(
        second
            .series_counts(BARCLAYS, &format!("{q}&region=GB-WLS"))
            .await,
        vec![3, 0]
    );
    assert_eq!(
        second
            .series_counts(BARCLAYS, "window=2h&step=1h")
            .await
            .iter()
            .sum::<u64>(),
        4
    );
}

// ---------------------------------------------------------------------------------------------------
// A report that could not be stored

async fn sql(db_url: &str, statement: &str) {
    let db = downtally::store::Db::connect(db_url).await.unwrap();
    match &db {
        downtally::store::Db::Sqlite(p) => {
            sqlx::query(statement).execute(p).await.unwrap();
        }
        downtally::store::Db::Postgres(p) => {
            sqlx::query(statement).execute(p).await.unwrap();
        }
    }
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_sql_refuses_is_answered_503_and_not_acknowledged() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0)).await;
    sql(
        &app.db_url,
        "CREATE TRIGGER refuse BEFORE INSERT ON reports BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .await;
    let res = app
        .post_report(INTESA, &json!({"problem": "login"}), "unlucky")
        .await;
    expect_json_error(res, 503).await;
    let res = post_form(&app, INTESA, "problem=login", "unlucky-form").await;
    expect_html_error(res, 503).await;
    assert!(stored_reports(&app.db_url).await.is_empty());
    assert_eq!(
        app.series_counts(INTESA, "window=1h&step=1m")
            .await
            .iter()
            .sum::<u64>(),
        0,
        "nothing stored, nothing counted"
    );
    sql(&app.db_url, "DROP TRIGGER refuse").await;
    // The server recovers once SQL does.
    app.report_ok(INTESA, &json!({"problem": "login"}), "lucky")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_a_failed_store_is_counted() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0)).await;
    sql(
        &app.db_url,
        "CREATE TRIGGER refuse BEFORE INSERT ON reports BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .await;
    let res = app
        .post_report(INTESA, &json!({"problem": "login"}), "unlucky")
        .await;
    expect_json_error(res, 503).await;
    sql(&app.db_url, "DROP TRIGGER refuse").await;
    let v = app
        .report_ok(INTESA, &json!({"problem": "login"}), "unlucky")
        .await;
    assert_eq!(
        v["counted"],
        json!(true),
        "the first report was refused, so the retry is the reporter's first"
    );
}
