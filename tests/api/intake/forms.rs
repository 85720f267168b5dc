//! Reports sent with the service page's form: a redirect back to the page, which thanks the
//! reporter and says when a report was not counted again.

use super::post_form;
use crate::helpers::*;

/// The number the service page shows before "… report(s) in the last hour".
fn reports_last_hour(html: &str) -> u64 {
    let at = html
        .find("in the last hour")
        .unwrap_or_else(|| panic!("no hourly total on the page: {html}"));
    let before = html[..at].trim_end();
    let before = before
        .strip_suffix("reports")
        .or_else(|| before.strip_suffix("report"))
        .unwrap_or(before)
        .trim_end();
    let digits: String = before
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number before the hourly total: {html}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_report_redirects_to_the_service_page_with_a_thank_you() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0 + 3)).await;
    let res = post_form(&app, INTESA, "problem=login&region=IT-25&comment=", "phone").await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("/s/{INTESA}?")),
        "redirects to {location}"
    );
    assert!(location.contains("reported=login"), "{location}");
    let page = app.get(&location).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Thank you"), "{html}");
    assert_eq!(reports_last_hour(&html), 1, "{html}");

    // The same phone again: accepted, stored, not counted, and the page says so.
    let res = post_form(&app, INTESA, "problem=card", "phone").await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let html = app.get(&location).await.text().await.unwrap();
    assert!(html.contains("Thank you"), "{html}");
    assert!(html.contains("not counted again"), "{html}");
    assert_eq!(reports_last_hour(&html), 1, "{html}");
    let rows = stored_reports(&app.db_url).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows.iter().filter(|r| r.counted).count(), 1);

    // Without a report the page has no notice.
    let html = app.get(&format!("/s/{INTESA}")).await.text().await.unwrap();
    assert!(!html.contains("Thank you"));
}
