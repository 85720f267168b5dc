//! Restart and graceful shutdown: counts survive a restart of the real binary (SQLite, PostgreSQL,
//! PostgreSQL with Redis), SIGTERM drains in-flight reports, and a new server rebuilds its counters.

use crate::helpers::*;
use downtally::clock::Clock;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

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

/// The series is read right after each report: no cached answer may lag behind it (production
/// tolerates `--page-fresh-secs`, 5 by default, for pages and API answers alike).
const FRESH: [&str; 2] = ["--page-fresh-secs", "0"];

async fn check_counts_survive_restart(env: &[(&str, &str)]) {
    let client = client();
    let mut server = spawn_binary(&FRESH, env).await;
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

    let server = spawn_binary(&FRESH, env).await;
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
