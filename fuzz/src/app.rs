//! One downtally app per fuzzing process, for the targets that go through the real routes and
//! handlers: the state comes from `Application::build` (SQLite in the temporary directory, which
//! scripts/fuzz makes per run), the routes and middleware are the server's.

use actix_web::dev::Service;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::from_fn;
use actix_web::test::{TestRequest, init_service};
use actix_web::{App, web};
use downtally::startup::{Application, Settings};
use downtally::web::AppState;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock, mpsc};

/// A request to send.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    pub uri: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    pub peer: SocketAddr,
}

/// What came back: the status, and whether the whole body could be read.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub status: StatusCode,
    pub body_read: bool,
}

/// The state of an app built once, on a thread with a runtime of its own that keeps its writers
/// and tasks alive for the whole run.
fn state() -> &'static AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE.get_or_init(|| {
        let (tx, rx) = mpsc::channel();
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

/// Sends a request to the app, served on a thread with an actix runtime of its own (the app's
/// service cannot leave the thread it was made on). A panic in a handler aborts the process there,
/// as libFuzzer's panic hook does on any thread, so it is reported with the input that caused it.
pub fn ask(call: Call) -> Answer {
    type Ask = (Call, mpsc::Sender<Answer>);
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
            for (call, answer) in rx {
                let got = rt.block_on(async {
                    let mut req = TestRequest::default()
                        .method(call.method)
                        .uri(&call.uri)
                        .peer_addr(call.peer);
                    for (name, value) in call.headers {
                        req = req.insert_header((name, value));
                    }
                    let res = app
                        .call(req.set_payload(call.body).to_request())
                        .await
                        .expect("the app answers");
                    let status = res.status();
                    let body = actix_web::body::to_bytes(res.into_body()).await;
                    Answer {
                        status,
                        body_read: body.is_ok(),
                    }
                });
                let _ = answer.send(got);
            }
        });
        Mutex::new(tx)
    });
    let (tx, rx) = mpsc::channel();
    app.lock()
        .expect("not poisoned")
        .send((call, tx))
        .expect("the app thread runs");
    rx.recv().expect("the app thread answers")
}
