//! Synthetic acceptance tests of the detector (issue 3, part 6), on simulated traffic with
//! one simulated minute per bucket, at about 0.2, 5 and 200 reports a minute at the peak.

use downtally::detect::{Detector, DetectorConfig, Event, Update};
use downtally::simulate::{SimOutage, SimSpec, simulate_counts};

pub(crate) const MONDAY: i64 = 1_704_067_200; // 2024-01-01 00:00:00 UTC
pub(crate) const DAY: i64 = 86_400;
pub(crate) const WEEK: i64 = 7 * DAY;
const VOLUMES: [f64; 3] = [0.2, 5.0, 200.0];

/// Every bucket of `spec`'s simulation through one detector at the defaults, with its update.
pub(crate) fn replay(spec: &SimSpec) -> Vec<(i64, u32, Update)> {
    let mut d = Detector::new(DetectorConfig::default(), 60).unwrap();
    simulate_counts(spec)
        .into_iter()
        .map(|(at, n)| (at, n, d.update(at, f64::from(n)).unwrap()))
        .collect()
}

fn starts(run: &[(i64, u32, Update)]) -> Vec<i64> {
    run.iter()
        .filter(|(_, _, u)| matches!(u.event, Some(Event::Started(_))))
        .map(|(at, _, _)| *at)
        .collect()
}

fn outage(at: i64) -> SimOutage {
    SimOutage {
        at,
        minutes: 30,
        factor: 5.0,
        problems: vec![],
        regions: vec![],
    }
}

/// Weekday 10:00 UTC (at the daily peak) in week `week` of the simulation.
fn weekday_ten(week: i64, weekday: i64) -> i64 {
    MONDAY + week * WEEK + weekday * DAY + 10 * 3600
}

#[test]
fn quiet_weeks_declare_at_most_one_outage_per_four_weeks() {
    for (v, peak) in VOLUMES.iter().enumerate() {
        for seed in [1, 2] {
            let run = replay(&SimSpec::quiet(MONDAY, 56, *peak, seed + 10 * v as u64));
            let late: Vec<i64> = starts(&run)
                .into_iter()
                .filter(|t| *t >= MONDAY + 2 * WEEK)
                .collect();
            assert!(
                late.len() <= 1,
                "peak {peak}/min seed {seed}: false outages at {late:?}"
            );
        }
    }
}

/// Minutes from `from` to the first declaration at or after `from - 60` (an outage may be
/// declared on the very first bucket).
fn delay_minutes(run: &[(i64, u32, Update)], from: i64) -> Option<i64> {
    starts(run)
        .into_iter()
        .find(|t| *t >= from - 60)
        .map(|t| (t - from) / 60)
}

fn resolved_after(run: &[(i64, u32, Update)], from: i64) -> Option<i64> {
    run.iter()
        .find(|(at, _, u)| *at >= from && matches!(u.event, Some(Event::Resolved(_))))
        .map(|(at, _, _)| (at - from) / 60)
}

#[test]
fn outages_are_declared_within_three_minutes_and_resolved_within_fifteen() {
    for peak in [5.0, 200.0] {
        for seed in 1..=3 {
            let first = weekday_ten(3, seed as i64 % 5);
            let second = first + WEEK;
            let mut spec = SimSpec::quiet(MONDAY, 35, peak, seed);
            spec.outages = vec![outage(first), outage(second)];
            let run = replay(&spec);
            for (name, at) in [("first", first), ("a week later", second)] {
                let delay = delay_minutes(&run, at);
                assert!(
                    delay.is_some_and(|d| d <= 3),
                    "peak {peak} seed {seed} {name}: declared after {delay:?} min"
                );
                let end = at + 30 * 60;
                let resolved = resolved_after(&run, end);
                assert!(
                    resolved.is_some_and(|r| r <= 15),
                    "peak {peak} seed {seed} {name}: resolved {resolved:?} min after the end"
                );
            }
            let false_starts = starts(&run)
                .into_iter()
                .filter(|t| {
                    *t >= MONDAY + 2 * WEEK
                        && !(first..first + 1800).contains(t)
                        && !(second..second + 1800).contains(t)
                })
                .count();
            assert!(
                false_starts <= 1,
                "peak {peak} seed {seed}: {false_starts} false outages"
            );
        }
    }
}

/// A sparse service's outage is declared within three minutes of the reporter bar being met: the
/// outage's reporters (`min_reporters`) within the de-duplication window (`reporter_window_secs`).
/// (Until issue 12 the bar was ten reporters within five minutes; see `detect/config.rs`.)
#[test]
fn sparse_outages_are_declared_once_enough_reporters_came_within_the_window() {
    let cfg = downtally::detect::DetectorConfig::default();
    let window = (cfg.reporter_window_secs / 60) as usize;
    let mut exercised = 0;
    for seed in 1..=40u64 {
        let at = weekday_ten(3, seed as i64 % 5);
        let mut spec = SimSpec::quiet(MONDAY, 22, 0.2, 100 + seed);
        spec.outages = vec![SimOutage {
            factor: 5.0,
            ..outage(at)
        }];
        let run = replay(&spec);
        // first minute at which the reporter window holds the reporters an outage needs
        let counts: Vec<(i64, u32)> = run.iter().map(|(t, n, _)| (*t, *n)).collect();
        let enough = counts.windows(window).find(|w| {
            let last = w[window - 1].0;
            last >= at
                && last < at + 1800
                && f64::from(w.iter().map(|x| x.1).sum::<u32>()) >= cfg.min_reporters
        });
        if let Some(w) = enough {
            exercised += 1;
            let delay = delay_minutes(&run, at).map(|d| at + d * 60 - w[window - 1].0);
            assert!(
                delay.is_some_and(|d| d <= 180),
                "seed {seed}: declared {delay:?} s after the reporter bar was met"
            );
        }
    }
    assert!(
        exercised >= 3,
        "only {exercised} simulated outages met the reporter bar"
    );
}

#[test]
fn steady_growth_of_twenty_percent_a_week_is_not_an_outage() {
    for (v, peak) in VOLUMES.iter().enumerate() {
        let spec = SimSpec {
            growth_per_week: 0.2,
            ..SimSpec::quiet(MONDAY, 56, *peak, 7 + v as u64)
        };
        let run = replay(&spec);
        let late: Vec<i64> = starts(&run)
            .into_iter()
            .filter(|t| *t >= MONDAY + 2 * WEEK)
            .collect();
        assert!(late.is_empty(), "peak {peak}/min: outages at {late:?}");
    }
}

#[test]
fn an_incident_lasting_half_a_day_does_not_become_the_baseline() {
    // x2 for 12 hours from 08:00: the level correction must not take the incident for
    // growth, or a slowly building incident would hide itself
    for (v, peak) in VOLUMES.iter().enumerate() {
        for seed in [1, 2] {
            let at = weekday_ten(3, 2) - 2 * 3600;
            let quiet = SimSpec::quiet(MONDAY, 25, *peak, seed + 10 * v as u64);
            let mut spec = quiet.clone();
            spec.outages = vec![SimOutage {
                minutes: 12 * 60,
                factor: 2.0,
                ..outage(at)
            }];
            let (normal, incident) = (replay(&quiet), replay(&spec));
            let late = at + 11 * 3600;
            let i = normal.iter().position(|(t, _, _)| *t == late).unwrap();
            let ratio = incident[i].2.baseline / normal[i].2.baseline;
            assert!(
                ratio < 1.2,
                "peak {peak}/min seed {seed}: baseline x{ratio:.2} after 11 h of the incident"
            );
        }
    }
}

#[test]
fn a_lasting_doubling_is_not_declared_over_and_over() {
    // traffic doubles for good (a week) on a Wednesday morning: the rise may be declared, and
    // the change is adopted over days, shown as elevated meanwhile; short dips of the noisy
    // 5-minute window must not turn it into an outage every hour or two
    for (v, peak) in VOLUMES.iter().enumerate() {
        for seed in 1..=8 {
            let at = weekday_ten(3, 2);
            let mut spec = SimSpec::quiet(MONDAY, 35, *peak, seed + 10 * v as u64);
            spec.outages = vec![SimOutage {
                minutes: 7 * 1440,
                factor: 2.0,
                ..outage(at)
            }];
            let after: Vec<i64> = starts(&replay(&spec))
                .into_iter()
                .filter(|t| *t >= at)
                .collect();
            // Issue 12 §1: an open outage is resolved on evidence against "still x2", exactly
            // this change, and an established series' level correction holds still while an
            // outage is open, so the change is adopted only between outages (after 7 days
            // `max_outage_secs` closes it): still at most three declarations in a week.
            assert!(
                after.len() <= 3,
                "peak {peak}/min seed {seed}: outages at {after:?}"
            );
        }
    }
}
