//! The outage permalink, the outage list and its filters, and error pages for unknown addresses.

use super::{app, between, element, get, main_of, page};
use crate::helpers::{INTESA, MONZO};

#[tokio::test]
async fn outage_permalink_shows_start_duration_peak_and_problems() {
    let o = &app().outage;
    let html = page(&format!("/outages/{}", o.id)).await;
    let main = main_of(&html);
    assert!(main.contains(&format!("href=\"/s/{INTESA}\"")));
    let facts = element(main, "<dl", "dl");
    assert!(facts.matches("<dt").count() >= 4, "{facts}");
    assert!(facts.contains(&format!("href=\"/outages/{}\"", o.id)));
    assert!(
        facts.contains(&format!("{}", o.record.peak_count)),
        "the peak {} is not shown: {facts}",
        o.record.peak_count
    );
    let svg = element(main, "<svg", "svg");
    assert!(svg.contains("<title") && svg.contains("<desc"));
    assert!(main.contains("<table"));

    let en = page(&format!("/outages/{}?lang=en", o.id)).await;
    let facts = element(&en, "<dl", "dl");
    for term in ["Started", "Duration", "Peak", "Top problems"] {
        assert!(facts.contains(&format!("<dt>{term}</dt>")), "no {term}");
    }
    let started = between(facts, "<dt>Started</dt><dd>", "</dd>").unwrap();
    assert!(
        started.contains("2024") && started.contains("23"),
        "start: {started}"
    );
    assert!(facts.contains("ongoing"), "the outage is still going on");
    assert!(facts.contains("Login"), "top problems: {facts}");
    // The outage's reports came from Lombardy: the permalink names the region, in the visitor's
    // language (the local name for Italian visitors).
    let regions = between(facts, "<dt>Regions</dt><dd>", "</dd>").expect("a Regions fact");
    assert!(regions.starts_with("Lombardy ("), "regions: {regions}");
    let it = page(&format!("/outages/{}?lang=it", o.id)).await;
    assert!(element(&it, "<dl", "dl").contains("Lombardia ("));
    let service = page(&format!("/s/{INTESA}?lang=en")).await;
    assert!(
        service.contains("Most reports from: Lombardy"),
        "the service page does not say where"
    );
}

#[tokio::test]
async fn outage_list_filters_by_service_and_country() {
    let id = app().outage.id;
    let link = format!("href=\"/outages/{id}\"");
    assert!(
        page(&format!("/outages?service={INTESA}"))
            .await
            .contains(&link)
    );
    assert!(page("/outages").await.contains(&link));
    assert!(page("/outages?country=IT").await.contains(&link));
    assert!(
        !page(&format!("/outages?service={MONZO}"))
            .await
            .contains(&link)
    );
    assert!(!page("/outages?country=GB").await.contains(&link));
}

#[tokio::test]
async fn unknown_pages_answer_404_with_a_page() {
    for path in [
        "/outages/999999",
        "/outages/not-a-number",
        "/s/no-such-bank",
        "/no/such/page",
    ] {
        let p = get(path).await;
        assert_eq!(p.status, 404, "GET {path}");
        assert!(
            p.header("content-type").starts_with("text/html"),
            "GET {path}: {}",
            p.header("content-type")
        );
        assert!(p.body.contains("<main"), "GET {path}: {}", p.body);
        assert!(p.body.contains("href=\"/"), "GET {path} has no way back");
    }
}
