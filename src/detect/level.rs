//! The level correction: the recent level of a series against its seasonal profile.

/// Recent level against the profile: `(sum actual + c) / (sum profile + c)` over the level
/// window, so the baseline follows growth or decline that the older seasonal history lags.
/// The ratio is taken against the same kind of profile it will correct: each slot records
/// both the profile in use and its weekly-only profile, so when the weekly profile takes
/// over from the daily one (which lags growth by days, not weeks) the correction is already
/// the weekly profile's and the baseline does not drop by weeks of growth overnight.
///
/// Slots are summed into at most `LEVEL_BINS` bins of whole slots, so a window of a week
/// costs no more memory than one of a day; the window then covers its length to within one
/// bin (the bin being filled counts with the slots it holds so far).
#[derive(Debug, Clone)]
pub(super) struct Level {
    /// Slots per bin.
    bin_slots: i64,
    /// Absolute bin index held at each position (`i64::MIN` for none).
    bins: Vec<i64>,
    /// Per bin: sum of actual counts and of the profile in use over its slots.
    actual: Vec<f32>,
    profile: Vec<f32>,
    /// Per bin: the same over the slots that had a weekly-only profile.
    weekly_actual: Vec<f32>,
    weekly: Vec<f32>,
}

/// Most bins a level window is split into.
const LEVEL_BINS: i64 = 96;

impl Level {
    pub(super) fn new(window_slots: i64) -> Self {
        let bin_slots = ((window_slots + LEVEL_BINS - 1) / LEVEL_BINS).max(1);
        let len = ((window_slots + bin_slots - 1) / bin_slots) as usize;
        Self {
            bin_slots,
            bins: vec![i64::MIN; len],
            actual: vec![0.0; len],
            profile: vec![0.0; len],
            weekly_actual: vec![0.0; len],
            weekly: vec![0.0; len],
        }
    }

    pub(super) fn enabled(&self) -> bool {
        !self.bins.is_empty()
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.bins.capacity() * 8
            + (self.actual.capacity()
                + self.profile.capacity()
                + self.weekly_actual.capacity()
                + self.weekly.capacity())
                * 4
    }

    pub(super) fn record(&mut self, slot: i64, profile: f64, weekly: Option<f64>, actual: f64) {
        if self.bins.is_empty() {
            return;
        }
        let bin = slot.div_euclid(self.bin_slots);
        let i = bin.rem_euclid(self.bins.len() as i64) as usize;
        if self.bins[i] != bin {
            self.bins[i] = bin;
            self.actual[i] = 0.0;
            self.profile[i] = 0.0;
            self.weekly_actual[i] = 0.0;
            self.weekly[i] = 0.0;
        }
        self.actual[i] += actual as f32;
        self.profile[i] += profile as f32;
        if let Some(w) = weekly {
            self.weekly_actual[i] += actual as f32;
            self.weekly[i] += w as f32;
        }
    }

    /// Level ratio for a slot at `now`, against the weekly-only profiles when `weekly`.
    pub(super) fn ratio(&self, now: i64, prior: f64, weekly: bool) -> f64 {
        let current = now.div_euclid(self.bin_slots);
        let oldest = current - self.bins.len() as i64;
        let (mut a, mut p) = (prior, prior);
        for i in 0..self.bins.len() {
            if self.bins[i] > oldest && self.bins[i] <= current {
                let (x, m) = if weekly {
                    (self.weekly_actual[i], self.weekly[i])
                } else {
                    (self.actual[i], self.profile[i])
                };
                a += f64::from(x);
                p += f64::from(m);
            }
        }
        a / p
    }
}
