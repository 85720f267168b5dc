//! What the Atom feeds, badges and Statuspage-compatible JSON share: answers that any site, feed
//! reader or dashboard may fetch and that shared proxies may keep: rendered once into the page cache
//! (keyed by `PageKey::{Feed, Badge, Statuspage}`), `public, max-age=60` with an ETag (a bodiless 304
//! to `If-None-Match`), readable from scripts on any origin (CORS `*`,
//! `Cross-Origin-Resource-Policy: cross-origin`) and never rate limited (they are not under
//! `/api/v1`, which the API's limit wraps). Also: the language `?lang=` asks for (English
//! otherwise: no cookie, no `Accept-Language`, so every reader of a feed URL gets the same text), and
//! when an outage last changed, which feeds and Statuspage JSON both report.

use super::AppState;
use super::page_cache::{self, CachedBody, PageKey, Stamp};
use crate::i18n::Lang;
use crate::store::OutageRecord;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use std::sync::Arc;

pub const CACHE_CONTROL: &str = "public, max-age=60";
pub const ATOM: &str = "application/atom+xml; charset=utf-8";
pub const SVG: &str = "image/svg+xml; charset=utf-8";
pub const JSON: &str = "application/json";
/// Badges may be framed and drawn by any site, and load nothing.
const FRAMABLE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *";
/// Feeds and JSON are documents, not pages: nothing to run, nobody frames them.
const DOCUMENT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The language of `?lang=` (a tag we know), else English.
pub fn query_lang(req: &HttpRequest) -> Lang {
    query_value(req, "lang")
        .and_then(|v| Lang::from_tag(&v))
        .unwrap_or_default()
}

/// The first value of a query parameter, percent-decoded; `None` when absent or the query does not
/// parse.
pub fn query_value(req: &HttpRequest, name: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .ok()?
        .into_iter()
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// When an outage last changed as feeds tell it: its start, a new peak, its end, or an official
/// statement attached to it (`statement_added`: when the last one was). The monitor's other
/// refinements (the problem mix growing) do not make it "updated".
pub fn outage_updated(r: &OutageRecord, statement_added: Option<i64>) -> i64 {
    [
        Some(r.started_at),
        Some(r.peak_at),
        r.ended_at,
        statement_added,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(r.started_at)
}

/// Serves `key` from the page cache or renders it with `build`. `data` is the data generation it
/// depends on besides the monitor's passes and the minute (`Generations::of` a service, or 0).
pub async fn cached<F, E>(
    state: &AppState,
    req: &HttpRequest,
    key: PageKey,
    data: u64,
    content_type: &'static str,
    framable: bool,
    build: F,
) -> Result<HttpResponse, E>
where
    F: Future<Output = Result<String, E>>,
{
    let now = state.clock.now();
    let stamp = Stamp::new(data, state.board.updated_at(), now);
    let body = state
        .pages
        .get_or_fill(key, stamp, now, content_type, build)
        .await?;
    Ok(respond(req, &body, framable))
}

/// 304 when the client holds `body`, else the body in the best encoding it accepts; with the
/// headers every public answer carries.
pub fn respond(req: &HttpRequest, body: &Arc<CachedBody>, framable: bool) -> HttpResponse {
    let fresh = body.matches(req);
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .insert_header((header::ETAG, body.etag.as_str()))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header((header::ACCESS_CONTROL_EXPOSE_HEADERS, "ETag"))
        .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            if framable {
                FRAMABLE_POLICY
            } else {
                DOCUMENT_POLICY
            },
        ));
    if fresh {
        return res.finish();
    }
    let (bytes, encoding) = body.encoded(req);
    page_cache::body_headers(&mut res, body, encoding);
    res.body(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ServiceSlug;

    #[test]
    fn an_outage_is_updated_by_its_peak_end_and_statements() {
        let mut r = OutageRecord {
            service: ServiceSlug::parse("monzo").unwrap(),
            region: None,
            started_at: 1000,
            ended_at: None,
            peak_at: 1600,
            peak_count: 10.0,
            baseline_at_peak: 1.0,
            top_problems: Vec::new(),
            regions: Vec::new(),
        };
        assert_eq!(outage_updated(&r, None), 1600);
        assert_eq!(outage_updated(&r, Some(2000)), 2000);
        r.ended_at = Some(3000);
        assert_eq!(outage_updated(&r, Some(2000)), 3000);
    }
}
