//! Outage detection for one series of bucket counts: pure, deterministic, no I/O, no clock.
//!
//! Feed [`Detector::update`] the count of every closed bucket in time order. Each update
//! compares the count with a seasonal baseline ([`history`]: same time of week in past
//! weeks, or of day in past days, corrected by the recent level to follow growth), scores the
//! deviation of the bucket and of short-window sums under a negative binomial noise model
//! ([`noise`]), accumulates a CUSUM of the log-likelihood ratio for a sustained `shift_ratio`
//! rise, and advances an outage state machine with hysteresis ([`state`]). Each of the two
//! statistics has its own bar, calibrated on the series' own upper tail ([`noise::Tail`]).
//!
//! What is normal for a series (the expected count of any bucket and its 10th to 90th percentile
//! range), for pages and the monitor alike, is [`NormalModel`]: this detector run over hourly counts.
//!
//! The seasonal profile lives in the series' time zone ([`Detector::in_zone`]; UTC by default): its
//! slots, days and weekdays are local wall-clock ones ([`zone`]), so when clocks change the profile
//! moves with the people whose day it follows. A series mixing zones whose clocks change on different
//! dates (a service used in the US and in Europe) is kept in its main market's zone; in the weeks
//! between the two changes the rest of its traffic comes an hour early or late against the profile
//! (see ARCHITECTURE.md, "Time zones of the detector").
//!
//! History is kept inside the detector (about 13 KB per series at the defaults). At server
//! start, [`Detector::warm_hourly`] seeds it from hourly counts before recent fine buckets
//! are replayed through `update`.

mod config;
pub mod groups;
mod history;
mod level;
mod noise;
mod normal;
mod state;
mod status;
mod verdict;
mod window;
mod zone;

pub use config::DetectorConfig;
pub use history::ProfileSource;
pub use noise::{anomaly_score, deviation, report_llr, shift_llr};
pub use normal::{Normal, NormalModel, RANGE_Z, normal};
pub use state::{Event, Outage};
pub use status::{Status, StatuspageIndicator};
pub use verdict::{
    Breadth, BreadthScope, Crossing, NormalRange, Statistic, VerdictEvidence, needed_beyond_usual,
};

use history::{BASE_SLOT_SECS, History};
use level::Level;
use noise::{Dispersion, Tail};
use serde::Serialize;
use state::{Evidence, Lifecycle};
use window::Recent;
use zone::LocalClock;

/// History after which an open outage no longer teaches the level correction (see `update_bucket`):
/// five days. A busy new service's first mornings (days 1 to 4) are declared while its profile learns
/// its day, and holding the level through them left a growing service far below its traffic; a
/// service six days old whose level followed a three-day failure resolved it at night
/// (`detect_lasting_and_quiet`).
const LEVEL_ESTABLISHED_SECS: i64 = 5 * 86_400;

/// Scoring windows: the bucket itself and the short, medium and long sums.
const WINDOWS: usize = 4;
/// Episodes a tail needs at a threshold before its bar is fitted there (five: the fewest from
/// which a mean excess is worth anything). Below that the spike tail falls back to its
/// standard-normal prior at 2, and the CUSUM cannot declare.
const TAIL_MIN_EPISODES: f64 = 5.0;

/// Counts above this are read as this: far more reports than any service gets in one bucket, and
/// small enough that sums of squares over the longest window stay finite (a bucket of 1e40 reports
/// made the noise estimate NaN, and `clamp` then panicked; found by the `replay_csv` fuzz target).
pub const MAX_COUNT: f64 = 1e15;

/// Why the detector refused a call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DetectError {
    #[error("invalid detector settings: {0}")]
    Config(String),
    #[error("bucket step of {0} s is not supported (1 s to 15 min, or a divisor of a day)")]
    Step(i64),
    #[error("bucket at {got} is not after the previous bucket at {previous}")]
    OutOfOrder { previous: i64, got: i64 },
    #[error("warm_hourly must be called before the first update")]
    WarmAfterUpdate,
    #[error("warm_hourly needs slots that divide an hour; this detector's slot is {0} s")]
    WarmSlot(i64),
}

/// One closed bucket of a series, as [`Detector::update_bucket`] takes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    /// Bucket start, epoch seconds.
    pub at: i64,
    /// Counted reports (non-finite: the bucket is missing).
    pub count: f64,
    /// Networks newly reporting in the bucket, for series that know them.
    pub networks: Option<f64>,
    /// Counted "works again for me" reports in the bucket.
    pub recovered: f64,
}

/// The detector's verdict on one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Update {
    /// Bucket start, epoch seconds.
    pub at: i64,
    /// Expected count of this bucket (0 while there is no history at all).
    pub baseline: f64,
    /// Upper edge of the normal band: baseline plus `elevated_z` noise standard deviations.
    pub upper: f64,
    /// Largest deviation over the bucket and the scoring windows (normal-quantile units).
    pub deviation: f64,
    /// Deviation needed to declare an outage now: `outage_z`, raised for series whose own
    /// history shows bursts that large more often than the false-alarm budget allows.
    pub threshold: f64,
    /// `deviation` mapped into [0, 1); 0.5 at `threshold` (or the sustained-shift CUSUM at its
    /// own bar, whichever is larger).
    pub anomaly_score: f64,
    pub status: Status,
    /// Set on the update where an outage starts or is resolved.
    pub event: Option<Event>,
    /// The statistic furthest past (or nearest to) its bar in this bucket: which spike window or
    /// the sustained-rise CUSUM, its deviation and its bar (the evidence of a verdict).
    pub crossing: Crossing,
    /// Start of the bucket from which the sustained-rise CUSUM has added up its evidence (`None`
    /// while it is at zero): the span a sustained verdict rests on.
    pub sustained_since: Option<i64>,
}

/// Online outage detector for one series. Cheap to clone; `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Detector {
    cfg: DetectorConfig,
    step: i64,
    slot_secs: i64,
    /// The zone whose wall-clock time the seasonal slots follow.
    clock: LocalClock,
    history: History,
    level: Level,
    recent: Recent,
    /// Buckets in the scoring windows: the bucket itself, short, medium, long.
    windows: [usize; WINDOWS],
    reporter_buckets: usize,
    /// Networks of the last buckets, newest last, for the breadth rule (empty while the series has
    /// never carried networks).
    networks: std::collections::VecDeque<f64>,
    breadth_buckets: usize,
    dispersion: [Dispersion; WINDOWS],
    decay: f64,
    prior_n: f64,
    tail: Tail,
    tail_decay: f64,
    /// Buckets below a tail threshold that end an episode (the refractory period).
    episode_gap: u32,
    tail_prior_n: f64,
    /// False-alarm budget per bucket.
    tail_rate: f64,
    floor: f64,
    lifecycle: Lifecycle,
    slot: Option<SlotAcc>,
    last_at: Option<i64>,
    status: Status,
    threshold: f64,
    seen_secs: i64,
    /// Whether history learns an open outage's buckets as their expectation (`for_normal`).
    outage_blind: bool,
    /// CUSUM of the log-likelihood ratio for a sustained `shift_ratio` rise.
    cusum: f64,
    /// The bucket where the CUSUM last rose from zero.
    cusum_since: Option<i64>,
    /// Tail calibration of the CUSUM's deviation, and the bar it gives.
    shift_tail: Tail,
    shift_threshold: f64,
}

/// The slot being filled: its running (clipped) sum and the profile computed at its start.
#[derive(Debug, Clone, Copy)]
struct SlotAcc {
    slot: i64,
    sum: f64,
    /// The same for the level correction (the expectation while an outage is open).
    level_sum: f64,
    covered: i64,
    profile: Option<f64>,
    /// Whether the profile comes from past days or weeks.
    seasonal: bool,
    /// The slot's profile from past weeks alone (recorded for the level correction).
    weekly: Option<f64>,
    level: f64,
}

impl Detector {
    /// A detector for buckets of `step_secs` seconds.
    pub fn new(cfg: DetectorConfig, step_secs: i64) -> Result<Self, DetectError> {
        cfg.validate().map_err(DetectError::Config)?;
        let slot_secs = match step_secs {
            s if (1..=BASE_SLOT_SECS).contains(&s) => BASE_SLOT_SECS,
            s if s > 0 && 86_400 % s == 0 => s,
            s => return Err(DetectError::Step(s)),
        };
        let buckets = |secs: i64| ((secs + step_secs - 1) / step_secs).max(1) as usize;
        let windows = [
            1,
            buckets(cfg.short_window_secs),
            buckets(cfg.medium_window_secs),
            buckets(cfg.long_window_secs),
        ];
        let reporter_buckets = buckets(cfg.reporter_window_secs);
        let capacity = windows
            .iter()
            .copied()
            .chain([reporter_buckets, buckets(cfg.breadth_window_secs)])
            .max()
            .unwrap_or(1);
        let level_slots = cfg.level_window_secs / slot_secs;
        Ok(Self {
            cfg,
            step: step_secs,
            slot_secs,
            clock: LocalClock::new(chrono_tz::Tz::UTC),
            history: History::new(slot_secs, cfg.season_weeks),
            level: Level::new(level_slots),
            recent: Recent::new(capacity),
            windows,
            reporter_buckets,
            networks: std::collections::VecDeque::new(),
            breadth_buckets: buckets(cfg.breadth_window_secs),
            dispersion: [Dispersion::default(); WINDOWS],
            decay: 0.5f64.powf(step_secs as f64 / cfg.dispersion_halflife_secs as f64),
            prior_n: cfg.dispersion_prior_secs as f64 / step_secs as f64,
            tail: Tail::default(),
            episode_gap: buckets(cfg.refractory_secs) as u32,
            tail_decay: 0.5f64.powf(step_secs as f64 / cfg.tail_halflife_secs as f64),
            tail_prior_n: cfg.tail_prior_secs as f64 / step_secs as f64,
            tail_rate: step_secs as f64 / cfg.false_alarm_interval_secs as f64,
            floor: cfg.floor_per_hour * step_secs as f64 / 3600.0,
            lifecycle: Lifecycle::default(),
            slot: None,
            last_at: None,
            status: Status::Normal,
            threshold: cfg.outage_z,
            seen_secs: 0,
            outage_blind: false,
            cusum: 0.0,
            cusum_since: None,
            shift_tail: Tail::default(),
            shift_threshold: cfg.outage_z,
        })
    }

    /// A detector for buckets of `step_secs` seconds whose seasonal profile (time of day, day of
    /// week, weekday or weekend) follows the wall-clock time of `zone`: the series of a service or
    /// region whose people live there. [`Detector::new`] is this in UTC.
    pub fn in_zone(
        cfg: DetectorConfig,
        step_secs: i64,
        zone: chrono_tz::Tz,
    ) -> Result<Self, DetectError> {
        let mut detector = Self::new(cfg, step_secs)?;
        detector.clock = LocalClock::new(zone);
        Ok(detector)
    }

    /// The zone the seasonal profile follows.
    pub fn zone(&self) -> chrono_tz::Tz {
        self.clock.tz()
    }

    pub fn config(&self) -> &DetectorConfig {
        &self.cfg
    }

    pub fn step_secs(&self) -> i64 {
        self.step
    }

    /// Status after the latest update.
    pub fn status(&self) -> Status {
        self.status
    }

    /// Expected count of the latest bucket before the floor (`floor_per_hour`) is applied, or `None`
    /// while there is no profile: what the series itself holds, for [`NormalModel`].
    pub(crate) fn expected_unfloored(&self) -> Option<f64> {
        let acc = self.slot?;
        let fraction = self.step as f64 / self.slot_secs as f64;
        acc.profile.map(|p| p * acc.level * fraction)
    }

    /// This detector as the model of what is normal that readers see (`NormalModel`): its history
    /// learns an open outage's buckets as what was expected of them. Winsorised at the band's top, a
    /// failure lasting days still taught its history 1.5-2x its usual, and for a week after it every
    /// ordinary hour read below the chart's band. The detector that declares outages keeps learning
    /// in steps: held still, a young series whose profile is still learning its day would be
    /// declared every morning, and one false declaration would freeze an established series' history.
    pub(crate) fn for_normal(mut self) -> Self {
        self.outage_blind = true;
        self
    }

    /// The outage in progress, if any.
    pub fn open_outage(&self) -> Option<&Outage> {
        self.lifecycle.open()
    }

    /// Current overdispersion estimates (`alpha` of the bucket and of each window).
    pub fn overdispersion(&self) -> [f64; WINDOWS] {
        self.dispersion
            .map(|d| d.alpha(self.cfg.dispersion_prior, self.prior_n))
    }

    /// Bytes of state held for this series (struct plus heap).
    pub fn memory_bytes(&self) -> usize {
        size_of::<Self>()
            + self.history.heap_bytes()
            + self.level.heap_bytes()
            + self.recent.heap_bytes()
            + self.networks.capacity() * size_of::<f64>()
    }

    /// Seeds the seasonal history from hourly counts `(hour start, count)` in ascending order,
    /// e.g. the counter store's hourly buckets of the last weeks. Hours that do not end by
    /// `until` (the first bucket that will be passed to `update`) are skipped, so the overlap
    /// with the fine buckets replayed afterwards is never counted twice. Each hour is spread
    /// evenly over its slots (the shape within an hour is unknown), the local slots of the
    /// detector's zone: the hour a spring change skips holds none; the hour an autumn change
    /// repeats is kept once, the first time.
    pub fn warm_hourly(&mut self, hours: &[(i64, f64)], until: i64) -> Result<(), DetectError> {
        if self.last_at.is_some() {
            return Err(DetectError::WarmAfterUpdate);
        }
        if 3600 % self.slot_secs != 0 {
            return Err(DetectError::WarmSlot(self.slot_secs));
        }
        let per_hour = 3600 / self.slot_secs;
        for &(start, count) in hours {
            if start + 3600 > until || !count.is_finite() {
                continue;
            }
            let first = self.clock.local(start).div_euclid(self.slot_secs);
            for s in first..first + per_hour {
                self.history
                    .push(s, Some(count.clamp(0.0, MAX_COUNT) / per_hour as f64));
            }
            self.seen_secs += 3600;
        }
        Ok(())
    }

    /// Processes the bucket starting at `at` (epoch seconds) with `count` reports. A
    /// non-finite count marks the bucket as missing; one above [`MAX_COUNT`] is read as that. Buckets must come in increasing time;
    /// skipped buckets count as missing (not as zero).
    pub fn update(&mut self, at: i64, count: f64) -> Result<Update, DetectError> {
        self.update_with_networks(at, count, None)
    }

    /// [`Detector::update`] for a series that also knows how many networks newly reported in the
    /// bucket (see `counts::Dim::Networks`): an outage then also needs breadth (`min_networks`,
    /// `networks_share`). With `None` the bucket adds no networks but the rule still holds once the
    /// series has carried networks.
    pub fn update_with_networks(
        &mut self,
        at: i64,
        count: f64,
        networks: Option<f64>,
    ) -> Result<Update, DetectError> {
        self.update_bucket(Bucket {
            at,
            count,
            networks,
            recovered: 0.0,
        })
    }

    /// Processes one closed bucket with everything known about it: its counted reports, the
    /// networks newly reporting in it (see [`Detector::update_with_networks`]) and its counted
    /// "works again for me" reports, which are evidence that an open outage is over.
    pub fn update_bucket(&mut self, b: Bucket) -> Result<Update, DetectError> {
        let Bucket {
            at,
            count,
            networks,
            recovered,
        } = b;
        if let Some(previous) = self.last_at {
            if at <= previous {
                return Err(DetectError::OutOfOrder { previous, got: at });
            }
            // Only the newest buckets matter to the windows; older gaps need no entries.
            let skipped = ((at - previous) / self.step - 1).clamp(0, self.recent.capacity() as i64);
            for _ in 0..skipped {
                self.recent.push(None, 0.0);
            }
        }
        self.last_at = Some(at);
        let count = count.is_finite().then(|| count.clamp(0.0, MAX_COUNT));
        // Slots are local wall-clock time (see `zone`); ordering stays by `at`.
        let slot = self.clock.local(at).div_euclid(self.slot_secs);
        let acc = self.slot_for(slot);
        let fraction = self.step as f64 / self.slot_secs as f64;
        let baseline = acc
            .profile
            .map_or(0.0, |p| (p * acc.level * fraction).max(self.floor));

        self.recent.push(count, baseline);
        let mut alphas = [0.0; WINDOWS];
        let mut sums = [(0.0, 0.0); WINDOWS];
        let mut z = [0.0f64; WINDOWS];
        for i in 0..WINDOWS {
            alphas[i] = self.dispersion[i].alpha(self.cfg.dispersion_prior, self.prior_n);
            sums[i] = self.recent.sums(self.windows[i]);
            z[i] = deviation(sums[i].0, sums[i].1, alphas[i]);
        }
        // A sustained rise that no window sum shows alone accumulates in the CUSUM; its
        // statistic is put on the deviation scale (sqrt(2 LLR), as for the deviance).
        if let (Some(c), Some(_), false) = (count, acc.profile, self.status.outage_open()) {
            let llr = shift_llr(c, baseline, alphas[0], self.cfg.shift_ratio);
            if self.cusum == 0.0 && llr > 0.0 {
                self.cusum_since = Some(at);
            }
            self.cusum = (self.cusum + llr).max(0.0);
            if self.cusum == 0.0 {
                self.cusum_since = None;
            }
        }
        let z_shift = (2.0 * self.cusum).sqrt();
        let zmax = z.iter().copied().fold(0.0, f64::max);
        // The bar is held while a series is elevated, so a slowly building incident cannot
        // push it up ahead of itself.
        if self.status == Status::Normal {
            self.threshold = self
                .tail
                .level(self.tail_rate, self.tail_prior_n, TAIL_MIN_EPISODES)
                .max(self.cfg.outage_z);
            self.shift_threshold = self
                .shift_tail
                .level(self.tail_rate, 0.0, TAIL_MIN_EPISODES)
                .max(self.cfg.outage_z);
        }
        let threshold = self.threshold;
        let (reporters, _) = self.recent.sums(self.reporter_buckets);
        let broad = self.broad(networks);
        // Evidence that an open outage is over: this bucket's likelihood under normal against
        // still `resolve_ratio` times normal, and each counted "works again for me" report as much
        // as one report fewer would be.
        let back_llr = match (count, acc.profile) {
            (Some(c), Some(_)) => {
                let rho = self.cfg.resolve_ratio;
                let recovered = if recovered.is_finite() {
                    recovered.clamp(0.0, MAX_COUNT)
                } else {
                    0.0
                };
                recovered * report_llr(baseline, alphas[0], rho)
                    - shift_llr(c, baseline, alphas[0], rho)
            }
            _ => 0.0,
        };
        let evidence = Evidence {
            at,
            step: self.step,
            count: count.unwrap_or(0.0),
            baseline,
            z: zmax,
            threshold,
            z_short: z[1],
            back_llr,
            z_shift,
            shift_threshold: self.shift_threshold,
            reporters,
            broad,
            warmed_up: acc.profile.is_some() && self.seen_secs >= self.cfg.warmup_secs,
        };
        let (status, event) = self.lifecycle.step(&evidence, &self.cfg);
        self.status = status;
        // The run the CUSUM added up, for this bucket's evidence, before an outage resets it.
        let sustained_since = self.cusum_since;
        if status.outage_open() {
            self.cusum = 0.0;
            self.cusum_since = None;
        }

        let sd = (baseline + alphas[0] * baseline * baseline).sqrt();
        if let Some(c) = count {
            // Noise is learnt from normal buckets only, so an incident does not numb the
            // detector while it lasts. The tails are learnt from every bucket once a seasonal
            // (not merely recent) baseline exists, so start-up misfit is not taken for
            // burstiness; declared outages included, since leaving out exactly the episodes
            // that crossed the bar would censor the tail there and understate how often the
            // series crosses it (the bar would then sit below the false-alarm budget).
            if acc.profile.is_some() && status == Status::Normal {
                for (d, (&(x, m), &a)) in self.dispersion.iter_mut().zip(sums.iter().zip(&alphas)) {
                    d.observe(x, m, a, self.decay);
                }
            }
            if acc.seasonal {
                self.tail.observe(zmax, self.tail_decay, self.episode_gap);
                self.shift_tail
                    .observe(z_shift, self.tail_decay, self.episode_gap);
            }
            // What enters history is winsorised at the top of the normal band, so a burst
            // cannot inflate the baseline, while a lasting change is still learnt in steps. A
            // lone report is no burst: where the band's top is below one report, clipping every
            // report to it taught sparse series about half their rate, and their counts back to
            // normal then read as still raised, so an outage could not resolve.
            let kept = match acc.profile {
                // What normal looks like to readers learns an outage's buckets as what was expected
                // of them (see `Detector::for_normal`).
                Some(p) if self.outage_blind && status.outage_open() => p * acc.level * fraction,
                Some(_) => c.min((baseline + 3.0 * sd).max(1.0)),
                None => c,
            };
            // While an outage is open, the level correction learns the expectation instead: it
            // is the one path by which an outage's own days reach its baseline while it lasts
            // (the weekly profile looks a week back and more, where its trimmed mean ignores one
            // bad week), and over days it would follow the outage and let it fade into "normal".
            // History keeps learning in steps: young series, whose daily profile is still
            // learning the shape of their day, get their first mornings declared, and a baseline
            // held still there would declare them every morning. `max_outage_secs` bounds what
            // the level ignores.
            // A series in its first days is still learning its day: the outages it declares then
            // are mostly its own first mornings, and holding the level at their expectation taught
            // it a level far below its traffic (a growing service read its first weekly-profile
            // Monday as an outage). See `LEVEL_ESTABLISHED_SECS`.
            let level_kept = match acc.profile {
                Some(p) if status.outage_open() && self.seen_secs >= LEVEL_ESTABLISHED_SECS => {
                    p * acc.level * fraction
                }
                _ => kept,
            };
            if let Some(a) = self.slot.as_mut() {
                a.sum += kept;
                a.level_sum += level_kept;
                a.covered += self.step;
            }
            self.seen_secs += self.step;
        }
        Ok(Update {
            at,
            baseline,
            upper: baseline + self.cfg.elevated_z * sd,
            deviation: zmax,
            threshold,
            anomaly_score: anomaly_score(zmax, threshold)
                .max(anomaly_score(z_shift, self.shift_threshold)),
            status,
            event,
            crossing: Crossing::strongest(
                &std::array::from_fn::<_, WINDOWS, _>(|i| {
                    (self.windows[i] as i64 * self.step, z[i])
                }),
                threshold,
                z_shift,
                self.shift_threshold,
            ),
            sustained_since,
        })
    }

    /// Records this bucket's networks and says whether the breadth window holds enough of them: at
    /// least `min_networks`, and `networks_share` of the expected reports, beyond the networks that
    /// normal traffic brings (about one per expected report, give or take `breadth_z` standard
    /// deviations of its Poisson noise).
    fn broad(&mut self, networks: Option<f64>) -> bool {
        match networks {
            Some(n) => self.networks.push_back(n.max(0.0)),
            None if self.networks.is_empty() => return true,
            None => self.networks.push_back(0.0),
        }
        while self.networks.len() > self.breadth_buckets {
            self.networks.pop_front();
        }
        // Normal traffic brings about one network per expected report: breadth is what comes on top.
        let distinct: f64 = self.networks.iter().sum();
        let (_, expected) = self.recent.sums(self.breadth_buckets);
        distinct - expected >= verdict::needed_beyond_usual(expected, &self.cfg)
    }

    /// The accumulator of `slot`, closing the previous slot into history if needed.
    fn slot_for(&mut self, slot: i64) -> SlotAcc {
        match self.slot {
            Some(acc) if acc.slot == slot => acc,
            previous => {
                if let Some(acc) = previous {
                    // Half a slot observed is enough for a fair estimate of the whole.
                    let scale = self.slot_secs as f64 / acc.covered as f64;
                    let observed = acc.covered * 2 >= self.slot_secs;
                    self.history
                        .push(acc.slot, observed.then_some(acc.sum * scale));
                    if let (Some(p), true) = (acc.profile, observed) {
                        self.level
                            .record(acc.slot, p, acc.weekly, acc.level_sum * scale);
                    }
                }
                let profile = self.history.profile(slot, &self.cfg);
                let weekly = profile.is_some_and(|(_, src)| src == ProfileSource::Weekly);
                let acc = SlotAcc {
                    slot,
                    sum: 0.0,
                    level_sum: 0.0,
                    covered: 0,
                    profile: profile.map(|(p, _)| p),
                    seasonal: profile.is_some_and(|(_, src)| src != ProfileSource::Recent),
                    weekly: match profile {
                        Some((p, ProfileSource::Weekly)) => Some(p),
                        Some(_) if self.level.enabled() => {
                            self.history.weekly_profile(slot, &self.cfg)
                        }
                        _ => None,
                    },
                    level: self.level.ratio(slot, self.cfg.level_prior_count, weekly),
                };
                self.slot = Some(acc);
                acc
            }
        }
    }
}

#[cfg(test)]
mod tests;
