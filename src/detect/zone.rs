//! Local wall-clock time for the seasonal profile: people's day follows their clocks, so the
//! profile's slots, days and weekdays are those of the series' zone, not of UTC.
//!
//! A local time is UTC plus the zone's offset at that instant, counted in seconds from the local
//! 1970-01-01 00:00 ("local epoch seconds"); slot `n` of a zone is local seconds
//! `n * slot .. (n + 1) * slot`, and slot arithmetic (a day back is `86_400 / slot` slots, a week
//! back seven of them) then lands on the same wall-clock time whatever the offset did in between.
//! Around a daylight-saving change local time is not monotonic in UTC: in spring it skips an hour
//! (those slots never come and stay missing in history); in autumn it repeats one (see
//! `History::push`: history only moves forward, so the repeated hour is scored against the profile
//! but not stored a second time). Buckets still arrive, and are ordered, by UTC.

use chrono::{Offset, TimeZone};
use chrono_tz::Tz;

/// A zone with its offset remembered for the UTC hour last asked about, so that the per-bucket
/// lookup is a comparison (the tz database is searched about once an hour of data).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalClock {
    tz: Tz,
    /// UTC hour start of the remembered offset, and the offset when it holds for the whole hour.
    hour: i64,
    offset: Option<i64>,
}

impl LocalClock {
    pub(crate) fn new(tz: Tz) -> Self {
        Self {
            tz,
            hour: i64::MIN,
            offset: None,
        }
    }

    pub(crate) fn tz(&self) -> Tz {
        self.tz
    }

    /// Local epoch seconds of the UTC instant `at`.
    pub(crate) fn local(&mut self, at: i64) -> i64 {
        if self.tz == Tz::UTC {
            return at;
        }
        let hour = at.div_euclid(3600) * 3600;
        if hour != self.hour {
            // An offset that is the same at both ends of the hour holds within it (no zone changes
            // its offset twice within an hour); else the hour holds a change and is looked up per
            // instant.
            let (a, b) = (offset(self.tz, hour), offset(self.tz, hour + 3599));
            self.hour = hour;
            self.offset = (a == b).then_some(a);
        }
        at + self.offset.unwrap_or_else(|| offset(self.tz, at))
    }
}

/// Seconds the zone is ahead of UTC at `at` (0 outside the range chrono can represent).
fn offset(tz: Tz, at: i64) -> i64 {
    chrono::DateTime::from_timestamp(at, 0).map_or(0, |t| {
        i64::from(
            tz.offset_from_utc_datetime(&t.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-03-31 01:00 UTC: Europe moves from UTC+1 to UTC+2.
    const SPRING: i64 = 1_711_846_800;
    /// 2024-10-27 01:00 UTC: back from UTC+2 to UTC+1.
    const AUTUMN: i64 = 1_729_990_800;

    #[test]
    fn local_time_follows_the_zone_across_both_changes() {
        let mut rome = LocalClock::new(Tz::Europe__Rome);
        assert_eq!(rome.local(SPRING - 1), SPRING - 1 + 3600);
        assert_eq!(rome.local(SPRING), SPRING + 7200, "02:00 CET is 03:00 CEST");
        assert_eq!(rome.local(AUTUMN - 60), AUTUMN - 60 + 7200);
        assert_eq!(rome.local(AUTUMN), AUTUMN + 3600, "03:00 CEST is 02:00 CET");
        // Asked about out of order.
        assert_eq!(rome.local(SPRING + 1800), SPRING + 1800 + 7200);
        assert_eq!(rome.local(SPRING - 1800), SPRING - 1800 + 3600);
        let mut utc = LocalClock::new(Tz::UTC);
        assert_eq!(utc.local(SPRING), SPRING);
    }

    #[test]
    fn an_hour_holding_a_change_is_read_per_instant() {
        // Australia/Lord_Howe moves from UTC+10:30 to UTC+11 at 02:00 local on the first Sunday
        // of October: 2024-10-05 15:30 UTC, in the middle of a UTC hour.
        let mut howe = LocalClock::new(Tz::Australia__Lord_Howe);
        let hour = 1_728_140_400;
        assert_eq!(howe.local(hour), hour + 10 * 3600 + 1800);
        assert_eq!(howe.local(hour + 1799), hour + 1799 + 10 * 3600 + 1800);
        assert_eq!(howe.local(hour + 1800), hour + 1800 + 11 * 3600);
    }
}
