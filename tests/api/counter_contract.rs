//! The counter store contract (issue 2, part 7): one generic suite, run against the in-process store
//! and against Redis (REDIS_URL; required under CI); `redis_cluster.rs` runs it on a Redis Cluster.
//!
//! Times are relative to the real clock, because Redis expires its blocks at absolute times: counts
//! written at a made-up instant in the past would vanish at once.

use crate::helpers::*;
use downtally::counts::buckets::{DAY, HOUR, MINUTE, WEEK};
use downtally::counts::{
    BucketCount, BucketRange, Claim, CountError, CountStore, Dim, Hit, MemoryCounts, NetworkBound,
    RateLimit, RedisCounts, Resolution, Verdict,
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

async fn record_and_read_every_series<S: CountStore>(store: &S, svc: &str) {
    use ProblemKind::*;
    let now = real_now();
    let m = Resolution::Minute;
    let h = Resolution::Hour;
    let at = |minutes_ago: i64| m.floor(now) - minutes_ago * MINUTE + 7;
    store
        .record(
            &[
                hit(svc, Login, Some("IT-25"), at(5)),
                hit(svc, Card, None, at(5)),
                hit(svc, Login, Some("IT-62"), at(1)),
                hit(svc, SmsVerification, Some("IT-25"), at(0)),
                hit(svc, Login, None, at(120)),
            ],
            now,
        )
        .await
        .expect("record");
    // A second batch adds to the same buckets; "works again" counts in its own series alone, even
    // with a region and as its network's first.
    let works = Hit {
        kind: ReportKind::WorksAgain,
        first_of_network: true,
        ..hit(svc, Login, Some("IT-25"), at(1))
    };
    store
        .record(&[hit(svc, Login, Some("IT-25"), at(5)), works], now)
        .await
        .expect("record");
    store.record(&[], now).await.expect("an empty batch");

    let last6 = m.window_ending_at(now, 6 * MINUTE);
    assert_eq!(last6.count, 6);
    assert_eq!(
        series(store, svc, Dim::All, m, last6).await,
        [3, 0, 0, 0, 1, 1]
    );
    assert_eq!(
        series(store, svc, Dim::Problem(Login), m, last6).await,
        [2, 0, 0, 0, 1, 0]
    );
    assert_eq!(
        series(store, svc, Dim::Problem(Card), m, last6).await,
        [1, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        series(store, svc, Dim::Recovered, m, last6).await,
        [0, 0, 0, 0, 1, 0]
    );
    assert_eq!(series(store, svc, Dim::Networks, m, last6).await, [0; 6]);
    assert_eq!(
        series(store, svc, Dim::Problem(SmsVerification), m, last6).await,
        [0, 0, 0, 0, 0, 1]
    );
    assert_eq!(
        series(store, svc, Dim::Problem(Payments), m, last6).await,
        [0; 6]
    );
    assert_eq!(
        series(
            store,
            svc,
            Dim::Region(RegionId::parse("IT-25").unwrap()),
            m,
            last6
        )
        .await,
        [2, 0, 0, 0, 0, 1]
    );
    assert_eq!(
        series(
            store,
            svc,
            Dim::Region(RegionId::parse("IT-62").unwrap()),
            m,
            last6
        )
        .await,
        [0, 0, 0, 0, 1, 0]
    );
    assert_eq!(
        series(
            store,
            svc,
            Dim::Region(RegionId::parse("GB-ENG").unwrap()),
            m,
            last6
        )
        .await,
        [0; 6]
    );
    let day = m.window_ending_at(now, DAY);
    let all_day = series(store, svc, Dim::All, m, day).await;
    assert_eq!(all_day.len(), 1_440);
    assert_eq!(all_day.iter().sum::<u64>(), 6);
    assert_eq!(all_day[1_440 - 1 - 120], 1, "the report of two hours ago");

    // Hour resolution: the same hits in hour buckets.
    let hours = h.window_ending_at(now, 4 * HOUR);
    let by_hour = series(store, svc, Dim::All, h, hours).await;
    assert_eq!(by_hour.iter().sum::<u64>(), 6);
    let mut expected = vec![0u64; 4];
    for (minutes_ago, n) in [(5, 3), (1, 1), (0, 1), (120, 1)] {
        let i = hours.index_of(h.floor(at(minutes_ago))).unwrap();
        expected[i] += n;
    }
    assert_eq!(by_hour, expected);
    let logins: u64 = series(store, svc, Dim::Problem(Login), h, hours)
        .await
        .iter()
        .sum();
    assert_eq!(logins, 4);
    let lombardy: u64 = series(
        store,
        svc,
        Dim::Region(RegionId::parse("IT-25").unwrap()),
        h,
        hours,
    )
    .await
    .iter()
    .sum();
    assert_eq!(lombardy, 3);
    // Eight weeks of hours.
    let weeks = h.window_ending_at(now, 8 * WEEK);
    let eight_weeks = series(store, svc, Dim::All, h, weeks).await;
    assert_eq!(eight_weeks.len(), 8 * 7 * 24);
    assert_eq!(eight_weeks.iter().sum::<u64>(), 6);

    // Another service's counts are its own.
    let other = format!("{svc}-other");
    assert_eq!(series(store, &other, Dim::All, m, last6).await, [0; 6]);
}

async fn unknown_series_are_zero_filled<S: CountStore>(store: &S, svc: &str) {
    let now = real_now();
    for res in Resolution::BOTH {
        for n in [1usize, 7, 60, 1_440] {
            let r = res.window_ending_at(now, n as i64 * res.step());
            assert_eq!(r.count, n);
            assert_eq!(series(store, svc, Dim::All, res, r).await, vec![0; n]);
        }
        let empty = BucketRange {
            first: res.floor(now),
            count: 0,
            step: res.step(),
        };
        assert!(series(store, svc, Dim::All, res, empty).await.is_empty());
    }
}

async fn ranges_hold_exactly_their_buckets<S: CountStore>(store: &S, svc: &str) {
    let now = real_now();
    let m = Resolution::Minute;
    let first = m.floor(now) - 30 * MINUTE;
    // One hit in each minute from first-2 to first+11.
    let hits: Vec<Hit> = (-2..12)
        .map(|i| hit(svc, ProblemKind::Website, None, first + i * MINUTE + 59))
        .collect();
    store.record(&hits, now).await.unwrap();
    let r = range(m, first, 10);
    assert_eq!(series(store, svc, Dim::All, m, r).await, vec![1; 10]);
    // A range in the past, shifted: still one per minute, and nothing outside.
    let wider = range(m, first - 5 * MINUTE, 20);
    let got = series(store, svc, Dim::All, m, wider).await;
    let expected: Vec<u64> = (0..20).map(|i| u64::from((3..17).contains(&i))).collect();
    assert_eq!(got, expected);
    // The first second and the last second of a bucket land in the same bucket.
    let edge = m.floor(now) - 40 * MINUTE;
    store
        .record(
            &[
                hit(svc, ProblemKind::Balance, None, edge),
                hit(svc, ProblemKind::Balance, None, edge + 59),
                hit(svc, ProblemKind::Balance, None, edge + 60),
            ],
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        series(
            store,
            svc,
            Dim::Problem(ProblemKind::Balance),
            m,
            range(m, edge - MINUTE, 3)
        )
        .await,
        [0, 2, 1]
    );
}

async fn ranges_may_cross_block_boundaries<S: CountStore>(store: &S, svc: &str) {
    // Counter stores group buckets in blocks (a UTC day of minutes, an epoch week of hours): a range
    // across the last boundary must read both blocks.
    let now = real_now();
    let m = Resolution::Minute;
    let midnight = m.block_start(now);
    let h = Resolution::Hour;
    let week = h.block_start(now);
    // Keep the hits in the past.
    let minute_hits = [midnight - 2 * MINUTE, midnight - 1, midnight, midnight + 61]
        .into_iter()
        .filter(|&t| t <= now)
        .collect::<Vec<_>>();
    let hour_hits = [week - 2 * HOUR, week - 1, week, week + HOUR]
        .into_iter()
        .filter(|&t| t <= now)
        .collect::<Vec<_>>();
    let hits: Vec<Hit> = minute_hits
        .iter()
        .chain(&hour_hits)
        .map(|&t| hit(svc, ProblemKind::MobileApp, Some("NO-03"), t))
        .collect();
    store.record(&hits, now).await.unwrap();

    let r = range(m, midnight - 3 * MINUTE, 6);
    let mut expected = vec![0u64; 6];
    for &t in minute_hits.iter().chain(&hour_hits) {
        if let Some(i) = r.index_of(m.floor(t)) {
            expected[i] += 1;
        }
    }
    let got = series(
        store,
        svc,
        Dim::Region(RegionId::parse("NO-03").unwrap()),
        m,
        r,
    )
    .await;
    assert_eq!(got, expected, "minutes around UTC midnight");
    assert!(
        got[2] >= 1 && got[3] >= 1,
        "both sides of midnight: {got:?}"
    );

    let r = range(h, week - 3 * HOUR, 6);
    let mut expected = vec![0u64; 6];
    for &t in minute_hits.iter().chain(&hour_hits) {
        if let Some(i) = r.index_of(h.floor(t)) {
            expected[i] += 1;
        }
    }
    let got = series(store, svc, Dim::Problem(ProblemKind::MobileApp), h, r).await;
    assert_eq!(got, expected, "hours around the week boundary");
    assert!(
        got[2] >= 1 && got[3] >= 1,
        "both sides of the week: {got:?}"
    );
}

async fn minute_counts_are_kept_48_hours<S: CountStore>(store: &S, svc: &str) {
    let now = real_now();
    let m = Resolution::Minute;
    let h = Resolution::Hour;
    let oldest_minute = m.oldest_kept(now);
    assert!(now - oldest_minute < 2 * DAY && now - oldest_minute >= 2 * DAY - MINUTE);
    store
        .record(
            &[
                // Older than 48 h: no minute bucket, but its hour is still kept.
                hit(svc, ProblemKind::Other, None, oldest_minute - 1),
                // The oldest minute still kept.
                hit(svc, ProblemKind::Other, None, oldest_minute),
                // Older than the hour retention: ignored altogether.
                hit(svc, ProblemKind::Other, None, h.oldest_kept(now) - 1),
            ],
            now,
        )
        .await
        .unwrap();
    let r = range(m, oldest_minute - MINUTE, 2);
    assert_eq!(series(store, svc, Dim::All, m, r).await, [0, 1]);
    let two_days = m.window_ending_at(now, 2 * DAY);
    assert_eq!(two_days.first, oldest_minute);
    assert_eq!(
        series(store, svc, Dim::All, m, two_days)
            .await
            .iter()
            .sum::<u64>(),
        1
    );
    let hours = range(h, oldest_minute - HOUR, 3);
    let in_hours: u64 = series(store, svc, Dim::All, h, hours).await.iter().sum();
    assert_eq!(in_hours, 2, "hour buckets outlive minute buckets");
    let far = range(h, h.oldest_kept(now) - HOUR, 2);
    assert_eq!(series(store, svc, Dim::All, h, far).await, [0, 0]);
}

async fn claims<S: CountStore>(store: &S, svc: &str, ttl_mode: Ttl) {
    let now = real_now();
    let other = format!("{svc}-other");
    let c = |s: &str, r: &str| (s.to_owned(), r.to_owned());
    let ttl = 900;
    assert_eq!(
        claim_reporters(store, &[c(svc, "alice")], now, ttl)
            .await
            .unwrap(),
        [true],
        "first claim wins"
    );
    assert_eq!(
        claim_reporters(
            store,
            &[c(svc, "alice"), c(svc, "bob"), c(&other, "alice")],
            now + 1,
            ttl
        )
        .await
        .unwrap(),
        [false, true, true],
        "a live claim loses; another reporter or another service wins"
    );
    assert_eq!(
        claim_reporters(
            store,
            &[
                c(svc, "carol"),
                c(svc, "carol"),
                c(svc, "dave"),
                c(svc, "carol")
            ],
            now + 2,
            ttl
        )
        .await
        .unwrap(),
        [true, false, true, false],
        "within one call a repeated pair wins only the first time"
    );
    // Concurrent claims for one reporter: exactly one wins.
    let erin = [c(svc, "erin")];
    let attempts = (0..8).map(|_| claim_reporters(store, &erin, now, ttl));
    let wins = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .filter(|r| r.as_ref().unwrap()[0])
        .count();
    assert_eq!(wins, 1);

    // Claims expire after their time to live.
    match ttl_mode {
        Ttl::Logical => {
            assert_eq!(
                claim_reporters(store, &[c(svc, "alice")], now + ttl - 1, ttl)
                    .await
                    .unwrap(),
                [false],
                "still claimed one second before expiry"
            );
            assert_eq!(
                claim_reporters(store, &[c(svc, "alice")], now + ttl, ttl)
                    .await
                    .unwrap(),
                [true],
                "free again once the ttl has passed"
            );
            assert_eq!(
                claim_reporters(store, &[c(svc, "alice")], now + ttl + 1, ttl)
                    .await
                    .unwrap(),
                [false],
                "and claimed anew"
            );
        }
        Ttl::RealSeconds => {
            // Redis counts a claim's life in real seconds (SET NX EX): use a one-second claim.
            let r = c(svc, "frank");
            assert_eq!(
                claim_reporters(store, std::slice::from_ref(&r), now, 1)
                    .await
                    .unwrap(),
                [true]
            );
            assert_eq!(
                claim_reporters(store, std::slice::from_ref(&r), now, 1)
                    .await
                    .unwrap(),
                [false]
            );
            tokio::time::sleep(Duration::from_millis(1_100)).await;
            assert_eq!(
                claim_reporters(store, std::slice::from_ref(&r), now, 1)
                    .await
                    .unwrap(),
                [true],
                "free again after its second"
            );
        }
    }
}

/// Rebuilding: a fresh store needs it; `replace_all` replaces every counter, keeps claims, and marks
/// the store as built. Destructive: the store must be this test's own.
pub(crate) async fn rebuild_contract<S: CountStore>(store: &S, prefix: &str) {
    let now = real_now();
    let m = Resolution::Minute;
    let h = Resolution::Hour;
    let svc = format!("{prefix}-rebuild");
    let gone = format!("{prefix}-gone");
    assert!(
        store.needs_rebuild().await.unwrap(),
        "a new store needs a rebuild"
    );

    let t = m.floor(now) - 10 * MINUTE;
    store
        .record(
            &[
                hit(&svc, ProblemKind::Login, Some("FR-IDF"), t),
                hit(&svc, ProblemKind::Login, Some("FR-IDF"), t),
                hit(&gone, ProblemKind::Card, None, t),
            ],
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        claim_reporters(store, &[(svc.clone(), "kept".into())], now, 900)
            .await
            .unwrap(),
        [true]
    );
    let window = m.window_ending_at(now, HOUR);
    let at = window.index_of(t).unwrap();

    let bucket = |dim: Dim, res: Resolution, start: i64, count: u64| BucketCount {
        service: slug(&svc),
        dim,
        resolution: res,
        start,
        count,
    };
    store
        .replace_all(
            &[
                bucket(Dim::All, m, t, 7),
                bucket(Dim::Problem(ProblemKind::Payments), m, t, 7),
                bucket(
                    Dim::Region(RegionId::parse("FR-ARA").unwrap()),
                    m,
                    t + MINUTE,
                    4,
                ),
                bucket(Dim::All, h, h.floor(t), 7),
            ],
            now,
        )
        .await
        .expect("replace_all");
    assert!(
        !store.needs_rebuild().await.unwrap(),
        "built after replace_all"
    );

    let all = series(store, &svc, Dim::All, m, window).await;
    assert_eq!(all[at], 7, "the stored count replaces the old one");
    assert_eq!(all.iter().sum::<u64>(), 7);
    let logins = series(store, &svc, Dim::Problem(ProblemKind::Login), m, window).await;
    assert_eq!(
        logins,
        vec![0; window.count],
        "series not in the rebuild are gone"
    );
    assert_eq!(
        series(
            store,
            &svc,
            Dim::Region(RegionId::parse("FR-IDF").unwrap()),
            m,
            window
        )
        .await,
        vec![0; window.count]
    );
    assert_eq!(
        series(
            store,
            &svc,
            Dim::Region(RegionId::parse("FR-ARA").unwrap()),
            m,
            window
        )
        .await[at + 1],
        4
    );
    assert_eq!(
        series(store, &svc, Dim::Problem(ProblemKind::Payments), m, window)
            .await
            .iter()
            .sum::<u64>(),
        7
    );
    assert_eq!(
        series(store, &gone, Dim::All, m, window).await,
        vec![0; window.count],
        "services not in the rebuild are gone"
    );
    let hours = h.window_ending_at(now, 3 * HOUR);
    assert_eq!(
        series(store, &svc, Dim::All, h, hours)
            .await
            .iter()
            .sum::<u64>(),
        7
    );
    // Counting goes on from the rebuilt values.
    store
        .record(&[hit(&svc, ProblemKind::Payments, None, t + 5)], now)
        .await
        .unwrap();
    assert_eq!(series(store, &svc, Dim::All, m, window).await[at], 8);
    // Claims survive a rebuild: a recent reporter must not be counted twice.
    assert_eq!(
        claim_reporters(store, &[(svc.clone(), "kept".into())], now, 900)
            .await
            .unwrap(),
        [false]
    );
    // An empty rebuild empties the counts and still marks the store as built.
    store.replace_all(&[], now).await.unwrap();
    assert!(!store.needs_rebuild().await.unwrap());
    assert_eq!(
        series(store, &svc, Dim::All, m, window).await,
        vec![0; window.count]
    );
}

/// Buckets past their retention are not kept by a rebuild, as `record` does not keep such hits; the
/// others are.
pub(crate) async fn rebuild_ignores_expired_buckets<S: CountStore>(store: &S, prefix: &str) {
    let now = real_now();
    let m = Resolution::Minute;
    let svc = format!("{prefix}-expired");
    let old = m.oldest_kept(now) - MINUTE;
    let bucket = |start: i64, count: u64| BucketCount {
        service: slug(&svc),
        dim: Dim::All,
        resolution: m,
        start,
        count,
    };
    store
        .replace_all(&[bucket(old + MINUTE, 6), bucket(old, 5)], now)
        .await
        .unwrap();
    assert_eq!(
        series(store, &svc, Dim::All, m, range(m, old, 2)).await,
        [0, 6],
        "a minute bucket older than 48 h is dropped, the oldest kept one is not"
    );
}

/// A rebuild whose every bucket has expired is an empty rebuild, not an error.
pub(crate) async fn rebuild_of_only_expired_buckets<S: CountStore>(store: &S, prefix: &str) {
    let now = real_now();
    let m = Resolution::Minute;
    let svc = format!("{prefix}-all-expired");
    let old = m.oldest_kept(now) - MINUTE;
    store
        .replace_all(
            &[BucketCount {
                service: slug(&svc),
                dim: Dim::All,
                resolution: m,
                start: old,
                count: 5,
            }],
            now,
        )
        .await
        .expect("replace_all with nothing left to store");
    assert!(!store.needs_rebuild().await.unwrap());
}

/// What one network adds is bounded (`counts/admission.rs`): the same answers from both stores.
pub(crate) async fn network_bound<S: CountStore>(store: &S, svc: &str) {
    let now = real_now();
    let bound = NetworkBound::default();
    let flood: Vec<Claim> = (0..20)
        .map(|i| claim_from(svc, &format!("flood{i}"), "one-net"))
        .collect();
    let verdicts = store.admit(&flood, now, 900, &bound).await.unwrap();
    let counted: Vec<bool> = verdicts.iter().map(|v| v.counted()).collect();
    assert_eq!(
        counted,
        (0..20).map(|i| i < 4).collect::<Vec<_>>(),
        "a network alone on a quiet service adds the base, in order"
    );
    assert_eq!(
        verdicts[0],
        Verdict::Counted {
            first_of_network: true
        }
    );
    assert_eq!(
        verdicts[1],
        Verdict::Counted {
            first_of_network: false
        }
    );
    assert_eq!(verdicts[4], Verdict::NetworkBound);
    // A repeat is a repeat before it is over the bound.
    let again = store
        .admit(&[claim_from(svc, "flood0", "one-net")], now, 900, &bound)
        .await
        .unwrap();
    assert_eq!(again, [Verdict::Repeat]);
    // A crowd from 200 other networks lifts the bound to 5 % of them: 10.
    let crowd: Vec<Claim> = (0..200)
        .map(|i| claim_from(svc, &format!("crowd{i}"), &format!("net{i}")))
        .collect();
    let crowd_verdicts = store.admit(&crowd, now + 1, 900, &bound).await.unwrap();
    assert!(crowd_verdicts.iter().all(|v| *v
        == Verdict::Counted {
            first_of_network: true
        }));
    let more: Vec<Claim> = (20..40)
        .map(|i| claim_from(svc, &format!("flood{i}"), "one-net"))
        .collect();
    let more = store.admit(&more, now + 2, 900, &bound).await.unwrap();
    assert_eq!(
        more.iter().filter(|v| v.counted()).count(),
        6,
        "four counted before, ten allowed now"
    );
    // A released admission gives its place back.
    let released = claim_from(svc, "flood20", "one-net");
    store
        .release(std::slice::from_ref(&released), now + 2, &bound)
        .await
        .unwrap();
    let retry = store
        .admit(&[released], now + 3, 900, &bound)
        .await
        .unwrap();
    assert!(retry[0].counted(), "{retry:?}");
    // Other services do not share the allowance.
    let elsewhere = store
        .admit(
            &[claim_from(&format!("{svc}-b"), "flood30", "one-net")],
            now,
            900,
            &bound,
        )
        .await
        .unwrap();
    assert!(elsewhere[0].counted());
}

/// Token buckets per network: a burst, then refusals with the time to wait, refilled over time.
pub(crate) async fn rate_limits<S: CountStore>(store: &S, prefix: &str) {
    let limit = RateLimit {
        burst: 5.0,
        per_minute: 60.0,
    };
    let net = NetworkKey::from_hex(format!("{prefix}-net"));
    let other = NetworkKey::from_hex(format!("{prefix}-other"));
    let t = real_now() * 1000;
    let batch = vec![net.clone(); 7];
    let waits = store.take_tokens(&batch, t, &limit).await.unwrap();
    assert_eq!(&waits[..5], &[None; 5], "the burst passes");
    assert_eq!(&waits[5..], &[Some(1), Some(1)], "then a second to wait");
    let other_waits = store.take_tokens(&[other], t, &limit).await.unwrap();
    assert_eq!(other_waits, [None], "other networks are not limited");
    let later = store
        .take_tokens(std::slice::from_ref(&net), t + 1_000, &limit)
        .await
        .unwrap();
    assert_eq!(later, [None], "a token a second");
    let after = store.take_tokens(&[net], t + 1_000, &limit).await.unwrap();
    assert_eq!(after, [Some(1)]);

    // One batch, networks interleaved (keys starting with different hex digits, as real network
    // keys do, fall in different groups of the Redis store): each answer is its own request's.
    let nets: Vec<NetworkKey> = (0..3)
        .map(|d| NetworkKey::from_hex(format!("{:x}{prefix}-mixed", d * 5)))
        .collect();
    let order = [0, 1, 0, 2, 1, 0, 0, 0, 0, 0, 2, 1];
    let batch: Vec<NetworkKey> = order.iter().map(|&i| nets[i].clone()).collect();
    let waits = store.take_tokens(&batch, t, &limit).await.unwrap();
    let mut taken = [0; 3];
    for (&i, wait) in order.iter().zip(&waits) {
        taken[i] += 1;
        let expected = (taken[i] > 5).then_some(1);
        assert_eq!(
            *wait, expected,
            "request {} of network {i}: {waits:?}",
            taken[i]
        );
    }
}

/// Claiming nobody answers nothing (and is not an error).
pub(crate) async fn empty_claims<S: CountStore>(store: &S) {
    let claimed = claim_reporters(store, &[], real_now(), 900)
        .await
        .expect("an empty claim");
    assert!(claimed.is_empty());
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
