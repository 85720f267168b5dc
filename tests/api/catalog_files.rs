//! Issue 14 §7: operators run their own catalog: `--catalog FILE`, `downtally catalog check FILE`,
//! and a reload on SIGHUP (new services appear; a removed one answers 410 Gone while its history,
//! outage permalinks included, stays).

use crate::helpers::*;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// One `[[service]]` entry of the catalog schema.
fn entry(slug: &str, name: &str, country: &str) -> String {
    format!(
        "[[service]]\nslug = \"{slug}\"\nname = \"{name}\"\ncountries = [\"{country}\"]\n\
         category = \"bank\"\nwebsite = \"https://{slug}.example/\"\n\n"
    )
}

#[test]
fn catalog_check_accepts_a_good_file_and_names_the_faulty_entry() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        entry("alpha-bank", "Alpha", "IT") + &entry("beta-bank", "Beta", "GB"),
    )
    .unwrap();
    let (status, stdout, stderr) = run_binary(&["catalog", "check", good.to_str().unwrap()], &[]);
    assert!(status.success(), "{stderr}");
    assert!(stdout.contains("2 services"), "{stdout}");

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        entry("alpha-bank", "Alpha", "IT") + &entry("beta-bank", "Beta", "Britain"),
    )
    .unwrap();
    let (status, _, stderr) = run_binary(&["catalog", "check", bad.to_str().unwrap()], &[]);
    assert!(!status.success());
    assert!(
        stderr.contains("beta-bank") && stderr.contains("countries"),
        "{stderr}"
    );

    // The compiled-in catalog is a valid file of the same schema.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/services.toml");
    let (status, stdout, stderr) =
        run_binary(&["catalog", "check", shipped.to_str().unwrap()], &[]);
    assert!(status.success() && stdout.contains("valid"), "{stderr}");
}

async fn get_json(client: &reqwest::Client, url: String) -> Value {
    client.get(url).send().await.unwrap().json().await.unwrap()
}

async fn get_text(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

async fn listed(client: &reqwest::Client, address: &str) -> Vec<String> {
    let v = get_json(client, format!("{address}/api/v1/services")).await;
    let mut slugs: Vec<String> = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slug"].as_str().unwrap().to_owned())
        .collect();
    slugs.sort();
    slugs
}

async fn status_of(client: &reqwest::Client, url: String) -> u16 {
    client.get(url).send().await.unwrap().status().as_u16()
}

/// `serve --catalog` (two services) shows only those; after the file is edited (one removed, one
/// added) a SIGHUP brings in the new one and makes the removed one answer 410 on its pages, embeds
/// and API, while its outage permalink still answers; an invalid file on SIGHUP keeps the catalog.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_runs_an_operators_catalog_and_reloads_it_on_sighup() {
    let db = SqliteFile::new();
    let file = db.dir.path().join("catalog.toml");
    std::fs::write(
        &file,
        entry("monzo", "Monzo", "GB") + &entry("alpha-bank", "Alpha", "IT"),
    )
    .unwrap();
    let server = spawn_binary(
        &[
            "--catalog",
            file.to_str().unwrap(),
            "--monitor-interval-secs",
            "1",
        ],
        &[("DATABASE_URL", &db.url)],
    )
    .await;
    let (c, a) = (client(), server.address.clone());
    assert_eq!(listed(&c, &a).await, ["alpha-bank", "monzo"]);
    assert_eq!(status_of(&c, format!("{a}/s/intesa-sanpaolo")).await, 404);
    assert_eq!(status_of(&c, format!("{a}/s/monzo")).await, 200);
    let res = c
        .post(format!("{a}/api/v1/services/monzo/reports"))
        .header("User-Agent", "catalog-test")
        .json(&json!({"problem": "login"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let report: i64 = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // An outage of monzo's, as the monitor would have stored it.
    sql(
        &db.url,
        "INSERT INTO outages (service, region, started_at, ended_at, peak_at, peak_count, \
         baseline_at_peak, updated_at) VALUES ('monzo', NULL, 1700000000, 1700003600, 1700001800, \
         120, 4, 1700003600)",
    )
    .await;
    let outage = 1;
    // An outage of monzo's still open when it is removed, and a subscriber to monzo's events.
    sql(
        &db.url,
        "INSERT INTO outages (service, region, started_at, ended_at, peak_at, peak_count, \
         baseline_at_peak, updated_at) VALUES ('monzo', NULL, 1700007200, NULL, 1700007200, \
         50, 4, 1700007200)",
    )
    .await;
    let open = 2;
    sql(
        &db.url,
        "INSERT INTO webhook_subscriptions (id, url, url_digest, host, secret, format, service, \
         events, state, created_at, updated_at) VALUES ('sub_000000000000000000000001', \
         'https://hooks.example/x', 'd', 'hooks.example', 's', 'json', 'monzo', 7, 'active', 0, 0)",
    )
    .await;

    // Edit: monzo removed, beta-bank added; SIGHUP.
    std::fs::write(
        &file,
        entry("alpha-bank", "Alpha", "IT") + &entry("beta-bank", "Beta", "GB"),
    )
    .unwrap();
    sighup(server.pid());
    let started = Instant::now();
    while listed(&c, &a).await != ["alpha-bank", "beta-bank"] {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no reload; log:\n{}",
            server.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status_of(&c, format!("{a}/s/beta-bank")).await, 200);
    for path in [
        "/s/monzo",
        "/embed/monzo/map",
        "/embed/monzo/chart.svg",
        "/badge/monzo.svg",
        "/s/monzo/feed.atom",
        "/api/v1/services/monzo",
        "/api/v1/services/monzo/series",
    ] {
        assert_eq!(status_of(&c, format!("{a}{path}")).await, 410, "{path}");
    }
    let res = c
        .get(format!("{a}/api/v1/services/monzo"))
        .send()
        .await
        .unwrap();
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["type"], "/api#problem-gone", "{problem}");
    let res = c
        .post(format!("{a}/api/v1/services/monzo/reports"))
        .header("User-Agent", "catalog-test-2")
        .json(&json!({"problem": "login"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 410);
    // Its history stays: the outage permalink, the stored report.
    assert_eq!(status_of(&c, format!("{a}/outages/{outage}")).await, 200);
    assert_eq!(
        status_of(&c, format!("{a}/api/v1/outages/{outage}")).await,
        200
    );
    assert!(stored_reports(&db.url).await.iter().any(|r| r.id == report));
    // Its open outage is closed, saying why (nobody saw it recover), subscribers hear it ended and
    // their subscription is retired.
    let started = Instant::now();
    let closed = loop {
        let body = get_json(&c, format!("{a}/api/v1/outages/{open}")).await;
        if body["ongoing"] == false {
            break body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the removed service's outage stayed open: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(closed["closed_by"], "unlisted", "{closed}");
    let old = get_json(&c, format!("{a}/api/v1/outages/{outage}")).await;
    assert!(
        old["closed_by"].is_null(),
        "a resolved outage keeps its end: {old}"
    );
    assert_eq!(old["ended_at"], "2023-11-14T23:13:20Z");
    let page = get_text(&c, format!("{a}/outages/{open}?lang=en")).await;
    assert!(
        page.contains("Closed when downtally stopped following this service"),
        "the permalink says why it ended"
    );
    // The permalink of a removed service keeps its name and its country's time, and links to no
    // page that is gone.
    let page = get_text(&c, format!("{a}/outages/{outage}?lang=en")).await;
    assert!(
        page.contains("Reports about Monzo around the outage"),
        "chart title"
    );
    assert!(
        page.contains("(Europe/London)"),
        "times in the service's zone"
    );
    let list = get_text(&c, format!("{a}/outages?lang=en")).await;
    for html in [&page, &list] {
        assert!(
            !html.contains("href=\"/s/monzo"),
            "a link to a page that is gone"
        );
        assert!(
            !html.contains("?service=monzo"),
            "a list that cannot filter it"
        );
    }
    let feed = get_text(&c, format!("{a}/feed.atom?lang=en")).await;
    assert!(
        feed.contains("<title>Monzo outage (closed: no longer followed)</title>"),
        "the feed does not call it resolved: {feed}"
    );
    let (state, reason, resolved) = subscription_state(&db.url).await;
    assert_eq!(state, "disabled");
    assert!(reason.contains("removed from downtally"), "{reason}");
    assert_eq!(resolved, 1, "one outage.resolved delivery queued");
    // A service never listed is still a plain 404.
    assert_eq!(status_of(&c, format!("{a}/s/intesa-sanpaolo")).await, 404);
    // New services take reports.
    let res = c
        .post(format!("{a}/api/v1/services/beta-bank/reports"))
        .header("User-Agent", "catalog-test-3")
        .json(&json!({"problem": "login"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);

    // An invalid file on SIGHUP: the running catalog stays, the log names the faulty entry.
    std::fs::write(
        &file,
        entry("alpha-bank", "Alpha", "IT") + &entry("gamma-bank", "", "GB"),
    )
    .unwrap();
    sighup(server.pid());
    let started = Instant::now();
    while !server.log_text().contains("gamma-bank") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no error logged"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(listed(&c, &a).await, ["alpha-bank", "beta-bank"]);
}

/// The test subscription's state and reason, and its queued `outage.resolved` deliveries.
async fn subscription_state(db_url: &str) -> (String, String, i64) {
    use sqlx::{Connection, Row};
    let mut conn = sqlx::SqliteConnection::connect(db_url).await.unwrap();
    let row = sqlx::query(
        "SELECT state, COALESCE(disabled_reason, '') AS reason, \
         (SELECT COUNT(*) FROM webhook_deliveries WHERE kind = 'outage.resolved' AND outage_id = 2) AS n \
         FROM webhook_subscriptions",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let out = (row.get("state"), row.get("reason"), row.get("n"));
    conn.close().await.unwrap();
    out
}

/// Runs one SQLite statement on a connection of its own.
async fn sql(db_url: &str, statement: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(db_url).await.unwrap();
    sqlx::query(statement).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

fn sighup(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}
