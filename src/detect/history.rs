//! Compact seasonal history and the seasonal profile built from it.
//!
//! One value per slot (15 minutes, or the bucket step when that is longer) for
//! `season_weeks` weeks, stored as bfloat16 (2 bytes; 0.4 % relative precision, far below
//! the Poisson noise of any count the profile rests on). The profile for a slot is a trimmed
//! mean over past weeks (same slot of the week), or past days (same slot of the day) while
//! fewer than `min_weekly_lags` weeks exist, or the most recent slots while not even one day
//! exists. Sparse series widen the time-of-day window until the profile rests on
//! `baseline_min_count` reports.
//!
//! Slots are numbered in the detector's local time (see `zone.rs`): slot `n` covers local epoch
//! seconds `n * slot_secs ..`, so a lag of a day or a week is the same wall-clock time and a slot's
//! day and weekday are local ones. The hour a spring change skips is never pushed (missing); the
//! hour an autumn change repeats lies behind the newest stored slot and is not stored again.

use super::config::DetectorConfig;

pub(crate) const WEEK_SECS: i64 = 7 * 86_400;
pub(crate) const BASE_SLOT_SECS: i64 = 900;
const MISSING: u16 = 0x7FC0; // a bfloat16 NaN
const MAX_LAGS: usize = 96;

fn encode(v: f64) -> u16 {
    let bits = (v as f32).to_bits();
    // round to nearest, ties to even
    (bits.wrapping_add(0x7FFF + ((bits >> 16) & 1)) >> 16) as u16
}

fn decode(b: u16) -> f64 {
    f64::from(f32::from_bits(u32::from(b) << 16))
}

/// Which past the profile of a slot comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileSource {
    /// Same slot of the week in past weeks.
    Weekly,
    /// Same slot of the day in past days.
    Daily,
    /// The most recent slots (less than a day of history).
    Recent,
}

#[derive(Debug, Clone)]
pub(crate) struct History {
    slot_secs: i64,
    values: Vec<u16>,
    /// Absolute slot index one past the newest stored slot (`None` before the first).
    end: Option<i64>,
}

impl History {
    pub(crate) fn new(slot_secs: i64, weeks: u32) -> Self {
        let len = (i64::from(weeks) * WEEK_SECS / slot_secs) as usize;
        Self {
            slot_secs,
            values: vec![MISSING; len],
            end: None,
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.values.capacity() * size_of::<u16>()
    }

    fn index(&self, slot: i64) -> usize {
        slot.rem_euclid(self.values.len() as i64) as usize
    }

    /// Count stored for an absolute slot, if it is still in the ring and was observed.
    pub(crate) fn get(&self, slot: i64) -> Option<f64> {
        let end = self.end?;
        if slot >= end || slot < end - self.values.len() as i64 {
            return None;
        }
        let v = decode(self.values[self.index(slot)]);
        (!v.is_nan()).then_some(v)
    }

    /// Stores the count of a closed slot (scaled to a full slot), or marks it missing.
    /// Slots between the previous one and this one become missing; slots at or before the
    /// newest stored one are ignored (history only moves forward: the hour an autumn clock change
    /// repeats keeps its first pass).
    pub(crate) fn push(&mut self, slot: i64, value: Option<f64>) {
        let end = *self.end.get_or_insert(slot);
        if slot < end {
            return;
        }
        let gap_start = (slot - self.values.len() as i64).max(end);
        for s in gap_start..slot {
            let i = self.index(s);
            self.values[i] = MISSING;
        }
        let i = self.index(slot);
        self.values[i] = value.filter(|v| v.is_finite()).map_or(MISSING, encode);
        self.end = Some(slot + 1);
    }

    /// Seasonal profile (expected count per slot, before the level correction) of `slot`.
    pub(crate) fn profile(&self, slot: i64, cfg: &DetectorConfig) -> Option<(f64, ProfileSource)> {
        let week = WEEK_SECS / self.slot_secs;
        let day = 86_400 / self.slot_secs;
        let mut lags = [0i64; MAX_LAGS];
        let n = self.lags_present(slot, week, cfg.season_weeks, &mut lags);
        if n >= cfg.min_weekly_lags as usize {
            return Some((self.widened(slot, &lags[..n], cfg), ProfileSource::Weekly));
        }
        // Days of the same kind when asked for and there are any; else any days.
        let same = if cfg.daily_same_day_type {
            self.lags_same_day_type(slot, cfg.daily_lags, &mut lags)
        } else {
            0
        };
        let n = match same {
            0 => self.lags_present(slot, day, cfg.daily_lags, &mut lags),
            n => n,
        };
        if n > 0 {
            return Some((self.widened(slot, &lags[..n], cfg), ProfileSource::Daily));
        }
        let recent = (i64::from(cfg.recent_slots) * BASE_SLOT_SECS / self.slot_secs).max(1);
        let mut vals = [0f64; MAX_LAGS];
        let mut m = 0;
        for lag in 1..=recent.min(MAX_LAGS as i64) {
            if let Some(v) = self.get(slot - lag) {
                vals[m] = v;
                m += 1;
            }
        }
        (m > 0).then(|| (trimmed_mean(&mut vals[..m]), ProfileSource::Recent))
    }

    /// Profile of `slot` from whatever weeks exist (at least one), even before there are
    /// `min_weekly_lags` of them. The level correction compares recent counts with it, so
    /// that the weekly profile is already corrected for growth on the day it takes over from
    /// the daily one (the daily profile lags growth by days, the weekly one by weeks).
    pub(crate) fn weekly_profile(&self, slot: i64, cfg: &DetectorConfig) -> Option<f64> {
        let mut lags = [0i64; MAX_LAGS];
        let n = self.lags_present(
            slot,
            WEEK_SECS / self.slot_secs,
            cfg.season_weeks,
            &mut lags,
        );
        (n > 0).then(|| self.widened(slot, &lags[..n], cfg))
    }

    /// Multiples of `period` (up to `count` of them) whose lagged slot holds a value.
    fn lags_present(&self, slot: i64, period: i64, count: u32, out: &mut [i64; MAX_LAGS]) -> usize {
        let mut n = 0;
        for k in 1..=i64::from(count) {
            if n < MAX_LAGS && self.get(slot - k * period).is_some() {
                out[n] = k * period;
                n += 1;
            }
        }
        n
    }

    /// Whole days back (up to `count` of them, within the history kept) whose lagged slot holds a
    /// value and falls on the same kind of day as `slot`: a weekday, or a Saturday or Sunday (local
    /// days, as slots are local).
    fn lags_same_day_type(&self, slot: i64, count: u32, out: &mut [i64; MAX_LAGS]) -> usize {
        let day = 86_400 / self.slot_secs;
        let weekend = |s: i64| {
            // 1970-01-01 was a Thursday: (days + 3) mod 7 counts from Monday = 0.
            (s * self.slot_secs)
                .div_euclid(86_400)
                .wrapping_add(3)
                .rem_euclid(7)
                >= 5
        };
        let kept_days = self.values.len() as i64 / day;
        let mut n = 0;
        for k in 1..=kept_days {
            if n >= (count as usize).min(MAX_LAGS) {
                break;
            }
            let lagged = slot - k * day;
            if weekend(lagged) == weekend(slot) && self.get(lagged).is_some() {
                out[n] = k * day;
                n += 1;
            }
        }
        n
    }

    /// Trimmed mean over lags of the mean count in a time-of-day window around each lagged
    /// slot; the window doubles until it holds `baseline_min_count` reports in total.
    fn widened(&self, slot: i64, lags: &[i64], cfg: &DetectorConfig) -> f64 {
        let max_hw = i64::from(cfg.max_half_width_slots) * BASE_SLOT_SECS / self.slot_secs;
        let mut hw = 0;
        let mut means = [0f64; MAX_LAGS];
        loop {
            let mut total = 0.0;
            let mut n = 0;
            for &lag in lags {
                let (mut sum, mut cnt) = (0.0, 0u32);
                for s in (slot - lag - hw)..=(slot - lag + hw) {
                    if let Some(v) = self.get(s) {
                        sum += v;
                        cnt += 1;
                    }
                }
                if cnt > 0 {
                    means[n] = sum / f64::from(cnt);
                    total += sum;
                    n += 1;
                }
            }
            if total >= cfg.baseline_min_count || hw >= max_hw {
                return trimmed_mean(&mut means[..n]);
            }
            hw = if hw == 0 { 1 } else { (hw * 2).min(max_hw) };
        }
    }
}

/// Interquartile-style trimmed mean: drops `(n + 1) / 4` values at each end (the median of
/// 3, the mean of the middle 4 of 8). Robust to one bad value in three, efficient for Poisson.
pub(crate) fn trimmed_mean(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable_by(f64::total_cmp);
    let t = (v.len() + 1) / 4;
    let kept = &v[t..v.len() - t];
    kept.iter().sum::<f64>() / kept.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bf16_round_trip_is_close() {
        for v in [0.0, 0.25, 1.0, 3.0, 47.5, 1234.5, 1.0e6] {
            let back = decode(encode(v));
            assert!((back - v).abs() <= v * 0.004, "{v} -> {back}");
        }
    }

    #[test]
    fn trimmed_mean_ignores_one_outlier_in_three() {
        assert_eq!(trimmed_mean(&mut [10.0, 500.0, 12.0]), 12.0);
        assert_eq!(trimmed_mean(&mut [1.0, 2.0]), 1.5);
        assert_eq!(
            trimmed_mean(&mut [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 1000.0]),
            4.5
        );
    }

    #[test]
    fn gaps_become_missing_and_old_slots_fall_out() {
        let mut h = History::new(900, 1);
        h.push(10, Some(5.0));
        h.push(13, Some(7.0));
        assert_eq!(h.get(10), Some(5.0));
        assert_eq!(h.get(11), None);
        assert_eq!(h.get(13), Some(7.0));
        h.push(12, Some(1.0)); // behind the newest slot: ignored
        assert_eq!(h.get(12), None);
        h.push(10 + 672, Some(2.0));
        assert_eq!(h.get(10), None, "a week later slot 10 is overwritten");
        assert_eq!(h.get(10 + 672), Some(2.0));
    }

    #[test]
    fn profile_falls_back_from_weekly_to_daily_to_recent() {
        let cfg = DetectorConfig::default();
        let mut h = History::new(900, 8);
        assert_eq!(h.profile(100, &cfg), None);
        for s in 0..40 {
            h.push(s, Some(40.0));
        }
        assert_eq!(h.profile(40, &cfg), Some((40.0, ProfileSource::Recent)));
        for s in 40..300 {
            h.push(s, Some(if s % 96 == 10 { 80.0 } else { 40.0 }));
        }
        // days 1 and 2 say 80, day 3 (slot 10, pushed as 40) is outvoted
        let (p, src) = h.profile(96 * 3 + 10, &cfg).unwrap();
        assert_eq!((p, src), (80.0, ProfileSource::Daily));
        for s in 300..(672 * 3 + 20) {
            h.push(s, Some(if s % 672 == 10 { 120.0 } else { 40.0 }));
        }
        assert_eq!(
            h.profile(672 * 3 + 10, &cfg),
            Some((120.0, ProfileSource::Weekly))
        );
    }

    #[test]
    fn daily_lags_of_the_same_kind_of_day_keep_weekends_apart() {
        let cfg = DetectorConfig::default();
        assert!(
            cfg.daily_same_day_type,
            "the default compares like with like"
        );
        // Ten days from Monday 1970-01-05 (day 4): 100 a slot on weekdays, 50 at weekends.
        let mut h = History::new(900, 8);
        let first = 4 * 96;
        for s in first..first + 10 * 96 {
            let weekday = (s / 96 + 3) % 7;
            h.push(s, Some(if weekday >= 5 { 50.0 } else { 100.0 }));
        }
        // Thursday of the second week, then Saturday (days 14 and 16 from 1970-01-01).
        let thursday = (first + 10 * 96) + 10;
        let saturday = thursday + 2 * 96;
        assert_eq!(
            h.profile(thursday, &cfg),
            Some((100.0, ProfileSource::Daily))
        );
        let mut sat = History::new(900, 8);
        for s in first..saturday {
            let weekday = (s / 96 + 3) % 7;
            sat.push(s, Some(if weekday >= 5 { 50.0 } else { 100.0 }));
        }
        assert_eq!(
            sat.profile(saturday, &cfg),
            Some((50.0, ProfileSource::Daily))
        );
        // Without it, mixed days outvote the weekend: the weekday level.
        let mixed = DetectorConfig {
            daily_same_day_type: false,
            ..cfg
        };
        assert_eq!(
            sat.profile(saturday, &mixed),
            Some((100.0, ProfileSource::Daily))
        );
    }

    #[test]
    fn sparse_profile_widens_its_window() {
        let cfg = DetectorConfig::default();
        let mut h = History::new(900, 8);
        // one report every 4th slot: 0.25 per slot on average, over 8 days
        for s in 0..(96 * 8) {
            h.push(s, Some(if s % 4 == 0 { 1.0 } else { 0.0 }));
        }
        let (p, src) = h.profile(96 * 8 + 1, &cfg).unwrap();
        assert_eq!(src, ProfileSource::Daily);
        assert!((p - 0.25).abs() < 0.05, "{p}");
    }

    proptest! {
        #[test]
        fn trimmed_mean_lies_within_range(mut v in proptest::collection::vec(0.0f64..1e6, 1..60)) {
            let lo = v.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = v.iter().cloned().fold(0.0, f64::max);
            let m = trimmed_mean(&mut v);
            prop_assert!(m >= lo - 1e-9 && m <= hi + 1e-9);
        }

        #[test]
        fn profile_of_a_constant_series_is_that_constant(c in 0.0f64..5000.0, len in 1i64..3000) {
            let cfg = DetectorConfig::default();
            let mut h = History::new(900, 8);
            for s in 0..len {
                h.push(s, Some(c));
            }
            let (p, _) = h.profile(len, &cfg).unwrap();
            prop_assert!((p - c).abs() <= c * 0.004 + 1e-9);
        }
    }
}
