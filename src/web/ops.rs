//! Operator endpoints and static assets.

use super::AppState;
use crate::counts::CountStore;
use crate::metrics::Metrics;
use actix_web::dev::Server;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use std::net::TcpListener;
use std::time::Duration;

pub(super) async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .body("ok\n")
}

/// Ready while the SQL store answers within a second: every report is stored there first. A node
/// whose counter store is unreachable still takes reports (counting on its own memory, its counters
/// repaired from SQL when the store returns), so it stays ready, `200` with `"status": "degraded"`
/// and what is wrong since when: a load balancer keeps it in rotation, an operator sees why. `503`
/// only when SQL does not answer.
///
/// The endpoint is public: it says which store fails and since when, never the error's text, which
/// can name an internal host and port. The error goes to the logs (for the counter store, when its
/// breaker opens: `counts/health.rs`).
pub(super) async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let limit = Duration::from_secs(1);
    let sql = match tokio::time::timeout(limit, state.db.ping()).await {
        Ok(Ok(())) => "ok",
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the SQL store does not answer");
            "unreachable"
        }
        Err(_) => "timeout",
    };
    // While its breaker is open the counter store answers at once, without being asked.
    let counters = match state.counts.ping().await {
        Ok(()) => "ok".to_owned(),
        // A failed ping opens the breaker too: say since when, as later answers will.
        Err(e) => match state.counts.down() {
            Some(down) => format!(
                "counter store unreachable since {}",
                crate::clock::rfc3339(down.since)
            ),
            None => {
                tracing::warn!(error = %e, "readiness: the counter store does not answer");
                "counter store unreachable".to_owned()
            }
        },
    };
    let (mut answer, status) = match (sql == "ok", counters == "ok") {
        (true, true) => (HttpResponse::Ok(), "ok".to_owned()),
        (true, false) => (HttpResponse::Ok(), format!("degraded: {counters}")),
        (false, _) => (HttpResponse::ServiceUnavailable(), "unavailable".to_owned()),
    };
    answer
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({
            "status": status,
            "sql": { "backend": state.db.backend(), "status": sql },
            "counters": {
                "backend": state.counts.kind(),
                "status": counters,
                "down_since": state.counts.down().map(|d| crate::clock::rfc3339(d.since)),
            },
        }))
}

pub(super) async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    if state.metrics_elsewhere {
        return super::not_found(req).await;
    }
    render_metrics(&state.metrics)
}

fn render_metrics(metrics: &Metrics) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .insert_header(("Cache-Control", "no-store"))
        .body(metrics.render())
}

/// The listener of `--metrics-bind`: `/metrics` and nothing else (404), on one worker.
pub fn metrics_server(listener: TcpListener, metrics: Metrics) -> std::io::Result<Server> {
    let metrics = web::Data::new(metrics);
    Ok(HttpServer::new(move || {
        App::new().app_data(metrics.clone()).route(
            "/metrics",
            web::get().to(|m: web::Data<Metrics>| async move { render_metrics(&m) }),
        )
    })
    .workers(1)
    .listen(listener)?
    .disable_signals()
    .shutdown_timeout(5)
    .run())
}

/// Files under `static/`, compiled in: (name, content type, body). `locate.js` is the progressive
/// enhancement of the report form ("use my location", asked only on click); `live.js` refreshes the
/// parts of a page marked `data-live` every minute.
const STATIC_FILES: [(&str, &str, &str); 4] = [
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../../static/style.css"),
    ),
    (
        "locate.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/locate.js"),
    ),
    (
        "live.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/live.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../../static/favicon.svg"),
    ),
];

pub(super) async fn static_file(name: web::Path<String>) -> HttpResponse {
    match STATIC_FILES.iter().find(|(n, _, _)| *n == name.as_str()) {
        Some((_, content_type, body)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header(("Cache-Control", "public, max-age=3600"))
            .body(*body),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such file\n"),
    }
}
