//! Retention (issue 14 §3): months of steady load fast-forwarded with the manual clock, on SQLite
//! and on PostgreSQL (day partitions dropped); the store stays bounded and the counters rebuilt
//! from the hourly counts answer the same series as from the raw reports; intake latency while a
//! purge deletes; a report past retention answers 404; `downtally retention run`.

use crate::helpers::*;
use downtally::backfill::store_history;
use downtally::counts::{BucketRange, CountStore, Dim, Resolution};
use downtally::domain::{
    Comment, NetworkKey, ProblemKind, RegionId, ReportKind, ReporterKey, ServiceSlug,
};
use downtally::rebuild::rebuild_counts;
use downtally::retention::{RetentionSettings, prepare_partitions, run_once};
use downtally::store::{Db, NewReport};
use std::time::{Duration, Instant};

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// 2027-03-01T00:00:00Z: a Monday, far from the machine's clock (PostgreSQL's day partitions are
/// made by the app's clock, not the database's).
const START: i64 = 1_803_945_600;
const DAYS_BEFORE_FIRST_RUN: i64 = 56;
const DAYS: i64 = 120;

/// One simulated day of steady load for `service`: ~750 reports with a daily curve, eight
/// problems, three regions and none, networks shared by a few reporters, a few "works again", a
/// few not counted (repeats), a few comments.
fn day_of_reports(service: &ServiceSlug, day: i64) -> Vec<NewReport> {
    let regions = ["GB-SCT", "GB-ENG", "GB-WLS"];
    let mut out = Vec::new();
    for hour in 0..24 {
        let per_hour = 20 + 25 * (12 - (hour - 13_i64).abs()).max(0) / 12;
        for i in 0..per_hour {
            let n = (day * 24 + hour) * 100 + i;
            let kind = if i % 23 == 0 {
                ReportKind::WorksAgain
            } else {
                ReportKind::Problem(ProblemKind::ALL[(i as usize * 7 + hour as usize) % 11 % 8])
            };
            let counted = i % 17 != 5;
            out.push(NewReport {
                service: service.clone(),
                kind,
                region: (i % 4 != 3).then(|| RegionId::parse(regions[(i % 4) as usize]).unwrap()),
                coordinates: None,
                comment: (i % 31 == 0)
                    .then(|| Comment::parse("no login since this morning").unwrap())
                    .flatten(),
                reporter: ReporterKey::from_hex(format!("{n:032x}")),
                counted,
                created_at: START + day * DAY + hour * HOUR + (i * 3_600 / per_hour),
                network: NetworkKey::from_hex(format!("{:016x}", n / 3)),
                uncounted: (!counted).then_some("repeat"),
            });
        }
    }
    out
}

/// Every hourly series of `service` the counters hold over the nine weeks before `now`.
async fn hourly_series(app: &TestApp, service: &ServiceSlug, now: i64) -> Vec<(Dim, Vec<u64>)> {
    let range: BucketRange = Resolution::Hour.window_ending_at(now - 1, 8 * 7 * DAY);
    let mut dims = vec![Dim::All, Dim::Networks, Dim::Recovered];
    dims.extend(ProblemKind::ALL.map(Dim::Problem));
    dims.extend(["GB-SCT", "GB-ENG", "GB-WLS"].map(|r| Dim::Region(RegionId::parse(r).unwrap())));
    let mut out = Vec::new();
    for dim in dims {
        let counts = app
            .state
            .counts
            .series(service, &dim, Resolution::Hour, range)
            .await
            .unwrap();
        out.push((dim, counts));
    }
    out
}

/// What the series API answers over eight weeks of hours: all reports, by problem, by region.
async fn api_answers(app: &TestApp, now: i64) -> Vec<serde_json::Value> {
    app.state.api.clear();
    let to = downtally::clock::rfc3339(Resolution::Hour.floor(now));
    let from = downtally::clock::rfc3339(Resolution::Hour.floor(now) - 8 * 7 * DAY);
    let mut out = Vec::new();
    for by in ["", "&by=problem", "&by=region"] {
        let mut v = app
            .series(MONZO, &format!("step=1h&from={from}&to={to}{by}"))
            .await;
        v.as_object_mut().unwrap().remove("generated_at");
        out.push(v);
    }
    out
}

/// Bytes on disk: the SQLite file with its WAL, or PostgreSQL's relations of reports and counts.
async fn disk(db: &Db, file: Option<&SqliteFile>) -> i64 {
    match file {
        Some(f) => {
            let path = f.url.trim_start_matches("sqlite://");
            [path.to_owned(), format!("{path}-wal")]
                .iter()
                .map(|p| std::fs::metadata(p).map(|m| m.len() as i64).unwrap_or(0))
                .sum()
        }
        None => {
            let s = db.store_size().await.unwrap();
            s.reports + s.hourly
        }
    }
}

async fn months_of_steady_load(app: TestApp) {
    let started = Instant::now();
    let db = app.state.db.clone();
    let monzo = slug(MONZO);
    let settings = RetentionSettings {
        days: 30,
        pause: Duration::ZERO,
        ..RetentionSettings::default()
    };
    let mut sizes = Vec::new();
    let mut per_day = 0;
    for day in 0..DAYS {
        let now = START + day * DAY;
        app.clock.set(now);
        prepare_partitions(&db, now).await.unwrap();
        let reports = day_of_reports(&monzo, day);
        per_day = reports.len() as i64;
        db.insert_reports(&reports).await.unwrap();
        let end_of_day = now + DAY;
        app.clock.set(end_of_day);
        if day + 1 == DAYS_BEFORE_FIRST_RUN {
            // Eight weeks of raw reports: the counters from them, then from the folded hours.
            rebuild_counts(&db, &app.state.counts, end_of_day)
                .await
                .unwrap();
            let (raw_series, raw_api) = (
                hourly_series(&app, &monzo, end_of_day).await,
                api_answers(&app, end_of_day).await,
            );
            assert!(raw_series[0].1.iter().sum::<u64>() > 30_000);
            let purge = run_once(&db, &settings, end_of_day).await.unwrap();
            assert_eq!(purge.hours_folded, 26 * 24, "{purge:?}");
            assert!(purge.deleted > 0 || !purge.partitions_dropped.is_empty());
            rebuild_counts(&db, &app.state.counts, end_of_day)
                .await
                .unwrap();
            let folded_series = hourly_series(&app, &monzo, end_of_day).await;
            for ((dim, raw), (_, folded)) in raw_series.iter().zip(&folded_series) {
                assert_eq!(
                    raw, folded,
                    "the {dim:?} series changed when its reports were folded"
                );
            }
            assert_eq!(raw_api, api_answers(&app, end_of_day).await);
        } else if day + 1 > DAYS_BEFORE_FIRST_RUN {
            run_once(&db, &settings, end_of_day).await.unwrap();
        }
        if (day + 1) % 30 == 0 {
            let s = db.store_size().await.unwrap();
            sizes.push((
                day + 1,
                s.reports,
                s.hourly,
                disk(&db, app.sqlite.as_ref()).await,
            ));
        }
    }
    let now = START + DAYS * DAY;
    let stored = db.stored_counts().await.unwrap().reports;
    assert!(
        stored <= 31 * per_day,
        "{stored} reports kept, more than 31 days of {per_day}"
    );
    let partitions = db.report_partitions().await.unwrap();
    if let Db::Postgres(_) = db {
        assert!(
            partitions.len() <= 36 && partitions[0] >= (now - 31 * DAY) / DAY,
            "day partitions kept: {partitions:?}"
        );
    }
    // Steady state from day 60 on: 30 days of raw reports, whose size stays put, and their hourly
    // counts, which grow by the hour (by some 14 series an hour here), not by the report.
    eprintln!(
        "retention on {}: (day, reports bytes, hourly counts bytes, on disk) {sizes:?}, \
         {per_day} reports/day, {:?}",
        db.backend(),
        started.elapsed()
    );
    let [
        _,
        (_, reports_60, hourly_60, disk_60),
        (_, reports_90, hourly_90, disk_90),
        (_, reports_120, hourly_120, disk_120),
    ] = sizes[..]
    else {
        panic!("{sizes:?}")
    };
    assert!(
        reports_120 <= reports_60 + reports_60 / 10 && reports_120 <= reports_90 + reports_90 / 10,
        "the reports grow under steady load: {sizes:?}"
    );
    assert!(
        hourly_120 - hourly_90 <= reports_120 / 4 && hourly_90 - hourly_60 <= reports_90 / 4,
        "the hourly counts of a month take more than a quarter of a month of reports: {sizes:?}"
    );
    if app.sqlite.is_some() {
        // Deleted pages are reused: the file stays at its size of the peak (56 days of reports).
        assert!(
            disk_120 <= disk_60 + disk_60 / 20 && disk_120 <= disk_90 + disk_90 / 20,
            "the SQLite file grows under steady load: {sizes:?}"
        );
    }
    // The service page's chart reads the same counters, rebuilt from the folded hours.
    let page = app.get("/s/monzo").await;
    assert_eq!(page.status(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn months_of_steady_load_stay_bounded_on_sqlite() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(START)).await;
    months_of_steady_load(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn months_of_steady_load_drop_partitions_on_postgres() {
    let Some(app) = spawn_on_postgres(AppOptions::default().manual_clock(START)).await else {
        return;
    };
    months_of_steady_load(app).await;
}

/// `count` old reports of monzo, `age` seconds before `now`, spread over an hour.
fn old_reports(count: usize, now: i64, age: i64) -> Vec<NewReport> {
    let monzo = slug(MONZO);
    (0..count)
        .map(|i| NewReport {
            service: monzo.clone(),
            kind: ReportKind::Problem(ProblemKind::ALL[i % 8]),
            region: None,
            coordinates: None,
            comment: None,
            reporter: ReporterKey::from_hex(format!("{i:032x}")),
            counted: true,
            created_at: now - age + (i as i64 % HOUR),
            network: NetworkKey::from_hex(format!("{i:016x}")),
            uncounted: None,
        })
        .collect()
}

fn p99(mut latencies: Vec<Duration>) -> Duration {
    latencies.sort();
    latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)]
}

/// Reports accepted one after another until `done`, with each one's latency.
async fn intake_latencies(app: &TestApp, tag: &str, done: impl Fn() -> bool) -> Vec<Duration> {
    let mut out = Vec::new();
    let mut n = 0;
    while !done() || out.len() < 50 {
        let started = Instant::now();
        app.report_ok(
            MONZO,
            &serde_json::json!({"problem": "login"}),
            &format!("{tag}-{n}"),
        )
        .await;
        out.push(started.elapsed());
        n += 1;
    }
    out
}

/// A purge of 150,000 reports on SQLite (one writer, shared with the intake) deletes in small
/// batches: intake goes on, its p99 latency stays within a small multiple of the quiet one. A
/// report past retention answers 404; `downtally retention run` does the same job from the shell.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_does_not_block_intake_on_sqlite() {
    let file = SqliteFile::new();
    let app = spawn_app(AppOptions {
        database: Database::Sqlite(file.clone()),
        ..AppOptions::default()
    })
    .await;
    let db = app.state.db.clone();
    let now = app.clock.now();
    let ids = db
        .insert_reports(&old_reports(1, now, 40 * DAY))
        .await
        .unwrap();
    for _ in 0..30 {
        db.insert_reports(&old_reports(5_000, now, 40 * DAY))
            .await
            .unwrap();
    }
    let old = format!("/api/v1/services/{MONZO}/reports/{}", ids[0]);
    assert_eq!(app.get(&old).await.status(), 200);

    let quiet = p99(intake_latencies(&app, "quiet", || true).await);
    let purging = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let purge = tokio::spawn({
        let (db, purging) = (db.clone(), purging.clone());
        async move {
            let started = Instant::now();
            let done = run_once(&db, &RetentionSettings::default(), now).await;
            purging.store(false, std::sync::atomic::Ordering::SeqCst);
            (done, started.elapsed())
        }
    });
    let during = intake_latencies(&app, "purge", || {
        !purging.load(std::sync::atomic::Ordering::SeqCst)
    })
    .await;
    let (done, took) = purge.await.unwrap();
    let done = done.unwrap();
    assert_eq!(done.deleted, 150_001, "{done:?}");
    let (accepted, during) = (during.len(), p99(during));
    eprintln!(
        "purge of {} reports took {took:?}; intake p99 {quiet:?} quiet, {during:?} during the \
         purge ({accepted} reports accepted meanwhile)",
        done.deleted
    );
    assert!(
        during <= quiet * 5 + Duration::from_millis(100),
        "intake p99 {during:?} during the purge, {quiet:?} without"
    );
    let res = app.get(&old).await;
    assert_eq!(res.status(), 404, "a report past retention is gone");

    // The same job from the shell, on the stopped server's file.
    db.insert_reports(&old_reports(1_000, now, 35 * DAY))
        .await
        .unwrap();
    app.stop().await;
    let (status, stdout, stderr) = run_binary(
        &["retention", "run", "--retention-days", "30"],
        &[("DATABASE_URL", file.url.as_str())],
    );
    assert!(status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("deleted 1000 reports"), "{stdout}");
}

/// The leader runs the job on its schedule: reports past retention disappear by themselves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leader_runs_retention_on_its_schedule() {
    let app = spawn_app_with(AppOptions::sqlite().manual_clock(START), |s| {
        s.retention.every = Duration::from_millis(200);
    })
    .await;
    let db = app.state.db.clone();
    db.insert_reports(&old_reports(100, START, 31 * DAY))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while db.stored_counts().await.unwrap().reports > 0 {
        assert!(Instant::now() < deadline, "the scheduled job did not run");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(db.folded_until().await.unwrap() > START - 31 * DAY);
    app.stop().await;
}

/// The PostgreSQL migration that partitions `reports` keeps every row of a database that has
/// some (ids, columns, a hidden comment), and ids go on after the highest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partitioning_keeps_every_report_on_postgres() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let url = fresh_postgres(&admin).await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let mut before = sqlx::migrate!("migrations/postgres");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 20261220000042)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();
    sqlx::query(
        "INSERT INTO services (slug, name, countries, category, website, synced_at) \
         VALUES ('monzo', 'Monzo', 'GB', 'neobank', 'https://monzo.com/', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let now = chrono::Utc::now().timestamp();
    for (age, comment) in [
        (100 * DAY, None),
        (DAY, Some("down")),
        (60, Some("still down")),
    ] {
        sqlx::query(
            "INSERT INTO reports (service, problem, comment, reporter, counted, created_at, network) \
             VALUES ('monzo', 'login', $1, 'r', TRUE, $2, 'n')",
        )
        .bind(comment)
        .bind(now - age)
        .execute(&pool)
        .await
        .unwrap();
    }
    sqlx::query("UPDATE reports SET comment_hidden_at = 1 WHERE comment = 'down'")
        .execute(&pool)
        .await
        .unwrap();
    let rows = "SELECT id, problem, comment, created_at, network, comment_hidden_at FROM reports ORDER BY id";
    type Row = (
        i64,
        String,
        Option<String>,
        i64,
        Option<String>,
        Option<i64>,
    );
    let old: Vec<Row> = sqlx::query_as(rows).fetch_all(&pool).await.unwrap();

    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let new: Vec<Row> = sqlx::query_as(rows).fetch_all(&pool).await.unwrap();
    assert_eq!(old, new);
    let kind: String =
        sqlx::query_scalar("SELECT relkind::text FROM pg_class WHERE relname = 'reports'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(kind, "p", "reports is partitioned");
    assert!(db.report_partitions().await.unwrap().len() >= 3);
    let ids = db.insert_reports(&old_reports(2, now, 0)).await.unwrap();
    assert_eq!(ids, vec![old[2].0 + 1, old[2].0 + 2]);
    pool.close().await;
    db.close().await;
}

/// A fresh database on `url`, migrated, with the catalog's services.
async fn fresh_db(url: &str, now: i64) -> Db {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    let catalog = downtally::catalog::Catalog::embedded().unwrap();
    db.sync_catalog(&catalog, now).await.unwrap();
    db
}

async fn folded_rows(db: &Db) -> Vec<(String, i64, String, i64)> {
    let sql = "SELECT service, hour, series, n FROM report_hours ORDER BY service, hour, series";
    match db {
        Db::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    }
}

/// History written after retention folded its hours (a backfill reaching past the retention
/// period) lands in the hourly counts exactly as if it had been stored first and folded after:
/// before, it was stored and then deleted unfolded, lost to every chart.
async fn history_past_retention_is_folded_as_written(url_a: &str, url_b: &str) {
    let now = START + 60 * DAY;
    let service = slug(MONZO);
    // Three days, 40 to 37 days before `now`: past the 30-day retention.
    let history = || (20..23).flat_map(|d| day_of_reports(&service, d)).map(Ok);
    let settings = RetentionSettings::default();

    let stored_then_folded = fresh_db(url_a, now).await;
    store_history(&stored_then_folded, history()).await.unwrap();
    run_once(&stored_then_folded, &settings, now).await.unwrap();

    let folded_then_written = fresh_db(url_b, now).await;
    run_once(&folded_then_written, &settings, now)
        .await
        .unwrap();
    assert!(folded_then_written.folded_until().await.unwrap() > START + 23 * DAY);
    let written = store_history(&folded_then_written, history())
        .await
        .unwrap();
    assert_eq!(written, 3 * day_of_reports(&service, 20).len());
    let raw = folded_then_written.stored_counts().await.unwrap();
    assert_eq!(
        raw.reports, 0,
        "no report stored with its keys past the retention"
    );

    let expected = folded_rows(&stored_then_folded).await;
    assert!(expected.len() > 3 * 24 * 5, "every series of every hour");
    assert_eq!(folded_rows(&folded_then_written).await, expected);
    // Written again on top (two imports of one stretch add up, as two stores of it would).
    store_history(&folded_then_written, history())
        .await
        .unwrap();
    let doubled = folded_rows(&folded_then_written).await;
    assert!(doubled.iter().zip(&expected).all(|(d, e)| d.3 == 2 * e.3));
    stored_then_folded.close().await;
    folded_then_written.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_past_retention_is_folded_as_written_on_sqlite() {
    let (a, b) = (SqliteFile::new(), SqliteFile::new());
    history_past_retention_is_folded_as_written(&a.url, &b.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_past_retention_is_folded_as_written_on_postgres() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let (a, b) = (fresh_postgres(&admin).await, fresh_postgres(&admin).await);
    history_past_retention_is_folded_as_written(&a, &b).await;
}
