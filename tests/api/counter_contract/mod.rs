//! The counter store contract (issue 2, part 7): one generic suite, run against the in-process store
//! and against Redis (REDIS_URL; required under CI); `redis_cluster.rs` runs it on a Redis Cluster.
//!
//! Times are relative to the real clock, because Redis expires its blocks at absolute times: counts
//! written at a made-up instant in the past would vanish at once.
//!
//! The suite is split by what it covers: `series` (recording and reading counts), `claims`
//! (de-duplication, the per-network bound, rate limits) and `rebuild` (`replace_all`). This file
//! holds what they share, the suite's entry [`contract`], and the tests that run the suite on each
//! store.

mod claims;
mod rebuild;
mod series;

pub(crate) use claims::{empty_claims, network_bound, rate_limits};
pub(crate) use rebuild::{
    rebuild_contract, rebuild_ignores_expired_buckets, rebuild_of_only_expired_buckets,
};

use claims::claims;
use series::{
    minute_counts_are_kept_48_hours, ranges_hold_exactly_their_buckets,
    ranges_may_cross_block_boundaries, record_and_read_every_series,
    unknown_series_are_zero_filled,
};

use crate::helpers::*;
use downtally::counts::buckets::{MINUTE, WEEK};
use downtally::counts::{
    BucketRange, Claim, CountError, CountStore, Dim, Hit, MemoryCounts, NetworkBound, RedisCounts,
    Resolution, Verdict,
};
use downtally::domain::{NetworkKey, ProblemKind, RegionId, ReportKind, ReporterKey};
use std::time::Duration;

/// How the store measures a claim's time to live.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ttl {
    /// Against the `now` given to each call (in-process store).
    Logical,
    /// In real seconds from the call (Redis `SET … EX`), whatever `now` says.
    RealSeconds,
}

fn real_now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn hit(service: &str, problem: ProblemKind, region: Option<&str>, at: i64) -> Hit {
    Hit {
        service: slug(service),
        kind: ReportKind::Problem(problem),
        region: region.map(|r| RegionId::parse(r).unwrap()),
        at,
        first_of_network: false,
    }
}

/// A claim by `reporter` from a network of its own.
fn claim_of(service: &str, reporter: &str) -> Claim {
    claim_from(service, reporter, &format!("net-{reporter}"))
}

fn claim_from(service: &str, reporter: &str, network: &str) -> Claim {
    Claim {
        service: slug(service),
        reporter: ReporterKey::from_hex(reporter.to_owned()),
        network: NetworkKey::from_hex(network.to_owned()),
    }
}

/// Admission of (service, reporter) pairs, each from a network of its own (so only de-duplication
/// decides): true for those counted.
async fn claim_reporters<S: CountStore>(
    store: &S,
    pairs: &[(String, String)],
    now: i64,
    ttl: i64,
) -> Result<Vec<bool>, CountError> {
    let claims: Vec<Claim> = pairs.iter().map(|(s, r)| claim_of(s, r)).collect();
    let verdicts = store
        .admit(&claims, now, ttl, &NetworkBound::default())
        .await?;
    Ok(verdicts.into_iter().map(Verdict::counted).collect())
}

fn range(res: Resolution, first: i64, count: usize) -> BucketRange {
    BucketRange {
        first: res.floor(first),
        count,
        step: res.step(),
    }
}

async fn series<S: CountStore>(
    s: &S,
    service: &str,
    dim: Dim,
    res: Resolution,
    r: BucketRange,
) -> Vec<u64> {
    s.series(&slug(service), &dim, res, r)
        .await
        .expect("series answers")
}

/// Everything but rebuilding. `prefix` keeps this run's services apart from any other.
pub(crate) async fn contract<S: CountStore>(store: &S, prefix: &str, ttl: Ttl) {
    store.ping().await.expect("ping");
    record_and_read_every_series(store, &format!("{prefix}-series")).await;
    unknown_series_are_zero_filled(store, &format!("{prefix}-zero")).await;
    ranges_hold_exactly_their_buckets(store, &format!("{prefix}-range")).await;
    ranges_may_cross_block_boundaries(store, &format!("{prefix}-blocks")).await;
    minute_counts_are_kept_48_hours(store, &format!("{prefix}-retention")).await;
    claims(store, &format!("{prefix}-claims"), ttl).await;
}

pub(crate) fn prefix(name: &str) -> String {
    format!("ct-{name}-{}", random_hex(4))
}

// ---------------------------------------------------------------------------------------------------
// In-process store

#[tokio::test]
async fn memory_store_keeps_the_contract() {
    contract(&MemoryCounts::new(), &prefix("mem"), Ttl::Logical).await;
}

#[tokio::test]
async fn memory_store_rebuilds() {
    rebuild_contract(&MemoryCounts::new(), &prefix("mem")).await;
}

#[tokio::test]
async fn memory_store_rebuild_ignores_expired_buckets() {
    rebuild_ignores_expired_buckets(&MemoryCounts::new(), &prefix("mem")).await;
}

#[tokio::test]
async fn memory_store_rebuild_of_only_expired_buckets() {
    rebuild_of_only_expired_buckets(&MemoryCounts::new(), &prefix("mem")).await;
}

#[tokio::test]
async fn memory_store_bounds_networks_and_limits_rates() {
    let store = MemoryCounts::new();
    network_bound(&store, &prefix("mem")).await;
    rate_limits(&store, &prefix("mem")).await;
}

#[tokio::test]
async fn memory_store_empty_claims() {
    empty_claims(&MemoryCounts::new()).await;
}

#[tokio::test]
async fn memory_store_clones_share_their_counts() {
    let a = MemoryCounts::new();
    let b = a.clone();
    let now = real_now();
    a.record(&[hit("shared", ProblemKind::Login, None, now)], now)
        .await
        .unwrap();
    let r = Resolution::Minute.window_ending_at(now, MINUTE);
    assert_eq!(
        series(&b, "shared", Dim::All, Resolution::Minute, r).await,
        [1]
    );
}

// ---------------------------------------------------------------------------------------------------
// Redis

async fn connect(url: &str) -> RedisCounts {
    RedisCounts::connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to Redis at {url}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_keeps_the_contract() {
    // The shared Redis: this run's services have names of their own and nothing is flushed.
    let Some(url) = require_env("REDIS_URL") else {
        return;
    };
    contract(&connect(&url).await, &prefix("redis"), Ttl::RealSeconds).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_bounds_networks_and_limits_rates() {
    let Some(url) = require_env("REDIS_URL") else {
        return;
    };
    let store = connect(&url).await;
    network_bound(&store, &prefix("redis")).await;
    rate_limits(&store, &prefix("redis")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_rebuilds() {
    let Some(redis) = AnyRedis::get().await else {
        return;
    };
    flushdb(redis.url()).await;
    rebuild_contract(&connect(redis.url()).await, &prefix("redis")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_rebuild_ignores_expired_buckets() {
    let Some(redis) = AnyRedis::get().await else {
        return;
    };
    rebuild_ignores_expired_buckets(&connect(redis.url()).await, &prefix("redis")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_rebuild_of_only_expired_buckets() {
    let Some(redis) = AnyRedis::get().await else {
        return;
    };
    rebuild_of_only_expired_buckets(&connect(redis.url()).await, &prefix("redis")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_empty_claims() {
    let Some(url) = require_env("REDIS_URL") else {
        return;
    };
    empty_claims(&connect(&url).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_needs_a_rebuild_once_flushed() {
    let Some(redis) = AnyRedis::get().await else {
        return;
    };
    let store = connect(redis.url()).await;
    store.replace_all(&[], real_now()).await.unwrap();
    assert!(!store.needs_rebuild().await.unwrap());
    flushdb(redis.url()).await;
    assert!(
        store.needs_rebuild().await.unwrap(),
        "a flushed Redis must ask for a rebuild"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_keys_carry_the_service_hash_tag_and_expire() {
    let Some(redis) = AnyRedis::get().await else {
        return;
    };
    flushdb(redis.url()).await;
    let store = connect(redis.url()).await;
    let now = real_now();
    store
        .record(
            &[hit("monzo", ProblemKind::Login, Some("GB-SCT"), now)],
            now,
        )
        .await
        .unwrap();
    claim_reporters(&store, &[("monzo".into(), "abc".into())], now, 900)
        .await
        .unwrap();
    let mut conn = redis_conn(redis.url()).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(!keys.is_empty());
    for key in &keys {
        assert!(key.contains("{monzo}"), "{key} lacks the hash tag");
        let ttl: i64 = redis::cmd("TTL")
            .arg(key)
            .query_async(&mut conn)
            .await
            .unwrap();
        assert!(ttl > 0, "{key} never expires (TTL {ttl})");
        if key.starts_with("dt:") {
            assert!(
                ttl <= 9 * WEEK + WEEK,
                "{key} is kept longer than its retention"
            );
        }
    }
    // 2 resolutions × (all, problem, region) counter keys, and the admission's claim, network and
    // total keys.
    assert_eq!(keys.len(), 9, "{keys:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_store_errors_when_redis_is_gone() {
    let Some(mut server) = RedisServer::start().await else {
        return;
    };
    let store = connect(&server.url).await;
    store.ping().await.unwrap();
    server.kill();
    let now = real_now();
    let started = std::time::Instant::now();
    assert!(store.ping().await.is_err());
    assert!(
        store
            .record(&[hit("xx", ProblemKind::Login, None, now)], now)
            .await
            .is_err()
    );
    assert!(
        claim_reporters(&store, &[("xx".into(), "y".into())], now, 60)
            .await
            .is_err()
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "errors come within the client's timeouts ({:?})",
        started.elapsed()
    );
    // And it recovers once Redis is back.
    server.restart().await;
    let mut ok = false;
    for _ in 0..50 {
        if store.ping().await.is_ok() {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ok, "the store reconnects when Redis is back");
    assert!(store.needs_rebuild().await.unwrap());
}

async fn redis_conn(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

async fn flushdb(url: &str) {
    let mut conn = redis_conn(url).await;
    redis::cmd("FLUSHDB")
        .query_async::<()>(&mut conn)
        .await
        .unwrap();
}
