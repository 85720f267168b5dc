//! The catalog of services: `data/services.toml`, compiled into the binary, or an operator's file of
//! the same schema (`--catalog FILE`); synced into SQL at start and on every reload (SIGHUP).

use crate::domain::{ServiceSlug, SlugError};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// The catalog shipped with this build.
pub const EMBEDDED_CATALOG: &str = include_str!("../data/services.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Bank,
    Neobank,
    Card,
    Payments,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Bank,
        Category::Neobank,
        Category::Card,
        Category::Payments,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Bank => "bank",
            Category::Neobank => "neobank",
            Category::Card => "card",
            Category::Payments => "payments",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Service {
    pub slug: ServiceSlug,
    pub name: String,
    /// ISO 3166-1 alpha-2 codes; the first is the main country.
    pub countries: Vec<String>,
    pub category: Category,
    pub website: String,
    pub status_page: Option<String>,
    /// Where its customers get help (support, contact); the homepage when the catalog names none.
    pub support: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    service: Vec<RawService>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    slug: String,
    name: String,
    countries: Vec<String>,
    category: Category,
    website: String,
    #[serde(default)]
    status_page: String,
    #[serde(default)]
    support: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("catalog entry {index}: {source}")]
    Slug { index: usize, source: SlugError },
    #[error("catalog entry {slug}: {message}")]
    Entry { slug: String, message: String },
    #[error("catalog lists {0} twice")]
    Duplicate(String),
    #[error("catalog is empty")]
    Empty,
    #[error("cannot read the catalog {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// Every service, in catalog order, with a slug index.
#[derive(Debug, Clone)]
pub struct Catalog {
    services: Vec<Service>,
    by_slug: HashMap<String, usize>,
}

fn is_https_url(s: &str) -> bool {
    s.starts_with("https://") && s.len() > "https://".len() && !s.contains(char::is_whitespace)
}

impl Catalog {
    pub fn embedded() -> Result<Self, CatalogError> {
        Self::parse(EMBEDDED_CATALOG)
    }

    /// The operator's file when given (`--catalog`), else the compiled-in catalog.
    pub fn load(path: Option<&Path>) -> Result<Self, CatalogError> {
        match path {
            None => Self::embedded(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| CatalogError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                Self::parse(&text)
            }
        }
    }

    pub fn parse(text: &str) -> Result<Self, CatalogError> {
        let raw: RawCatalog = toml::from_str(text)?;
        if raw.service.is_empty() {
            return Err(CatalogError::Empty);
        }
        let mut seen = HashSet::new();
        let mut services = Vec::with_capacity(raw.service.len());
        for (index, r) in raw.service.into_iter().enumerate() {
            let slug = ServiceSlug::parse(&r.slug)
                .map_err(|source| CatalogError::Slug { index, source })?;
            let entry_err = |message: &str| CatalogError::Entry {
                slug: r.slug.clone(),
                message: message.to_owned(),
            };
            if !seen.insert(r.slug.clone()) {
                return Err(CatalogError::Duplicate(r.slug));
            }
            if r.name.trim().is_empty() {
                return Err(entry_err("name is empty"));
            }
            if r.countries.is_empty()
                || !r
                    .countries
                    .iter()
                    .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
            {
                return Err(entry_err(
                    "countries must be a non-empty list of ISO 3166-1 alpha-2 codes",
                ));
            }
            if !is_https_url(&r.website) {
                return Err(entry_err("website must be an https:// URL"));
            }
            let status_page = match r.status_page.trim() {
                "" => None,
                url if is_https_url(url) => Some(url.to_owned()),
                _ => return Err(entry_err("status_page must be empty or an https:// URL")),
            };
            let support = match r.support.trim() {
                "" => r.website.clone(),
                url if is_https_url(url) => url.to_owned(),
                _ => return Err(entry_err("support must be empty or an https:// URL")),
            };
            services.push(Service {
                slug,
                name: r.name,
                countries: r.countries,
                category: r.category,
                website: r.website,
                status_page,
                support,
            });
        }
        let by_slug = services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.slug.as_str().to_owned(), i))
            .collect();
        Ok(Self { services, by_slug })
    }

    pub fn get(&self, slug: &str) -> Option<&Service> {
        self.by_slug.get(slug).map(|&i| &self.services[i])
    }

    pub fn services(&self) -> &[Service] {
        &self.services
    }

    pub fn len(&self) -> usize {
        self.services.len()
    }

    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }
}

/// A service SQL remembers that the catalog no longer lists: its history stays, its pages answer
/// 410 Gone, and what is shown of its past (outage permalinks, lists, feeds) keeps its name and its
/// country's time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedService {
    pub name: String,
    /// Its main country (ISO 3166-1 alpha-2), whose zone its times are shown in.
    pub country: String,
}

/// The catalog a running server answers from, read per use (`Deref` gives the current one): a reload
/// (SIGHUP, `startup::reload_catalog`) swaps it whole, with the services SQL still holds that it no
/// longer lists (`removed`: their pages answer 410 Gone). Every clone sees the swap.
///
/// Each version is leaked (`&'static`), so a `&Service` taken before a reload stays valid after it:
/// handlers, the monitor and the intake borrow from the catalog across awaits without holding a lock
/// or an `Arc` guard. A reload is an operator's act; each keeps one catalog (tens of KB) for the
/// life of the process.
#[derive(Clone)]
pub struct LiveCatalog(Arc<parking_lot::RwLock<Version>>);

#[derive(Clone, Copy)]
struct Version {
    catalog: &'static Catalog,
    /// Slug → the services SQL knows that this catalog does not list.
    removed: &'static HashMap<String, RemovedService>,
    /// 0 for the catalog the process started with, one more at each reload.
    generation: u64,
}

impl LiveCatalog {
    pub fn new(catalog: Catalog, removed: HashMap<String, RemovedService>) -> Self {
        Self(Arc::new(parking_lot::RwLock::new(Version {
            catalog: Box::leak(Box::new(catalog)),
            removed: Box::leak(Box::new(removed)),
            generation: 0,
        })))
    }

    /// Which version of the catalog is in place: 0 at start, one more at each reload.
    pub fn generation(&self) -> u64 {
        self.0.read().generation
    }

    /// The catalog now.
    pub fn current(&self) -> &'static Catalog {
        self.0.read().catalog
    }

    /// A service this catalog no longer lists but SQL remembers; `None` when it is listed or was
    /// never known.
    pub fn removed(&self, slug: &str) -> Option<&'static RemovedService> {
        let removed = self.0.read().removed;
        removed.get(slug)
    }

    /// What to call the service of a stored row: its name in the catalog, else the name SQL
    /// remembers of a removed one, else its slug.
    pub fn name_of(&self, slug: &str) -> String {
        match (self.get(slug), self.removed(slug)) {
            (Some(service), _) => service.name.clone(),
            (None, Some(gone)) => gone.name.clone(),
            (None, None) => slug.to_owned(),
        }
    }

    /// The main country of a listed or removed service (whose zone its times are shown in).
    pub fn main_country(&self, slug: &str) -> Option<&str> {
        match (self.get(slug), self.removed(slug)) {
            (Some(service), _) => Some(service.countries[0].as_str()),
            (None, Some(gone)) => Some(gone.country.as_str()),
            (None, None) => None,
        }
    }

    /// Puts `catalog` in place for every clone.
    pub fn replace(&self, catalog: Catalog, removed: HashMap<String, RemovedService>) {
        let catalog = Box::leak(Box::new(catalog));
        let removed = Box::leak(Box::new(removed));
        let mut version = self.0.write();
        *version = Version {
            catalog,
            removed,
            generation: version.generation + 1,
        };
    }
}

impl std::ops::Deref for LiveCatalog {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        self.current()
    }
}

impl From<Catalog> for LiveCatalog {
    fn from(catalog: Catalog) -> Self {
        Self::new(catalog, HashMap::new())
    }
}

impl From<Arc<Catalog>> for LiveCatalog {
    fn from(catalog: Arc<Catalog>) -> Self {
        Self::new((*catalog).clone(), HashMap::new())
    }
}

impl std::fmt::Debug for LiveCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCatalog")
            .field("services", &self.current().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_is_valid_and_has_the_required_services() {
        let catalog = Catalog::embedded().expect("embedded catalog");
        assert!(catalog.len() >= 60, "only {} services", catalog.len());
        for slug in ["intesa-sanpaolo", "american-express", "monzo", "barclays"] {
            assert!(catalog.get(slug).is_some(), "{slug} missing");
        }
        for country in ["IT", "GB", "DE", "FR", "NO"] {
            let n = catalog
                .services()
                .iter()
                .filter(|s| s.countries[0] == country)
                .count();
            assert!(n >= 5, "{country} has only {n} services");
        }
    }

    #[test]
    fn malformed_entries_are_rejected_with_the_slug_named() {
        let base = r#"[[service]]
slug = "x-bank"
name = "X"
countries = ["IT"]
category = "bank"
website = "https://x.example/"
"#;
        assert!(Catalog::parse(base).is_ok());
        let err = Catalog::parse(&base.replace("\"IT\"", "\"Italy\"")).unwrap_err();
        assert!(err.to_string().contains("x-bank"), "{err}");
        assert!(Catalog::parse(&base.replace("bank\"\nw", "shop\"\nw")).is_err());
        assert!(Catalog::parse(&format!("{base}{base}")).is_err());
        assert!(Catalog::parse(&base.replace("https://x", "http://x")).is_err());
        // Support: the homepage unless named, and then https only.
        assert_eq!(
            Catalog::parse(base).unwrap().services()[0].support,
            "https://x.example/"
        );
        let with_support = format!("{base}support = \"https://x.example/help\"\n");
        assert_eq!(
            Catalog::parse(&with_support).unwrap().services()[0].support,
            "https://x.example/help"
        );
        assert!(
            Catalog::parse(&with_support.replace("https://x.example/help", "ftp://x")).is_err()
        );
        assert!(Catalog::parse("").is_err());
    }

    #[test]
    fn a_swap_reaches_every_clone_and_old_borrows_stay_valid() {
        let live = LiveCatalog::from(Catalog::embedded().unwrap());
        let other = live.clone();
        let monzo = live.get("monzo").expect("monzo");
        let small = Catalog::parse(
            "[[service]]\nslug = \"x-bank\"\nname = \"X\"\ncountries = [\"IT\"]\n\
             category = \"bank\"\nwebsite = \"https://x.example/\"\n",
        )
        .unwrap();
        let gone = RemovedService {
            name: "Monzo".into(),
            country: "GB".into(),
        };
        live.replace(small, HashMap::from([("monzo".into(), gone.clone())]));
        assert_eq!(other.len(), 1);
        assert!(other.get("monzo").is_none());
        assert_eq!(other.removed("monzo"), Some(&gone));
        assert_eq!(other.removed("x-bank"), None);
        assert_eq!(other.name_of("monzo"), "Monzo");
        assert_eq!(other.main_country("monzo"), Some("GB"));
        assert_eq!(other.name_of("x-bank"), "X");
        assert_eq!(other.name_of("never"), "never");
        assert_eq!(monzo.name, "Monzo", "taken before the swap, still readable");
    }
}
