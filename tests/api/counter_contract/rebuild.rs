//! The counter store contract, part three: rebuilding a store's counters with `replace_all` (claims
//! kept, buckets past their retention dropped).

use super::{claim_reporters, hit, range, real_now, series};
use crate::helpers::slug;
use downtally::counts::buckets::{HOUR, MINUTE};
use downtally::counts::{BucketCount, CountStore, Dim, Resolution};
use downtally::domain::{ProblemKind, RegionId};

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
