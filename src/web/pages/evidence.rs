//! "Why downtally calls this an outage": the evidence kept with an outage
//! (`detect::VerdictEvidence`) in plain words and numbers, in the page's language (issue 12 §6).

use super::times_normal;
use crate::detect::{BreadthScope, Statistic, VerdictEvidence};
use crate::i18n::{Arg, Lang};
use chrono_tz::Tz;

/// The permalink's section: its sentences, and the detector settings' line.
pub(super) struct Why {
    pub sentences: Vec<String>,
    pub settings: Option<String>,
}

/// A count or expectation as a reader takes it in: whole from 10 on, else one decimal ("0.4").
fn amount(lang: Lang, v: f64) -> String {
    let v = v.max(0.0);
    if v >= 10.0 || v.fract() == 0.0 {
        lang.integer(v.round() as u64)
    } else {
        lang.decimal(v, 1)
    }
}

/// The section for `evidence` of a service-wide or a `regional` outage, or a line saying none was
/// kept.
pub(super) fn why(lang: Lang, evidence: Option<&VerdictEvidence>, regional: bool, tz: Tz) -> Why {
    let Some(e) = evidence else {
        return Why {
            sentences: vec![lang.t("why-missing")],
            settings: None,
        };
    };
    let minutes = (e.window_secs / 60).max(1);
    let window = [
        ("minutes", Arg::Num(minutes as f64)),
        ("minutes_text", Arg::from(lang.integer(minutes as u64))),
        ("time", Arg::from(lang.time(e.at, tz))),
        ("n", Arg::Num(e.observed.round())),
        ("count", Arg::from(amount(lang, e.observed))),
    ];
    let mut sentences = Vec::new();
    match e.normal {
        Some(n) => {
            let low = n.low.ceil();
            let mut args = window.to_vec();
            args.extend([
                ("expected", Arg::from(amount(lang, n.expected))),
                ("low", Arg::from(lang.integer(low as u64))),
                (
                    "high",
                    Arg::from(lang.integer(n.high.floor().max(low) as u64)),
                ),
            ]);
            sentences.push(lang.ta("why-observed", &args));
            if let Some(ratio) = times_normal(e.observed, n.expected, lang) {
                sentences.push(lang.t1("why-ratio", "ratio", &ratio));
            }
        }
        None => sentences.push(lang.ta("why-observed-no-normal", &window)),
    }
    if let Some(b) = e.breadth {
        // The breadth window ends where the verdict's does; a regional outage kept before regions
        // had their own breadth names it as the service's, without a "usual" of another series.
        let key = match (regional, b.scope) {
            (false, _) => "why-networks",
            (true, BreadthScope::Region) => "why-networks-region",
            (true, BreadthScope::Service) => "why-networks-service-wide",
        };
        let minutes = (b.window_secs / 60).max(1) as u64;
        sentences.push(lang.ta(
            key,
            &[
                ("minutes_text", Arg::from(lang.integer(minutes))),
                ("time", Arg::from(lang.time(e.at, tz))),
                ("networks", Arg::from(amount(lang, b.networks))),
                ("usual", Arg::from(amount(lang, b.usual))),
            ],
        ));
    }
    let key = match e.crossing.statistic {
        Statistic::Spike { .. } => "why-rule-spike",
        Statistic::Sustained => "why-rule-sustained",
    };
    sentences.push(lang.ta(
        key,
        &[
            (
                "deviation",
                Arg::from(lang.decimal(e.crossing.deviation, 1)),
            ),
            ("bar", Arg::from(lang.decimal(e.crossing.bar, 1))),
        ],
    ));
    if let Some(b) = e.breadth {
        sentences.push(lang.ta(
            "why-rule-networks",
            &[
                ("n", Arg::Num(b.needed_beyond_usual.ceil())),
                (
                    "needed",
                    Arg::from(lang.integer(b.needed_beyond_usual.ceil() as u64)),
                ),
            ],
        ));
    }
    Why {
        sentences,
        settings: Some(lang.t1("why-settings", "version", &e.settings)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Breadth, Crossing, DetectorConfig, NormalRange};

    fn evidence(statistic: Statistic) -> VerdictEvidence {
        let cfg = DetectorConfig::default();
        VerdictEvidence {
            // 08:37 UTC
            at: 1_800_002_220,
            window_secs: 900,
            observed: 143.0,
            normal: Some(NormalRange {
                expected: 12.0,
                low: 6.2,
                high: 18.7,
            }),
            breadth: Some(Breadth::new(61.0, 14.0, &cfg)),
            crossing: Crossing {
                statistic,
                deviation: 9.12,
                bar: 5.0,
            },
            settings: "d1-3fa2c1".into(),
        }
    }

    #[test]
    fn the_english_section_reads_the_numbers() {
        let e = evidence(Statistic::Spike { window_secs: 900 });
        let w = why(Lang::En, Some(&e), false, chrono_tz::UTC);
        let text = w.sentences.join(" ");
        for part in [
            "In the 15 minutes to 08:37, 143 people reported problems where 12 are usual (normal range 7–18).",
            "12× the usual",
            "In the 15 minutes to 08:37, the reports came from 61 networks where about 14 are usual",
            "a deviation of 9.1 against a bar of 5.0",
            // 6 + 2·sqrt(14) = 13.5: at least 14 beyond normal traffic's
            "at least 14 networks beyond",
        ] {
            assert!(text.contains(part), "{part:?} missing from {text}");
        }
        assert_eq!(w.settings.as_deref(), Some("Detector settings d1-3fa2c1."));
    }

    #[test]
    fn every_language_has_every_sentence_with_its_own_number_format() {
        let big = VerdictEvidence {
            observed: 14_230.0,
            ..evidence(Statistic::Sustained)
        };
        for lang in Lang::ALL {
            for e in [&evidence(Statistic::Spike { window_secs: 60 }), &big] {
                let w = why(lang, Some(e), false, chrono_tz::Europe::Rome);
                let text = w.sentences.join(" ");
                assert!(!text.contains('⟦'), "{lang:?}: {text}");
                assert!(text.contains("09:37"), "{lang:?}: local time in {text}");
                assert_eq!(w.sentences.len(), 5, "{lang:?}: {text}");
            }
            let w = why(lang, Some(&big), false, chrono_tz::UTC);
            let grouped = lang.integer(14_230);
            assert!(
                w.sentences[0].contains(&grouped),
                "{lang:?}: {}",
                w.sentences[0]
            );
            assert!(
                w.sentences.join(" ").contains(&lang.decimal(9.12, 1)),
                "{lang:?}"
            );
            let none = why(lang, None, false, chrono_tz::UTC);
            assert!(!none.sentences[0].contains('⟦') && none.settings.is_none());
        }
        let w = why(
            Lang::De,
            Some(&evidence(Statistic::Sustained)),
            false,
            chrono_tz::UTC,
        );
        assert!(w.sentences.join(" ").contains("9,1"), "German decimals");
    }

    #[test]
    fn without_a_normal_or_networks_the_section_says_less_not_wrong() {
        let e = VerdictEvidence {
            normal: None,
            breadth: None,
            observed: 1.0,
            window_secs: 60,
            ..evidence(Statistic::Spike { window_secs: 60 })
        };
        let w = why(Lang::En, Some(&e), false, chrono_tz::UTC);
        let text = w.sentences.join(" ");
        assert!(
            text.contains("In the minute to 08:37, one person reported problems"),
            "{text}"
        );
        assert!(!text.contains("networks"), "{text}");
        assert_eq!(w.sentences.len(), 2, "{text}");
        let hour = VerdictEvidence {
            window_secs: 3600,
            ..evidence(Statistic::Sustained)
        };
        let text = why(Lang::En, Some(&hour), false, chrono_tz::UTC)
            .sentences
            .join(" ");
        assert!(
            text.starts_with("In the hour to 08:37, 143 people"),
            "{text}"
        );
        assert!(text.contains("a sustained rise"), "{text}");
    }

    #[test]
    fn a_regional_outage_names_whose_networks_it_weighed() {
        let mut e = evidence(Statistic::Spike { window_secs: 300 });
        let b = e.breadth.as_mut().expect("breadth");
        b.scope = BreadthScope::Region;
        let text = why(Lang::En, Some(&e), true, chrono_tz::UTC)
            .sentences
            .join(" ");
        assert!(
            text.contains(
                "the reports from this region came from 61 networks where about 14 are usual there"
            ),
            "{text}"
        );
        // Kept before regions had their own breadth: the service's networks, said so, and no
        // "usual" of the region beside them.
        let old = evidence(Statistic::Spike { window_secs: 300 });
        let text = why(Lang::En, Some(&old), true, chrono_tz::UTC)
            .sentences
            .join(" ");
        assert!(
            text.contains("the whole service’s reports came from 61 networks."),
            "{text}"
        );
        assert!(!text.contains("about 14 are usual"), "{text}");
        for lang in Lang::ALL {
            for (e, regional) in [(&e, true), (&old, true), (&old, false)] {
                let text = why(lang, Some(e), regional, chrono_tz::UTC)
                    .sentences
                    .join(" ");
                assert!(!text.contains('⟦'), "{lang:?}: {text}");
                assert!(
                    text.contains(&lang.integer(15)),
                    "{lang:?}: window in {text}"
                );
            }
        }
    }

    #[test]
    fn evidence_kept_without_a_scope_reads_as_the_services() {
        let json = r#"{"window_secs":900,"networks":3.0,"usual":1.0,"needed_beyond_usual":6.0}"#;
        let b: Breadth = serde_json::from_str(json).expect("old evidence");
        assert_eq!(b.scope, BreadthScope::Service);
    }
}
