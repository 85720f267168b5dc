//! Several app nodes on one database (issue 14 §2, §4): exactly one runs the monitor, by a lease in
//! SQL; a crashed leader's lease lapses and another node takes over; an ongoing outage is declared
//! once across the handover; and a leader whose Redis is gone still leads.

use crate::helpers::{
    AppOptions, Database, RedisServer, SqliteFile, require_env, spawn_app_with, spawn_binary,
};
use downtally::backfill::backfill_service;
use downtally::clock::Clock;
use downtally::monitor::LEADER_LEASE;
use downtally::simulate::SimSpec;
use downtally::startup::open_db;
use downtally::store::Db;
use downtally::web::AppState;
use std::time::{Duration, Instant};

/// Next Monday 11:00 UTC: a weekday late morning, as in `monitor.rs`, but not in the past, since Redis
/// expires counter keys on its own clock (a manual clock years behind would see them vanish).
fn onset() -> i64 {
    const WEEK: i64 = 7 * 86_400;
    let now = chrono::Utc::now().timestamp();
    // The epoch began on a Thursday: its Monday is 4 days later.
    now - now.rem_euclid(WEEK) + 4 * 86_400 + 11 * 3_600 + WEEK
}
const SERVICE: &str = "intesa-sanpaolo";

fn leads(state: &AppState) -> bool {
    state.metrics.monitor_leader.get() == 1
}

async fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

async fn wait_for_pass(state: &AppState, at_least: i64) {
    wait_until("a monitor pass", Duration::from_secs(30), || {
        state.board.updated_at() >= at_least
    })
    .await;
}

/// Two nodes on one SQLite file: the real binary leads, a second node follows; `kill -9` of the
/// leader hands the monitor over once its lease lapses (3 renewals of 1 s), and a node that stops
/// cleanly gives its lease up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_node_on_a_sqlite_file_leads_and_a_killed_leader_hands_over() {
    let file = SqliteFile::new();
    let mut first = spawn_binary(
        &["--monitor-interval-secs", "1"],
        &[("DATABASE_URL", file.url.as_str())],
    )
    .await;
    let db = Db::connect(&file.url).await.unwrap();
    let holder = db.lease_holder(LEADER_LEASE).await.unwrap();
    let binary_node = format!("{}-", first.pid());
    assert!(
        holder
            .as_deref()
            .is_some_and(|h| h.starts_with(&binary_node)),
        "the first node holds the lease: {holder:?}"
    );

    let second = spawn_app_with(
        AppOptions {
            database: Database::Sqlite(file.clone()),
            ..AppOptions::sqlite()
        },
        |s| s.monitor_interval = Duration::from_secs(1),
    )
    .await;
    for _ in 0..10 {
        assert!(
            !leads(&second.state),
            "a second node must not run the monitor too"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert_eq!(db.lease_holder(LEADER_LEASE).await.unwrap(), holder);

    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let took = wait_until("the second node takes over", Duration::from_secs(6), || {
        leads(&second.state)
    })
    .await;
    // The lease lapses 3 s after the last renewal; the follower tries every second.
    assert!(
        took >= Duration::from_millis(1000),
        "taken over before the lease lapsed ({took:?})"
    );
    let ours = format!("{}-", std::process::id());
    assert!(
        db.lease_holder(LEADER_LEASE)
            .await
            .unwrap()
            .is_some_and(|h| h.starts_with(&ours))
    );

    second.stop().await;
    assert_eq!(
        db.lease_holder(LEADER_LEASE).await.unwrap(),
        None,
        "a node stopping cleanly gives the lease up"
    );
    db.close().await;
}

/// Two nodes on one PostgreSQL database and one Redis: one leads; an outage is declared once; when
/// the leader stops, the other takes over and does not declare the ongoing outage again; when Redis
/// is then killed, the leader still leads (the lease is in SQL).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_postgres_declare_an_outage_once_across_a_handover() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let Some(mut redis) = RedisServer::start().await else {
        return;
    };
    let url = crate::helpers::fresh_postgres(&admin).await;
    let onset = onset();
    let spec = SimSpec::quiet(onset - 14 * 86_400, 14, 5.0, 7);
    let normal_now = spec.normal_rate(onset);
    {
        let db = open_db(&url).await.unwrap();
        let catalog = downtally::catalog::Catalog::embedded().unwrap();
        db.sync_catalog(&catalog, onset).await.unwrap();
        backfill_service(&db, &crate::helpers::slug(SERVICE), &spec)
            .await
            .unwrap();
        db.close().await;
    }
    let clock = Clock::manual(onset);
    let node = || {
        spawn_app_with(
            AppOptions {
                database: Database::Url(url.clone()),
                redis_url: Some(redis.url.clone()),
                clock: clock.clone(),
                ..AppOptions::default()
            },
            |s| s.monitor_interval = Duration::from_millis(100),
        )
    };
    let a = node().await;
    let b = node().await;
    assert!(leads(&a.state), "the first node takes the free lease");
    assert!(!leads(&b.state), "the second does not");
    wait_for_pass(&a.state, onset).await;

    // Five times the normal rate, through both nodes, each report from a network of its own.
    let per_minute = (normal_now * 5.0).round() as usize;
    let mut sent = 0usize;
    let report_minute = |minute: i64, app: &crate::helpers::TestApp, sent: &mut usize| {
        let requests: Vec<_> = (0..per_minute)
            .map(|i| {
                let n = *sent + i;
                let source = std::net::Ipv4Addr::new(127, 1 + (n / 256) as u8, (n % 256) as u8, 1);
                reqwest::Client::builder()
                    .local_address(std::net::IpAddr::V4(source))
                    .build()
                    .unwrap()
                    .post(app.url(&format!("/api/v1/services/{SERVICE}/reports")))
                    .header("user-agent", format!("leader-test/{minute}-{i}"))
                    .json(&serde_json::json!({ "problem": "login" }))
                    .send()
            })
            .collect();
        *sent += per_minute;
        requests
    };
    let outages = |db: Db| async move {
        db.recent_outages(&crate::helpers::slug(SERVICE), 5)
            .await
            .unwrap()
    };
    let mut minute = 0i64;
    while outages(a.state.db.clone()).await.is_empty() {
        assert!(minute < 6, "no outage declared");
        clock.set(onset + minute * 60 + 1);
        for res in futures_util::future::join_all(report_minute(minute, &a, &mut sent)).await {
            assert_eq!(res.unwrap().status(), 201);
        }
        minute += 1;
        clock.set(onset + minute * 60 + 1);
        wait_for_pass(&a.state, onset + minute * 60 + 1).await;
    }
    assert!(!leads(&b.state));
    // Every node agrees within one monitor interval (100 ms here; a second allows for the load):
    // the follower's page, and its API's status, say what the leader's do.
    let agreed = wait_until(
        "the follower shows the outage",
        Duration::from_secs(5),
        || {
            b.state
                .board
                .get(&crate::helpers::slug(SERVICE))
                .status
                .outage_open()
        },
    )
    .await;
    assert!(agreed < Duration::from_secs(1), "took {agreed:?}");
    for node in [&a, &b] {
        let page = node
            .get(&format!("/s/{SERVICE}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("User reports indicate problems with Intesa Sanpaolo since"),
            "a node's page disagrees"
        );
    }
    let status = |body: serde_json::Value| body["status"].clone();
    let on_a = status(
        a.get(&format!("/api/v1/services/{SERVICE}"))
            .await
            .json()
            .await
            .unwrap(),
    );
    let on_b = status(
        b.get(&format!("/api/v1/services/{SERVICE}"))
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(on_a, on_b, "the API's status differs between nodes");
    assert_eq!(on_a["code"], "outage", "{on_a}");

    // The leader goes; the other node takes over and follows the same outage on.
    a.stop().await;
    wait_until("the other node takes over", Duration::from_secs(3), || {
        leads(&b.state)
    })
    .await;
    for _ in 0..2 {
        clock.set(onset + minute * 60 + 1);
        for res in futures_util::future::join_all(report_minute(minute, &b, &mut sent)).await {
            assert_eq!(res.unwrap().status(), 201);
        }
        minute += 1;
        clock.set(onset + minute * 60 + 1);
        wait_for_pass(&b.state, onset + minute * 60 + 1).await;
    }
    let stored = outages(b.state.db.clone()).await;
    assert_eq!(stored.len(), 1, "declared once across the handover");
    assert!(stored[0].record.ended_at.is_none(), "still ongoing");
    let page = b.get(&format!("/s/{SERVICE}")).await.text().await.unwrap();
    assert!(page.contains("User reports indicate problems with Intesa Sanpaolo since"));

    // Redis gone: the lease is in SQL, so this node still leads.
    redis.kill();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(leads(&b.state), "a node without Redis still leads");
    b.stop().await;
}
