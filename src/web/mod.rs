//! HTTP: the routes (`ROUTES`), the request middleware (a span per request, `X-Request-Id`, latency),
//! answers for paths and methods nothing is routed for, and security headers. The handlers live in
//! `api.rs` (and `api_outages.rs`), `pages/`, `embed.rs`, `admin.rs` and `ops.rs`; what they draw is
//! outside the HTTP layer (`chart/`, `map/`, `i18n.rs`). What a request must be to reach a handler (from this site, with its body in
//! time) is `guard.rs`; how many connections a network may hold, `connections.rs`.

mod admin;
mod api;
mod api_groups;

mod api_evidence;
pub mod api_layer;
mod api_outage_list;
mod api_outages;
mod api_reports;
mod api_series;
mod api_services;
mod badge;

mod api_subscriptions;
pub mod connections;
mod embed;
pub mod errors;
pub mod guard;
pub mod history;
pub mod i18n;
mod oembed;
pub mod openapi;
mod ops;
pub mod page_cache;
mod pages;
pub mod preparing;
mod public;
mod request;
mod view;

pub use ops::metrics_server;

use crate::catalog::LiveCatalog;
use crate::clock::Clock;
use crate::counts::Counts;
use crate::intake::Intake;
use crate::metrics::Metrics;
use crate::monitor::StatusBoard;
use crate::store::Db;
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, Handler, HttpRequest, HttpResponse, Resource, Responder, web};
use errors::{Kind, PageError};
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

pub use api::parse_duration;
/// How statuses read in Atlassian Statuspage's vocabulary, for the `/api` page to show.
pub use pages::statuspage::{INCIDENT_STATUSES, MappingRow, mapping as statuspage_mapping};

/// What every handler may use. Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    /// The catalog now (swapped whole on SIGHUP; see `catalog::LiveCatalog`).
    pub catalog: LiveCatalog,
    /// The operator's catalog file (`--catalog`) a reload reads; `None`: the compiled-in one.
    pub catalog_file: Option<std::path::PathBuf>,
    pub regions: Arc<crate::regions::RegionCatalog>,
    /// Projected region outlines per set of countries, for the heatmaps.
    pub maps: crate::map::MapViews,
    pub board: StatusBoard,
    /// What is normal for each series (the monitor's method), kept per hour.
    pub normals: crate::normals::Normals,
    pub db: Db,
    pub counts: Counts,
    pub intake: Intake,
    pub metrics: Metrics,
    pub clock: Clock,
    /// Proxies whose forwarding headers name the client (see `forwarded.rs`).
    pub trusted_proxies: crate::forwarded::TrustedProxies,
    /// Serving simulated data: pages say so.
    pub demo: bool,
    /// Where visitors reach this server (`https://downtally.example`), for embed snippets.
    pub public_url: String,
    /// `/metrics` is served on a listener of its own (`--metrics-bind`): here it is not found.
    pub metrics_elsewhere: bool,
    /// The public origin forms must come from (when `--public-url` is given), whether it is https,
    /// and how long a body may take (see `guard.rs`).
    pub site: guard::Site,
    /// Rendered pages and embeds, kept until their data changes.
    pub pages: page_cache::PageCache,
    pub comments: crate::comments::Comments,
    /// The admin area's tokens; `None`: there is no admin area (`/admin` answers 404).
    pub admin: Option<crate::admin::AdminTokens>,
    /// The API's cache and its per-network budget for uncached work (`api_layer.rs`).
    pub api: api_layer::ApiLayer,

    /// Webhook subscriptions and the queue of their deliveries.
    pub webhooks: crate::webhooks::Webhooks,
    /// Days raw reports are kept (`--retention-days`; the privacy page says it).
    pub retention_days: u32,
}

/// One route: its pattern, which is also its metric label (see `route_label`); a path it matches, for
/// the tests; and its handlers by method.
struct Route {
    pattern: &'static str,
    example: &'static str,
    handlers: fn(Methods) -> Methods,
}

const fn route(
    pattern: &'static str,
    example: &'static str,
    handlers: fn(Methods) -> Methods,
) -> Route {
    Route {
        pattern,
        example,
        handlers,
    }
}

/// Every route (pattern, example path, handlers), in the order the router tries them. A GET route
/// answers HEAD too (actix sends the headers without the body); a known path asked with a method it
/// does not answer gets 405 with `Allow`; any other path 404.
#[rustfmt::skip]
const ROUTES: [Route; 40] = [
    route("/healthz", "/healthz", |m| m.get(ops::healthz)),
    route("/readyz", "/readyz", |m| m.get(ops::readyz)),
    route("/metrics", "/metrics", |m| m.get(ops::metrics)),
    route("/static/{file}", "/static/style.css", |m| m.get(ops::static_file)),
    route("/api/v1/services/{slug}/reports", "/api/v1/services/monzo/reports",
          |m| m.on(Method::POST, api::create_report)),
    route("/api/v1/services/{slug}/series", "/api/v1/services/monzo/series",
          |m| m.get(api_series::series)),
    route("/api/v1/services/{slug}/reports/{id}", "/api/v1/services/monzo/reports/7",
          |m| m.get(api_reports::report)),
    route("/api/v1/services/{slug}", "/api/v1/services/monzo", |m| m.get(api_services::service)),
    route("/api/v1/services", "/api/v1/services", |m| m.get(api_services::services)),
    route("/api/v1/outages", "/api/v1/outages", |m| m.get(api_outage_list::outages)),
    route("/api/v1/outages/{id}", "/api/v1/outages/42", |m| m.get(api_outages::outage)),
    route("/api/v1/openapi.json", "/api/v1/openapi.json", |m| m.get(openapi::document)),
    // Webhooks (webhooks/, api_subscriptions.rs).
    route("/api/v1/subscriptions", "/api/v1/subscriptions",
          |m| m.on(Method::POST, api_subscriptions::create)),
    route("/api/v1/subscriptions/{id}", "/api/v1/subscriptions/sub_0a1b2c3d4e5f6a7b8c9d0e1f",
          |m| m.get(api_subscriptions::show).on(Method::DELETE, api_subscriptions::delete)),
    route("/api/v1/subscriptions/{id}/confirm", "/api/v1/subscriptions/sub_0a1b2c3d4e5f6a7b8c9d0e1f/confirm",
          |m| m.on(Method::POST, api_subscriptions::confirm)),
    route("/", "/", |m| m.get(pages::index)),
    route("/s/{slug}", "/s/monzo", |m| m.get(pages::service_page)),
    route("/s/{slug}/chart.{format}", "/s/monzo/chart.png", |m| m.get(pages::service_chart_file)),
    route("/s/{slug}/report", "/s/monzo/report", |m| m.on(Method::POST, pages::report_form)),
    route("/s/{slug}/comments", "/s/monzo/comments", |m| m.on(Method::POST, pages::comment_form)),
    route("/s/{slug}/comments/{id}/flag", "/s/monzo/comments/c12/flag",
          |m| m.on(Method::POST, pages::flag_form)),
    route("/outages/{id}", "/outages/42", |m| m.get(pages::outage_page)),
    route("/outages/{id}/chart.{format}", "/outages/42/chart.csv", |m| m.get(pages::outage_chart_file)),
    route("/outages", "/outages", |m| m.get(pages::outages_page)),
    route("/privacy", "/privacy", |m| m.get(pages::privacy_page)),
    route("/api", "/api", |m| m.get(pages::api_page)),
    route("/admin", "/admin", |m| m.get(admin::admin_page)),
    route("/admin/login", "/admin/login", |m| m.on(Method::POST, admin::login)),
    route("/admin/logout", "/admin/logout", |m| m.on(Method::POST, admin::logout)),
    route("/admin/comments", "/admin/comments", |m| m.on(Method::POST, admin::moderate_comment)),
    route("/admin/statements", "/admin/statements", |m| m.on(Method::POST, admin::add_statement)),
    route("/embed/{slug}/chart.svg", "/embed/monzo/chart.svg",
          |m| m.get(embed::chart_svg).on(Method::OPTIONS, embed::preflight)),
    route("/embed/{slug}/map.svg", "/embed/monzo/map.svg",
          |m| m.get(embed::map_svg).on(Method::OPTIONS, embed::preflight)),
    route("/embed/{slug}/map", "/embed/monzo/map", |m| m.get(embed::map_page)),
    // Feeds, badges, oEmbed, Statuspage-compatible JSON (issue 13 §3).
    // (Scripts elsewhere may read them with revalidation headers: CORS preflight as for embeds.)
    route("/feed.atom", "/feed.atom",
          |m| m.get(pages::feed_all).on(Method::OPTIONS, embed::preflight)),
    route("/s/{slug}/feed.atom", "/s/monzo/feed.atom",
          |m| m.get(pages::feed_service).on(Method::OPTIONS, embed::preflight)),
    route("/s/{slug}/api/v2/status.json", "/s/monzo/api/v2/status.json",
          |m| m.get(pages::statuspage::status_json).on(Method::OPTIONS, embed::preflight)),
    route("/s/{slug}/api/v2/summary.json", "/s/monzo/api/v2/summary.json",
          |m| m.get(pages::statuspage::summary_json).on(Method::OPTIONS, embed::preflight)),
    route("/badge/{slug}.svg", "/badge/monzo.svg",
          |m| m.get(badge::badge).on(Method::OPTIONS, embed::preflight)),
    route("/oembed", "/oembed", |m| m.get(oembed::oembed)),
];

pub fn routes(cfg: &mut web::ServiceConfig) {
    for route in &ROUTES {
        let Methods {
            resource, allowed, ..
        } = (route.handlers)(Methods::new(route.pattern));
        let allow = allow_header(&allowed);
        cfg.service(resource.default_service(web::to(move |req: HttpRequest| {
            wrong_method(req, allow.clone())
        })));
    }
    cfg.default_service(web::to(not_found));
}

/// Every route as (pattern, a path it matches, the methods it answers), in the router's order: for
/// tests that try every route.
pub fn route_table() -> Vec<(&'static str, &'static str, Vec<Method>)> {
    ROUTES
        .iter()
        .map(|r| {
            let allowed = (r.handlers)(Methods::new(r.pattern)).allowed;
            (r.pattern, r.example, allowed)
        })
        .collect()
}

/// A route's resource being given its handlers, and the methods it answers so far.
struct Methods {
    resource: Resource,
    allowed: Vec<Method>,
    /// Under `/api/v1/`: a GET is readable from other sites' scripts (CORS, `api_layer.rs`).
    api: bool,
}

impl Methods {
    fn new(pattern: &str) -> Self {
        Self {
            resource: web::resource(pattern),
            allowed: Vec::new(),
            api: pattern.starts_with("/api/v1/"),
        }
    }

    /// GET, and HEAD with the same handler; under `/api/v1/` also OPTIONS, the CORS preflight.
    fn get<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let api = self.api;
        let methods = self
            .on(Method::GET, handler.clone())
            .on(Method::HEAD, handler);
        if api {
            methods.on(Method::OPTIONS, api_layer::preflight)
        } else {
            methods
        }
    }

    /// `method`, answered by `handler`.
    fn on<F, Args>(mut self, method: Method, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.resource = self.resource.route(web::method(method.clone()).to(handler));
        self.allowed.push(method);
        self
    }
}

/// `GET, HEAD`: the value of `Allow`.
fn allow_header(methods: &[Method]) -> HeaderValue {
    let list: Vec<&str> = methods.iter().map(Method::as_str).collect();
    HeaderValue::try_from(list.join(", ")).expect("method names are a header value")
}

/// The answer to a request nothing is routed for, in the format of its path: JSON under `/api/`,
/// a page in the visitor's language elsewhere.
fn unrouted(req: &HttpRequest, kind: Kind) -> actix_web::Error {
    let detail = match kind {
        Kind::MethodNotAllowed => "method not allowed",
        _ => "no such endpoint",
    };
    errors::for_path(req, kind, detail)
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    HttpResponse::from_error(unrouted(&req, Kind::NotFound))
}

/// A known path asked with a method it does not answer: 405, and the methods it does answer.
async fn wrong_method(req: HttpRequest, allow: HeaderValue) -> HttpResponse {
    let mut res = HttpResponse::from_error(unrouted(&req, Kind::MethodNotAllowed));
    res.headers_mut().insert(header::ALLOW, allow);
    res
}

/// Everything downtally serves is its own (no other host's scripts, styles, fonts or frames), and no
/// other site may frame its pages. Embeds set their own policy (`frame-ancestors *`); these headers
/// are defaults, added only where a handler set none.
pub const PAGE_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add(("Content-Security-Policy", PAGE_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
}

/// The route pattern of a path, for metric labels. `HttpRequest::match_pattern` would walk the router's
/// regexes a second time on every request (measured at several percent of intake CPU); these prefixes
/// mirror `ROUTES` and cost a few comparisons (a test checks that they know every route).
fn route_label(path: &str) -> &'static str {
    if let Some(rest) = path.strip_prefix("/api/v1/services/") {
        return if rest.ends_with("/reports") {
            "/api/v1/services/{slug}/reports"
        } else if rest.ends_with("/series") {
            "/api/v1/services/{slug}/series"
        } else if rest.contains("/reports/") {
            "/api/v1/services/{slug}/reports/{id}"
        } else if !rest.contains('/') {
            "/api/v1/services/{slug}"
        } else {
            "other"
        };
    }
    if let Some(rest) = path.strip_prefix("/s/") {
        return if rest.ends_with("/flag") {
            "/s/{slug}/comments/{id}/flag"
        } else if rest.ends_with("/report") {
            "/s/{slug}/report"
        } else if rest.ends_with("/comments") {
            "/s/{slug}/comments"
        } else if rest.contains("/chart.") {
            "/s/{slug}/chart.{format}"
        } else if rest.ends_with("/feed.atom") {
            "/s/{slug}/feed.atom"
        } else if rest.ends_with("/api/v2/status.json") {
            "/s/{slug}/api/v2/status.json"
        } else if rest.ends_with("/api/v2/summary.json") {
            "/s/{slug}/api/v2/summary.json"
        } else {
            "/s/{slug}"
        };
    }
    if let Some(rest) = path.strip_prefix("/embed/") {
        return if rest.ends_with("/chart.svg") {
            "/embed/{slug}/chart.svg"
        } else if rest.ends_with("/map.svg") {
            "/embed/{slug}/map.svg"
        } else if rest.ends_with("/map") {
            "/embed/{slug}/map"
        } else {
            "other"
        };
    }
    match path {
        "/" => "/",
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        "/metrics" => "/metrics",
        "/api/v1/services" => "/api/v1/services",
        "/api/v1/outages" => "/api/v1/outages",
        "/api/v1/openapi.json" => "/api/v1/openapi.json",
        "/outages" => "/outages",
        p if p.starts_with("/outages/") && p.contains("/chart.") => "/outages/{id}/chart.{format}",
        p if p.starts_with("/outages/") => "/outages/{id}",
        p if p.starts_with("/api/v1/outages/") => "/api/v1/outages/{id}",
        "/api/v1/subscriptions" => "/api/v1/subscriptions",
        p if p.starts_with("/api/v1/subscriptions/") && p.ends_with("/confirm") => {
            "/api/v1/subscriptions/{id}/confirm"
        }
        p if p.starts_with("/api/v1/subscriptions/") => "/api/v1/subscriptions/{id}",
        "/privacy" => "/privacy",
        "/api" => "/api",
        "/admin" => "/admin",
        "/admin/login" => "/admin/login",
        "/admin/logout" => "/admin/logout",
        "/admin/comments" => "/admin/comments",
        "/admin/statements" => "/admin/statements",
        p if p.starts_with("/static/") => "/static/{file}",
        "/feed.atom" => "/feed.atom",
        "/oembed" => "/oembed",
        p if p.starts_with("/badge/") && p.ends_with(".svg") => "/badge/{slug}.svg",
        _ => "other",
    }
}

/// Runs every request inside a span of its own (method, route, status, request id), so that whatever a
/// handler logs names the route it happened on; answers with the request's id in `X-Request-Id`;
/// records its latency, labelled by route pattern (not raw path) to keep cardinality low.
/// Error pages are rendered without the app's state: a demo server's are rendered again here, with
/// the banner its other pages carry.
pub async fn observe_latency(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().clone();
    let route = route_label(req.path());
    let id = request::request_id(req.headers());
    let span = tracing::info_span!(
        "request",
        method = method.as_str(),
        route,
        status = tracing::field::Empty,
        request_id = id.to_str().unwrap_or_default(),
    );
    let mut res = next.call(req).instrument(span.clone()).await?;
    span.record("status", res.status().as_u16());
    res.headers_mut().insert(request::REQUEST_ID, id);
    let Some(state) = state else {
        return Ok(res.map_into_left_body());
    };
    state
        .metrics
        .request_seconds
        .with_label_values(&[method.as_str(), route, res.status().as_str()])
        .observe(started.elapsed().as_secs_f64());
    let demo_page = state
        .demo
        .then(|| res.response().error()?.as_error::<PageError>())
        .flatten()
        .map(|page| page.page(true));
    Ok(match demo_page {
        Some(page) => res.map_body(|_, _| EitherBody::right(BoxBody::new(page))),
        None => res.map_into_left_body(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::middleware::from_fn;
    use actix_web::test::{TestRequest, call_service, init_service};
    use actix_web::{App, HttpResponse};
    use std::sync::{Arc, Mutex};

    /// Log output kept in memory.
    #[derive(Clone, Default)]
    struct Logs(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Logs {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl tracing_subscriber::fmt::MakeWriter<'_> for Logs {
        type Writer = Logs;

        fn make_writer(&self) -> Logs {
            self.clone()
        }
    }

    #[test]
    fn route_label_knows_every_route() {
        for route in &ROUTES {
            assert_eq!(
                route_label(route.example),
                route.pattern,
                "{}",
                route.example
            );
        }
        for unknown in [
            "/nope",
            "/api/v1/nope",
            "/embed/monzo/nope.svg",
            "/static",
            "/badge/x.png",
        ] {
            assert_eq!(route_label(unknown), "other", "{unknown}");
        }
    }

    /// Without the app's state the handlers fail (500), but they are reached: a path is matched by
    /// the route that claims it, and answers its methods and 405 to others.
    #[actix_web::test]
    async fn every_route_answers_its_methods_and_405_with_allow_to_others() {
        let app = init_service(App::new().configure(routes)).await;
        let all = [
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ];
        for route in &ROUTES {
            let allowed = (route.handlers)(Methods::new(route.pattern)).allowed;
            assert!(
                !allowed.contains(&Method::GET) || allowed.contains(&Method::HEAD),
                "{}: GET without HEAD",
                route.pattern
            );
            for method in &all {
                let req = TestRequest::default()
                    .method(method.clone())
                    .uri(route.example)
                    .to_request();
                let res = call_service(&app, req).await;
                let what = format!("{method} {}", route.example);
                assert_eq!(
                    res.request().match_pattern().as_deref(),
                    Some(route.pattern),
                    "{what}"
                );
                if allowed.contains(method) {
                    assert!(!matches!(res.status().as_u16(), 404 | 405), "{what}");
                } else {
                    assert_eq!(res.status(), 405, "{what}");
                    let allow = res.headers().get(header::ALLOW).unwrap();
                    assert_eq!(allow, allow_header(&allowed), "{what}");
                }
            }
        }
        let res = call_service(&app, TestRequest::get().uri("/nope").to_request()).await;
        assert_eq!(res.status(), 404);
        assert!(res.request().match_pattern().is_none());
    }

    /// A malformed query is the client's mistake: refused in the format of its path, logged at DEBUG
    /// (one ERROR line per bad request would let anyone flood the log).
    #[actix_web::test]
    async fn client_errors_answer_in_their_paths_format_and_are_not_logged_as_errors() {
        #[derive(serde::Deserialize)]
        struct Page {
            #[allow(dead_code)]
            n: Option<i64>,
        }
        let logs = Logs::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::DEBUG)
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        let page = || web::get().to(|_: web::Query<Page>| async { HttpResponse::Ok().finish() });
        let app = init_service(
            App::new()
                .configure(errors::extractor_errors)
                .wrap(from_fn(observe_latency))
                .route("/s/{slug}", page())
                .route("/api/v1/services/{slug}/series", page()),
        )
        .await;
        for (uri, format) in [
            ("/s/monzo?n=abc", "text/html"),
            ("/api/v1/services/monzo/series?n=abc", errors::PROBLEM_JSON),
        ] {
            let res = call_service(&app, TestRequest::get().uri(uri).to_request()).await;
            assert_eq!(res.status(), 400, "{uri}");
            let ctype = res
                .headers()
                .get(header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap();
            assert!(ctype.starts_with(format), "{uri}: {ctype}");
        }
        let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
        assert!(!text.contains("ERROR"), "{text}");
        assert_eq!(text.matches("request refused").count(), 2, "{text}");
        assert!(text.lines().all(|l| l.contains("DEBUG")), "{text}");
    }

    #[actix_web::test]
    async fn what_a_handler_logs_names_its_route_and_request() {
        let logs = Logs::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_ansi(false)
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        let app = init_service(App::new().wrap(from_fn(observe_latency)).route(
            "/s/{slug}",
            web::get().to(|| async {
                errors::ApiError::internal("the disk is full");
                HttpResponse::Ok().finish()
            }),
        ))
        .await;

        let res = call_service(&app, TestRequest::get().uri("/s/monzo").to_request()).await;
        let id = res
            .headers()
            .get(request::REQUEST_ID)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        let req = TestRequest::get()
            .uri("/s/monzo")
            .insert_header(("X-Request-Id", "edge-7f3a"))
            .to_request();
        let res = call_service(&app, req).await;
        assert_eq!(res.headers().get(request::REQUEST_ID).unwrap(), "edge-7f3a");

        let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        for (line, id) in lines.iter().zip([id.as_str(), "edge-7f3a"]) {
            assert!(
                line.contains("the disk is full")
                    && line.contains("route=\"/s/{slug}\"")
                    && line.contains("method=\"GET\"")
                    && line.contains(&format!("request_id=\"{id}\"")),
                "{line}"
            );
        }
    }
}
