//! HTTP as clients expect it, black-box: every GET route answers HEAD, a known path asked with a
//! method it does not answer gets 405 with `Allow`, unknown paths 404 in the format of their path,
//! every answer names its request in `X-Request-Id`, and a demo server's error pages say it is one.

use crate::helpers::*;
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
async fn every_get_route_answers_head_with_the_headers_and_no_body() {
    let app = spawn_app(AppOptions::sqlite()).await;
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/static/style.css",
        "/api/v1/services",
        &format!("/api/v1/services/{MONZO}/series"),
        "/",
        &format!("/s/{MONZO}"),
        "/outages",
        &format!("/embed/{MONZO}/chart.svg"),
        &format!("/embed/{MONZO}/map.svg"),
        &format!("/embed/{MONZO}/map"),
    ] {
        let get = app.get(path).await;
        let head = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), 200, "HEAD {path}");
        assert_eq!(get.status(), 200, "GET {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "{path}"
        );
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has a body"
        );
    }
    // An unknown path is 404 to HEAD as to GET.
    let head = app.client.head(app.url("/no-such-page")).send().await;
    assert_eq!(head.unwrap().status(), 404);
}

#[tokio::test]
async fn a_known_path_asked_with_another_method_is_405_with_allow() {
    let app = spawn_app(AppOptions::sqlite()).await;
    let send =
        |method: reqwest::Method, path: String| app.client.request(method, app.url(&path)).send();
    let allow = |res: &reqwest::Response| {
        res.headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned())
    };

    // Pages: the error page, in the visitor's language.
    let res = send(reqwest::Method::POST, "/healthz".into())
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(allow(&res).as_deref(), Some("GET, HEAD"));
    let res = app
        .client
        .delete(app.url(&format!("/s/{MONZO}?lang=it")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(allow(&res).as_deref(), Some("GET, HEAD"));
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = res.text().await.unwrap();
    assert!(
        page.contains("<h1>405 Metodo non consentito</h1>"),
        "{page}"
    );
    let res = send(reqwest::Method::GET, format!("/s/{MONZO}/report"))
        .await
        .unwrap();
    assert_eq!(
        (res.status().as_u16(), allow(&res)),
        (405, Some("POST".into()))
    );
    let res = send(reqwest::Method::PUT, format!("/embed/{MONZO}/chart.svg"))
        .await
        .unwrap();
    assert_eq!(allow(&res).as_deref(), Some("GET, HEAD, OPTIONS"));

    // The API: JSON.
    let res = send(
        reqwest::Method::GET,
        format!("/api/v1/services/{MONZO}/reports"),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(allow(&res).as_deref(), Some("POST"));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "method not allowed");
    let res = send(reqwest::Method::DELETE, "/api/v1/services".into())
        .await
        .unwrap();
    assert_eq!(
        (res.status().as_u16(), allow(&res)),
        (405, Some("GET, HEAD, OPTIONS".into()))
    );

    // Unknown paths stay 404, in the format of their path.
    let res = send(reqwest::Method::POST, "/api/v1/nothing".into())
        .await
        .unwrap();
    assert_eq!((res.status().as_u16(), allow(&res)), (404, None));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "no such endpoint");
    let res = send(reqwest::Method::DELETE, "/no-such-page".into())
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("<h1>404 "));
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
