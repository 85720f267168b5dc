//! HTTP: routes, handlers, error pages and the request-latency middleware.

mod api;
mod embed;
pub mod errors;
mod history;
pub mod i18n;
mod ops;
pub mod page_cache;
mod pages;
mod request;
mod view;

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::counts::Counts;
use crate::intake::Intake;
use crate::metrics::Metrics;
use crate::monitor::StatusBoard;
use crate::store::Db;
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use errors::{ApiError, Kind, PageError};
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

pub use api::parse_duration;

/// What every handler may use. Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    pub catalog: Arc<Catalog>,
    pub regions: Arc<crate::regions::RegionCatalog>,
    /// Projected region outlines per set of countries, for the heatmaps.
    pub maps: crate::map::MapViews,
    pub board: StatusBoard,
    pub db: Db,
    pub counts: Counts,
    pub intake: Intake,
    pub metrics: Metrics,
    pub clock: Clock,
    pub trust_forwarded_for: bool,
    /// Serving simulated data: pages say so.
    pub demo: bool,
    /// Where visitors reach this server (`https://downtally.example`), for embed snippets.
    pub public_url: String,
    /// Rendered pages and embeds, kept until their data changes.
    pub pages: page_cache::PageCache,
    pub comments: crate::comments::Comments,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics)
        .service(ops::static_file)
        .service(api::create_report)
        .service(api::series)
        .service(api::services)
        .service(pages::index)
        .service(pages::service_page)
        .service(pages::report_form)
        .service(pages::comment_form)
        .service(pages::outage_page)
        .service(pages::outages_page)
        .service(embed::chart_svg)
        .service(embed::map_svg)
        .service(embed::map_page)
        .service(embed::preflight)
        .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    if req.path().starts_with("/api/") {
        Err(ApiError::new(Kind::NotFound, "no such endpoint").into())
    } else {
        Err(PageError::no_page(i18n::Locale::of(&req).lang).into())
    }
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
/// mirror `routes` and cost a few comparisons.
fn route_label(path: &str) -> &'static str {
    if let Some(rest) = path.strip_prefix("/api/v1/services/") {
        return if rest.ends_with("/reports") {
            "/api/v1/services/{slug}/reports"
        } else if rest.ends_with("/series") {
            "/api/v1/services/{slug}/series"
        } else {
            "other"
        };
    }
    if let Some(rest) = path.strip_prefix("/s/") {
        return if rest.ends_with("/report") {
            "/s/{slug}/report"
        } else if rest.ends_with("/comments") {
            "/s/{slug}/comments"
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
        "/outages" => "/outages",
        p if p.starts_with("/outages/") => "/outages/{id}",
        p if p.starts_with("/static/") => "/static/{file}",
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
                ApiError::internal("the disk is full");
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
