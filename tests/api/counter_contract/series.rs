//! The counter store contract, part one: recording hits and reading their series back (every
//! dimension and resolution, zero-filled ranges, ranges across block boundaries, retention).

use super::{hit, range, real_now, series};
use downtally::counts::buckets::{DAY, HOUR, MINUTE, WEEK};
use downtally::counts::{BucketRange, CountStore, Dim, Hit, Resolution};
use downtally::domain::{ProblemKind, RegionId, ReportKind};

pub(super) async fn record_and_read_every_series<S: CountStore>(store: &S, svc: &str) {
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

pub(super) async fn unknown_series_are_zero_filled<S: CountStore>(store: &S, svc: &str) {
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

pub(super) async fn ranges_hold_exactly_their_buckets<S: CountStore>(store: &S, svc: &str) {
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

pub(super) async fn ranges_may_cross_block_boundaries<S: CountStore>(store: &S, svc: &str) {
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

pub(super) async fn minute_counts_are_kept_48_hours<S: CountStore>(store: &S, svc: &str) {
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
