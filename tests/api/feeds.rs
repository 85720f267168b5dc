//! Feeds, badges, oEmbed and the Statuspage-compatible JSON (issue 13 §3), black-box against a real
//! server (SQLite, manual clock, `--public-url https://downtally.example`): outages and statuses are
//! written into the store as the monitor writes them (`insert_outage`, `update_outage`,
//! `set_statuses` then `StatusBoard::load`, as a node that does not run the monitor reads them),
//! and what readers, feed readers, dashboards and publishing tools fetch is checked: the Atom feeds
//! parsed by an XML parser (`roxmltree`), an entry updated when its outage resolves, the badge's
//! colour following the status, oEmbed for our three kinds of page and none other, and Statuspage's
//! field names and values.

use crate::helpers::{self, AppOptions, INTESA, MONZO, TestApp, slug};
use downtally::detect::Status;
use downtally::domain::{ProblemKind, RegionId};
use downtally::store::{OutageRecord, Statement, StatusRow};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Monday 2024-09-23 12:00 UTC.
const NOW: i64 = 1_727_092_800;
const PUBLIC: &str = "https://downtally.example";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// An app whose monitor has made its one pass (every status normal), so what the tests write stays.
async fn app() -> TestApp {
    app_on(AppOptions::sqlite().manual_clock(NOW)).await
}

async fn app_on(opts: AppOptions) -> TestApp {
    let app = helpers::spawn_app_with(opts, |s| {
        s.public_url = Some(PUBLIC.to_owned());
        s.monitor_interval = Duration::from_secs(3600);
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.state.board.updated_at() < NOW {
        assert!(Instant::now() < deadline, "the monitor ran no pass");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app
}

fn record(service: &str, region: Option<&str>, start: i64) -> OutageRecord {
    OutageRecord {
        service: slug(service),
        region: region.map(|r| RegionId::parse(r).unwrap()),
        started_at: start,
        ended_at: None,
        peak_at: start + 600,
        peak_count: 48.0,
        baseline_at_peak: 3.0,
        top_problems: vec![(ProblemKind::Login, 120), (ProblemKind::MobileApp, 40)],
        regions: vec![(RegionId::parse("GB-SCT").unwrap(), 30)],
    }
}

/// Sets a service's status as the monitor would, and has the board read it (a new monitor pass:
/// cached answers are rendered again).
async fn set_status(app: &TestApp, service: &str, status: Status, since: i64, outage: Option<i64>) {
    let updated_at = app.state.board.updated_at() + 1;
    app.state
        .db
        .set_statuses(&[StatusRow {
            service: slug(service),
            status,
            since,
            outage_id: outage,
            updated_at,
        }])
        .await
        .unwrap();
    app.state.board.load(&app.state.db).await.unwrap();
}

async fn text(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let res = app.get(path).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.text().await.unwrap())
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers.get(name).map_or("", |v| v.to_str().unwrap_or(""))
}

/// Child element `name` (Atom namespace) of `node`.
fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name((ATOM_NS, name)))
}

fn child_text(node: roxmltree::Node, name: &str) -> String {
    child(node, name)
        .and_then(|c| c.text())
        .unwrap_or_else(|| panic!("no <{name}>"))
        .to_owned()
}

/// The feed's required elements are there (RFC 4287 §4.1.1, §4.1.2); its entries as (id, title,
/// updated, published, alternate link, content).
fn parse_feed(xml: &str) -> (String, Vec<[String; 6]>) {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM_NS, "feed")), "{xml}");
    for required in ["id", "title", "updated"] {
        assert!(!child_text(feed, required).is_empty(), "feed {required}");
    }
    let updated = child_text(feed, "updated");
    assert!(
        chrono::DateTime::parse_from_rfc3339(&updated).is_ok(),
        "{updated}"
    );
    let self_link = feed
        .children()
        .find(|c| c.has_tag_name((ATOM_NS, "link")) && c.attribute("rel") == Some("self"))
        .expect("a rel=self link");
    assert!(self_link.attribute("href").unwrap().starts_with(PUBLIC));
    assert!(
        child(feed, "author")
            .and_then(|a| child(a, "name"))
            .is_some()
    );
    let entries = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM_NS, "entry")))
        .map(|e| {
            let link = e
                .children()
                .find(|c| {
                    c.has_tag_name((ATOM_NS, "link")) && c.attribute("rel") == Some("alternate")
                })
                .and_then(|l| l.attribute("href"))
                .expect("an entry's alternate link")
                .to_owned();
            let content = child(e, "content").expect("content");
            assert_eq!(content.attribute("type"), Some("html"));
            [
                child_text(e, "id"),
                child_text(e, "title"),
                child_text(e, "updated"),
                child_text(e, "published"),
                link,
                content.text().unwrap_or_default().to_owned(),
            ]
        })
        .collect();
    (updated, entries)
}

#[tokio::test]
async fn atom_feeds_parse_and_an_entry_is_updated_when_its_outage_resolves() {
    let app = app().await;
    let start = NOW - 3600;
    let monzo = app
        .state
        .db
        .insert_outage(&record(MONZO, None, start), NOW)
        .await
        .unwrap();
    let mut intesa_record = record(INTESA, Some("IT-25"), start - 7200);
    intesa_record.ended_at = Some(start - 3600);
    let intesa = app
        .state
        .db
        .insert_outage(&intesa_record, NOW)
        .await
        .unwrap();
    set_status(&app, MONZO, Status::Outage, start, Some(monzo)).await;

    let (status, headers, xml) = text(&app, "/feed.atom").await;
    assert_eq!(status, 200, "{xml}");
    assert!(header(&headers, "content-type").starts_with("application/atom+xml"));
    assert_eq!(header(&headers, "cache-control"), "public, max-age=60");
    assert_eq!(header(&headers, "access-control-allow-origin"), "*");
    let (feed_updated, entries) = parse_feed(&xml);
    assert_eq!(entries.len(), 2);
    let permalink = format!("{PUBLIC}/outages/{monzo}");
    let entry = entries
        .iter()
        .find(|e| e[0] == permalink)
        .expect("Monzo's entry");
    assert_eq!(entry[4], permalink);
    assert_eq!(entry[1], "Monzo outage");
    assert_eq!(entry[3], "2024-09-23T11:00:00Z");
    // Updated at its peak, the latest change so far; the feed as its newest entry.
    assert_eq!(entry[2], "2024-09-23T11:10:00Z");
    assert_eq!(feed_updated, entry[2]);
    // The content says what the permalink says: peak against normal, problems, regions.
    for part in [
        "16× normal",
        "Login (120)",
        "Scotland",
        "Mobile app (40)",
        &permalink,
    ] {
        assert!(entry[5].contains(part), "{part} in {}", entry[5]);
    }
    let resolved = entries
        .iter()
        .find(|e| e[0].ends_with(&format!("/{intesa}")))
        .unwrap();
    assert!(resolved[1].contains("(resolved)"), "{}", resolved[1]);

    // Revalidation: 304 without a body.
    let etag = header(&headers, "etag").to_owned();
    let res = app
        .client
        .get(app.url("/feed.atom"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    // A country's feed, a service's, another language; unknown ones are 404.
    let (_, _, xml) = text(&app, "/feed.atom?country=IT").await;
    let (_, it) = parse_feed(&xml);
    assert_eq!(it.len(), 1);
    assert!(it[0][0].ends_with(&format!("/{intesa}")));
    let (_, _, xml) = text(&app, "/s/monzo/feed.atom?lang=de").await;
    assert!(xml.contains("xml:lang=\"de\""));
    let (_, de) = parse_feed(&xml);
    assert_eq!(de.len(), 1);
    assert_eq!(de[0][1], "Störung bei Monzo");
    for missing in ["/feed.atom?country=ZZ", "/s/nope/feed.atom"] {
        assert_eq!(app.get(missing).await.status(), 404, "{missing}");
    }

    // The outage resolves: its entry is updated (to its end) and says so; the feed moves with it.
    let mut ended = record(MONZO, None, start);
    ended.ended_at = Some(NOW + 300);
    app.state
        .db
        .update_outage(monzo, &ended, NOW + 300)
        .await
        .unwrap();
    app.clock.set(NOW + 360);
    set_status(&app, MONZO, Status::Normal, NOW + 300, None).await;
    let res = app
        .client
        .get(app.url("/feed.atom"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the feed changed");
    let (feed_updated, entries) = parse_feed(&res.text().await.unwrap());
    let entry = entries.iter().find(|e| e[0] == permalink).unwrap();
    assert_eq!(entry[2], "2024-09-23T12:05:00Z");
    assert_eq!(entry[1], "Monzo outage (resolved)");
    assert_eq!(feed_updated, entry[2]);

    // An official statement attached later updates it again.
    app.state
        .db
        .insert_statement(
            &Statement {
                id: 0,
                added_at: 0,
                outage_id: monzo,
                body: "Card payments were delayed; fixed.".into(),
                link: None,
                stated_at: NOW,
                label: "ops".into(),
            },
            NOW + 900,
        )
        .await
        .unwrap();
    app.clock.set(NOW + 960);
    let (_, _, xml) = text(&app, "/s/monzo/feed.atom").await;
    let (_, entries) = parse_feed(&xml);
    assert_eq!(entries[0][2], "2024-09-23T12:15:00Z");
    assert!(entries[0][5].contains("Card payments were delayed"));

    // Pages name their feeds, and the embeddable ones their oEmbed endpoint.
    for (path, oembed) in [
        ("/".to_owned(), false),
        ("/outages".to_owned(), false),
        ("/s/monzo".to_owned(), true),
        (format!("/outages/{monzo}"), true),
        ("/embed/monzo/map".to_owned(), true),
    ] {
        let (_, _, html) = text(&app, &path).await;
        assert_eq!(
            html.contains(r#"<link rel="alternate" type="application/atom+xml" href="https://downtally.example/"#),
            !path.starts_with("/embed/"),
            "{path}"
        );
        assert_eq!(
            html.contains(r#"type="application/json+oembed" href="https://downtally.example/oembed?url=https%3A%2F%2Fdowntally.example%2F"#),
            oembed,
            "{path}"
        );
    }
    app.stop().await;
}

/// The badge's fill colour of its status part, and its accessible name.
fn badge_parts(svg: &str) -> (String, String) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    let label = root.attribute("aria-label").unwrap().to_owned();
    let title = root
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(title, label);
    let fill = root
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .nth(2)
        .and_then(|n| n.attribute("fill"))
        .unwrap()
        .to_owned();
    (label, fill)
}

#[tokio::test]
async fn badges_follow_the_status_and_may_be_hot_linked_and_framed() {
    let app = app().await;
    let (status, headers, svg) = text(&app, "/badge/monzo.svg").await;
    assert_eq!(status, 200);
    assert_eq!(badge_parts(&svg), ("Monzo: normal".into(), "#4c1".into()));
    assert!(header(&headers, "content-type").starts_with("image/svg+xml"));
    assert_eq!(header(&headers, "cache-control"), "public, max-age=60");
    assert_eq!(header(&headers, "access-control-allow-origin"), "*");
    assert_eq!(
        header(&headers, "cross-origin-resource-policy"),
        "cross-origin"
    );
    let csp = header(&headers, "content-security-policy");
    assert!(csp.contains("frame-ancestors *"), "{csp}");
    let etag = header(&headers, "etag").to_owned();
    let again = |etag: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/badge/monzo.svg"))
                .header("If-None-Match", etag)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(again(etag.clone()).await, 304);

    let id = app
        .state
        .db
        .insert_outage(&record(MONZO, None, NOW - 600), NOW)
        .await
        .unwrap();
    set_status(&app, MONZO, Status::Outage, NOW - 600, Some(id)).await;
    assert_eq!(again(etag).await, 200);
    let (_, _, svg) = text(&app, "/badge/monzo.svg").await;
    assert_eq!(
        badge_parts(&svg),
        ("Monzo: outage".into(), "#e05d44".into())
    );
    let (_, _, svg) = text(&app, "/badge/monzo.svg?lang=de").await;
    assert_eq!(badge_parts(&svg).0, "Monzo: Störung");
    set_status(&app, MONZO, Status::Improving, NOW, Some(id)).await;
    let (_, _, svg) = text(&app, "/badge/monzo.svg?lang=it").await;
    assert_eq!(
        badge_parts(&svg),
        ("Monzo: in miglioramento".into(), "#fe7d37".into())
    );

    let (status, _, svg) = text(&app, "/badge/nope.svg").await;
    assert_eq!(status, 404);
    assert_eq!(badge_parts(&svg).1, "#9f9f9f");
    app.stop().await;
}

async fn oembed(app: &TestApp, query: &[(&str, &str)]) -> (u16, Value) {
    let res = app
        .client
        .get(app.url("/oembed"))
        .query(query)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn oembed_answers_for_our_three_kinds_of_page_and_no_other() {
    let app = app().await;
    let id = app
        .state
        .db
        .insert_outage(&record(MONZO, None, NOW - 600), NOW)
        .await
        .unwrap();
    let permalink = format!("{PUBLIC}/outages/{id}");
    for (url, title) in [
        (format!("{PUBLIC}/s/monzo"), "Monzo on downtally"),
        (permalink.clone(), "Monzo outage"),
        (
            format!("{PUBLIC}/embed/monzo/map?theme=dark"),
            "Monzo on downtally",
        ),
    ] {
        let (status, body) = oembed(
            &app,
            &[("url", &url), ("maxwidth", "300"), ("maxheight", "900")],
        )
        .await;
        assert_eq!(status, 200, "{url}: {body}");
        assert_eq!(body["version"], "1.0");
        assert_eq!(body["type"], "rich");
        assert_eq!(body["title"], title);
        assert_eq!(body["provider_name"], "downtally");
        assert_eq!(body["provider_url"], PUBLIC);
        assert!(body["cache_age"].as_u64().unwrap() > 0);
        let (w, h) = (
            body["width"].as_u64().unwrap(),
            body["height"].as_u64().unwrap(),
        );
        assert!(w <= 300 && h <= 900 && h > 100, "{w}×{h}");
        let html = body["html"].as_str().unwrap();
        assert!(
            html.starts_with(r#"<iframe src="https://downtally.example/embed/monzo/map"#)
                && html.contains(&format!(r#"width="{w}" height="{h}""#)),
            "{html}"
        );
        assert_eq!(
            html.contains("theme=dark"),
            url.contains("theme=dark"),
            "{html}"
        );
    }
    // A page in another language embeds in it.
    let url = format!("{PUBLIC}/s/monzo?lang=de");
    let (_, body) = oembed(&app, &[("url", &url)]).await;
    assert_eq!(body["title"], "Monzo auf downtally");
    assert!(
        body["html"]
            .as_str()
            .unwrap()
            .contains("/embed/monzo/map?lang=de\""),
        "{body}"
    );
    // Within a tight height too.
    let (_, body) = oembed(&app, &[("url", &permalink), ("maxheight", "200")]).await;
    assert_eq!(body["height"], 200);

    for foreign in [
        "https://example.com/s/monzo",
        "https://downtally.example.evil/s/monzo",
        "https://downtally.example/s/nope",
        "https://downtally.example/outages/999999",
        "https://downtally.example/privacy",
    ] {
        let (status, body) = oembed(&app, &[("url", foreign)]).await;
        assert_eq!(status, 404, "{foreign}");
        assert_eq!(body["status"], 404, "{foreign}");
    }
    let url = format!("{PUBLIC}/s/monzo");
    // The spec's XML form carries the same fields; other formats are 501, as the spec says.
    let res = app
        .client
        .get(app.url("/oembed"))
        .query(&[("url", url.as_str()), ("format", "xml")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(header(res.headers(), "content-type").starts_with("text/xml"));
    let xml = res.text().await.unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
    let root = doc.root_element();
    assert!(root.has_tag_name("oembed"), "{xml}");
    let field = |name: &str| {
        root.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(field("type"), "rich");
    assert!(
        field("html").starts_with("<iframe src=\"https://downtally.example/embed/monzo/map\""),
        "{xml}"
    );
    assert_eq!(oembed(&app, &[("url", &url), ("format", "")]).await.0, 200);
    assert_eq!(
        oembed(&app, &[("url", &url), ("format", "yaml")]).await.0,
        501
    );
    assert_eq!(
        oembed(&app, &[("url", &url), ("maxwidth", "wide")]).await.0,
        400
    );
    assert_eq!(oembed(&app, &[]).await.0, 400);
    app.stop().await;
}

async fn json(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(header(res.headers(), "access-control-allow-origin"), "*");
    assert_eq!(header(res.headers(), "cache-control"), "public, max-age=60");
    res.json().await.unwrap()
}

#[tokio::test]
async fn statuspage_json_has_atlassians_fields_and_values() {
    let app = app().await;
    let status = json(&app, "/s/monzo/api/v2/status.json").await;
    assert_eq!(status["status"]["indicator"], "none");
    assert_eq!(status["status"]["description"], "All Systems Operational");
    assert_eq!(status["page"]["id"], "monzo");
    assert_eq!(status["page"]["name"], "Monzo");
    assert_eq!(status["page"]["url"], format!("{PUBLIC}/s/monzo"));
    assert_eq!(status["page"]["time_zone"], "Europe/London");
    assert!(status["page"]["updated_at"].is_string());

    let start = NOW - 1800;
    let id = app
        .state
        .db
        .insert_outage(&record(MONZO, None, start), NOW)
        .await
        .unwrap();
    set_status(&app, MONZO, Status::Outage, start, Some(id)).await;
    let summary = json(&app, "/s/monzo/api/v2/summary.json").await;
    assert_eq!(summary["status"]["indicator"], "major");
    assert_eq!(summary["scheduled_maintenances"], serde_json::json!([]));
    let component = &summary["components"][0];
    assert_eq!(component["status"], "major_outage");
    for field in [
        "id",
        "name",
        "created_at",
        "updated_at",
        "position",
        "page_id",
        "group",
        "only_show_if_degraded",
        "showcase",
    ] {
        assert!(!component[field].is_null(), "component {field}");
    }
    let incident = &summary["incidents"][0];
    assert_eq!(incident["id"], id.to_string());
    assert_eq!(incident["name"], "Monzo outage");
    assert_eq!(incident["status"], "investigating");
    assert_eq!(incident["impact"], "major");
    assert_eq!(incident["shortlink"], format!("{PUBLIC}/outages/{id}"));
    assert_eq!(incident["started_at"], "2024-09-23T11:30:00Z");
    assert_eq!(incident["page_id"], "monzo");
    assert!(incident["resolved_at"].is_null() && incident["monitoring_at"].is_null());
    let update = &incident["incident_updates"][0];
    assert_eq!(update["status"], "investigating");
    assert_eq!(update["incident_id"], id.to_string());
    assert!(update["body"].as_str().unwrap().contains("Login (120)"));

    // The service speaks: identified. Reports fall back: monitoring, newest first.
    app.state
        .db
        .insert_statement(
            &Statement {
                id: 0,
                added_at: 0,
                outage_id: id,
                body: "We are looking into login problems.".into(),
                link: Some("https://status.monzo.com/".into()),
                stated_at: NOW - 600,
                label: "ops".into(),
            },
            NOW - 500,
        )
        .await
        .unwrap();
    set_status(&app, MONZO, Status::Outage, start, Some(id)).await;
    let incident = &json(&app, "/s/monzo/api/v2/summary.json").await["incidents"][0];
    assert_eq!(incident["status"], "identified");
    assert!(
        incident["incident_updates"][0]["body"]
            .as_str()
            .unwrap()
            .contains("login problems")
    );
    set_status(&app, MONZO, Status::Improving, NOW - 60, Some(id)).await;
    let summary = json(&app, "/s/monzo/api/v2/summary.json").await;
    assert_eq!(summary["status"]["indicator"], "minor");
    let incident = &summary["incidents"][0];
    assert_eq!(incident["status"], "monitoring");
    assert_eq!(incident["monitoring_at"], "2024-09-23T11:59:00Z");
    let statuses: Vec<&str> = incident["incident_updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["monitoring", "identified", "investigating"]);

    // Resolved: no open incident, indicator none.
    let mut ended = record(MONZO, None, start);
    ended.ended_at = Some(NOW);
    app.state.db.update_outage(id, &ended, NOW).await.unwrap();
    set_status(&app, MONZO, Status::Normal, NOW, None).await;
    let summary = json(&app, "/s/monzo/api/v2/summary.json").await;
    assert_eq!(summary["status"]["indicator"], "none");
    assert_eq!(summary["incidents"], serde_json::json!([]));
    assert_eq!(summary["components"][0]["status"], "operational");

    // A script on another site may revalidate it.
    let res = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            app.url("/s/monzo/api/v2/summary.json"),
        )
        .header("Origin", "https://dashboard.example")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "if-none-match")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(header(res.headers(), "access-control-allow-origin"), "*");
    assert!(header(res.headers(), "access-control-allow-headers").contains("If-None-Match"));

    let res = app.get("/s/nope/api/v2/summary.json").await;
    assert_eq!(res.status(), 404);
    assert!(header(res.headers(), "content-type").starts_with("application/problem+json"));
    app.stop().await;
}

/// The statements' times (`Statement::added_at`) read alike on PostgreSQL: an entry is updated when one
/// is attached.
#[tokio::test]
async fn a_statement_updates_its_entry_on_postgres_too() {
    let Some(admin) = helpers::require_env("TEST_DATABASE_URL") else {
        return;
    };
    let app = app_on(AppOptions {
        database: helpers::Database::FreshPostgres(admin),
        ..AppOptions::default().manual_clock(NOW)
    })
    .await;
    let id = app
        .state
        .db
        .insert_outage(&record(MONZO, None, NOW - 600), NOW)
        .await
        .unwrap();
    for stated_at in [NOW - 300, NOW - 200] {
        app.state
            .db
            .insert_statement(
                &Statement {
                    id: 0,
                    added_at: 0,
                    outage_id: id,
                    body: "Investigating.".into(),
                    link: None,
                    stated_at,
                    label: "ops".into(),
                },
                NOW + 60,
            )
            .await
            .unwrap();
    }
    let (_, _, xml) = text(&app, "/s/monzo/feed.atom").await;
    let (updated, entries) = parse_feed(&xml);
    assert_eq!(entries[0][2], "2024-09-23T12:01:00Z");
    assert_eq!(updated, entries[0][2]);
    app.stop().await;
}
