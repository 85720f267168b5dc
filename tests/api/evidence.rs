//! Every verdict shows its evidence (issue 12 §6): what decided an outage, on its permalink ("Why
//! downtally calls this an outage", five languages) and in `GET /api/v1/outages/{id}`, checked against
//! the counters as the series API serves them; each service's status in `GET /api/v1/services` with its
//! meaning and Statuspage indicator (§5) and its evidence; and the permalink of a multi-day outage
//! charting its whole course, in its downloads too.
//!
//! The outages are those of the `journalists` app (Intesa's declared by the monitor at start, a
//! resolved one stored before evidence was kept); the multi-day chart has an app of its own.

use crate::helpers::{self, AppOptions, INTESA, slug};
use crate::journalists::app;
use downtally::detect::{DetectorConfig, Status};
use downtally::store::OutageRecord;
use serde_json::Value;

async fn get_json(path: &str) -> Value {
    let res = helpers::client()
        .get(format!("{}{path}", app().base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.unwrap()
}

async fn get_text(base: &str, path: &str) -> String {
    let res = helpers::client()
        .get(format!("{base}{path}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    res.text().await.unwrap()
}

fn epoch(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().expect("a time"))
        .expect("RFC 3339")
        .timestamp()
}

/// Sums of the per-minute counts and expected counts the series API gives for `[from, to)`.
fn sums(series: &Value, from: i64, to: i64) -> (u64, f64) {
    let mut count = 0;
    let mut expected = 0.0;
    let mut minutes = 0;
    for p in series["points"].as_array().unwrap() {
        let t = epoch(&p["t"]);
        if (from..to).contains(&t) {
            count += p["count"].as_u64().unwrap();
            expected += p["normal"]["expected"].as_f64().expect("a normal");
            minutes += 1;
        }
    }
    assert_eq!(
        minutes,
        (to - from) / 60,
        "the series covers [{from}, {to})"
    );
    (count, expected)
}

#[tokio::test]
async fn an_outage_keeps_what_decided_it_in_the_api_and_on_its_permalink() {
    let f = app();
    let outage = get_json(&format!("/api/v1/outages/{}", f.ongoing)).await;
    let e = &outage["evidence"];
    assert!(e.is_object(), "no evidence: {outage}");
    let (from, to) = (epoch(&e["from"]), epoch(&e["to"]));
    let window = e["window_seconds"].as_i64().unwrap();
    assert_eq!(to - from, window);
    // Decided in the bucket the outage starts in.
    assert_eq!(to, epoch(&outage["started_at"]) + 60, "{e}");
    let threshold = &e["threshold"];
    assert_eq!(threshold["crossed"], true, "{e}");
    assert!(threshold["deviation"].as_f64().unwrap() >= threshold["bar"].as_f64().unwrap());
    match threshold["statistic"].as_str().unwrap() {
        "spike" => assert_eq!(threshold["window_seconds"].as_i64(), Some(window)),
        "sustained" => assert_eq!(window, 3600),
        other => panic!("statistic {other}"),
    }
    assert!(
        threshold["bar"].as_f64().unwrap() >= DetectorConfig::default().outage_z,
        "{e}"
    );
    let version = DetectorConfig::default().version();
    assert_eq!(e["detector_settings"], version.as_str());

    // The numbers are the counters' and the normal's, as the series API serves them.
    let series = get_json(&format!(
        "/api/v1/services/{INTESA}/series?step=1m&window=4h"
    ))
    .await;
    let (count, expected) = sums(&series, from, to);
    assert_eq!(e["observed"].as_f64(), Some(count as f64), "{e}");
    let normal = &e["normal"];
    let close = |a: f64, b: f64| (a - b).abs() <= 0.02 * b.max(1.0) + 0.1;
    assert!(
        close(normal["expected"].as_f64().unwrap(), expected),
        "expected {expected}: {normal}"
    );
    assert!(normal["low"].as_f64() <= normal["expected"].as_f64());
    assert!(normal["high"].as_f64().unwrap() >= normal["expected"].as_f64().unwrap());
    assert!(normal["high"].as_f64().unwrap() < count as f64, "{e}");
    let ratio = e["ratio_to_expected"].as_f64().unwrap();
    assert!(close(ratio, count as f64 / expected), "{ratio}");
    // Breadth: networks beyond the ~one per expected report of normal traffic, by the detector's rule.
    let nets = &e["networks"];
    let breadth = DetectorConfig::default().breadth_window_secs;
    assert_eq!(nets["window_seconds"].as_i64(), Some(breadth));
    let (_, usual) = sums(&series, to - breadth, to);
    let n_usual = nets["usual"].as_f64().unwrap();
    assert!(close(n_usual, usual), "usual {usual}: {nets}");
    let cfg = DetectorConfig::default();
    let needed =
        cfg.min_networks.max(cfg.networks_share * n_usual) + cfg.breadth_z * n_usual.sqrt();
    assert!((nets["needed_beyond_usual"].as_f64().unwrap() - needed).abs() < 0.02);
    assert_eq!(nets["broad"], true);
    assert!(
        nets["distinct"].as_f64().unwrap() - n_usual >= needed - 0.02,
        "{nets}"
    );

    // The permalink says the same in words.
    let html = get_text(&f.base, &format!("/outages/{}?lang=en", f.ongoing)).await;
    assert!(html.contains("<h2 id=\"why-h\">Why downtally calls this an outage</h2>"));
    let why = between(&html, "<p id=\"why\">", "</p>");
    let minutes = window / 60;
    let span = if minutes == 1 {
        "In the minute to ".to_owned()
    } else if minutes == 60 {
        "In the hour to ".to_owned()
    } else {
        format!("In the {minutes} minutes to ")
    };
    assert!(why.starts_with(&span), "{why}");
    assert!(
        why.contains(&format!("{count} people reported problems where ")),
        "{why}"
    );
    let networks = nets["distinct"].as_f64().unwrap().round();
    assert!(
        why.contains(&format!("came from {networks} networks")),
        "{why}"
    );
    assert!(why.contains("downtally declares an outage when"), "{why}");
    assert!(html.contains(&format!("Detector settings {version}.")));
    for (lang, heading) in [
        ("it", "Perché downtally lo considera un disservizio"),
        ("de", "Warum downtally dies eine Störung nennt"),
        ("fr", "Pourquoi downtally parle de panne"),
        ("nb", "Hvorfor downtally kaller dette et driftsavbrudd"),
    ] {
        let html = get_text(&f.base, &format!("/outages/{}?lang={lang}", f.ongoing)).await;
        assert!(html.contains(heading), "{lang}");
        let why = between(&html, "<p id=\"why\">", "</p>");
        assert!(!why.contains(downtally::i18n::MISSING), "{lang}: {why}");
        assert!(why.contains(&count.to_string()), "{lang}: {why}");
    }

    // An outage stored before evidence was kept says so, and the API gives null.
    let past = get_json(&format!("/api/v1/outages/{}", f.past)).await;
    assert!(past["evidence"].is_null(), "{past}");
    let html = get_text(&f.base, &format!("/outages/{}?lang=en", f.past)).await;
    assert!(html.contains("did not yet keep the evidence"));
}

fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    &html[start..start + html[start..].find(close).unwrap()]
}

#[tokio::test]
async fn the_service_status_carries_its_definition_and_its_evidence() {
    let f = app();
    let list = get_json("/api/v1/services").await;
    let services = list["services"].as_array().unwrap();
    let by_slug = |s: &str| {
        services
            .iter()
            .find(|e| e["slug"] == s)
            .unwrap_or_else(|| panic!("{s} listed"))
    };
    let intesa = &by_slug(INTESA)["status"];
    assert_eq!(intesa["code"], "outage");
    assert_eq!(intesa["indicator"], "major");
    assert_eq!(intesa["meaning"], Status::Outage.meaning());
    assert_eq!(intesa["outage_id"].as_i64(), Some(f.ongoing));
    let outage = get_json(&format!("/api/v1/outages/{}", f.ongoing)).await;
    assert_eq!(intesa["since"], outage["started_at"]);
    let e = &intesa["evidence"];
    assert_eq!(
        e["detector_settings"],
        DetectorConfig::default().version().as_str()
    );
    assert!(
        e["observed"].as_f64().unwrap() > e["normal"]["high"].as_f64().unwrap(),
        "{e}"
    );
    // A service nobody reported: normal, indicator none, and nothing decided yet.
    let quiet = services
        .iter()
        .find(|s| s["status"]["code"] == "normal")
        .expect("a quiet service");
    assert_eq!(quiet["status"]["indicator"], "none");
    assert_eq!(quiet["status"]["meaning"], Status::Normal.meaning());
}

/// Monday 2024-09-23 12:00 UTC.
const NOW: i64 = 1_727_092_800;
const HOUR: i64 = 3600;

#[tokio::test]
async fn a_multi_day_outage_permalink_shows_its_whole_course() {
    let app = helpers::spawn_app(AppOptions::sqlite().manual_clock(NOW)).await;
    let record = |start: i64, end: Option<i64>| OutageRecord {
        service: slug(INTESA),
        region: None,
        started_at: start,
        ended_at: end,
        peak_at: start + HOUR,
        peak_count: 40.0,
        baseline_at_peak: 4.0,
        top_problems: vec![],
        regions: vec![],
    };
    // Three days across nights and a weekend, resolved two hours ago; and twenty hours, still open.
    let three_days = (NOW - 74 * HOUR, Some(NOW - 2 * HOUR));
    let twenty_hours = (NOW - 20 * HOUR, None);
    for ((start, end), bucket) in [(three_days, HOUR), (twenty_hours, 15 * 60)] {
        let id = app
            .state
            .db
            .insert_outage(&record(start, end), NOW)
            .await
            .unwrap();
        let csv = get_text(&app.address, &format!("/outages/{id}/chart.csv?lang=en")).await;
        let starts: Vec<i64> = csv
            .lines()
            .skip(1)
            .map(|l| epoch(&Value::from(l.split(',').next().unwrap())))
            .collect();
        assert!(
            starts.windows(2).all(|w| w[1] - w[0] == bucket),
            "{id}: {bucket} s bars"
        );
        let (first, last) = (starts[0], *starts.last().unwrap() + bucket);
        assert!(
            first <= start - 2 * HOUR && first > start - 3 * HOUR,
            "{id}: from {first}"
        );
        let shown_to = end.map_or(NOW, |e| e + HOUR);
        assert!(
            last >= shown_to && last <= shown_to + bucket,
            "{id}: to {last}"
        );
        assert!(starts.len() <= 100, "{id}: {} bars", starts.len());
        // The page draws the same bars, and its SVG download too.
        let html = get_text(&app.address, &format!("/outages/{id}?lang=en")).await;
        let rows = between(&html, "<tbody id=\"live-table\" data-live>", "</tbody>")
            .matches("<tr>")
            .count();
        assert_eq!(rows, starts.len(), "{id}");
        let per = if bucket == HOUR {
            "reports per hour"
        } else {
            "reports per 15 minutes"
        };
        assert!(
            between(&html, "id=\"chart-covers\">", "</p>").contains(per),
            "{id}"
        );
        let svg = get_text(&app.address, &format!("/outages/{id}/chart.svg?lang=en")).await;
        assert!(
            svg.to_lowercase().contains(per),
            "{id}: the SVG names its bars"
        );
    }
    app.stop().await;
}

/// The evidence columns exist on both backends and read back into the same record.
#[tokio::test]
async fn evidence_is_stored_and_read_back_on_both_backends() {
    let cfg = DetectorConfig::default();
    let evidence = downtally::detect::VerdictEvidence {
        at: NOW,
        window_secs: 900,
        observed: 143.0,
        normal: Some(downtally::detect::NormalRange {
            expected: 12.0,
            low: 7.0,
            high: 18.0,
        }),
        breadth: Some(downtally::detect::Breadth::new(61.0, 12.0, &cfg)),
        crossing: downtally::detect::Crossing {
            statistic: downtally::detect::Statistic::Spike { window_secs: 900 },
            deviation: 9.1,
            bar: 5.0,
        },
        settings: cfg.version(),
    };
    let mut apps = vec![helpers::spawn_app(AppOptions::sqlite().manual_clock(NOW)).await];
    apps.extend(helpers::spawn_on_postgres(AppOptions::default().manual_clock(NOW)).await);
    for app in apps {
        let db = &app.state.db;
        let record = OutageRecord {
            service: slug(INTESA),
            region: None,
            started_at: NOW - HOUR,
            ended_at: None,
            peak_at: NOW - HOUR,
            peak_count: 40.0,
            baseline_at_peak: 4.0,
            top_problems: vec![],
            regions: vec![],
        };
        let id = db.insert_outage(&record, NOW).await.unwrap();
        assert_eq!(db.outage_evidence(id).await.unwrap(), None);
        db.set_outage_evidence(id, &evidence).await.unwrap();
        // Kept once: what decided the outage when it was declared.
        let later = downtally::detect::VerdictEvidence {
            observed: 1.0,
            ..evidence.clone()
        };
        db.set_outage_evidence(id, &later).await.unwrap();
        assert_eq!(
            db.outage_evidence(id).await.unwrap().as_ref(),
            Some(&evidence)
        );
        db.set_statuses(&[downtally::store::StatusRow {
            service: slug(INTESA),
            status: Status::Outage,
            since: NOW - HOUR,
            outage_id: Some(id),
            updated_at: NOW,
        }])
        .await
        .unwrap();
        db.set_status_evidence(&[(slug(INTESA), later.clone())])
            .await
            .unwrap();
        assert_eq!(
            db.status_evidence().await.unwrap().get(&slug(INTESA)),
            Some(&later)
        );
        app.stop().await;
    }
}
