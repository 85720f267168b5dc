//! Caching: Cache-Control on every response, revalidation with ETags, and a cached page showing the
//! next report at once.

use super::{NOW, all_pages, app, get};
use crate::helpers::{self, INTESA, MONZO};

#[tokio::test]
async fn responses_carry_cache_control() {
    for path in all_pages() {
        let p = get(&path).await;
        let cc = p.header("cache-control");
        assert!(!cc.is_empty(), "GET {path} has no Cache-Control");
        if p.status == 200 {
            // Statuses change every minute: pages must be revalidated or expire within minutes.
            let fresh = cc.contains("no-cache")
                || cc.contains("no-store")
                || cc
                    .split(',')
                    .filter_map(|d| d.trim().strip_prefix("max-age="))
                    .any(|s| s.parse::<u64>().is_ok_and(|s| s <= 300));
            assert!(fresh, "GET {path}: Cache-Control {cc} lets a page go stale");
        }
    }
    let css = get("/static/style.css").await;
    assert!(
        css.header("cache-control").contains("max-age"),
        "the stylesheet is not cacheable: {}",
        css.header("cache-control")
    );
}
#[tokio::test]
async fn pages_revalidate_with_their_etag() {
    for path in all_pages() {
        let first = get(&path).await;
        if first.status != 200 {
            continue;
        }
        let etag = first.header("etag").to_owned();
        assert!(etag.starts_with("W/\""), "GET {path}: ETag {etag:?}");
        let again = helpers::client()
            .get(format!("{}{path}", app().base))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("GET answers");
        // The fixture's clock stands still, so the page and its validator are unchanged.
        assert_eq!(
            again.status().as_u16(),
            304,
            "GET {path} with If-None-Match"
        );
        assert!(again.text().await.unwrap().is_empty());
        let other = helpers::client()
            .get(format!("{}{path}", app().base))
            .header("if-none-match", "W/\"0000000000000000\"")
            .send()
            .await
            .expect("GET answers");
        assert_eq!(other.status().as_u16(), 200, "GET {path} with a stale ETag");
    }
}

/// The hourly total the English service page shows ("N report(s) in the last hour").
fn hourly_total(html: &str) -> u64 {
    let at = html.find("in the last hour").expect("an hourly total");
    let words: Vec<&str> = html[..at].split_whitespace().rev().take(2).collect();
    words[1].replace(',', "").parse().expect("a number")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_page_shows_the_next_report_at_once() {
    let app = helpers::spawn_app(helpers::AppOptions::sqlite().manual_clock(NOW + 5)).await;
    let path = format!("/s/{MONZO}?lang=en");
    let first = app.get(&path).await.text().await.unwrap();
    assert_eq!(hourly_total(&first), 0);
    // Served again from the cache: the same bytes.
    assert_eq!(app.get(&path).await.text().await.unwrap(), first);
    app.report_ok(
        MONZO,
        &serde_json::json!({"problem": "login"}),
        "cache-test/1",
    )
    .await;
    let second = app.get(&path).await.text().await.unwrap();
    assert_eq!(hourly_total(&second), 1, "the report is not on the page");
    // Another service's report leaves this page alone (its cached copy is still right).
    app.report_ok(
        INTESA,
        &serde_json::json!({"problem": "login"}),
        "cache-test/2",
    )
    .await;
    assert_eq!(app.get(&path).await.text().await.unwrap(), second);
    app.stop().await;
}
