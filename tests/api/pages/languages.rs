//! Every language keeps the pages' structure.

use super::{app, element, get, main_of, page, service_links};
use crate::helpers::INTESA;
use downtally::domain::ProblemKind;

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
