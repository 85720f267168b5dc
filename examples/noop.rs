//! A no-op actix-web POST handler: the reference point for `scripts/bench intake`.
//!
//! It routes `POST /api/v1/services/{slug}/reports` like downtally does, reads the request body and
//! answers 201 with a small JSON body of the same shape as the real intake's answer, and does nothing
//! else. Measured in the same run as `downtally serve`, the ratio between the two is the cost of
//! downtally's own work (validation, de-duplication, durable storage, counting).
//!
//! Usage: `noop ADDR [WORKERS]`, e.g. `target/release/examples/noop 127.0.0.1:8099`.
//! WORKERS defaults to actix-web's default (one per available CPU).

use actix_web::{App, HttpResponse, HttpServer, web};

const BODY: &str = r#"{"id":1,"bucket_start":"2024-01-01T00:00:00Z","counted":true}"#;

async fn accept(_slug: web::Path<String>, _body: web::Bytes) -> HttpResponse {
    HttpResponse::Created()
        .content_type("application/json")
        .body(BODY)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8099".to_owned());
    let workers = match args.next() {
        Some(n) => Some(n.parse::<usize>().map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("WORKERS: {e}"))
        })?),
        None => None,
    };
    let mut server = HttpServer::new(|| {
        App::new().route("/api/v1/services/{slug}/reports", web::post().to(accept))
    });
    if let Some(n) = workers {
        server = server.workers(n);
    }
    eprintln!("noop: listening on http://{addr}");
    server.bind(&addr)?.run().await
}
