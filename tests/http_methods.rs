//! HTTP as clients expect it, black-box: every GET route answers HEAD, a known path asked with a
//! method it does not answer gets 405 with `Allow`, unknown paths 404 in the format of their path,
//! every answer names its request in `X-Request-Id`, and a demo server's error pages say it is one.

mod common;

use common::*;
use downtally::startup::{Application, Settings};

/// A server started as `serve --demo` starts it (without the simulated history: not needed here).
async fn spawn_demo() -> (String, SqliteFile) {
    let db = SqliteFile::new();
    let mut settings = Settings::new("127.0.0.1:0", &db.url, None);
    settings.demo = true;
    settings.workers = Some(1);
    let app = Application::build(settings)
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    (address, db)
}

#[tokio::test]
async fn error_pages_of_a_demo_server_carry_the_banner() {
    let (address, _db) = spawn_demo().await;
    let client = client();
    for path in ["/no-such-page", "/s/no-such-bank", "/outages/123456"] {
        let res = client.get(format!("{address}{path}")).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        let page = res.text().await.unwrap();
        assert!(page.contains("class=\"demo-banner\""), "{path}: {page}");
    }
    // A real server's do not.
    let app = spawn_app(AppOptions::sqlite()).await;
    let page = app.get("/no-such-page").await.text().await.unwrap();
    assert!(page.contains("<h1>404 ") && !page.contains("demo-banner"));
}

#[tokio::test]
async fn every_answer_names_its_request() {
    let app = spawn_app(AppOptions::sqlite()).await;
    let id = |res: &reqwest::Response| {
        res.headers()
            .get("x-request-id")
            .expect("X-Request-Id")
            .to_str()
            .unwrap()
            .to_owned()
    };
    // Made up when the client gives none (or one that is not a plain token), on errors too.
    let (a, b) = (app.get("/healthz").await, app.get("/no-such-page").await);
    for res in [&a, &b] {
        let id = id(res);
        assert!(
            id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
    }
    assert_ne!(id(&a), id(&b));
    let with = |value: &'static str| {
        app.client
            .get(app.url("/api/v1/services"))
            .header("X-Request-Id", value)
            .send()
    };
    assert_eq!(id(&with("lb-1f2e3d").await.unwrap()), "lb-1f2e3d");
    assert_ne!(id(&with("not a token").await.unwrap()), "not a token");
}
