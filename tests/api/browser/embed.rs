//! The map embed in Chromium: rendered inside another site's page (while ordinary pages refuse to be
//! framed), and the frame size its snippet suggests holding the whole map and its credit line.

use super::chromium::{Browser, base64_decode, visit_and_run};
use super::{chromium_bin, screenshot_dir, start_app};
use crate::helpers::{self, INTESA};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

/// A page on another origin frames the map embed: it must render there without console errors,
/// while framing an ordinary page is refused by its `frame-ancestors 'none'`.
#[test]
fn the_map_embed_renders_inside_another_sites_page() {
    let Some(bin) = chromium_bin() else { return };
    let (base, _) = start_app();
    let embed = format!("{base}/embed/{INTESA}/map");
    let page = format!("{base}/s/{INTESA}");
    let host = serve_host_page(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>News</title></head>\
         <body><h1>A bank is down</h1>\
         <iframe src=\"{embed}\" width=\"340\" height=\"420\" title=\"Map\"></iframe>\
         <iframe src=\"{page}\" width=\"10\" height=\"10\" title=\"Not allowed\"></iframe>\
         </body></html>"
    ));
    let mut browser = Browser::launch(&bin);
    let shot = screenshot_dir().join("embed-map-in-host-page.png");
    let (found, frames) = visit_and_run(
        &mut browser,
        &host,
        1280,
        &shot,
        Some("JSON.stringify(Array.from(document.querySelectorAll('iframe')).map(f => f.src))"),
    );
    assert!(frames.is_string(), "the host page did not run");
    let (refused, other): (Vec<String>, Vec<String>) = found.into_iter().partition(|p| {
        p.contains("frame-ancestors")
            || (p.contains(&format!("/s/{INTESA}")) && !p.contains("/embed/"))
    });
    assert!(
        !refused.is_empty(),
        "the service page was framed by another origin without complaint"
    );
    assert!(other.is_empty(), "{}", other.join("\n"));
    let bytes = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(bytes > 1_000, "the screenshot is empty");
}

/// Serves `html` at `/` (and 204 for anything else) from another loopback origin; returns its URL.
fn serve_host_page(html: String) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let root = request.starts_with(b"GET / ");
            let response = if root {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{html}",
                    html.len()
                )
            } else {
                "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_owned()
            };
            let _ = stream.write_all(response.as_bytes());
        }
    });
    // Another origin than the app's (another port), but the same site, so that Chromium keeps the
    // frame in the page's process and its console messages reach this test's session.
    format!("http://127.0.0.1:{port}/")
}

/// A page's text, fetched from a test without a runtime of its own.
fn fetch(url: &str) -> String {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            helpers::client()
                .get(url)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        })
}

/// The size the service page's embed snippet suggests for its map frame: (width, height).
fn suggested_frame(base: &str, slug: &str) -> (u32, u32) {
    let page = fetch(&format!("{base}/s/{slug}"));
    let code = &page[page.find("id=\"embed-code\"").expect("an embed snippet")..];
    let number = |attr: &str| -> u32 {
        let at = code.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
        code[at..at + code[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    (number("width"), number("height"))
}

/// Loads `url` in a tab of exactly `width` × `height` CSS px (as an iframe of that size shows it)
/// and returns its content's (width, height: where its body ends), and a screenshot at `shot`.
fn content_size(
    browser: &mut Browser,
    url: &str,
    width: u32,
    height: u32,
    shot: &Path,
) -> (u64, u64) {
    let (target, session) = browser.open_tab();
    let s = Some(session.as_str());
    browser.call(s, "Page.enable", json!({}));
    browser.call(
        s,
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
    );
    browser.call(s, "Page.navigate", json!({ "url": url }));
    assert!(
        browser.wait_event(Duration::from_secs(30), |e| {
            e["sessionId"] == session.as_str() && e["method"] == "Page.loadEventFired"
        }),
        "{url} did not load"
    );
    let facts = browser.call(
        s,
        "Runtime.evaluate",
        json!({ "expression":
            "JSON.stringify([document.documentElement.scrollWidth, \
              Math.ceil(document.body.getBoundingClientRect().bottom)])",
            "returnByValue": true }),
    );
    let size: (u64, u64) =
        serde_json::from_str(facts["result"]["value"].as_str().unwrap()).unwrap();
    let png = browser.call(s, "Page.captureScreenshot", json!({ "format": "png" }));
    std::fs::write(shot, base64_decode(png["data"].as_str().unwrap())).unwrap();
    browser.close_tab(&target, &session);
    size
}

/// The frame the snippet suggests holds the whole map page, credit line included, for a service of
/// one country (Italy, the United Kingdom: tall maps) and of several (American Express), in the
/// language whose texts run longest; and the embed reloads itself every minute, as it says.
#[test]
fn the_suggested_embed_frame_fits_the_map_and_its_credit_line() {
    let Some(bin) = chromium_bin() else { return };
    let (base, _) = start_app();
    let mut browser = Browser::launch(&bin);
    for slug in [INTESA, helpers::MONZO, helpers::BARCLAYS, helpers::AMEX] {
        let (width, height) = suggested_frame(&base, slug);
        assert_eq!(width, 360);
        for lang in ["en", "de", "fr", "it"] {
            let url = format!("{base}/embed/{slug}/map?lang={lang}");
            let shot = screenshot_dir().join(format!("embed-frame-{slug}-{lang}.png"));
            let (w, h) = content_size(&mut browser, &url, width, height, &shot);
            println!("embed frame {slug} {lang}: {width}x{height} suggested, content {w}x{h}");
            assert!(
                w <= u64::from(width) && h <= u64::from(height),
                "{url}: content {w}x{h} does not fit the suggested {width}x{height} frame"
            );
            // Not much empty space below either.
            assert!(
                h + 120 >= u64::from(height),
                "{url}: content {w}x{h} leaves the {width}x{height} frame half empty"
            );
        }
    }
    let page = fetch(&format!("{base}/embed/{INTESA}/map"));
    assert!(page.contains(r#"<meta http-equiv="refresh" content="60">"#));
}
