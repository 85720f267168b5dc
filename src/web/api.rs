//! The JSON API under `/api/v1`.

use super::AppState;
use super::errors::{ApiError, Kind, PROBLEM_JSON, Problem};
use super::request::{origin, read_body, require_json};
use crate::counts::buckets::{DAY, HOUR, MINUTE, WEEK};
use crate::counts::{CountStore, Dim, Resolution};
use crate::intake::ReportInput;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, SecondsFormat};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
        return Err(ApiError::new(
            Kind::NotFound,
            format!("unknown service {:?}", slug.as_str()),
        ));
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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SeriesQuery {
    /// How far back from now: a number and `s`, `m`, `h`, `d` or `w` (default `24h`; at most
    /// `48h` at step `1m`, `8w` at step `1h`).
    #[param(example = "24h")]
    window: Option<String>,
    /// Bucket size: `1m` (default) or `1h`.
    #[param(example = "1h")]
    step: Option<String>,
    /// Only reports of this problem kind.
    problem: Option<String>,
    /// Only reports from this region (ISO 3166-2).
    region: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Point {
    t: String,
    count: u64,
    /// What is normal for the bucket (`detect::Normal`: expected count, 10th and 90th percentile),
    /// when the series has the history to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    normal: Option<NormalRange>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct NormalRange {
    expected: f64,
    low: f64,
    high: f64,
}

#[derive(Serialize, ToSchema)]
pub(super) struct SeriesBody {
    service: String,
    step_seconds: i64,
    window_seconds: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    points: Vec<Point>,
}

/// Reports per bucket for a service, with what is normal for each bucket.
#[utoipa::path(
    get,
    path = "/api/v1/services/{slug}/series",
    tag = "data",
    params(("slug" = String, Path, description = "The service", example = "monzo"), SeriesQuery),
    responses(
        (status = 200, description = "One point per bucket, oldest first", body = SeriesBody),
        (status = 404, description = "No such service", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "A parameter out of range or unknown", body = Problem, content_type = PROBLEM_JSON),
        (status = 503, description = "Counters unavailable; try again", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn series(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<SeriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let Some(service) = state.catalog.get(&slug) else {
        return Err(ApiError::new(
            Kind::NotFound,
            format!("unknown service {:?}", slug.as_str()),
        ));
    };
    let invalid = |m: String| ApiError::new(Kind::Unprocessable, m);
    let step_text = query.step.as_deref().unwrap_or("1m");
    let resolution = parse_duration(step_text)
        .and_then(Resolution::from_step)
        .ok_or_else(|| invalid(format!("step must be 1m or 1h, not {step_text:?}")))?;
    let window_text = query.window.as_deref().unwrap_or("24h");
    let window = parse_duration(window_text).ok_or_else(|| {
        invalid(format!(
            "window {window_text:?} is not a duration such as 24h"
        ))
    })?;
    // Minute buckets are kept exactly 48 hours; hourly ones longer than the 8 weeks offered.
    let (longest, longest_text) = match resolution {
        Resolution::Minute => (2 * DAY, "48h"),
        Resolution::Hour => (8 * WEEK, "8w"),
    };
    if window < resolution.step() || window > longest {
        return Err(invalid(format!(
            "window must be between one step and {longest_text} for step {step_text}"
        )));
    }
    let dim = match (&query.problem, &query.region) {
        (Some(_), Some(_)) => return Err(invalid("give problem or region, not both".into())),
        (Some(p), None) => {
            Dim::Problem(crate::domain::ProblemKind::parse(p).map_err(|e| invalid(e.to_string()))?)
        }
        (None, Some(r)) => {
            Dim::Region(crate::domain::RegionId::parse(r).map_err(|e| invalid(e.to_string()))?)
        }
        (None, None) => Dim::All,
    };
    let now = state.clock.now();
    let range = resolution.window_ending_at(now, window);
    let counts = state
        .counts
        .series(&service.slug, &dim, resolution, range)
        .await?;
    let model = state.normals.model(&service.slug, &dim, now).await?;
    // Two decimals are more than the noise of any count allows.
    let round = |v: f64| (v * 100.0).round() / 100.0;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=15"))
        .json(SeriesBody {
            service: slug.into_inner(),
            step_seconds: resolution.step(),
            window_seconds: window,
            problem: query.problem.clone(),
            region: query.region.clone(),
            points: range
                .starts()
                .zip(counts)
                .map(|(t, count)| Point {
                    t: rfc3339(t),
                    count,
                    normal: model.normal(t, range.step).map(|n| NormalRange {
                        expected: round(n.expected),
                        low: round(n.low),
                        high: round(n.high),
                    }),
                })
                .collect(),
        }))
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
