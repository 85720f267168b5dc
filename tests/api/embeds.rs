//! Embeds for other sites (issue 5): the chart and map SVGs and the map page for iframes: framing
//! rules, no cookies, caching with revalidation, CORS, options, and the pages' own policy.

use crate::helpers::{AppOptions, INTESA, MONZO, TestApp, spawn_app};
use serde_json::json;

/// Monday 2024-09-23 12:00 UTC.
const NOW: i64 = 1_727_092_800;

async fn app_with_reports() -> TestApp {
    let app = spawn_app(AppOptions::sqlite().manual_clock(NOW)).await;
    for (i, region) in ["IT-25", "IT-25", "IT-25", "IT-62"].iter().enumerate() {
        app.report_ok(
            INTESA,
            &json!({"problem": "login", "region": region}),
            &format!("embed-test/{i}"),
        )
        .await;
    }
    app
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("GET answers")
}

/// The rules every embed answer follows: framable by anyone, public cache for a minute with a
/// validator, no cookie.
fn assert_embed_headers(res: &reqwest::Response, path: &str) {
    assert_eq!(res.status(), 200, "GET {path}");
    let csp = header(res, "content-security-policy");
    assert!(csp.contains("frame-ancestors *"), "GET {path}: CSP {csp:?}");
    assert_eq!(
        header(res, "cache-control"),
        "public, max-age=60",
        "GET {path}"
    );
    assert!(
        header(res, "etag").starts_with("W/\""),
        "GET {path}: no ETag"
    );
    assert!(
        res.headers().get("set-cookie").is_none(),
        "GET {path} sets a cookie"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chart_svg_is_an_image_for_any_site() {
    let app = app_with_reports().await;
    let path = format!("/embed/{INTESA}/chart.svg");
    // A cookie that would switch pages to German, and ?lang=it: embeds read only the query.
    let res = get_with(&app, &format!("{path}?lang=it"), &[("cookie", "lang=de")]).await;
    assert_embed_headers(&res, &path);
    assert_eq!(header(&res, "content-type"), "image/svg+xml");
    assert_eq!(header(&res, "access-control-allow-origin"), "*");
    let etag = header(&res, "etag").to_owned();
    let svg = res.text().await.unwrap();
    assert!(
        svg.starts_with("<svg") && svg.ends_with("</svg>"),
        "not an SVG"
    );
    assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(
        svg.contains("<title id=\"chart-title-w\">Segnalazioni su Intesa Sanpaolo"),
        "{svg:.300}"
    );
    assert!(
        svg.contains("<style>"),
        "the SVG depends on a stylesheet it does not carry"
    );
    assert!(
        svg.contains("#ffffff}") && !svg.contains("#0d1117"),
        "light by default"
    );
    // The four reports are in the last bar, the one still filling.
    assert!(
        svg.contains(": 4 segnalazioni (Finora)"),
        "no bar of 4 reports so far: {svg}"
    );
    // It says what it is without the page around it: service and period, zone, legend, source.
    for words in [
        "Intervallo normale",
        "Disservizio",
        "Segnalazioni ogni 15 minuti",
        "Orari in CEST",
        "Fonte: http://127.0.0.1:",
    ] {
        assert!(svg.contains(words), "{words:?} not in {svg}");
    }

    // Revalidation: 304 without a body, same validator.
    let again = get_with(
        &app,
        &format!("{path}?lang=it"),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, "cache-control"), "public, max-age=60");
    assert!(again.text().await.unwrap().is_empty());

    // Options: dark theme, the last hour in minutes, English from Accept-Language.
    let res = get_with(
        &app,
        &format!("{path}?theme=dark&window=1h"),
        &[("accept-language", "en-GB,en;q=0.8")],
    )
    .await;
    assert_embed_headers(&res, &path);
    let dark = res.text().await.unwrap();
    assert!(dark.contains("#0d1117"), "dark theme");
    assert!(dark.contains("in the last hour"), "{dark:.300}");
    assert_ne!(
        header_etag(&app, &path).await,
        header_etag(&app, &format!("{path}?theme=dark")).await
    );

    // Unknown values fall back to the defaults; unknown services are 404.
    let res = get_with(&app, &format!("{path}?theme=neon&window=7d&lang=xx"), &[]).await;
    assert_embed_headers(&res, &path);
    assert_eq!(app.get("/embed/no-such-bank/chart.svg").await.status(), 404);

    // CORS preflight.
    let pre = app
        .client
        .request(reqwest::Method::OPTIONS, app.url(&path))
        .header("origin", "http://news.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "if-none-match")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), 204);
    assert_eq!(header(&pre, "access-control-allow-origin"), "*");
    assert!(header(&pre, "access-control-allow-headers").contains("If-None-Match"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_map_page_and_svg_show_where_reports_come_from() {
    let app = app_with_reports().await;
    let path = format!("/embed/{INTESA}/map");
    let res = get_with(&app, &format!("{path}?lang=en"), &[("cookie", "lang=de")]).await;
    assert_embed_headers(&res, &path);
    assert_eq!(header(&res, "content-type"), "text/html; charset=utf-8");
    assert!(res.headers().get("access-control-allow-origin").is_none());
    let html = res.text().await.unwrap();
    assert!(
        html.len() < 30 * 1024,
        "the map page weighs {} bytes",
        html.len()
    );
    assert!(html.starts_with("<!doctype html>") && html.contains("<html lang=\"en\">"));
    assert!(!html.contains("<script"), "the embed needs no JavaScript");
    // Its only links name its oEmbed endpoint (`rel="alternate"` loads nothing).
    assert!(
        html.match_indices("<link")
            .all(|(at, _)| html[at..].starts_with("<link rel=\"alternate\"")),
        "the embed loads nothing else"
    );
    assert!(html.contains("role=\"status\""), "no status line");
    assert!(
        html.contains("No current problems at Intesa Sanpaolo"),
        "{html:.2000}"
    );
    // Each region has a <title> with its name and count; the busiest lead the table.
    assert!(
        html.contains("<title>Lombardy: 3 reports</title>"),
        "{html}"
    );
    assert!(html.contains("<title>Lazio: 1 report</title>"));
    let table = &html[html.find("<tbody>").expect("a table")..];
    assert!(table.find("Lombardy").unwrap() < table.find("Lazio").unwrap());
    // Links open downtally in a new tab, not inside the host page's frame.
    assert!(html.contains(&format!(
        "href=\"/s/{INTESA}\" target=\"_blank\" rel=\"noopener\""
    )));

    // Italian visitors read local names; dark theme; the last hour.
    let it = get_with(&app, &format!("{path}?lang=it&theme=dark&window=1h"), &[]).await;
    assert_embed_headers(&it, &path);
    let it = it.text().await.unwrap();
    assert!(it.contains("<body class=\"dark\">"));
    assert!(
        it.contains("<title>Lombardia: 3 segnalazioni</title>"),
        "{it}"
    );
    assert!(it.contains("ultima ora"), "the 1-hour window is not named");

    // The SVG alone, for <img> and for scripts on other sites.
    let svg_path = format!("/embed/{INTESA}/map.svg");
    let res = get_with(&app, &format!("{svg_path}?lang=en"), &[]).await;
    assert_embed_headers(&res, &svg_path);
    assert_eq!(header(&res, "content-type"), "image/svg+xml");
    assert_eq!(header(&res, "access-control-allow-origin"), "*");
    let svg = res.text().await.unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("<title>Lombardy: 3 reports</title>"));
    let etag = header_etag(&app, &format!("{svg_path}?lang=en")).await;
    let again = get_with(
        &app,
        &format!("{svg_path}?lang=en"),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status(), 304);

    // A new report changes the map at once (the page cache follows the service's reports).
    app.report_ok(
        INTESA,
        &json!({"problem": "card", "region": "IT-25"}),
        "embed-test/9",
    )
    .await;
    let after = app
        .get(&format!("{svg_path}?lang=en"))
        .await
        .text()
        .await
        .unwrap();
    assert!(after.contains("<title>Lombardy: 4 reports</title>"));
    assert_eq!(app.get("/embed/no-such-bank/map").await.status(), 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_page_has_the_map_and_a_copy_ready_snippet() {
    let app = app_with_reports().await;
    let html = app
        .get(&format!("/s/{INTESA}?lang=en"))
        .await
        .text()
        .await
        .unwrap();
    let map = &html[html.find("id=\"map\"").expect("a map section")..];
    let map = &map[..map.find("</section>").unwrap()];
    assert!(map.contains("<svg") && map.contains("<title>Lombardy: 3 reports</title>"));
    assert!(
        map.contains("<table") && map.contains("<td>Lombardy</td>"),
        "no table alternative"
    );
    let embed = &html[html.find("id=\"embed\"").expect("an embed section")..];
    let embed = &embed[..embed.find("</section>").unwrap()];
    assert!(
        embed.contains(&format!(
            "&lt;iframe src=\"{}/embed/{INTESA}/map?lang=en\"",
            app.address
        )),
        "{embed}"
    );
    assert!(embed.contains(&format!("href=\"/embed/{INTESA}/map.svg?lang=en\"")));
    assert!(embed.contains(&format!("href=\"/embed/{INTESA}/chart.svg?lang=en\"")));
    app.stop().await;
}

async fn header_etag(app: &TestApp, path: &str) -> String {
    header(&app.get(path).await, "etag").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_may_not_be_framed_by_other_sites() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(NOW)).await;
    for path in [
        "/",
        &format!("/s/{MONZO}"),
        "/outages",
        "/static/style.css",
        "/no/such/page",
    ] {
        let res = app.get(path).await;
        let csp = header(&res, "content-security-policy");
        assert!(
            csp.contains("frame-ancestors 'none'"),
            "GET {path}: CSP {csp:?}"
        );
        assert!(
            csp.contains("default-src 'self'"),
            "GET {path}: CSP {csp:?}"
        );
        assert_eq!(
            header(&res, "x-content-type-options"),
            "nosniff",
            "GET {path}"
        );
        assert!(
            res.headers().get("access-control-allow-origin").is_none(),
            "GET {path}"
        );
    }
    app.stop().await;
}
