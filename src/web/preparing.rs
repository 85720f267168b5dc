//! What `serve --demo` answers while it prepares (simulating the demo's history, counting it into
//! the counters): `/healthz` 200 (the process is alive), `/readyz` 503, the stylesheet, and for every
//! other path a page in the visitor's language saying the demo is being prepared, which reloads
//! itself. It listens on the application's own socket and is stopped once the application is
//! accepting there too, so a visitor never meets a refused connection.

use super::errors::{Kind, PageError};
use super::i18n::Locale;
use super::ops;
use actix_web::dev::Server;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use std::net::TcpListener;

/// Seconds a visitor's browser waits before asking again.
const RETRY_SECS: u64 = 5;

async fn not_ready() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Retry-After", RETRY_SECS.to_string()))
        .body("preparing the demo\n")
}

async fn preparing_page(req: HttpRequest) -> HttpResponse {
    let lang = Locale::of(&req).lang;
    let mut page = PageError::new(Kind::Unavailable, lang.t("demo-preparing")).in_lang(lang);
    page.inner.retry_after = Some(RETRY_SECS);
    HttpResponse::ServiceUnavailable()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Retry-After", RETRY_SECS.to_string()))
        // Not in a standard, but every browser reloads on it: the page turns into the site.
        .insert_header(("Refresh", RETRY_SECS.to_string()))
        .body(page.page(true))
}

/// Serves the "preparing" answers on `listener` until the returned server is stopped.
pub fn serve(listener: TcpListener) -> std::io::Result<Server> {
    Ok(HttpServer::new(|| {
        App::new()
            .route("/healthz", web::get().to(ops::healthz))
            .route("/readyz", web::get().to(not_ready))
            .route("/static/{file}", web::get().to(ops::static_file))
            .default_service(web::to(preparing_page))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(5)
    .listen(listener)?
    .run())
}
