//! Webhooks end to end (issue 13 §4): a receiver on loopback (a tiny HTTP/1.1 server in the test)
//! checks signatures, the challenge, the order of events, retries after 500s and timeouts, exactly
//! one delivery per event, delivery after a restart mid-retry, and how long a delivery takes from
//! the moment the monitor queues the outage; SSRF refusals and that the URL is never answered or
//! logged. The server runs with the development setting that allows `http://` to loopback.

use crate::helpers::{
    AppOptions, Database, SqliteFile, TestApp, client_from, downtally_command, free_port,
    fresh_postgres, nth_network, require_env, spawn_app_with,
};
use downtally::domain::ServiceSlug;
use downtally::startup::Settings;
use downtally::store::OutageRecord;
use downtally::webhooks::sign::verify;
use downtally::webhooks::{EventKind, UpdateReason};
use parking_lot::Mutex;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SERVICE: &str = "monzo";

/// What the receiver answers to the next event delivery (challenges are always echoed).
#[derive(Clone, Copy, Debug)]
enum Answer {
    Ok,
    Status(u16),
    /// Waits this long before answering 200 (past the server's timeout: a timeout).
    Slow(Duration),
}

#[derive(Clone, Debug)]
struct Received {
    at: Instant,
    event: String,
    delivery: String,
    signature: String,
    body: Vec<u8>,
    answered: u16,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A loopback HTTP/1.1 receiver: one request per connection, answers from a script.
#[derive(Clone)]
struct Receiver {
    url: String,
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Answer>>>,
    /// Answers challenges 200 without echoing them (a URL whose owner never asked).
    ignore_challenges: Arc<std::sync::atomic::AtomicBool>,
}

impl Receiver {
    async fn start(path: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let receiver = Receiver {
            url: format!("http://127.0.0.1:{port}{path}"),
            port,
            got: Arc::default(),
            script: Arc::default(),
            ignore_challenges: Arc::default(),
        };
        let r = receiver.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let r = r.clone();
                tokio::spawn(async move {
                    let _ = r.serve(&mut sock).await;
                });
            }
        });
        receiver
    }

    async fn serve(&self, sock: &mut tokio::net::TcpStream) -> std::io::Result<()> {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let header = |name: &str| {
            head.lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                })
                .unwrap_or_default()
        };
        let len: usize = header("content-length").parse().unwrap_or(0);
        while buf.len() < head_end + len {
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = buf[head_end..].to_vec();
        let at = Instant::now();
        let event = header("downtally-event");
        let ignore = self
            .ignore_challenges
            .load(std::sync::atomic::Ordering::Relaxed);
        let (status, reply) = if event == "subscription.challenge" && ignore {
            (200, "what?".to_owned())
        } else if event == "subscription.challenge" {
            let v: Value = serde_json::from_slice(&body).unwrap();
            (200, v["challenge"].as_str().unwrap().to_owned())
        } else {
            let answer = self.script.lock().pop_front().unwrap_or(Answer::Ok);
            match answer {
                Answer::Ok => (200, "ok".to_owned()),
                Answer::Status(s) => (s, "no".to_owned()),
                Answer::Slow(d) => {
                    tokio::time::sleep(d).await;
                    (200, "late".to_owned())
                }
            }
        };
        self.got.lock().push(Received {
            at,
            event,
            delivery: header("downtally-delivery"),
            signature: header("downtally-signature"),
            body,
            answered: status,
        });
        let res = format!(
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
            reply.len()
        );
        sock.write_all(res.as_bytes()).await?;
        sock.shutdown().await
    }

    fn events(&self) -> Vec<Received> {
        self.got
            .lock()
            .iter()
            .filter(|r| r.event.starts_with("outage."))
            .cloned()
            .collect()
    }

    fn all(&self) -> Vec<Received> {
        self.got.lock().clone()
    }

    /// Waits until `pred` holds of what was received.
    async fn wait_for(&self, what: &str, limit: Duration, pred: impl Fn(&[Received]) -> bool) {
        let start = Instant::now();
        while !pred(&self.all()) {
            assert!(
                start.elapsed() < limit,
                "{what}: not within {limit:?}; got {:?}",
                self.all()
                    .iter()
                    .map(|r| (&r.event, r.answered))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Test settings: http to loopback allowed, short timeout and backoff, a fast poll.
fn fast(s: &mut Settings) {
    s.webhooks.policy.allow_loopback_http = true;
    s.webhooks.key = Some(downtally::webhooks::seal::SealKey([7; 32]));
    s.webhooks.timeout = Duration::from_millis(700);
    s.webhooks.backoff_base = Duration::from_millis(150);
    s.webhooks.poll = Duration::from_millis(50);
}

async fn subscribe(app: &TestApp, body: Value, net: u32) -> reqwest::Response {
    client_from(nth_network(net))
        .post(app.url("/api/v1/subscriptions"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Subscribes `url` to SERVICE and returns (id, secret) after checking the answer names no URL.
async fn subscribe_ok(app: &TestApp, url: &str, format: &str) -> (String, String) {
    let res = subscribe(
        app,
        json!({"url": url, "service": SERVICE, "format": format}),
        1,
    )
    .await;
    assert_eq!(res.status(), 201);
    let text = res.text().await.unwrap();
    assert!(!text.contains(url), "the answer echoes the URL: {text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["state"], "pending");
    assert_eq!(v["host"], "127.0.0.1");
    (
        v["id"].as_str().unwrap().to_owned(),
        v["secret"].as_str().unwrap().to_owned(),
    )
}

async fn subscription_state(app: &TestApp, id: &str, secret: &str) -> Value {
    let res = app
        .client
        .get(app.url(&format!("/api/v1/subscriptions/{id}")))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn wait_state(app: &TestApp, id: &str, secret: &str, want: &str) {
    let start = Instant::now();
    loop {
        let v = subscription_state(app, id, secret).await;
        if v["state"] == want {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "state {v} not {want}"
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

/// An outage of SERVICE stored as the monitor stores it; returns its id.
async fn store_outage(app: &TestApp, ended: bool) -> i64 {
    let now = app.state.clock.now();
    let record = OutageRecord {
        service: ServiceSlug::parse(SERVICE).unwrap(),
        region: None,
        started_at: now - 300,
        ended_at: ended.then_some(now),
        peak_at: now - 120,
        peak_count: 48.0,
        baseline_at_peak: 4.0,
        top_problems: vec![],
        regions: vec![],
    };
    app.state.db.insert_outage(&record, now).await.unwrap()
}

/// What the monitor does after recording an outage event.
async fn declare(app: &TestApp, kind: EventKind, id: i64) {
    app.state
        .webhooks
        .outage_event(kind, id, &ServiceSlug::parse(SERVICE).unwrap(), None, None)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmed_subscribers_get_signed_events_in_order_once_each_within_five_seconds() {
    let app = spawn_app_with(AppOptions::sqlite(), fast).await;
    let rx = Receiver::start("/hooks/json-7f3a").await;
    let (id, secret) = subscribe_ok(&app, &rx.url, "json").await;

    // Nothing but the challenge until it is answered; then the subscription is active.
    rx.wait_for("the challenge", Duration::from_secs(5), |r| !r.is_empty())
        .await;
    let challenge = &rx.all()[0];
    assert_eq!(challenge.event, "subscription.challenge");
    assert_eq!(challenge.json()["subscription"], id);
    wait_state(&app, &id, &secret, "active").await;
    // Sealed at rest: the row holds neither the URL nor the secret.
    if let downtally::store::Db::Sqlite(pool) = &app.state.db {
        let stored: String = sqlx::query_scalar(
            "SELECT url || ' ' || secret || ' ' || url_digest FROM webhook_subscriptions",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        assert!(
            !stored.contains("json-7f3a") && !stored.contains(&secret),
            "{stored}"
        );
    }

    // A Slack subscription to the country: confirmed by the code its first message carries.
    let slack = Receiver::start("/services/T000/B000/xyz").await;
    let res = subscribe(
        &app,
        json!({"url": slack.url, "country": "gb", "format": "slack", "events": ["outage.started"]}),
        2,
    )
    .await;
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.unwrap();
    let (sid, ssecret) = (v["id"].as_str().unwrap(), v["secret"].as_str().unwrap());
    assert_eq!(v["events"], json!(["outage.started"]));
    slack
        .wait_for("the code", Duration::from_secs(5), |r| !r.is_empty())
        .await;
    let text = slack.all()[0].json()["text"].as_str().unwrap().to_owned();
    let code: String = text
        .split("code ")
        .nth(1)
        .unwrap()
        .chars()
        .take(8)
        .collect();
    let confirm = |code: String, secret: String| {
        let app_url = app.url(&format!("/api/v1/subscriptions/{sid}/confirm"));
        let client = app.client.clone();
        async move {
            client
                .post(app_url)
                .bearer_auth(secret)
                .json(&json!({ "code": code }))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(confirm(code.clone(), "whsec_wrong".into()).await, 401);
    assert_eq!(confirm("00000000x".into(), ssecret.into()).await, 422);
    assert_eq!(confirm(code, ssecret.into()).await, 200);

    // The receiver is slow on the first event: `resolved`, queued right after, must wait for it.
    rx.script
        .lock()
        .push_back(Answer::Slow(Duration::from_millis(300)));
    let outage = store_outage(&app, false).await;
    let declared = Instant::now();
    declare(&app, EventKind::Started, outage).await;
    declare(&app, EventKind::Resolved, outage).await;
    rx.wait_for("two events", Duration::from_secs(10), |r| {
        r.iter().filter(|x| x.event.starts_with("outage.")).count() >= 2
    })
    .await;
    slack
        .wait_for("the slack event", Duration::from_secs(5), |r| r.len() >= 2)
        .await;
    let events = rx.events();
    let started = &events[0];
    let latency = started.at - declared;
    eprintln!("webhook delivered {latency:?} after the outage was queued (json receiver)");
    assert!(
        rx.events()[1].at >= started.at + Duration::from_millis(250),
        "resolved did not wait for started's answer"
    );
    assert!(latency < Duration::from_secs(5), "took {latency:?}");
    assert_eq!(started.event, "outage.started");
    assert_eq!(events[1].event, "outage.resolved");
    assert!(events[1].at >= started.at, "resolved before started");
    let now = chrono::Utc::now().timestamp();
    for e in &events {
        assert!(
            verify(&secret, &e.signature, &e.body, now, 60),
            "bad signature {}",
            e.signature
        );
        assert!(!verify(ssecret, &e.signature, &e.body, now, 60));
        let body = e.json();
        assert_eq!(body["id"], e.delivery, "the body's id is the header's");
        assert_eq!(body["type"], e.event);
        assert_eq!(body["subscription"], id);
        assert_eq!(body["outage"]["id"], outage);
        assert_eq!(body["outage"]["service"], SERVICE);
        assert!(
            body["outage"]["permalink"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/outages/{outage}"))
        );
    }
    let slack_text = slack.all()[1].json()["text"].as_str().unwrap().to_owned();
    assert!(
        slack_text.starts_with("Monzo: outage since"),
        "{slack_text}"
    );
    assert!(slack_text.contains(&format!("/outages/{outage}")));

    // An update (the service's statement) reaches the JSON subscriber, not the Slack one (started only).
    app.state
        .webhooks
        .outage_event(
            EventKind::Updated,
            outage,
            &ServiceSlug::parse(SERVICE).unwrap(),
            None,
            Some(UpdateReason::Statement),
        )
        .await;
    rx.wait_for("the update", Duration::from_secs(5), |r| {
        r.iter().any(|x| x.event == "outage.updated")
    })
    .await;
    // Exactly one delivery per event (the slow one was answered within the timeout).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let events = rx.events();
    assert_eq!(
        events.len(),
        3,
        "{:?}",
        events.iter().map(|e| &e.event).collect::<Vec<_>>()
    );
    assert_eq!(events[2].json()["reason"], "statement");
    assert_eq!(slack.all().len(), 2, "slack asked for outage.started only");

    // Metrics count the attempts.
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("downtally_webhook_delivery_attempts_total{outcome=\"delivered\"}"));
    assert!(metrics.contains("downtally_webhook_delivery_seconds_bucket"));
    assert!(metrics.contains("downtally_webhook_queue_depth"));

    // Unsubscribe with the secret only.
    let path = app.url(&format!("/api/v1/subscriptions/{id}"));
    let res = app.client.delete(&path).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = app
        .client
        .delete(&path)
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        app.client
            .get(&path)
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_retried_after_500s_and_timeouts_and_survive_a_restart() {
    // On PostgreSQL when there is one (its claims use FOR UPDATE SKIP LOCKED), else SQLite.
    let file = SqliteFile::new();
    let database = match require_env("TEST_DATABASE_URL") {
        Some(admin) => Database::Url(fresh_postgres(&admin).await),
        None => Database::Sqlite(file.clone()),
    };
    let app = spawn_app_with(
        AppOptions {
            database: database.clone(),
            ..AppOptions::sqlite()
        },
        fast,
    )
    .await;
    let rx = Receiver::start("/hooks/retry").await;
    let (id, secret) = subscribe_ok(&app, &rx.url, "json").await;
    wait_state(&app, &id, &secret, "active").await;

    // 500, then a timeout, then 200: three attempts of one delivery, same id and body.
    rx.script.lock().extend([
        Answer::Status(500),
        Answer::Slow(Duration::from_millis(1500)),
    ]);
    let first = store_outage(&app, false).await;
    declare(&app, EventKind::Started, first).await;
    rx.wait_for(
        "a success after a 500 and a timeout",
        Duration::from_secs(10),
        |r| r.iter().filter(|x| x.event.starts_with("outage.")).count() >= 3,
    )
    .await;
    let tries = rx.events();
    assert_eq!(tries[0].answered, 500);
    assert!(
        tries
            .iter()
            .all(|t| t.delivery == tries[0].delivery && t.body == tries[0].body)
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("outcome=\"http_5xx\"} 1"), "{metrics}");
    assert!(metrics.contains("outcome=\"timeout\"} 1"), "{metrics}");

    // A receiver failing when the server stops: the delivery waits in SQL for the next start.
    rx.script
        .lock()
        .extend(std::iter::repeat_n(Answer::Status(503), 1000));
    let second = store_outage(&app, true).await;
    declare(&app, EventKind::Resolved, second).await;
    rx.wait_for("a failed attempt", Duration::from_secs(5), |r| {
        r.iter().any(|x| x.answered == 503)
    })
    .await;
    let pending = rx.events().last().unwrap().delivery.clone();
    app.stop().await;
    rx.script.lock().clear();
    let before = rx.events().len();

    let app = spawn_app_with(
        AppOptions {
            database,
            ..AppOptions::sqlite()
        },
        fast,
    )
    .await;
    rx.wait_for(
        "the delivery after the restart",
        Duration::from_secs(10),
        |r| {
            r.iter().filter(|x| x.event.starts_with("outage.")).count() > before
                && r.last().is_some_and(|x| x.answered == 200)
        },
    )
    .await;
    let last = rx.events().last().unwrap().clone();
    assert_eq!(last.delivery, pending, "the same delivery, resent");
    assert_eq!(last.event, "outage.resolved");
    // Delivered once: nothing further arrives.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        rx.events()
            .iter()
            .filter(|e| e.answered == 200 && e.delivery == pending)
            .count(),
        1
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_and_the_url_is_never_answered() {
    let app = spawn_app_with(AppOptions::sqlite(), fast).await;
    let refused = [
        "https://127.0.0.1/hook-secret-a1",
        "https://10.1.2.3/hook-secret-a1",
        "https://169.254.169.254/latest/meta-data/hook-secret-a1",
        "https://[::1]/hook-secret-a1",
        "https://[::ffff:127.0.0.1]/hook-secret-a1",
        "https://localhost/hook-secret-a1",
        "https://100.64.0.1/hook-secret-a1",
        "https://[fd00::1]/hook-secret-a1",
        "http://10.0.0.1/hook-secret-a1",
        "ftp://example.com/hook-secret-a1",
        "https://user:pw@example.com/hook-secret-a1",
    ];
    for (n, url) in refused.iter().enumerate() {
        let res = subscribe(&app, json!({"url": url, "service": SERVICE}), 10 + n as u32).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, 422, "{url}: {text}");
        assert!(!text.contains("hook-secret-a1"), "{url} echoed: {text}");
    }
    // Other refusals do not echo it either.
    for body in [
        json!({"url": "https://example.com/hook-secret-a1", "service": "no-such-bank"}),
        json!({"url": "https://example.com/hook-secret-a1", "service": SERVICE, "events": ["x"]}),
        json!({"url": "https://example.com/hook-secret-a1", "service": 7}),
        json!({"url": ["https://example.com/hook-secret-a1"], "service": SERVICE}),
    ] {
        let res = subscribe(&app, body, 40).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status == 422 || status == 400, "{status}: {text}");
        assert!(!text.contains("hook-secret-a1"), "echoed: {text}");
    }
    app.stop().await;

    // Without the development setting, http:// to loopback is refused too; one network may
    // create only so many subscriptions.
    let app = spawn_app_with(AppOptions::sqlite(), |s| {
        s.webhooks.create_rate.burst = 2.0;
    })
    .await;
    let rx = Receiver::start("/hook-secret-b2").await;
    let res = subscribe(&app, json!({"url": rx.url, "service": SERVICE}), 50).await;
    assert_eq!(res.status(), 422);
    assert!(!res.text().await.unwrap().contains("hook-secret-b2"));
    // Refused before any token is taken: a URL that cannot be valid costs nothing; one that needs
    // a DNS look-up takes a token from the network's budget of 2.
    for status in [422, 422, 429] {
        let res = subscribe(
            &app,
            json!({"url": "https://10.9.9.9/h", "service": SERVICE}),
            50,
        )
        .await;
        assert_eq!(res.status(), status);
        if status == 429 {
            assert!(res.headers().contains_key("retry-after"));
        }
    }
    app.stop().await;
    assert!(rx.all().is_empty(), "nothing may reach a refused URL");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_never_logs_a_subscriber_url() {
    let rx = Receiver::start("/hook-secret-c3").await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/wh.db", dir.path().display());
    let port = free_port();
    let log = dir.path().join("server.log");
    let logfile = std::fs::File::create(&log).unwrap();
    let key = "5a".repeat(32);
    let mut child = downtally_command(&[("DATABASE_URL", &db), ("DOWNTALLY_WEBHOOKS_KEY", &key)])
        .env("RUST_LOG", "debug")
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args([
            "--webhooks-allow-loopback-http",
            "--webhooks-timeout-ms",
            "500",
        ])
        .stdout(logfile.try_clone().unwrap())
        .stderr(logfile)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = client_from(nth_network(60));
    let start = Instant::now();
    let created = loop {
        if let Ok(res) = client
            .post(format!("{base}/api/v1/subscriptions"))
            .json(&json!({"url": rx.url, "service": SERVICE}))
            .send()
            .await
        {
            break res;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the binary did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(created.status(), 201);
    let v: Value = created.json().await.unwrap();
    rx.wait_for("the challenge", Duration::from_secs(5), |r| !r.is_empty())
        .await;
    let path = format!("{base}/api/v1/subscriptions/{}", v["id"].as_str().unwrap());
    let res = client
        .delete(&path)
        .bearer_auth(v["secret"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("webhook subscription created"), "{text}");
    assert!(!text.contains("hook-secret-c3"), "the URL reached the log");
    assert!(
        !text.contains(v["secret"].as_str().unwrap()),
        "the secret reached the log"
    );
    let _ = rx.port;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_database_deliver_each_event_once() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let database = Database::Url(fresh_postgres(&admin).await);
    let node = |database: Database| {
        spawn_app_with(
            AppOptions {
                database,
                ..AppOptions::sqlite()
            },
            fast,
        )
    };
    let a = node(database.clone()).await;
    let b = node(database).await;
    let rx = Receiver::start("/hooks/two-nodes").await;
    rx.script.lock().extend(std::iter::repeat_n(
        Answer::Slow(Duration::from_millis(30)),
        1000,
    ));
    let mut subs = Vec::new();
    for n in 0..4 {
        let res = subscribe(&a, json!({"url": rx.url, "service": SERVICE}), 70 + n).await;
        assert_eq!(res.status(), 201);
        let v: Value = res.json().await.unwrap();
        subs.push((
            v["id"].as_str().unwrap().to_owned(),
            v["secret"].as_str().unwrap().to_owned(),
        ));
    }
    for (id, secret) in &subs {
        wait_state(&a, id, secret, "active").await;
    }
    // Events queued on both nodes; both workers claim from the same table.
    for _ in 0..3 {
        let outage = store_outage(&a, false).await;
        declare(&a, EventKind::Started, outage).await;
        declare(&b, EventKind::Resolved, outage).await;
    }
    let want = subs.len() * 6;
    rx.wait_for("every delivery", Duration::from_secs(15), |r| {
        r.iter().filter(|x| x.event.starts_with("outage.")).count() >= want
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let events = rx.events();
    let mut ids: Vec<&str> = events.iter().map(|e| e.delivery.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(events.len(), want, "a delivery was made twice");
    assert_eq!(ids.len(), want);
    // Per subscription, in the order queued: started, resolved, started, resolved, …
    for (id, _) in &subs {
        let kinds: Vec<String> = events
            .iter()
            .filter(|e| e.json()["subscription"] == id.as_str())
            .map(|e| e.event.clone())
            .collect();
        assert_eq!(kinds.len(), 6);
        for pair in kinds.chunks(2) {
            assert_eq!(pair, ["outage.started", "outage.resolved"], "{kinds:?}");
        }
    }
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_failing_past_the_limit_is_disabled_with_the_reason() {
    let app = spawn_app_with(AppOptions::sqlite(), |s| {
        fast(s);
        s.webhooks.give_up_after = Duration::from_millis(800);
    })
    .await;
    let rx = Receiver::start("/hooks/always-500").await;
    let (id, secret) = subscribe_ok(&app, &rx.url, "json").await;
    wait_state(&app, &id, &secret, "active").await;
    rx.script
        .lock()
        .extend(std::iter::repeat_n(Answer::Status(500), 1000));
    let outage = store_outage(&app, false).await;
    declare(&app, EventKind::Started, outage).await;
    wait_state(&app, &id, &secret, "disabled").await;
    let v = subscription_state(&app, &id, &secret).await;
    let reason = v["disabled_reason"].as_str().unwrap();
    assert!(reason.contains("no delivery succeeded"), "{reason}");
    assert!(reason.contains("500"), "{reason}");
    let tries = rx.events().len();
    assert!(tries >= 2, "retried before giving up: {tries}");
    // Nothing more is sent to a disabled subscription.
    declare(&app, EventKind::Resolved, outage).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(rx.events().len(), tries);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("downtally_webhook_subscriptions_disabled_total 1"),
        "{metrics}"
    );
    // A URL that never answers its challenge gets three of them, then nothing.
    let stranger = Receiver::start("/not-mine").await;
    stranger
        .ignore_challenges
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let (sid, ssecret) = subscribe_ok(&app, &stranger.url, "json").await;
    wait_state(&app, &sid, &ssecret, "disabled").await;
    let v = subscription_state(&app, &sid, &ssecret).await;
    assert!(
        v["disabled_reason"]
            .as_str()
            .unwrap()
            .starts_with("not confirmed"),
        "{v}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(stranger.all().len(), 3);
    // Finished deliveries are pruned (here: all of them); the subscription and its reason stay.
    assert!(
        app.state
            .db
            .prune_webhook_deliveries(i64::MAX)
            .await
            .unwrap()
            >= 2
    );
    assert_eq!(
        subscription_state(&app, &id, &secret).await["state"],
        "disabled"
    );
    app.stop().await;
}

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
