//! What every `GET` (and `HEAD`) under `/api/v1/` passes, whichever handler answers it (a
//! middleware, so a new endpoint gets it without doing anything):
//!
//! - CORS: `Access-Control-Allow-Origin: *` on its answers (errors too, so a script can read a 429),
//!   the headers a script may read (`ETag`, `Link`, `Retry-After`), and the preflight ([`preflight`],
//!   routed as OPTIONS beside every API GET by `web/mod.rs`) allowing GET and HEAD with
//!   `If-None-Match`. The data is public and no answer depends on cookies, so any site may read it.
//! - A cache: each 200 answer is kept by path and query in a [`PageCache`] of its own (the pages'
//!   engine: the same [`Stamp`] of data generation, monitor pass and minute, and one handler run
//!   for concurrent misses of a key; like a page, an answer may lag new reports by
//!   `--page-fresh-secs`, so a flood of reports does not turn every API read into a miss), and no
//!   longer than its `max-age`.
//! - Validators: a weak `ETag` (a hash of the body) on every 200, and 304 to an `If-None-Match`
//!   that names it; `Cache-Control: public, max-age=60` unless the handler chose its own.
//! - A per-network budget for uncached work: a request the cache cannot answer runs the handler,
//!   and only then takes a token from its network's bucket (`counts::RateLimit`, the intake's
//!   machinery, under a key of its own: `NetworkKey::for_api`). Without one: 429 with
//!   `Retry-After`. Answers from the cache and 304s from it are never limited, so shared proxies
//!   and aggregators revalidating popular answers are not either; badges and feeds live outside
//!   `/api/` and never pass here.

use super::AppState;
use super::errors::{ApiError, Kind};
use super::page_cache::{CachedBody, PageCache, PageKey, Stamp};
use super::request::client_ip;
use crate::counts::RateLimit;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use std::cell::RefCell;
use std::net::IpAddr;
use std::rc::Rc;
use std::sync::Arc;

/// The default budget: 120 uncached requests a minute per network, 60 at once (`--api-rate-per-minute`,
/// `--api-rate-burst`). A page of a dashboard that reads a dozen endpoints, or a script walking
/// pages of outages, stays well within; a crawler of every query string does not.
pub const API_RATE: RateLimit = RateLimit {
    burst: 60.0,
    per_minute: 120.0,
};

/// The budget in words, for the OpenAPI descriptions of the endpoints it applies to (every API
/// GET): `description = concat!("What the endpoint does. ", api_budget_note!())`.
macro_rules! api_budget_note {
    () => {
        "Answers carry an ETag (304 to If-None-Match) and `Cache-Control: public, max-age`; \
         answers not in the server's cache cost one request from the network's budget (by default \
         120 a minute, 60 at once, per IPv4 /24 or IPv6 /48; `--api-rate-per-minute`, \
         `--api-rate-burst`), and over it the answer is 429 with `Retry-After`. Answers from the \
         cache and 304s are never limited."
    };
}
pub(crate) use api_budget_note;

/// `max-age` of an answer whose handler chose none.
pub const DEFAULT_MAX_AGE: i64 = 60;

/// Longer paths with their query are answered but not kept.
const MAX_KEY_BYTES: usize = 512;

/// Headers a script on another site may read besides the CORS-safelisted ones.
const EXPOSED: &str = "ETag, Link, Retry-After, Location";

/// The API's cache and budget, in the app's state.
#[derive(Clone)]
pub struct ApiLayer {
    cache: PageCache,
    rate: RateLimit,
}

impl ApiLayer {
    /// The per-network budget of uncached work (for the `/api` page).
    pub fn rate(&self) -> RateLimit {
        self.rate
    }

    /// Forgets every cached answer (the catalog changed).
    pub fn clear(&self) {
        self.cache.clear();
    }

    /// A cache beside `pages` (following the same data generations), and the budget `rate`.
    pub fn new(pages: &PageCache, rate: RateLimit) -> Self {
        Self {
            cache: pages.sibling(),
            rate,
        }
    }
}

/// The CORS preflight of an API GET: any origin may GET or HEAD, revalidating with `If-None-Match`.
pub async fn preflight() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, "If-None-Match"))
        .insert_header((header::ACCESS_CONTROL_MAX_AGE, "86400"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .finish()
}

/// Why a miss did not give a body to keep.
enum Miss {
    /// The network's budget is spent: seconds to wait.
    Limited(u64),
    /// The handler's own answer (an error, a redirect): passed on as it is, not kept.
    Answer(ServiceResponse<BoxBody>),
    /// The handler failed.
    Failed(actix_web::Error),
}

/// The request while a miss may still take it to the handler, and after: actix routes a request
/// only while nothing else holds it, so it is not cloned but handed over, and back.
type Slot<T> = Rc<RefCell<Option<T>>>;

/// The middleware (see the module's documentation).
pub async fn api_layer(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // A subscription, or any request with credentials, is its owner's alone: never kept, never
    // answered from what another request left, and paid from the subscriptions' own limits.
    let public_read = matches!(*req.method(), Method::GET | Method::HEAD)
        && !req.headers().contains_key(header::AUTHORIZATION)
        && !req.path().starts_with("/api/v1/subscriptions");
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (true, Some(state)) = (public_read && req.path().starts_with("/api/v1/"), state) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let mut key_text = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |pq| pq.as_str().to_owned());
    // The one negotiation the API answers (`Accept: text/csv` on the series) is part of the key,
    // else a CSV answer could be served to a JSON request of the same URL.
    if super::api_series::wants_csv(req.request()) {
        key_text.push_str(" accept=csv");
    }
    let now = state.clock.now();
    let stamp = Stamp::new(state.pages.generations.all(), state.board.updated_at(), now);
    let ip = client_ip(req.request(), &state.trusted_proxies);
    let waiting: Slot<ServiceRequest> = Rc::new(RefCell::new(Some(req)));
    let handled: Slot<HttpRequest> = Rc::default();
    let build = fill(
        state.clone(),
        ip,
        waiting.clone(),
        handled.clone(),
        next,
        stamp,
        now,
    );
    let filled = if key_text.len() <= MAX_KEY_BYTES {
        state
            .api
            .cache
            .get_or_fill_with(PageKey::Api(key_text), stamp, now, build)
            .await
    } else {
        build.await.map(Arc::new)
    };
    // The request, from the handler that answered it or still unrouted (a hit, a refusal).
    let request = || {
        handled
            .borrow_mut()
            .take()
            .or_else(|| waiting.borrow_mut().take().map(|r| r.into_parts().0))
    };
    let (http, res) = match filled {
        Ok(body) => {
            let http = request().expect("the request is kept or handed back");
            let res = answer(&http, &body);
            (http, res)
        }
        Err(Miss::Limited(wait)) => {
            let http = request().expect("a refused request was not handed on");
            let res = ApiError::new(
                Kind::TooManyRequests,
                format!(
                    "this network has used its budget of uncached API requests; try again in \
                     {wait} s, or revalidate cached answers (If-None-Match), which are not limited"
                ),
            )
            .retry_after(Some(wait))
            .error_response();
            (http, res)
        }
        Err(Miss::Answer(mut res)) => {
            cors(res.headers_mut());
            return Ok(res);
        }
        Err(Miss::Failed(e)) => return Err(e),
    };
    let mut res = ServiceResponse::new(http, res);
    cors(res.headers_mut());
    Ok(res)
}

/// A miss: takes a token from the network's budget, hands the request to the handler, and makes
/// its 200 answer a body to keep.
async fn fill(
    state: web::Data<AppState>,
    ip: IpAddr,
    waiting: Slot<ServiceRequest>,
    handled: Slot<HttpRequest>,
    next: Next<impl MessageBody + 'static>,
    stamp: Stamp,
    now: i64,
) -> Result<CachedBody, Miss> {
    if let Some(wait) = over_budget(&state, ip).await {
        return Err(Miss::Limited(wait));
    }
    let req = waiting
        .borrow_mut()
        .take()
        .expect("a miss is filled once per request");
    let res = next.call(req).await.map_err(Miss::Failed)?;
    if res.status() != StatusCode::OK {
        return Err(Miss::Answer(res.map_into_boxed_body()));
    }
    let (http, res) = res.into_parts();
    *handled.borrow_mut() = Some(http);
    let mut headers: Vec<(HeaderName, HeaderValue)> = res
        .headers()
        .iter()
        .filter(|(name, _)| {
            ![
                header::CONTENT_LENGTH,
                header::CONTENT_ENCODING,
                header::ETAG,
                header::TRANSFER_ENCODING,
                header::DATE,
            ]
            .contains(name)
        })
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    let max_age = match res.headers().get(header::CACHE_CONTROL) {
        Some(value) => max_age(value.to_str().unwrap_or("")),
        None => {
            headers.push((
                header::CACHE_CONTROL,
                HeaderValue::from_str(&format!("public, max-age={DEFAULT_MAX_AGE}"))
                    .expect("a header value"),
            ));
            Some(DEFAULT_MAX_AGE)
        }
    };
    let body = actix_web::body::to_bytes(res.into_body())
        .await
        .map_err(|e| {
            let e: Box<dyn std::error::Error> = e.into();
            Miss::Failed(ApiError::internal(format!("reading an API answer: {e}")).into())
        })?;
    // An answer its handler says must not be kept is kept only for this request.
    let expires = now + max_age.unwrap_or(0);
    Ok(
        CachedBody::new(body, "application/octet-stream", stamp, now)
            .with_headers(headers)
            .expiring(expires),
    )
}

/// `max-age` of a `Cache-Control` value, unless it forbids keeping the answer.
fn max_age(cache_control: &str) -> Option<i64> {
    let mut age = None;
    for directive in cache_control.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if matches!(lower.as_str(), "no-store" | "no-cache" | "private") {
            return None;
        }
        if let Some(n) = lower.strip_prefix("max-age=") {
            age = n.trim().parse::<i64>().ok().filter(|&n| n > 0);
        }
    }
    age
}

/// Seconds the request's network must wait, or `None` when its budget had a token (taken now).
/// When the daily salt cannot be read the request is not limited (logged).
async fn over_budget(state: &AppState, ip: IpAddr) -> Option<u64> {
    let now = state.clock.now();
    let salt = match state.intake.salts().for_time(now).await {
        Ok(salt) => salt,
        Err(e) => {
            tracing::warn!(error = %e, "no salt for the API's rate limit; not limiting");
            return None;
        }
    };
    let network = crate::privacy::network_key(&salt, ip).for_api();
    let waits = state
        .counts
        .take_tokens_or_local(
            std::slice::from_ref(&network),
            state.clock.now_ms(),
            &state.api.rate,
        )
        .await;
    waits.first().copied().flatten()
}

/// `Vary` of a kept answer: what its handler varied on, and the encoding.
fn vary(body: &CachedBody) -> String {
    match body.headers.iter().find(|(n, _)| n == header::VARY) {
        Some((_, v)) => format!("{}, Accept-Encoding", v.to_str().unwrap_or("Accept")),
        None => "Accept-Encoding".to_owned(),
    }
}

/// A kept body as the answer to `req`: 304 when its `If-None-Match` names it, else the body in the
/// best encoding the request accepts, with its headers.
fn answer(req: &HttpRequest, body: &CachedBody) -> HttpResponse {
    if body.matches(req) {
        let mut res = HttpResponse::NotModified();
        res.insert_header((header::ETAG, body.etag.as_str()))
            .insert_header((header::VARY, vary(body)));
        for (_, value) in body
            .headers
            .iter()
            .filter(|(n, _)| n == header::CACHE_CONTROL)
        {
            res.insert_header((header::CACHE_CONTROL, value.clone()));
        }
        return res.finish();
    }
    let (bytes, encoding) = body.encoded(req);
    let mut res = HttpResponse::Ok();
    for (name, value) in &body.headers {
        res.append_header((name.clone(), value.clone()));
    }
    res.insert_header((header::ETAG, body.etag.as_str()))
        .insert_header((header::VARY, vary(body)));
    if let Some(e) = encoding {
        res.insert_header((header::CONTENT_ENCODING, e));
    }
    res.body(bytes)
}

/// Any site may read API answers.
fn cors(headers: &mut header::HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_and_no_store_keeps_nothing() {
        assert_eq!(max_age("public, max-age=15"), Some(15));
        assert_eq!(max_age("max-age=3600, public"), Some(3600));
        assert_eq!(max_age("no-store"), None);
        assert_eq!(max_age("public, max-age=60, no-cache"), None);
        assert_eq!(max_age("public"), None);
        assert_eq!(max_age("max-age=abc"), None);
    }
}
