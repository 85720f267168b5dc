//! What a journalist (and anyone sharing a link) relies on: the summary on top of a service page
//! during an outage, "other services with problems now", the citable permalink (absolute URL,
//! citation, start and end, a `<title>` without markup), the chart's downloads (CSV with the
//! chart's own numbers, a self-describing SVG, a PNG that decodes), Open Graph and Twitter card
//! tags, and the outage list's filters (service name, country name or code, one zone).
//!
//! One app (SQLite, manual clock, `--public-url https://downtally.example`) serves every test: three
//! days of history for Intesa Sanpaolo, UniCredit (Italy and Germany) and Monzo (UK), each with an
//! outage going on at "now" (Intesa's from Lombardy and Piedmont, mostly Login and Mobile app), and a
//! resolved Intesa outage of the day before with a regional outage inside it.

use crate::helpers::{self, INTESA, MONZO, slug};
use downtally::backfill::backfill_service;
use downtally::catalog::Catalog;
use downtally::clock::Clock;
use downtally::detect::Status;
use downtally::domain::{ProblemKind, RegionId};
use downtally::simulate::{SimOutage, SimSpec};
use downtally::startup::{Application, Settings, open_db};
use downtally::store::OutageRecord;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Monday 2024-09-23 12:00 UTC (14:00 CEST).
const NOW: i64 = 1_727_092_800;
const UNICREDIT: &str = "unicredit";
const PUBLIC: &str = "https://downtally.example";
/// The resolved outage: Sunday 2024-09-22 10:00–11:30 UTC (12:00–13:30 CEST).
const PAST_START: i64 = NOW - 26 * 3600;
const PAST_END: i64 = PAST_START + 90 * 60;

/// Shared with `evidence` (what decided these outages), which reads the same app.
pub(crate) struct Fixture {
    pub(crate) base: String,
    /// Intesa's ongoing outage, as the monitor declared it.
    pub(crate) ongoing: i64,
    ongoing_start: i64,
    /// The resolved one, and the regional outage inside it.
    pub(crate) past: i64,
    regional: i64,
}

pub(crate) fn app() -> &'static Fixture {
    static APP: OnceLock<Fixture> = OnceLock::new();
    APP.get_or_init(|| helpers::start_on_own_thread(start))
}

async fn start() -> (Fixture, helpers::Background) {
    let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    let url = format!("sqlite://{}/journalists.db", dir.path().display());
    let days = 3;
    let start = NOW - days as i64 * 86_400;
    let db = open_db(&url).await.unwrap();
    db.sync_catalog(&Catalog::embedded().unwrap(), start)
        .await
        .unwrap();
    let with_outage = |seed, at, problems: Vec<(&'static str, f64)>, regions: Vec<String>| {
        let mut spec = SimSpec::quiet(start, days, 5.0, seed);
        spec.outages.push(SimOutage {
            at,
            minutes: 120,
            factor: 8.0,
            problems,
            regions,
        });
        spec
    };
    let intesa = with_outage(
        31,
        NOW - 40 * 60,
        vec![("login", 0.6), ("mobile_app", 0.4)],
        vec!["IT-25".into(), "IT-21".into()],
    );
    backfill_service(&db, &slug(INTESA), &intesa).await.unwrap();
    for (service, seed) in [(UNICREDIT, 32), (MONZO, 33)] {
        let spec = with_outage(seed, NOW - 40 * 60, vec![("payments", 1.0)], Vec::new());
        backfill_service(&db, &slug(service), &spec).await.unwrap();
    }
    let record = |region: Option<&str>, start: i64, end: i64| OutageRecord {
        service: slug(INTESA),
        region: region.map(|r| RegionId::parse(r).unwrap()),
        started_at: start,
        ended_at: Some(end),
        peak_at: start + 1800,
        peak_count: 40.0,
        baseline_at_peak: 4.0,
        top_problems: vec![(ProblemKind::Card, 120)],
        regions: vec![(RegionId::parse("IT-62").unwrap(), 60)],
    };
    let past = db
        .insert_outage(&record(None, PAST_START, PAST_END), NOW)
        .await
        .unwrap();
    let regional = db
        .insert_outage(
            &record(Some("IT-62"), PAST_START + 600, PAST_END - 600),
            NOW,
        )
        .await
        .unwrap();
    db.close().await;

    let mut settings = Settings::new("127.0.0.1:0", &url, None);
    settings.clock = Clock::manual(NOW);
    settings.page_fresh = Duration::ZERO;
    settings.monitor_interval = Duration::from_millis(100);
    settings.workers = Some(2);
    settings.public_url = Some(PUBLIC.to_owned());
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let server = tokio::spawn(app.run_until_stopped());
    let deadline = Instant::now() + Duration::from_secs(120);
    while state.board.updated_at() < NOW {
        assert!(Instant::now() < deadline, "the monitor ran no pass");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for s in [INTESA, UNICREDIT, MONZO] {
        assert_eq!(state.board.get(&slug(s)).status, Status::Outage, "{s}");
    }
    let ongoing = state
        .db
        .recent_outages(&slug(INTESA), 5)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.record.ended_at.is_none() && o.record.region.is_none())
        .expect("Intesa's outage is declared");
    let fixture = Fixture {
        base,
        ongoing: ongoing.id,
        ongoing_start: ongoing.record.started_at,
        past,
        regional,
    };
    (fixture, server)
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", |v| v.to_str().unwrap())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

async fn fetch(path: &str, cookie: Option<&str>) -> Answer {
    let mut req = helpers::client().get(format!("{}{path}", app().base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.expect("GET answers");
    Answer {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
        body: res.bytes().await.unwrap().to_vec(),
    }
}

/// A page that must answer 200 with HTML.
async fn page(path: &str) -> String {
    let a = fetch(path, None).await;
    assert_eq!(a.status, 200, "GET {path}");
    assert!(a.header("content-type").starts_with("text/html"), "{path}");
    a.text()
}

fn between<'a>(html: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = html.find(open)? + open.len();
    let end = html[start..].find(close)?;
    Some(&html[start..start + end])
}

/// The `content` of `<meta property|name="{name}" content="…">`.
fn meta<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    [
        format!("<meta property=\"{name}\" content=\""),
        format!("<meta name=\"{name}\" content=\""),
    ]
    .iter()
    .find_map(|open| between(html, open, "\""))
}

/// The cells of each row of the chart's table.
fn table_rows(html: &str) -> Vec<Vec<String>> {
    let body = between(html, "<tbody id=\"live-table\" data-live>", "</tbody>").expect("a table");
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td>")
                .skip(1)
                .map(|c| c[..c.find("</td>").unwrap()].to_owned())
                .collect()
        })
        .collect()
}

fn csv_rows(csv: &str) -> Vec<Vec<String>> {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("time,count,expected,low,high,in_outage"));
    lines
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// Issue 12 §1: "it works again for me", offered while a service has problems

#[tokio::test]
async fn works_again_is_offered_during_an_outage_and_its_count_shown() {
    let html = page(&format!("/s/{MONZO}?lang=en")).await;
    assert!(
        html.contains(r#"name="problem" value="works_again""#),
        "the button beside the report buttons during an outage"
    );
    let quiet = page(&format!("/s/{}?lang=en", helpers::BARCLAYS)).await;
    assert!(
        !quiet.contains("works_again"),
        "not offered without problems"
    );

    let client = helpers::client_from(helpers::network_of("works-again-page"));
    let res = client
        .post(format!("{}/s/{MONZO}/report", app().base))
        .header("User-Agent", "works-again-page")
        .form(&[("problem", "works_again")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("reported=works_again&counted=1"),
        "{location}"
    );
    let thanks = page(&format!("{location}&lang=en").replace("#report&", "&")).await;
    assert!(thanks.contains("glad Monzo works again for you"), "thanked");
    assert!(
        thanks.contains("1 person said Monzo works again for them in the last 15 minutes"),
        "told how many"
    );
    let after = page(&format!("/s/{MONZO}?lang=en")).await;
    assert!(
        after.contains("1 person said it works again for them in the last hour"),
        "the count beside the button"
    );
    for lang in ["it", "de", "fr", "nb"] {
        let html = page(&format!("/s/{MONZO}?lang={lang}")).await;
        let button = between(
            &html,
            r#"value="works_again" class="secondary">"#,
            "</button>",
        )
        .unwrap_or_else(|| panic!("{lang}: no button"));
        assert!(!button.contains("works again"), "{lang}: {button}");
    }
}

// ---------------------------------------------------------------------------------------------------
// §3: the summary of an ongoing outage, and other services with problems

#[tokio::test]
async fn an_ongoing_outage_is_summed_up_on_top() {
    let html = page(&format!("/s/{INTESA}?lang=en")).await;
    let summary = between(&html, "<p class=\"incident-summary\">", "</p>").expect("a summary");
    // "Since 13:20 CEST: 11× the usual reports, mostly Login, Mobile app and Transfers & payments. Most
    // reports from: Lombardy, Piedmont"
    let start = downtally::i18n::Lang::En.time(app().ongoing_start, chrono_tz::Europe::Rome);
    assert!(
        summary.starts_with(&format!("Since {start} CEST: ")),
        "{summary}"
    );
    let ratio: f64 = between(summary, ": ", "×")
        .and_then(|r| r.parse().ok())
        .unwrap_or_else(|| panic!("no ratio: {summary}"));
    assert!(ratio >= 3.0, "{summary}");
    assert!(
        // The top three since the start: the incident's two first, then ordinary traffic's most
        // reported (the day's mix would put ordinary traffic's problems first).
        summary.contains("× the usual reports, mostly Login, Mobile app and "),
        "the incident's own problems, not the day's mix: {summary}"
    );
    let regions = summary.split("Most reports from: ").nth(1).expect(summary);
    assert!(
        regions.contains("Lombardy") && regions.contains("Piedmont"),
        "{summary}"
    );
    // It comes before the report form.
    assert!(html.find("incident-summary") < html.find("id=\"report\""));
    for lang in ["it", "de", "fr", "nb"] {
        let html = page(&format!("/s/{INTESA}?lang={lang}")).await;
        let summary = between(&html, "<p class=\"incident-summary\">", "</p>").expect(lang);
        assert!(summary.contains('×'), "{lang}: {summary}");
        assert!(
            !summary.contains(downtally::i18n::MISSING),
            "{lang}: {summary}"
        );
        assert!(!summary.contains(" and "), "{lang}: {summary}");
    }
    // A service without an outage has none.
    let quiet = page(&format!("/s/{}?lang=en", helpers::BARCLAYS)).await;
    assert!(!quiet.contains("incident-summary"));
}

#[tokio::test]
async fn other_services_with_problems_same_country_first() {
    let others = |html: &str| -> Vec<String> {
        let p = between(html, "<p class=\"others\">", "</p>").expect("others");
        p.split("<a href=\"/s/")
            .skip(1)
            .map(|a| a[..a.find('"').unwrap()].to_owned())
            .collect()
    };
    let html = page(&format!("/s/{INTESA}?lang=en")).await;
    assert!(html.contains("Other services with problems now:"));
    let list = others(&html);
    assert!(!list.iter().any(|s| s == INTESA), "{list:?}");
    let (uni, monzo) = (
        list.iter().position(|s| s == UNICREDIT),
        list.iter().position(|s| s == MONZO),
    );
    assert!(uni.is_some() && monzo.is_some(), "{list:?}");
    assert!(uni < monzo, "Italian services first: {list:?}");
    let list = others(&page(&format!("/s/{MONZO}?lang=en")).await);
    assert!(list.iter().any(|s| s == INTESA) && !list.iter().any(|s| s == MONZO));
}

// ---------------------------------------------------------------------------------------------------
// §4: the permalink

#[tokio::test]
async fn permalink_is_citable() {
    let f = app();
    let url = format!("{PUBLIC}/outages/{}", f.past);
    let html = page(&format!("/outages/{}?lang=en", f.past)).await;
    let title = between(&html, "<title>", "</title>").unwrap();
    assert!(!title.contains(['<', '>']), "markup in the title: {title}");
    assert!(
        title.starts_with("Intesa Sanpaolo outage, 22 Sept 2024, 12:00 CEST"),
        "{title}"
    );
    // The absolute address in a field that copies without JavaScript.
    assert!(
        html.contains(&format!(
            "<input id=\"permalink\" class=\"copy\" type=\"url\" readonly value=\"{url}\">"
        )),
        "no readonly permalink field"
    );
    let citation = between(&html, "readonly rows=\"3\">", "</textarea>").unwrap();
    assert_eq!(
        citation,
        format!(
            "downtally, Intesa Sanpaolo outage, 22 Sept 2024, 12:00–13:30 CEST, {url}, retrieved 23 Sept 2024, 14:00 CEST"
        )
    );
    let facts = between(&html, "<dl", "</dl>").unwrap();
    assert!(
        facts.contains("<dt>Started</dt><dd>22 Sept 2024, 12:00 CEST</dd>"),
        "{facts}"
    );
    assert!(
        facts.contains("<dt>Ended</dt><dd>22 Sept 2024, 13:30 CEST</dd>"),
        "{facts}"
    );
    // The peak against normal: 40 a minute where 4 are normal.
    assert!(
        facts.contains("(normally 4.0)") && facts.contains("10× normal"),
        "{facts}"
    );
    // The chart has a heading and a legend, and its files beside it.
    let heading = between(&html, "<h2 id=\"chart-h\">", "</h2>").unwrap();
    assert_eq!(heading, "Reports about Intesa Sanpaolo around the outage");
    let covers = between(&html, "<p class=\"meta\" id=\"chart-covers\">", "</p>").unwrap();
    assert!(
        covers.contains("(Europe/Rome), reports per 5 minutes"),
        "{covers}"
    );
    // The legend is drawn in the chart (once, in each of its two drawings).
    let figure = between(&html, "<figure id=\"live-chart\" data-live>", "</figure>").unwrap();
    assert!(figure.contains(">Normal range</text>") && figure.contains(">Outage</text>"));
    for ext in ["csv", "svg", "png"] {
        assert!(html.contains(&format!("href=\"/outages/{}/chart.{ext}?lang=en\"", f.past)));
    }
    // The ongoing one has no end yet; every language's title is free of markup.
    let ongoing = page(&format!("/outages/{}?lang=en", f.ongoing)).await;
    assert!(!ongoing.contains("<dt>Ended</dt>"));
    assert!(
        ongoing.contains(", since 23 Sept 2024, "),
        "the citation says since when"
    );
    for lang in ["en", "it", "de", "fr", "nb"] {
        let html = page(&format!("/outages/{}?lang={lang}", f.ongoing)).await;
        let title = between(&html, "<title>", "</title>").unwrap();
        assert!(!title.contains(['<', '>']), "{lang}: {title}");
        assert!(!html.contains(downtally::i18n::MISSING), "{lang}");
    }
}

#[tokio::test]
async fn pages_carry_open_graph_and_twitter_cards() {
    let f = app();
    for (path, url, image) in [
        (
            format!("/s/{INTESA}?lang=en"),
            format!("{PUBLIC}/s/{INTESA}"),
            format!("{PUBLIC}/s/{INTESA}/chart.png?lang=en"),
        ),
        (
            format!("/outages/{}?lang=en", f.past),
            format!("{PUBLIC}/outages/{}", f.past),
            format!("{PUBLIC}/outages/{}/chart.png?lang=en", f.past),
        ),
    ] {
        let html = page(&path).await;
        assert_eq!(meta(&html, "og:url"), Some(url.as_str()), "{path}");
        assert_eq!(meta(&html, "og:image"), Some(image.as_str()), "{path}");
        assert_eq!(meta(&html, "twitter:card"), Some("summary_large_image"));
        assert_eq!(meta(&html, "twitter:image"), Some(image.as_str()));
        for name in [
            "og:title",
            "og:description",
            "og:image:alt",
            "twitter:title",
        ] {
            assert!(
                meta(&html, name).is_some_and(|v| !v.is_empty()),
                "{path}: {name}"
            );
        }
        // The preview image is the PNG this server draws.
        let png = fetch(image.strip_prefix(PUBLIC).unwrap(), None).await;
        assert_eq!(png.status, 200);
        assert_eq!(png.header("content-type"), "image/png");
    }
    let html = page(&format!("/s/{INTESA}?lang=en")).await;
    let description = meta(&html, "og:description").unwrap();
    assert!(
        description.starts_with("Since "),
        "the summary describes the page: {description}"
    );
}

// ---------------------------------------------------------------------------------------------------
// Downloads

#[tokio::test]
async fn csv_holds_the_charts_own_numbers() {
    let f = app();
    for (page_path, csv_path) in [
        (
            format!("/s/{INTESA}?lang=en"),
            format!("/s/{INTESA}/chart.csv?lang=en"),
        ),
        (
            format!("/outages/{}?lang=en", f.ongoing),
            format!("/outages/{}/chart.csv?lang=en", f.ongoing),
        ),
    ] {
        let html = page(&page_path).await;
        let table = table_rows(&html);
        let a = fetch(&csv_path, None).await;
        assert_eq!(a.status, 200, "{csv_path}");
        assert_eq!(a.header("content-type"), "text/csv; charset=utf-8");
        assert!(
            a.header("content-disposition")
                .starts_with("attachment; filename=")
        );
        let rows = csv_rows(&a.text());
        assert_eq!(rows.len(), table.len(), "{csv_path}: one row per bar");
        let mut in_outage = 0;
        for (csv, cells) in rows.iter().zip(&table) {
            // Start in RFC 3339 UTC; the table shows the same instant in the page's zone.
            let start = chrono::DateTime::parse_from_rfc3339(&csv[0]).unwrap();
            assert!(csv[0].ends_with('Z'), "{}", csv[0]);
            let local = start
                .with_timezone(&chrono_tz::Europe::Rome)
                .format("%H:%M")
                .to_string();
            // The slot still filling says so: "14:00 (so far)".
            let shown = cells[0].strip_suffix(" (so far)").unwrap_or(&cells[0]);
            assert_eq!(local, shown, "{csv_path}");
            assert_eq!(csv[1], cells[1], "{csv_path}: count at {}", csv[0]);
            // The table shows the whole counts the range holds (low rounded up, high down); the
            // CSV the range itself, to two decimals.
            if csv[3].is_empty() {
                assert_eq!(cells[2], "–", "{csv_path}: normal at {}", csv[0]);
            } else {
                let shown: Vec<f64> = cells[2]
                    .split(" – ")
                    .map(|v| v.replace(',', "").parse().unwrap())
                    .collect();
                let (low, high): (f64, f64) = (csv[3].parse().unwrap(), csv[4].parse().unwrap());
                assert!(
                    shown[0] >= low - 0.006 && shown[0] < low + 1.0,
                    "{csv_path}: normal at {}: low {low} shown as {}",
                    csv[0],
                    shown[0]
                );
                assert!(
                    shown[1] <= high + 0.006 && (shown[1] > high - 1.006 || shown[1] == shown[0]),
                    "{csv_path}: normal at {}: high {high} shown as {}",
                    csv[0],
                    shown[1]
                );
            }
            assert!(csv[5] == "true" || csv[5] == "false");
            in_outage += usize::from(csv[5] == "true");
        }
        assert!(in_outage >= 2, "{csv_path}: the outage's slots are marked");
        // Slots after the outage's start are marked, those well before are not.
        let marked = |row: &Vec<String>| row[5] == "true";
        assert!(
            !marked(&rows[0]) && marked(rows.last().unwrap()),
            "{csv_path}"
        );
    }
}

#[tokio::test]
async fn svg_and_png_describe_themselves_and_decode() {
    let svg = fetch(&format!("/s/{INTESA}/chart.svg?lang=en"), None).await;
    assert_eq!(svg.status, 200);
    assert_eq!(svg.header("content-type"), "image/svg+xml");
    let text = svg.text();
    assert!(text.starts_with("<svg ") && text.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    for part in [
        ">Reports about Intesa Sanpaolo in the last 24 hours</text>",
        ">Reports per 15 minutes</text>",
        ">Times in CEST</text>",
        ">Outage</text>",
        ">Normal range</text>",
        &format!(">Source: {PUBLIC}/s/{INTESA}</text>"),
    ] {
        assert!(text.contains(part), "the SVG lacks {part}");
    }
    let timed = Instant::now();
    let png = fetch(&format!("/s/{INTESA}/chart.png?lang=it"), None).await;
    let first = timed.elapsed();
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type"), "image/png");
    assert!(
        png.header("content-encoding").is_empty(),
        "a PNG is not compressed again"
    );
    let b = &png.body;
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&b[12..16], b"IHDR");
    let w = u32::from_be_bytes(b[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(b[20..24].try_into().unwrap());
    // 1.5 times the SVG's own size.
    let svg_h: f64 = between(&text, "height=\"", "\"").unwrap().parse().unwrap();
    assert_eq!((w, h), (1080, (svg_h * 1.5).round() as u32));
    assert!(
        b.len() > 10_000,
        "a chart, not an empty image: {} bytes",
        b.len()
    );
    assert!(b.ends_with(b"IEND\xaeB`\x82"), "a complete PNG");
    // Drawn once per data change: the same bytes and validator again, and a 304 to a revalidation.
    let timed = Instant::now();
    let again = fetch(&format!("/s/{INTESA}/chart.png?lang=it"), None).await;
    println!(
        "chart PNG: {:.1} ms rendered (cache miss, with the page's data), {:.1} ms from the cache",
        first.as_secs_f64() * 1e3,
        timed.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(again.body, png.body);
    let etag = png.header("etag").to_owned();
    let res = helpers::client()
        .get(format!("{}/s/{INTESA}/chart.png?lang=it", app().base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    let outage = fetch(&format!("/outages/{}/chart.png", app().past), None).await;
    assert_eq!(outage.header("content-type"), "image/png");
    for bad in [
        format!("/s/{INTESA}/chart.gif"),
        "/s/no-such-bank/chart.png".to_owned(),
        "/outages/999999/chart.csv".to_owned(),
    ] {
        assert_eq!(fetch(&bad, None).await.status, 404, "{bad}");
    }
}

// ---------------------------------------------------------------------------------------------------
// The outage list

fn list_links(html: &str) -> Vec<i64> {
    let body = between(html, "<tbody>", "</tbody>").unwrap_or("");
    body.split("href=\"/outages/")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
        .collect()
}

#[tokio::test]
async fn outage_list_filters_by_name_and_country_in_one_zone() {
    let f = app();
    // "Intesa" finds Intesa Sanpaolo (the form shows its name), and only it.
    let html = page("/outages?service=Intesa&lang=en").await;
    let links = list_links(&html);
    assert!(
        links.contains(&f.ongoing) && links.contains(&f.past),
        "{links:?}"
    );
    assert!(html.contains("value=\"Intesa Sanpaolo\""));
    assert!(!html.contains(&format!("href=\"/s/{MONZO}\"")));
    // One row per outage: the regional one sits under the service's outage.
    let body = between(&html, "<tbody>", "</tbody>").unwrap();
    let rows: Vec<&str> = body.split("<tr>").skip(1).collect();
    let past_row = rows
        .iter()
        .find(|r| r.contains(&format!("href=\"/outages/{}\"", f.past)))
        .unwrap();
    assert!(
        between(past_row, "<ul class=\"regional\">", "</ul>")
            .is_some_and(|u| u.contains(&format!("/outages/{}\"", f.regional))),
        "{past_row}"
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r.contains(&format!("/outages/{}\"", f.regional)))
            .count(),
        1
    );
    // Countries by name (any of our languages) or code; Italy includes UniCredit, not Monzo.
    for q in ["Italy", "italia", "IT", "it"] {
        let html = page(&format!("/outages?country={q}&lang=en")).await;
        assert!(html.contains(&format!("href=\"/s/{UNICREDIT}\"")), "{q}");
        assert!(list_links(&html).contains(&f.ongoing), "{q}");
        assert!(!html.contains(&format!("href=\"/s/{MONZO}\"")), "{q}");
        assert!(html.contains("value=\"Italy\""), "{q}");
    }
    let gb = page("/outages?country=United%20Kingdom&lang=en").await;
    assert!(gb.contains(&format!("href=\"/s/{MONZO}\"")) && !list_links(&gb).contains(&f.ongoing));
    let nowhere = page("/outages?country=Atlantis&lang=en").await;
    assert!(nowhere.contains("No country matches “Atlantis”."));
    assert!(list_links(&nowhere).is_empty());
    // One zone, labelled: UTC unless the visitor chose one (?tz or its cookie).
    let utc = page("/outages?lang=en").await;
    assert!(utc.contains("All times in UTC"));
    assert!(
        utc.contains("22 Sept 2024, 10:00 UTC"),
        "the resolved outage in UTC"
    );
    let rome = page("/outages?lang=en&tz=Europe/Rome").await;
    assert!(rome.contains("All times in Europe/Rome") && rome.contains("22 Sept 2024, 12:00 CEST"));
    let oslo = fetch("/outages?lang=en", Some("tz=Europe/Oslo"))
        .await
        .text();
    assert!(oslo.contains("All times in Europe/Oslo"));
    // Even Monzo's outage (a UK service) is shown in the one zone.
    let all = page("/outages?lang=en&tz=Europe/Rome").await;
    let monzo_row = between(&all, &format!("href=\"/s/{MONZO}\""), "</tr>").unwrap();
    assert!(
        monzo_row.contains("CEST") && !monzo_row.contains("BST"),
        "{monzo_row}"
    );
}
