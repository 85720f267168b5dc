//! The query strings of every page, embed and API endpoint, through the real routes and handlers
//! (`web::routes` on an app state built by `Application::build`, SQLite in a temporary directory):
//! `window`, `step`, `problem`, `region` of the series API; `q`, `country`, `service` of the lists;
//! `reported`, `counted`, `commented`, `comments` (the comment page) of a service page; `theme`,
//! `lang`, `window` of the embeds; `lang` and `tz` everywhere. Each is read by the handler's own
//! `web::Query<…>` and validated as it is in production.
//!
//! Input: the first byte picks the path, the rest is the query string. Whatever the query, the
//! answer is never a server error and the handler never panics.
#![no_main]

use actix_web::dev::Service;
use actix_web::http::{StatusCode, Uri};
use actix_web::middleware::from_fn;
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, web};
use downtally::startup::{Application, Settings};
use downtally::web::AppState;
use libfuzzer_sys::fuzz_target;
use std::sync::{Mutex, OnceLock, mpsc};

const PATHS: [&str; 13] = [
    "/",
    "/s/monzo",
    "/s/no-such-service",
    "/outages",
    "/outages/1",
    "/outages/not-a-number",
    "/api/v1/services",
    "/api/v1/services/monzo/series",
    "/api/v1/services/no-such-service/series",
    "/embed/monzo/chart.svg",
    "/embed/monzo/map.svg",
    "/embed/monzo/map",
    "/static/style.css",
];

/// The state of an app built once, on a thread with a runtime of its own that keeps its writers
/// and tasks alive for the whole run.
fn state() -> &'static AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async move {
                let dir =
                    std::env::temp_dir().join(format!("downtally-fuzz-{}", std::process::id()));
                std::fs::create_dir_all(&dir).expect("a temporary directory");
                let url = format!("sqlite://{}", dir.join("downtally.db").display());
                let app = Application::build(Settings::new("127.0.0.1:0", &url, None))
                    .await
                    .expect("the app builds");
                tx.send(app.state().clone()).expect("the fuzz thread waits");
                // Keeps the app (its writers and background tasks) alive until the process ends.
                std::future::pending::<()>().await;
                drop(app);
            });
        });
        rx.recv().expect("the app started")
    })
}

/// Sends each request to the app, served on a thread with an actix runtime of its own (the app's
/// service cannot leave the thread it was made on). A panic in a handler aborts the process there,
/// as libFuzzer's panic hook does on any thread, so it is reported with the input that caused it.
fn ask(uri: String) -> (StatusCode, bool) {
    type Ask = (String, mpsc::Sender<(StatusCode, bool)>);
    static APP: OnceLock<Mutex<mpsc::Sender<Ask>>> = OnceLock::new();
    let app = APP.get_or_init(|| {
        let state = state().clone();
        let (tx, rx) = mpsc::channel::<Ask>();
        std::thread::spawn(move || {
            let rt = actix_web::rt::Runtime::new().expect("a runtime");
            let app = rt.block_on(init_service(
                App::new()
                    .app_data(web::Data::new(state))
                    .wrap(downtally::web::security_headers())
                    .wrap(from_fn(downtally::web::observe_latency))
                    .configure(downtally::web::routes),
            ));
            for (uri, answer) in rx {
                let got = rt.block_on(async {
                    let res = app
                        .call(TestRequest::get().uri(&uri).to_request())
                        .await
                        .expect("the app answers");
                    let status = res.status();
                    let body = actix_web::body::to_bytes(res.into_body()).await;
                    (status, body.is_ok())
                });
                let _ = answer.send(got);
            }
        });
        Mutex::new(tx)
    });
    let (tx, rx) = mpsc::channel();
    app.lock()
        .expect("not poisoned")
        .send((uri, tx))
        .expect("the app thread runs");
    rx.recv().expect("the app thread answers")
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, query)) = data.split_first() else {
        return;
    };
    let Ok(query) = std::str::from_utf8(query) else {
        return;
    };
    let path = PATHS[usize::from(pick) % PATHS.len()];
    let uri = format!("{path}?{query}");
    // What the HTTP layer would have refused never reaches a handler.
    if Uri::try_from(uri.as_str()).is_err() {
        return;
    }
    let (status, body_read) = ask(uri.clone());
    assert!(body_read, "{uri}: the body could not be read");
    assert!(!status.is_server_error(), "{uri}: {status}");
});
