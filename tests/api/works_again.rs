//! "It works again for me" (issue 12 §1): counted like a report (once per person in 15 minutes, each
//! network bounded) but in a series of its own, never as a problem; kept in SQL and rebuilt from it.
//! The page side (offered while a service has problems, its count shown) is in `journalists.rs`.

use crate::helpers::{self, AppOptions, T0, network_of, slug};
use downtally::counts::{CountStore, Dim, Resolution};
use serde_json::json;

async fn sum(app: &helpers::TestApp, series: &Dim) -> u64 {
    let range = Resolution::Minute.window_ending_at(T0 + 60, 3600);
    app.state
        .counts
        .series(&slug(helpers::MONZO), series, Resolution::Minute, range)
        .await
        .unwrap()
        .iter()
        .sum()
}

#[tokio::test]
async fn works_again_counts_once_per_person_in_its_own_series_and_survives_a_rebuild() {
    let app = helpers::spawn_app(AppOptions::sqlite().manual_clock(T0)).await;
    let works = json!({"problem": "works_again"});
    // Someone who reported a problem can say it works again within the same 15 minutes: one claim each.
    let a = app
        .report_ok(helpers::MONZO, &json!({"problem": "login"}), "person-a")
        .await;
    assert_eq!(a["counted"], true);
    assert_eq!(
        app.report_ok(helpers::MONZO, &works, "person-a").await["counted"],
        true
    );
    assert_eq!(
        app.report_ok(helpers::MONZO, &works, "person-a").await["counted"],
        false,
        "a repeat within 15 minutes is stored, not counted"
    );
    // One network cannot say it for many: its "works again" reports are bounded like reports.
    let one_network = helpers::client_from(network_of("one-office"));
    let mut counted_from_one = 0;
    for i in 0..12 {
        let res = one_network
            .post(app.url(&format!("/api/v1/services/{}/reports", helpers::MONZO)))
            .header("User-Agent", format!("office-browser-{i}"))
            .json(&works)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let v: serde_json::Value = res.json().await.unwrap();
        counted_from_one += u64::from(v["counted"] == true);
    }
    assert_eq!(
        counted_from_one, 4,
        "max(4, 5 % of the others) from one network"
    );

    let recovered = sum(&app, &Dim::Recovered).await;
    assert_eq!(recovered, 1 + 4);
    assert_eq!(
        sum(&app, &Dim::All).await,
        1,
        "works again is no problem report"
    );
    assert_eq!(sum(&app, &Dim::Networks).await, 1, "nor breadth for one");
    let rows = helpers::stored_reports(&app.db_url).await;
    assert_eq!(
        rows.iter()
            .filter(|r| r.problem == "works_again" && r.counted)
            .count() as u64,
        recovered
    );

    // The counters are derived: a rebuild from SQL gives the same series.
    downtally::rebuild::rebuild_counts(&app.state.db, &app.state.counts, T0 + 60)
        .await
        .unwrap();
    assert_eq!(sum(&app, &Dim::Recovered).await, recovered);
    assert_eq!(sum(&app, &Dim::All).await, 1);
    assert_eq!(sum(&app, &Dim::Networks).await, 1);

    // It never shows as a problem: the service's problem breakdown has only the login.
    let html = app
        .get(&format!("/s/{}?lang=en", helpers::MONZO))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("works_again"), "no raw code on the page");
    app.stop().await;
}
