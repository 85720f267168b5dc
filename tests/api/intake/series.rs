//! The series endpoint: its shape and limits, and counts per minute, hour, problem and region.

use super::{expect_json_error, now_minute_plus, parse_rfc3339, postgres_with_redis, rfc3339};
use crate::helpers::*;
use downtally::clock::Clock;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn series_has_the_requested_shape_zero_filled_oldest_first() {
    let now = T0 + 6 * 3_600 + 29 * 60 + 41;
    let app = spawn_app(AppOptions::sqlite().manual_clock(now)).await;
    let v = app.series(INTESA, "window=24h&step=1m").await;
    assert_eq!(v["service"], json!(INTESA));
    assert_eq!(v["step_seconds"], json!(60));
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 1_440);
    let times: Vec<i64> = points
        .iter()
        .map(|p| parse_rfc3339(p["t"].as_str().unwrap()))
        .collect();
    assert_eq!(
        *times.last().unwrap(),
        now.div_euclid(60) * 60,
        "last is the current minute"
    );
    assert_eq!(
        points.last().unwrap()["t"],
        json!(rfc3339(now.div_euclid(60) * 60))
    );
    assert!(
        times.windows(2).all(|w| w[1] - w[0] == 60),
        "oldest first, one minute apart"
    );
    assert!(points.iter().all(|p| p["count"] == json!(0)), "zero-filled");

    // Defaults are 24h of minutes.
    assert_eq!(app.series_counts(INTESA, "").await.len(), 1_440);
    let v = app.series(INTESA, "window=8w&step=1h").await;
    assert_eq!(v["step_seconds"], json!(3_600));
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 8 * 7 * 24);
    assert_eq!(
        parse_rfc3339(points.last().unwrap()["t"].as_str().unwrap()),
        now.div_euclid(3_600) * 3_600
    );

    for bad in [
        "window=49h&step=1m",
        "window=24h&step=5m",
        "window=9w&step=1h",
        "window=0h&step=1m",
        "window=abc",
        "window=24h&step=1d",
        "problem=coffee",
        "region=italy",
        "problem=login&region=IT-25",
    ] {
        let res = app
            .get(&format!("/api/v1/services/{INTESA}/series?{bad}"))
            .await;
        expect_json_error(res, 422).await;
    }
    expect_json_error(
        app.get("/api/v1/services/nope/series?window=24h&step=1m")
            .await,
        404,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn series_window_may_be_48_hours_of_minutes() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0 + 17)).await;
    assert_eq!(
        app.series_counts(INTESA, "window=48h&step=1m").await.len(),
        2_880
    );
    // A report 47 h 59 min old is the oldest bucket of that window.
    app.report_ok(INTESA, &json!({"problem": "login"}), "old")
        .await;
    app.clock.set(T0 + 48 * 3_600 - 60 + 17);
    let points = app.series_counts(INTESA, "window=48h&step=1m").await;
    assert_eq!(
        points[0], 1,
        "the 48-hour window starts with the oldest retained minute"
    );
}

async fn check_series_counts(app: &TestApp) {
    let t = app.clock.now();
    assert_eq!(t % 60, 0, "the test starts on a minute");
    // Minute t: two logins from Lombardy (IT-25), one SMS code without region.
    app.clock.set(t + 5);
    app.report_ok(
        INTESA,
        &json!({"problem": "login", "region": "IT-25"}),
        "u1",
    )
    .await;
    app.report_ok(
        INTESA,
        &json!({"problem": "login", "region": "IT-25"}),
        "u2",
    )
    .await;
    app.report_ok(INTESA, &json!({"problem": "sms_verification"}), "u3")
        .await;
    // A repeat: stored, not counted anywhere.
    app.report_ok(
        INTESA,
        &json!({"problem": "login", "region": "IT-25"}),
        "u1",
    )
    .await;
    // Minute t+2: a card problem in Lazio (IT-62); another service.
    app.clock.set(t + 2 * 60 + 59);
    app.report_ok(INTESA, &json!({"problem": "card", "region": "IT-62"}), "u4")
        .await;
    app.report_ok(MONZO, &json!({"problem": "login", "region": "TLI"}), "u5")
        .await;
    // Read at minute t+4: the last five minutes are [t, t+1, t+2, t+3, t+4].
    app.clock.set(t + 4 * 60 + 30);
    let last5 = |v: Vec<u64>| v[v.len() - 5..].to_vec();
    let q = "window=5m&step=1m";
    assert_eq!(app.series_counts(INTESA, q).await, vec![3, 0, 1, 0, 0]);
    assert_eq!(
        app.series_counts(INTESA, &format!("{q}&problem=login"))
            .await,
        vec![2, 0, 0, 0, 0]
    );
    assert_eq!(
        app.series_counts(INTESA, &format!("{q}&problem=sms_verification"))
            .await,
        vec![1, 0, 0, 0, 0]
    );
    assert_eq!(
        app.series_counts(INTESA, &format!("{q}&region=IT-25"))
            .await,
        vec![2, 0, 0, 0, 0]
    );
    assert_eq!(
        app.series_counts(INTESA, &format!("{q}&region=IT-62"))
            .await,
        vec![0, 0, 1, 0, 0]
    );
    assert_eq!(
        app.series_counts(INTESA, &format!("{q}&region=TLI")).await,
        vec![0; 5]
    );
    assert_eq!(app.series_counts(MONZO, q).await, vec![0, 0, 1, 0, 0]);
    let day = app.series_counts(INTESA, "window=24h&step=1m").await;
    assert_eq!(last5(day.clone()), vec![3, 0, 1, 0, 0]);
    assert_eq!(day.iter().sum::<u64>(), 4);

    // The hour view holds the same reports in the hour bucket of t.
    let hours = app.series_counts(INTESA, "window=8w&step=1h").await;
    assert_eq!(hours.iter().sum::<u64>(), 4);
    let hour_of = |x: i64| x.div_euclid(3_600);
    let idx = hours.len() - 1 - (hour_of(t + 270) - hour_of(t)) as usize;
    let expected_in_t_hour = if hour_of(t + 179) == hour_of(t) { 4 } else { 3 };
    assert_eq!(hours[idx], expected_in_t_hour);

    // Two hours later the 1-hour minute window no longer holds them, the 24-hour one still does.
    app.clock.set(t + 2 * 3_600);
    assert_eq!(
        app.series_counts(INTESA, "window=1h&step=1m")
            .await
            .iter()
            .sum::<u64>(),
        0
    );
    assert_eq!(
        app.series_counts(INTESA, "window=24h&step=1m")
            .await
            .iter()
            .sum::<u64>(),
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn series_counts_reports_per_minute_problem_and_region_sqlite() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0)).await;
    check_series_counts(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn series_counts_reports_per_minute_problem_and_region_postgres_redis() {
    let Some((app, _redis)) = postgres_with_redis(Clock::manual(now_minute_plus(0))).await else {
        return;
    };
    check_series_counts(&app).await;
}
