//! The evidence of verdicts in the JSON API (issue 12 §6): what decided an outage
//! (`GET /api/v1/outages/{id}`) and a service's status (`GET /api/v1/services`), and each status
//! with its meaning and Statuspage indicator as `detect::Status` defines them.

use crate::clock::rfc3339;
use crate::detect::{Statistic, Status, VerdictEvidence};
use crate::monitor::ServiceStatus;
use serde::Serialize;

/// Two decimals are more than the noise of any count or deviation allows.
fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct EvidenceBody {
    /// The span the numbers cover (RFC 3339, UTC; `to` exclusive).
    from: String,
    to: String,
    window_seconds: i64,
    /// Counted reporters in the span.
    observed: f64,
    /// The span's normal (`null` while the series has no history): expected count and the 10th to
    /// 90th percentile range, as `…/series` gives per bucket.
    normal: Option<NormalBody>,
    /// Observed over expected; `null` when less than half a report is expected.
    ratio_to_expected: Option<f64>,
    /// Distinct networks in the breadth window (`null` for series replayed without networks).
    networks: Option<NetworksBody>,
    /// The statistic that crossed (or came nearest to) its bar.
    threshold: ThresholdBody,
    /// Version of the detector settings that reached the verdict.
    detector_settings: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct NormalBody {
    expected: f64,
    low: f64,
    high: f64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct NetworksBody {
    window_seconds: i64,
    /// Whose networks: `service` (all its reports) or `region` (a regional outage's own region;
    /// regional outages declared before 2026-12 were weighed on the service's).
    #[schema(example = "service")]
    scope: &'static str,
    distinct: f64,
    /// Networks normal traffic brings in the window (about one per expected report).
    usual: f64,
    /// Networks beyond `usual` that an outage needs.
    needed_beyond_usual: f64,
    broad: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ThresholdBody {
    /// `spike` (the reports of `window_seconds` against their normal) or `sustained` (the CUSUM of a
    /// lasting rise).
    statistic: &'static str,
    /// The spike's window; `null` for the sustained rise.
    window_seconds: Option<i64>,
    deviation: f64,
    bar: f64,
    crossed: bool,
}

/// The API's form of `e`.
pub(super) fn evidence_body(e: &VerdictEvidence) -> EvidenceBody {
    let (statistic, window_seconds) = match e.crossing.statistic {
        Statistic::Spike { window_secs } => ("spike", Some(window_secs)),
        Statistic::Sustained => ("sustained", None),
    };
    EvidenceBody {
        from: rfc3339(e.at - e.window_secs),
        to: rfc3339(e.at),
        window_seconds: e.window_secs,
        observed: round(e.observed),
        normal: e.normal.map(|n| NormalBody {
            expected: round(n.expected),
            low: round(n.low),
            high: round(n.high),
        }),
        ratio_to_expected: e.ratio().map(round),
        networks: e.breadth.map(|b| NetworksBody {
            window_seconds: b.window_secs,
            scope: b.scope.as_str(),
            distinct: round(b.networks),
            usual: round(b.usual),
            needed_beyond_usual: round(b.needed_beyond_usual),
            broad: b.is_broad(),
        }),
        threshold: ThresholdBody {
            statistic,
            window_seconds,
            deviation: round(e.crossing.deviation),
            bar: round(e.crossing.bar),
            crossed: e.crossed(),
        },
        detector_settings: e.settings.clone(),
    }
}

/// A status as the API shows it, defined by `detect::Status`.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct StatusBody {
    /// `normal`, `elevated`, `improving`, `outage` or `unknown`.
    code: &'static str,
    meaning: &'static str,
    /// The Atlassian Statuspage indicator: `none`, `minor` or `major`.
    indicator: &'static str,
    /// When the status began (RFC 3339, UTC); `null` before the monitor's first pass.
    since: Option<String>,
    /// The open outage, if any.
    outage_id: Option<i64>,
    /// What decided the status (`null` until the monitor has recorded it).
    evidence: Option<EvidenceBody>,
}

/// The API's form of a service's status.
pub(super) fn status_body(s: &ServiceStatus, evidence: Option<&VerdictEvidence>) -> StatusBody {
    let status: Status = s.status;
    StatusBody {
        code: status.as_str(),
        meaning: status.meaning(),
        indicator: status.indicator().as_str(),
        since: (s.since != 0).then(|| rfc3339(s.since)),
        outage_id: s.outage_id,
        evidence: evidence.map(evidence_body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Breadth, Crossing, DetectorConfig, NormalRange};

    #[test]
    fn the_api_names_the_statistic_its_window_and_whether_it_crossed() {
        let cfg = DetectorConfig::default();
        let e = VerdictEvidence {
            at: 1_800_000_000,
            window_secs: 900,
            observed: 143.0,
            normal: Some(NormalRange {
                expected: 12.0,
                low: 7.0,
                high: 18.123,
            }),
            breadth: Some(Breadth::new(61.0, 12.0, &cfg)),
            crossing: Crossing {
                statistic: Statistic::Spike { window_secs: 900 },
                deviation: 9.1234,
                bar: 5.0,
            },
            settings: cfg.version(),
        };
        let v = serde_json::to_value(evidence_body(&e)).unwrap();
        assert_eq!(v["from"], "2027-01-15T07:45:00Z");
        assert_eq!(v["to"], "2027-01-15T08:00:00Z");
        assert_eq!(v["normal"]["high"], 18.12);
        assert_eq!(v["ratio_to_expected"], 11.92);
        assert_eq!(v["networks"]["broad"], true);
        assert_eq!(v["threshold"]["statistic"], "spike");
        assert_eq!(v["threshold"]["window_seconds"], 900);
        assert_eq!(v["threshold"]["deviation"], 9.12);
        assert_eq!(v["threshold"]["crossed"], true);
        assert_eq!(v["detector_settings"], cfg.version());
        let s = ServiceStatus {
            status: Status::Elevated,
            since: 1_800_000_000,
            outage_id: None,
        };
        let v = serde_json::to_value(status_body(&s, None)).unwrap();
        assert_eq!(v["code"], "elevated");
        assert_eq!(v["indicator"], "minor");
        assert_eq!(v["meaning"], Status::Elevated.meaning());
        assert!(v["evidence"].is_null());
    }
}
