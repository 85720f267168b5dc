//! Languages and formats: English, Italian, German, French, Norwegian Bokmål.
//!
//! Text lives in Fluent files (`locales/{lang}/main.ftl`), embedded in the binary at compile time by
//! `fluent_templates::static_loader!`. Dates and numbers are formatted here per language; Fluent gets
//! them as ready strings (and counts as numbers, for plural forms). Pure: the HTTP side (which
//! language and zone a request asks for) is `web/i18n.rs`.

use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, langid};
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: pages are plain HTML, names are short.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// What a page shows when a key has no text: tests look for it.
pub const MISSING: &str = "⟦missing:";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    It,
    De,
    Fr,
    Nb,
}

static EN: LanguageIdentifier = langid!("en");
static IT: LanguageIdentifier = langid!("it");
static DE: LanguageIdentifier = langid!("de");
static FR: LanguageIdentifier = langid!("fr");
static NB: LanguageIdentifier = langid!("nb");

impl Lang {
    pub const ALL: [Lang; 5] = [Lang::En, Lang::It, Lang::De, Lang::Fr, Lang::Nb];

    /// Every language, for the switcher.
    pub fn all(self) -> [Lang; 5] {
        Lang::ALL
    }

    /// The code used in `<html lang>`, `?lang=` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::It => "it",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Nb => "nb",
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::It => "Italiano",
            Lang::De => "Deutsch",
            Lang::Fr => "Français",
            Lang::Nb => "Norsk bokmål",
        }
    }

    /// The country a language points to, for putting its services first; none for English (which
    /// could be any of several).
    pub fn home_country(self) -> Option<&'static str> {
        match self {
            Lang::En => None,
            Lang::It => Some("IT"),
            Lang::De => Some("DE"),
            Lang::Fr => Some("FR"),
            Lang::Nb => Some("NO"),
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN,
            Lang::It => &IT,
            Lang::De => &DE,
            Lang::Fr => &FR,
            Lang::Nb => &NB,
        }
    }

    /// A language tag (`it`, `it-IT`, `de_CH`, `no`, `nn-NO`…) to one of ours, by its primary subtag.
    /// Norwegian in any form (`no`, `nb`, `nn`) is served in Bokmål.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "it" => Some(Lang::It),
            "de" => Some(Lang::De),
            "fr" => Some(Lang::Fr),
            "nb" | "no" | "nn" => Some(Lang::Nb),
            _ => None,
        }
    }

    /// The best of our languages for an `Accept-Language` header (highest q first; q=0 excluded).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut ranked: Vec<(f32, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut pieces = part.split(';');
                let lang = Lang::from_tag(pieces.next()?)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (q > 0.0).then_some((q, i, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2)
    }

    /// The text of `key`, or a visible marker when no language has it.
    pub fn t(self, key: &str) -> String {
        self.lookup(key, None)
    }

    /// The text of `key` with arguments: `(name, value)` pairs; counts go in as numbers (plural
    /// forms), everything else as strings already formatted for this language.
    pub fn ta(self, key: &str, args: &[(&str, Arg)]) -> String {
        let map: HashMap<&str, FluentValue> = args
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Arg::Str(s) => FluentValue::from(s.as_str()),
                    Arg::Num(n) => FluentValue::from(*n),
                };
                (*k, v)
            })
            .collect();
        self.lookup(key, Some(&map))
    }

    /// `key` with one string argument, for templates.
    pub fn t1(self, key: &str, name: &str, value: &str) -> String {
        self.ta(key, &[(name, Arg::from(value))])
    }

    fn lookup(self, key: &str, args: Option<&HashMap<&str, FluentValue>>) -> String {
        LOCALES
            .lookup_single_language(self.id(), key, args)
            .or_else(|_| LOCALES.lookup_single_language(&EN, key, args))
            .unwrap_or_else(|_| format!("{MISSING}{key}⟧"))
    }

    /// A text that may be absent (an open set such as country names), without the marker.
    pub fn try_t(self, key: &str) -> Option<String> {
        LOCALES
            .lookup_single_language::<&str>(self.id(), key, None)
            .ok()
    }

    /// The short label of a status ("outage", "elevated", "normal").
    pub fn status(self, status: crate::detect::Status) -> String {
        self.t(status.label_id())
    }

    /// A country's name, or its code when we have no name for it.
    pub fn country(self, code: &str) -> String {
        self.try_t(&format!("country-{code}"))
            .unwrap_or_else(|| code.to_owned())
    }

    /// The locale whose conventions (separators, date patterns) this language's pages follow.
    /// English pages follow British English: the services are European, and day-month order with
    /// a 24-hour clock reads unambiguously there.
    fn icu_locale(self) -> icu_locale_core::Locale {
        use icu_locale_core::locale;
        match self {
            Lang::En => locale!("en-GB"),
            Lang::It => locale!("it"),
            Lang::De => locale!("de"),
            Lang::Fr => locale!("fr"),
            Lang::Nb => locale!("nb"),
        }
    }

    /// A place as this language's pages name it: the English name on English pages, else the
    /// local one (Lombardia, Bayern, Bretagne); never an English name on another language's page.
    pub fn place_name<'a>(self, english: &'a str, local: &'a str) -> &'a str {
        match self {
            Lang::En => english,
            _ if local.trim().is_empty() => english,
            _ => local,
        }
    }

    /// A time zone by its city, in this language ("Londra", "Rom"); its IANA name when we have
    /// no name for it.
    pub fn zone_name(self, tz: Tz) -> String {
        let key: String = tz
            .name()
            .chars()
            .map(|c| match c {
                '/' | '_' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        self.try_t(&format!("zone-{key}"))
            .unwrap_or_else(|| tz.name().to_owned())
    }

    /// A date and time in `tz` as this language writes it (ICU4X, CLDR medium date, 24-hour
    /// clock): "22 Nov 2026, 10:42" (en), "22 nov 2026, 10:42" (it), "22.11.2026, 10:42" (de),
    /// "22 nov. 2026, 10:42" (fr), "22. nov. 2026, 10:42" (nb).
    pub fn date_time(self, t: i64, tz: Tz) -> String {
        formats::with(self, |f| {
            f.date_time.format(&formats::local(t, tz)).to_string()
        })
    }

    /// A time of day in `tz`, 24-hour clock in all five languages (ICU4X): "10:42".
    pub fn time(self, t: i64, tz: Tz) -> String {
        formats::with(self, |f| f.time.format(&formats::local(t, tz)).to_string())
    }

    /// A whole number with this language's grouping (ICU4X): 12,345 / 12.345 / 12 345; Italian
    /// groups from five digits on (CLDR: 4230, 14.230).
    pub fn integer(self, n: u64) -> String {
        formats::with(self, |f| f.number(&n.into()))
    }

    /// A number with exactly `decimals` places, this language's separators (ICU4X): 2.5 / 2,5 /
    /// 1,234.5 / 1.234,5.
    pub fn decimal(self, v: f64, decimals: usize) -> String {
        if !v.is_finite() {
            return "–".to_owned();
        }
        let decimals = decimals.min(6);
        let fixed: icu_decimal::input::Decimal = format!("{v:.decimals$}")
            .parse()
            .unwrap_or_else(|_| 0u64.into());
        formats::with(self, |f| f.number(&fixed))
    }

    /// A percentage: the number by ICU4X, placed by CLDR's percent pattern of the language
    /// ("42%" en, it; "42 %" de, nb with a no-break space; "42 %" fr with a narrow one). ICU4X's
    /// percent formatter is still experimental (`icu_experimental`), so the pattern is kept here.
    pub fn percent(self, p: u64) -> String {
        let n = self.integer(p);
        match self {
            Lang::En | Lang::It => format!("{n}%"),
            Lang::De | Lang::Nb => format!("{n}\u{a0}%"),
            Lang::Fr => format!("{n}\u{202f}%"),
        }
    }

    /// "1 h 25 min", "40 min", "2 d 3 h" in this language.
    pub fn duration(self, seconds: i64) -> String {
        let minutes = (seconds / 60).max(1);
        let n = |v: i64| Arg::Num(v as f64);
        match minutes {
            m if m < 60 => self.ta("duration-min", &[("m", n(m))]),
            m if m < 24 * 60 => self.ta("duration-h-min", &[("h", n(m / 60)), ("m", n(m % 60))]),
            m => self.ta(
                "duration-d-h",
                &[("d", n(m / (24 * 60))), ("h", n((m / 60) % 24))],
            ),
        }
    }

    /// `key` with a count: `$n` (a number, for the plural form) and `$count` (formatted).
    pub fn count(self, key: &str, n: u64, more: &[(&str, Arg)]) -> String {
        let mut args = vec![
            ("n", Arg::Num(n as f64)),
            ("count", Arg::from(self.integer(n))),
        ];
        args.extend(more.iter().cloned());
        self.ta(key, &args)
    }
}

/// ICU4X formatters, built once per thread and language (building one looks up its compiled data;
/// formatting is then string work only).
mod formats {
    use super::{Lang, Tz, utc};
    use chrono::{Datelike, Timelike};
    use icu_calendar::Gregorian;
    use icu_datetime::DateTimeFormatterPreferences;
    use icu_datetime::FixedCalendarDateTimeFormatter;
    use icu_datetime::fieldsets::{T, YMD, YMDT};
    use icu_datetime::input::{Date, DateTime, Time};
    use icu_datetime::preferences::HourCycle;
    use icu_decimal::{DecimalFormatter, DecimalFormatterPreferences};
    use std::cell::RefCell;

    pub(super) struct Formats {
        pub(super) date_time: FixedCalendarDateTimeFormatter<Gregorian, YMDT>,
        pub(super) time: FixedCalendarDateTimeFormatter<Gregorian, T>,
        pub(super) decimal: DecimalFormatter,
    }

    impl Formats {
        pub(super) fn number(&self, n: &icu_decimal::input::Decimal) -> String {
            let mut out = String::with_capacity(16);
            // Writing into a String cannot fail.
            let _ = writeable::Writeable::write_to(&self.decimal.format(n), &mut out);
            out
        }

        fn new(lang: Lang) -> Formats {
            let locale = lang.icu_locale();
            let mut prefs = DateTimeFormatterPreferences::from(&locale);
            // Every page shows a 24-hour clock, English ones included.
            prefs.hour_cycle = Some(HourCycle::H23);
            // The compiled data covers all five locales: a failure here is a build defect.
            Formats {
                date_time: FixedCalendarDateTimeFormatter::try_new(
                    prefs,
                    YMD::medium().with_time_hm(),
                )
                .expect("ICU4X date and time data"),
                time: FixedCalendarDateTimeFormatter::try_new(prefs, T::hm())
                    .expect("ICU4X time data"),
                decimal: DecimalFormatter::try_new(
                    DecimalFormatterPreferences::from(&locale),
                    Default::default(),
                )
                .expect("ICU4X decimal data"),
            }
        }
    }

    thread_local! {
        static FORMATS: RefCell<[Option<Formats>; 5]> = const { RefCell::new([None, None, None, None, None]) };
    }

    /// Runs `f` with the formatters of `lang`.
    pub(super) fn with<R>(lang: Lang, f: impl FnOnce(&Formats) -> R) -> R {
        FORMATS.with(|cell| {
            let mut all = cell.borrow_mut();
            let slot = &mut all[lang as usize];
            f(slot.get_or_insert_with(|| Formats::new(lang)))
        })
    }

    /// The wall-clock time of `t` in `tz`, as ICU4X takes it.
    pub(super) fn local(t: i64, tz: Tz) -> DateTime<Gregorian> {
        let l = utc(t).with_timezone(&tz).naive_local();
        DateTime {
            date: Date::try_new_gregorian(l.year(), l.month() as u8, l.day() as u8)
                .unwrap_or_else(|_| Date::try_new_gregorian(1970, 1, 1).expect("a date")),
            time: Time::try_new(l.hour() as u8, l.minute() as u8, 0, 0)
                .unwrap_or_else(|_| Time::start_of_day()),
        }
    }
}

fn utc(t: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t, 0).unwrap_or_default()
}

/// The abbreviation of `tz` at `t`, e.g. "CET", "CEST", "GMT", "BST", "EST".
pub fn zone_abbreviation(t: i64, tz: Tz) -> String {
    utc(t).with_timezone(&tz).format("%Z").to_string()
}

pub use crate::domain::country_zone;

/// The zones offered by the service page's time zone form.
pub const ZONES: [Tz; 7] = [
    Tz::Europe__Rome,
    Tz::Europe__London,
    Tz::Europe__Berlin,
    Tz::Europe__Paris,
    Tz::Europe__Oslo,
    Tz::America__New_York,
    Tz::UTC,
];

/// An argument of a message.
#[derive(Debug, Clone)]
pub enum Arg {
    Str(String),
    Num(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProblemKind;
    use std::collections::BTreeSet;

    /// The message keys of a Fluent file (top-level `key = …` lines; no terms or attributes used).
    fn keys(ftl: &str) -> BTreeSet<String> {
        ftl.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    fn ftl(lang: Lang) -> &'static str {
        match lang {
            Lang::En => include_str!("../locales/en/main.ftl"),
            Lang::It => include_str!("../locales/it/main.ftl"),
            Lang::De => include_str!("../locales/de/main.ftl"),
            Lang::Fr => include_str!("../locales/fr/main.ftl"),
            Lang::Nb => include_str!("../locales/nb/main.ftl"),
        }
    }

    /// Every source file that looks up keys by name.
    const SOURCES: &[(&str, &str)] = &[
        ("web/pages/mod.rs", include_str!("web/pages/mod.rs")),
        ("web/pages/home.rs", include_str!("web/pages/home.rs")),
        ("web/pages/service.rs", include_str!("web/pages/service.rs")),
        ("web/pages/outages.rs", include_str!("web/pages/outages.rs")),
        (
            "web/pages/downloads.rs",
            include_str!("web/pages/downloads.rs"),
        ),
        ("web/pages/forms.rs", include_str!("web/pages/forms.rs")),
        ("web/pages/flags.rs", include_str!("web/pages/flags.rs")),
        ("web/pages/privacy.rs", include_str!("web/pages/privacy.rs")),
        ("web/admin.rs", include_str!("web/admin.rs")),
        ("web/view.rs", include_str!("web/view.rs")),
        ("web/embed.rs", include_str!("web/embed.rs")),
        ("web/errors.rs", include_str!("web/errors.rs")),
        ("i18n.rs", include_str!("i18n.rs")),
        ("web/mod.rs", include_str!("web/mod.rs")),
        ("map/draw.rs", include_str!("map/draw.rs")),
        ("map/legend.rs", include_str!("map/legend.rs")),
        ("base.html", include_str!("../templates/base.html")),
        ("index.html", include_str!("../templates/index.html")),
        ("service.html", include_str!("../templates/service.html")),
        ("outage.html", include_str!("../templates/outage.html")),
        ("outages.html", include_str!("../templates/outages.html")),
        ("og.html", include_str!("../templates/og.html")),
        (
            "downloads.html",
            include_str!("../templates/downloads.html"),
        ),
        ("error.html", include_str!("../templates/error.html")),
        ("privacy.html", include_str!("../templates/privacy.html")),
        ("admin.html", include_str!("../templates/admin.html")),
        (
            "admin_comments.html",
            include_str!("../templates/admin_comments.html"),
        ),
        (
            "statement.html",
            include_str!("../templates/statement.html"),
        ),
    ];

    /// Keys named literally in code: the first argument of `t(`, `ta(`, `t1(` and `count(` calls.
    fn used_keys() -> BTreeSet<(String, &'static str)> {
        let mut out = BTreeSet::new();
        for (file, text) in SOURCES {
            for call in ["t(\"", "ta(\"", "t1(\"", "count(\""] {
                for (at, _) in text.match_indices(call) {
                    let rest = &text[at + call.len()..];
                    let key = &rest[..rest.find('"').unwrap_or(0)];
                    let boundary = text[..at].chars().next_back();
                    if !key.is_empty()
                        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && matches!(boundary, Some('.' | ' ' | '('))
                    {
                        out.insert((key.to_owned(), *file));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_language_has_exactly_the_english_keys() {
        let en = keys(ftl(Lang::En));
        assert!(en.len() > 50, "parsed only {} keys", en.len());
        for lang in Lang::ALL {
            let other = keys(ftl(lang));
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, not in English {extra:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn every_key_used_by_code_exists_and_resolves_in_every_language() {
        let en = keys(ftl(Lang::En));
        let used = used_keys();
        assert!(used.len() > 40, "found only {} key uses", used.len());
        for (key, file) in &used {
            assert!(
                en.contains(key),
                "{file} uses {key:?}, which is not in en/main.ftl"
            );
        }
        // Keys built at run time.
        let mut dynamic: Vec<String> = ProblemKind::ALL
            .iter()
            .map(|k| format!("problem-{}", k.code()))
            .collect();
        dynamic.extend(["outage", "elevated", "normal", "unknown"].map(|s| format!("status-{s}")));
        dynamic.extend(
            [400, 401, 404, 405, 413, 422, 429, 500, 503].map(|s| format!("error-title-{s}")),
        );
        dynamic.extend(
            ["hidden", "restored", "statement", "login"].map(|d| format!("admin-done-{d}")),
        );
        // Passed by name to a helper (`PageError::comment`, `web/admin.rs::refusal`).
        dynamic.extend(
            [
                "error-comment-link-only",
                "error-comment-network-busy",
                "admin-no-comment",
                "admin-bad-action",
                "admin-bad-comment",
                "admin-bad-statement",
                "admin-bad-link",
                "admin-bad-time",
                "admin-wrong-token",
                "admin-login-first",
            ]
            .map(String::from),
        );
        dynamic.extend(
            [
                "error-invalid-problem",
                "error-invalid-region",
                "error-invalid-location",
                "error-invalid-comment",
            ]
            .map(String::from),
        );
        // Every country a service of the catalog is in names a region group.
        let catalog = crate::catalog::Catalog::embedded().unwrap();
        let mut countries: Vec<&str> = catalog
            .services()
            .iter()
            .flat_map(|s| s.countries.iter().map(String::as_str))
            .collect();
        countries.sort_unstable();
        countries.dedup();
        dynamic.extend(countries.iter().map(|c| format!("country-{c}")));
        let mut args: HashMap<&str, FluentValue> = [
            "count",
            "service",
            "time",
            "problem",
            "shown",
            "total",
            "typical",
            "tz",
            "start",
            "detail",
            "field",
            "regions",
            "region",
            "seconds",
            "label",
            "share",
            // Journalists (issue 11 §3–4).
            "ratio",
            "problems",
            "first",
            "last",
            "subject",
            "period",
            "url",
            "retrieved",
            "from",
            "to",
            "zone",
            "per",
            "text",
        ]
        .into_iter()
        .map(|k| (k, FluentValue::from("x")))
        .collect();
        for k in [
            "n", "m", "h", "d", "base", "minutes", "networks", "rate", "visitor", "network",
            "flags", "hours", "weeks",
        ] {
            args.insert(k, FluentValue::from(2));
        }
        for lang in Lang::ALL {
            for zone in ZONES.into_iter().filter(|&z| z != Tz::UTC) {
                assert_ne!(
                    lang.zone_name(zone),
                    zone.name(),
                    "{}: no name",
                    lang.code()
                );
            }
            for key in used.iter().map(|u| &u.0).chain(&dynamic) {
                // In this very language (no fallback to English), with every argument given.
                let text = LOCALES.lookup_single_language(lang.id(), key, Some(&args));
                assert!(text.is_ok(), "{}: {key}: {text:?}", lang.code());
            }
        }
    }

    /// One form of address per language: German and French formal (Sie, vous), Italian and
    /// Norwegian informal (tu, du), as their texts already mostly are.
    #[test]
    fn each_language_addresses_the_reader_one_way() {
        let words = |lang: Lang| -> Vec<String> {
            ftl(lang)
                .lines()
                .filter(|l| !l.starts_with('#'))
                .flat_map(|l| {
                    l.split(|c: char| !c.is_alphanumeric())
                        .map(str::to_owned)
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        let banned: [(Lang, &[&str]); 4] = [
            (
                Lang::De,
                &[
                    "du", "Du", "dich", "Dich", "dir", "Dir", "dein", "Dein", "deine", "Deine",
                    "deinen", "deiner", "deinem",
                ],
            ),
            (
                Lang::Fr,
                &["tu", "Tu", "toi", "ton", "Ton", "ta", "tes", "Tes"],
            ),
            (Lang::It, &["Lei", "Suo", "Sua", "Suoi", "preghiamo"]),
            (Lang::Nb, &["Dem", "Deres"]),
        ];
        for (lang, banned) in banned {
            let used: Vec<String> = words(lang)
                .into_iter()
                .filter(|w| banned.contains(&w.as_str()))
                .collect();
            assert!(used.is_empty(), "{}: {used:?}", lang.code());
        }
    }

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(
            Lang::from_accept_language("it-IT,it;q=0.9,en;q=0.8"),
            Some(Lang::It)
        );
        assert_eq!(
            Lang::from_accept_language("ja, de;q=0.5, fr;q=0.7"),
            Some(Lang::Fr)
        );
        assert_eq!(Lang::from_accept_language("nn-NO"), Some(Lang::Nb));
        assert_eq!(Lang::from_accept_language("no"), Some(Lang::Nb));
        assert_eq!(
            Lang::from_accept_language("de;q=0, en;q=0.1"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("ja, zh-CN"), None);
        assert_eq!(Lang::from_accept_language(""), None);
        assert_eq!(Lang::from_accept_language("*"), None);
    }

    #[test]
    fn numbers_dates_and_plurals_follow_the_language() {
        let t = 1_795_344_120; // 2026-11-22 10:42 UTC
        assert_eq!(Lang::En.date_time(t, Tz::UTC), "22 Nov 2026, 10:42");
        assert_eq!(Lang::It.date_time(t, Tz::UTC), "22 nov 2026, 10:42");
        assert_eq!(Lang::De.date_time(t, Tz::UTC), "22.11.2026, 10:42");
        assert_eq!(Lang::Nb.date_time(t, Tz::UTC), "22. nov. 2026, 10:42");
        assert_eq!(Lang::Fr.date_time(t, Tz::UTC), "22 nov. 2026, 10:42");
        // Time zones: winter and summer time, and New York.
        assert_eq!(
            Lang::It.date_time(t, country_zone("IT")),
            "22 nov 2026, 11:42"
        );
        assert_eq!(zone_abbreviation(t, country_zone("IT")), "CET");
        assert_eq!(Lang::En.time(t, country_zone("US")), "05:42");
        assert_eq!(zone_abbreviation(t, country_zone("GB")), "GMT");
        let july = 1_784_716_920; // 2026-07-22 10:42 UTC
        assert_eq!(Lang::Nb.time(july, country_zone("NO")), "12:42");
        assert_eq!(zone_abbreviation(july, country_zone("GB")), "BST");
        assert_eq!(country_zone("ZZ"), Tz::UTC);
        // Numbers by ICU4X: each language's grouping and decimal separators.
        assert_eq!(Lang::En.integer(1_234_567), "1,234,567");
        assert_eq!(Lang::De.integer(1_234), "1.234");
        // CLDR: Italian groups from five digits on (minimum grouping digits 2).
        assert_eq!(Lang::It.integer(4_230), "4230");
        assert_eq!(Lang::It.integer(14_230), "14.230");
        assert_eq!(Lang::Fr.integer(4_230), "4\u{202f}230");
        assert_eq!(Lang::Nb.integer(4_230), "4\u{a0}230");
        assert_eq!(Lang::It.integer(999), "999");
        assert_eq!(Lang::De.decimal(2.5, 1), "2,5");
        assert_eq!(Lang::En.decimal(2.5, 1), "2.5");
        assert_eq!(Lang::En.decimal(2.0, 1), "2.0", "decimals are kept");
        assert_eq!(Lang::De.decimal(1234.56, 1), "1.234,6");
        assert_eq!(Lang::Fr.decimal(0.25, 2), "0,25");
        assert_eq!(Lang::En.decimal(f64::NAN, 1), "–");
        assert_eq!(Lang::Fr.percent(42), "42\u{202f}%");
        assert_eq!(Lang::De.percent(42), "42\u{a0}%");
        assert_eq!(Lang::It.percent(42), "42%");
        assert_eq!(Lang::It.zone_name(Tz::Europe__London), "Londra");
        assert_eq!(Lang::De.zone_name(Tz::Europe__Rome), "Rom");
        assert_eq!(Lang::En.place_name("Bavaria", "Bayern"), "Bavaria");
        assert_eq!(Lang::It.place_name("Bavaria", "Bayern"), "Bayern");
        assert_eq!(Lang::It.place_name("Bavaria", ""), "Bavaria");
        assert_eq!(
            Lang::En.count("sparkline-title", 1, &[]),
            "1 report in the last 24 hours"
        );
        assert_eq!(
            Lang::It.count("reports-last-hour", 3, &[]),
            "3 segnalazioni nell’ultima ora"
        );
        assert_eq!(Lang::En.duration(30), "1 min");
        assert_eq!(Lang::En.duration(40 * 60), "40 min");
        assert_eq!(Lang::En.duration(85 * 60), "1 h 25 min");
        assert_eq!(Lang::En.duration(2 * 86_400 + 3 * 3600), "2 d 3 h");
        assert_eq!(Lang::De.duration(85 * 60), "1 Std. 25 Min.");
        assert_eq!(Lang::It.duration(2 * 86_400 + 3 * 3600), "2 g 3 h");
        assert_eq!(Lang::Fr.status(crate::detect::Status::Outage), "panne");
        // Every status has its label and its headline in every language ("improving" included).
        use crate::detect::Status;
        for status in Status::DECIDED.into_iter().chain([Status::Unknown]) {
            for lang in Lang::ALL {
                let label = lang.status(status);
                let headline = lang.ta(
                    status.headline_id(),
                    &[("service", Arg::from("X")), ("time", Arg::from("08:37"))],
                );
                for text in [label, headline] {
                    assert!(
                        !text.is_empty() && !text.contains(MISSING),
                        "{status:?} in {}: {text}",
                        lang.code()
                    );
                }
            }
        }
        assert_eq!(Lang::Nb.country("NO"), "Norge");
        assert_eq!(Lang::Nb.country("LT"), "Litauen");
        assert_eq!(Lang::Nb.country("ZZ"), "ZZ");
    }
}
