//! SQL is the source of truth (issue 2, parts 7 and 12): a Redis outage loses no acknowledged report,
//! and counters rebuilt from SQL (by `downtally rebuild-counts`, or at start) equal what SQL holds.

use crate::helpers::*;
use downtally::clock::Clock;
use downtally::counts::buckets::{HOUR, MINUTE};
use downtally::counts::{CountStore, Dim, RedisCounts, Resolution};
use downtally::domain::{ProblemKind, RegionId};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PROBLEMS: [&str; 4] = ["login", "sms_verification", "card", "payments"];
const REGIONS: [Option<&str>; 3] = [Some("IT-25"), None, Some("TLI")];

/// Posts `n` reports concurrently (reporters `{tag}-{i}`, every fourth one a repeat of the one
/// before) and returns the answers, asserting each is a 201.
async fn post_batch(app: &TestApp, tag: &str, n: usize) -> Vec<Value> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let client = app.client.clone();
        let url = app.url(&format!(
            "/api/v1/services/{}/reports",
            [INTESA, MONZO, AMEX][i % 3]
        ));
        let reporter = if i % 4 == 3 { i - 3 } else { i };
        let mut body = json!({"problem": PROBLEMS[i % PROBLEMS.len()]});
        if let Some(r) = REGIONS[i % REGIONS.len()] {
            body["region"] = json!(r);
        }
        let ua = format!("{tag}-{reporter}");
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .header("User-Agent", ua)
                .json(&body)
                .send()
                .await
                .expect("the server answers");
            let status = res.status();
            let text = res.text().await.unwrap();
            assert_eq!(status, 201, "report not acknowledged: {text}");
            serde_json::from_str::<Value>(&text).unwrap()
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("posting task"));
    }
    out
}

/// What the counters must hold for the counted reports in SQL: (service, dim, bucket start) → count,
/// at one resolution.
fn expected_counts(rows: &[ReportRow], res: Resolution) -> BTreeMap<(String, Dim, i64), u64> {
    let mut out = BTreeMap::new();
    for r in rows.iter().filter(|r| r.counted) {
        let start = res.floor(r.created_at);
        let mut dims = vec![
            Dim::All,
            Dim::Problem(ProblemKind::parse(&r.problem).unwrap()),
        ];
        if let Some(region) = &r.region {
            dims.push(Dim::Region(RegionId::parse(region).unwrap()));
        }
        for d in dims {
            *out.entry((r.service.clone(), d, start)).or_default() += 1;
        }
    }
    out
}

/// Asserts that, for every service and series SQL knows of (and a few it does not), the store holds
/// exactly the SQL counts, bucket by bucket, at both resolutions.
async fn assert_counts_equal_sql<S: CountStore>(store: &S, rows: &[ReportRow], now: i64) {
    let services: BTreeSet<&str> = rows
        .iter()
        .map(|r| r.service.as_str())
        .chain([BARCLAYS])
        .collect();
    let mut dims: BTreeSet<Dim> =
        [Dim::All, Dim::Region(RegionId::parse("FR-IDF").unwrap())].into();
    for k in ProblemKind::ALL {
        dims.insert(Dim::Problem(k));
    }
    for r in REGIONS.iter().flatten() {
        dims.insert(Dim::Region(RegionId::parse(r).unwrap()));
    }
    let oldest = rows.iter().map(|r| r.created_at).min().unwrap_or(now);
    for (res, span) in [(Resolution::Minute, MINUTE), (Resolution::Hour, HOUR)] {
        let expected = expected_counts(rows, res);
        let len = (now - oldest) + 2 * span;
        let range = res.window_ending_at(now, len);
        for svc in &services {
            for dim in &dims {
                let got = store
                    .series(&crate::helpers::slug(svc), dim, res, range)
                    .await
                    .expect("read counters");
                let want: Vec<u64> = range
                    .starts()
                    .map(|t| {
                        expected
                            .get(&((*svc).to_owned(), dim.clone(), t))
                            .copied()
                            .unwrap_or(0)
                    })
                    .collect();
                assert_eq!(
                    got, want,
                    "{svc} {dim:?} at {res:?}: counters differ from SQL"
                );
            }
        }
        // And no count went anywhere else: the totals agree too.
        let total_all: u64 = expected
            .iter()
            .filter(|((_, d, _), _)| *d == Dim::All)
            .map(|(_, n)| n)
            .sum();
        assert_eq!(total_all, rows.iter().filter(|r| r.counted).count() as u64);
    }
}

/// Asserts every acknowledged id is a row of `reports`, and that nothing else is.
fn assert_all_acknowledged_stored(acks: &[Value], rows: &[ReportRow]) {
    let stored: HashSet<i64> = rows.iter().map(|r| r.id).collect();
    let acked: HashSet<i64> = acks.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(acked.len(), acks.len(), "ids are unique");
    let missing: Vec<_> = acked.difference(&stored).collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not in SQL: {missing:?}"
    );
    assert_eq!(
        stored.len(),
        acked.len(),
        "SQL holds only acknowledged reports"
    );
    for a in acks {
        let row = rows
            .iter()
            .find(|r| r.id == a["id"].as_i64().unwrap())
            .unwrap();
        assert_eq!(a["counted"].as_bool().unwrap(), row.counted, "{a}");
    }
}

async fn redis_outage(database: Database) {
    let Some(mut redis) = RedisServer::start().await else {
        return;
    };
    let app = spawn_app(AppOptions {
        database,
        redis_url: Some(redis.url.clone()),
        trusted_proxies: Default::default(),
        clock: Clock::System,
    })
    .await;
    let mut acks = post_batch(&app, "before", 12).await;
    assert!(acks.iter().any(|a| a["counted"] == json!(false)));

    // Redis dies. Every report is still acknowledged, once SQL has it.
    redis.kill();
    let started = Instant::now();
    acks.extend(post_batch(&app, "during", 12).await);
    let single = app
        .report_ok(BARCLAYS, &json!({"problem": "website"}), "lonely")
        .await;
    acks.push(single);
    eprintln!("13 reports during the outage took {:?}", started.elapsed());
    // Degraded, yet still taking reports: it stays in a load balancer's rotation.
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200, "still ready without Redis");
    let ready: Value = ready.json().await.unwrap();
    assert!(
        ready["status"]
            .as_str()
            .unwrap()
            .starts_with("degraded: counter store unreachable since"),
        "{ready}"
    );
    let port = format!(":{}", redis.port);
    assert!(
        !ready.to_string().contains("127.0.0.1") && !ready.to_string().contains(&port),
        "no address on a public endpoint: {ready}"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("downtally_counter_store_errors_total"),
        "counter store errors are counted:\n{metrics}"
    );

    // Redis comes back empty; the operator rebuilds the counters from SQL.
    redis.restart().await;
    let (status, stdout, stderr) = run_binary(
        &["rebuild-counts"],
        &[("DATABASE_URL", &app.db_url), ("REDIS_URL", &redis.url)],
    );
    assert!(status.success(), "rebuild-counts failed: {stdout}{stderr}");
    assert!(stdout.contains("rebuilt"), "{stdout}");

    let rows = stored_reports(&app.db_url).await;
    assert_all_acknowledged_stored(&acks, &rows);
    assert_eq!(rows.len(), 25);

    let store = RedisCounts::connect(&redis.url).await.unwrap();
    assert!(!store.needs_rebuild().await.unwrap());
    let now = chrono::Utc::now().timestamp();
    assert_counts_equal_sql(&store, &rows, now).await;

    // The running server reads the rebuilt counts as soon as its connection is back.
    let counted_intesa = rows
        .iter()
        .filter(|r| r.counted && r.service == INTESA)
        .count() as u64;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let res = app
            .get(&format!(
                "/api/v1/services/{INTESA}/series?window=2h&step=1m"
            ))
            .await;
        if res.status() == 200 {
            let v: Value = res.json().await.unwrap();
            let total: u64 = v["points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["count"].as_u64().unwrap())
                .sum();
            assert_eq!(total, counted_intesa);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not reconnect to Redis"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_outage_loses_no_report_and_rebuild_equals_sql_sqlite() {
    redis_outage(Database::FreshSqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_outage_loses_no_report_and_rebuild_equals_sql_postgres() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    redis_outage(Database::FreshPostgres(admin)).await;
}

/// Redis hangs (SIGSTOP: the connection stays open, nothing answers). Reports are acknowledged
/// anyway, after the client's timeouts, and a rebuild makes the counters equal SQL again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_redis_delays_reports_but_loses_none() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let app = spawn_app(AppOptions {
        redis_url: Some(redis.url.clone()),
        ..AppOptions::sqlite()
    })
    .await;
    let mut acks = post_batch(&app, "before", 6).await;
    redis.pause();
    let started = Instant::now();
    acks.extend(post_batch(&app, "hung", 6).await);
    let took = started.elapsed();
    eprintln!("6 reports while Redis hung took {took:?}");
    assert!(took < Duration::from_secs(25), "took {took:?}");
    redis.resume();
    let (status, stdout, stderr) = run_binary(
        &["rebuild-counts"],
        &[("DATABASE_URL", &app.db_url), ("REDIS_URL", &redis.url)],
    );
    assert!(status.success(), "rebuild-counts failed: {stdout}{stderr}");
    let rows = stored_reports(&app.db_url).await;
    assert_all_acknowledged_stored(&acks, &rows);
    let store = RedisCounts::connect(&redis.url).await.unwrap();
    assert_counts_equal_sql(&store, &rows, chrono::Utc::now().timestamp()).await;
}

/// A server started on a flushed Redis finds its counters gone and rebuilds them from SQL.
/// `database` must name an existing database (both servers use it).
async fn rebuild_at_start_after_flush(database: Database) {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let opts = AppOptions {
        database,
        redis_url: Some(redis.url.clone()),
        trusted_proxies: Default::default(),
        clock: Clock::System,
    };
    let first = spawn_app(opts.clone()).await;
    let acks = post_batch(&first, "first", 9).await;
    let db_url = first.db_url.clone();
    first.stop().await;

    let mut conn = redis::Client::open(redis.url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    redis::cmd("FLUSHALL")
        .query_async::<()>(&mut conn)
        .await
        .unwrap();

    let second = spawn_app(opts).await;
    let rows = stored_reports(&db_url).await;
    assert_all_acknowledged_stored(&acks, &rows);
    let store = RedisCounts::connect(&redis.url).await.unwrap();
    assert!(!store.needs_rebuild().await.unwrap(), "rebuilt at start");
    assert_counts_equal_sql(&store, &rows, chrono::Utc::now().timestamp()).await;
    let counted = rows
        .iter()
        .filter(|r| r.counted && r.service == MONZO)
        .count() as u64;
    assert!(counted > 0);
    assert_eq!(
        second
            .series_counts(MONZO, "window=1h&step=1m")
            .await
            .iter()
            .sum::<u64>(),
        counted
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_on_a_flushed_redis_rebuilds_at_start_sqlite() {
    let db = SqliteFile::new();
    rebuild_at_start_after_flush(Database::Sqlite(db)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_on_a_flushed_redis_rebuilds_at_start_postgres() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let url = fresh_postgres(&admin).await;
    rebuild_at_start_after_flush(Database::Url(url)).await;
}

/// The embedded default: a new server on an existing SQLite file rebuilds its in-process counters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_server_rebuilds_in_process_counters_from_sqlite() {
    let db = SqliteFile::new();
    let opts = AppOptions {
        database: Database::Sqlite(db.clone()),
        ..AppOptions::sqlite()
    };
    let first = spawn_app(opts.clone()).await;
    let acks = post_batch(&first, "embedded", 10).await;
    first.stop().await;

    let second = spawn_app(opts).await;
    let rows = stored_reports(&db.url).await;
    assert_all_acknowledged_stored(&acks, &rows);
    assert_counts_equal_sql(&second.state.counts, &rows, chrono::Utc::now().timestamp()).await;
    assert!(!second.state.counts.needs_rebuild().await.unwrap());
}

/// `rebuild-counts` on an unreachable Redis fails with a message and a non-zero status, and leaves
/// SQL as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuild_counts_without_redis_fails_clearly() {
    let db = SqliteFile::new();
    let (status, _, _) = run_binary(&["migrate"], &[("DATABASE_URL", &db.url)]);
    assert!(status.success());
    let dead = format!("redis://127.0.0.1:{}/", free_port());
    let (status, stdout, stderr) = run_binary(
        &["rebuild-counts"],
        &[("DATABASE_URL", &db.url), ("REDIS_URL", &dead)],
    );
    assert!(!status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("error"), "{stderr}");
    assert!(stored_reports(&db.url).await.is_empty());
}

// ---------------------------------------------------------------------------------------------------
// Acknowledged means committed: a batch is stored whole or not at all, and a crash loses no 201.

/// Runs one statement on its own connection (the server's writer keeps its own).
async fn sql(db_url: &str, statement: &str) {
    let db = downtally::store::Db::connect(db_url).await.unwrap();
    if let downtally::store::Db::Sqlite(p) = &db {
        sqlx::query(statement).execute(p).await.unwrap();
    }
    db.close().await;
}

/// POSTs one report; the status and, for a 201, the stored id.
async fn post_status(
    client: &reqwest::Client,
    address: &str,
    ua: &str,
    comment: &str,
) -> (u16, Option<i64>) {
    match client
        .post(format!("{address}/api/v1/services/{MONZO}/reports"))
        .header("User-Agent", ua)
        .json(&json!({"problem": "card", "comment": comment}))
        .send()
        .await
    {
        Ok(res) if res.status() == 201 => {
            let v: Value = res.json().await.expect("a 201 carries its JSON");
            (201, v["id"].as_i64())
        }
        Ok(res) => (res.status().as_u16(), None),
        Err(_) => (0, None),
    }
}

/// SQL refuses one report of a burst: the batch holding it is rolled back whole and answered 503, the
/// other batches are stored, and exactly the acknowledged reports are in SQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_refused_midway_is_stored_not_at_all() {
    let app = spawn_app(AppOptions::sqlite()).await;
    sql(
        &app.db_url,
        "CREATE TRIGGER poison BEFORE INSERT ON reports WHEN NEW.comment = 'poison' \
         BEGIN SELECT RAISE(ABORT, 'refused'); END",
    )
    .await;
    let tasks: Vec<_> = (0..120)
        .map(|i| {
            let (client, address) = (app.client.clone(), app.address.clone());
            let comment = if i % 60 == 30 {
                "poison".to_owned()
            } else {
                format!("r{i}")
            };
            tokio::spawn(async move {
                let answer = post_status(&client, &address, &format!("burst-{i}"), &comment).await;
                (comment, answer)
            })
        })
        .collect();
    let mut acknowledged = BTreeMap::new();
    for t in tasks {
        let (comment, (status, id)) = t.await.unwrap();
        match status {
            201 => {
                acknowledged.insert(id.unwrap(), comment);
            }
            503 => {}
            other => panic!("{comment}: unexpected status {other}"),
        }
    }
    eprintln!("{} of 120 acknowledged", acknowledged.len());
    assert!(acknowledged.values().all(|c| c != "poison"));
    assert!(
        !acknowledged.is_empty(),
        "batches without the poison are stored"
    );
    let stored: BTreeMap<i64, String> = stored_reports(&app.db_url)
        .await
        .into_iter()
        .map(|r| (r.id, r.comment.unwrap()))
        .collect();
    assert_eq!(
        stored, acknowledged,
        "SQL holds exactly the acknowledged reports"
    );
    // The writer is not left inside a transaction.
    sql(&app.db_url, "DROP TRIGGER poison").await;
    let (status, _) = post_status(&app.client, &app.address, "after", "fine").await;
    assert_eq!(status, 201);
}

/// A server killed (SIGKILL) in the middle of a steady load: every report it acknowledged is in SQL
/// when the database is opened again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_acknowledged_report() {
    let db = SqliteFile::new();
    let mut server = spawn_binary(&[], &[("DATABASE_URL", &db.url)]).await;
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    // 32 clients, each posting until the server is gone.
    let clients: Vec<_> = (0..32)
        .map(|c| {
            let (client, address, acknowledged) =
                (client(), server.address.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    match post_status(&client, &address, &format!("crash-{c}-{i}"), "c").await {
                        (201, Some(id)) => acknowledged.lock().unwrap().push(id),
                        _ => return,
                    }
                }
            })
        })
        .collect();
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 300 {
        assert!(started.elapsed() < Duration::from_secs(30), "too slow");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();
    for c in clients {
        c.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let stored: HashSet<i64> = stored_reports(&db.url).await.iter().map(|r| r.id).collect();
    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    eprintln!(
        "{} acknowledged, {} stored at the kill",
        acknowledged.len(),
        stored.len()
    );
}

/// A reporter's claim outlives a SIGKILL (issue 14 §4): a client that retries a report whose answer
/// the crash swallowed is not counted a second time by the restarted node, on SQLite and on
/// PostgreSQL with in-process counters (claims restored from SQL at start).
async fn claims_survive_a_kill(db_url: &str) {
    let env = [("DATABASE_URL", db_url)];
    let mut first = spawn_binary(&[], &env).await;
    let (status, id) = post_status(&client(), &first.address, "retrying", "once").await;
    assert_eq!((status, id.is_some()), (201, true));
    first.child.kill().expect("SIGKILL");
    let _ = first.child.wait();

    let second = spawn_binary(&[], &env).await;
    let (status, retry) = post_status(&client(), &second.address, "retrying", "once").await;
    assert_eq!(status, 201, "the retry is stored");
    let rows = stored_reports(db_url).await;
    let counted: Vec<i64> = rows.iter().filter(|r| r.counted).map(|r| r.id).collect();
    assert_eq!(
        counted,
        vec![id.unwrap()],
        "the retry {retry:?} is not counted"
    );
    // And the counters agree: one report counted.
    let v: Value = client()
        .get(format!(
            "{}/api/v1/services/{MONZO}/series?window=1h&step=1m",
            second.address
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let total: u64 = v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_a_kill_is_not_counted_twice_sqlite() {
    let db = SqliteFile::new();
    claims_survive_a_kill(&db.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_a_kill_is_not_counted_twice_postgres() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    claims_survive_a_kill(&fresh_postgres(&admin).await).await;
}
