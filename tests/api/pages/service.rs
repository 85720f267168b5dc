//! The service page: headline, chart, table, breakdown, report form and history; in English; a quiet
//! service; the report form's redirect.

use super::{app, attributes, between, element, main_of, page, tags};
use crate::helpers::{self, INTESA, MONZO};
use downtally::domain::ProblemKind;

#[tokio::test]
async fn service_page_has_headline_chart_table_breakdown_form_and_history() {
    let html = page(&format!("/s/{INTESA}")).await;
    let main = main_of(&html);

    // Headline: a live status region marked as an outage.
    let headline = element(main, "role=\"status\"", "p");
    assert!(headline.contains("status-outage") || main.contains("status status-outage"));
    assert!(main.contains("<h1"));

    // The chart: inline SVG with a title and a description, and a table with the same numbers.
    let svg = element(main, "<svg", "svg");
    assert!(svg.contains("<title"), "the chart has no <title>");
    assert!(svg.contains("<desc"), "the chart has no <desc>");
    assert!(svg.contains("role=\"img\"") || svg.contains("aria-labelledby"));
    let table = element(main, "<table", "table");
    assert!(table.contains("<caption"), "the table has no caption");
    assert!(table.contains("<th scope=\"col\""));
    let rows = element(table, "<tbody", "tbody").matches("<tr").count();
    assert_eq!(rows, 96, "24 hours of 15-minute rows");

    // Problem breakdown: shares of the last 24 hours, as bars with percentages.
    let shares = element(main, "class=\"shares\"", "ul");
    let items = shares.matches("<li").count();
    assert!(items >= 2, "login and mobile app at least: {shares}");
    let percents: u64 = shares
        .split("--share: ")
        .skip(1)
        .map(|s| s[..s.find('%').unwrap()].parse::<u64>().unwrap())
        .sum();
    assert!(
        (97..=103).contains(&percents),
        "shares add up to {percents}%"
    );

    // The report form: one button per problem kind, posting to the service.
    let form = element(
        main,
        &format!("<form method=\"post\" action=\"/s/{INTESA}/report\""),
        "form",
    );
    // Submit buttons only: "use my location" is a script-driven type="button".
    let buttons: Vec<String> = tags(form)
        .into_iter()
        .filter(|(n, t)| n == "button" && !t.contains("type=\"button\""))
        .map(|(_, t)| {
            let attrs = attributes(t);
            assert!(
                attrs.iter().any(|(k, v)| k == "name" && v == "problem"),
                "{t}"
            );
            attrs
                .into_iter()
                .find(|(k, _)| k == "value")
                .map(|(_, v)| v)
                .unwrap_or_default()
        })
        .collect();
    // During the outage, "it works again for me" follows them.
    let kinds: Vec<String> = ProblemKind::ALL
        .iter()
        .map(|k| k.code().to_owned())
        .chain(["works_again".to_owned()])
        .collect();
    assert_eq!(
        buttons, kinds,
        "one button per problem kind, then works again"
    );
    assert!(form.contains("<label for=\"comment\""));
    assert!(form.contains("maxlength=\"500\""));

    // Outage history, linking to the permalink.
    let id = app().outage.id;
    assert!(
        main.contains(&format!("href=\"/outages/{id}\"")),
        "no link to /outages/{id}"
    );
    assert!(main.contains(&format!("href=\"/outages?service={INTESA}\"")));
}

#[tokio::test]
async fn service_page_in_english_says_what_is_going_on() {
    let html = page(&format!("/s/{INTESA}?lang=en")).await;
    let headline = between(&html, "role=\"status\">", "<").unwrap();
    assert!(
        headline.starts_with("User reports indicate problems with Intesa Sanpaolo since"),
        "headline: {headline}"
    );
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("Login"), "the breakdown names the problem");
    assert!(
        html.contains(">ongoing<"),
        "the history shows the ongoing outage"
    );
    let quiet = page(&format!("/s/{MONZO}?lang=en")).await;
    let headline = between(&quiet, "role=\"status\">", "<").unwrap();
    assert!(
        headline.starts_with("No current problems at Monzo"),
        "{headline}"
    );
}

#[tokio::test]
async fn quiet_service_page_has_no_outage() {
    let html = page(&format!("/s/{MONZO}")).await;
    let main = main_of(&html);
    assert!(main.contains("status-normal"), "Monzo is quiet");
    assert!(!main.contains("href=\"/outages/"), "Monzo has no outage");
    assert!(main.contains("<svg"));
}

#[tokio::test]
async fn report_form_answers_with_a_redirect_back() {
    let res = helpers::client()
        .post(format!("{}/s/{MONZO}/report", app().base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("user-agent", "pages-test/form")
        .body("problem=card&comment=")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(&format!("/s/{MONZO}?reported=card")),
        "{location}"
    );
    let html = page(location).await;
    assert!(
        html.contains("class=\"notice\""),
        "no acknowledgement after the report"
    );
}
