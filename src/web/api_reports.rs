//! `GET /api/v1/services/{slug}/reports/{id}`: what the intake's `Location` header names, one
//! report's public fields.
//!
//! What is safe to show, to anyone who asks for any id (ids are sequential, so assume every report
//! is read):
//! - the service, the problem kind, the region and the minute it arrived in: the series already
//!   publish these, counted per minute, per problem and per region, and a region (ISO 3166-2) is
//!   no finer than the heatmap's;
//! - whether it counted: the answer to the intake said so to the reporter, and `false` says only
//!   that it was a repeat or over its network's bound, not which (the reason is kept back: "a
//!   repeat" would tell that the same person reported before);
//! - its comment only while pages show it (the report counted and no admin hid it): a comment the
//!   service page does not show is not published here either.
//!
//! Never shown: the reporter and network keys (they link a person's reports within a day), the
//! coordinates (even rounded to 2 decimals they place a person within about a kilometre), the exact
//! second (with the minute counts it could single a report out of its minute) and the reason it
//! was not counted.

use super::AppState;
use super::api_layer::api_budget_note;
use super::errors::{ApiError, Kind, PROBLEM_JSON, Problem};
use crate::clock::rfc3339;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

/// One report's public fields.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1234,
    "service": "monzo",
    "problem": "login",
    "region": "GB-ENG",
    "bucket_start": "2026-11-30T08:15:00Z",
    "counted": true,
    "comment": "The app says my session expired"
}))]
pub(super) struct ReportBody {
    id: i64,
    service: String,
    /// The problem kind's code, or `works_again` for "it works again for me".
    problem: String,
    /// ISO 3166-2, when the reporter gave a place.
    region: Option<String>,
    /// Start of the minute the report arrived in (RFC 3339, UTC).
    bucket_start: String,
    /// Whether it counted (a repeat within 15 minutes, or a report over its network's bound, did
    /// not).
    counted: bool,
    /// Its comment, while pages show it (`null` when it has none, did not count, or was hidden).
    comment: Option<String>,
}

/// One report, as anyone may read it: no reporter or network keys, no coordinates, no time finer
/// than its minute.
#[utoipa::path(
    get,
    path = "/api/v1/services/{slug}/reports/{id}",
    tag = "reports",
    description = concat!(
        "What the `Location` of a filed report names: its public fields. Cached for \
        60 s (ETag, 304 on If-None-Match). ",
        api_budget_note!()
    ),
    params(
        ("slug" = String, Path, description = "The service", example = "monzo"),
        ("id" = i64, Path, description = "The report, as the intake's answer gave it", example = 1234),
    ),
    responses(
        (status = 200, description = "The report", body = ReportBody),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such report of this service, or one past the retention period (reports are deleted after `--retention-days`, 30 by default)", body = Problem, content_type = PROBLEM_JSON),
        (status = 429, description = "The network's budget of uncached requests is spent", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn report(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let missing = || {
        ApiError::new(
            Kind::NotFound,
            format!("no report {id:?} of service {slug:?}"),
        )
    };
    let number: i64 = id.parse().map_err(|_| missing())?;
    let report = state
        .db
        .public_report(number)
        .await?
        .filter(|r| r.service.as_str() == slug)
        .ok_or_else(missing)?;
    // A comment may be hidden by an admin, and then stops being public: kept a minute only.
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=60"))
        .json(ReportBody {
            id: report.id,
            service: report.service.to_string(),
            problem: report.problem,
            region: report.region.map(|r| r.as_str().to_owned()),
            bucket_start: rfc3339(report.bucket_start),
            counted: report.counted,
            comment: report.comment,
        }))
}
