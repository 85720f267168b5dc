//! Redis down and back (issue 14 §4, §2), each test on a private redis-server it kills: intake keeps
//! its rate while Redis is down (the circuit breaker asks it no more), `/readyz` says degraded and
//! why, the counters equal SQL again after Redis returns empty or from an old snapshot, a repair
//! under load loses no count, and the monitor declares an outage while Redis is down.

use crate::helpers::*;
use downtally::backfill::backfill_service;
use downtally::clock::Clock;
use downtally::counts::Resolution;
use downtally::simulate::SimSpec;
use downtally::startup::open_db;
use downtally::store::Db;
use downtally::web::AppState;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const SERVICES: [&str; 3] = ["intesa-sanpaolo", "monzo", "barclays"];
const PROBLEMS: [&str; 3] = ["login", "card", "payments"];

/// A network of its own for every report: 10.x.y.0/24.
static NEXT_NETWORK: AtomicU32 = AtomicU32::new(1);

fn next_network() -> String {
    let n = NEXT_NETWORK.fetch_add(1, Ordering::Relaxed);
    format!("10.{}.{}.7", (n >> 8) & 255, n & 255)
}

/// A server behind a trusted proxy (the test), on `redis`, with `clock`.
async fn app_on(redis: &RedisServer, database: Database, clock: Clock) -> TestApp {
    spawn_app_with(
        AppOptions {
            database,
            redis_url: Some(redis.url.clone()),
            trusted_proxies: "127.0.0.1/32".parse().unwrap(),
            clock,
        },
        |s| s.monitor_interval = Duration::from_millis(100),
    )
    .await
}

/// Posts one report from a reporter and a network of its own; true when acknowledged.
async fn post_one(client: &reqwest::Client, base: &str, n: usize) -> bool {
    let network = next_network();
    let mut body = json!({"problem": PROBLEMS[n % PROBLEMS.len()]});
    if n.is_multiple_of(2) {
        body["region"] = json!("IT-25");
    }
    let res = client
        .post(format!(
            "{base}/api/v1/services/{}/reports",
            SERVICES[n % SERVICES.len()]
        ))
        .header("User-Agent", format!("redis-down/{network}/{n}"))
        .header("X-Forwarded-For", network)
        .json(&body)
        .send()
        .await;
    matches!(res, Ok(r) if r.status() == 201)
}

/// Posts from `workers` concurrent clients for `span`; returns the reports acknowledged per second.
async fn load(app: &TestApp, workers: usize, span: Duration) -> f64 {
    let acked = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|w| {
            let (client, base, acked) = (app.client.clone(), app.address.clone(), acked.clone());
            tokio::spawn(async move {
                let mut n = w;
                while started.elapsed() < span {
                    if post_one(&client, &base, n).await {
                        acked.fetch_add(1, Ordering::Relaxed);
                    }
                    n += workers;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    acked.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// Every counter hash field in Redis against what SQL's counted reports make of them: the first
/// differences, or `None` when they are equal.
async fn counters_differ(redis_url: &str, db: &Db, now: i64) -> Option<String> {
    let mut expected: BTreeMap<(String, i64), u64> = BTreeMap::new();
    let buckets = db
        .bucket_counts(
            Resolution::Minute.oldest_kept(now),
            Resolution::Hour.oldest_kept(now),
        )
        .await
        .unwrap();
    for b in buckets {
        let block = b.resolution.block_start(b.start);
        let key = format!(
            "dt:{{{}}}:{}:{}:{block}",
            b.service,
            b.resolution.tag(),
            b.dim.tag()
        );
        expected.insert((key, b.resolution.slot_in_block(b.start)), b.count);
    }
    let mut conn = redis::Client::open(redis_url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("dt:{*")
        .query_async(&mut conn)
        .await
        .unwrap();
    let mut actual: BTreeMap<(String, i64), u64> = BTreeMap::new();
    for key in keys {
        let fields: BTreeMap<i64, u64> = redis::cmd("HGETALL")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .unwrap();
        for (slot, n) in fields.into_iter().filter(|&(_, n)| n > 0) {
            actual.insert((key.clone(), slot), n);
        }
    }
    if expected == actual {
        return None;
    }
    let diffs: Vec<String> = expected
        .keys()
        .chain(actual.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|k| expected.get(k) != actual.get(k))
        .take(8)
        .map(|k| {
            format!(
                "{k:?}: SQL {:?}, Redis {:?}",
                expected.get(k),
                actual.get(k)
            )
        })
        .collect();
    let total = |m: &BTreeMap<(String, i64), u64>| m.values().sum::<u64>();
    Some(format!(
        "SQL {} vs Redis {} in all; first differences:\n{}",
        total(&expected),
        total(&actual),
        diffs.join("\n")
    ))
}

async fn readyz(app: &TestApp) -> (u16, Value) {
    let res = app.get("/readyz").await;
    (res.status().as_u16(), res.json().await.unwrap())
}

/// Waits until the node's counters are whole again (repaired, no stale mark left) and equal SQL,
/// moving a manual clock past the repair's cutoff.
async fn wait_repaired(app: &TestApp, redis: &RedisServer, limit: Duration) {
    let started = Instant::now();
    loop {
        if let Clock::Manual(_) = app.clock {
            app.clock.set(app.clock.now() + 10);
        }
        let settled =
            app.state.counts.trusted() && app.state.db.counts_stale().await.unwrap().is_none();
        if settled {
            match counters_differ(&redis.url, &app.state.db, app.clock.now()).await {
                None => return,
                Some(d) if started.elapsed() > limit => panic!("counters differ from SQL: {d}"),
                Some(_) => {}
            }
        }
        assert!(
            started.elapsed() < limit,
            "counters not repaired within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A minute boundary plus a few seconds, an hour away from the next hour: the repairs' cutoffs fall
/// inside the hour, so the hour holding them is fixed from SQL and recorded minutes.
fn start_time() -> i64 {
    let now = chrono::Utc::now().timestamp();
    now - now.rem_euclid(3_600) + 3_600 + 20 * 60 + 5
}

/// Intake while Redis is down keeps most of its rate; `/readyz` says degraded and why; after Redis
/// returns empty, the counters equal SQL again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_keeps_its_rate_while_redis_is_down_and_counts_are_repaired_after() {
    let Some(mut redis) = RedisServer::start().await else {
        return;
    };
    let app = app_on(&redis, Database::FreshSqlite, Clock::manual(start_time())).await;
    wait_repaired(&app, &redis, Duration::from_secs(10)).await;
    let (status, body) = readyz(&app).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("ok")),
        "{body}"
    );

    let span = Duration::from_millis(1500);
    let up = load(&app, 8, span).await;
    redis.kill();
    let down = load(&app, 8, span).await;
    let ratio = down / up;
    eprintln!("intake: {up:.0} reports/s with Redis, {down:.0} without ({ratio:.2})");
    assert!(ratio >= 0.3, "intake fell from {up:.0}/s to {down:.0}/s");

    let (status, body) = readyz(&app).await;
    assert_eq!(status, 200, "degraded, still in rotation: {body}");
    // What is wrong and since when, nothing more: the error's text can name Redis's address, and
    // `/readyz` is public.
    let since = body["counters"]["down_since"].as_str().unwrap();
    assert_eq!(
        body["status"].as_str().unwrap(),
        format!("degraded: counter store unreachable since {since}"),
        "{body}"
    );
    let text = body.to_string();
    assert!(
        !text.contains("127.0.0.1") && !text.contains(&format!(":{}", redis.port)),
        "no address in {body}"
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("downtally_counter_store_up 0"),
        "{metrics}"
    );

    redis.restart().await;
    wait_repaired(&app, &redis, Duration::from_secs(15)).await;
    let (status, body) = readyz(&app).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("ok")),
        "{body}"
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("downtally_counter_store_up 1"),
        "{metrics}"
    );
    app.stop().await;
}

/// Redis restarted from a snapshot older than the counts it acknowledged: its surviving "built"
/// marker names another process, so the leader repairs the counters from SQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_equal_sql_after_redis_restarts_from_an_old_snapshot() {
    let Some(mut redis) = RedisServer::start().await else {
        return;
    };
    let app = app_on(&redis, Database::FreshSqlite, Clock::manual(start_time())).await;
    wait_repaired(&app, &redis, Duration::from_secs(10)).await;
    for n in 0..30 {
        assert!(post_one(&app.client, &app.address, n).await);
    }
    let mut conn = redis::Client::open(redis.url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    redis::cmd("SAVE")
        .query_async::<()>(&mut conn)
        .await
        .unwrap();
    app.clock.set(app.clock.now() + 60);
    for n in 30..90 {
        assert!(post_one(&app.client, &app.address, n).await);
    }
    assert!(
        counters_differ(&redis.url, &app.state.db, app.clock.now())
            .await
            .is_none(),
        "counted as they came"
    );
    redis.restart().await;
    let short = counters_differ(&redis.url, &app.state.db, app.clock.now()).await;
    assert!(
        short.is_some(),
        "the snapshot lacks the last minute's counts"
    );
    wait_repaired(&app, &redis, Duration::from_secs(15)).await;
    app.stop().await;
}

/// How many services have a day of history in [`a_repair_under_load_loses_no_count`] (a day: far
/// from the 48 hours minutes are kept, whose edge moves while the test runs).
const HISTORY_SERVICES: usize = 8;

/// Repairs while reports pour in lose none and count none twice: every count equals SQL after. On
/// PostgreSQL (four writers committing out of id order) when it is available, else SQLite.
///
/// The load must race the repairs, or a full rebuild (UNLINK everything, then write what SQL said:
/// the reports counted between its read of SQL and its writes are lost, those stored before the read
/// and counted after the writes are counted twice) would pass too. So a history of tens of thousands
/// of buckets makes each repair's read and writes last long enough for reports to land meanwhile,
/// reports keep coming in from before the first repair until well after the last one (no repair runs
/// after the load, which would heal what an earlier one broke), and every count is compared with SQL
/// only after the load stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repair_under_load_loses_no_count() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let (url, sqlite) = match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => (fresh_postgres(&admin).await, None),
        _ => {
            let file = SqliteFile::new();
            (file.url.clone(), Some(file))
        }
    };
    let began = Instant::now();
    {
        let now = chrono::Utc::now().timestamp();
        let db = open_db(&url).await.unwrap();
        let catalog = downtally::catalog::Catalog::embedded().unwrap();
        db.sync_catalog(&catalog, now).await.unwrap();
        let start = Resolution::Minute.floor(now) - 86_400;
        for (i, service) in catalog.services().iter().take(HISTORY_SERVICES).enumerate() {
            let spec = SimSpec::quiet(start, 1, 2.0, 40 + i as u64);
            backfill_service(&db, &service.slug, &spec).await.unwrap();
        }
        db.close().await;
    }
    let database = match &sqlite {
        Some(f) => Database::Sqlite(f.clone()),
        None => Database::Url(url),
    };
    let app = app_on(&redis, database, Clock::System).await;
    eprintln!("history backfilled, server started: {:?}", began.elapsed());
    // The start's rebuild marked the counters for a repair whose cutoff is the next minute: the
    // leader's check waits for it; this test clears that mark and runs repairs of its own, each
    // for a mark of a count missed long ago (cutoff: a few seconds back, no wait).
    let clock = app.clock.clone();
    let started = Instant::now();
    let mark = loop {
        if let Some(mark) = app.state.db.counts_stale().await.unwrap() {
            break mark;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the start marks a repair"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    app.state
        .db
        .clear_counts_stale(mark.generation)
        .await
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(AtomicUsize::new(0));
    let loader: Vec<_> = (0..6)
        .map(|w| {
            let (client, base) = (app.client.clone(), app.address.clone());
            let (stop, acked) = (stop.clone(), acked.clone());
            tokio::spawn(async move {
                let mut n = w;
                while !stop.load(Ordering::Relaxed) {
                    assert!(post_one(&client, &base, n).await, "acknowledged");
                    acked.fetch_add(1, Ordering::Relaxed);
                    n += 6;
                }
            })
        })
        .collect();
    // Acknowledged while a repair ran: counted after its read of SQL began, before its writes ended.
    let mut raced = Vec::new();
    let mut longest = Duration::ZERO;
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.state
            .db
            .mark_counts_stale(clock.now() - 600)
            .await
            .unwrap();
        let (before, began) = (acked.load(Ordering::Relaxed), Instant::now());
        let repaired = downtally::rebuild::repair_counts(
            &app.state.db,
            &app.state.counts,
            &clock,
            &Default::default(),
        )
        .await
        .unwrap();
        longest = longest.max(began.elapsed());
        raced.push(acked.load(Ordering::Relaxed) - before);
        assert!(repaired.is_some(), "a repair ran");
    }
    // Counted after the last repair, too.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for worker in loader {
        worker.await.unwrap();
    }
    let stored = app.state.db.stored_counts().await.unwrap();
    eprintln!(
        "{} reports; acknowledged during each repair (the longest {longest:?}): {raced:?}",
        stored.reports
    );
    if let Some(d) = counters_differ(&redis.url, &app.state.db, clock.now()).await {
        panic!("after repairs under load: {d}");
    }
    assert!(
        raced.iter().sum::<usize>() >= 20,
        "the load raced the repairs: {raced:?}"
    );
    assert!(longest < Duration::from_secs(10), "repairs did not wait");
    app.stop().await;
}

/// Next Monday 11:00 UTC (see `leadership.rs`).
fn onset() -> i64 {
    const WEEK: i64 = 7 * 86_400;
    let now = chrono::Utc::now().timestamp();
    now - now.rem_euclid(WEEK) + 4 * 86_400 + 11 * 3_600 + WEEK
}

async fn wait_for_pass(state: &AppState, at_least: i64) {
    let started = Instant::now();
    while state.board.updated_at() < at_least {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no monitor pass"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// With Redis down the monitor reads SQL: an outage is declared; after Redis returns (empty), the
/// gap brings no second outage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_is_declared_while_redis_is_down() {
    const SERVICE: &str = "intesa-sanpaolo";
    let Some(mut redis) = RedisServer::start().await else {
        return;
    };
    let file = SqliteFile::new();
    let onset = onset();
    let spec = SimSpec::quiet(onset - 14 * 86_400, 14, 5.0, 7);
    let per_minute = (spec.normal_rate(onset) * 5.0).round() as usize;
    {
        let db = open_db(&file.url).await.unwrap();
        let catalog = downtally::catalog::Catalog::embedded().unwrap();
        db.sync_catalog(&catalog, onset).await.unwrap();
        backfill_service(&db, &slug(SERVICE), &spec).await.unwrap();
        db.close().await;
    }
    let app = app_on(&redis, Database::Sqlite(file.clone()), Clock::manual(onset)).await;
    wait_for_pass(&app.state, onset).await;
    redis.kill();

    let post_minute = |minute: i64, n: usize| {
        let requests: Vec<_> = (0..n)
            .map(|i| {
                let network = next_network();
                app.client
                    .post(app.url(&format!("/api/v1/services/{SERVICE}/reports")))
                    .header("User-Agent", format!("down-outage/{minute}-{i}"))
                    .header("X-Forwarded-For", network)
                    .json(&json!({"problem": "login"}))
                    .send()
            })
            .collect();
        futures_util::future::join_all(requests)
    };
    let service = slug(SERVICE);
    let outages = || app.state.db.recent_outages(&service, 5);
    let mut minute = 0;
    while outages().await.unwrap().is_empty() {
        assert!(minute < 6, "no outage declared while Redis is down");
        app.clock.set(onset + minute * 60 + 1);
        for res in post_minute(minute, per_minute).await {
            assert_eq!(res.unwrap().status(), 201);
        }
        minute += 1;
        app.clock.set(onset + minute * 60 + 1);
        wait_for_pass(&app.state, onset + minute * 60 + 1).await;
    }
    assert!(
        app.state.counts.down().is_some(),
        "Redis was down throughout"
    );

    // Redis returns empty; the repair fills it from SQL; the monitor goes on from where it was.
    redis.restart().await;
    let started = Instant::now();
    while !(app.state.counts.trusted() && app.state.db.counts_stale().await.unwrap().is_none()) {
        assert!(started.elapsed() < Duration::from_secs(15), "not repaired");
        minute += 1;
        app.clock.set(onset + minute * 60 + 1);
        for res in post_minute(minute, per_minute).await {
            assert_eq!(res.unwrap().status(), 201);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    for _ in 0..3 {
        minute += 1;
        app.clock.set(onset + minute * 60 + 1);
        for res in post_minute(minute, per_minute).await {
            assert_eq!(res.unwrap().status(), 201);
        }
        wait_for_pass(&app.state, onset + minute * 60 + 1).await;
    }
    let stored = outages().await.unwrap();
    assert_eq!(stored.len(), 1, "one outage, declared once");
    assert!(stored[0].record.ended_at.is_none(), "still ongoing");
    app.stop().await;
}

/// The repair's swap itself: buckets before the cutoff take SQL's counts (stale ones, in the
/// cutoff's blocks or wholly older ones, go), buckets from it on keep what was recorded, and the hour
/// holding the cutoff is SQL's part before it plus the minutes recorded from it on. (A full
/// `replace_all` here would lose the 5 counts recorded from the cutoff on.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repair_keeps_the_counts_recorded_from_its_cutoff_on() {
    use downtally::counts::{BucketCount, BucketRange, CountStore, Dim, Hit, RedisCounts};
    use downtally::domain::{ProblemKind, ReportKind};
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let store = RedisCounts::connect(&redis.url).await.unwrap();
    let now = start_time();
    let hour = Resolution::Hour.floor(now);
    let cutoff = hour + 15 * 60;
    let monzo = slug("monzo");
    let hit = |at: i64| Hit {
        service: monzo.clone(),
        kind: ReportKind::Problem(ProblemKind::Login),
        region: None,
        at,
        first_of_network: false,
    };
    // What an old snapshot left: counts SQL does not hold (before the cutoff, and a week earlier).
    let stale: Vec<Hit> = [cutoff - 600; 7]
        .into_iter()
        .chain([hour - 8 * 86_400; 2])
        .map(hit)
        .collect();
    store.record(&stale, now).await.unwrap();
    // Recorded while the repair runs, from the cutoff on.
    let live: Vec<Hit> = [cutoff, cutoff, cutoff, cutoff + 60, cutoff + 60]
        .into_iter()
        .map(hit)
        .collect();
    store.record(&live, now).await.unwrap();
    // SQL's counts before the cutoff.
    let bucket = |resolution, start, count| BucketCount {
        service: monzo.clone(),
        dim: Dim::All,
        resolution,
        start,
        count,
    };
    let sql = [
        bucket(Resolution::Minute, cutoff - 600, 4),
        bucket(Resolution::Minute, cutoff - 60, 1),
        bucket(Resolution::Hour, hour, 5),
    ];
    store.replace_before(&sql, cutoff, now).await.unwrap();

    let minutes = BucketRange {
        first: cutoff - 600,
        count: 12,
        step: 60,
    };
    let got = store
        .series(&monzo, &Dim::All, Resolution::Minute, minutes)
        .await
        .unwrap();
    assert_eq!(got, [4, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 2]);
    let hours = BucketRange {
        first: hour - 9 * 86_400,
        count: 9 * 24 + 1,
        step: 3_600,
    };
    let got = store
        .series(&monzo, &Dim::All, Resolution::Hour, hours)
        .await
        .unwrap();
    assert_eq!(
        got.iter().sum::<u64>(),
        10,
        "only the hour holding the cutoff"
    );
    assert_eq!(
        got.last(),
        Some(&10),
        "SQL's 5 before the cutoff, 5 recorded after"
    );
    assert!(!store.needs_rebuild().await.unwrap(), "marked as built");
}
