//! `GET /api/v1/outages/{id}`: one outage as JSON, with the official statements an admin attached
//! to it.

use super::AppState;
use super::errors::{ApiError, Kind, PROBLEM_JSON, Problem};
use crate::clock::rfc3339;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub(super) struct StatementBody {
    text: String,
    link: Option<String>,
    /// When the service said it (RFC 3339, UTC).
    stated_at: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct OutageBody {
    id: i64,
    service: String,
    /// `null` for a service-wide outage.
    region: Option<String>,
    started_at: String,
    /// `null` while it goes on.
    ended_at: Option<String>,
    ongoing: bool,
    peak_at: String,
    /// Reports a minute at the peak, and the normal number then.
    peak_count: f64,
    baseline_at_peak: f64,
    /// Peak over the normal then (two decimals); `null` when the normal was 0.
    ratio_to_normal: Option<f64>,
    /// Most reported problem kinds and regions, most first.
    top_problems: Vec<ProblemTally>,
    regions: Vec<RegionTally>,
    permalink: String,
    /// The service's own words, oldest first.
    statements: Vec<StatementBody>,
    /// The incident group it is part of (outages elsewhere with the same cause), or `null`.
    group: Option<super::api_groups::GroupBody>,

    /// What decided it when it was declared (`null` for outages declared before evidence was kept).
    evidence: Option<super::api_evidence::EvidenceBody>,
}

/// Reports of one problem kind.
#[derive(Serialize, ToSchema)]
pub(super) struct ProblemTally {
    problem: String,
    reports: i64,
}

/// Reports from one region.
#[derive(Serialize, ToSchema)]
pub(super) struct RegionTally {
    /// ISO 3166-2.
    region: String,
    reports: i64,
}

/// One outage: when, how high, which problems and regions, the service's own statements, the
/// evidence that decided it and the incident group it is part of.
#[utoipa::path(
    get,
    path = "/api/v1/outages/{id}",
    tag = "data",
    description = concat!(
        "One outage with its statements, evidence and incident group; cached for 15 s. ",
        super::api_layer::api_budget_note!()
    ),
    params(("id" = i64, Path, description = "The outage", example = 42)),
    responses(
        (status = 200, description = "The outage", body = OutageBody),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such outage", body = Problem, content_type = PROBLEM_JSON),
        (status = 429, description = "The network's budget of uncached requests is spent", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn outage(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let missing = || ApiError::new(Kind::NotFound, format!("no outage {:?}", id.as_str()));
    let id: i64 = id.parse().map_err(|_| missing())?;
    let stored = state.db.outage(id).await?.ok_or_else(missing)?;
    let statements = state.db.statements(&[id]).await?;
    let evidence = state.db.outage_evidence(id).await?;
    let r = &stored.record;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=15"))
        .json(OutageBody {
            id,
            service: r.service.to_string(),
            region: r.region.as_ref().map(|r| r.as_str().to_owned()),
            started_at: rfc3339(r.started_at),
            ended_at: r.ended_at.map(rfc3339),
            ongoing: r.ended_at.is_none(),
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
                .map(|(region, n)| RegionTally {
                    region: region.to_string(),
                    reports: *n,
                })
                .collect(),
            permalink: format!("{}/outages/{id}", state.public_url),
            statements: statements
                .into_iter()
                .map(|s| StatementBody {
                    text: s.body,
                    link: s.link,
                    stated_at: rfc3339(s.stated_at),
                })
                .collect(),
            group: super::api_groups::outage_group(&state, id).await?,

            evidence: evidence.as_ref().map(super::api_evidence::evidence_body),
        }))
}
