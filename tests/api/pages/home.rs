//! The home page: the catalog with services in outage on top, search, the country filter.

use super::{catalog, element, main_of, page, service_links};
use crate::helpers::{INTESA, MONZO};

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
