//! Black-box tests of the public pages: home, service page, outage permalink, outage list, error
//! pages, external resources, compression, page weight and cache headers.
//!
//! One app (SQLite, manual clock) serves every test of this file: four days of simulated history for
//! three services, Intesa Sanpaolo with an outage that began 40 minutes before "now" and is still going
//! on, so the monitor declares it on its first pass. Pages are translated; English text is matched
//! only with an explicit `?lang=en`, everything else on structure (elements, ids, classes, statuses).

use crate::helpers::{self, BARCLAYS, INTESA, MONZO, slug};
use downtally::backfill::backfill_service;
use downtally::catalog::Catalog;
use downtally::clock::Clock;
use downtally::detect::Status;
use downtally::domain::ProblemKind;
use downtally::simulate::{SimOutage, SimSpec};
use downtally::startup::{Application, Settings, open_db};
use downtally::store::StoredOutage;
use std::io::Read;
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

// ---------------------------------------------------------------------------------------------------
// Home

#[tokio::test]
async fn home_lists_the_catalog_with_services_in_outage_on_top() {
    let html = page("/").await;
    assert!(html.contains("<html lang=\""), "no <html lang>");
    let main = main_of(&html);
    let links = service_links(main);
    for s in catalog().services() {
        assert!(
            links.iter().any(|l| l == s.slug.as_str()),
            "the home page does not list {}",
            s.slug.as_str()
        );
    }
    assert_eq!(
        links[0], INTESA,
        "the service in outage is not listed first"
    );
    // It sits in a list of troubled services before the first country group.
    let first_outage_card = main
        .find("status-outage")
        .expect("no card has the class status-outage");
    let first_country = main.find("class=\"country\"").expect("no country group");
    assert!(
        first_outage_card < first_country,
        "the outage card comes after the country groups"
    );
    // Quiet services are not marked as troubled.
    assert!(!main.contains(&format!("status-outage\"><a href=\"/s/{MONZO}\"")));
    // A sparkline per service, with a text alternative.
    assert!(
        main.matches("<svg").count() >= catalog().len(),
        "fewer sparklines than services"
    );
    // The search works without JavaScript: a GET form with a labelled search field.
    let form = element(main, "<form", "form");
    assert!(form.contains("method=\"get\""), "{form}");
    assert!(form.contains("name=\"q\"") && form.contains("<label for=\"q\""));
    assert!(form.contains("name=\"country\"") && form.contains("<label for=\"country\""));
    // The only script is the deferred live refresh; the board is complete without it.
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script src=\"/static/live.js\" defer></script>")
            .count(),
        "a script other than the live refresh"
    );
    assert!(main.contains("id=\"board\" data-live"));
}

#[tokio::test]
async fn home_search_finds_monzo_only() {
    let html = page("/?q=monzo").await;
    let links = service_links(main_of(&html));
    assert!(!links.is_empty(), "the search for monzo found nothing");
    assert!(
        links.iter().all(|l| l == MONZO),
        "the search for monzo lists {links:?}"
    );
    // Case and spaces do not matter.
    let html = page("/?q=Intesa%20Sanpaolo").await;
    let links = service_links(main_of(&html));
    assert!(links.iter().any(|l| l == INTESA), "{links:?}");
    assert!(links.iter().all(|l| l == INTESA), "{links:?}");
    // Nothing found is still a page.
    let html = page("/?q=no-such-bank-anywhere").await;
    assert!(service_links(main_of(&html)).is_empty());
}

#[tokio::test]
async fn home_country_filter_keeps_italian_services() {
    let html = page("/?country=IT").await;
    let main = main_of(&html);
    let links = service_links(main);
    let catalog = catalog();
    let italian: Vec<&str> = catalog
        .services()
        .iter()
        .filter(|s| s.countries.iter().any(|c| c == "IT"))
        .map(|s| s.slug.as_str())
        .collect();
    assert!(links.iter().any(|l| l == INTESA), "{links:?}");
    assert!(!links.iter().any(|l| l == MONZO), "{links:?}");
    for l in &links {
        assert!(italian.contains(&l.as_str()), "{l} is not Italian");
    }
    for s in &italian {
        assert!(links.iter().any(|l| l == s), "{s} is missing");
    }
    assert!(
        main.contains("value=\"IT\" selected"),
        "the country select does not keep IT"
    );
    // Lowercase works too.
    assert_eq!(service_links(main_of(&page("/?country=it").await)), links);
}

// ---------------------------------------------------------------------------------------------------
// Service page

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

// ---------------------------------------------------------------------------------------------------
// Outages

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

// ---------------------------------------------------------------------------------------------------
// Resources, compression, caching

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

/// Where `url(…)` and `@import` in CSS point.
fn css_references(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in css.split("url(").skip(1) {
        let end = part.find(')').unwrap_or(part.len());
        out.push(part[..end].trim().trim_matches(['"', '\'']).to_owned());
    }
    for part in css.split("@import").skip(1) {
        let part = part.trim_start();
        if !part.starts_with("url(") {
            let q = part.chars().next().unwrap_or('"');
            out.push(part[1..].split(q).next().unwrap_or("").to_owned());
        }
    }
    out
}

/// True when fetching this reference stays on the origin that served the page.
fn same_origin(reference: &str, origin: &str) -> bool {
    let r = reference.trim();
    if r.starts_with("//") || r.starts_with("\\\\") {
        return false;
    }
    if r.starts_with(origin) && r[origin.len()..].chars().next().is_none_or(|c| c == '/') {
        return true;
    }
    // A scheme (`https:`, `ftp:`) before any `/`, `?` or `#` makes it absolute. `data:` is inline.
    let before = r.split(['/', '?', '#']).next().unwrap_or("");
    match before.split_once(':') {
        Some((scheme, _)) => scheme.eq_ignore_ascii_case("data"),
        None => true,
    }
}

#[test]
fn origin_check_recognises_other_hosts() {
    let o = "http://127.0.0.1:1";
    for ok in [
        "/static/style.css",
        "style.css",
        "?q=1",
        "#x",
        "http://127.0.0.1:1/x",
        "data:image/png;base64,AA",
    ] {
        assert!(same_origin(ok, o), "{ok}");
    }
    for bad in [
        "https://fonts.googleapis.com/css",
        "//cdn.example/x.js",
        "http://127.0.0.1:10/x",
        "HTTP://example.com",
    ] {
        assert!(!same_origin(bad, o), "{bad}");
    }
    assert_eq!(
        css_references("a{background:url('https://x/y.png')} @import \"//z/c.css\";"),
        vec!["https://x/y.png", "//z/c.css"]
    );
}

#[tokio::test]
async fn no_page_loads_a_resource_from_another_host() {
    let origin = app().base.clone();
    let mut stylesheets = std::collections::BTreeSet::new();
    let mut offenders = Vec::new();
    for path in all_pages() {
        let p = get(&path).await;
        assert!(
            p.status == 200 || p.status == 404,
            "GET {path}: {}",
            p.status
        );
        for (name, tag) in tags(&p.body) {
            for (key, value) in attributes(tag) {
                // Links people follow (<a href>) load nothing; everything else that names a URL does.
                let loads = match key.as_str() {
                    "src" | "poster" | "data" | "background" | "xlink:href" => true,
                    "href" => name != "a",
                    "srcset" | "imagesrcset" => true,
                    "style" => {
                        for r in css_references(&value) {
                            if !same_origin(&r, &origin) {
                                offenders.push(format!("{path}: <{name} style> loads {r}"));
                            }
                        }
                        false
                    }
                    _ => false,
                };
                if !loads {
                    continue;
                }
                let refs: Vec<&str> = if key.ends_with("srcset") {
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .collect()
                } else {
                    vec![value.as_str()]
                };
                for r in refs {
                    if !same_origin(r, &origin) {
                        offenders.push(format!("{path}: <{name} {key}> loads {r}"));
                    }
                    if name == "link" && tag.contains("stylesheet") {
                        stylesheets.insert(r.to_owned());
                    }
                }
            }
        }
        let mut rest = p.body.as_str();
        while let Some(css) = between(rest, "<style", "</style>") {
            for r in css_references(css) {
                if !same_origin(&r, &origin) {
                    offenders.push(format!("{path}: <style> loads {r}"));
                }
            }
            rest = &rest[rest.find("</style>").unwrap() + 8..];
        }
    }
    assert!(
        !stylesheets.is_empty(),
        "no page links a stylesheet: was the check blind?"
    );
    for sheet in &stylesheets {
        let path = sheet.strip_prefix(&origin).unwrap_or(sheet);
        let css = get(path).await;
        assert_eq!(css.status, 200, "GET {path}");
        for r in css_references(&css.body) {
            if !same_origin(&r, &origin) {
                offenders.push(format!("{path} loads {r}"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "external resources:\n{}",
        offenders.join("\n")
    );
}

/// GET with `Accept-Encoding: gzip`; returns (content-encoding, compressed size, decompressed body).
async fn gzip_get(path: &str) -> (String, usize, String) {
    let res = helpers::client()
        .get(format!("{}{path}", app().base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "GET {path}: {}", res.status());
    let encoding = res
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = res.bytes().await.unwrap();
    let mut text = String::new();
    if encoding == "gzip" {
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("GET {path}: not gzip: {e}"));
    } else {
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    (encoding, bytes.len(), text)
}

#[tokio::test]
async fn pages_are_compressed_and_light() {
    let (enc, css_size, _) = gzip_get("/static/style.css").await;
    assert_eq!(enc, "gzip", "the stylesheet is not compressed");
    let id = app().outage.id;
    for path in [
        "/".to_owned(),
        format!("/s/{INTESA}"),
        format!("/s/{MONZO}"),
        format!("/outages/{id}"),
        "/outages".to_owned(),
    ] {
        let (enc, size, html) = gzip_get(&path).await;
        assert_eq!(enc, "gzip", "GET {path} is not compressed");
        assert!(html.contains("</html>"), "GET {path}: truncated page");
        assert!(
            html.len() < 8 * 1024 || size * 3 < html.len(),
            "GET {path}: {size} bytes compressed for {} bytes",
            html.len()
        );
        assert!(
            size + css_size < PAGE_BUDGET,
            "GET {path} weighs {size} + {css_size} bytes (CSS) compressed, over {PAGE_BUDGET}"
        );
    }
}

#[tokio::test]
async fn responses_carry_cache_control() {
    for path in all_pages() {
        let p = get(&path).await;
        let cc = p.header("cache-control");
        assert!(!cc.is_empty(), "GET {path} has no Cache-Control");
        if p.status == 200 {
            // Statuses change every minute: pages must be revalidated or expire within minutes.
            let fresh = cc.contains("no-cache")
                || cc.contains("no-store")
                || cc
                    .split(',')
                    .filter_map(|d| d.trim().strip_prefix("max-age="))
                    .any(|s| s.parse::<u64>().is_ok_and(|s| s <= 300));
            assert!(fresh, "GET {path}: Cache-Control {cc} lets a page go stale");
        }
    }
    let css = get("/static/style.css").await;
    assert!(
        css.header("cache-control").contains("max-age"),
        "the stylesheet is not cacheable: {}",
        css.header("cache-control")
    );
}

#[tokio::test]
async fn every_language_keeps_the_structure() {
    let id = app().outage.id;
    for lang in ["en", "it", "de", "fr", "nb"] {
        let home = page(&format!("/?lang={lang}")).await;
        assert!(
            home.contains(&format!("<html lang=\"{lang}\"")),
            "/?lang={lang}: wrong <html lang>"
        );
        assert_eq!(
            service_links(main_of(&home))[0],
            INTESA,
            "/?lang={lang}: the outage is not on top"
        );
        let service = page(&format!("/s/{INTESA}?lang={lang}")).await;
        let main = main_of(&service);
        assert!(main.contains("status-outage"), "/s/{INTESA}?lang={lang}");
        let svg = element(main, "<svg", "svg");
        assert!(
            svg.contains("<title") && svg.contains("<desc"),
            "lang={lang}"
        );
        assert_eq!(
            main.matches("name=\"problem\"").count(),
            ProblemKind::ALL.len() + 1,
            "lang={lang}: report buttons"
        );
        assert!(
            main.contains(&format!("href=\"/outages/{id}")),
            "lang={lang}"
        );
        let outage = page(&format!("/outages/{id}?lang={lang}")).await;
        assert!(outage.contains(&format!("<html lang=\"{lang}\"")));
        assert!(
            element(main_of(&outage), "<dl", "dl")
                .matches("<dt")
                .count()
                >= 4
        );
        assert!(
            page(&format!("/outages?lang={lang}"))
                .await
                .contains(&format!("/outages/{id}"))
        );
        let missing = get(&format!("/outages/999999?lang={lang}")).await;
        assert_eq!(missing.status, 404);
        assert!(
            missing.body.contains(&format!("<html lang=\"{lang}\"")),
            "404 in {lang}"
        );
    }
}

#[tokio::test]
async fn pages_revalidate_with_their_etag() {
    for path in all_pages() {
        let first = get(&path).await;
        if first.status != 200 {
            continue;
        }
        let etag = first.header("etag").to_owned();
        assert!(etag.starts_with("W/\""), "GET {path}: ETag {etag:?}");
        let again = helpers::client()
            .get(format!("{}{path}", app().base))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("GET answers");
        // The fixture's clock stands still, so the page and its validator are unchanged.
        assert_eq!(
            again.status().as_u16(),
            304,
            "GET {path} with If-None-Match"
        );
        assert!(again.text().await.unwrap().is_empty());
        let other = helpers::client()
            .get(format!("{}{path}", app().base))
            .header("if-none-match", "W/\"0000000000000000\"")
            .send()
            .await
            .expect("GET answers");
        assert_eq!(other.status().as_u16(), 200, "GET {path} with a stale ETag");
    }
}

/// GET with an `Accept-Encoding`; returns (content-encoding, ETag, decoded body).
async fn encoded_get(path: &str, accept: &str) -> (String, String, String) {
    let res = helpers::client()
        .get(format!("{}{path}", app().base))
        .header("accept-encoding", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (encoding, etag) = (header("content-encoding"), header("etag"));
    let bytes = res.bytes().await.unwrap();
    let mut text = String::new();
    match encoding.as_str() {
        "br" => {
            brotli::Decompressor::new(&bytes[..], 4096)
                .read_to_string(&mut text)
                .unwrap_or_else(|e| panic!("GET {path}: not brotli: {e}"));
        }
        "gzip" => {
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .unwrap_or_else(|e| panic!("GET {path}: not gzip: {e}"));
        }
        _ => text = String::from_utf8(bytes.to_vec()).unwrap(),
    }
    (encoding, etag, text)
}

#[tokio::test]
async fn one_page_in_every_encoding_under_one_validator() {
    let found = |p: &String| !p.contains("999999") && !p.starts_with("/no/");
    for path in all_pages().into_iter().filter(found) {
        let (plain_enc, plain_tag, plain) = encoded_get(&path, "identity").await;
        let (br_enc, br_tag, br) = encoded_get(&path, "gzip, deflate, br").await;
        let (gz_enc, gz_tag, gz) = encoded_get(&path, "gzip;q=1, br;q=0").await;
        assert_eq!(plain_enc, "", "GET {path}: identity was asked for");
        assert_eq!(br_enc, "br", "GET {path}: a browser's Accept-Encoding");
        assert_eq!(gz_enc, "gzip", "GET {path}: brotli refused");
        // The fixture's clock stands still: the same page, whatever the encoding.
        assert_eq!(plain, br, "GET {path}: brotli body differs");
        assert_eq!(plain, gz, "GET {path}: gzip body differs");
        assert_eq!(plain_tag, br_tag, "GET {path}: ETag differs by encoding");
        assert_eq!(plain_tag, gz_tag, "GET {path}: ETag differs by encoding");
    }
}

/// The hourly total the English service page shows ("N report(s) in the last hour").
fn hourly_total(html: &str) -> u64 {
    let at = html.find("in the last hour").expect("an hourly total");
    let words: Vec<&str> = html[..at].split_whitespace().rev().take(2).collect();
    words[1].replace(',', "").parse().expect("a number")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_page_shows_the_next_report_at_once() {
    let app = helpers::spawn_app(helpers::AppOptions::sqlite().manual_clock(NOW + 5)).await;
    let path = format!("/s/{MONZO}?lang=en");
    let first = app.get(&path).await.text().await.unwrap();
    assert_eq!(hourly_total(&first), 0);
    // Served again from the cache: the same bytes.
    assert_eq!(app.get(&path).await.text().await.unwrap(), first);
    app.report_ok(
        MONZO,
        &serde_json::json!({"problem": "login"}),
        "cache-test/1",
    )
    .await;
    let second = app.get(&path).await.text().await.unwrap();
    assert_eq!(hourly_total(&second), 1, "the report is not on the page");
    // Another service's report leaves this page alone (its cached copy is still right).
    app.report_ok(
        INTESA,
        &serde_json::json!({"problem": "login"}),
        "cache-test/2",
    )
    .await;
    assert_eq!(app.get(&path).await.text().await.unwrap(), second);
    app.stop().await;
}
