//! Issue 14 §6: `downtally backup` copies a serving SQLite store consistently, the README's restore
//! recipe works (`scripts/restore-check`), and migrations stay additive.

use crate::helpers::*;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Reports posted (each from a reporter of its own) until `stop`; acknowledged ids go to `acked`.
fn post_until(
    address: String,
    tag: usize,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<i64>>>,
) -> tokio::task::JoinHandle<()> {
    let client = client();
    tokio::spawn(async move {
        for i in 0.. {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let res = client
                .post(format!("{address}/api/v1/services/{MONZO}/reports"))
                .header("User-Agent", format!("backup-{tag}-{i}"))
                .json(&json!({"problem": "card"}))
                .send()
                .await
                .expect("the server answers");
            assert_eq!(res.status(), 201, "report not acknowledged");
            let v: Value = res.json().await.unwrap();
            acked.lock().unwrap().push(v["id"].as_i64().unwrap());
        }
    })
}

/// The real binary's `backup`, run while a server acknowledges reports: the copy passes
/// `PRAGMA integrity_check` and holds every report acknowledged before the backup started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_holds_every_acknowledged_report() {
    let db = SqliteFile::new();
    let server = spawn_binary(&[], &[("DATABASE_URL", &db.url)]).await;
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..8)
        .map(|c| post_until(server.address.clone(), c, stop.clone(), acked.clone()))
        .collect();
    let started = Instant::now();
    while acked.lock().unwrap().len() < 200 {
        assert!(started.elapsed() < Duration::from_secs(20), "too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let before: HashSet<i64> = acked.lock().unwrap().iter().copied().collect();
    let copy = db.dir.path().join("copy.db");
    let (status, stdout, stderr) = {
        let (copy, url) = (copy.clone(), db.url.clone());
        tokio::task::spawn_blocking(move || {
            run_binary(
                &["backup", copy.to_str().unwrap()],
                &[("DATABASE_URL", &url)],
            )
        })
        .await
        .unwrap()
    };
    let during = acked.lock().unwrap().len() - before.len();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    assert!(status.success(), "backup failed: {stderr}");
    assert!(stdout.contains("integrity check ok"), "{stdout}");
    assert!(
        during > 0,
        "the server acknowledged nothing while the backup ran"
    );

    let copy_url = format!("sqlite://{}", copy.display());
    {
        use sqlx::{Connection, Row};
        let mut conn = sqlx::SqliteConnection::connect(&copy_url).await.unwrap();
        let verdict: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(verdict, "ok");
        conn.close().await.unwrap();
    }
    let copied: HashSet<i64> = stored_reports(&copy_url)
        .await
        .iter()
        .map(|r| r.id)
        .collect();
    let missing: Vec<_> = before.difference(&copied).collect();
    assert!(
        missing.is_empty(),
        "acknowledged before the backup, missing: {missing:?}"
    );
    eprintln!(
        "{} acknowledged before the backup, {during} while it ran, {} in the copy",
        before.len(),
        copied.len()
    );

    // It never overwrites, and it sends PostgreSQL users to pg_dump.
    let (status, _, stderr) = run_binary(
        &["backup", copy.to_str().unwrap()],
        &[("DATABASE_URL", &db.url)],
    );
    assert!(
        !status.success() && stderr.contains("exists already"),
        "{stderr}"
    );
    let (status, _, stderr) = run_binary(
        &["backup", "/tmp/never.db"],
        &[("DATABASE_URL", "postgres://u@127.0.0.1:1/db")],
    );
    assert!(!status.success() && stderr.contains("pg_dump"), "{stderr}");
}

/// The README's restore recipe, as `scripts/restore-check` runs it: back up a serving SQLite store,
/// restore it into a fresh file, serve it, read every report back.
#[test]
fn the_restore_recipe_works_on_sqlite() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new(root.join("scripts/restore-check"))
        .arg("sqlite")
        .env("DOWNTALLY_BIN", env!("CARGO_BIN_EXE_downtally"))
        .env("RESTORE_REPORTS", "10")
        .output()
        .expect("run scripts/restore-check");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("10 of 10 reports read back"), "{stdout}");
}

/// The same on PostgreSQL: `pg_dump -Fc` while serving, `pg_restore` into a fresh database.
#[test]
fn the_restore_recipe_works_on_postgres() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new(root.join("scripts/restore-check"))
        .arg("postgres")
        .env("DOWNTALLY_BIN", env!("CARGO_BIN_EXE_downtally"))
        .env("TEST_DATABASE_URL", admin)
        .env("RESTORE_REPORTS", "10")
        .output()
        .expect("run scripts/restore-check");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("10 of 10 reports read back"), "{stdout}");
}

/// Migrations that drop or rename, allowed deliberately: (backend, file name). A later release's
/// planned drop is added here. `postgres/…42_retention.sql` partitions `reports`: it renames the old
/// table away and drops it after copying every row into a partitioned table of the same name and
/// columns, in one transaction, so that nothing either version reads goes away (ARCHITECTURE.md,
/// "Upgrades").
const RELEASED_DESTRUCTIVE_MIGRATIONS: &[(&str, &str)] =
    &[("postgres", "20261220000042_retention.sql")];

/// Migrations are additive (ARCHITECTURE.md, "Upgrades"): nodes of two consecutive versions share
/// one database during a rolling upgrade, so no migration drops or renames a table or column in the
/// release that stops reading it; the drop comes a release later, allow-listed above.
#[test]
fn migrations_are_additive() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut offending = Vec::new();
    let mut seen = 0;
    for backend in ["sqlite", "postgres"] {
        for entry in std::fs::read_dir(root.join(backend)).expect("migrations folder") {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            seen += 1;
            if RELEASED_DESTRUCTIVE_MIGRATIONS.contains(&(backend, name.as_str())) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Comments say what they like; statements are what runs.
            let code: String = text
                .lines()
                .map(|l| l.split("--").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_uppercase();
            let code = code.split_whitespace().collect::<Vec<_>>().join(" ");
            for banned in ["DROP COLUMN", "DROP TABLE", "RENAME"] {
                if code.contains(banned) {
                    offending.push(format!("{backend}/{name}: {banned}"));
                }
            }
        }
    }
    assert!(seen >= 16, "only {seen} migration files found");
    assert!(
        offending.is_empty(),
        "migrations must be additive (drop a release later, and allow-list it): {offending:?}"
    );
}
