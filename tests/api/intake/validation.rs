//! Validation (issue 2, part 5): unknown services and problems, oversized and malformed bodies,
//! coordinates and comment limits; no input, however odd, causes a server error.

use super::{expect_html_error, expect_json_error, post_form, post_raw};
use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;

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
