//! The load client and the checks of `scripts/chaos` (issue 14 §4): reports sent the way real
//! clients send them, every acknowledged id kept, and after each fault the questions that matter:
//! is every acknowledged report in SQL, was any reporter counted twice, do the counters equal SQL?
//!
//! ```text
//! chaos_client load  --target URL --db URL --ledger FILE [--seconds 20] [--workers 32]
//!                    [--first-network N] [--services 12] [--drain-secs 60]
//! chaos_client check --target URL --db URL --ledger FILE [--step NAME] [--since-ms T]
//!                    [--fault-ms T] [--min-rate-ratio R] [--settle-secs 30]
//! ```
//!
//! `load` plays households: each takes a network of its own (a /24 on loopback, 127.A.B.1 with A
//! from 1: the whole of 127.0.0.0/8 is local, so no per-network limit is bent and no proxy header
//! is needed), and from it two people (two User-Agents) report on each of `--services` services,
//! one report each, over one keep-alive connection. So every report is a distinct reporter within
//! its network's bound, and counts. A report that is not acknowledged (connection refused or
//! reset, a timeout, 5xx, 429) is sent again, the same report from the same person, after
//! `Retry-After` or a short backoff, as a real client would: a retry of a report whose answer was
//! lost must not count twice. After `--seconds` no household starts; reports under way are retried
//! for at most `--drain-secs` more, then abandoned (not acknowledged, so not lost either). The
//! ledger (JSON) holds the watermark (SQL's largest report id before the load), every acknowledged
//! id with its `counted` flag and when it came, and what the server answered.
//!
//! `check` reads the ledger and SQL (the reports after the watermark) and prints one row of the
//! fault table: acknowledged, stored, counted, lost (acknowledged ids not in SQL: must be 0),
//! double-counted (a reporter counted twice for a service: must be 0), uncounted (acknowledged
//! reports whose reporter SQL holds no counted report of: must be 0, as every report the load
//! sends is a distinct reporter within its network's bound), whether the counters equal
//! SQL (the series API's minute and hour buckets of every service the load touched, against the
//! counted reports SQL holds in the same range, polled until equal or `--settle-secs`, and how long
//! that took), SQLite's
//! `PRAGMA integrity_check`, the 503s without `Retry-After` (must be 0), and, with `--since-ms`
//! (when the fault ended), how long after it the first report was acknowledged; with `--fault-ms`
//! too (when it began), the acknowledgements per second before and during the fault, which must be
//! at least `--min-rate-ratio` (default 0) of the rate before. Exit status 1 when
//! a must fails. The row is printed as JSON on stdout (`scripts/chaos` tabulates it).

use downtally::store::Db;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const PROBLEMS: [&str; 5] = ["login", "card", "payments", "website", "mobile_app"];
/// People per household (distinct User-Agents): within a network's bound of 4 per service.
const PEOPLE: usize = 2;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as i64
}

/// The `n`th household's network: 127.A.B.1, A from 1 (never 127.0.0.0/16, where proxies live).
fn network(n: u64) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        127,
        1 + (n / 256 % 254) as u8,
        (n % 256) as u8,
        1,
    ))
}

#[derive(Serialize, Deserialize, Default)]
struct Ledger {
    /// SQL's largest report id before the load.
    watermark: i64,
    started_ms: i64,
    ended_ms: i64,
    /// Acknowledged reports: (id, counted, when the answer came in ms).
    acked: Vec<(i64, bool, i64)>,
    /// Reports still unacknowledged when the client gave up.
    abandoned: u64,
    /// Reports answered with a 4xx other than 429: a bug of the client or the server.
    refused: u64,
    attempts: u64,
    /// Answers by status ("201", "503", …; "error" for no answer).
    answers: BTreeMap<String, u64>,
    /// 503s that did not say when to try again.
    unavailable_without_retry_after: u64,
    /// Acknowledgements per second of the run (index 0 = the first second).
    per_second: Vec<u64>,
    services: Vec<String>,
}

#[derive(Default)]
struct Shared {
    ledger: Mutex<Ledger>,
    next_household: AtomicU64,
    stop: AtomicBool,
    give_up: AtomicBool,
}

impl Shared {
    fn answered(&self, key: &str, retry_after_missing: bool) {
        let mut l = self.ledger.lock().unwrap();
        l.attempts += 1;
        *l.answers.entry(key.to_owned()).or_default() += 1;
        if retry_after_missing {
            l.unavailable_without_retry_after += 1;
        }
    }
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn arg_or<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    arg(args, name)
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}: cannot read {v:?}"))
        })
        .unwrap_or(default)
}

fn required(args: &[String], name: &str) -> String {
    arg(args, name).unwrap_or_else(|| {
        eprintln!("chaos_client: {name} is required (see examples/chaos_client.rs)");
        std::process::exit(2)
    })
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("load") => load(&args).await,
        Some("check") => std::process::exit(check(&args).await),
        _ => {
            eprintln!("usage: chaos_client load|check … (see examples/chaos_client.rs)");
            std::process::exit(2)
        }
    }
}

/// Runs one query on either backend.
macro_rules! on_db {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            Db::Sqlite($p) => $body,
            Db::Postgres($p) => $body,
        }
    };
}

async fn max_id(db: &Db) -> i64 {
    on_db!(db, p => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM reports")
        .fetch_one(p)
        .await
        .expect("read the largest report id"))
    .unwrap_or(0)
}

async fn load(args: &[String]) {
    let target = required(args, "--target");
    let db = Db::connect(&required(args, "--db"))
        .await
        .expect("open the database");
    let ledger_path = required(args, "--ledger");
    let seconds: u64 = arg_or(args, "--seconds", 20);
    let workers: usize = arg_or(args, "--workers", 32);
    let first_network: u64 = arg_or(args, "--first-network", 0);
    let drain: u64 = arg_or(args, "--drain-secs", 60);
    let n_services: usize = arg_or(args, "--services", 12);
    let catalog = downtally::catalog::Catalog::embedded().expect("the catalog");
    let services: Vec<String> = catalog
        .services()
        .iter()
        .take(n_services)
        .map(|s| s.slug.as_str().to_owned())
        .collect();
    let run = format!("{:x}", now_ms());

    let shared = Arc::new(Shared::default());
    let watermark = max_id(&db).await;
    {
        let mut l = shared.ledger.lock().unwrap();
        l.watermark = watermark;
        l.started_ms = now_ms();
        l.services = services.clone();
    }
    db.close().await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let (shared, target, services, run) = (
                shared.clone(),
                target.clone(),
                services.clone(),
                run.clone(),
            );
            tokio::spawn(async move {
                while !shared.stop.load(Ordering::Relaxed) {
                    let n = shared.next_household.fetch_add(1, Ordering::Relaxed);
                    household(&shared, &target, &services, &run, first_network + n).await;
                }
            })
        })
        .collect();
    // A line a second for whoever watches.
    let ticker = {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut last = 0;
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let (acked, answers) = {
                    let l = shared.ledger.lock().unwrap();
                    (l.acked.len(), l.answers.clone())
                };
                eprintln!(
                    "[load {:>4.0}s] acknowledged {acked} (+{}/s) answers {answers:?}",
                    started.elapsed().as_secs_f64(),
                    acked - last
                );
                last = acked;
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    shared.stop.store(true, Ordering::Relaxed);
    let giving_up = {
        let shared = shared.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(drain)).await;
            shared.give_up.store(true, Ordering::Relaxed);
        })
    };
    for t in tasks {
        t.await.expect("a household task");
    }
    giving_up.abort();
    ticker.abort();
    let mut l = shared.ledger.lock().unwrap();
    l.ended_ms = now_ms();
    let mut per_second = vec![0u64; ((l.ended_ms - l.started_ms) / 1000 + 1) as usize];
    for &(_, _, at) in &l.acked {
        per_second[((at - l.started_ms).max(0) / 1000) as usize] += 1;
    }
    l.per_second = per_second;
    std::fs::write(
        &ledger_path,
        serde_json::to_vec(&*l).expect("the ledger serializes"),
    )
    .expect("write the ledger");
    eprintln!(
        "[load] {} acknowledged in {:.1}s, {} abandoned, {} refused, answers {:?}",
        l.acked.len(),
        (l.ended_ms - l.started_ms) as f64 / 1000.0,
        l.abandoned,
        l.refused,
        l.answers
    );
}

/// One household: two people each report once on every service, from the household's network.
async fn household(shared: &Shared, target: &str, services: &[String], run: &str, n: u64) {
    let client = reqwest::Client::builder()
        .local_address(network(n))
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .expect("an HTTP client");
    for person in 0..PEOPLE {
        let ua = format!("Mozilla/5.0 (chaos {run}; household {n}; person {person})");
        for (i, service) in services.iter().enumerate() {
            if shared.stop.load(Ordering::Relaxed) {
                return;
            }
            let body = json!({"problem": PROBLEMS[(n as usize + i + person) % PROBLEMS.len()]});
            let url = format!("{target}/api/v1/services/{service}/reports");
            report(shared, &client, &url, &ua, &body).await;
        }
    }
}

/// Sends one report until it is acknowledged (or the client gives up), as a real client would.
async fn report(shared: &Shared, client: &reqwest::Client, url: &str, ua: &str, body: &Value) {
    let mut backoff = Duration::from_millis(200);
    loop {
        if shared.give_up.load(Ordering::Relaxed) {
            shared.ledger.lock().unwrap().abandoned += 1;
            return;
        }
        let answer = client
            .post(url)
            .header("User-Agent", ua)
            .json(body)
            .send()
            .await;
        let wait = match answer {
            Ok(res) if res.status() == 201 => {
                let at = now_ms();
                match res.json::<Value>().await {
                    Ok(v) => {
                        shared.answered("201", false);
                        let id = v["id"].as_i64().expect("a 201 names its id");
                        let counted = v["counted"].as_bool().unwrap_or(false);
                        shared.ledger.lock().unwrap().acked.push((id, counted, at));
                        return;
                    }
                    // The body was cut: not an acknowledgement the client could read.
                    Err(_) => {
                        shared.answered("201-unread", false);
                        backoff
                    }
                }
            }
            Ok(res) => {
                let status = res.status().as_u16();
                let retry_after = res
                    .headers()
                    .get("Retry-After")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                shared.answered(&status.to_string(), status == 503 && retry_after.is_none());
                if (400..500).contains(&status) && status != 429 && status != 408 {
                    let text = res.text().await.unwrap_or_default();
                    eprintln!("[load] refused {status}: {text}");
                    shared.ledger.lock().unwrap().refused += 1;
                    return;
                }
                retry_after.map_or(backoff, |s| Duration::from_secs(s.min(5)))
            }
            Err(_) => {
                shared.answered("error", false);
                backoff
            }
        };
        let jitter = Duration::from_millis(rand::random::<u64>() % 100);
        tokio::time::sleep(wait + jitter).await;
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}

struct Row {
    id: i64,
    service: String,
    reporter: String,
    counted: bool,
}

async fn check(args: &[String]) -> i32 {
    let target = required(args, "--target");
    let db_url = required(args, "--db");
    let step = arg(args, "--step").unwrap_or_else(|| "step".into());
    let settle: u64 = arg_or(args, "--settle-secs", 30);
    let since_ms: Option<i64> = arg(args, "--since-ms").map(|v| v.parse().expect("--since-ms"));
    let fault_ms: Option<i64> = arg(args, "--fault-ms").map(|v| v.parse().expect("--fault-ms"));
    let min_ratio: f64 = arg_or(args, "--min-rate-ratio", 0.0);
    let ledger: Ledger = serde_json::from_slice(
        &std::fs::read(required(args, "--ledger")).expect("read the ledger"),
    )
    .expect("a ledger written by `load`");
    let db = Db::connect(&db_url).await.expect("open the database");

    let rows: Vec<Row> = on_db!(&db, p => sqlx::query_as::<_, (i64, String, String, bool)>(
        "SELECT id, service, reporter, counted FROM reports WHERE id > $1 ORDER BY id",
    )
    .bind(ledger.watermark)
    .fetch_all(p)
    .await
    .expect("read the reports"))
    .into_iter()
    .map(|(id, service, reporter, counted)| Row {
        id,
        service,
        reporter,
        counted,
    })
    .collect();
    let by_id: HashMap<i64, &Row> = rows.iter().map(|r| (r.id, r)).collect();
    let lost = ledger
        .acked
        .iter()
        .filter(|(id, _, _)| !by_id.contains_key(id))
        .count();
    let flag_differs = ledger
        .acked
        .iter()
        .filter(|(id, counted, _)| by_id.get(id).is_some_and(|r| r.counted != *counted))
        .count();
    let mut seen = HashSet::new();
    let double_counted = rows
        .iter()
        .filter(|r| r.counted && !seen.insert((r.service.as_str(), r.reporter.as_str())))
        .count();
    let counted = rows.iter().filter(|r| r.counted).count();
    // Every report the load sends is a reporter of its own within its network's bound: each one
    // acknowledged must be counted, in this row or (a retry whose first answer was lost) another.
    let counted_reporters: HashSet<(&str, &str)> = rows
        .iter()
        .filter(|r| r.counted)
        .map(|r| (r.service.as_str(), r.reporter.as_str()))
        .collect();
    let uncounted = ledger
        .acked
        .iter()
        .filter_map(|(id, _, _)| by_id.get(id))
        .filter(|r| !counted_reporters.contains(&(r.service.as_str(), r.reporter.as_str())))
        .count();

    let (first, last) = (ledger.started_ms / 1000, ledger.ended_ms / 1000 + 1);
    let started = Instant::now();
    let check_started = now_ms();
    let counters = loop {
        let differences = counter_differences(&db, &target, &ledger.services, first, last).await;
        if differences.is_empty() || started.elapsed() > Duration::from_secs(settle) {
            break differences;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let equal_at = now_ms();
    let integrity = match &db {
        Db::Sqlite(p) => sqlx::query_scalar::<_, String>("PRAGMA integrity_check")
            .fetch_all(p)
            .await
            .map(|lines| lines.join("; "))
            .unwrap_or_else(|e| e.to_string()),
        Db::Postgres(_) => "n/a".into(),
    };
    db.close().await;

    let recovered_after_ms = since_ms.map(|t| {
        ledger
            .acked
            .iter()
            .map(|&(_, _, at)| at)
            .filter(|&at| at >= t)
            .min()
            .map_or(-1, |at| at - t)
    });
    // Acknowledgements per second before the fault (its first second left out) and during it.
    let rate = |from: i64, to: i64| {
        let n = ledger
            .acked
            .iter()
            .filter(|&&(_, _, at)| at >= from && at < to)
            .count();
        (n as f64 * 1000.0 / (to - from).max(1) as f64).round()
    };
    let (before_fault, during_fault) = match (fault_ms, since_ms) {
        (Some(fault), Some(healed)) => (
            Some(rate(ledger.started_ms + 1000, fault)),
            Some(rate(fault, healed)),
        ),
        _ => (None, None),
    };
    let seconds = (ledger.ended_ms - ledger.started_ms) as f64 / 1000.0;
    let rate_held = match (before_fault, during_fault) {
        (Some(before), Some(during)) => during >= min_ratio * before,
        _ => true,
    };
    let ok = rate_held
        && lost == 0
        && double_counted == 0
        && uncounted == 0
        && flag_differs == 0
        && counters.is_empty()
        && ledger.unavailable_without_retry_after == 0
        && ledger.refused == 0
        && (integrity == "ok" || integrity == "n/a");
    let row = json!({
        "step": step,
        "acknowledged": ledger.acked.len(),
        "stored": rows.len(),
        "counted": counted,
        "lost": lost,
        "double_counted": double_counted,
        "uncounted": uncounted,
        "counted_flag_differs": flag_differs,
        "counters_equal_sql": counters.is_empty(),
        "counter_differences": counters,
        // How long the check waited for the counters to equal SQL (0: equal at the first look).
        "counters_waited_ms": counters.is_empty().then(|| equal_at - check_started),
        "integrity": integrity,
        "abandoned": ledger.abandoned,
        "refused": ledger.refused,
        "attempts": ledger.attempts,
        "answers": ledger.answers,
        "unavailable_without_retry_after": ledger.unavailable_without_retry_after,
        "seconds": seconds,
        "acknowledged_per_second": (ledger.acked.len() as f64 / seconds).round(),
        "before_fault_per_second": before_fault,
        "during_fault_per_second": during_fault,
        "rate_held": rate_held,
        "per_second": ledger.per_second,
        "recovered_after_ms": recovered_after_ms,
        "ok": ok,
    });
    println!("{row}");
    if ok { 0 } else { 1 }
}

/// Every (service, step) whose counters, read through the series API, differ from the counted
/// reports SQL holds in the same range; empty when they all agree.
async fn counter_differences(
    db: &Db,
    target: &str,
    services: &[String],
    first: i64,
    last: i64,
) -> Vec<String> {
    // The API's read budget is per network: each pass reads from a network of its own.
    let client = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(
            127,
            255,
            rand::random::<u8>(),
            rand::random::<u8>().max(1),
        )))
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .expect("an HTTP client");
    let mut out = Vec::new();
    for (step, span) in [("1m", 60), ("1h", 3600)] {
        let (from, to) = (
            first - first.rem_euclid(span),
            last + span - last.rem_euclid(span),
        );
        let to = to.min(now_ms() / 1000 + span - (now_ms() / 1000).rem_euclid(span));
        for service in services {
            let want: i64 = on_db!(db, p => sqlx::query_scalar(
                "SELECT COUNT(*) FROM reports WHERE service = $1 AND counted = TRUE \
                 AND problem <> 'works_again' AND created_at >= $2 AND created_at < $3",
            )
            .bind(service)
            .bind(from)
            .bind(to)
            .fetch_one(p)
            .await
            .expect("count in SQL"));
            let url = format!(
                "{target}/api/v1/services/{service}/series?step={step}&from={}&to={}",
                rfc3339(from),
                rfc3339(to)
            );
            let got = match client.get(&url).send().await {
                Ok(res) if res.status() == 200 => match res.json::<Value>().await {
                    Ok(v) => v["points"].as_array().map(|points| {
                        points
                            .iter()
                            .map(|p| p["count"].as_i64().unwrap_or(0))
                            .sum::<i64>()
                    }),
                    Err(_) => None,
                },
                _ => None,
            };
            match got {
                Some(n) if n == want => {}
                Some(n) => out.push(format!("{service} {step}: counters {n}, SQL {want}")),
                None => out.push(format!("{service} {step}: series API unavailable")),
            }
        }
    }
    out
}

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .expect("a time in range")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
