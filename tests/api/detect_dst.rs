//! Daylight-saving changes (issue 12 §2): traffic that follows people's local routine moves by an
//! hour in UTC when their clocks change; a detector whose seasonal profile runs in their zone moves
//! with it and declares nothing, where one in UTC takes the early morning rise for an outage.
//!
//! Eight weeks of one-minute buckets (as the monitor feeds) spanning each of 2024's European changes
//! (31 March, 27 October) and the US ones between (10 March, 3 November), on services in Italy,
//! Great Britain, Germany, France, Norway and the US Eastern zone, and on a service used on both
//! sides of the Atlantic whose clocks change on different dates.

use chrono_tz::Tz;
use downtally::detect::{Detector, DetectorConfig, Event};
use downtally::simulate::{SimSpec, simulate_counts};

const DAY: i64 = 86_400;
const WEEK: i64 = 7 * DAY;
/// Monday 2024-02-19 00:00 UTC: six weeks before Europe's spring change, three before the US one.
const SPRING_RUN: i64 = 1_708_300_800;
/// Monday 2024-09-30 00:00 UTC: four weeks before Europe's autumn change, five before the US one.
const AUTUMN_RUN: i64 = 1_727_654_400;
/// 2024-03-10 07:00 UTC, 2024-03-31 01:00 UTC, 2024-10-27 01:00 UTC, 2024-11-03 06:00 UTC.
const US_SPRING: i64 = 1_710_054_000;
const EU_SPRING: i64 = 1_711_846_800;
const EU_AUTUMN: i64 = 1_729_990_800;
const US_AUTUMN: i64 = 1_730_613_600;
/// Reports a minute at the weekday peak: a busy bank, whose hourly rise is far beyond its noise, so
/// an hour's misplacement of the morning rise is what a detector in the wrong zone would see.
const PEAK: f64 = 20.0;

fn traffic(start: i64, zone: Tz, peak: f64, seed: u64) -> Vec<(i64, u32)> {
    simulate_counts(&SimSpec {
        zone,
        ..SimSpec::quiet(start, 56, peak, seed)
    })
}

/// Starts of the outages a detector in `zone` declares on `counts`.
fn declared(counts: &[(i64, u32)], zone: Tz) -> Vec<i64> {
    let mut d = Detector::in_zone(DetectorConfig::default(), 60, zone).unwrap();
    counts
        .iter()
        .filter_map(|&(at, n)| match d.update(at, f64::from(n)).unwrap().event {
            Some(Event::Started(o)) => Some(o.start),
            _ => None,
        })
        .collect()
}

/// Outages that start from the day before `change` to a week after it.
fn around(starts: &[i64], change: i64) -> Vec<i64> {
    starts
        .iter()
        .copied()
        .filter(|t| (change - DAY..change + WEEK).contains(t))
        .collect()
}

#[test]
fn no_outage_is_declared_because_european_or_us_clocks_change() {
    let services = [
        ("IT", Tz::Europe__Rome),
        ("GB", Tz::Europe__London),
        ("DE", Tz::Europe__Berlin),
        ("FR", Tz::Europe__Paris),
        ("NO", Tz::Europe__Oslo),
        ("US", Tz::America__New_York),
    ];
    let mut failures = Vec::new();
    for (i, (country, zone)) in services.into_iter().enumerate() {
        let (spring, autumn) = if zone == Tz::America__New_York {
            (US_SPRING, US_AUTUMN)
        } else {
            (EU_SPRING, EU_AUTUMN)
        };
        for (season, start, change) in [
            ("spring", SPRING_RUN, spring),
            ("autumn", AUTUMN_RUN, autumn),
        ] {
            let counts = traffic(start, zone, PEAK, 40 + i as u64);
            let starts = declared(&counts, zone);
            let near = around(&starts, change);
            // Past the first two weeks of learning, the false-alarm budget of the other tests.
            let learnt: Vec<i64> = starts
                .iter()
                .copied()
                .filter(|t| *t >= start + 2 * WEEK)
                .collect();
            if !near.is_empty() || learnt.len() > 1 {
                failures.push(format!(
                    "{country} {season}: {near:?} around the change, {learnt:?} after two weeks"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The test above can fail: the same local-time traffic read by a detector in UTC declares the
/// morning rise, an hour early against its profile, as an outage morning after morning (seven in the
/// week after the change when measured; at least three asked for here).
#[test]
fn in_utc_the_early_morning_rise_after_the_spring_change_is_declared() {
    let counts = traffic(SPRING_RUN, Tz::Europe__Rome, PEAK, 40);
    assert!(around(&declared(&counts, Tz::Europe__Rome), EU_SPRING).is_empty());
    let utc = around(&declared(&counts, Tz::UTC), EU_SPRING);
    assert!(utc.len() >= 3, "a detector in UTC declared only {utc:?}");
}

/// A service used in Great Britain (70 % of its reports) and the US Eastern zone (30 %), kept in its
/// main market's zone (London). Between the US change and the European one (three weeks in spring,
/// one in autumn) the US share of its traffic comes an hour early (spring) or late (autumn) against
/// the profile: a shape error of at most 30 % of one hour's change of the daily curve, within what
/// the profile's trimmed mean and the noise allow. No outage is declared in those weeks.
#[test]
fn a_service_on_both_sides_of_the_atlantic_keeps_quiet_between_the_two_changes() {
    let mut failures = Vec::new();
    for (season, start, from, to) in [
        ("spring", SPRING_RUN, US_SPRING, EU_SPRING),
        ("autumn", AUTUMN_RUN, EU_AUTUMN, US_AUTUMN),
    ] {
        let europe = traffic(start, Tz::Europe__London, 0.7 * PEAK, 61);
        let america = traffic(start, Tz::America__New_York, 0.3 * PEAK, 62);
        let counts: Vec<(i64, u32)> = europe
            .iter()
            .zip(&america)
            .map(|(&(at, a), &(_, b))| (at, a + b))
            .collect();
        let starts = declared(&counts, Tz::Europe__London);
        let between: Vec<i64> = starts
            .iter()
            .copied()
            .filter(|t| (from - DAY..to + WEEK).contains(t))
            .collect();
        if !between.is_empty() {
            failures.push(format!("{season}: outages at {between:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
