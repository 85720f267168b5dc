//! `GET /api/v1/services/{slug}/series`: reports per bucket (1 minute, 15 minutes or 1 hour) with
//! what is normal for each bucket and whether an outage covered it, for one series or split by
//! problem kind or region, as JSON or CSV.
//!
//! The normal of a bucket is `detect::NormalModel::normal` of the series' model from
//! `state.normals`, the one the monitor judges by and the charts shade (`web/history.rs::chart_bars`
//! asks the same model for the same bucket), so the API, the pages and the downloads agree.

use super::AppState;
use super::api_layer::api_budget_note;
use super::errors::{ApiError, Kind, PROBLEM_JSON, Problem};
use crate::clock::rfc3339;
use crate::counts::buckets::{DAY, HOUR, MINUTE, WEEK};
use crate::counts::{BucketRange, CountStore, Dim, Resolution};
use crate::domain::{ProblemKind, RegionId};
use crate::store::StoredOutage;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use utoipa::{IntoParams, ToSchema};

/// The most points (buckets × series) one answer holds: 8 weeks of hours split by the 8 problem
/// kinds (10,752) fit; 48 hours of minutes split by problem (23,040) do not.
pub const MAX_POINTS: usize = 15_000;

/// The bucket sizes offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum SeriesStep {
    #[serde(rename = "1m")]
    Minute,
    #[serde(rename = "15m")]
    Quarter,
    #[serde(rename = "1h")]
    Hour,
}

use SeriesStep as Step;

impl Step {
    /// `1m`, `15m`, `1h`, or any duration equal to one of them (`60s`, `60m`).
    fn parse(text: &str) -> Option<Step> {
        match super::api::parse_duration(text)? {
            MINUTE => Some(Step::Minute),
            900 => Some(Step::Quarter),
            HOUR => Some(Step::Hour),
            _ => None,
        }
    }

    pub fn seconds(self) -> i64 {
        match self {
            Step::Minute => MINUTE,
            Step::Quarter => 15 * MINUTE,
            Step::Hour => HOUR,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Step::Minute => "1m",
            Step::Quarter => "15m",
            Step::Hour => "1h",
        }
    }

    /// The counters a bucket is summed from: minutes (kept 48 hours) for 1m and 15m, hours (kept
    /// 9 weeks) for 1h.
    fn source(self) -> Resolution {
        match self {
            Step::Minute | Step::Quarter => Resolution::Minute,
            Step::Hour => Resolution::Hour,
        }
    }

    /// The longest `window` (the form without `from`/`to`) and its text.
    fn longest_window(self) -> (i64, &'static str) {
        match self {
            Step::Minute | Step::Quarter => (2 * DAY, "48h"),
            Step::Hour => (8 * WEEK, "8w"),
        }
    }

    /// How long the answer may be cached: about a quarter of a bucket, so a chart that polls sees
    /// the current bucket grow.
    fn max_age(self) -> u32 {
        match self {
            Step::Minute => 15,
            Step::Quarter => 60,
            Step::Hour => 300,
        }
    }

    fn floor(self, t: i64) -> i64 {
        t.div_euclid(self.seconds()) * self.seconds()
    }

    fn ceil(self, t: i64) -> i64 {
        self.floor(t + self.seconds() - 1)
    }
}

#[allow(
    dead_code,
    reason = "the document's list; requests are parsed as ProblemKind"
)]
/// The problem kinds, as the document names them (`ProblemKind::code`; a unit test keeps them
/// the same).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeriesProblem {
    Login,
    Balance,
    SmsVerification,
    Payments,
    Card,
    MobileApp,
    Website,
    Other,
}

/// How a series is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeriesSplit {
    Problem,
    Region,
}

use SeriesSplit as By;

/// The formats offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeriesFormat {
    Json,
    Csv,
}

use SeriesFormat as Format;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SeriesQuery {
    /// How far back: a number and `s`, `m`, `h`, `d` or `w` (default `24h`). Without `from`/`to`
    /// the window ends with the current bucket and may be at most `48h` at steps `1m` and `15m`,
    /// `8w` at step `1h`; with `to`, it ends at `to`. Not with `from`.
    #[param(example = "24h", pattern = "^[0-9]+[smhdw]$")]
    window: Option<String>,
    /// Start (RFC 3339), rounded down to the step. Minute counts (steps `1m`, `15m`) are kept 48
    /// hours, hourly counts (`1h`) 9 weeks: an older `from` is refused with 422.
    #[param(value_type = Option<String>, format = DateTime, example = "2026-11-30T00:00:00Z")]
    from: Option<String>,
    /// End (RFC 3339, exclusive), rounded up to the step; at most the end of the current bucket
    /// (the default).
    #[param(value_type = Option<String>, format = DateTime, example = "2026-12-01T00:00:00Z")]
    to: Option<String>,
    /// Bucket size: `1m` (default), `15m` or `1h`.
    #[param(value_type = Option<SeriesStep>, example = "1h")]
    step: Option<String>,
    /// One series per problem kind (all 8) or per region with counted reports in the range.
    /// Not with `problem` or `region` (no counts are kept per problem and region at once).
    #[param(value_type = Option<SeriesSplit>, example = "problem")]
    by: Option<String>,
    /// `json` (default) or `csv`; without it, `Accept: text/csv` asks for CSV.
    #[param(value_type = Option<SeriesFormat>, example = "csv")]
    format: Option<String>,
    /// Only reports of this problem kind.
    #[param(value_type = Option<SeriesProblem>, example = "login")]
    problem: Option<String>,
    /// Only reports from this region (ISO 3166-2, any country's: reports are placed where they
    /// are made). A region downtally does not know is refused with 422.
    #[param(example = "IT-25")]
    region: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Point {
    /// Start of the bucket (RFC 3339, UTC).
    #[schema(example = "2026-11-30T14:00:00Z")]
    t: String,
    /// Counted reports in the bucket.
    count: u64,
    /// What is normal for the bucket (`detect::Normal`: expected count, 10th and 90th percentile),
    /// when the series has the history to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    normal: Option<NormalRange>,
    /// Whether an outage downtally declared overlaps the bucket: a service-wide one, or for a
    /// region's series that region's.
    in_outage: bool,
}

#[derive(Serialize, ToSchema)]
pub(super) struct NormalRange {
    #[schema(example = 4.2)]
    expected: f64,
    #[schema(example = 2.0)]
    low: f64,
    #[schema(example = 7.0)]
    high: f64,
}

/// One series: every bucket of the range, oldest first.
#[derive(Serialize, ToSchema)]
pub(super) struct SeriesBody {
    #[schema(example = "monzo")]
    service: String,
    #[schema(example = 3600)]
    step_seconds: i64,
    /// `to - from`.
    #[schema(example = 86400)]
    window_seconds: i64,
    /// Start of the first bucket (RFC 3339).
    #[schema(example = "2026-11-29T15:00:00Z")]
    from: String,
    /// End of the last bucket (exclusive).
    #[schema(example = "2026-11-30T15:00:00Z")]
    to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    points: Vec<Point>,
}

/// One series of a split: its problem kind or region, and its points.
#[derive(Serialize, ToSchema)]
pub(super) struct SplitSeries {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "login")]
    problem: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    points: Vec<Point>,
}

/// Series split by problem kind or region (`by`), each with every bucket of the range.
#[derive(Serialize, ToSchema)]
pub(super) struct SplitBody {
    #[schema(example = "monzo")]
    service: String,
    #[schema(example = 3600)]
    step_seconds: i64,
    window_seconds: i64,
    from: String,
    to: String,
    /// `problem` or `region`.
    #[schema(example = "problem")]
    by: String,
    series: Vec<SplitSeries>,
}

/// The JSON answer: one series, or several with `by`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub(super) enum SeriesAnswer {
    One(SeriesBody),
    Split(SplitBody),
}

const CSV_EXAMPLE: &str = "time,problem,count,expected,low,high,in_outage\r\n\
2026-11-30T14:00:00Z,login,12,4.20,2.00,7.00,true\r\n\
2026-11-30T14:00:00Z,balance,0,0.50,0.00,1.00,false\r\n";

/// Reports per bucket for a service, with what is normal for each bucket and whether an outage
/// covered it; optionally split by problem kind or region; as JSON or CSV.
#[utoipa::path(
    get,
    path = "/api/v1/services/{slug}/series",
    tag = "data",
    description = concat!(
        "The range is `window` back from now (the current bucket last), or `from`–`to`. Steps \
        `1m` and `15m` read minute counts (kept 48 hours), `1h` hourly counts (kept 9 weeks). An \
        answer holds at most 15,000 points (buckets × series); a larger request is refused with \
        422 saying so. The CSV (`format=csv`, or `Accept: text/csv`) has a header row and one row \
        per bucket (per bucket and series when split), times in RFC 3339 UTC, the normal's \
        columns empty when unknown. ",
        api_budget_note!()
    ),
    params(("slug" = String, Path, description = "The service", example = "monzo"), SeriesQuery),
    responses(
        (status = 200, description = "One point per bucket, oldest first (per series when split)",
            content(
                (SeriesAnswer = "application/json"),
                (String = "text/csv", example = json!(CSV_EXAMPLE)),
            )),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A query parameter given twice or not decodable", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "No such service", body = Problem, content_type = PROBLEM_JSON),
        (status = 410, description = "The service was removed from this site's catalog (its past outages stay)", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "A parameter out of range or unknown, a range older than the \
            counts kept, or more than 15,000 points", body = Problem, content_type = PROBLEM_JSON),
        (status = 429, description = "The network's budget of uncached requests is spent", body = Problem, content_type = PROBLEM_JSON),
        (status = 503, description = "Counters unavailable; try again", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn series(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    query: web::Query<SeriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let Some(service) = state.catalog.get(&slug) else {
        return Err(super::errors::unknown_service(&state.catalog, &slug));
    };
    let now = state.clock.now();
    let ask = Request::parse(&query, &req, &state, now)?;
    let slug = service.slug.clone();

    // The series asked for: one, or one per problem kind or region.
    let splits: Vec<(Option<String>, Dim)> = match ask.by {
        Some(By::Problem) => ProblemKind::ALL
            .iter()
            .map(|&p| (Some(p.code().to_owned()), Dim::Problem(p)))
            .collect(),
        Some(By::Region) => state
            .db
            .regions_reported(&slug, ask.range.first, ask.range.end())
            .await?
            .into_iter()
            .map(|r| (Some(r.as_str().to_owned()), Dim::Region(r)))
            .collect(),
        None => vec![(None, ask.dim.clone())],
    };
    let points = ask.range.count.saturating_mul(splits.len().max(1));
    if points > MAX_POINTS {
        return Err(ApiError::new(
            Kind::Unprocessable,
            format!(
                "this request would return {points} points ({} buckets × {} series); an answer \
                 holds at most {MAX_POINTS}: narrow from/to or window, or use a longer step",
                ask.range.count,
                splits.len()
            ),
        ));
    }
    let outages = state
        .db
        .outages_between(&slug, ask.range.first, ask.range.end())
        .await?;
    let mut all = Vec::with_capacity(splits.len());
    for (label, dim) in splits {
        let points = series_points(&state, &slug, &dim, ask.step, ask.range, now, &outages).await?;
        all.push((label, points));
    }

    let window_seconds = ask.range.end() - ask.range.first;
    let mut res = HttpResponse::Ok();
    res.insert_header((
        "Cache-Control",
        format!("public, max-age={}", ask.step.max_age()),
    ))
    .insert_header(("Vary", "Accept"));
    if ask.format == Format::Csv {
        let by = ask.by.map(|b| match b {
            By::Problem => "problem",
            By::Region => "region",
        });
        let name = format!(
            "{}-{}{}.csv",
            slug.as_str(),
            ask.step.code(),
            by.map(|b| format!("-by-{b}")).unwrap_or_default()
        );
        return Ok(res
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{name}\""),
            ))
            .body(csv(by, &all)));
    }
    let from = rfc3339(ask.range.first);
    let to = rfc3339(ask.range.end());
    let answer = match ask.by {
        None => SeriesAnswer::One(SeriesBody {
            service: slug.as_str().to_owned(),
            step_seconds: ask.step.seconds(),
            window_seconds,
            from,
            to,
            problem: query.problem.clone(),
            region: query.region.clone(),
            points: all.pop().map(|s| s.1).unwrap_or_default(),
        }),
        Some(by) => SeriesAnswer::Split(SplitBody {
            service: slug.as_str().to_owned(),
            step_seconds: ask.step.seconds(),
            window_seconds,
            from,
            to,
            by: match by {
                By::Problem => "problem",
                By::Region => "region",
            }
            .to_owned(),
            series: all
                .into_iter()
                .map(|(label, points)| SplitSeries {
                    problem: label.clone().filter(|_| by == By::Problem),
                    region: label.filter(|_| by == By::Region),
                    points,
                })
                .collect(),
        }),
    };
    Ok(res.json(answer))
}

/// A request, validated.
struct Request {
    step: Step,
    /// The buckets answered (of `step`).
    range: BucketRange,
    by: Option<By>,
    /// The series when not split.
    dim: Dim,
    format: Format,
}

impl Request {
    fn parse(
        q: &SeriesQuery,
        req: &HttpRequest,
        state: &AppState,
        now: i64,
    ) -> Result<Request, ApiError> {
        let invalid = |m: String| ApiError::new(Kind::Unprocessable, m);
        let step_text = q.step.as_deref().unwrap_or("1m");
        let step = Step::parse(step_text)
            .ok_or_else(|| invalid(format!("step must be 1m, 15m or 1h, not {step_text:?}")))?;
        let window = match q.window.as_deref() {
            None => None,
            Some(text) => Some(super::api::parse_duration(text).ok_or_else(|| {
                invalid(format!("window {text:?} is not a duration such as 24h"))
            })?),
        };
        let time = |name: &str, text: &str| {
            chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| t.timestamp())
                .map_err(|_| {
                    invalid(format!(
                        "{name} {text:?} is not an RFC 3339 time such as 2026-11-30T00:00:00Z"
                    ))
                })
        };
        let current_end = step.floor(now) + step.seconds();
        let range = if q.from.is_none() && q.to.is_none() {
            let window = window.unwrap_or(DAY);
            let (longest, longest_text) = step.longest_window();
            if window < step.seconds() || window > longest {
                return Err(invalid(format!(
                    "window must be between one step and {longest_text} for step {}",
                    step.code()
                )));
            }
            let count = window / step.seconds();
            BucketRange {
                first: current_end - count * step.seconds(),
                count: count as usize,
                step: step.seconds(),
            }
        } else {
            if q.from.is_some() && window.is_some() {
                return Err(invalid("give window or from, not both".into()));
            }
            let to = match q.to.as_deref() {
                Some(text) => step.ceil(time("to", text)?),
                None => current_end,
            };
            if to > current_end {
                return Err(invalid(format!(
                    "to must be at most {} (the end of the current bucket)",
                    rfc3339(current_end)
                )));
            }
            let from = match (q.from.as_deref(), window) {
                (Some(text), _) => step.floor(time("from", text)?),
                (None, window) => step.floor(to.saturating_sub(window.unwrap_or(DAY))),
            };
            if from >= to {
                return Err(invalid("from must be before to".into()));
            }
            let oldest = step.ceil(step.source().oldest_kept(now));
            if from < oldest {
                let kept = match step.source() {
                    Resolution::Minute => "minute counts (steps 1m and 15m) are kept 48 hours",
                    Resolution::Hour => "hourly counts (step 1h) are kept 9 weeks",
                };
                return Err(invalid(format!(
                    "{kept}: from must be at or after {}",
                    rfc3339(oldest)
                )));
            }
            BucketRange {
                first: from,
                count: ((to - from) / step.seconds()) as usize,
                step: step.seconds(),
            }
        };
        let by = match q.by.as_deref() {
            None => None,
            Some("problem") => Some(By::Problem),
            Some("region") => Some(By::Region),
            Some(other) => {
                return Err(invalid(format!(
                    "by must be problem or region, not {other:?}"
                )));
            }
        };
        let dim = match (&q.problem, &q.region) {
            (Some(_), Some(_)) => return Err(invalid("give problem or region, not both".into())),
            (Some(p), None) => {
                Dim::Problem(ProblemKind::parse(p).map_err(|e| invalid(e.to_string()))?)
            }
            (None, Some(r)) => {
                let region = RegionId::parse(r).map_err(|e| invalid(e.to_string()))?;
                if !state.regions.is_known(region.as_str()) {
                    return Err(invalid(format!("unknown region {r:?}")));
                }
                Dim::Region(region)
            }
            (None, None) => Dim::All,
        };
        if by.is_some() && dim != Dim::All {
            return Err(invalid(
                "by cannot be combined with problem or region: no counts are kept per problem \
                 and region at once"
                    .into(),
            ));
        }
        let format = match q.format.as_deref() {
            Some("json") => Format::Json,
            Some("csv") => Format::Csv,
            Some(other) => {
                return Err(invalid(format!(
                    "format must be json or csv, not {other:?}"
                )));
            }
            None if wants_csv(req) => Format::Csv,
            None => Format::Json,
        };
        Ok(Request {
            step,
            range,
            by,
            dim,
            format,
        })
    }
}

/// Whether the request's `Accept` names `text/csv` (and no JSON type before it). The API layer
/// keys its cache by it too.
pub(super) fn wants_csv(req: &HttpRequest) -> bool {
    let Some(accept) = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    for item in accept.split(',') {
        let media = item.split(';').next().unwrap_or("").trim();
        if media.eq_ignore_ascii_case("text/csv") {
            return true;
        }
        if media.eq_ignore_ascii_case("application/json") {
            return false;
        }
    }
    false
}

/// The points of one series over `range`: counts summed from the step's source counters, the
/// normal of each bucket from the series' model, and the outage flags.
async fn series_points(
    state: &AppState,
    slug: &crate::domain::ServiceSlug,
    dim: &Dim,
    step: Step,
    range: BucketRange,
    now: i64,
    outages: &[StoredOutage],
) -> Result<Vec<Point>, ApiError> {
    let source = step.source();
    let per = (step.seconds() / source.step()) as usize;
    let fine = BucketRange {
        first: range.first,
        count: range.count * per,
        step: source.step(),
    };
    let counts = state.counts.series(slug, dim, source, fine).await?;
    let model = state.normals.model(slug, dim, now).await?;
    let region = match dim {
        Dim::Region(r) => Some(r),
        _ => None,
    };
    // Outages that count for this series: service-wide ones, or this region's.
    let spans: Vec<(i64, Option<i64>)> = outages
        .iter()
        .filter(|o| o.record.region.as_ref() == region)
        .map(|o| (o.record.started_at, o.record.ended_at))
        .collect();
    // Two decimals are more than the noise of any count allows.
    let round = |v: f64| (v * 100.0).round() / 100.0;
    Ok(range
        .starts()
        .zip(counts.chunks(per.max(1)))
        .map(|(t, chunk)| {
            let end = t + step.seconds();
            Point {
                t: rfc3339(t),
                count: chunk.iter().sum(),
                normal: model.normal(t, step.seconds()).map(|n| NormalRange {
                    expected: round(n.expected),
                    low: round(n.low),
                    high: round(n.high),
                }),
                in_outage: spans
                    .iter()
                    .any(|&(start, stop)| start < end && stop.is_none_or(|e| e > t)),
            }
        })
        .collect())
}

/// The CSV: `time,count,expected,low,high,in_outage`, with a `problem` or `region` column after the
/// time when split; rows by time, then series in the JSON's order.
fn csv(by: Option<&str>, all: &[(Option<String>, Vec<Point>)]) -> String {
    let rows = all.iter().map(|s| s.1.len()).sum::<usize>();
    let mut out = String::with_capacity(64 * (rows + 1));
    out.push_str("time,");
    if let Some(by) = by {
        out.push_str(by);
        out.push(',');
    }
    out.push_str("count,expected,low,high,in_outage\r\n");
    let buckets = all.first().map_or(0, |s| s.1.len());
    for i in 0..buckets {
        for (label, points) in all {
            let p = &points[i];
            out.push_str(&p.t);
            out.push(',');
            if let Some(label) = label.as_deref().filter(|_| by.is_some()) {
                out.push_str(label);
                out.push(',');
            }
            let _ = write!(out, "{},", p.count);
            match &p.normal {
                Some(n) => {
                    let _ = write!(out, "{:.2},{:.2},{:.2},", n.expected, n.low, n.high);
                }
                None => out.push_str(",,,"),
            }
            out.push_str(if p.in_outage { "true" } else { "false" });
            out.push_str("\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_problem_kinds_are_the_domains() {
        let doc: serde_json::Value =
            serde_json::from_str(super::super::openapi::document_json()).unwrap();
        let listed = &doc["components"]["schemas"]["SeriesProblem"]["enum"];
        let codes: Vec<&str> = ProblemKind::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(listed, &serde_json::json!(codes));
        for name in ["SeriesStep", "SeriesSplit", "SeriesFormat", "SeriesAnswer"] {
            assert!(doc["components"]["schemas"][name].is_object(), "{name}");
        }
    }

    #[test]
    fn steps_and_their_alignment() {
        assert_eq!(Step::parse("15m"), Some(Step::Quarter));
        assert_eq!(Step::parse("60m"), Some(Step::Hour));
        assert_eq!(Step::parse("5m"), None);
        assert_eq!(Step::Quarter.floor(1_000), 900);
        assert_eq!(Step::Quarter.ceil(901), 1_800);
        assert_eq!(Step::Quarter.ceil(900), 900);
    }

    #[test]
    fn csv_rows_per_bucket_and_series() {
        let point = |t: i64, count: u64, known: bool| Point {
            t: rfc3339(t),
            count,
            normal: known.then_some(NormalRange {
                expected: 1.5,
                low: 0.0,
                high: 3.0,
            }),
            in_outage: count > 5,
        };
        let all = vec![
            (
                Some("login".to_owned()),
                vec![point(0, 9, true), point(60, 0, true)],
            ),
            (
                Some("card".to_owned()),
                vec![point(0, 1, false), point(60, 2, true)],
            ),
        ];
        let text = csv(Some("problem"), &all);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "time,problem,count,expected,low,high,in_outage");
        assert_eq!(lines[1], "1970-01-01T00:00:00Z,login,9,1.50,0.00,3.00,true");
        assert_eq!(lines[2], "1970-01-01T00:00:00Z,card,1,,,,false");
        assert_eq!(lines[4], "1970-01-01T00:01:00Z,card,2,1.50,0.00,3.00,false");
        assert_eq!(lines.len(), 6);
        let one = csv(None, &all[..1]);
        assert!(
            one.starts_with("time,count,expected,low,high,in_outage\r\n1970-01-01T00:00:00Z,9,")
        );
    }
}
