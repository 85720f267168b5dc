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

mod delivery;
mod figure;
mod refusals;

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
