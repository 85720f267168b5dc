//! Languages, black-box: the app chooses the language from `?lang=`, then the `lang` cookie, then
//! `Accept-Language`, else English; every page renders in every language without a missing text.

use crate::helpers::*;
use downtally::domain::ProblemKind;
use downtally::store::OutageRecord;
use downtally::web::i18n::{Lang, MISSING};
use reqwest::header::HeaderMap;

/// 2026-11-22 10:42 UTC.
const NOW: i64 = 1_795_344_120;

struct Page {
    status: u16,
    headers: HeaderMap,
    text: String,
}

impl Page {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map_or("", |v| v.to_str().unwrap_or(""))
    }
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Page {
    let mut req = app.client.get(app.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.expect("GET answers");
    Page {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
        text: res.text().await.unwrap(),
    }
}

fn html_lang(page: &Page) -> &str {
    let at = page.text.find("<html lang=\"").expect("an <html lang>") + 12;
    &page.text[at..at + page.text[at..].find('"').unwrap()]
}

#[tokio::test]
async fn accept_language_chooses_the_language() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(NOW)).await;
    let it = get(
        &app,
        &format!("/s/{INTESA}"),
        &[("Accept-Language", "it-IT,it;q=0.9,en;q=0.8")],
    )
    .await;
    assert_eq!(it.status, 200);
    assert_eq!(html_lang(&it), "it");
    assert!(
        it.text
            .contains("Nessun problema in corso con Intesa Sanpaolo"),
        "{}",
        it.text
    );
    assert!(it.text.contains("Che cosa non funziona per te?"));
    assert!(it.text.contains(">Accesso</button>"), "problem kinds");
    assert!(it.header("vary").contains("Accept-Language"));
    assert!(it.header("vary").contains("Cookie"));
    assert!(
        it.header("set-cookie").is_empty(),
        "only ?lang= sets the cookie"
    );

    let nb = get(&app, "/", &[("Accept-Language", "nn-NO, en;q=0.5")]).await;
    assert_eq!(html_lang(&nb), "nb");
    assert!(nb.text.contains("Problemer med banken"), "{}", nb.text);
    // Norwegian services come first, under their country's Norwegian name.
    let first = nb.text.find("<section class=\"country\"").unwrap();
    assert!(
        nb.text[first..].starts_with("<section class=\"country\" aria-labelledby=\"c-NO\">"),
        "{}",
        &nb.text[first..first + 200]
    );
    assert!(nb.text.contains(">Norge</h2>"));

    // No header, or only languages we do not have: English.
    for headers in [vec![], vec![("Accept-Language", "ja-JP, zh;q=0.8")]] {
        let en = get(&app, &format!("/s/{INTESA}"), &headers).await;
        assert_eq!(html_lang(&en), "en");
        assert!(en.text.contains("No current problems at Intesa Sanpaolo"));
    }
    app.stop().await;
}

#[tokio::test]
async fn lang_parameter_sets_a_cookie_that_later_requests_follow() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(NOW)).await;
    let de = get(&app, "/?lang=de", &[("Accept-Language", "it")]).await;
    assert_eq!(html_lang(&de), "de", "?lang= wins over Accept-Language");
    assert!(de.text.contains("Probleme mit Ihrer Bank"), "{}", de.text);
    let cookie = de.header("set-cookie");
    assert!(cookie.starts_with("lang=de;"), "{cookie}");
    for part in ["Path=/", "Max-Age=31536000", "SameSite=Lax", "HttpOnly"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }

    let later = get(
        &app,
        &format!("/s/{INTESA}"),
        &[("Cookie", "lang=de"), ("Accept-Language", "fr")],
    )
    .await;
    assert_eq!(
        html_lang(&later),
        "de",
        "the cookie wins over Accept-Language"
    );
    assert!(
        later
            .text
            .contains("Keine aktuellen Probleme bei Intesa Sanpaolo")
    );

    // An unknown ?lang= is ignored: the cookie or header still decides, and no cookie is set.
    let unknown = get(&app, "/?lang=xx", &[]).await;
    assert_eq!(html_lang(&unknown), "en");
    assert!(unknown.header("set-cookie").is_empty());
    app.stop().await;
}

/// An Intesa Sanpaolo outage from three hours before NOW, peaking at 12 against 1.5.
async fn intesa_outage(
    app: &TestApp,
    ended_at: Option<i64>,
    problems: Vec<(ProblemKind, i64)>,
) -> i64 {
    let record = OutageRecord {
        service: slug(INTESA),
        region: None,
        started_at: NOW - 3 * 3600,
        ended_at,
        peak_at: NOW - 2 * 3600,
        peak_count: 12.0,
        baseline_at_peak: 1.5,
        top_problems: problems,
        regions: vec![],
    };
    app.state.db.insert_outage(&record, NOW).await.unwrap()
}

#[tokio::test]
async fn every_page_renders_in_every_language_without_missing_texts() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(NOW)).await;
    let id = intesa_outage(
        &app,
        Some(NOW - 3600 - 25 * 60),
        vec![(ProblemKind::Login, 9), (ProblemKind::MobileApp, 3)],
    )
    .await;
    let outage = format!("/outages/{id}");
    let service = format!("/s/{INTESA}?reported=login&counted=0");
    let paths = [
        "/",
        service.as_str(),
        "/outages",
        outage.as_str(),
        "/api",
        "/no/such/page",
        "/outages/999999",
    ];
    for lang in Lang::ALL {
        for path in paths {
            let sep = if path.contains('?') { '&' } else { '?' };
            let page = get(&app, &format!("{path}{sep}lang={}", lang.code()), &[]).await;
            assert!(
                page.status == 200 || page.status == 404,
                "{path}: {}",
                page.status
            );
            assert_eq!(html_lang(&page), lang.code(), "{path}");
            assert!(
                !page.text.contains(MISSING) && !page.text.contains("Unknown localization"),
                "{} {path}: {}",
                lang.code(),
                page.text
            );
        }
    }
    // Dates, durations and problem kinds follow the language; times are in the service's country
    // (Italy: CET, UTC+1 in November).
    let it = get(&app, &format!("{outage}?lang=it"), &[]).await;
    assert!(it.text.contains("22 nov 2026, 08:42 CET"), "{}", it.text);
    assert!(it.text.contains("1 h 35 min"), "{}", it.text);
    assert!(it.text.contains("Accesso (9)"), "{}", it.text);
    assert!(it.text.contains("12 segnalazioni al minuto"), "{}", it.text);
    let de = get(&app, &format!("{outage}?lang=de"), &[]).await;
    assert!(de.text.contains("22.11.2026, 08:42 CET"), "{}", de.text);
    assert!(de.text.contains("(üblich 1,5)"), "{}", de.text);
    let fr = get(&app, "/no/such/page?lang=fr", &[]).await;
    assert!(fr.text.contains("Il n’y a aucune page à cette adresse."));
    let nb = get(&app, &service.replace("?", "?lang=nb&"), &[]).await;
    assert!(nb.text.contains("ble ikke telt på nytt"), "{}", nb.text);
    app.stop().await;
}

#[tokio::test]
async fn times_are_in_the_service_country_zone_unless_the_visitor_sets_tz() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(NOW)).await;
    let id = intesa_outage(&app, None, vec![]).await;
    let outage = format!("/outages/{id}");
    let rome = get(&app, &outage, &[]).await;
    assert!(
        rome.text.contains("22 Nov 2026, 08:42 CET"),
        "{}",
        rome.text
    );
    assert!(
        rome.text.contains("(Europe/Rome)"),
        "table caption names the zone"
    );

    let ny = get(&app, &format!("{outage}?tz=America%2FNew_York"), &[]).await;
    assert!(ny.text.contains("22 Nov 2026, 02:42 EST"), "{}", ny.text);
    let cookie = ny.header("set-cookie");
    assert!(cookie.starts_with("tz=America/New_York;"), "{cookie}");
    assert!(cookie.contains("Max-Age=31536000") && cookie.contains("HttpOnly"));

    let london = get(&app, &outage, &[("Cookie", "tz=Europe/London")]).await;
    assert!(
        london.text.contains("22 Nov 2026, 07:42 GMT"),
        "{}",
        london.text
    );

    // An unknown zone is ignored.
    let bad = get(&app, &format!("{outage}?tz=Mars%2FOlympus"), &[]).await;
    assert!(bad.text.contains("08:42 CET"));
    assert!(bad.header("set-cookie").is_empty());

    // The service page offers the zones, with the one shown selected.
    let page = get(&app, &format!("/s/{INTESA}"), &[]).await;
    assert!(
        page.text
            .contains(r#"<option value="Europe/Rome" selected>"#),
        "{}",
        page.text
    );
    app.stop().await;
}

// ---------------------------------------------------------------------------------------------------
// No English left on other languages' pages (issue 11 §6)

/// The texts of each message of a Fluent file: a single-line value, or each variant of a select.
fn ftl_texts(ftl: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut current = None;
    for line in ftl.lines() {
        if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim().to_owned();
            let value = value.trim();
            if !value.ends_with("->") {
                out.entry(key.clone()).or_default().push(value.to_owned());
            }
            current = Some(key);
        } else if let (Some(key), Some((_, text))) = (&current, line.split_once(']')) {
            out.entry(key.clone())
                .or_default()
                .push(text.trim().to_owned());
        }
    }
    out
}

/// Pieces of an English text that would betray it on another page: the literal runs between
/// placeables, at least two words and 12 characters long.
fn telltales(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let (literal, next) = match rest.find('{') {
            Some(at) => (
                &rest[..at],
                rest[at..].find('}').map(|end| &rest[at + end + 1..]),
            ),
            None => (rest, None),
        };
        let piece = literal
            .trim()
            .trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
        if piece.len() >= 12 && piece.contains(' ') {
            out.push(piece.to_owned());
        }
        match next {
            Some(n) => rest = n,
            None => return out,
        }
    }
}

/// What a reader sees of a page: its text and the attributes read out or shown (placeholders,
/// titles, labels, option groups), entities decoded; scripts and styles left out.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        for attr in [
            "placeholder",
            "title",
            "aria-label",
            "label",
            "alt",
            "data-done",
        ] {
            let needle = format!(" {attr}=\"");
            if let Some(at) = tag.find(&needle) {
                let value = &tag[at + needle.len()..];
                out.push_str(&value[..value.find('"').unwrap_or(value.len())]);
                out.push(' ');
            }
        }
        rest = &rest[open + close + 1..];
        for skipped in ["script", "style"] {
            if tag.starts_with(skipped) {
                let end = format!("</{skipped}>");
                rest = rest.find(&end).map_or("", |at| &rest[at + end.len()..]);
            }
        }
    }
    out.push_str(rest);
    out.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn ftl_of(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("../../locales/en/main.ftl"),
        Lang::It => include_str!("../../locales/it/main.ftl"),
        Lang::De => include_str!("../../locales/de/main.ftl"),
        Lang::Fr => include_str!("../../locales/fr/main.ftl"),
        Lang::Nb => include_str!("../../locales/nb/main.ftl"),
    }
}

#[test]
fn telltales_and_visible_text_work() {
    assert_eq!(
        telltales(
            "You're not alone: { $count } people reported “{ $problem }” in the last 15 minutes."
        ),
        [
            "You're not alone",
            "people reported “",
            "” in the last 15 minutes"
        ]
    );
    assert!(telltales("{ $m } min").is_empty());
    let text = visible_text(
        r#"<p title="A &amp; B">x</p><script>var english = 1;</script><optgroup label="Italia"><input placeholder="e.g. Monzo">"#,
    );
    assert!(text.contains("A & B") && text.contains("Italia") && text.contains("e.g. Monzo"));
    assert!(!text.contains("english"));
}

/// Every page in every language: no English text of ours (a Fluent value that differs from the
/// language's own) outside user content; region names in the picker local; the 422 page in the
/// language; counts with the language's thousands separator.
#[tokio::test]
async fn no_english_is_left_on_pages_in_other_languages() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(NOW)).await;
    let id = intesa_outage(
        &app,
        Some(NOW - 3600),
        vec![
            (ProblemKind::SmsVerification, 14_230),
            (ProblemKind::Login, 12),
        ],
    )
    .await;
    app.report_ok(
        AMEX,
        &serde_json::json!({ "problem": "login", "region": "US-NY" }),
        "i18n-amex",
    )
    .await;
    let english = ftl_texts(ftl_of(Lang::En));
    let regions = downtally::regions::RegionCatalog::embedded().unwrap();
    let pages = [
        "/".to_owned(),
        format!("/s/{INTESA}?reported=login&counted=1"),
        "/s/unicredit".to_owned(),
        format!("/s/{AMEX}"),
        "/outages".to_owned(),
        format!("/outages/{id}"),
        "/privacy".to_owned(),
        "/api".to_owned(),
        "/no/such/page".to_owned(),
        format!("/embed/{INTESA}/map"),
    ];
    let mut found = Vec::new();
    for lang in Lang::ALL.into_iter().filter(|&l| l != Lang::En) {
        let own = ftl_texts(ftl_of(lang));
        let own_file = ftl_of(lang);
        // English pieces of the messages this language words differently.
        let betraying: Vec<(String, String)> = english
            .iter()
            .filter(|(key, texts)| own.get(key.as_str()) != Some(*texts))
            .flat_map(|(key, texts)| {
                texts
                    .iter()
                    .flat_map(|t| telltales(t))
                    .filter(|t| !own_file.contains(t.as_str()))
                    .map(move |t| (key.clone(), t))
            })
            .collect();
        assert!(betraying.len() > 100, "only {} telltales", betraying.len());
        let mut texts = Vec::new();
        for path in &pages {
            let sep = if path.contains('?') { '&' } else { '?' };
            let page = get(&app, &format!("{path}{sep}lang={}", lang.code()), &[]).await;
            texts.push((path.clone(), page.text));
        }
        // A refused report: the 422 page.
        let refused = app
            .client
            .post(app.url(&format!("/s/{INTESA}/report?lang={}", lang.code())))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("problem=teleportation")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 422);
        let refused = refused.text().await.unwrap();
        assert!(
            !refused.contains("unknown problem kind"),
            "{}: the developer's message: {refused}",
            lang.code()
        );
        texts.push(("422".to_owned(), refused));
        for (path, html) in &texts {
            let text = visible_text(html);
            for (key, piece) in &betraying {
                if text.contains(piece.as_str()) {
                    found.push(format!(
                        "{} {path}: English {key:?}: {piece:?}",
                        lang.code()
                    ));
                }
            }
        }
        // Region pickers: grouped by country, local names, no internal codes.
        let (_, unicredit) = texts.iter().find(|(p, _)| p == "/s/unicredit").unwrap();
        let select = &unicredit[unicredit.find("<select id=\"region\"").unwrap()..];
        let select = &select[..select.find("</select>").unwrap()];
        assert!(
            select.contains(&format!("<optgroup label=\"{}\">", lang.country("IT")))
                && select.contains(&format!("<optgroup label=\"{}\">", lang.country("DE"))),
            "{}: {select}",
            lang.code()
        );
        for r in regions
            .regions_of("IT")
            .iter()
            .chain(regions.regions_of("DE"))
        {
            let shown = visible_text(select);
            if r.name != r.name_local {
                assert!(
                    !shown.contains(&format!(" {} ", r.name)),
                    "{}: English region name {:?} in the picker",
                    lang.code(),
                    r.name
                );
            }
            assert!(
                !shown.contains(&r.id),
                "{}: region code {} shown",
                lang.code(),
                r.id
            );
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));

    // Thousands separators in counts of every kind (ICU4X, CLDR: Italian from five digits on).
    let outage = format!("/outages/{id}");
    for (lang, text) in [
        (Lang::En, "SMS code (14,230)"),
        (Lang::It, "Codice SMS (14.230)"),
        (Lang::De, "(14.230)"),
        (Lang::Fr, "(14\u{202f}230)"),
        (Lang::Nb, "(14\u{a0}230)"),
    ] {
        let page = get(&app, &format!("{outage}?lang={}", lang.code()), &[]).await;
        assert!(page.text.contains(text), "{}: {text}", lang.code());
    }
    // American Express on a map of Europe: its US report is listed, not lost.
    let amex = get(&app, &format!("/s/{AMEX}?lang=en"), &[]).await;
    assert!(
        amex.text.contains(">United States: 1*</text>")
            && amex
                .text
                .contains("<p class=\"meta\">Reports by country: United States: 1*"),
        "{}",
        amex.text
    );
    assert!(amex.text.contains("<td>New York</td><td>1</td>"));
    // Time zones by city, in the language.
    let it = get(&app, &format!("/s/{INTESA}?lang=it"), &[]).await;
    assert!(it.text.contains(">Londra</option>"), "{}", it.text);
    app.stop().await;
}

/// Issue 11 §2: after a report the page says how many people reported the same problem in the last
/// 15 minutes, and links the service's official status page and support from the catalog.
#[tokio::test]
async fn after_a_report_the_page_says_who_else_reported_and_where_to_get_help() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(NOW)).await;
    let thanks = format!("/s/{MONZO}?reported=login&counted=1");
    let first = get(&app, &thanks, &[]).await;
    assert!(
        first
            .text
            .contains("You are the first to report “Login” in the last 15 minutes."),
        "{}",
        first.text
    );
    for who in ["a", "b", "c"] {
        app.report_ok(MONZO, &serde_json::json!({ "problem": "login" }), who)
            .await;
    }
    app.report_ok(MONZO, &serde_json::json!({ "problem": "card" }), "d")
        .await;
    let en = get(&app, &thanks, &[]).await;
    assert!(
        en.text
            .contains("You&#39;re not alone: 3 people reported “Login” in the last 15 minutes."),
        "{}",
        en.text
    );
    assert!(
        en.text
            .contains(r#"<a href="https://status.monzo.com/" rel="noopener">"#)
    );
    assert!(
        en.text
            .contains(r#"<a href="https://monzo.com/help" rel="noopener">Support and contact</a>"#)
    );
    let de = get(&app, &format!("{thanks}&lang=de"), &[]).await;
    assert!(
        de.text
            .contains("Sie sind nicht allein: 3 Personen haben in den letzten 15 Minuten „Anmeldung“ gemeldet."),
        "{}",
        de.text
    );
    // Without a support page in the catalog, the service's homepage; no status page, no link.
    let intesa = get(&app, &format!("/s/{INTESA}?reported=card&counted=1"), &[]).await;
    assert!(intesa.text.contains(
        r#"<a href="https://www.intesasanpaolo.com/" rel="noopener">Support and contact</a>"#
    ));
    // Later, the window has moved on.
    app.clock.set(NOW + 16 * 60);
    let later = get(&app, &thanks, &[]).await;
    assert!(later.text.contains("You are the first"), "{}", later.text);
    app.stop().await;
}
