//! What is normal for a series: the count a bucket of any length is expected to hold, and the range
//! an ordinary bucket falls in. One method for the whole product: the monitor's "above normal", the
//! charts' band, the regions' "usual", the sentences on the pages and the downloads all read it here,
//! so they cannot disagree.
//!
//! [`NormalModel::from_hourly`] runs the detector itself over a series' hourly counts (a
//! [`Detector`] at a one-hour step: the seasonal profile with its trimmed mean over the same time
//! of week in past weeks, else of day in past days, widened for sparse series; the level correction
//! that follows growth; history winsorised so incidents do not become normal; the overdispersion
//! estimate) and keeps the baseline it expected for each hour *before* seeing that hour. A bucket's
//! expectation is that of the hours it covers, spread evenly within each hour (as
//! [`Detector::warm_hourly`] spreads them). Its range, [`Normal::low`] to [`Normal::high`], is the
//! 10th to 90th percentile of the count under the detector's negative binomial noise model, read on
//! the detector's own deviation scale ([`deviation`]): four ordinary buckets in five fall inside it.
//! Only the detector's floor is left out of the expectation (see `from_hourly`): it is a rule for
//! alarms, not a count.
//!
//! Hourly counts are what every node can read from the counter store, so pages on any node and the
//! monitor compute the same numbers from the same data. Nothing here is stored: recompute it (and
//! cache it per hour, as `normals.rs` does; it changes only when an hour closes).

use super::{Detector, DetectorConfig, deviation};
use chrono_tz::Tz;
use serde::Serialize;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// Standard normal quantile of 0.9: the range is the 10th to the 90th percentile.
pub const RANGE_Z: f64 = 1.281_551_565_544_600_5;

/// The normal of one bucket: its expected count and the range an ordinary bucket falls in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Normal {
    /// Expected count.
    pub expected: f64,
    /// 10th percentile of the count (0 when even no report at all is that common).
    pub low: f64,
    /// 90th percentile of the count.
    pub high: f64,
    /// Overdispersion (negative binomial `1/k`, the squared coefficient of variation beyond Poisson
    /// noise) the range was read under.
    pub alpha: f64,
}

impl Normal {
    /// The normal of a count expected to be `expected` with overdispersion `alpha`.
    pub fn new(expected: f64, alpha: f64) -> Normal {
        let expected = if expected.is_finite() {
            expected.max(0.0)
        } else {
            0.0
        };
        let alpha = if alpha.is_finite() {
            alpha.max(0.0)
        } else {
            0.0
        };
        Normal {
            expected,
            low: quantile(expected, alpha, -RANGE_Z),
            high: quantile(expected, alpha, RANGE_Z),
            alpha,
        }
    }

    /// Whether `count` lies in the normal range.
    pub fn contains(&self, count: f64) -> bool {
        (self.low..=self.high).contains(&count)
    }

    /// How far `count` is from normal on the detector's scale (signed, in standard-normal units).
    pub fn deviation(&self, count: f64) -> f64 {
        deviation(count, self.expected, self.alpha)
    }

    /// Whether `count` is as far above normal as the detector needs to call a series elevated: a
    /// deviation of at least `elevated_z`, from at least half of `min_reporters` reports (the bar of
    /// `state.rs`). Such a count is always above [`Normal::high`].
    pub fn elevated(&self, count: f64, cfg: &DetectorConfig) -> bool {
        count >= cfg.min_reporters / 2.0
            && count > self.high
            && self.deviation(count) >= cfg.elevated_z
    }
}

/// The count whose deviation from `m` under overdispersion `alpha` is `z` (by bisection: the
/// deviation grows with the count), or 0 when even 0 is less extreme.
fn quantile(m: f64, alpha: f64, z: f64) -> f64 {
    if m <= 0.0 {
        return 0.0;
    }
    let dev = |x: f64| deviation(x, m, alpha);
    let (mut lo, mut hi) = if z <= 0.0 {
        if dev(0.0) >= z {
            return 0.0;
        }
        (0.0, m)
    } else {
        let mut hi = m * 2.0 + 1.0;
        // The deviation grows without bound; 200 doublings reach any finite count.
        for _ in 0..200 {
            if dev(hi) >= z {
                break;
            }
            hi *= 2.0;
        }
        (m, hi)
    };
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if dev(mid) < z {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-9 * (1.0 + m) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// What is normal for one series, hour by hour: see the module's text.
#[derive(Debug, Clone)]
pub struct NormalModel {
    /// Start of the first hour in `expected`.
    first: i64,
    /// Expected count of each hour from `first` on: what the detector expected before the hour
    /// came (NaN while it had no history to expect anything from). The last is the current hour's.
    expected: Vec<f32>,
    /// The detector's overdispersion estimate at the end of the history.
    alpha: f64,
    /// The normal of each whole hour of `expected`, computed on first demand: the series API asks
    /// for weeks of hours at once, and each range is two bisections.
    hourly: std::sync::OnceLock<Vec<Option<Normal>>>,
}

impl PartialEq for NormalModel {
    /// The same model, whether or not its hours' normals were computed yet.
    fn eq(&self, other: &Self) -> bool {
        self.first == other.first
            && self.alpha == other.alpha
            && self.expected.len() == other.expected.len()
            && self
                .expected
                .iter()
                .zip(&other.expected)
                .all(|(a, b)| a.to_bits() == b.to_bits() || a == b)
    }
}

impl NormalModel {
    /// Learns the normal of a series from its hourly counts `(hour start, count)` in ascending order
    /// (the counter store's hourly buckets, leading empty hours left out as `from_first_report`
    /// does) with the detector's settings `cfg`, its seasonal profile in `zone` (the zone the
    /// monitor's detector of the same series uses, so that the band and the detector agree). Hours
    /// that have not ended by `now` are left out: the model covers every hour from the first given
    /// to the one holding `now`.
    pub fn from_hourly(
        hours: &[(i64, f64)],
        now: i64,
        cfg: DetectorConfig,
        zone: Tz,
    ) -> NormalModel {
        let current = now.div_euclid(HOUR) * HOUR;
        // A series' first hour is left out: its first report rarely comes at the top of an hour, so
        // that hour holds a fraction of one, and read as a whole hour it dragged the same hour of
        // the following days and weeks down (a demo started at 14:54 read every later 14:00 hour
        // as half its usual, and the monitor called ordinary traffic "above normal").
        let first = hours
            .iter()
            .map(|h| h.0)
            .find(|&t| t.rem_euclid(HOUR) == 0 && t < current)
            .map_or(current, |t| (t + HOUR).min(current));
        let len = ((current - first) / HOUR + 1) as usize;
        let mut model = NormalModel {
            first,
            expected: vec![f32::NAN; len],
            alpha: cfg.dispersion_prior,
            hourly: std::sync::OnceLock::new(),
        };
        // Settings the server runs with are valid; with others there is no normal to tell.
        let Ok(mut detector) = Detector::in_zone(cfg, HOUR, zone).map(Detector::for_normal) else {
            return model;
        };
        let observed: Vec<(i64, f64)> = hours
            .iter()
            .copied()
            .filter(|&(t, _)| t.rem_euclid(HOUR) == 0 && t >= first && t < current)
            .collect();
        // A series' first day has no past to expect anything from: it seeds the history as it is,
        // as the monitor seeds its detectors (`warm_hourly`), rather than being clipped against a
        // guess from its first hours.
        let seeded = (first + DAY).min(current);
        if detector.warm_hourly(&observed, seeded).is_err() {
            return model;
        }
        let mut next = seeded;
        // The current hour goes in as missing: the detector tells what it expects of it.
        for (at, count) in observed.into_iter().chain([(current, f64::NAN)]) {
            if at < next {
                continue;
            }
            next = at + HOUR;
            // The detector's floor (a lowest expected rate, so that one report to a silent series is
            // not an alarm) is a rule for alarms, not what a series holds: a region with four
            // reports a day would otherwise "usually" get twelve. It stays in the detector, whose
            // history is winsorised against the floored baseline.
            if detector.update(at, count).is_ok()
                && let Some(expected) = detector.expected_unfloored()
            {
                model.expected[((at - first) / HOUR) as usize] = expected as f32;
            }
        }
        model.alpha = detector.overdispersion()[0];
        model
    }

    /// The normal of the bucket of `len` seconds starting at `start` (any length: a minute, a
    /// quarter, an hour, a day), or `None` when it reaches outside the hours the model covers or
    /// into hours it has no expectation for.
    pub fn normal(&self, start: i64, len: i64) -> Option<Normal> {
        if len <= 0 {
            return None;
        }
        if len == HOUR && start.rem_euclid(HOUR) == 0 {
            // A whole hour: the same sum (one hour's expectation), computed once per model.
            if start < self.first {
                return None;
            }
            let hourly = self.hourly.get_or_init(|| {
                self.expected
                    .iter()
                    .map(|&m| {
                        let m = f64::from(m);
                        m.is_finite().then(|| Normal::new(m, self.alpha))
                    })
                    .collect()
            });
            return *hourly.get(((start - self.first) / HOUR) as usize)?;
        }
        let end = start.checked_add(len)?;
        let mut expected = 0.0;
        let mut hour = start.div_euclid(HOUR) * HOUR;
        while hour < end {
            if hour < self.first {
                return None;
            }
            let m = f64::from(*self.expected.get(((hour - self.first) / HOUR) as usize)?);
            if !m.is_finite() {
                return None;
            }
            let overlap = end.min(hour + HOUR) - start.max(hour);
            expected += m * overlap as f64 / HOUR as f64;
            hour += HOUR;
        }
        Some(Normal::new(expected, self.alpha))
    }

    /// The overdispersion every range is read under.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
}

/// The normal of the bucket of `len` seconds starting at `start`, from a series' hourly counts
/// (see [`NormalModel::from_hourly`]) and the default detector settings, in UTC. To ask about many
/// buckets of one series, build the [`NormalModel`] once.
pub fn normal(hours: &[(i64, f64)], now: i64, start: i64, len: i64) -> Option<Normal> {
    NormalModel::from_hourly(hours, now, DetectorConfig::default(), Tz::UTC).normal(start, len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A small seeded generator (splitmix64) and Poisson draws, for histories with known noise.
    struct Rng(u64);

    impl Rng {
        fn uniform(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }

        /// Poisson by inversion (fine for the means used here).
        fn poisson(&mut self, m: f64) -> f64 {
            let u = self.uniform();
            let (mut k, mut p) = (0.0, (-m).exp());
            let mut cdf = p;
            while u > cdf && k < 10_000.0 {
                k += 1.0;
                p *= m / k;
                cdf += p;
            }
            k
        }
    }

    fn poisson_cdf(m: f64, x: f64) -> f64 {
        let (mut p, mut cdf) = ((-m).exp(), 0.0);
        let mut k = 0.0;
        while k <= x {
            cdf += p;
            k += 1.0;
            p *= m / k;
        }
        cdf
    }

    /// Hours of a flat Poisson series of mean `m` per hour for `days`.
    fn flat(m: f64, days: i64, seed: u64) -> Vec<(i64, f64)> {
        let mut rng = Rng(seed);
        (0..days * 24).map(|h| (h * HOUR, rng.poisson(m))).collect()
    }

    #[test]
    fn range_holds_four_poisson_counts_in_five() {
        for m in [0.5, 2.0, 5.0, 12.0, 40.0, 150.0, 500.0] {
            let n = Normal::new(m, 0.0);
            assert!(n.low <= m && m <= n.high, "{n:?}");
            // P(low <= X <= high) for integer X, and the share above.
            let below = if n.low > 0.0 {
                poisson_cdf(m, n.low.ceil() - 1.0)
            } else {
                0.0
            };
            let above = 1.0 - poisson_cdf(m, n.high.floor());
            let inside = 1.0 - below - above;
            assert!(
                (0.74..=0.95).contains(&inside),
                "m {m}: {inside:.3} inside {n:?}"
            );
            assert!(above <= 0.14, "m {m}: {above:.3} above {n:?}");
        }
    }

    #[test]
    fn overdispersion_widens_the_range() {
        let poisson = Normal::new(100.0, 0.0);
        let bursty = Normal::new(100.0, 0.1);
        assert!(bursty.low < poisson.low && bursty.high > poisson.high);
        // About ±1.28 standard deviations: sqrt(100 + 0.1 * 100²) = 33.
        assert!(
            (bursty.high - 100.0 - 1.28 * 33.2).abs() < 8.0,
            "{bursty:?}"
        );
    }

    #[test]
    fn a_flat_poisson_history_puts_four_hours_in_five_inside_the_range() {
        let hours = flat(30.0, 42, 7);
        let now = 42 * 86_400;
        let model = NormalModel::from_hourly(&hours, now, DetectorConfig::default(), Tz::UTC);
        // The last two weeks, each hour against what the model expected before it came.
        let tested = &hours[hours.len() - 14 * 24..];
        let (mut inside, mut above, mut expected) = (0, 0, 0.0);
        for &(t, c) in tested {
            let n = model.normal(t, HOUR).unwrap();
            expected += n.expected;
            inside += usize::from(n.contains(c));
            above += usize::from(c > n.high);
        }
        let share = |k: usize| k as f64 / tested.len() as f64;
        // Each hour of the week rests on a few past weeks, so single hours stray; on average the
        // expectation is the series' mean.
        let mean = expected / tested.len() as f64;
        assert!((mean - 30.0).abs() < 1.0, "{mean}");
        assert!(
            (0.72..=0.92).contains(&share(inside)),
            "{} inside",
            share(inside)
        );
        assert!(share(above) <= 0.15, "{} above", share(above));
    }

    #[test]
    fn follows_the_time_of_day_and_spreads_an_hour_over_its_parts() {
        // 5 reports an hour at night, 60 by day, for 10 days.
        let mut rng = Rng(3);
        let hours: Vec<(i64, f64)> = (0..240)
            .map(|h| {
                let m = if (8..20).contains(&(h % 24)) {
                    60.0
                } else {
                    5.0
                };
                (h * HOUR, rng.poisson(m))
            })
            .collect();
        let now = 10 * 86_400 + 30 * 60;
        let model = NormalModel::from_hourly(&hours, now, DetectorConfig::default(), Tz::UTC);
        let night = model.normal(9 * 86_400 + 3 * HOUR, HOUR).unwrap();
        let noon = model.normal(9 * 86_400 + 12 * HOUR, HOUR).unwrap();
        assert!((night.expected - 5.0).abs() < 2.0, "{night:?}");
        assert!((noon.expected - 60.0).abs() < 8.0, "{noon:?}");
        // The hour holding `now` has an expectation; the next one does not.
        assert!(model.normal(10 * 86_400, HOUR).is_some());
        assert_eq!(model.normal(10 * 86_400 + HOUR, 60), None);
        // A quarter is a quarter of its hour; a day is the sum of its hours.
        let quarter = model.normal(9 * 86_400 + 12 * HOUR + 900, 900).unwrap();
        assert!((quarter.expected - noon.expected / 4.0).abs() < 1e-9);
        let day = model.normal(9 * 86_400, 86_400).unwrap();
        let sum: f64 = (0..24)
            .map(|h| model.normal(9 * 86_400 + h * HOUR, HOUR).unwrap().expected)
            .sum();
        assert!((day.expected - sum).abs() < 1e-6 * sum);
        // A whole hour (kept once computed) is the normal of its two halves' expectation.
        for h in [0, 3, 12, 23] {
            let start = 9 * 86_400 + h * HOUR;
            let whole = model.normal(start, HOUR).unwrap();
            let halves = model.normal(start, 1_800).unwrap().expected
                + model.normal(start + 1_800, 1_800).unwrap().expected;
            let again = Normal::new(halves, model.alpha());
            assert!(
                (whole.expected - again.expected).abs() < 1e-9,
                "{whole:?} {again:?}"
            );
            assert!((whole.low - again.low).abs() < 1e-6 && (whole.high - again.high).abs() < 1e-6);
            assert_eq!(model.normal(start, HOUR), Some(whole));
        }
        assert_eq!(model.normal(-HOUR, HOUR), None);
        assert_eq!(model.normal(11 * 86_400, HOUR), None);
        assert_eq!(model.clone(), model);
    }

    #[test]
    fn the_normal_moves_with_the_clocks_of_its_zone() {
        // Five weeks from Monday 2024-03-04 of a routine kept in Rome's local time (60 an hour from
        // 08:00 to 20:00, 5 at night), across Europe's change on 31 March.
        use chrono::{Offset, TimeZone};
        let start = 1_709_510_400;
        let mut rng = Rng(11);
        let hours: Vec<(i64, f64)> = (0..35 * 24)
            .map(|h| {
                let t = start + h * HOUR;
                let utc = chrono::DateTime::from_timestamp(t, 0).unwrap().naive_utc();
                let offset = Tz::Europe__Rome.offset_from_utc_datetime(&utc).fix();
                let local = (t + i64::from(offset.local_minus_utc())).rem_euclid(DAY) / HOUR;
                (
                    t,
                    rng.poisson(if (8..20).contains(&local) { 60.0 } else { 5.0 }),
                )
            })
            .collect();
        let now = start + 35 * DAY;
        let cfg = DetectorConfig::default();
        // Tuesday 2 April, 06:00 UTC: 08:00 in Rome since the change, 07:00 before it.
        let hour = 1_712_037_600;
        let rome = NormalModel::from_hourly(&hours, now, cfg, Tz::Europe__Rome);
        let utc = NormalModel::from_hourly(&hours, now, cfg, Tz::UTC);
        let expected = |m: &NormalModel| m.normal(hour, HOUR).unwrap().expected;
        assert!((expected(&rome) - 60.0).abs() < 12.0, "{}", expected(&rome));
        assert!(
            expected(&utc) < 30.0,
            "in UTC the hour was night: {}",
            expected(&utc)
        );
    }

    #[test]
    fn a_partial_first_hour_does_not_drag_its_hour_down() {
        // Two weeks at 300 an hour whose first hour holds six minutes' worth (30), as a series
        // (or the demo) that starts at 14:54 has.
        let mut hours = flat(300.0, 14, 5);
        hours[0].1 = 30.0;
        let start = hours[0].0;
        let now = start + 14 * DAY + 1800;
        let model = NormalModel::from_hourly(&hours, now, DetectorConfig::default(), Tz::UTC);
        for days in [7, 14] {
            let n = model.normal(start + days * DAY, HOUR).unwrap();
            assert!(
                (n.expected - 300.0).abs() < 45.0,
                "{days} days later the same hour expects {:.0}",
                n.expected
            );
        }
    }

    #[test]
    fn nothing_is_normal_without_history() {
        let model = NormalModel::from_hourly(&[], 1_000_000, DetectorConfig::default(), Tz::UTC);
        assert_eq!(model.normal(1_000_000 - 900, 900), None);
        assert_eq!(normal(&flat(3.0, 2, 1), 2 * 86_400, 2 * 86_400, 0), None);
        assert_eq!(normal(&flat(3.0, 2, 1), 2 * 86_400, -HOUR, HOUR), None);
    }

    #[test]
    fn an_incident_does_not_become_normal() {
        // A day at 10 times the usual a week ago: the trimmed mean and the winsorised history keep
        // today's expectation near the usual (the level correction lets a little of it in).
        let mut hours = flat(20.0, 22, 5);
        for h in &mut hours[14 * 24..15 * 24] {
            h.1 *= 10.0;
        }
        let model =
            NormalModel::from_hourly(&hours, 22 * 86_400, DetectorConfig::default(), Tz::UTC);
        let day = model.normal(21 * 86_400, 86_400).unwrap();
        assert!(day.expected < 1.5 * 20.0 * 24.0, "{day:?}");
    }

    #[test]
    fn four_times_the_usual_hour_is_elevated_and_the_usual_is_not() {
        let cfg = DetectorConfig::default();
        let model = NormalModel::from_hourly(&flat(25.0, 28, 9), 28 * 86_400, cfg, Tz::UTC);
        let n = model.normal(28 * 86_400 - HOUR, HOUR).unwrap();
        assert!(n.elevated(100.0, &cfg), "{n:?}");
        assert!(!n.elevated(n.high, &cfg) && !n.elevated(25.0, &cfg));
        // Four reports where 0.5 are usual are notable, not elevated: too few reporters.
        assert!(!Normal::new(0.5, 0.05).elevated(4.0, &cfg));
    }

    proptest! {
        #[test]
        fn range_brackets_the_expectation(m in 0.0f64..1e6, alpha in 0.0f64..4.0) {
            let n = Normal::new(m, alpha);
            prop_assert!(n.low >= 0.0);
            prop_assert!(n.low <= n.expected + 1e-9 && n.expected <= n.high + 1e-9, "{:?}", n);
        }

        #[test]
        fn longer_buckets_hold_more(
            counts in proptest::collection::vec(0.0f64..500.0, 24..400),
            start_hour in 0usize..400,
            offset in 0i64..3_600,
            len in 60i64..86_400,
            more in 1i64..86_400,
        ) {
            let hours: Vec<(i64, f64)> = counts.iter().enumerate().map(|(i, &c)| (i as i64 * HOUR, c.round())).collect();
            let now = hours.len() as i64 * HOUR + 1_800;
            let model = NormalModel::from_hourly(&hours, now, DetectorConfig::default(), Tz::UTC);
            let start = (start_hour % hours.len()) as i64 * HOUR + offset;
            if let (Some(a), Some(b)) = (model.normal(start, len), model.normal(start, len + more)) {
                prop_assert!(a.expected <= b.expected + 1e-9);
                let slack = 1e-6 * (1.0 + b.expected);
                prop_assert!(a.low <= b.low + slack, "{:?} {:?}", a, b);
                prop_assert!(a.high <= b.high + slack, "{:?} {:?}", a, b);
                prop_assert!(a.low <= a.expected && a.expected <= a.high);
            }
        }
    }
}
