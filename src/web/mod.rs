//! HTTP: routes, handlers, error pages and the request-latency middleware.

mod api;
pub mod errors;
mod ops;
mod pages;
mod request;

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::counts::Counts;
use crate::intake::Intake;
use crate::metrics::Metrics;
use crate::monitor::StatusBoard;
use crate::store::Db;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use errors::{ApiError, Kind, PageError};
use std::sync::Arc;
use std::time::Instant;

pub use api::parse_duration;

/// What every handler may use. Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    pub catalog: Arc<Catalog>,
    pub board: StatusBoard,
    pub db: Db,
    pub counts: Counts,
    pub intake: Intake,
    pub metrics: Metrics,
    pub clock: Clock,
    pub trust_forwarded_for: bool,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics)
        .service(ops::style)
        .service(api::create_report)
        .service(api::series)
        .service(api::services)
        .service(pages::index)
        .service(pages::service_page)
        .service(pages::report_form)
        .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    if req.path().starts_with("/api/") {
        Err(ApiError::new(Kind::NotFound, "no such endpoint").into())
    } else {
        Err(
            PageError::new(Kind::NotFound, "There is no page at this address.")
                .with_back("/")
                .into(),
        )
    }
}

/// Records every request's latency, labelled by route pattern (not raw path) to keep cardinality low.
pub async fn observe_latency(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone());
    let method = req.method().as_str().to_owned();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let res = next.call(req).await?;
    if let Some(metrics) = metrics {
        metrics
            .request_seconds
            .with_label_values(&[&method, &route, res.status().as_str()])
            .observe(started.elapsed().as_secs_f64());
    }
    Ok(res)
}
