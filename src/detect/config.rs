//! Detector settings: one place, every default documented with its reason.

use serde::Deserialize;

/// Settings of the outage detector. `Default` is the setting used by the server and by
/// `downtally replay` for every series; change it only with evidence (see BENCHMARKS.md).
///
/// Times are in seconds so that the same settings mean the same thing at 1-minute
/// (server) and 5-minute (NAB) buckets.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DetectorConfig {
    /// Weeks of seasonal history kept per series. Default 8: the counter store keeps 8 weeks of
    /// hourly buckets, and 8 weekly values give a trimmed mean that survives two bad weeks.
    /// Memory is `season_weeks * 672 * 2` bytes (10.5 KiB at 8 weeks, 15-minute slots).
    pub season_weeks: u32,
    /// Same-slot values of past weeks needed before the weekly (hour-of-week) profile replaces
    /// the daily (hour-of-day) one. Default 3: the smallest number whose trimmed mean
    /// (the median of 3) ignores one bad week.
    pub min_weekly_lags: u32,
    /// Past days whose same time of day form the profile while weekly history is too short.
    /// Default 7 (one week); day 7 is also weekly lag 1.
    pub daily_lags: u32,
    /// While weekly history is too short, take the daily lags from past days of the same kind only
    /// (Monday to Friday, or Saturday and Sunday, local days of the detector's zone) when there are
    /// any. Services are quieter at weekends, and a profile that mixes the two reads every weekend
    /// hour below normal and every weekday hour above it. Default true, for the detector and the
    /// normal range pages show (`NormalModel`) alike; on the NAB kit it also scores better
    /// (BENCHMARKS.md).
    pub daily_same_day_type: bool,
    /// Recent 15-minute slots used when there is not even one day of history (a newly listed
    /// service). Default 16 (4 hours): long enough to be stable, short enough to follow the
    /// time of day roughly.
    pub recent_slots: u32,
    /// Reports the profile must rest on before it stops widening its time-of-day window
    /// (±1, ±2, ±4 … slots). Default 30: a Poisson count of 30 has a relative error of 18 %,
    /// which keeps sparse services from chasing noise; busy services never widen.
    pub baseline_min_count: f64,
    /// Widest half-window in slots (either side) for sparse services. Default 8 (±2 hours):
    /// wider windows would blur the daily cycle more than they reduce noise.
    pub max_half_width_slots: u32,
    /// Window over which the recent level is compared with the profile to follow growth and
    /// decline. Default 7 days: a whole weekly cycle, so the time of day and the day of week
    /// cancel out (the daily profile of a new service mixes weekdays and weekends), and an
    /// incident lasting hours barely moves it (x2 for 12 h raises the baseline by about 10 %;
    /// a 24 h window raised it by 50-70 % and so hid slowly building incidents from the
    /// detector). Steady growth is still followed without lag, because the profile and the
    /// counts grow alike and their ratio stays constant; a sudden lasting change is adopted
    /// over days, shown as elevated meanwhile. Kept in at most 96 bins. 0 disables.
    pub level_window_secs: i64,
    /// Pseudo-count that shrinks the level ratio towards 1 when the level window holds few
    /// reports. Default 30 (the same precision target as `baseline_min_count`).
    pub level_prior_count: f64,
    /// Lowest expected rate, in reports per hour. Default 0.5: a service nobody reported for
    /// weeks still expects an occasional report, so one report is notable but not alarming.
    pub floor_per_hour: f64,
    /// Prior squared coefficient of variation of counts beyond Poisson noise (negative
    /// binomial `1/k`). Default 0.05 (±22 % extra variation), typical of human activity counts;
    /// replaced by the estimate as data arrives.
    pub dispersion_prior: f64,
    /// Weight of that prior, in seconds of data. Default 1 day.
    pub dispersion_prior_secs: i64,
    /// Half-life of the overdispersion estimate. Default 3 days: slow enough that a burst does
    /// not numb the detector, fast enough to learn a new series within its first week.
    pub dispersion_halflife_secs: i64,
    /// Short scoring window (sum of buckets). Default 300 s: a 5-minute sum is the first one
    /// where a 5x rise of a service with 1 report a minute is clearly significant.
    pub short_window_secs: i64,
    /// Medium scoring window. Default 900 s: catches slower build-ups of sparse services within
    /// the 15-minute de-duplication horizon of a reporter.
    pub medium_window_secs: i64,
    /// Long scoring window. Default 3600 s: an hour-long moderate rise (x3 to x5) that no
    /// single bucket shows, as in slowly spreading failures.
    pub long_window_secs: i64,
    /// Rate multiple a CUSUM of the negative binomial log-likelihood ratio looks for, so that
    /// a sustained rise too weak for any single window still accumulates evidence over hours.
    /// Default 5, the outage size the product is specified against (a 5x rise): the CUSUM
    /// drifts down for any rise below (rho - 1) / ln(rho) = x2.5 of the baseline, which leaves
    /// day-to-day variation and a growing service's lagging baseline alone. Its bar is
    /// calibrated on its own declustered upper tail with the same false-alarm budget.
    pub shift_ratio: f64,
    /// Deviation (in standard-normal units of the upper tail) that marks a series as elevated.
    /// Default 3 (one-sided p ≈ 1.3e-3): worth showing, not worth declaring. Shown only once it
    /// has held for `elevated_secs` with at least half of `min_reporters` in the reporter window.
    pub elevated_z: f64,
    /// How long the deviation must stay above `elevated_z` before a series shows as elevated.
    /// Default 300 s: over four scoring windows a quiet series crosses p ≈ 1e-3 in some single
    /// minute several times a day; "reports are above normal" must not flicker on that noise.
    pub elevated_secs: i64,
    /// Deviation needed to declare an outage. Default 5 (p ≈ 3e-7): with 40,320 one-minute
    /// buckets in four weeks and three windows this keeps false declarations of a well-modelled
    /// series well under one per four weeks, leaving room for model error.
    pub outage_z: f64,
    /// False-alarm budget: the detector raises its bar above `outage_z` to the deviation this
    /// series itself exceeds only once per this interval (see `noise::Tail`). Default 28 days,
    /// the product's target of at most one false outage per service per four weeks.
    pub false_alarm_interval_secs: i64,
    /// Half-life of the tail calibration. Default 14 days: remembers bursts for weeks.
    pub tail_halflife_secs: i64,
    /// Weight of the standard-normal prior of the tail calibration. Default 1 day of buckets.
    pub tail_prior_secs: i64,
    /// Deviation of the short window below which a bucket counts as back to normal (an open
    /// outage then reads "improving" once the evidence leans towards normal, see
    /// `resolve_evidence`). Default 2: clearly inside the ordinary noise band.
    pub resolve_z: f64,
    /// How long counts must stay back to normal before an outage is resolved (with enough
    /// evidence, see `resolve_evidence`). Default 300 s: a lull of a minute or two between
    /// bursts of reports is not a recovery.
    pub resolve_secs: i64,
    /// The still-elevated rate, as a multiple of the expectation, that the evidence for a
    /// recovery is weighed against: while an outage is open, a CUSUM adds up the negative
    /// binomial log-likelihood ratio of every bucket for "back to normal" (ratio 1) against
    /// "still this many times normal". Default 2: an outage that has eased to twice the usual
    /// reports is still one to its users (the Barclays failure ran at about x2.5 for three days),
    /// and the break-even of the two, 1 / ln 2 = x1.44, leaves the ordinary noise of a service
    /// back to normal well on the recovery side.
    pub resolve_ratio: f64,
    /// Log-likelihood ratio that CUSUM must reach before an outage is resolved. Default ln 10^4
    /// (9.2): under the still-elevated rate a resolution is that much less likely than under a
    /// real recovery. It must be that strict because the CUSUM starts afresh at every lull and a
    /// long outage gives it thousands of chances: at ln 100, five minutes with two reports where normal
    /// traffic brings seven, on a service running at x2.5, were taken for a recovery, and
    /// three-day simulated outages of 0.5 to 5 reports a minute at peak were split in two or three
    /// (18 of 24 runs; none at ln 10^4). The evidence of a bucket grows with the
    /// reports normal traffic would bring in it (about 0.31 per expected report when counts are
    /// back), so a busy service back to normal at noon resolves within `resolve_secs`, a service
    /// with 5 reports a minute within about 6 minutes, a quiet one in the time normal traffic
    /// takes to bring about 30 reports; a quiet night, with too few expected reports to tell a
    /// recovery from an outage that goes on, cannot resolve one at all: a failure lasting days
    /// stays one outage. Half of it (100 to 1) with counts back within normal reads "improving".
    /// Counted "works again for me" reports each add what one missing report would
    /// (`Detector::update_bucket`), never enough on their own: counts must also be back within
    /// normal for `resolve_secs`.
    pub resolve_evidence: f64,
    /// Longest an outage stays open: after this it is closed whether or not counts came back.
    /// While an outage is open the seasonal history and the level correction learn the
    /// expectation, not the counts, so that a failure lasting days does not teach the baseline
    /// that it is normal; a change that lasts longer than a week (a new user base, a new way of
    /// reporting) is no failure the reports can tell apart from the service's new normal, and the
    /// baseline must be free to learn it. Default 7 days: a whole weekly cycle without any hour
    /// back to normal; after it the series shows as elevated while the level correction (itself a
    /// week long) adopts the change, and a new outage waits for the deviation to settle, as after
    /// any outage (`refractory_secs`).
    pub max_outage_secs: i64,
    /// Reports needed in the reporter window before an outage can be declared. Reports are
    /// de-duplicated per reporter over 15 minutes, so within that window they are distinct
    /// reporters. Default 18: with the window widened from 5 to 15 minutes, ten let a sparse
    /// series' ordinary quarter hours through far more often (the NAB kit's sparsest series, a
    /// median of 0 to 2 a bucket, doubled their false alarms); 18 keeps the bar's selectivity
    /// while 20 people in 10 minutes on a quiet service still pass it (BENCHMARKS.md, issue 12).
    pub min_reporters: f64,
    /// Window for `min_reporters`. Default 900 s, the de-duplication window of a reporter
    /// (`counts::admission`): its reports are then distinct people, and a quiet service's outage
    /// is heard once enough people have reported it within a quarter hour. A 5-minute window asked
    /// for two reporters a minute, a pace a service that normally gets a report every ten minutes
    /// may keep up for only minutes (20 reporters in 10 minutes often hold ten in no 5 minutes);
    /// busy services reach ten in any window, and the deviation and its bar
    /// still decide.
    pub reporter_window_secs: i64,
    /// Breadth: distinct networks (IPv4 /24, IPv6 /48) beyond those normal traffic brings (about
    /// one per expected report) that must have reported in the breadth window before an outage is
    /// declared, so that a handful of networks cannot declare one whatever they send. Default 6.
    /// Only where the series carries networks: `replay` (counts alone, as in the NAB kit) skips
    /// the rule.
    pub min_networks: f64,
    /// Breadth scaled to the service's usual traffic: the extra networks must also number this
    /// share of the reports normal traffic brings in the breadth window. Default 0.25: a busy
    /// service's outage brings reports from many networks, so a few dozen cannot pass for one.
    pub networks_share: f64,
    /// Margin for the noise of normal traffic's networks, in Poisson standard deviations
    /// (`sqrt` of the expected reports in the window). Default 2: a quiet quarter hour that
    /// happens to bring a few more people than usual does not pass for breadth.
    pub breadth_z: f64,
    /// Window over which networks are counted for breadth. Default 900 s, the window of the
    /// network bound (each network is counted once per 15-minute block).
    pub breadth_window_secs: i64,
    /// Data (history plus live buckets) the detector must have seen before it declares an
    /// outage. Default 3600 s: an hour gives a first, rough baseline for a new service; before
    /// that a burst can only show as elevated.
    pub warmup_secs: i64,
    /// After an outage is resolved, no new outage is declared for this long; a renewed rise is
    /// shown as elevated. Default 3600 s: reports trail off unevenly after an incident, and a
    /// flare-up within the hour is the same incident to a reader. After it, a new outage also
    /// needs the deviation to have fallen below `elevated_z` once since the last one ended:
    /// counts that never settled (a lasting change the baseline is still adopting, whose
    /// short window dipped long enough to resolve) are the same incident, not a new one.
    pub refractory_secs: i64,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        Self {
            season_weeks: 8,
            min_weekly_lags: 3,
            daily_lags: 7,
            daily_same_day_type: true,
            recent_slots: 16,
            baseline_min_count: 30.0,
            max_half_width_slots: 8,
            level_window_secs: 7 * 86_400,
            level_prior_count: 30.0,
            floor_per_hour: 0.5,
            dispersion_prior: 0.05,
            dispersion_prior_secs: 86_400,
            dispersion_halflife_secs: 3 * 86_400,
            short_window_secs: 300,
            medium_window_secs: 900,
            long_window_secs: 3600,
            shift_ratio: 5.0,
            elevated_z: 3.0,
            elevated_secs: 300,
            outage_z: 5.0,
            false_alarm_interval_secs: 28 * 86_400,
            tail_halflife_secs: 14 * 86_400,
            tail_prior_secs: 86_400,
            resolve_z: 2.0,
            resolve_secs: 300,
            resolve_ratio: 2.0,
            resolve_evidence: 10_000f64.ln(),
            max_outage_secs: 7 * 86_400,
            min_reporters: 18.0,
            reporter_window_secs: 900,
            min_networks: 6.0,
            networks_share: 0.25,
            breadth_z: 2.0,
            breadth_window_secs: 900,
            warmup_secs: 3600,
            refractory_secs: 3600,
        }
    }
}

impl DetectorConfig {
    /// Checks the ranges the detector relies on; the message names the offending field.
    pub fn validate(&self) -> Result<(), String> {
        let checks: [(bool, &str); 17] = [
            (self.shift_ratio > 1.0, "shift_ratio must be > 1"),
            (
                (1..=52).contains(&self.season_weeks),
                "season_weeks must be 1..=52",
            ),
            (self.min_weekly_lags >= 1, "min_weekly_lags must be >= 1"),
            (
                (1..=7).contains(&self.daily_lags),
                "daily_lags must be 1..=7",
            ),
            (
                (1..=96).contains(&self.recent_slots),
                "recent_slots must be 1..=96",
            ),
            (
                self.baseline_min_count >= 0.0,
                "baseline_min_count must be >= 0",
            ),
            (
                self.max_half_width_slots <= 48,
                "max_half_width_slots must be <= 48",
            ),
            (
                self.level_window_secs >= 0 && self.level_prior_count > 0.0,
                "level_window_secs must be >= 0 and level_prior_count > 0",
            ),
            (self.floor_per_hour > 0.0, "floor_per_hour must be > 0"),
            (
                self.dispersion_prior >= 0.0
                    && self.dispersion_prior_secs >= 0
                    && self.dispersion_halflife_secs > 0,
                "dispersion_prior and dispersion_prior_secs must be >= 0, dispersion_halflife_secs > 0",
            ),
            (
                self.short_window_secs > 0
                    && self.medium_window_secs > 0
                    && self.long_window_secs > 0
                    && self.reporter_window_secs > 0,
                "window lengths must be > 0",
            ),
            (
                self.elevated_z > 0.0
                    && self.outage_z >= self.elevated_z
                    && self.elevated_secs >= 0,
                "need 0 < elevated_z <= outage_z and elevated_secs >= 0",
            ),
            (
                self.false_alarm_interval_secs > 0
                    && self.tail_halflife_secs > 0
                    && self.tail_prior_secs >= 0,
                "false_alarm_interval_secs and tail_halflife_secs must be > 0, tail_prior_secs >= 0",
            ),
            (
                self.resolve_z < self.outage_z && self.resolve_secs >= 0,
                "need resolve_z < outage_z and resolve_secs >= 0",
            ),
            (
                self.resolve_ratio > 1.0
                    && self.resolve_evidence >= 0.0
                    && self.max_outage_secs > 0,
                "need resolve_ratio > 1, resolve_evidence >= 0 and max_outage_secs > 0",
            ),
            (
                self.min_reporters >= 0.0 && self.refractory_secs >= 0 && self.warmup_secs >= 0,
                "min_reporters, warmup_secs and refractory_secs must be >= 0",
            ),
            (
                self.min_networks >= 0.0
                    && (0.0..=1.0).contains(&self.networks_share)
                    && self.breadth_z >= 0.0
                    && self.breadth_window_secs > 0,
                "need min_networks >= 0, networks_share in 0..=1, breadth_z >= 0 and breadth_window_secs > 0",
            ),
        ];
        match checks.iter().find(|(ok, _)| !ok) {
            Some((_, msg)) => Err((*msg).to_string()),
            None => Ok(()),
        }
    }
}
