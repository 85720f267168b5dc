//! An outage's facts as every JSON form shows them — the API's outage and its list entries, the
//! webhook payload — written once so the forms cannot drift. Pure: a stored outage and the public
//! URL in, a serializable body out (each form adds its own fields beside it with
//! `#[serde(flatten)]`).

use crate::clock::rfc3339;
use crate::store::{Statement, StoredOutage};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct OutageFacts {
    #[schema(example = 42)]
    pub id: i64,
    #[schema(example = "monzo")]
    pub service: String,
    /// `null` for a service-wide outage.
    pub region: Option<String>,
    #[schema(example = "2026-11-30T08:15:00Z")]
    pub started_at: String,
    /// `null` while it goes on.
    pub ended_at: Option<String>,
    pub ongoing: bool,
    /// Why it ended when the detector did not find it over: `unlisted` when its service was removed
    /// from downtally's catalog while it was open (closed then; nobody saw it recover). `null` for
    /// every outage the detector resolved, and while it goes on.
    #[schema(example = json!(null))]
    pub closed_by: Option<&'static str>,
    pub peak_at: String,
    /// Reports a minute at the peak, and the normal number then.
    pub peak_count: f64,
    pub baseline_at_peak: f64,
    /// `peak_count` over `baseline_at_peak`, two decimals (`null` when the normal was zero).
    pub ratio_to_normal: Option<f64>,
    /// Most reported problem kinds and regions, most first.
    pub top_problems: Vec<ProblemTally>,
    pub regions: Vec<RegionTally>,
    /// The outage's page.
    pub permalink: String,
}

/// Reports of one problem kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemTally {
    #[schema(example = "login")]
    pub problem: String,
    pub reports: i64,
}

/// Reports from one region.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionTally {
    /// ISO 3166-2.
    #[schema(example = "IT-25")]
    pub region: String,
    pub reports: i64,
}

/// An official statement of the service on the outage.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementFacts {
    pub text: String,
    pub link: Option<String>,
    /// When the service said it (RFC 3339, UTC).
    pub stated_at: String,
}

impl OutageFacts {
    /// The facts of `o`, its permalink under `public_url`.
    pub fn new(public_url: &str, o: &StoredOutage) -> Self {
        let r = &o.record;
        Self {
            id: o.id,
            service: r.service.to_string(),
            region: r.region.as_ref().map(|g| g.as_str().to_owned()),
            started_at: rfc3339(r.started_at),
            ended_at: r.ended_at.map(rfc3339),
            ongoing: r.ended_at.is_none(),
            closed_by: o.closed_by.map(|c| c.as_str()),
            peak_at: rfc3339(r.peak_at),
            peak_count: r.peak_count,
            baseline_at_peak: r.baseline_at_peak,
            ratio_to_normal: (r.baseline_at_peak > 0.0)
                .then(|| (r.peak_count / r.baseline_at_peak * 100.0).round() / 100.0),
            top_problems: r
                .top_problems
                .iter()
                .map(|(p, n)| ProblemTally {
                    problem: p.to_string(),
                    reports: *n,
                })
                .collect(),
            regions: r
                .regions
                .iter()
                .map(|(g, n)| RegionTally {
                    region: g.to_string(),
                    reports: *n,
                })
                .collect(),
            permalink: format!("{public_url}/outages/{}", o.id),
        }
    }
}

impl StatementFacts {
    /// Statements as the JSON forms show them, in the order given.
    pub fn all(statements: Vec<Statement>) -> Vec<Self> {
        statements
            .into_iter()
            .map(|s| Self {
                text: s.body,
                link: s.link,
                stated_at: rfc3339(s.stated_at),
            })
            .collect()
    }
}
