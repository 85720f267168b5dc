//! Resident memory of the real binary against the history it serves (issue 14 §5): the in-process
//! counter store grows with the series counted (dense rings of fixed size), not with the buckets
//! stored, as the sparse store it replaced did (about 400 bytes a stored bucket).

use crate::helpers::*;
use downtally::backfill::backfill_service;
use downtally::counts::Resolution;
use downtally::simulate::SimSpec;
use downtally::startup::open_db;
use std::time::{Duration, Instant};

/// The bound on resident memory above the empty server, per stored bucket: twice what this debug
/// build measured (debug builds hold more than release ones).
///
/// Measured 2026-12-01 by this test (five runs, other builds on the 2 cores): the empty server
/// 63-64 MB resident, the server on this test's history (2 days of all 81 services at 1 report a
/// minute at the daily peak: 315,800 stored buckets) 88.5-92.7 MB, peak (the start's rebuild)
/// 97 MB: 78-93 bytes a bucket above empty, say 85. Most of it is fixed, the rings' 17.5 KB per
/// series (about 810 series: 14 MB) and allocator slack; BENCHMARKS.md "Memory" has 64 B a bucket
/// for a day of history in release and 22 B for 14 days, where the fixed part is spread over more
/// buckets. So the bound is empty + 170 B × buckets: about 117 MB here, 24 MB above the highest
/// reading and above even the rebuild's peak. The sparse store before cost 428 B a bucket above
/// empty (release, BENCHMARKS.md): about 199 MB resident here, 82 MB beyond the bound (the test
/// computes it and checks that the bound tells the two apart).
const BYTES_PER_BUCKET: u64 = 2 * MEASURED_PER_BUCKET;
const MEASURED_PER_BUCKET: u64 = 85;
/// What the sparse store cost above the empty server (BENCHMARKS.md "Memory", before).
const OLD_BYTES_PER_BUCKET: u64 = 428;

/// `(VmRSS, VmHWM)` of process `pid`, in bytes.
fn resident(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server runs");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
            .unwrap_or_else(|| panic!("{name} in {status}"))
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Once the server is ready (its counters rebuilt from SQL before it listens), serves a few pages
/// and rests: its resident memory then, and its peak.
async fn settled(app: &BinaryApp) -> (u64, u64) {
    let client = client();
    let get = |path: &str| {
        client
            .get(format!("{}{path}", app.address))
            .timeout(Duration::from_secs(20))
            .send()
    };
    let started = Instant::now();
    while get("/readyz").await.map(|r| r.status()).ok() != Some(reqwest::StatusCode::OK) {
        assert!(started.elapsed() < Duration::from_secs(20), "not ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for path in [
        "/",
        "/s/barclays",
        "/s/monzo",
        "/outages",
        "/api/v1/services/barclays/series?step=1m",
        "/api/v1/services/monzo/series?step=1h",
    ] {
        let res = get(path).await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        res.bytes().await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    resident(app.pid())
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// A server holding 2 days of all 81 services stays within [`BYTES_PER_BUCKET`] a stored bucket above
/// the empty server, which the sparse store before it exceeded twice over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resident_memory_grows_with_series_not_with_stored_buckets() {
    let began = Instant::now();
    let (empty, history) = (SqliteFile::new(), SqliteFile::new());
    let args = |file: &SqliteFile| {
        [
            "--database-url".to_owned(),
            file.url.clone(),
            "--monitor-interval-secs".to_owned(),
            "3600".to_owned(),
        ]
    };
    let empty_args = args(&empty);
    let empty_args: Vec<&str> = empty_args.iter().map(String::as_str).collect();
    // `downtally simulate --backfill all --days 2 --peak-per-minute 1`, without its rebuild: the
    // server's start does that. Meanwhile the empty server starts.
    let backfill = async {
        let now = chrono::Utc::now().timestamp();
        let db = open_db(&history.url).await.unwrap();
        let catalog = downtally::catalog::Catalog::embedded().unwrap();
        db.sync_catalog(&catalog, now).await.unwrap();
        let start = Resolution::Minute.floor(now - 2 * 86_400);
        for (i, service) in catalog.services().iter().enumerate() {
            let spec = SimSpec::quiet(start, 2, 1.0, 1 + i as u64);
            backfill_service(&db, &service.slug, &spec).await.unwrap();
        }
        db.close().await;
    };
    let (empty_app, ()) = tokio::join!(spawn_binary(&empty_args, &[]), backfill);
    let (empty_rss, _) = settled(&empty_app).await;
    drop(empty_app);

    let history_args = args(&history);
    let history_args: Vec<&str> = history_args.iter().map(String::as_str).collect();
    let app = spawn_binary(&history_args, &[]).await;
    let (rss, peak) = settled(&app).await;
    drop(app);
    // The buckets the start's rebuild stored, as `rebuild_counts` reads them.
    let buckets = {
        let now = chrono::Utc::now().timestamp();
        let db = open_db(&history.url).await.unwrap();
        let n = db
            .bucket_counts(
                Resolution::Minute.oldest_kept(now),
                Resolution::Hour.oldest_kept(now),
            )
            .await
            .unwrap()
            .len() as u64;
        db.close().await;
        n
    };
    let bound = empty_rss + BYTES_PER_BUCKET * buckets;
    let old = empty_rss + OLD_BYTES_PER_BUCKET * buckets;
    eprintln!(
        "empty {:.1} MB; {buckets} buckets: {:.1} MB resident (peak {:.1} MB), {} B a bucket above \
         empty; bound {:.1} MB, the sparse store's {:.1} MB; {:?}",
        mb(empty_rss),
        mb(rss),
        mb(peak),
        rss.saturating_sub(empty_rss) / buckets,
        mb(bound),
        mb(old),
        began.elapsed()
    );
    assert!(buckets > 250_000, "the history stores {buckets} buckets");
    assert!(
        bound + 50_000_000 < old,
        "the bound tells the sparse store apart"
    );
    assert!(
        rss <= bound,
        "{:.1} MB resident with {buckets} buckets, over the bound of {:.1} MB",
        mb(rss),
        mb(bound)
    );
}
