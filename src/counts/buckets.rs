//! Bucket arithmetic: pure functions over UTC epoch seconds.

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;
pub const WEEK: i64 = 7 * DAY;

/// The two bucket sizes every count is kept at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// 1-minute buckets, kept 48 hours: the detector's input and the 24-hour charts.
    Minute,
    /// 1-hour buckets, kept 9 weeks: the seasonal baseline needs 8 full weeks behind the current one.
    Hour,
}

impl Resolution {
    pub const BOTH: [Resolution; 2] = [Resolution::Minute, Resolution::Hour];

    pub fn step(self) -> i64 {
        match self {
            Resolution::Minute => MINUTE,
            Resolution::Hour => HOUR,
        }
    }

    pub fn retention(self) -> i64 {
        match self {
            Resolution::Minute => 2 * DAY,
            Resolution::Hour => 9 * WEEK,
        }
    }

    /// Counter stores group buckets into blocks (one Redis hash per block): a day of minutes, a week of hours.
    pub fn block(self) -> i64 {
        match self {
            Resolution::Minute => DAY,
            Resolution::Hour => WEEK,
        }
    }

    /// Short tag used in counter keys.
    pub fn tag(self) -> &'static str {
        match self {
            Resolution::Minute => "m",
            Resolution::Hour => "h",
        }
    }

    pub fn from_step(step_seconds: i64) -> Option<Self> {
        match step_seconds {
            MINUTE => Some(Resolution::Minute),
            HOUR => Some(Resolution::Hour),
            _ => None,
        }
    }

    /// Start of the bucket holding `t`.
    pub fn floor(self, t: i64) -> i64 {
        t.div_euclid(self.step()) * self.step()
    }

    /// Start of the block holding `t`.
    pub fn block_start(self, t: i64) -> i64 {
        t.div_euclid(self.block()) * self.block()
    }

    /// Position of `t`'s bucket inside its block.
    pub fn slot_in_block(self, t: i64) -> i64 {
        (t - self.block_start(t)).div_euclid(self.step())
    }

    /// Oldest bucket start still retained at time `now`.
    pub fn oldest_kept(self, now: i64) -> i64 {
        self.floor(now - self.retention()) + self.step()
    }

    /// When a block's data may be forgotten: its last bucket has left the retention window.
    pub fn block_expiry(self, block_start: i64) -> i64 {
        block_start + self.block() + self.retention()
    }

    /// Bucket starts of a window of `len` seconds ending with the bucket that holds `now`, oldest first.
    pub fn window_ending_at(self, now: i64, len: i64) -> BucketRange {
        let last = self.floor(now);
        let n = (len / self.step()).max(1);
        BucketRange {
            first: last - (n - 1) * self.step(),
            count: n as usize,
            step: self.step(),
        }
    }
}

/// Consecutive buckets: `first`, `first + step`, … (`count` of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketRange {
    pub first: i64,
    pub count: usize,
    pub step: i64,
}

impl BucketRange {
    pub fn starts(self) -> impl Iterator<Item = i64> {
        (0..self.count as i64).map(move |i| self.first + i * self.step)
    }

    pub fn end(self) -> i64 {
        self.first + self.count as i64 * self.step
    }

    pub fn index_of(self, t: i64) -> Option<usize> {
        if t < self.first || t >= self.end() {
            return None;
        }
        Some(((t - self.first) / self.step) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn floors_negative_times_downwards() {
        assert_eq!(Resolution::Minute.floor(-1), -60);
        assert_eq!(Resolution::Hour.floor(7_199), 3_600);
    }

    #[test]
    fn window_ends_with_the_current_bucket() {
        let r = Resolution::Minute.window_ending_at(1_000_000, DAY);
        assert_eq!(r.count, 1_440);
        assert_eq!(r.starts().last(), Some(Resolution::Minute.floor(1_000_000)));
        assert_eq!(r.index_of(r.first), Some(0));
        assert_eq!(r.index_of(r.end()), None);
    }

    proptest! {
        #[test]
        fn bucket_and_block_invariants(t in -1_000_000_000i64..4_000_000_000, hourly in any::<bool>()) {
            let res = if hourly { Resolution::Hour } else { Resolution::Minute };
            let b = res.floor(t);
            prop_assert!(b <= t && t < b + res.step());
            prop_assert_eq!(b % res.step(), 0);
            let block = res.block_start(t);
            prop_assert!(block <= b && b < block + res.block());
            let slot = res.slot_in_block(t);
            prop_assert_eq!(block + slot * res.step(), b);
            prop_assert!(res.block_expiry(block) >= b + res.retention());
        }
    }
}
