//! Forms and cookies (issue 9 §3): a form another site makes a browser send is refused with a page
//! (403) and stores nothing; the JSON API reads only JSON media types (415 otherwise, so a
//! cross-site `text/plain` post counts nothing); cookies are `SameSite=Lax; HttpOnly`, and `Secure`
//! with HSTS on every answer when the public URL is https.

use crate::helpers::*;
use downtally::startup::{Application, Settings};
use std::time::Duration;

const ADMIN_TOKENS: &str = "ops:s3cret-ops-token-0001";

/// A server with this public URL and these trusted proxies, on a fresh SQLite file.
struct Site {
    address: String,
    port: u16,
    db: SqliteFile,
}

async fn start(public_url: Option<&str>, trusted_proxies: &str) -> Site {
    let db = SqliteFile::new();
    let mut settings = Settings::new("127.0.0.1:0", &db.url, None);
    settings.workers = Some(1);
    settings.page_fresh = Duration::ZERO;
    settings.public_url = public_url.map(str::to_owned);
    settings.trusted_proxies = trusted_proxies.parse().unwrap();
    settings.admin_tokens = Some(ADMIN_TOKENS.parse().unwrap());
    let app = Application::build(settings).await.unwrap();
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    Site {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
    }
}

impl Site {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// POSTs a form `body` to `path` with these extra headers.
    async fn post_form(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> reqwest::Response {
        let mut req = client()
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await.unwrap()
    }

    /// POSTs the report form with these extra headers; returns (status, body).
    async fn report_form(&self, headers: &[(&str, &str)]) -> (u16, String) {
        let form = "problem=login&comment=forged";
        let res = self
            .post_form(&format!("/s/{MONZO}/report"), headers, form)
            .await;
        (res.status().as_u16(), res.text().await.unwrap())
    }

    async fn reports(&self) -> usize {
        stored_reports(&self.db.url).await.len()
    }
}

async fn comments_stored(db_url: &str) -> i64 {
    let db = downtally::store::Db::connect(db_url).await.unwrap();
    let downtally::store::Db::Sqlite(pool) = &db else {
        unreachable!("SQLite")
    };
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM comments")
        .fetch_one(pool)
        .await
        .unwrap();
    db.close().await;
    n
}

/// A refusal page: 403, HTML, saying why in the visitor's language, with a way back.
fn assert_refusal_page(status: u16, page: &str, says: &str) {
    assert_eq!(status, 403, "{page}");
    assert!(page.contains("<html"), "not a page: {page}");
    assert!(
        page.contains(says),
        "the page does not say {says:?}: {page}"
    );
    assert!(page.contains("href=\"/\""), "no way back: {page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_another_site_sends_is_refused_with_a_page_and_stores_nothing() {
    let site = start(None, "").await;
    let (status, page) = site
        .report_form(&[("Origin", "https://evil.example")])
        .await;
    assert_refusal_page(status, &page, "sent from another website");
    assert!(page.contains("<h1>403 Not allowed</h1>"), "{page}");
    // In the visitor's language.
    let (status, page) = site
        .report_form(&[
            ("Origin", "https://evil.example"),
            ("Accept-Language", "it-IT,it;q=0.9"),
        ])
        .await;
    assert_refusal_page(status, &page, "inviato da un altro sito web");
    for (name, says) in [
        ("de", "von einer anderen Website gesendet"),
        ("fr", "envoyé depuis un autre site web"),
        ("nb", "sendt fra et annet nettsted"),
    ] {
        let (status, page) = site
            .report_form(&[("Sec-Fetch-Site", "cross-site"), ("Accept-Language", name)])
            .await;
        assert_refusal_page(status, &page, says);
    }
    for refused in [
        [("Sec-Fetch-Site", "cross-site"), ("X-Nothing", "")],
        [("Sec-Fetch-Site", "same-site"), ("X-Nothing", "")],
        [("Origin", "null"), ("X-Nothing", "")],
        // A browser that says same-origin but names another origin is not believed.
        [
            ("Sec-Fetch-Site", "same-origin"),
            ("Origin", "https://evil.example"),
        ],
    ] {
        let (status, _) = site.report_form(&refused).await;
        assert_eq!(status, 403, "{refused:?}");
    }
    // The comment form too.
    let evil = [("Origin", "https://evil.example")];
    let res = site
        .post_form(&format!("/s/{MONZO}/comments"), &evil, "body=forged")
        .await;
    assert_eq!(res.status(), 403);
    // A reader's flag, and every admin form: the login too (a page elsewhere must not be able to
    // try tokens through its visitors' browsers, nor log them out).
    for (path, body) in [
        (format!("/s/{MONZO}/comments/1/flag"), String::new()),
        (
            "/admin/login".to_owned(),
            "token=s3cret-ops-token-0001".to_owned(),
        ),
        ("/admin/logout".to_owned(), String::new()),
        (
            "/admin/comments".to_owned(),
            "comment=c1&action=hide".to_owned(),
        ),
        (
            "/admin/statements".to_owned(),
            "outage=1&text=forged".to_owned(),
        ),
    ] {
        let res = site.post_form(&path, &evil, &body).await;
        let status = res.status().as_u16();
        assert_refusal_page(
            status,
            &res.text().await.unwrap(),
            "sent from another website",
        );
        let res = site
            .post_form(&path, &[("Sec-Fetch-Site", "cross-site")], &body)
            .await;
        assert_eq!(res.status(), 403, "{path}");
    }
    // The admin form from a program (no Origin) with a good token passes the guard.
    let res = site
        .post_form("/admin/login", &[], "token=s3cret-ops-token-0001")
        .await;
    assert_eq!(res.status(), 303, "{:?}", res.text().await);
    assert_eq!(site.reports().await, 0, "a refused form stored a report");
    assert_eq!(comments_stored(&site.db.url).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_from_this_site_and_from_programs_are_accepted() {
    let site = start(None, "").await;
    let own = format!("http://127.0.0.1:{}", site.port);
    let localhost = format!("http://LOCALHOST:{}", site.port);
    for headers in [
        vec![("Origin", own.as_str())],
        vec![("Origin", own.as_str()), ("Sec-Fetch-Site", "same-origin")],
        vec![("Sec-Fetch-Site", "same-origin")],
        vec![("Sec-Fetch-Site", "none")],
        vec![],
    ] {
        let (status, page) = site.report_form(&headers).await;
        assert_eq!(status, 303, "{headers:?}: {page}");
    }
    // The Host the request came to is compared, not a name the server guesses.
    let host = format!("localhost:{}", site.port);
    let res = site
        .post_form(
            &format!("/s/{MONZO}/report"),
            &[("Host", &host), ("Origin", &localhost)],
            "problem=card",
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(site.reports().await, 6);
    // Another port of the same host is another origin.
    let (status, _) = site
        .report_form(&[("Origin", &format!("http://127.0.0.1:{}", site.port + 1))])
        .await;
    assert_eq!(status, 403);
    // Reading pages is never refused: a link from another site is how visitors arrive.
    let res = client()
        .get(site.url(&format!("/s/{MONZO}")))
        .header("Sec-Fetch-Site", "cross-site")
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_public_url_forms_must_come_from_it() {
    let site = start(Some("https://downtally.example/"), "").await;
    let (status, page) = site
        .report_form(&[("Origin", "https://downtally.example")])
        .await;
    assert_eq!(status, 303, "{page}");
    for other in [
        format!("http://127.0.0.1:{}", site.port),
        "http://downtally.example".to_owned(),
        "https://status.downtally.example".to_owned(),
    ] {
        let (status, _) = site.report_form(&[("Origin", &other)]).await;
        assert_eq!(status, 403, "{other}");
    }
    assert_eq!(site.reports().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_forwarded_host_is_compared() {
    let proxied = start(None, "127.0.0.1/32").await;
    let via = |origin: &'static str| {
        [
            ("X-Forwarded-Host", "downtally.example"),
            ("X-Forwarded-For", "198.51.100.7"),
            ("Origin", origin),
        ]
    };
    let (status, page) = proxied.report_form(&via("https://downtally.example")).await;
    assert_eq!(status, 303, "{page}");
    let (status, _) = proxied.report_form(&via("https://evil.example")).await;
    assert_eq!(status, 403);
    // From a client that is no trusted proxy, X-Forwarded-Host means nothing.
    let direct = start(None, "").await;
    let (status, _) = direct.report_form(&via("https://downtally.example")).await;
    assert_eq!(status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_reads_only_json_media_types() {
    let site = start(None, "").await;
    let path = site.url(&format!("/api/v1/services/{MONZO}/reports"));
    let body = r#"{"problem":"login"}"#;
    let post = |ctype: Option<&'static str>, ua: &'static str| {
        let mut req = client().post(&path).header("User-Agent", ua).body(body);
        if let Some(ctype) = ctype {
            req = req.header("content-type", ctype);
        }
        req.send()
    };
    // What any page can send cross-site without asking: text/plain (fetch no-cors), forms.
    for (i, ctype) in [
        Some("text/plain"),
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonx"),
        Some("json"),
        None,
    ]
    .into_iter()
    .enumerate()
    {
        let res = post(ctype, ["a", "b", "c", "d", "e", "f", "g"][i])
            .await
            .unwrap();
        assert_eq!(res.status(), 415, "{ctype:?}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{ctype:?}"
        );
        let problem: serde_json::Value = res.json().await.unwrap();
        assert_eq!(problem["status"], 415);
        assert_eq!(problem["type"], "/api#problem-unsupported-media-type");
        assert_eq!(problem["title"], "Unsupported Media Type");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("application/json"), "{detail}");
        assert_eq!(problem["error"], problem["detail"], "kept for old clients");
    }
    assert_eq!(site.reports().await, 0, "a non-JSON body was counted");
    for (ctype, ua) in [
        ("application/json", "j1"),
        ("application/json; charset=utf-8", "j2"),
        ("Application/JSON;charset=UTF-8", "j3"),
        ("application/vnd.downtally.report+json", "j4"),
    ] {
        let res = post(Some(ctype), ua).await.unwrap();
        assert_eq!(res.status(), 201, "{ctype}");
    }
    assert_eq!(site.reports().await, 4);
}

fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_are_lax_and_httponly_and_secure_only_on_https() {
    let plain = start(None, "").await;
    let https = start(Some("https://downtally.example"), "").await;
    for (site, secure) in [(&plain, false), (&https, true)] {
        let res = client()
            .get(site.url(&format!("/s/{MONZO}?lang=it&tz=Europe/Rome")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let cookies = set_cookies(&res);
        assert_eq!(cookies.len(), 2, "{cookies:?}");
        for cookie in &cookies {
            let attrs: Vec<String> = cookie
                .split(';')
                .map(|a| a.trim().to_ascii_lowercase())
                .collect();
            assert!(attrs.contains(&"samesite=lax".into()), "{cookie}");
            assert!(attrs.contains(&"httponly".into()), "{cookie}");
            assert_eq!(attrs.contains(&"secure".into()), secure, "{cookie}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_only_with_an_https_public_url() {
    let plain = start(None, "").await;
    let http = start(Some("http://downtally.example"), "").await;
    let https = start(Some("https://downtally.example"), "").await;
    let paths = [
        "/".to_owned(),
        "/healthz".to_owned(),
        "/nope".to_owned(),
        format!("/api/v1/services/{MONZO}/series"),
        format!("/embed/{MONZO}/chart.svg"),
    ];
    for (site, hsts) in [
        (&plain, None),
        (&http, None),
        (&https, Some(downtally::web::guard::HSTS)),
    ] {
        for path in &paths {
            let res = client().get(site.url(path)).send().await.unwrap();
            let got = res
                .headers()
                .get("strict-transport-security")
                .map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(got.as_deref(), hsts, "{} {path}", site.address);
        }
    }
    assert_eq!(
        downtally::web::guard::HSTS,
        "max-age=31536000; includeSubDomains"
    );
    // Refusals carry it too.
    let evil = [("Origin", "https://evil.example")];
    let res = https
        .post_form(&format!("/s/{MONZO}/report"), &evil, "problem=login")
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.headers()["strict-transport-security"],
        downtally::web::guard::HSTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_url_that_is_no_url_stops_the_start() {
    let db = SqliteFile::new();
    let mut settings = Settings::new("127.0.0.1:0", &db.url, None);
    settings.public_url = Some("downtally.example".into());
    let err = Application::build(settings).await.err().expect("refused");
    assert!(format!("{err:#}").contains("--public-url"), "{err:#}");
}
