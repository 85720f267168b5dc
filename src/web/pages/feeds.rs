//! Atom 1.0 feeds (RFC 4287) of outages: `/feed.atom` (every service's, or with `?country=XX` the
//! services whose main country that is; a code the catalog does not know answers the 404 page) and
//! `/s/{slug}/feed.atom`. Text in the language of `?lang=` (English otherwise).
//!
//! Each entry is an outage: its id is the permalink (`--public-url` + `/outages/{id}`, stable), its
//! title the outage heading ("Monzo (Scotland) outage", "… (resolved)" once over), `published` its
//! start, `updated` its last change (`public::outage_updated`: start, a new peak, its end or an
//! official statement), and its content what the permalink says: period, peak against normal, top
//! problems, regions (the pages' `OutageRow`), the official statements and "why downtally calls
//! this an outage". The feed's `updated` is its newest entry's (the epoch when it has none), so an
//! unchanged feed keeps its ETag. Served like badges (`web/public.rs`): cached, 60 s, 304, CORS.
//! Also here: the `<link rel="alternate">`s (feed and oEmbed) pages carry (`Alternates`).

use super::outages::incident_period;
use super::{OutageRow, stamp};
use crate::clock::rfc3339;
use crate::i18n::Lang;
use crate::store::StoredOutage;
use crate::web::AppState;
use crate::web::errors::{Kind, PageError};
use crate::web::i18n::Locale;
use crate::web::page_cache::{FeedOf, PageKey};
use crate::web::public::{self, ATOM};
use crate::web::view::{find_service, html};
use crate::xml::escape;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::collections::HashMap;

/// Entries in a feed: the latest outages.
const FEED_ENTRIES: i64 = 50;

/// `GET /feed.atom[?country=XX]`.
pub(in crate::web) async fn feed_all(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let lang = public::query_lang(&req);
    let of = match public::query_value(&req, "country").filter(|c| !c.is_empty()) {
        None => FeedOf::All,
        Some(code) => {
            let code = code.to_ascii_uppercase();
            let known = state
                .catalog
                .services()
                .iter()
                .any(|s| s.countries.first() == Some(&code));
            if !known {
                return Err(PageError::new(
                    Kind::NotFound,
                    lang.t1("outages-no-country", "text", &code),
                )
                .with_back("/outages")
                .in_lang(lang));
            }
            FeedOf::Country(code)
        }
    };
    serve(&state, &req, of, lang, 0).await
}

/// `GET /s/{slug}/feed.atom`.
pub(in crate::web) async fn feed_service(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let lang = public::query_lang(&req);
    let service = find_service(&state, &slug, lang)?;
    let data = state.pages.generations.of(service.slug.as_str());
    serve(
        &state,
        &req,
        FeedOf::Service(service.slug.clone()),
        lang,
        data,
    )
    .await
}

async fn serve(
    state: &AppState,
    req: &HttpRequest,
    of: FeedOf,
    lang: Lang,
    data: u64,
) -> Result<HttpResponse, PageError> {
    let key = PageKey::Feed {
        of: of.clone(),
        lang,
    };
    public::cached(
        state,
        req,
        key,
        data,
        ATOM,
        false,
        feed_xml(state, of, lang),
    )
    .await
}

/// A feed's address (its id and `rel="self"`), without the language.
fn feed_url(public_url: &str, of: &FeedOf) -> String {
    match of {
        FeedOf::All => format!("{public_url}/feed.atom"),
        FeedOf::Country(c) => format!("{public_url}/feed.atom?country={c}"),
        FeedOf::Service(s) => format!("{public_url}/s/{s}/feed.atom"),
    }
}

/// `url` with `lang=` added when it is not English.
fn with_lang(url: &str, lang: Lang) -> String {
    if lang == Lang::default() {
        return url.to_owned();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}lang={}", lang.code())
}

/// An entry's content, as HTML (then escaped into the feed).
#[derive(Template)]
#[template(path = "feed_entry.html")]
struct EntryContent<'a> {
    i: Lang,
    period: &'a str,
    outage: &'a OutageRow,
    /// (when, text, link), oldest first.
    statements: Vec<(String, String, Option<String>)>,
    why: String,
    url: &'a str,
    /// The incident group the outage is part of, its members' links absolute.
    group: Option<super::groups::GroupNote>,
}

async fn feed_xml(state: &AppState, of: FeedOf, lang: Lang) -> Result<String, PageError> {
    let err = |e| PageError::internal(e, lang);
    let public_url = &state.public_url;
    let (outages, title, alternate) = match &of {
        FeedOf::All => (
            state.db.latest_outages(None, None, FEED_ENTRIES).await,
            lang.t("feed-title-all"),
            format!("{public_url}/outages"),
        ),
        FeedOf::Country(c) => (
            state.db.latest_outages(None, Some(c), FEED_ENTRIES).await,
            lang.t1("feed-title-country", "country", &lang.country(c)),
            format!("{public_url}/outages?country={c}"),
        ),
        FeedOf::Service(s) => {
            let name = state
                .catalog
                .get(s.as_str())
                .map_or(s.as_str(), |s| &s.name);
            (
                state.db.recent_outages(s, FEED_ENTRIES).await,
                lang.t1("feed-title-service", "service", name),
                format!("{public_url}/s/{s}"),
            )
        }
    };
    let outages = outages.map_err(err)?;
    let ids: Vec<i64> = outages.iter().map(|o| o.id).collect();
    let mut statements: HashMap<i64, Vec<_>> = HashMap::new();
    for s in state.db.statements(&ids).await.map_err(err)? {
        statements.entry(s.outage_id).or_default().push(s);
    }
    let mut entries = String::new();
    let mut newest = 0;
    for o in &outages {
        let said = statements.remove(&o.id).unwrap_or_default();
        let updated = public::outage_updated(&o.record, said.iter().map(|s| s.added_at).max());
        newest = newest.max(updated);
        entries.push_str(&entry(state, o, lang, updated, said).await?);
    }
    let id = with_lang(&feed_url(public_url, &of), lang);
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n\
         <id>{id}</id>\n<title>{title}</title>\n<updated>{updated}</updated>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{id}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{alternate}\"/>\n\
         <author><name>downtally</name><uri>{public_url}</uri></author>\n\
         <generator uri=\"{public_url}\">downtally</generator>\n{entries}</feed>\n",
        lang = lang.code(),
        id = escape(&id),
        title = escape(&title),
        updated = rfc3339(newest),
        alternate = escape(&with_lang(&alternate, lang)),
        public_url = escape(public_url),
    ))
}

/// One outage as an `<entry>`.
async fn entry(
    state: &AppState,
    o: &StoredOutage,
    lang: Lang,
    updated: i64,
    said: Vec<crate::store::Statement>,
) -> Result<String, PageError> {
    let loc = Locale {
        lang,
        ..Locale::default()
    };
    let row = OutageRow::new(o, state, loc);
    let tz = super::stored_service_zone(loc, state, o.record.service.as_str());
    let r = &o.record;
    let url = format!("{}/outages/{}", state.public_url, o.id);
    let title = match (r.ended_at, o.closed_by) {
        (None, _) => lang.t1("outage-heading", "service", &row.subject),
        // Closed because downtally stopped following the service: nobody saw it resolve.
        (Some(_), Some(_)) => lang.t1("feed-entry-closed", "service", &row.subject),
        (Some(_), None) => lang.t1("feed-entry-resolved", "service", &row.subject),
    };
    let period = incident_period(lang, r.started_at, r.ended_at, tz);
    let evidence = state
        .db
        .outage_evidence(o.id)
        .await
        .map_err(|e| PageError::internal(e, lang))?;
    let why = super::evidence::why(lang, evidence.as_ref(), r.region.is_some(), tz);
    let group = crate::web::view::group_of_outage(state, o.id)
        .await
        .map_err(|e| PageError::internal(e, lang))?
        .map(|found| {
            let mut note = super::groups::group_note(
                state,
                &found.group,
                found.ended_at.is_none(),
                Some(&r.service),
                lang,
            );
            for m in &mut note.members {
                m.href = format!("{}{}", state.public_url, m.href);
            }
            note
        });
    let content = html(
        &EntryContent {
            i: lang,
            period: &period,
            outage: &row,
            statements: said
                .into_iter()
                .map(|s| (stamp(lang, s.stated_at, tz), s.body, s.link))
                .collect(),
            why: why.sentences.join(" "),
            url: &url,
            group,
        },
        lang,
    )?;
    let summary = format!("{period}. {} {}", lang.t("fact-peak"), row.peak);
    Ok(format!(
        "<entry>\n<id>{url}</id>\n<title>{title}</title>\n<published>{published}</published>\n\
         <updated>{updated}</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
         <category term=\"{service}\"/>\n<summary>{summary}</summary>\n\
         <content type=\"html\">{content}</content>\n</entry>\n",
        url = escape(&url),
        title = escape(&title),
        published = rfc3339(r.started_at),
        updated = rfc3339(updated),
        service = escape(r.service.as_str()),
        summary = escape(&summary),
        content = escape(&content),
    ))
}

/// The `<link rel="alternate">`s of a page's head (`templates/alternates.html`): its Atom feed,
/// and for pages that can be embedded their oEmbed endpoint. Absolute (`--public-url`).
pub(super) struct Alternates {
    pub feed: String,
    pub feed_title: String,
    pub oembed: Option<String>,
}

impl Alternates {
    /// The feed of every outage, or (`country`) of a country's.
    /// A country no service has as its main one has no feed of its own: every outage's then.
    pub fn everywhere(state: &AppState, country: Option<&str>, lang: Lang) -> Self {
        let main = |c: &str| {
            state
                .catalog
                .services()
                .iter()
                .any(|s| s.countries.first().map(String::as_str) == Some(c))
        };
        let of = match country {
            Some(c) if main(c) => FeedOf::Country(c.to_owned()),
            _ => FeedOf::All,
        };
        Self::feed(state, &of, lang)
    }

    /// A service's feed, and an oEmbed endpoint for `page` (a path of this site) when given.
    pub fn service(
        state: &AppState,
        slug: &crate::domain::ServiceSlug,
        page: Option<&str>,
        lang: Lang,
    ) -> Self {
        let mut links = Self::feed(state, &FeedOf::Service(slug.clone()), lang);
        links.oembed = page.map(|path| {
            crate::web::oembed::discovery_href(&state.public_url, &with_lang(path, lang))
        });
        links
    }

    fn feed(state: &AppState, of: &FeedOf, lang: Lang) -> Self {
        Self {
            feed: with_lang(&feed_url(&state.public_url, of), lang),
            feed_title: lang.t("feed-link"),
            oembed: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_addresses_name_their_scope_and_language() {
        let base = "https://downtally.example";
        assert_eq!(
            feed_url(base, &FeedOf::All),
            "https://downtally.example/feed.atom"
        );
        let it = feed_url(base, &FeedOf::Country("IT".into()));
        assert_eq!(
            with_lang(&it, Lang::De),
            "https://downtally.example/feed.atom?country=IT&lang=de"
        );
        assert_eq!(with_lang(&it, Lang::En), it);
    }
}
