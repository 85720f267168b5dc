//! Outage state machine with hysteresis: a high bar to declare (deviation and reporters),
//! evidence of a return to normal to resolve (counts back within normal for a while *and* enough
//! of the reports normal traffic brings to tell a recovery from an outage that goes on), and a
//! refractory period after resolution; a new outage also needs the deviation to have settled below
//! the elevated bar since the last one.

use serde::Serialize;

use super::config::DetectorConfig;
pub use super::status::Status;

/// An outage, open (`end` is `None`) or resolved. Times are bucket starts, epoch seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Outage {
    /// Start of the bucket in which the outage was declared.
    pub start: i64,
    /// Start of the first bucket of the return to normal that resolved it (the later of the quiet
    /// run's start and the start of the evidence that decided it), or, for an outage closed after
    /// `max_outage_secs`, the bucket that closed it.
    pub end: Option<i64>,
    /// Bucket with the highest count so far.
    pub peak_at: i64,
    pub peak_count: f64,
    /// Expected count of the peak bucket.
    pub baseline_at_peak: f64,
}

/// A change of outage state, reported on the update where it happens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Started(Outage),
    Resolved(Outage),
}

/// What the state machine needs from one bucket.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Evidence {
    pub at: i64,
    pub step: i64,
    pub count: f64,
    pub baseline: f64,
    /// Largest deviation over the scoring windows.
    pub z: f64,
    /// Deviation needed to declare an outage.
    pub threshold: f64,
    /// Deviation of the short window (used to decide that counts are back to normal).
    pub z_short: f64,
    /// Log-likelihood ratio of this bucket for "back to normal" against "still `resolve_ratio`
    /// times normal", counted "works again for me" reports included (0 for a missing bucket).
    pub back_llr: f64,
    /// Deviation of the sustained-shift CUSUM and the bar it must reach.
    pub z_shift: f64,
    pub shift_threshold: f64,
    /// Reports in the reporter window.
    pub reporters: f64,
    /// Whether enough distinct networks reported for an outage (always, for series without
    /// networks).
    pub broad: bool,
    /// Whether the detector has seen enough history to declare outages.
    pub warmed_up: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Lifecycle {
    open: Option<Outage>,
    quiet_since: Option<i64>,
    /// CUSUM of `back_llr` while an outage is open: the evidence that counts are back to normal,
    /// and the bucket where its current run above 0 began (where the recovery started).
    recovery: f64,
    recovery_since: Option<i64>,
    last_end: Option<i64>,
    /// Set once the deviation has fallen below `elevated_z` since the last outage ended:
    /// until then a renewed rise is the same incident, not a new outage.
    settled: bool,
    /// Start of the current run of buckets above the elevated bar (see `elevated_secs`).
    raised_since: Option<i64>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            open: None,
            quiet_since: None,
            recovery: 0.0,
            recovery_since: None,
            last_end: None,
            settled: true,
            raised_since: None,
        }
    }
}

impl Lifecycle {
    pub(crate) fn open(&self) -> Option<&Outage> {
        self.open.as_ref()
    }

    pub(crate) fn step(&mut self, e: &Evidence, cfg: &DetectorConfig) -> (Status, Option<Event>) {
        let raised = e.z >= cfg.elevated_z && e.reporters >= cfg.min_reporters / 2.0;
        self.raised_since = raised.then(|| self.raised_since.unwrap_or(e.at));
        if let Some(o) = self.open.as_mut() {
            if e.count > o.peak_count {
                o.peak_at = e.at;
                o.peak_count = e.count;
                o.baseline_at_peak = e.baseline;
            }
            self.recovery = (self.recovery + e.back_llr).max(0.0);
            self.recovery_since =
                (self.recovery > 0.0).then(|| self.recovery_since.unwrap_or(e.at));
            let quiet = e.z_short < cfg.resolve_z;
            self.quiet_since = quiet.then(|| self.quiet_since.unwrap_or(e.at));
            let end = match self.quiet_since {
                Some(quiet)
                    if e.at + e.step - quiet >= cfg.resolve_secs
                        && self.recovery >= cfg.resolve_evidence =>
                {
                    Some(quiet.max(self.recovery_since.unwrap_or(quiet)))
                }
                // A change that never comes back is the service's new normal after a while.
                _ if e.at + e.step - o.start >= cfg.max_outage_secs => Some(e.at),
                _ => None,
            };
            if let Some(end) = end {
                let mut done = *o;
                done.end = Some(end);
                self.open = None;
                self.quiet_since = None;
                self.recovery = 0.0;
                self.recovery_since = None;
                self.last_end = Some(end);
                self.settled = false;
                return (self.quiet_status(e, cfg), Some(Event::Resolved(done)));
            }
            // Improving: counts are back within normal and the evidence for a recovery is half
            // way there (100 to 1 at the default); less than that, a quiet night's wobbles
            // would read "improving" for hours of an outage that goes on.
            let improving = quiet && self.recovery >= cfg.resolve_evidence / 2.0;
            return (
                if improving {
                    Status::Improving
                } else {
                    Status::Outage
                },
                None,
            );
        }
        if e.z < cfg.elevated_z {
            self.settled = true;
        }
        let refractory = self
            .last_end
            .is_some_and(|end| e.at < end + cfg.refractory_secs);
        if e.warmed_up
            && !refractory
            && self.settled
            && e.reporters >= cfg.min_reporters
            && e.broad
            && (e.z >= e.threshold || e.z_shift >= e.shift_threshold)
        {
            let o = Outage {
                start: e.at,
                end: None,
                peak_at: e.at,
                peak_count: e.count,
                baseline_at_peak: e.baseline,
            };
            self.open = Some(o);
            return (Status::Outage, Some(Event::Started(o)));
        }
        (self.quiet_status(e, cfg), None)
    }

    /// Elevated once the deviation has stayed above `elevated_z`, with at least half the
    /// reporters an outage needs, for `elevated_secs`: a single noisy minute is not news.
    fn quiet_status(&self, e: &Evidence, cfg: &DetectorConfig) -> Status {
        match self.raised_since {
            Some(since) if e.at + e.step - since >= cfg.elevated_secs => Status::Elevated,
            _ => Status::Normal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg_outage_z() -> f64 {
        DetectorConfig::default().outage_z
    }

    /// Evidence for a recovery as a busy series gives it: a bucket back within normal adds 5 (one
    /// such bucket reads improving, two pass `resolve_evidence`), a raised one takes 20 away.
    fn back(z: f64) -> f64 {
        if z < 2.0 { 5.0 } else { -20.0 }
    }

    fn ev(at: i64, z: f64, reporters: f64) -> Evidence {
        Evidence {
            at,
            step: 60,
            count: reporters,
            baseline: 1.0,
            z,
            threshold: cfg_outage_z(),
            z_short: z,
            back_llr: back(z),
            z_shift: 0.0,
            shift_threshold: cfg_outage_z(),
            reporters,
            broad: true,
            warmed_up: true,
        }
    }

    #[test]
    fn declares_resolves_and_respects_the_refractory_period() {
        let cfg = DetectorConfig::default();
        let mut l = Lifecycle::default();
        assert_eq!(
            l.step(&ev(0, 4.0, 50.0), &cfg),
            (Status::Normal, None),
            "one raised minute is not yet elevated"
        );
        assert_eq!(
            l.step(&ev(60, 9.0, 5.0), &cfg).0,
            Status::Normal,
            "too few reporters to declare"
        );
        let (s, e) = l.step(&ev(120, 9.0, 50.0), &cfg);
        assert_eq!(s, Status::Outage);
        assert!(matches!(e, Some(Event::Started(o)) if o.start == 120));
        // quiet for resolve_secs (300 s = 5 buckets) resolves, ending at the first quiet bucket
        for t in 0..4 {
            assert_eq!(
                l.step(&ev(180 + 60 * t, 0.0, 1.0), &cfg),
                (Status::Improving, None)
            );
        }
        let (s, e) = l.step(&ev(420, 0.0, 1.0), &cfg);
        assert_eq!(s, Status::Normal);
        assert!(matches!(e, Some(Event::Resolved(o)) if o.end == Some(180) && o.peak_at == 120));
        // within the refractory hour a new rise only shows as elevated, once it lasts 5 minutes
        for t in 0..4 {
            assert_eq!(
                l.step(&ev(600 + 60 * t, 9.0, 50.0), &cfg),
                (Status::Normal, None)
            );
        }
        assert_eq!(l.step(&ev(840, 9.0, 50.0), &cfg), (Status::Elevated, None));
        assert_eq!(l.step(&ev(1200, 0.0, 1.0), &cfg), (Status::Normal, None));
        assert!(matches!(
            l.step(&ev(180 + 3600, 9.0, 50.0), &cfg),
            (Status::Outage, Some(Event::Started(_)))
        ));
    }

    #[test]
    fn a_rise_that_never_settles_is_the_same_incident() {
        let cfg = DetectorConfig::default();
        let mut l = Lifecycle::default();
        l.step(&ev(0, 9.0, 50.0), &cfg);
        // the short window dips under resolve_z for resolve_secs while the deviation (the
        // longer windows) stays above elevated_z
        let mut dip = ev(60, 4.0, 50.0);
        for t in 1..=5 {
            dip.at = 60 * t;
            dip.z_short = 1.0;
            dip.back_llr = 5.0;
            l.step(&dip, &cfg);
        }
        assert!(l.open().is_none(), "resolved by the quiet short window");
        // still elevated after the refractory hour: not a new outage
        for t in 6..=200 {
            let (s, e) = l.step(&ev(60 * t, 9.0, 50.0), &cfg);
            assert_eq!((s, e), (Status::Elevated, None), "minute {t}");
        }
        // once back under elevated_z, the next rise is a new outage
        assert_eq!(
            l.step(&ev(60 * 201, 1.0, 5.0), &cfg),
            (Status::Normal, None)
        );
        assert!(matches!(
            l.step(&ev(60 * 202, 9.0, 50.0), &cfg),
            (Status::Outage, Some(Event::Started(_)))
        ));
    }

    #[test]
    fn a_noisy_bucket_restarts_the_quiet_run() {
        let cfg = DetectorConfig::default();
        let mut l = Lifecycle::default();
        l.step(&ev(0, 9.0, 50.0), &cfg);
        for t in 1..=4 {
            l.step(&ev(60 * t, 0.0, 1.0), &cfg);
        }
        assert_eq!(l.step(&ev(300, 2.5, 1.0), &cfg).0, Status::Outage);
        for t in 6..=9 {
            assert_eq!(l.step(&ev(60 * t, 0.0, 1.0), &cfg).1, None);
        }
        assert!(matches!(
            l.step(&ev(600, 0.0, 1.0), &cfg).1,
            Some(Event::Resolved(_))
        ));
    }

    /// An open outage and the lifecycle that holds it, declared at 0.
    fn declared(cfg: &DetectorConfig) -> Lifecycle {
        let mut l = Lifecycle::default();
        assert!(matches!(
            l.step(&ev(0, 9.0, 50.0), cfg),
            (Status::Outage, Some(Event::Started(_)))
        ));
        l
    }

    /// A bucket whose counts are within normal and whose evidence for a recovery is `llr`.
    fn quiet(at: i64, llr: f64) -> Evidence {
        Evidence {
            back_llr: llr,
            ..ev(at, 0.5, 1.0)
        }
    }

    #[test]
    fn a_quiet_night_cannot_resolve_an_outage_and_a_busy_morning_does() {
        let cfg = DetectorConfig::default();
        let mut l = declared(&cfg);
        // Eight hours of counts within the noise of a quiet night, whose few reports lean
        // (weakly) towards the outage going on: never resolved, never even "improving".
        for t in 1..=480 {
            let llr = if t % 10 == 1 { 0.1 } else { -0.03 };
            assert_eq!(
                l.step(&quiet(60 * t, llr), &cfg),
                (Status::Outage, None),
                "minute {t}"
            );
        }
        // The quiet run began in the night; the morning's traffic brings the evidence: improving
        // once it is half way, then resolved from where the evidence began.
        let morning = 60 * 481;
        let statuses: Vec<Status> = (0..4)
            .map(|t| l.step(&quiet(morning + 60 * t, 2.0), &cfg).0)
            .collect();
        assert_eq!(
            statuses,
            [
                Status::Outage,
                Status::Outage,
                Status::Improving,
                Status::Improving
            ]
        );
        let (s, e) = l.step(&quiet(morning + 240, 2.0), &cfg);
        assert_eq!(s, Status::Normal);
        assert!(
            matches!(e, Some(Event::Resolved(o)) if o.start == 0 && o.end == Some(morning)),
            "{e:?}"
        );
    }

    #[test]
    fn little_evidence_accumulates_until_it_is_enough() {
        let cfg = DetectorConfig::default();
        let mut l = declared(&cfg);
        // 0.25 a bucket of counts within normal: outage until half the evidence, improving until
        // all of it, then resolved from the first of those buckets
        let half = (cfg.resolve_evidence / 2.0 / 0.25).ceil() as i64;
        let all = (cfg.resolve_evidence / 0.25).ceil() as i64;
        for t in 1..all {
            let expected = if t < half {
                Status::Outage
            } else {
                Status::Improving
            };
            assert_eq!(
                l.step(&quiet(60 * t, 0.25), &cfg),
                (expected, None),
                "minute {t}"
            );
        }
        assert!(matches!(
            l.step(&quiet(60 * all, 0.25), &cfg),
            (Status::Normal, Some(Event::Resolved(o))) if o.end == Some(60)
        ));
    }

    #[test]
    fn works_again_reports_are_never_enough_while_counts_stay_high() {
        let cfg = DetectorConfig::default();
        let mut l = declared(&cfg);
        // Many "works again for me" reports outweigh the raised counts in the evidence, but the
        // counts are not back within normal: the outage goes on.
        for t in 1..=30 {
            let e = Evidence {
                back_llr: 50.0,
                ..ev(60 * t, 6.0, 50.0)
            };
            assert_eq!(l.step(&e, &cfg), (Status::Outage, None), "minute {t}");
        }
        // Once counts are back, the evidence already gathered resolves it after resolve_secs.
        for t in 31..=34 {
            assert_eq!(l.step(&quiet(60 * t, 0.0), &cfg).0, Status::Improving);
        }
        assert!(matches!(
            l.step(&quiet(60 * 35, 0.0), &cfg),
            (Status::Normal, Some(Event::Resolved(o))) if o.end == Some(60 * 31)
        ));
    }

    #[test]
    fn a_change_that_never_comes_back_is_closed_after_max_outage_secs() {
        let cfg = DetectorConfig::default();
        let mut l = declared(&cfg);
        let close = cfg.max_outage_secs - 60;
        for t in (60..close).step_by(60) {
            assert_eq!(l.step(&ev(t, 6.0, 50.0), &cfg), (Status::Outage, None));
        }
        let (s, e) = l.step(&ev(close, 6.0, 50.0), &cfg);
        assert_eq!(s, Status::Elevated, "the change is shown as elevated");
        assert!(matches!(e, Some(Event::Resolved(o)) if o.end == Some(close)));
        // the same change is not declared again until it has settled
        for t in 1..=600 {
            assert_eq!(l.step(&ev(close + 60 * t, 6.0, 50.0), &cfg).1, None);
        }
    }

    #[test]
    fn no_declaration_before_warm_up() {
        let cfg = DetectorConfig::default();
        let mut l = Lifecycle::default();
        let mut e = ev(0, 20.0, 100.0);
        e.warmed_up = false;
        for t in 0..5 {
            e.at = 60 * t;
            let expected = if t < 4 {
                Status::Normal
            } else {
                Status::Elevated
            };
            assert_eq!(l.step(&e, &cfg), (expected, None), "minute {t}");
        }
    }

    #[test]
    fn elevated_needs_a_lasting_rise_with_reporters() {
        let cfg = DetectorConfig::default();
        let mut l = Lifecycle::default();
        // Sparse noise: a high deviation from two or three reports never shows.
        for t in 0..30 {
            assert_eq!(l.step(&ev(60 * t, 6.0, 3.0), &cfg).0, Status::Normal);
        }
        // Half the reporters an outage needs.
        let half = cfg.min_reporters / 2.0;
        // A minute back under the bar restarts the run.
        for t in 30..34 {
            l.step(&ev(60 * t, 4.0, half), &cfg);
        }
        l.step(&ev(60 * 34, 1.0, half), &cfg);
        for t in 35..39 {
            assert_eq!(l.step(&ev(60 * t, 4.0, half), &cfg).0, Status::Normal);
        }
        assert_eq!(l.step(&ev(60 * 39, 4.0, half), &cfg).0, Status::Elevated);
    }
}
