//! `GET /api/v1/outages/{id}`: one outage as JSON, with the official statements an admin attached
//! to it.

use super::AppState;
use super::errors::{ApiError, Kind, PROBLEM_JSON, Problem};
use crate::outage_facts::{OutageFacts, StatementFacts};
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub(super) struct OutageBody {
    #[serde(flatten)]
    facts: OutageFacts,
    /// The service's own words, oldest first.
    statements: Vec<StatementFacts>,
    /// The incident group it is part of (outages elsewhere with the same cause), or `null`.
    group: Option<super::api_groups::GroupBody>,
    /// What decided it when it was declared (`null` for outages declared before evidence was kept).
    evidence: Option<super::api_evidence::EvidenceBody>,
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
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=15"))
        .json(OutageBody {
            facts: OutageFacts::new(&state.public_url, &stored),
            statements: StatementFacts::all(statements),
            group: super::api_groups::outage_group(&state, id).await?,

            evidence: evidence.as_ref().map(super::api_evidence::evidence_body),
        }))
}
