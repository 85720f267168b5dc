//! The series API (`GET /api/v1/services/{slug}/series`): steps 1m, 15m and 1h, from/to, the normal
//! of every bucket (the same as the service page's chart shows), in-outage flags, splits by problem
//! and region, CSV, and the bounds refused with 422.

use crate::helpers::*;
use downtally::counts::{BucketCount, CountStore, Dim, Resolution};
use downtally::domain::{ProblemKind, RegionId};
use downtally::store::OutageRecord;
use serde_json::{Value, json};

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// 14:07:30 on the test day: inside a quarter and an hour.
const NOW: i64 = T0 + 4 * HOUR + 7 * MINUTE + 30;

fn rfc3339(t: i64) -> String {
    downtally::clock::rfc3339(t)
}

fn epoch(text: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap()
        .timestamp()
}

/// Two weeks of hourly counts for monzo (all reports, and logins about half of them), a busy
/// last hour in minutes, and a service-wide outage 20 to 5 minutes ago and a regional one.
async fn app_with_history() -> TestApp {
    let app = spawn_app(AppOptions::sqlite().manual_clock(NOW)).await;
    let monzo = slug(MONZO);
    let mut buckets = Vec::new();
    let current_hour = NOW.div_euclid(HOUR) * HOUR;
    for h in 1..=14 * 24 {
        let start = current_hour - h * HOUR;
        let count = 10 + (h % 24) as u64;
        for (dim, n) in [
            (Dim::All, count),
            (Dim::Problem(ProblemKind::Login), count / 2),
        ] {
            buckets.push(BucketCount {
                service: monzo.clone(),
                dim,
                resolution: Resolution::Hour,
                start,
                count: n,
            });
        }
    }
    for m in 0..90 {
        let start = NOW.div_euclid(MINUTE) * MINUTE - m * MINUTE;
        for (dim, n) in [
            (Dim::All, 3),
            (Dim::Problem(ProblemKind::Login), 2),
            (Dim::Region(RegionId::parse("GB-SCT").unwrap()), 1),
        ] {
            buckets.push(BucketCount {
                service: monzo.clone(),
                dim,
                resolution: Resolution::Minute,
                start,
                count: n,
            });
        }
    }
    app.state.counts.replace_all(&buckets, NOW).await.unwrap();
    let outage = |region: Option<&str>, start: i64, end: Option<i64>| OutageRecord {
        service: monzo.clone(),
        region: region.map(|r| RegionId::parse(r).unwrap()),
        started_at: start,
        ended_at: end,
        peak_at: start,
        peak_count: 30.0,
        baseline_at_peak: 3.0,
        top_problems: Vec::new(),
        regions: Vec::new(),
    };
    for o in [
        outage(None, NOW - 20 * MINUTE, Some(NOW - 5 * MINUTE)),
        outage(
            Some("GB-SCT"),
            NOW - 3 * HOUR,
            Some(NOW - 2 * HOUR - 50 * MINUTE),
        ),
    ] {
        app.state.db.insert_outage(&o, NOW).await.unwrap();
    }
    app
}

async fn get_ok(app: &TestApp, path: &str) -> reqwest::Response {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    res
}

async fn refused(app: &TestApp, query: &str) -> String {
    let res = app
        .get(&format!("/api/v1/services/{MONZO}/series?{query}"))
        .await;
    let status = res.status().as_u16();
    let ctype = res.headers()["content-type"].to_str().unwrap().to_owned();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 422, "{query}: {body}");
    assert_eq!(ctype, "application/problem+json");
    body["detail"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_and_the_chart_agree_on_every_buckets_normal_and_outage() {
    let app = app_with_history().await;
    let chart = get_ok(&app, &format!("/s/{MONZO}/chart.csv?lang=en"))
        .await
        .text()
        .await
        .unwrap();
    let api = get_ok(
        &app,
        &format!("/api/v1/services/{MONZO}/series?step=15m&window=24h&format=csv"),
    )
    .await
    .text()
    .await
    .unwrap();
    let chart: Vec<Vec<&str>> = chart
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let api: Vec<Vec<&str>> = api
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(chart.len(), 96);
    assert_eq!(api.len(), 96);
    let mut known = 0;
    for (c, a) in chart.iter().zip(&api) {
        // Both: time,count,expected,low,high,in_outage
        assert_eq!(c[0], a[0], "same buckets");
        assert_eq!(c[1], a[1], "same count at {}", a[0]);
        assert_eq!(
            (c[2], c[3], c[4]),
            (a[2], a[3], a[4]),
            "same normal at {}",
            a[0]
        );
        // The page's chart marks a region's outage too; the API's unsplit series only service-wide
        // ones (a region's outage flags that region's series, see `by=region`).
        let regional = [NOW - 3 * HOUR, NOW - 3 * HOUR + 10 * MINUTE]
            .map(|t| rfc3339(t.div_euclid(900) * 900))
            .contains(&a[0].to_owned());
        if regional {
            assert_eq!((c[5], a[5]), ("true", "false"), "at {}", a[0]);
        } else {
            assert_eq!(c[5], a[5], "same outage flag at {}", a[0]);
        }
        known += usize::from(!a[2].is_empty());
    }
    assert!(known >= 90, "two weeks of history give a normal: {api:?}");
    // The last quarters: 14:00 holds minutes 14:00-14:07 (3 each), the outage 13:47:30-14:02:30.
    let last = &api[95];
    assert_eq!(last[0], rfc3339(NOW.div_euclid(900) * 900));
    assert_eq!(last[1], "24");
    assert_eq!(
        (api[94][5], api[95][5], api[93][5]),
        ("true", "true", "false")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steps_ranges_splits_and_csv() {
    let app = app_with_history().await;
    let base = format!("/api/v1/services/{MONZO}/series");
    // The old form keeps its fields; every point has its flag and (with history) its normal.
    let v = app.series(MONZO, "window=3h&step=1h").await;
    for field in ["service", "step_seconds", "window_seconds", "points"] {
        assert!(!v[field].is_null(), "{field}: {v}");
    }
    assert_eq!(v["window_seconds"], json!(3 * HOUR));
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    assert_eq!(points[1]["count"], json!(10 + 1));
    assert!(
        points[1]["normal"]["expected"].as_f64().unwrap() > 1.0,
        "{v}"
    );
    // The outage 13:47:30-14:02:30 covers parts of the hours 13:00 and 14:00.
    let flags: Vec<&Value> = points.iter().map(|p| &p["in_outage"]).collect();
    assert_eq!(flags, [&json!(false), &json!(true), &json!(true)]);

    // 15-minute buckets sum the minutes; from/to are aligned to the step, to exclusive.
    let from = rfc3339(NOW - HOUR);
    let to = rfc3339(NOW);
    let v = app
        .series(MONZO, &format!("step=15m&from={from}&to={to}"))
        .await;
    let points = v["points"].as_array().unwrap();
    assert_eq!(
        v["from"],
        json!(rfc3339((NOW - HOUR).div_euclid(900) * 900))
    );
    assert_eq!(v["to"], json!(rfc3339(NOW.div_euclid(900) * 900 + 900)));
    assert_eq!(points.len(), 5);
    let counts: Vec<u64> = points
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [45, 45, 45, 45, 24]);
    // `to` alone with a window; hours back to nine weeks.
    let v = app
        .series(
            MONZO,
            &format!("step=1h&window=3h&to={}", rfc3339(NOW - DAY)),
        )
        .await;
    assert_eq!(v["points"].as_array().unwrap().len(), 3);
    app.series(
        MONZO,
        &format!("step=1h&from={}", rfc3339(NOW - 9 * 7 * DAY + 2 * HOUR)),
    )
    .await;

    // By problem: all eight kinds, each with its own normal.
    let v = app.series(MONZO, "step=1h&window=8w&by=problem").await;
    assert!(v["points"].is_null());
    let series = v["series"].as_array().unwrap();
    assert_eq!(series.len(), 8);
    assert_eq!(series[0]["problem"], json!("login"));
    let login = series[0]["points"].as_array().unwrap();
    assert_eq!(login.len(), 8 * 7 * 24);
    let all_hour = app.series_counts(MONZO, "step=1h&window=8w").await;
    let total: u64 = series
        .iter()
        .flat_map(|s| s["points"].as_array().unwrap())
        .map(|p| p["count"].as_u64().unwrap())
        .sum();
    assert!(total <= all_hour.iter().sum::<u64>());
    let (alls, logins) = (&all_hour[all_hour.len() - 2], &login[login.len() - 2]);
    assert_eq!(logins["count"].as_u64().unwrap(), alls / 2);
    let (l, a) = (
        login[login.len() - 2]["normal"]["expected"]
            .as_f64()
            .unwrap(),
        app.series(MONZO, "step=1h&window=2h").await["points"][0]["normal"]["expected"]
            .as_f64()
            .unwrap(),
    );
    assert!(
        l < a * 0.7 && l > a * 0.3,
        "login's own normal {l} against all's {a}"
    );
    assert!(
        series[1]["points"][0].get("normal").is_none(),
        "balance has no history"
    );

    // By region: the regions with reports in the range (from SQL), their own outages.
    for (ua, region) in [("r1", "GB-SCT"), ("r2", "GB-SCT"), ("r3", "IT-25")] {
        app.report_ok(MONZO, &json!({"problem": "login", "region": region}), ua)
            .await;
    }
    let v = app.series(MONZO, "step=15m&window=4h&by=region").await;
    let series = v["series"].as_array().unwrap();
    let regions: Vec<&str> = series
        .iter()
        .map(|s| s["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["GB-SCT", "IT-25"]);
    let flags = |s: &Value| -> Vec<bool> {
        s["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["in_outage"].as_bool().unwrap())
            .collect()
    };
    // GB-SCT's outage was 11:07:30-11:17:30: the quarters 11:00 and 11:15; not the service-wide one.
    assert_eq!(flags(&series[0]).iter().filter(|&&f| f).count(), 2);
    assert!(flags(&series[1]).iter().all(|&f| !f));

    // CSV split by region, asked by format or by Accept.
    let res = get_ok(
        &app,
        &format!("{base}?step=15m&window=4h&by=region&format=csv"),
    )
    .await;
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"monzo-15m-by-region.csv\""
    );
    assert_eq!(res.headers()["cache-control"], "public, max-age=60");
    let text = res.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "time,region,count,expected,low,high,in_outage");
    assert_eq!(lines.len(), 1 + 16 * 2);
    assert!(lines[1].contains(",GB-SCT,") && lines[2].contains(",IT-25,"));
    assert_eq!(epoch(lines[1].split(',').next().unwrap()) % 900, 0);
    let res = app
        .client
        .get(app.url(&format!("{base}?window=1h&step=1m")))
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["cache-control"], "public, max-age=15");
    assert_eq!(res.headers()["vary"], "Accept, Accept-Encoding");
    let text = res.text().await.unwrap();
    assert!(text.starts_with("time,count,expected,low,high,in_outage\r\n"));
    assert_eq!(text.lines().count(), 61);
    // The same URL without `Accept: text/csv` is JSON, though the API's cache holds the CSV.
    let res = get_ok(&app, &format!("{base}?window=1h&step=1m")).await;
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let res = get_ok(&app, &format!("{base}?window=1d&step=1h")).await;
    assert_eq!(res.headers()["cache-control"], "public, max-age=300");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bounds_are_refused_with_what_is_kept_or_allowed() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(NOW)).await;
    let old = rfc3339(NOW - 49 * HOUR);
    assert!(
        refused(&app, &format!("step=15m&from={old}"))
            .await
            .contains("48 hours")
    );
    assert!(
        refused(&app, &format!("step=1m&from={old}"))
            .await
            .contains("48 hours")
    );
    let older = rfc3339(NOW - 10 * 7 * DAY);
    assert!(
        refused(&app, &format!("step=1h&from={older}"))
            .await
            .contains("9 weeks")
    );
    let detail = refused(&app, "step=1m&window=48h&by=problem").await;
    assert!(
        detail.contains("15000") && detail.contains("23040"),
        "{detail}"
    );
    assert!(refused(&app, "region=XX-99").await.contains("XX-99"));
    let future = rfc3339(NOW + HOUR);
    for bad in [
        format!("to={future}"),
        format!(
            "from={}&to={}",
            rfc3339(NOW - HOUR),
            rfc3339(NOW - 2 * HOUR)
        ),
        format!("from={}&window=1h", rfc3339(NOW - HOUR)),
        "from=yesterday".to_owned(),
        "step=15m&window=49h".to_owned(),
        "by=country".to_owned(),
        "by=problem&problem=login".to_owned(),
        "by=region&region=IT-25".to_owned(),
        "format=xml".to_owned(),
        "problem=coffee".to_owned(),
    ] {
        refused(&app, &bad).await;
    }
    // Any known region may be asked, another country's too (reports are placed where people are).
    assert_eq!(
        app.series_counts(MONZO, "region=IT-25&window=1h")
            .await
            .len(),
        60
    );
}
