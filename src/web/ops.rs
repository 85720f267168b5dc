//! Operator endpoints and static assets.

use super::AppState;
use crate::counts::CountStore;
use actix_web::{HttpResponse, get, web};
use std::time::Duration;

#[get("/healthz")]
pub(super) async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .body("ok\n")
}

/// Ready when both stores answer within a second.
#[get("/readyz")]
pub(super) async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let limit = Duration::from_secs(1);
    let sql = match tokio::time::timeout(limit, state.db.ping()).await {
        Ok(Ok(())) => "ok".to_owned(),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "timeout".to_owned(),
    };
    let counters = match tokio::time::timeout(limit, state.counts.ping()).await {
        Ok(Ok(())) => "ok".to_owned(),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "timeout".to_owned(),
    };
    let mut answer = if sql == "ok" && counters == "ok" {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    answer
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({
            "sql": { "backend": state.db.backend(), "status": sql },
            "counters": { "backend": state.counts.kind(), "status": counters },
        }))
}

#[get("/metrics")]
pub(super) async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .insert_header(("Cache-Control", "no-store"))
        .body(state.metrics.render())
}

const STYLE: &str = include_str!("../../static/style.css");

#[get("/static/style.css")]
pub(super) async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(STYLE)
}

const LOCATE_JS: &str = include_str!("../../static/locate.js");

/// Progressive enhancement of the report form: "use my location", asked only on click.
#[get("/static/locate.js")]
pub(super) async fn locate_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(LOCATE_JS)
}

const FAVICON: &str = include_str!("../../static/favicon.svg");

#[get("/static/favicon.svg")]
pub(super) async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(FAVICON)
}
