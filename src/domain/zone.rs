//! Which time zone people live in: by country, and by region. Pages show times in it, and the
//! detector keeps each series' seasonal profile in it (people's day follows their clocks, so the
//! morning rise moves with a daylight-saving change).
//!
//! Pure facts, used by pages (`web/`), the monitor and the normals alike; no layer above is needed.

use chrono_tz::Tz;

/// The time zone of a country (ISO 3166-1 code; `XK` Kosovo): the zone of its capital, which is
/// where most of its people live for every country covered by the region catalog; UTC for
/// countries without one here. The United States span several zones: their main zone here is the
/// Eastern one (where most of their people and banks are); [`region_zone`] gives each state its own.
pub fn country_zone(country: &str) -> Tz {
    match country {
        "IT" => Tz::Europe__Rome,
        "GB" => Tz::Europe__London,
        "DE" => Tz::Europe__Berlin,
        "FR" => Tz::Europe__Paris,
        "NO" => Tz::Europe__Oslo,
        "US" => Tz::America__New_York,
        "NL" => Tz::Europe__Amsterdam,
        "SE" => Tz::Europe__Stockholm,
        "IE" => Tz::Europe__Dublin,
        "AT" => Tz::Europe__Vienna,
        "ES" => Tz::Europe__Madrid,
        "DK" => Tz::Europe__Copenhagen,
        "FI" => Tz::Europe__Helsinki,
        "LT" => Tz::Europe__Vilnius,
        "AD" => Tz::Europe__Andorra,
        "AL" => Tz::Europe__Tirane,
        "BA" => Tz::Europe__Sarajevo,
        "BE" => Tz::Europe__Brussels,
        "BG" => Tz::Europe__Sofia,
        "CH" => Tz::Europe__Zurich,
        "CY" => Tz::Asia__Nicosia,
        "CZ" => Tz::Europe__Prague,
        "EE" => Tz::Europe__Tallinn,
        "FO" => Tz::Atlantic__Faroe,
        "GG" => Tz::Europe__Guernsey,
        "GI" => Tz::Europe__Gibraltar,
        "GR" => Tz::Europe__Athens,
        "HR" => Tz::Europe__Zagreb,
        "HU" => Tz::Europe__Budapest,
        "IM" => Tz::Europe__Isle_of_Man,
        "IS" => Tz::Atlantic__Reykjavik,
        "JE" => Tz::Europe__Jersey,
        "LI" => Tz::Europe__Vaduz,
        "LU" => Tz::Europe__Luxembourg,
        "LV" => Tz::Europe__Riga,
        "MC" => Tz::Europe__Monaco,
        "ME" => Tz::Europe__Podgorica,
        "MK" => Tz::Europe__Skopje,
        "MT" => Tz::Europe__Malta,
        "PL" => Tz::Europe__Warsaw,
        "PT" => Tz::Europe__Lisbon,
        "RO" => Tz::Europe__Bucharest,
        "RS" => Tz::Europe__Belgrade,
        "SI" => Tz::Europe__Ljubljana,
        "SK" => Tz::Europe__Bratislava,
        "SM" => Tz::Europe__San_Marino,
        "VA" => Tz::Europe__Vatican,
        // Kosovo keeps Central European time; the tz database files it under Belgrade.
        "XK" => Tz::Europe__Belgrade,
        _ => Tz::UTC,
    }
}

/// The time zone of a first-level region (an id of the region catalog, e.g. `IT-25`, `US-CA`,
/// `TLI`): its own where a country spans zones, else its country's ([`country_zone`]).
///
/// Each US state has the zone most of its people live in (Florida's panhandle, western Kentucky,
/// eastern Oregon and the like follow their state's main zone; Arizona keeps no daylight-saving
/// time). Spain's Canary Islands and Portugal's Azores and Madeira have their own. The English
/// regions' ONS codes (`TLC` to `TLK`) are in Great Britain.
pub fn region_zone(region: &str) -> Tz {
    if let Some(state) = region.strip_prefix("US-") {
        return us_state_zone(state);
    }
    match region {
        "ES-CN" => Tz::Atlantic__Canary,
        "PT-20" => Tz::Atlantic__Azores,
        "PT-30" => Tz::Atlantic__Madeira,
        r if r.len() == 3 && r.starts_with("TL") => Tz::Europe__London,
        r => country_zone(r.get(..2).unwrap_or("")),
    }
}

fn us_state_zone(state: &str) -> Tz {
    match state {
        "AL" | "AR" | "IA" | "IL" | "KS" | "LA" | "MN" | "MO" | "MS" | "ND" | "NE" | "OK"
        | "SD" | "TN" | "TX" | "WI" => Tz::America__Chicago,
        "CO" | "ID" | "MT" | "NM" | "UT" | "WY" => Tz::America__Denver,
        "AZ" => Tz::America__Phoenix,
        "CA" | "NV" | "OR" | "WA" => Tz::America__Los_Angeles,
        "AK" => Tz::America__Anchorage,
        "HI" => Tz::Pacific__Honolulu,
        // The Eastern states, and any id this table does not know.
        _ => Tz::America__New_York,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::RegionCatalog;

    #[test]
    fn every_region_and_country_of_the_catalog_has_a_zone() {
        let catalog = RegionCatalog::embedded().unwrap();
        for country in catalog.countries() {
            assert_ne!(country_zone(&country.id), Tz::UTC, "{}", country.id);
        }
        for region in catalog.regions() {
            let zone = region_zone(&region.id);
            assert_ne!(zone, Tz::UTC, "{}", region.id);
            // A region's zone is its country's, except where the country spans zones.
            if !["US", "ES", "PT"].contains(&region.country.as_str()) {
                assert_eq!(zone, country_zone(&region.country), "{}", region.id);
            }
        }
    }

    #[test]
    fn states_and_islands_have_their_own_zones() {
        assert_eq!(region_zone("US-CA"), Tz::America__Los_Angeles);
        assert_eq!(region_zone("US-NY"), Tz::America__New_York);
        assert_eq!(region_zone("US-TX"), Tz::America__Chicago);
        assert_eq!(region_zone("US-AZ"), Tz::America__Phoenix);
        assert_eq!(region_zone("ES-CN"), Tz::Atlantic__Canary);
        assert_eq!(region_zone("ES-MD"), Tz::Europe__Madrid);
        assert_eq!(region_zone("TLI"), Tz::Europe__London);
        assert_eq!(region_zone("IT-25"), Tz::Europe__Rome);
        assert_eq!(region_zone("SI031"), Tz::Europe__Ljubljana);
        assert_eq!(region_zone("ZZ-1"), Tz::UTC);
    }
}
