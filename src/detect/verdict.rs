//! What decided a verdict (an outage declared, a status given), kept with it so that pages and the
//! API can show it: the counted reporters against the normal of the same span, the networks they
//! came from against those normal traffic brings, the statistic that crossed its bar, and the
//! detector settings' version. Pure: the monitor gathers the numbers, `web/` words them.

use super::{DetectorConfig, Normal, anomaly_score};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Which of the detector's statistics a verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Statistic {
    /// A spike: the reports of the window ending with the bucket (the bucket alone, 5, 15 or 60
    /// minutes at the defaults) against their normal.
    Spike { window_secs: i64 },
    /// The CUSUM of a sustained rise too weak for any single window.
    Sustained,
}

/// A statistic's deviation against the bar it must reach (both in standard-normal units).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Crossing {
    pub statistic: Statistic,
    pub deviation: f64,
    pub bar: f64,
}

impl Crossing {
    /// The statistic nearest to (or furthest beyond) its bar: the spike window with the largest
    /// deviation against the spike bar, or the sustained-rise CUSUM against its own bar when that is
    /// relatively higher. `windows` pairs each window's length with its deviation; ties go to the
    /// shorter window, the one a reader sees first.
    pub fn strongest(
        windows: &[(i64, f64)],
        spike_bar: f64,
        shift_deviation: f64,
        shift_bar: f64,
    ) -> Crossing {
        let (window_secs, deviation) =
            windows
                .iter()
                .copied()
                .fold(
                    (0, f64::NEG_INFINITY),
                    |best, w| {
                        if w.1 > best.1 { w } else { best }
                    },
                );
        let spike = Crossing {
            statistic: Statistic::Spike { window_secs },
            deviation: deviation.max(0.0),
            bar: spike_bar,
        };
        if anomaly_score(shift_deviation, shift_bar) > anomaly_score(spike.deviation, spike_bar) {
            Crossing {
                statistic: Statistic::Sustained,
                deviation: shift_deviation,
                bar: shift_bar,
            }
        } else {
            spike
        }
    }

    /// The span whose reports a reader is shown for this statistic: the spike's window, or for the
    /// sustained rise (which accumulates over an open-ended time) the longest window.
    /// The span the verdict rests on, ending with the bucket at `at` of `step` seconds: a spike's
    /// window; for a sustained rise the run the CUSUM added up (`sustained_since`), at least the
    /// long window: the last hour alone can read as ordinary for a rise built over hours.
    pub fn window_secs(
        &self,
        cfg: &DetectorConfig,
        at: i64,
        step: i64,
        sustained_since: Option<i64>,
    ) -> i64 {
        match self.statistic {
            Statistic::Spike { window_secs } => window_secs,
            Statistic::Sustained => sustained_since
                .map_or(0, |since| at + step - since)
                .max(cfg.long_window_secs),
        }
    }
}

/// The normal of a span as the chart band shows it (`detect::NormalModel`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NormalRange {
    pub expected: f64,
    pub low: f64,
    pub high: f64,
}

impl From<Normal> for NormalRange {
    fn from(n: Normal) -> Self {
        Self {
            expected: n.expected,
            low: n.low,
            high: n.high,
        }
    }
}

/// Breadth: the distinct networks that reported in the breadth window, against those normal
/// traffic brings (about one per expected report) and the extra ones an outage needs on top.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Breadth {
    pub window_secs: i64,
    /// Whose networks: the whole service's, or (for a regional series) the region's own. Evidence
    /// kept before regions had their own breadth has none and was the service's.
    #[serde(default)]
    pub scope: BreadthScope,
    /// Distinct networks that newly reported in the window (the `Dim::Networks` series).
    pub networks: f64,
    /// Networks normal traffic brings in the window: its expected reports.
    pub usual: f64,
    /// Networks beyond `usual` an outage needs (`min_networks`, `networks_share` of the expected
    /// reports, plus `breadth_z` Poisson standard deviations), the rule of `Detector::broad`.
    pub needed_beyond_usual: f64,
}

impl Breadth {
    pub fn new(networks: f64, usual: f64, cfg: &DetectorConfig) -> Breadth {
        Breadth {
            window_secs: cfg.breadth_window_secs,
            scope: BreadthScope::Service,
            networks,
            usual,
            needed_beyond_usual: needed_beyond_usual(usual, cfg),
        }
    }

    /// Whether the networks are enough for an outage.
    pub fn is_broad(&self) -> bool {
        self.networks - self.usual >= self.needed_beyond_usual
    }
}

/// Whose networks a [`Breadth`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BreadthScope {
    /// Every report of the service.
    #[default]
    Service,
    /// The reports from the outage's region only.
    Region,
}

impl BreadthScope {
    pub fn as_str(self) -> &'static str {
        match self {
            BreadthScope::Service => "service",
            BreadthScope::Region => "region",
        }
    }
}

/// Networks beyond normal traffic's that an outage needs when `usual` reports are expected in the
/// breadth window: the detector's breadth rule (`Detector::broad`) and the evidence pages show.
pub fn needed_beyond_usual(usual: f64, cfg: &DetectorConfig) -> f64 {
    let usual = usual.max(0.0);
    cfg.min_networks.max(cfg.networks_share * usual) + cfg.breadth_z * usual.sqrt()
}

/// What decided a verdict, as stored with an outage or a status and served by the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictEvidence {
    /// End of the span the numbers cover (exclusive), epoch seconds: the end of the bucket in which
    /// the verdict was reached.
    pub at: i64,
    /// Length of that span.
    pub window_secs: i64,
    /// Counted reporters in the span (reports de-duplicated per reporter and network bound).
    pub observed: f64,
    /// The span's normal; `None` while the series has no history to tell it.
    pub normal: Option<NormalRange>,
    /// `None` for series that carry no networks (history replayed from SQL).
    pub breadth: Option<Breadth>,
    /// The statistic that crossed (or came nearest to) its bar.
    pub crossing: Crossing,
    /// The detector settings' version ([`DetectorConfig::version`]).
    pub settings: String,
}

impl VerdictEvidence {
    /// Observed over expected (`None` when nothing, or almost nothing, is expected: a ratio to a
    /// fraction of a report says nothing).
    pub fn ratio(&self) -> Option<f64> {
        self.normal
            .filter(|n| n.expected >= 0.5)
            .map(|n| self.observed / n.expected)
    }

    /// Whether the statistic reached its bar.
    pub fn crossed(&self) -> bool {
        self.crossing.deviation >= self.crossing.bar
    }
}

impl DetectorConfig {
    /// A short, stable digest of these settings ("d1-3fa2c1"), so that a verdict can be traced to
    /// the settings that reached it. Any change of a value, or a field added, gives another version;
    /// the same settings give the same version on every node and build. The prefix names the
    /// digest's scheme (FNV-1a over the settings' debug text, whose float formatting Rust keeps
    /// stable), should it ever change.
    pub fn version(&self) -> String {
        let text = format!("{self:?}");
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        let mut out = String::from("d1-");
        let _ = write!(out, "{:06x}", hash >> 40);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_short_stable_and_changes_with_any_setting() {
        let cfg = DetectorConfig::default();
        let v = cfg.version();
        assert_eq!(v, cfg.version());
        assert_eq!(v.len(), "d1-".len() + 6, "{v}");
        assert!(v.starts_with("d1-") && v[3..].chars().all(|c| c.is_ascii_hexdigit()));
        let other = DetectorConfig {
            outage_z: 5.5,
            ..cfg
        };
        assert_ne!(other.version(), v);
        let breadth = DetectorConfig {
            min_networks: 7.0,
            ..cfg
        };
        assert_ne!(breadth.version(), v);
    }

    #[test]
    fn the_strongest_statistic_is_the_one_furthest_past_its_bar() {
        let windows = [(60, 3.0), (300, 9.1), (900, 9.1), (3600, 4.0)];
        let c = Crossing::strongest(&windows, 5.0, 2.0, 6.0);
        assert_eq!(c.statistic, Statistic::Spike { window_secs: 300 });
        assert_eq!((c.deviation, c.bar), (9.1, 5.0));
        // A CUSUM at twice its bar beats a spike just past its own.
        let c = Crossing::strongest(&[(60, 5.2)], 5.0, 12.0, 6.0);
        assert_eq!(c.statistic, Statistic::Sustained);
        assert_eq!((c.deviation, c.bar), (12.0, 6.0));
        let cfg = DetectorConfig::default();
        assert_eq!(c.window_secs(&cfg, 10_000, 60, None), 3600);
        // A sustained rise rests on the run its CUSUM added up, at least the long window.
        assert_eq!(
            c.window_secs(&cfg, 20_000, 60, Some(20_060 - 3 * 3600)),
            3 * 3600
        );
        assert_eq!(c.window_secs(&cfg, 20_000, 60, Some(19_000)), 3600);
        // Nothing raised: the spike statistic, never below zero.
        let c = Crossing::strongest(&[(60, -1.0)], 5.0, 0.0, 5.0);
        assert_eq!(c.deviation, 0.0);
    }

    /// The update that declares an outage names the statistic that crossed: a sudden 15-fold minute
    /// is a spike of the bucket itself, at or past the bar the update reports.
    #[test]
    fn the_declaring_update_names_the_window_that_crossed() {
        use crate::detect::{Detector, Event};
        let start = 10 * 86_400;
        let hours: Vec<(i64, f64)> = (0..24 * 21).map(|h| (h * 3600, 120.0)).collect();
        let mut d = Detector::new(DetectorConfig::default(), 60).unwrap();
        d.warm_hourly(&hours, start).unwrap();
        let quiet = d.update_with_networks(start, 2.0, Some(2.0)).unwrap();
        assert!(quiet.crossing.deviation < quiet.crossing.bar, "{quiet:?}");
        let declared = (1..10)
            .map(|i| {
                d.update_with_networks(start + 60 * i, 30.0, Some(30.0))
                    .unwrap()
            })
            .find(|u| matches!(u.event, Some(Event::Started(_))))
            .expect("declared");
        let c = declared.crossing;
        assert_eq!(
            c.statistic,
            Statistic::Spike { window_secs: 60 },
            "{declared:?}"
        );
        assert!(
            c.deviation >= c.bar && c.bar == declared.threshold,
            "{declared:?}"
        );
        assert!((c.deviation - declared.deviation).abs() < 1e-9);
    }

    #[test]
    fn breadth_follows_the_detectors_rule() {
        let cfg = DetectorConfig::default();
        // A quiet service: the minimum of 6, plus 2 sd of its 4 usual networks.
        let b = Breadth::new(13.0, 4.0, &cfg);
        assert_eq!(b.needed_beyond_usual, 6.0 + 2.0 * 2.0);
        assert!(!b.is_broad());
        assert!(Breadth::new(14.0, 4.0, &cfg).is_broad());
        // A busy one: a quarter of its 400 usual reports, plus 2 sd.
        assert_eq!(needed_beyond_usual(400.0, &cfg), 100.0 + 40.0);
    }

    #[test]
    fn evidence_round_trips_through_json_and_gives_its_ratio() {
        let e = VerdictEvidence {
            at: 1_800_000_000,
            window_secs: 900,
            observed: 143.0,
            normal: Some(NormalRange {
                expected: 12.0,
                low: 7.0,
                high: 18.0,
            }),
            breadth: Some(Breadth::new(61.0, 12.0, &DetectorConfig::default())),
            crossing: Crossing {
                statistic: Statistic::Spike { window_secs: 900 },
                deviation: 9.1,
                bar: 5.0,
            },
            settings: DetectorConfig::default().version(),
        };
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""statistic":{"kind":"spike","window_secs":900}"#));
        assert_eq!(serde_json::from_str::<VerdictEvidence>(&json).unwrap(), e);
        assert!((e.ratio().unwrap() - 143.0 / 12.0).abs() < 1e-9);
        assert!(e.crossed());
        let quiet = VerdictEvidence {
            normal: Some(NormalRange {
                expected: 0.2,
                low: 0.0,
                high: 1.0,
            }),
            ..e
        };
        assert_eq!(quiet.ratio(), None);
    }
}
