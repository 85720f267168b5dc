//! The JSON API under `/api/v1`.

use super::AppState;
use super::errors::{ApiError, Kind, PROBLEM_JSON, Problem};
use super::request::{origin, read_body, require_json};
use crate::counts::buckets::{DAY, HOUR, MINUTE, WEEK};
use crate::intake::ReportInput;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, SecondsFormat};
use serde::Serialize;
use utoipa::ToSchema;

fn rfc3339(t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[derive(Serialize, ToSchema)]
pub(super) struct ReportCreated {
    id: i64,
    service: String,
    bucket_start: String,
    counted: bool,
    region: Option<String>,
}

/// File a report about a service.
///
/// One report per person, service and 15 minutes counts; more are stored but not counted
/// (`counted: false`). Each network has a write budget: over it the answer is 429 with
/// `Retry-After`.
#[utoipa::path(
    post,
    path = "/api/v1/services/{slug}/reports",
    tag = "reports",
    params(("slug" = String, Path, description = "The service, as in `GET /api/v1/services`", example = "monzo")),
    request_body(content = ReportInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored (and counted, unless a repeat)", body = ReportCreated),
        (status = 400, description = "Not JSON", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "No such service", body = Problem, content_type = PROBLEM_JSON),
        (status = 410, description = "The service was removed from this site's catalog (its past outages stay)", body = Problem, content_type = PROBLEM_JSON),
        (status = 413, description = "Body over 8 KiB", body = Problem, content_type = PROBLEM_JSON),
        (status = 415, description = "Not `application/json`", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "A field that does not validate", body = Problem, content_type = PROBLEM_JSON),
        (status = 429, description = "The network's write budget is spent", body = Problem, content_type = PROBLEM_JSON),
        (status = 503, description = "The store cannot take it now; try again", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn create_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Some(service) = state.catalog.get(&slug) else {
        state.metrics.reject("unknown_service");
        return Err(super::errors::unknown_service(&state.catalog, &slug));
    };
    require_json(&req).inspect_err(|_| state.metrics.reject("media_type"))?;
    let body = read_body(&req, payload).await.inspect_err(|e| {
        state.metrics.reject(match e.kind {
            Kind::PayloadTooLarge => "too_large",
            Kind::RequestTimeout => "timeout",
            _ => "malformed",
        })
    })?;
    let input: ReportInput = serde_json::from_slice(&body).map_err(|e| {
        use serde_json::error::Category;
        let kind = match e.classify() {
            Category::Data => Kind::Unprocessable,
            Category::Io | Category::Syntax | Category::Eof => Kind::BadRequest,
        };
        state.metrics.reject(if kind == Kind::BadRequest {
            "malformed"
        } else {
            "invalid_field"
        });
        ApiError::new(kind, format!("invalid JSON body: {e}"))
    })?;
    let accepted = state
        .intake
        .submit(service, &input, &origin(&req, &state.trusted_proxies))
        .await?;
    state.pages.generations.bump(&slug);
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/services/{}/reports/{}", slug.as_str(), accepted.id),
        ))
        .json(ReportCreated {
            id: accepted.id,
            service: slug.into_inner(),
            bucket_start: rfc3339(accepted.bucket_start),
            counted: accepted.counted,
            region: accepted.region.map(|r| r.as_str().to_owned()),
        }))
}

/// `24h`, `90m`, `2d`, `8w`, `300s` → seconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = text.split_at(split);
    let n: i64 = n.parse().ok().filter(|&n| n > 0)?;
    let unit = match unit {
        "s" => 1,
        "m" => MINUTE,
        "h" => HOUR,
        "d" => DAY,
        "w" => WEEK,
        _ => return None,
    };
    n.checked_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("24h"), Some(86_400));
        assert_eq!(parse_duration("1m"), Some(60));
        assert_eq!(parse_duration("8w"), Some(8 * WEEK));
        for bad in [
            "",
            "h",
            "0h",
            "-1h",
            "1.5h",
            "1y",
            "99999999999999999999w",
            "9223372036854775807w",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
