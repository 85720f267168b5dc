//! Black-box tests of the public pages: home, service page, outage permalink, outage list, error
//! pages, external resources, compression, page weight and cache headers.
//!
//! One app (SQLite, manual clock) serves every test of this module: four days of simulated history
//! for three services, Intesa Sanpaolo with an outage that began 40 minutes before "now" and is
//! still going on, so the monitor declares it on its first pass. Pages are translated; English text
//! is matched only with an explicit `?lang=en`, everything else on structure (elements, ids,
//! classes, statuses).
//!
//! One file per part of the site: `home`, `service` (the service page and its report form),
//! `outages` (the permalink, the list, error pages), `languages`, `resources` (nothing loaded from
//! another host), `compression` (encodings and page weight) and `caching` (Cache-Control, ETags,
//! the page cache). This file holds the shared app and the HTTP and HTML helpers.

mod caching;
mod compression;
mod home;
mod languages;
mod outages;
mod resources;
mod service;

use crate::helpers::{self, BARCLAYS, INTESA, MONZO, slug};
use downtally::backfill::backfill_service;
use downtally::catalog::Catalog;
use downtally::clock::Clock;
use downtally::detect::Status;
use downtally::simulate::{SimOutage, SimSpec};
use downtally::startup::{Application, Settings, open_db};
use downtally::store::StoredOutage;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Monday 2024-09-23 12:00 UTC.
const NOW: i64 = 1_727_092_800;
/// The injected outage starts 40 minutes before NOW and would last two hours.
const OUTAGE_AT: i64 = NOW - 40 * 60;
/// Budget per page, compressed, HTML and its stylesheet together.
const PAGE_BUDGET: usize = 60 * 1024;

struct Fixture {
    base: String,
    outage: StoredOutage,
}

/// The shared app, started once on a thread of its own (its runtime outlives every test's).
fn app() -> &'static Fixture {
    static APP: OnceLock<Fixture> = OnceLock::new();
    APP.get_or_init(|| helpers::start_on_own_thread(start))
}

async fn start() -> (Fixture, helpers::Background) {
    let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    let url = format!("sqlite://{}/pages.db", dir.path().display());
    let days = 4;
    let start = NOW - days as i64 * 86_400;
    {
        let db = open_db(&url).await.unwrap();
        let catalog = Catalog::embedded().unwrap();
        db.sync_catalog(&catalog, start).await.unwrap();
        let mut intesa = SimSpec::quiet(start, days, 5.0, 11);
        intesa.outages.push(SimOutage {
            at: OUTAGE_AT,
            minutes: 120,
            factor: 8.0,
            problems: vec![("login", 0.6), ("mobile_app", 0.4)],
            regions: vec!["IT-25".into()],
        });
        backfill_service(&db, &slug(INTESA), &intesa).await.unwrap();
        // The quiet controls have no weekly rhythm: with four days of history a detector compares
        // Monday noon with the same hour of Thursday to Sunday (a weekly profile needs three
        // weeks), so weekend-quiet traffic would honestly read as "above normal" on Monday.
        let flat = |peak, seed| SimSpec {
            weekend_factor: 1.0,
            ..SimSpec::quiet(start, days, peak, seed)
        };
        backfill_service(&db, &slug(MONZO), &flat(3.0, 12))
            .await
            .unwrap();
        backfill_service(&db, &slug(BARCLAYS), &flat(2.0, 13))
            .await
            .unwrap();
        db.close().await;
    }
    let mut settings = Settings::new("127.0.0.1:0", &url, None);
    settings.clock = Clock::manual(NOW);
    settings.monitor_interval = Duration::from_millis(100);
    settings.workers = Some(2);
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let server = tokio::spawn(app.run_until_stopped());

    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if state.board.updated_at() >= NOW {
            break state.board.get(&slug(INTESA));
        }
        assert!(
            Instant::now() < deadline,
            "the monitor ran no pass in 120 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        status.status,
        Status::Outage,
        "the monitor did not declare the injected outage: {status:?}"
    );
    let outage = state
        .db
        .recent_outages(&slug(INTESA), 5)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.record.ended_at.is_none())
        .expect("an ongoing outage is stored");
    assert!(
        (OUTAGE_AT..NOW).contains(&outage.record.started_at),
        "the outage starts at {} (injected at {OUTAGE_AT})",
        outage.record.started_at
    );
    (Fixture { base, outage }, server)
}

// ---------------------------------------------------------------------------------------------------
// HTTP and HTML helpers

struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Page {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }
}

async fn get(path: &str) -> Page {
    let res = helpers::client()
        .get(format!("{}{path}", app().base))
        .send()
        .await
        .expect("GET answers");
    Page {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
        body: res.text().await.unwrap(),
    }
}

/// GETs a page that must answer 200 with HTML.
async fn page(path: &str) -> String {
    let p = get(path).await;
    assert_eq!(p.status, 200, "GET {path}: {}", p.body);
    assert!(
        p.header("content-type").starts_with("text/html"),
        "GET {path}: content-type {}",
        p.header("content-type")
    );
    p.body
}

/// The text between the first `open` and the next `close` after it.
fn between<'a>(html: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = html.find(open)? + open.len();
    let end = html[start..].find(close)?;
    Some(&html[start..start + end])
}

/// The element that starts with the first occurrence of `marker` (e.g. `<svg`), up to its closing
/// tag `</name>` (elements of the same name are not expected to nest).
fn element<'a>(html: &'a str, marker: &str, name: &str) -> &'a str {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in the page"));
    let close = format!("</{name}>");
    let end = html[start..]
        .find(&close)
        .unwrap_or_else(|| panic!("{marker} is not closed"));
    &html[start..start + end + close.len()]
}

/// Every start tag `<name …>` (lowercased name, the raw tag text).
fn tags(html: &str) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with("!--") {
            rest = rest.find("-->").map_or("", |e| &rest[e + 3..]);
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ':')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        out.push((name, &rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// The attributes of a tag's text (`name key="v" k2='v' k3=v flag`), keys lowercased.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let b = tag.as_bytes();
    let mut i = b
        .iter()
        .position(|c| c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let mut out = Vec::new();
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let k0 = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let key = tag[k0..i].to_ascii_lowercase();
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let v0 = i + 1;
                i = v0 + b[v0..].iter().position(|&c| c == q).unwrap_or(b.len() - v0);
                value = tag[v0..i].to_owned();
                i += 1;
            } else {
                let v0 = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = tag[v0..i].to_owned();
            }
        }
        if !key.is_empty() {
            out.push((key, value.replace("&amp;", "&")));
        }
    }
    out
}

/// Every `href="/s/{slug}"` of the page, in order.
fn service_links(html: &str) -> Vec<String> {
    tags(html)
        .into_iter()
        .filter(|(name, _)| name == "a")
        .filter_map(|(_, t)| {
            attributes(t)
                .into_iter()
                .find(|(k, _)| k == "href")
                .and_then(|(_, v)| v.strip_prefix("/s/").map(str::to_owned))
        })
        .filter(|s| !s.contains(['/', '?', '#']))
        .collect()
}

/// The main content, without header and footer.
fn main_of(html: &str) -> &str {
    element(html, "<main", "main")
}

fn catalog() -> Catalog {
    Catalog::embedded().unwrap()
}

/// Every page of the site worth checking.
fn all_pages() -> Vec<String> {
    let id = app().outage.id;
    let mut pages = vec![
        "/".to_owned(),
        "/?q=monzo".to_owned(),
        "/?country=IT".to_owned(),
        "/outages".to_owned(),
        format!("/outages?service={INTESA}"),
        format!("/outages/{id}"),
        "/outages/999999".to_owned(),
        "/no/such/page".to_owned(),
        format!("/s/{MONZO}?reported=login&counted=0"),
    ];
    pages.extend(
        catalog()
            .services()
            .iter()
            .map(|s| format!("/s/{}", s.slug.as_str())),
    );
    pages
}
