//! Outage state machine with hysteresis: a high bar to declare (deviation and reporters),
//! a sustained return to normal to resolve, and a refractory period after resolution; a new
//! outage also needs the deviation to have settled below the elevated bar since the last one.

use serde::Serialize;

use super::config::DetectorConfig;
pub use super::status::Status;

/// An outage, open (`end` is `None`) or resolved. Times are bucket starts, epoch seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Outage {
    /// Start of the bucket in which the outage was declared.
    pub start: i64,
    /// Start of the first bucket of the quiet run that resolved it.
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
            if e.z_short < cfg.resolve_z {
                let since = *self.quiet_since.get_or_insert(e.at);
                if e.at + e.step - since >= cfg.resolve_secs {
                    let mut done = *o;
                    done.end = Some(since);
                    self.open = None;
                    self.quiet_since = None;
                    self.last_end = Some(since);
                    self.settled = false;
                    return (self.quiet_status(e, cfg), Some(Event::Resolved(done)));
                }
            } else {
                self.quiet_since = None;
            }
            return (Status::Outage, None);
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

    fn ev(at: i64, z: f64, reporters: f64) -> Evidence {
        Evidence {
            at,
            step: 60,
            count: reporters,
            baseline: 1.0,
            z,
            threshold: cfg_outage_z(),
            z_short: z,
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
                (Status::Outage, None)
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
        // A minute back under the bar restarts the run.
        for t in 30..34 {
            l.step(&ev(60 * t, 4.0, 8.0), &cfg);
        }
        l.step(&ev(60 * 34, 1.0, 8.0), &cfg);
        for t in 35..39 {
            assert_eq!(l.step(&ev(60 * t, 4.0, 8.0), &cfg).0, Status::Normal);
        }
        assert_eq!(l.step(&ev(60 * 39, 4.0, 8.0), &cfg).0, Status::Elevated);
    }
}
