//! `GET /api/v1/outages`: outages newest first, filtered, in pages that follow an opaque cursor
//! (the `(started_at, id)` of the last outage of the page before, so an outage recorded between
//! two requests never shifts or repeats a page). Each item is the outage of
//! `GET /api/v1/outages/{id}` without what costs another query (statements, evidence, group).

use super::AppState;
use super::api_layer::api_budget_note;
use super::api_services::{country_param, invalid};
use super::errors::{ApiError, PROBLEM_JSON, Problem};
use crate::domain::RegionId;
use crate::outage_facts::OutageFacts;
use crate::store::{OutageFilter, StoredOutage};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Items a page holds unless `limit` says otherwise, and at most.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// A page's cursor: where the next page starts after. Opaque to clients: 32 hex digits of
/// `started_at` and `id`, big-endian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub started_at: i64,
    pub id: i64,
}

impl Cursor {
    pub fn encode(self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.started_at.to_be_bytes());
        bytes[8..].copy_from_slice(&self.id.to_be_bytes());
        hex::encode(bytes)
    }

    /// `None` for anything [`Cursor::encode`] did not make.
    pub fn decode(text: &str) -> Option<Cursor> {
        if text.len() != 32 {
            return None;
        }
        let bytes = hex::decode(text).ok()?;
        let started_at = i64::from_be_bytes(bytes[..8].try_into().ok()?);
        let id = i64::from_be_bytes(bytes[8..].try_into().ok()?);
        Some(Cursor { started_at, id })
    }
}

/// An outage's state, as the document lists them.
#[derive(ToSchema)]
#[allow(dead_code, reason = "for the OpenAPI document only")]
#[schema(rename_all = "snake_case")]
pub(super) enum OutageState {
    Open,
    Resolved,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct OutagesQuery {
    /// Outages of this service (a slug of `GET /api/v1/services`).
    #[param(example = "monzo")]
    service: Option<String>,
    /// Outages of services that serve this country (ISO 3166-1 alpha-2, any case), or in one of
    /// its regions.
    #[param(example = "IT", pattern = "^[A-Za-z]{2}$")]
    country: Option<String>,
    /// Outages of this region (ISO 3166-2), and service-wide ones with reports from it.
    #[param(example = "IT-25")]
    region: Option<String>,
    /// Started at or after this time (RFC 3339).
    #[param(example = "2026-11-01T00:00:00Z", format = DateTime)]
    from: Option<String>,
    /// Started before this time (RFC 3339); no later than `from`, no outage is.
    #[param(example = "2026-12-01T00:00:00Z", format = DateTime)]
    to: Option<String>,
    /// `open` (still going on) or `resolved`.
    #[param(value_type = Option<OutageState>, inline, example = "resolved")]
    status: Option<String>,
    /// The `next_cursor` of the page before; absent for the first page.
    #[param(pattern = "^[0-9a-fA-F]{32}$")]
    cursor: Option<String>,
    /// Outages per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, example = 50, minimum = 1, maximum = 200)]
    limit: Option<String>,
}

/// One outage, in short.
#[derive(Serialize, ToSchema)]
pub(super) struct OutageItem {
    #[serde(flatten)]
    facts: OutageFacts,
    /// Its details (statements, evidence, group) in this API.
    api: String,
}

impl OutageItem {
    fn new(base: &str, o: StoredOutage) -> Self {
        Self {
            facts: OutageFacts::new(base, &o),
            api: format!("{base}/api/v1/outages/{}", o.id),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(super) struct OutagesBody {
    /// Newest first.
    outages: Vec<OutageItem>,
    /// The cursor of the next page (`null` on the last page), and its URL (also in the `Link`
    /// header, `rel="next"`).
    #[schema(example = "0000000067ad1f400000000000000029")]
    next_cursor: Option<String>,
    next: Option<String>,
}

/// RFC 3339 → epoch seconds, or 422 naming `param`.
fn time_param(param: &str, text: &str) -> Result<i64, ApiError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|e| invalid(param, format!("{text:?} is not an RFC 3339 time ({e})")))
}

/// The query's filters, each checked (422 naming the first that is not valid).
fn filter(state: &AppState, q: &OutagesQuery) -> Result<(OutageFilter, i64), ApiError> {
    // An empty value is a value (and not a valid one), not an absent parameter.
    let given = |v: &Option<String>| v.clone();
    let mut f = OutageFilter::default();
    if let Some(s) = given(&q.service) {
        let service = state
            .catalog
            .get(&s)
            .ok_or_else(|| invalid("service", format!("no service {s:?}")))?;
        f.service = Some(service.slug.clone());
    }
    if let Some(c) = given(&q.country) {
        f.country = Some(country_param(state, &c)?);
    }
    if let Some(r) = given(&q.region) {
        let region = RegionId::parse(&r)
            .ok()
            .filter(|id| state.regions.is_known(id.as_str()))
            .ok_or_else(|| invalid("region", format!("{r:?} is not a region downtally knows")))?;
        f.region = Some(region);
    }
    f.from = given(&q.from).map(|t| time_param("from", &t)).transpose()?;
    f.to = given(&q.to).map(|t| time_param("to", &t)).transpose()?;
    f.open = match given(&q.status).as_deref() {
        None => None,
        Some("open") => Some(true),
        Some("resolved") => Some(false),
        Some(other) => {
            return Err(invalid(
                "status",
                format!("{other:?} is not open or resolved"),
            ));
        }
    };
    if let Some(c) = given(&q.cursor) {
        let cursor = Cursor::decode(&c).ok_or_else(|| {
            invalid(
                "cursor",
                "not a cursor this API gave (use next_cursor as it is)",
            )
        })?;
        f.after = Some((cursor.started_at, cursor.id));
    }
    let limit = match given(&q.limit) {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                invalid(
                    "limit",
                    format!("{l:?} is not a number from 1 to {MAX_LIMIT}"),
                )
            })?,
    };
    Ok((f, limit))
}

/// The request's URL with `cursor` set to `next` (the other parameters as the client wrote them;
/// a cursor is hex digits, nothing to escape).
fn next_url(state: &AppState, req: &HttpRequest, next: &str) -> String {
    let mut pairs: Vec<&str> = req
        .query_string()
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some("cursor"))
        .collect();
    let cursor = format!("cursor={next}");
    pairs.push(&cursor);
    format!("{}/api/v1/outages?{}", state.public_url, pairs.join("&"))
}

/// Outages newest first, filtered, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/outages",
    tag = "data",
    description = concat!(
        "Outages newest first (by start), filtered (all filters must hold), in pages: \
        follow `next` (or the `Link: <…>; rel=\"next\"` header, or pass `next_cursor` as `cursor` \
        with the same filters) until it is `null`. Pages are stable: an outage recorded while you \
        page never shifts or repeats one. Every parameter is checked: a wrong one is refused with \
        422 naming it. Cached for 30 s (ETag, 304 on If-None-Match). ",
        api_budget_note!()
    ),
    params(OutagesQuery),
    responses(
        (status = 200, description = "A page of outages", body = OutagesBody,
         headers(("Link" = String, description = "`<next page>; rel=\"next\"` unless this is the last page"))),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A malformed query string (a parameter given twice)", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "A parameter that is not valid (named in `detail`)", body = Problem, content_type = PROBLEM_JSON),
        (status = 429, description = "The network's budget of uncached requests is spent", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn outages(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<OutagesQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, limit) = filter(&state, &query)?;
    let mut rows = state.db.outage_page(&filter, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more.then(|| rows.last()).flatten().map(|o| {
        Cursor {
            started_at: o.record.started_at,
            id: o.id,
        }
        .encode()
    });
    let next = next_cursor.as_deref().map(|c| next_url(&state, &req, c));
    let mut res = HttpResponse::Ok();
    res.insert_header(("Cache-Control", "public, max-age=30"));
    if let Some(url) = &next {
        res.insert_header(("Link", format!("<{url}>; rel=\"next\"")));
    }
    let base = &state.public_url;
    Ok(res.json(OutagesBody {
        outages: rows.into_iter().map(|o| OutageItem::new(base, o)).collect(),
        next_cursor,
        next,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn cursors_round_trip(started_at in any::<i64>(), id in any::<i64>()) {
            let c = Cursor { started_at, id };
            let text = c.encode();
            prop_assert_eq!(Cursor::decode(&text), Some(c));
            prop_assert!(text.bytes().all(|b| b.is_ascii_hexdigit()));
        }

        /// Anything a client makes up is refused (the handler answers 422), never a panic.
        #[test]
        fn garbage_is_no_cursor(text in ".{0,64}") {
            if let Some(c) = Cursor::decode(&text) {
                prop_assert_eq!(c.encode(), text.to_ascii_lowercase());
            }
        }
    }

    #[test]
    fn near_misses_are_no_cursor() {
        let good = Cursor {
            started_at: 1_800_000_000,
            id: 41,
        }
        .encode();
        assert_eq!(good.len(), 32);
        for bad in [
            "",
            &good[1..],
            &format!("{good}0"),
            &good.replacen('0', "g", 1),
            "ééééééééééééééééé",
        ] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }
}
