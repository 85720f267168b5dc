//! Unit tests of the detector as a whole (the parts have their own).

use super::*;
use proptest::prelude::*;

/// A deterministic daily pattern: `peak` per minute at noon, a fifth of it at night.
fn daily(at: i64, peak: f64) -> f64 {
    let day = (at.rem_euclid(86_400)) as f64 / 86_400.0;
    let shape = 0.6 - 0.4 * (2.0 * std::f64::consts::PI * day).cos();
    (peak * shape).round()
}

fn run(det: &mut Detector, from: i64, to: i64, f: impl Fn(i64) -> f64) -> Vec<Update> {
    (from..to)
        .step_by(60)
        .map(|t| det.update(t, f(t)).unwrap())
        .collect()
}

#[test]
fn rejects_bad_steps_and_out_of_order_buckets() {
    let cfg = DetectorConfig::default();
    assert_eq!(Detector::new(cfg, 0).unwrap_err(), DetectError::Step(0));
    assert_eq!(
        Detector::new(cfg, 7000).unwrap_err(),
        DetectError::Step(7000)
    );
    assert!(Detector::new(cfg, 3600).is_ok());
    let mut d = Detector::new(cfg, 60).unwrap();
    d.update(120, 1.0).unwrap();
    assert_eq!(
        d.update(60, 1.0).unwrap_err(),
        DetectError::OutOfOrder {
            previous: 120,
            got: 60
        }
    );
    assert_eq!(
        d.warm_hourly(&[], 0).unwrap_err(),
        DetectError::WarmAfterUpdate
    );
    let bad = DetectorConfig {
        outage_z: 1.0,
        ..cfg
    };
    assert!(matches!(
        Detector::new(bad, 60),
        Err(DetectError::Config(_))
    ));
}

#[test]
fn state_is_compact() {
    let d = Detector::new(DetectorConfig::default(), 60).unwrap();
    assert!(d.memory_bytes() <= 16 * 1024, "{} bytes", d.memory_bytes());
}

#[test]
fn learns_a_daily_pattern_and_declares_a_spike() {
    let mut d = Detector::new(DetectorConfig::default(), 60).unwrap();
    let quiet = run(&mut d, 0, 3 * 86_400, |t| daily(t, 20.0));
    assert!(quiet[2 * 1440..].iter().all(|u| u.status != Status::Outage));
    let noon = 3 * 86_400 + 43_200;
    let b = quiet[2 * 1440 + 720].baseline;
    assert!((b - 20.0).abs() < 2.0, "baseline at noon {b}");
    run(&mut d, 3 * 86_400, noon, |t| daily(t, 20.0));
    let spike = run(&mut d, noon, noon + 1800, |t| 5.0 * daily(t, 20.0));
    let first = spike
        .iter()
        .position(|u| matches!(u.event, Some(Event::Started(_))));
    assert_eq!(first, Some(0), "a 5x minute at 20/min is unmistakable");
    let after = run(&mut d, noon + 1800, noon + 3600, |t| daily(t, 20.0));
    let resolved = after
        .iter()
        .position(|u| matches!(u.event, Some(Event::Resolved(_))));
    assert!(resolved.is_some_and(|i| i <= 10), "{resolved:?}");
}

#[test]
fn the_skipped_and_the_repeated_hour_leave_history_whole() {
    // Flat traffic for four weeks in Rome across each 2024 change: the hour skipped in spring
    // (missing in history) and the hour repeated in autumn (stored once) neither panic nor
    // bend the baseline a week later, which reads the same wall-clock slots.
    for change in [1_711_846_800i64, 1_729_990_800] {
        let mut d =
            Detector::in_zone(DetectorConfig::default(), 60, chrono_tz::Tz::Europe__Rome).unwrap();
        assert_eq!(d.zone(), chrono_tz::Tz::Europe__Rome);
        let from = change - 21 * 86_400;
        run(&mut d, from, change + 7 * 86_400 - 3 * 3600, |_| 10.0);
        let week_later = run(
            &mut d,
            change + 7 * 86_400 - 3 * 3600,
            change + 7 * 86_400 + 3 * 3600,
            |_| 10.0,
        );
        for u in week_later {
            assert!((u.baseline - 10.0).abs() < 0.5, "{change}: {u:?}");
            assert_eq!(u.status, Status::Normal, "{change}: {u:?}");
        }
    }
}

#[test]
fn growth_correction_survives_the_switch_to_the_weekly_profile() {
    // +20 % a week: on day 21 the weekly profile (median of 1, 2, 3 weeks ago) lags by
    // about 2 weeks of growth, which the level correction must already include.
    let grow = |t: i64| daily(t, 50.0) * 1.2f64.powf(t as f64 / (7.0 * 86_400.0));
    let mut d = Detector::new(DetectorConfig::default(), 60).unwrap();
    let day21 = 21 * 86_400;
    run(&mut d, 0, day21, |t| grow(t).round());
    let u = run(&mut d, day21, day21 + 86_400, |t| grow(t).round());
    let r: Vec<f64> = u.iter().map(|u| u.baseline / grow(u.at)).collect();
    let lo = r.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = r.iter().copied().fold(0.0, f64::max);
    assert!(
        lo > 0.8 && hi < 1.2,
        "baseline/actual on day 21 in {lo:.3}..{hi:.3}"
    );
}

/// Found by the `replay_csv` fuzz target: a bucket of 1e40 reports made the noise estimate NaN
/// and `Dispersion::observe` panicked in `clamp`. Counts are capped at `MAX_COUNT`; the scores
/// stay between 0 and 1 and the baseline finite, whatever the counts.
#[test]
fn absurd_counts_neither_panic_nor_poison_the_scores() {
    for huge in [1e25, 1e40, 1e200, f64::MAX] {
        let mut det = Detector::new(DetectorConfig::default(), 300).unwrap();
        for i in 0..300 {
            let at = 1_424_986_973 + 300 * i;
            let count = if [3, 150, 151, 152].contains(&i) {
                huge
            } else {
                100.0 + (i % 7) as f64
            };
            let u = det.update(at, count).unwrap();
            assert!((0.0..=1.0).contains(&u.anomaly_score), "{huge}: {u:?}");
            assert!(u.baseline.is_finite() && u.baseline >= 0.0, "{huge}: {u:?}");
        }
    }
    let mut warmed = Detector::new(DetectorConfig::default(), 60).unwrap();
    warmed
        .warm_hourly(&[(0, 1e300), (3600, 5.0)], 7200)
        .unwrap();
    assert!(warmed.update(7200, 1e300).unwrap().anomaly_score <= 1.0);
}

/// A rise that only a few networks bring is not an outage, however large; the same rise from
/// many networks is.
#[test]
fn an_outage_needs_breadth_when_networks_are_known() {
    let start = 10 * 86_400;
    let hours: Vec<(i64, f64)> = (0..24 * 21).map(|h| (h * 3600, 120.0)).collect();
    let spike = |networks_per_minute: f64| {
        let mut d = Detector::new(DetectorConfig::default(), 60).unwrap();
        d.warm_hourly(&hours, start).unwrap();
        (0..30)
            .map(|i| {
                let at = start + i * 60;
                let count = if i < 10 { 2.0 } else { 30.0 };
                d.update_with_networks(at, count, Some(networks_per_minute))
                    .unwrap()
            })
            .find_map(|u| u.event)
    };
    assert_eq!(
        spike(0.2),
        None,
        "three networks in 15 minutes declare nothing"
    );
    assert!(matches!(spike(10.0), Some(Event::Started(_))));
}

/// A sustained verdict rests on the run its CUSUM added up: the update says where it began.
#[test]
fn the_sustained_rise_says_where_its_run_began() {
    let start = 10 * 86_400;
    let hours: Vec<(i64, f64)> = (0..24 * 21).map(|h| (h * 3600, 120.0)).collect();
    let mut d = Detector::new(DetectorConfig::default(), 60).unwrap();
    d.warm_hourly(&hours, start).unwrap();
    let quiet = d.update(start, 2.0).unwrap();
    assert_eq!(quiet.sustained_since, None, "{quiet:?}");
    let rise = start + 60;
    let u = d.update(rise, 8.0).unwrap();
    assert_eq!(u.sustained_since, Some(rise));
    let u = d.update(rise + 60, 8.0).unwrap();
    assert_eq!(u.sustained_since, Some(rise), "the run goes on");
}

#[test]
fn warm_hourly_gives_a_baseline_at_once() {
    let mut d = Detector::new(DetectorConfig::default(), 60).unwrap();
    let start = 10 * 86_400;
    let hours: Vec<(i64, f64)> = (0..24 * 21).map(|h| (h * 3600, 600.0)).collect();
    d.warm_hourly(&hours, start).unwrap();
    let u = d.update(start, 10.0).unwrap();
    assert!((u.baseline - 10.0).abs() < 0.1, "{}", u.baseline);
    let u = d.update(start + 60, 60.0).unwrap();
    assert!(matches!(u.event, Some(Event::Started(_))), "{u:?}");
}

#[test]
fn update_and_update_with_networks_are_buckets_with_nothing_recovered() {
    let mut plain = Detector::new(DetectorConfig::default(), 60).unwrap();
    let mut bucket = plain.clone();
    for i in 0..600i64 {
        let (at, count) = (i * 60, ((i * 7919) % 5) as f64);
        let networks = (i % 3 == 0).then_some(count);
        let u = plain.update_with_networks(at, count, networks).unwrap();
        let b = Bucket {
            at,
            count,
            networks,
            recovered: 0.0,
        };
        assert_eq!(bucket.update_bucket(b).unwrap(), u);
    }
}

/// On a quiet service (a report every ten minutes), counts back to normal take an hour and a half
/// to tell a recovery; "works again for me"
/// reports shorten that, but only once counts are back within normal.
#[test]
fn works_again_reports_are_evidence_for_a_recovery() {
    let start = 10 * 86_400;
    let hours: Vec<(i64, f64)> = (0..24 * 21).map(|h| (h * 3600, 6.0)).collect();
    let resolved_after = |recovered: f64| {
        let mut d = Detector::new(DetectorConfig::default(), 60).unwrap();
        d.warm_hourly(&hours, start).unwrap();
        (0..240)
            .map(|i| {
                let at = start + i * 60;
                // a burst of 4 reports a minute for 10 minutes, then nothing unusual
                let (count, recovered) = if (10..20).contains(&i) {
                    (4.0, recovered)
                } else {
                    (0.0, if i >= 20 { recovered } else { 0.0 })
                };
                let b = Bucket {
                    at,
                    count,
                    networks: None,
                    recovered,
                };
                (i, d.update_bucket(b).unwrap())
            })
            .find_map(|(i, u)| matches!(u.event, Some(Event::Resolved(_))).then_some(i))
    };
    let without = resolved_after(0.0);
    assert!(without.is_some_and(|i| i > 90), "{without:?}");
    // two people a minute say it works again: resolved once counts are back for resolve_secs
    // (the 5-minute window clears at minute 24), not while the burst goes on
    let with = resolved_after(2.0);
    assert!(with.is_some_and(|i| (26..=32).contains(&i)), "{with:?}");
}

#[test]
fn identical_runs_give_identical_output() {
    let go = || {
        let mut d = Detector::new(DetectorConfig::default(), 300).unwrap();
        (0..5000i64)
            .map(|i| d.update(i * 300, ((i * 7919) % 13) as f64).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(go(), go());
}

proptest! {
    #[test]
    fn score_stays_in_unit_interval(counts in proptest::collection::vec(0.0f64..1e5, 1..400), step in prop::sample::select(vec![60i64, 300, 3600])) {
        let mut d = Detector::new(DetectorConfig::default(), step).unwrap();
        for (i, c) in counts.iter().enumerate() {
            let u = d.update(i as i64 * step * 7, *c).unwrap();
            prop_assert!((0.0..1.0).contains(&u.anomaly_score));
            prop_assert!(u.baseline.is_finite() && u.baseline >= 0.0);
        }
    }
}
