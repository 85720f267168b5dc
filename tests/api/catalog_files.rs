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

async fn listed(client: &reqwest::Client, address: &str) -> Vec<String> {
    let v: Value = client
        .get(format!("{address}/api/v1/services"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
        &["--catalog", file.to_str().unwrap()],
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
