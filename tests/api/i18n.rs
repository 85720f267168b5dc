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
    assert!(it.text.contains("22/11/2026 08:42 CET"), "{}", it.text);
    assert!(it.text.contains("1 h 35 min"), "{}", it.text);
    assert!(it.text.contains("Accesso (9)"), "{}", it.text);
    assert!(it.text.contains("12 segnalazioni al minuto"), "{}", it.text);
    let de = get(&app, &format!("{outage}?lang=de"), &[]).await;
    assert!(de.text.contains("22.11.2026 08:42 CET"), "{}", de.text);
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
    assert!(rome.text.contains("2026-11-22 08:42 CET"), "{}", rome.text);
    assert!(
        rome.text.contains("(Europe/Rome)"),
        "table caption names the zone"
    );

    let ny = get(&app, &format!("{outage}?tz=America%2FNew_York"), &[]).await;
    assert!(ny.text.contains("2026-11-22 02:42 EST"), "{}", ny.text);
    let cookie = ny.header("set-cookie");
    assert!(cookie.starts_with("tz=America/New_York;"), "{cookie}");
    assert!(cookie.contains("Max-Age=31536000") && cookie.contains("HttpOnly"));

    let london = get(&app, &outage, &[("Cookie", "tz=Europe/London")]).await;
    assert!(
        london.text.contains("2026-11-22 07:42 GMT"),
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
