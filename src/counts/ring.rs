//! Dense rings of counters for the in-process store: one slot per bucket of the retention (2,880
//! minutes, 1,512 hours), 4 bytes each, allocated on a series' first count at that resolution. A
//! sparse map of (start, count) pairs cost 16 bytes a bucket before its container's overhead; a
//! ring costs 4 bytes a slot whether counted or not, and nothing per lookup.

use super::{BucketRange, Resolution};

/// The buckets of one series at one resolution within its retention.
#[derive(Default)]
pub(super) struct Ring {
    /// Bucket number (start / step) of the newest slot: slots hold the `len` buckets up to it.
    newest: i64,
    /// Empty until the first count; then `len` slots, bucket `b` in slot `b mod len`.
    slots: Box<[u32]>,
}

impl Ring {
    fn len(res: Resolution) -> i64 {
        res.retention() / res.step()
    }

    /// Moves the ring forward so that it ends with bucket number `to`, zeroing the slots it reuses.
    fn advance(&mut self, to: i64) {
        if to <= self.newest {
            return;
        }
        let len = self.slots.len() as i64;
        if to - self.newest >= len {
            self.slots.fill(0);
        } else {
            for b in self.newest + 1..=to {
                self.slots[b.rem_euclid(len) as usize] = 0;
            }
        }
        self.newest = to;
    }

    /// Adds `n` to the bucket starting at `start`, in a ring kept up to the bucket holding `now`:
    /// buckets that have left the retention at `now` are forgotten, and a bucket already outside
    /// it is ignored.
    pub(super) fn add(&mut self, res: Resolution, start: i64, n: u64, now: i64) {
        let step = res.step();
        let bucket = start.div_euclid(step);
        let current = now.div_euclid(step).max(bucket);
        if self.slots.is_empty() {
            self.slots = vec![0; Self::len(res) as usize].into_boxed_slice();
            self.newest = current;
        }
        self.advance(current);
        let len = self.slots.len() as i64;
        if bucket <= self.newest - len {
            return;
        }
        let slot = &mut self.slots[bucket.rem_euclid(len) as usize];
        *slot = slot.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
    }

    /// Writes the counts of the buckets of `range` that the ring holds into `out` (one per bucket
    /// of the range); the others are left as they are.
    pub(super) fn read(&self, res: Resolution, range: BucketRange, out: &mut [u64]) {
        let len = self.slots.len() as i64;
        if len == 0 {
            return;
        }
        let step = res.step();
        let first = (self.newest - len + 1).max(range.first.div_euclid(step));
        for bucket in first..=self.newest {
            match range.index_of(bucket * step) {
                Some(i) => out[i] = u64::from(self.slots[bucket.rem_euclid(len) as usize]),
                None if bucket * step < range.first => continue,
                None => break,
            }
        }
    }

    /// Bytes of counters this ring holds.
    #[cfg(test)]
    pub(super) fn bytes(&self) -> usize {
        std::mem::size_of_val(&*self.slots)
    }
}

/// One series: its minutes and its hours.
#[derive(Default)]
pub(super) struct Series {
    minutes: Ring,
    hours: Ring,
}

impl Series {
    pub(super) fn at(&self, res: Resolution) -> &Ring {
        match res {
            Resolution::Minute => &self.minutes,
            Resolution::Hour => &self.hours,
        }
    }

    pub(super) fn at_mut(&mut self, res: Resolution) -> &mut Ring {
        match res {
            Resolution::Minute => &mut self.minutes,
            Resolution::Hour => &mut self.hours,
        }
    }

    #[cfg(test)]
    pub(super) fn bytes(&self) -> usize {
        self.minutes.bytes() + self.hours.bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counts::buckets::{HOUR, MINUTE};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    const NOW: i64 = 1_800_000_000;

    fn read(ring: &Ring, res: Resolution, range: BucketRange) -> Vec<u64> {
        let mut out = vec![0; range.count];
        ring.read(res, range, &mut out);
        out
    }

    #[test]
    fn a_ring_holds_its_retention_and_forgets_what_leaves_it() {
        let m = Resolution::Minute;
        let mut ring = Ring::default();
        assert_eq!(ring.bytes(), 0, "nothing allocated before the first count");
        let oldest = m.oldest_kept(NOW);
        ring.add(m, oldest, 2, NOW);
        ring.add(m, oldest - MINUTE, 5, NOW);
        ring.add(m, m.floor(NOW), 1, NOW);
        assert_eq!(ring.bytes(), 2_880 * 4);
        assert_eq!(
            read(&ring, m, m.window_ending_at(NOW, 2 * 86_400))[..2],
            [2, 0]
        );
        assert_eq!(
            read(
                &ring,
                m,
                BucketRange {
                    first: oldest - MINUTE,
                    count: 2,
                    step: MINUTE
                }
            ),
            [0, 2]
        );
        // A minute later the oldest bucket has left; the newest stays.
        let later = NOW + MINUTE;
        ring.add(m, m.floor(later), 3, later);
        let window = m.window_ending_at(later, 2 * 86_400);
        let got = read(&ring, m, window);
        assert_eq!((got[0], got[got.len() - 2], got[got.len() - 1]), (0, 1, 3));
        assert_eq!(got.iter().sum::<u64>(), 4);
        // Days later, everything before is gone.
        let much_later = NOW + 3 * 86_400;
        ring.add(m, m.floor(much_later), 1, much_later);
        assert_eq!(read(&ring, m, window), vec![0; window.count]);
    }

    #[test]
    fn counts_saturate_instead_of_wrapping() {
        let h = Resolution::Hour;
        let mut ring = Ring::default();
        ring.add(h, h.floor(NOW), u64::from(u32::MAX) + 7, NOW);
        ring.add(h, h.floor(NOW), 1, NOW);
        let r = BucketRange {
            first: h.floor(NOW),
            count: 1,
            step: HOUR,
        };
        assert_eq!(read(&ring, h, r), [u64::from(u32::MAX)]);
    }

    proptest! {
        /// A ring reads as a map of every count added within the retention at the time of its last
        /// addition would.
        #[test]
        fn a_ring_reads_as_a_map_of_its_retention(
            hourly in any::<bool>(),
            adds in prop::collection::vec((0i64..200_000, -4_000i64..4_000, 1u64..5), 1..60),
            first in -300_000i64..300_000,
            count in 1usize..3_000,
        ) {
            let res = if hourly { Resolution::Hour } else { Resolution::Minute };
            let mut ring = Ring::default();
            let mut model: BTreeMap<i64, u64> = BTreeMap::new();
            let mut now = NOW;
            for (forward, offset, n) in adds {
                now += forward;
                let start = res.floor(now + offset * res.step() / 10);
                if start < res.oldest_kept(now) {
                    continue; // callers keep this rule (`Hit::increments`, `replace_all`)
                }
                ring.add(res, start, n, now);
                *model.entry(start).or_default() += n;
                let newest = model.keys().next_back().copied().unwrap().max(res.floor(now));
                let oldest = newest - res.retention() + res.step();
                model.retain(|&t, _| t >= oldest);
            }
            let range = BucketRange { first: res.floor(NOW) + first * res.step() / 7, count, step: res.step() };
            let mut expected = vec![0; count];
            for (&t, &c) in &model {
                if let Some(i) = range.index_of(t) {
                    expected[i] = c;
                }
            }
            prop_assert_eq!(read(&ring, res, range), expected);
        }
    }
}
