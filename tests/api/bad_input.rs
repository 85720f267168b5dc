//! Bad input (issue 9 §5): whatever a client sends to any route (`web::route_table`), the answer
//! is never a 5xx and no handler panics; every refusal answers in the format of its path (a page,
//! or a problem document under `/api/`).

use crate::helpers::*;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Panics anywhere in this process (the server runs in it).
static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default(info);
    }));
}

/// One request, as bytes go on the wire.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

/// Every byte percent-encoded: any byte string as a path segment or query value.
fn percent(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

/// Text that is mostly what the server parses (slugs, numbers, durations, zones, languages), and
/// sometimes anything at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z0-9._~-]{1,24}",
        "-?[0-9]{1,25}(\\.[0-9]{0,5})?[smhdwy]?",
        Just("Europe/Rome".to_owned()),
        Just("it".to_owned()),
        Just("monzo".to_owned()),
        Just("login".to_owned()),
        Just("IT-25".to_owned()),
        vec(any::<u8>(), 0..24).prop_map(|b| percent(&b)),
        "[ -~]{0,32}".prop_map(|s| s.replace([' ', '#'], "+")),
    ]
}

fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("lang"),
        Just("tz"),
        Just("window"),
        Just("step"),
        Just("problem"),
        Just("region"),
        Just("comments"),
        Just("q"),
        Just("country"),
        Just("service"),
        Just("theme"),
        Just("reported"),
        Just("counted"),
        Just("commented"),
        Just("before"),
        Just("page"),
        Just("%FF"),
        Just(""),
    ];
    vec((key, text()), 0..5).prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// Header values: plausible ones, and any bytes a header line can carry (no CR, LF or NUL).
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        text().prop_map(String::into_bytes),
        Just(b"application/json".to_vec()),
        Just(b"application/x-www-form-urlencoded".to_vec()),
        Just(b"https://evil.example".to_vec()),
        Just(b"it-IT,it;q=0.9,en;q=0.8".to_vec()),
        Just(b"lang=nb; tz=Asia/Tokyo".to_vec()),
        Just(b"gzip".to_vec()),
        Just(b"W/\"0-0\"".to_vec()),
        vec(
            any::<u8>().prop_filter("a header line", |b| !matches!(b, b'\r' | b'\n' | 0)),
            0..64
        ),
    ]
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Content-Type"),
        Just("Accept-Language"),
        Just("Cookie"),
        Just("Origin"),
        Just("Sec-Fetch-Site"),
        Just("X-Forwarded-For"),
        Just("Forwarded"),
        Just("X-Forwarded-Host"),
        Just("If-None-Match"),
        Just("Accept-Encoding"),
        Just("Content-Encoding"),
        Just("Accept"),
        Just("Range"),
        Just("X-Request-Id"),
        Just("User-Agent"),
        Just("Referer"),
    ]
    .prop_map(str::to_owned)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        vec(any::<u8>(), 0..256),
        Just(br#"{"problem":"login","region":"IT-25","lat":45.4,"lon":9.2}"#.to_vec()),
        Just(b"problem=login&region=IT-25&lat=45.4&lon=9.2&comment=hi".to_vec()),
        Just(b"name=a&body=b".to_vec()),
        (text(), text())
            .prop_map(|(a, b)| format!(r#"{{"problem":"{a}","comment":"{b}"}}"#).into_bytes()),
        (text(), text()).prop_map(|(a, b)| format!("problem={a}&lat={b}").into_bytes()),
    ]
}

/// A request to one of the routes: its example path, sometimes with a segment replaced or added,
/// a method it answers or any other, a query, headers and a body.
fn request(
    routes: Vec<(&'static str, &'static str, Vec<String>)>,
) -> impl Strategy<Value = Request> {
    let n = routes.len();
    (
        0..n,
        any::<prop::sample::Index>(),
        prop_oneof![
            3 => Just(None),
            1 => Just(Some("GET".to_owned())),
            1 => Just(Some("POST".to_owned())),
            1 => Just(Some("HEAD".to_owned())),
            1 => Just(Some("OPTIONS".to_owned())),
            1 => Just(Some("DELETE".to_owned())),
            1 => Just(Some("BREW".to_owned())),
        ],
        prop_oneof![
            4 => Just(None),
            1 => text().prop_map(|t| Some((true, t))),
            1 => text().prop_map(|t| Some((false, t))),
        ],
        query(),
        vec((header_name(), header_value()), 0..4),
        body(),
    )
        .prop_map(
            move |(route, pick, method, segment, query, headers, body)| {
                let (_, example, allowed) = &routes[route];
                let method = method.unwrap_or_else(|| allowed[pick.index(allowed.len())].clone());
                let mut path = example.to_string();
                match segment {
                    Some((true, t)) => {
                        let cut = path.rfind('/').unwrap_or(0);
                        path = format!("{}/{t}", &path[..cut]);
                    }
                    Some((false, t)) => path = format!("{path}/{t}"),
                    None => {}
                }
                let target = if query.is_empty() {
                    path
                } else {
                    format!("{path}?{query}")
                };
                Request {
                    method,
                    target,
                    headers,
                    body,
                }
            },
        )
}

/// Sends `req` on a connection of its own and returns the status code (0 when nothing came back).
fn send(port: u16, req: &Request) -> u16 {
    let mut wire = format!(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        req.method,
        req.target,
        req.body.len()
    )
    .into_bytes();
    for (name, value) in &req.headers {
        wire.extend_from_slice(name.as_bytes());
        wire.extend_from_slice(b": ");
        wire.extend_from_slice(value);
        wire.extend_from_slice(b"\r\n");
    }
    wire.extend_from_slice(b"\r\n");
    wire.extend_from_slice(&req.body);
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // The server may answer (and close) before reading all of a body it refuses.
    let _ = stream.write_all(&wire);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let head = String::from_utf8_lossy(&answer[..answer.len().min(32)]).into_owned();
    head.strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arbitrary_requests_to_every_route_never_get_a_5xx_or_a_panic() {
    count_panics();
    let app = spawn_app(AppOptions::sqlite()).await;
    let port = app.port;
    // The requests are sent with blocking sockets, off the runtime the server's tasks run on.
    tokio::task::spawn_blocking(move || fuzz_routes(port))
        .await
        .unwrap();
}

fn fuzz_routes(port: u16) {
    let routes: Vec<_> = downtally::web::route_table()
        .into_iter()
        .map(|(pattern, example, methods)| {
            let methods = methods.iter().map(|m| m.to_string()).collect();
            (pattern, example, methods)
        })
        .collect();
    assert!(routes.len() >= 16);
    let cases = std::env::var("BAD_INPUT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let started = std::time::Instant::now();
    let statuses = std::sync::Mutex::new(std::collections::BTreeMap::<u16, usize>::new());
    runner
        .run(&request(routes), |req| {
            let status = send(port, &req);
            *statuses.lock().unwrap().entry(status).or_default() += 1;
            prop_assert!(
                (100..500).contains(&status),
                "{} {} answered {status} (0: nothing)\nheaders: {:?}\nbody: {:?}",
                req.method,
                req.target,
                req.headers
                    .iter()
                    .map(|(n, v)| (n.clone(), String::from_utf8_lossy(v).into_owned()))
                    .collect::<Vec<_>>(),
                String::from_utf8_lossy(&req.body)
            );
            prop_assert_eq!(PANICS.load(Ordering::SeqCst), 0, "a panic: {:?}", req);
            Ok(())
        })
        .unwrap();
    println!(
        "bad input: {cases} arbitrary requests over every route in {:.1} s, none answered 5xx, \
         no panic; answers by status: {:?}",
        started.elapsed().as_secs_f64(),
        statuses.lock().unwrap()
    );
    let healthy = send(
        port,
        &Request {
            method: "GET".into(),
            target: "/healthz".into(),
            headers: vec![],
            body: vec![],
        },
    );
    assert_eq!(healthy, 200);
    assert_eq!(PANICS.load(Ordering::SeqCst), 0);
}

/// A refusal in the format of its path.
async fn refusal(app: &TestApp, path: &str, lang: &str) -> (u16, String, String) {
    let res = app
        .client
        .get(app.url(path))
        .header("Accept-Language", lang)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let ctype = res.headers()["content-type"].to_str().unwrap().to_owned();
    (status, ctype, res.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_extractors_refuse_answers_in_the_format_of_its_path() {
    let app = spawn_app(AppOptions::sqlite()).await;
    for (path, api) in [
        (format!("/s/{MONZO}?comments=abc"), false),
        (format!("/embed/{MONZO}/map?window=%FF%FE&window=1h"), false),
        ("/outages?service=a&service=b".to_owned(), false),
        (
            format!("/api/v1/services/{MONZO}/series?step=1m&step=1h"),
            true,
        ),
        (
            format!("/api/v1/services/{MONZO}/series?window=24h&window=%FF"),
            true,
        ),
        ("/api/v1/nothing".to_owned(), true),
    ] {
        let (status, ctype, body) = refusal(&app, &path, "it").await;
        assert!((400..500).contains(&status), "{path}: {status} {body}");
        if api {
            assert_eq!(ctype, "application/problem+json", "{path}: {body}");
            let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(problem["status"], status, "{body}");
            assert!(problem["title"].is_string() && problem["detail"].is_string());
            assert_eq!(problem["error"], problem["detail"], "{body}");
        } else {
            assert!(ctype.starts_with("text/html"), "{path}: {ctype}: {body}");
            assert!(body.contains("<html"), "{path}: {body}");
            assert!(
                !body.contains("deserialize"),
                "{path}: actix's words: {body}"
            );
        }
    }
    let (status, _, page) = refusal(&app, &format!("/s/{MONZO}?comments=abc"), "it").await;
    assert_eq!(status, 400);
    assert!(page.contains("<h1>400 Richiesta non valida</h1>"), "{page}");
}
