//! The API's page for people, `/api`, black-box: it answers in every language, every page's footer
//! links it, every read example on it answers as pasted, and every problem document's `type`
//! resolves to an anchor on it.

use crate::helpers::*;
use downtally::domain::{ProblemKind, RegionId};
use downtally::store::OutageRecord;
use downtally::web::errors::PROBLEM_TYPES;
use downtally::web::i18n::{Lang, MISSING};

/// The `curl` read examples of the page (GETs: no `-X`), as URLs.
fn read_examples(html: &str) -> Vec<String> {
    html.split("<code>curl ")
        .skip(1)
        .filter(|rest| !rest.starts_with("-X"))
        .map(|rest| {
            let rest = rest.trim_start_matches(|c| c != '\'');
            let url = &rest[1..rest[1..].find('\'').unwrap() + 1];
            url.replace("&amp;", "&")
        })
        .collect()
}

#[tokio::test]
async fn the_api_page_documents_what_answers() {
    let app = spawn_app(AppOptions::sqlite()).await;
    let now = app.clock.now();
    let id = app
        .state
        .db
        .insert_outage(
            &OutageRecord {
                service: slug("monzo"),
                region: None,
                started_at: now - 7200,
                ended_at: Some(now - 3600),
                peak_at: now - 6000,
                peak_count: 40.0,
                baseline_at_peak: 2.0,
                top_problems: vec![(ProblemKind::Login, 30)],
                regions: vec![(RegionId::parse("GB-ENG").unwrap(), 12)],
            },
            now - 7200,
        )
        .await
        .unwrap();
    for lang in Lang::ALL {
        let res = app.get(&format!("/api?lang={}", lang.code())).await;
        assert_eq!(res.status(), 200, "{lang:?}");
        let html = res.text().await.unwrap();
        assert!(!html.contains(MISSING), "{lang:?}: a text is missing");
        assert!(
            html.contains("rel=\"license\""),
            "{lang:?}: no licence link"
        );
        assert!(html.contains("/api/v1/openapi.json"), "{lang:?}");
        for (kind, status, _) in PROBLEM_TYPES {
            assert!(
                html.contains(&format!("id=\"problem-{kind}\"")),
                "{lang:?}: no anchor for {kind} ({status})"
            );
        }
        // Every page's footer leads here.
        let home = app.get(&format!("/?lang={}", lang.code())).await;
        assert!(home.text().await.unwrap().contains("<a href=\"/api\">"));
    }
    let html = app.get("/api").await.text().await.unwrap();
    let examples = read_examples(&html);
    assert!(examples.len() >= 8, "{examples:?}");
    assert!(
        examples
            .iter()
            .any(|u| u.ends_with(&format!("/api/v1/outages/{id}"))),
        "the outage example names a real outage: {examples:?}"
    );
    for url in &examples {
        assert!(url.starts_with(&app.address), "{url}");
        let res = app.client.get(url).send().await.unwrap();
        assert!(res.status().is_success(), "{url}: {}", res.status());
        if url.contains("format=csv") {
            let csv = res.text().await.unwrap();
            assert!(csv.starts_with("time,"), "{url}: {csv}");
        }
    }
    // A problem document's type resolves, against the request, to an anchor of this page.
    let res = app.get("/api/v1/services/no-such-bank").await;
    assert_eq!(res.status(), 404);
    let problem: serde_json::Value = res.json().await.unwrap();
    let kind = problem["type"].as_str().unwrap();
    let anchor = kind.strip_prefix("/api#").expect("a type on /api");
    assert!(html.contains(&format!("id=\"{anchor}\"")), "{kind}");
    app.stop().await;
}
