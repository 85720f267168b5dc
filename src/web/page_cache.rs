//! Rendered pages and embeds, kept until what they show changes.
//!
//! A page is a function of the data behind it (a service's reports, the monitor's statuses and
//! outages) and of the minute it is rendered in (windows such as "the last hour" slide with time).
//! So an entry carries a [`Stamp`] of those three and is served while the stamp holds: a page view
//! costs a hash-map lookup and a copy of bytes already compressed, not a render plus compression per
//! request. During an outage reports arrive every few milliseconds; re-rendering on each one would
//! make the busiest page the slowest, so a changed data generation is tolerated for `min_fresh`
//! seconds (a new monitor pass or a new minute always shows at once).
//!
//! Only bounded keys go in ([`PageKey`]); free-text variants such as a search query bypass the
//! cache.

use super::history::Window;
use crate::domain::ServiceSlug;
use crate::i18n::Lang;
use crate::map::Theme;
use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use chrono_tz::Tz;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// More entries than this and the cache starts over (every key is bounded, so this is a safety net).
const MAX_ENTRIES: usize = 8192;
/// Brotli quality for cached bodies: compressed once, served many times, so spend a little more
/// than the streaming middleware would.
const BROTLI_QUALITY: u32 = 9;

/// What a cached body is: a page or an embed, with everything it is rendered with. Every value is
/// bounded: slugs from the catalog, languages, zones, two-letter country codes, comment pages up to
/// `comments::MAX_PAGES`, outage ids (a missing one renders an error, and errors are not kept).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PageKey {
    /// The home page, of one country or (`None`) of all.
    Home { lang: Lang, country: Option<String> },
    /// A service's page, showing a page of its comments (1 = newest).
    Service {
        slug: ServiceSlug,
        lang: Lang,
        tz: Tz,
        comments: i64,
    },
    /// An outage's permalink, in the visitor's zone when they chose one.
    Outage { id: i64, lang: Lang, tz: Option<Tz> },
    /// The latest outages, of one service or country or of all.
    Outages {
        lang: Lang,
        tz: Option<Tz>,
        service: Option<ServiceSlug>,
        country: Option<String>,
    },
    /// A chart as a download (CSV, SVG, PNG) beside a page, in the visitor's zone when chosen.
    Chart {
        of: ChartOf,
        file: ChartFile,
        lang: Lang,
        tz: Option<Tz>,
    },
    /// An embed for other sites.
    Embed {
        embed: Embed,
        slug: ServiceSlug,
        lang: Lang,
        theme: Theme,
        window: Window,
    },
    /// An API answer, by path and query (`web/api_layer.rs`: kept in a cache of its own, keys of
    /// bounded length, each miss paid from the network's API budget).
    Api(String),
    // Feeds, badges, Statuspage-compatible JSON (`pages/feeds.rs`, `badge.rs`, `statuspage.rs`).
    /// An Atom feed of outages.
    Feed { of: FeedOf, lang: Lang },
    /// A service's status badge.
    Badge { slug: ServiceSlug, lang: Lang },
    /// A service's Statuspage-compatible JSON: `summary.json` when `summary`, else `status.json`.
    Statuspage { slug: ServiceSlug, summary: bool },
}

/// Whose outages a feed holds: everyone's, a country's (a code of the catalog) or a service's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FeedOf {
    All,
    Country(String),
    Service(ServiceSlug),
}

/// Whose chart a download is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChartOf {
    /// A service page's (the last 24 hours).
    Service(ServiceSlug),
    /// An outage permalink's.
    Outage(i64),
}

/// The files a chart is downloaded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartFile {
    Csv,
    Svg,
    Png,
}

/// The embeds other sites may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Embed {
    Chart,
    MapSvg,
    MapPage,
}

/// Counters that say "the data behind this service's pages changed": bumped on every accepted
/// report or comment. `all` moves with any service (the home page shows every one).
pub struct Generations {
    per_service: HashMap<String, AtomicU64>,
    all: AtomicU64,
}

impl Generations {
    pub fn new<'a>(slugs: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            per_service: slugs
                .into_iter()
                .map(|s| (s.to_owned(), AtomicU64::new(0)))
                .collect(),
            all: AtomicU64::new(0),
        }
    }

    pub fn bump(&self, slug: &str) {
        if let Some(g) = self.per_service.get(slug) {
            g.fetch_add(1, Ordering::Relaxed);
        }
        self.all.fetch_add(1, Ordering::Relaxed);
    }

    /// Every service's data changed (the catalog was reloaded): a body being rendered meanwhile,
    /// from the old catalog, is kept under an older generation and so not served beyond the
    /// freshness tolerance.
    pub fn bump_every(&self) {
        for g in self.per_service.values() {
            g.fetch_add(1, Ordering::Relaxed);
        }
        self.all.fetch_add(1, Ordering::Relaxed);
    }

    /// A service added after start (a catalog reload) has no counter of its own: it follows `all`,
    /// so its pages are never staler than anyone's.
    pub fn of(&self, slug: &str) -> u64 {
        match self.per_service.get(slug) {
            Some(g) => g.load(Ordering::Relaxed),
            None => self.all(),
        }
    }

    pub fn all(&self) -> u64 {
        self.all.load(Ordering::Relaxed)
    }
}

/// What a cached body depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// A [`Generations`] value (one service's, or `all`).
    pub data: u64,
    /// The monitor's last pass (`StatusBoard::updated_at`): statuses and outages.
    pub board: i64,
    /// The minute of the app clock the body was rendered in.
    pub minute: i64,
}

impl Stamp {
    pub fn new(data: u64, board: i64, now: i64) -> Self {
        Self {
            data,
            board,
            minute: now.div_euclid(60),
        }
    }
}

/// A rendered body, its validator, and its compressed forms (made on first demand).
pub struct CachedBody {
    stamp: Stamp,
    born: i64,
    pub content_type: &'static str,
    /// Weak: the same page may travel in different encodings.
    pub etag: String,
    identity: Bytes,
    /// When the body must be made again whatever the stamp says (its `max-age` passed), if ever.
    expires: Option<i64>,
    /// Headers it travels with besides type, validator and encoding (an API answer's own).
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
    gzip: OnceLock<Bytes>,
    br: OnceLock<Bytes>,
}

impl CachedBody {
    pub fn new(body: impl Into<Bytes>, content_type: &'static str, stamp: Stamp, now: i64) -> Self {
        let body: Bytes = body.into();
        let etag = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            body.hash(&mut h);
            format!("W/\"{:016x}\"", h.finish())
        };
        Self {
            stamp,
            born: now,
            content_type,
            etag,
            identity: body,
            expires: None,
            headers: Vec::new(),
            gzip: OnceLock::new(),
            br: OnceLock::new(),
        }
    }

    /// The body, no longer served from the cache from `at` on (epoch seconds).
    pub fn expiring(mut self, at: i64) -> Self {
        self.expires = Some(at);
        self
    }

    /// The body, travelling with `headers` too.
    pub fn with_headers(mut self, headers: Vec<(header::HeaderName, HeaderValue)>) -> Self {
        self.headers = headers;
        self
    }

    /// Whether the request's `If-None-Match` names this body.
    pub fn matches(&self, req: &HttpRequest) -> bool {
        req.headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|tag| tag.trim() == self.etag))
    }

    /// The body in the best encoding the request accepts, with its `Content-Encoding` (none for
    /// identity).
    pub fn encoded(&self, req: &HttpRequest) -> (Bytes, Option<&'static str>) {
        let accept = req
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        match preferred_encoding(accept) {
            Encoding::Brotli => (
                self.br.get_or_init(|| brotli(&self.identity)).clone(),
                Some("br"),
            ),
            Encoding::Gzip => (
                self.gzip.get_or_init(|| gzip(&self.identity)).clone(),
                Some("gzip"),
            ),
            Encoding::Identity => (self.identity.clone(), None),
        }
    }

    /// The uncompressed body.
    pub fn plain(&self) -> Bytes {
        self.identity.clone()
    }
}

/// Renders in progress, one lock per key: when a popular page expires (every minute), the
/// requests that find it missing wait for one render instead of each rendering it.
type Fills = Arc<parking_lot::Mutex<HashMap<PageKey, Arc<tokio::sync::Mutex<()>>>>>;

/// The cache itself; cheap to clone.
#[derive(Clone)]
pub struct PageCache {
    entries: Arc<RwLock<HashMap<PageKey, Arc<CachedBody>>>>,
    fills: Fills,
    pub generations: Arc<Generations>,
    /// Seconds a body may outlive a change of its data generation (0: never).
    min_fresh: i64,
}

impl PageCache {
    pub fn new(generations: Generations, min_fresh: i64) -> Self {
        Self {
            entries: Arc::default(),
            fills: Arc::default(),
            generations: Arc::new(generations),
            min_fresh,
        }
    }

    /// An empty cache of its own that follows the same data generations (the API's: its keys
    /// neither crowd out nor clear the pages').
    pub fn sibling(&self) -> Self {
        Self {
            entries: Arc::default(),
            fills: Arc::default(),
            generations: self.generations.clone(),
            min_fresh: self.min_fresh,
        }
    }

    /// The body for `key` at `stamp`: from the cache, or rendered by `build` and kept. Of several
    /// requests that miss the same key at once, one renders and the others wait for its result.
    /// Bodies are text (pages) or bytes (chart PNGs).
    pub async fn get_or_fill<F, B, E>(
        &self,
        key: PageKey,
        stamp: Stamp,
        now: i64,
        content_type: &'static str,
        build: F,
    ) -> Result<Arc<CachedBody>, E>
    where
        F: Future<Output = Result<B, E>>,
        B: Into<Bytes>,
    {
        let build = async move {
            let body = build.await?;
            Ok(CachedBody::new(body, content_type, stamp, now))
        };
        self.get_or_fill_with(key, stamp, now, build).await
    }

    /// [`PageCache::get_or_fill`] with `build` making the whole [`CachedBody`] (its type, headers
    /// and expiry its own).
    pub async fn get_or_fill_with<F, E>(
        &self,
        key: PageKey,
        stamp: Stamp,
        now: i64,
        build: F,
    ) -> Result<Arc<CachedBody>, E>
    where
        F: Future<Output = Result<CachedBody, E>>,
    {
        if let Some(body) = self.get(&key, stamp, now) {
            return Ok(body);
        }
        let lock = self.fills.lock().entry(key.clone()).or_default().clone();
        let turn = lock.clone().lock_owned().await;
        // Whoever held the lock before may have filled it.
        let result = match self.get(&key, stamp, now) {
            Some(body) => Ok(body),
            None => match build.await {
                Ok(body) => Ok(self.put(key.clone(), body)),
                Err(e) => Err(e),
            },
        };
        drop(turn);
        let mut fills = self.fills.lock();
        // The map's handle and ours: nobody else waits, so the entry can go.
        if Arc::strong_count(&lock) == 2 {
            fills.remove(&key);
        }
        result
    }

    /// Forgets every body (the catalog changed: a cached page may name a service that is gone).
    pub fn clear(&self) {
        self.entries.write().clear();
    }

    /// The cached body for `key` if it still holds at `stamp` (and `now`).
    pub fn get(&self, key: &PageKey, stamp: Stamp, now: i64) -> Option<Arc<CachedBody>> {
        let entry = self.entries.read().get(key).cloned()?;
        let s = entry.stamp;
        let holds = s.board == stamp.board
            && s.minute == stamp.minute
            && (s.data == stamp.data || now - entry.born < self.min_fresh)
            && entry.expires.is_none_or(|at| now < at);
        holds.then_some(entry)
    }

    pub fn put(&self, key: PageKey, body: CachedBody) -> Arc<CachedBody> {
        let body = Arc::new(body);
        let mut entries = self.entries.write();
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, body.clone());
        body
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// Picks brotli or gzip from an `Accept-Encoding` value, honouring q-values (`q=0` refuses).
fn preferred_encoding(accept: &str) -> Encoding {
    let (mut br, mut gz) = (0.0f32, 0.0f32);
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if name.eq_ignore_ascii_case("br") {
            br = q;
        } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            gz = q;
        } else if name == "*" {
            br = br.max(q);
            gz = gz.max(q);
        }
    }
    if br > 0.0 && br >= gz {
        Encoding::Brotli
    } else if gz > 0.0 {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

fn brotli(body: &[u8]) -> Bytes {
    let mut w =
        brotli::CompressorWriter::new(Vec::with_capacity(body.len() / 4), 4096, BROTLI_QUALITY, 22);
    // Writing into a Vec cannot fail.
    let _ = w.write_all(body);
    Bytes::from(w.into_inner())
}

fn gzip(body: &[u8]) -> Bytes {
    let mut w = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::best(),
    );
    let _ = w.write_all(body);
    Bytes::from(w.finish().unwrap_or_default())
}

/// Sets the headers a cached body travels with: type, validator, encoding, `Vary`.
pub fn body_headers(
    res: &mut actix_web::HttpResponseBuilder,
    body: &CachedBody,
    encoding: Option<&'static str>,
) {
    res.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static(body.content_type),
    ))
    .insert_header((header::ETAG, body.etag.as_str()));
    if let Some(e) = encoding {
        res.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static(e)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use std::io::Read;

    /// A key for the tests: any will do.
    fn key(id: i64) -> PageKey {
        PageKey::Outage {
            id,
            lang: Lang::En,
            tz: None,
        }
    }

    #[test]
    fn encodings_follow_preferences_and_q_values() {
        assert_eq!(preferred_encoding("gzip, deflate, br"), Encoding::Brotli);
        assert_eq!(preferred_encoding("gzip"), Encoding::Gzip);
        assert_eq!(preferred_encoding("br;q=0, gzip"), Encoding::Gzip);
        assert_eq!(preferred_encoding("br;q=0.5, gzip;q=1.0"), Encoding::Gzip);
        assert_eq!(preferred_encoding("*"), Encoding::Brotli);
        assert_eq!(preferred_encoding(""), Encoding::Identity);
        assert_eq!(preferred_encoding("identity"), Encoding::Identity);
        assert_eq!(preferred_encoding("gzip;q=0"), Encoding::Identity);
    }

    #[test]
    fn compressed_forms_decode_to_the_page() {
        let page = "<p>Hello, caché</p>".repeat(200);
        let body = CachedBody::new(page.clone(), "text/html", Stamp::new(0, 0, 0), 0);
        let req = TestRequest::default()
            .insert_header(("Accept-Encoding", "gzip"))
            .to_http_request();
        let (gz, enc) = body.encoded(&req);
        assert_eq!(enc, Some("gzip"));
        assert!(gz.len() < page.len() / 10);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, page);
        let req = TestRequest::default()
            .insert_header(("Accept-Encoding", "br"))
            .to_http_request();
        let (br, enc) = body.encoded(&req);
        assert_eq!(enc, Some("br"));
        let mut out = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, page);
    }

    #[test]
    fn entries_hold_while_their_stamp_holds() {
        let cache = PageCache::new(Generations::new(["a", "b"]), 0);
        let now = 1_000_000;
        let stamp = |cache: &PageCache| Stamp::new(cache.generations.of("a"), 7, now);
        cache.put(
            key(1),
            CachedBody::new("x", "text/html", stamp(&cache), now),
        );
        assert!(cache.get(&key(1), stamp(&cache), now).is_some());
        // Another service's report does not touch this entry; this service's does.
        cache.generations.bump("b");
        assert!(cache.get(&key(1), stamp(&cache), now).is_some());
        cache.generations.bump("a");
        assert!(cache.get(&key(1), stamp(&cache), now).is_none());
        // A new monitor pass or a new minute ends it too.
        let s = Stamp::new(0, 7, now);
        assert!(cache.get(&key(1), Stamp { board: 8, ..s }, now).is_none());
        assert!(
            cache
                .get(&key(1), Stamp::new(0, 7, now + 60), now + 60)
                .is_none()
        );
        assert_eq!(cache.generations.all(), 2);
    }

    #[test]
    fn busy_data_is_refreshed_at_most_every_min_fresh_seconds() {
        let cache = PageCache::new(Generations::new(["a"]), 5);
        let now = 600;
        cache.put(
            key(1),
            CachedBody::new("x", "text/html", Stamp::new(0, 1, now), now),
        );
        cache.generations.bump("a");
        let stamp = Stamp::new(cache.generations.of("a"), 1, now);
        assert!(cache.get(&key(1), stamp, now + 4).is_some());
        assert!(cache.get(&key(1), stamp, now + 5).is_none());
    }

    #[test]
    fn an_expiring_body_is_not_served_after_its_time_and_siblings_keep_apart() {
        let cache = PageCache::new(Generations::new(["a"]), 0);
        let api = cache.sibling();
        let stamp = Stamp::new(0, 1, 600);
        let key = PageKey::Api("/api/v1/services".into());
        api.put(
            key.clone(),
            CachedBody::new("x", "application/json", stamp, 600).expiring(615),
        );
        assert!(api.get(&key, stamp, 614).is_some());
        assert!(api.get(&key, stamp, 615).is_none());
        assert!(
            cache.get(&key, stamp, 600).is_none(),
            "the pages' cache holds its own"
        );
        // Both follow the same generations.
        api.put(
            key.clone(),
            CachedBody::new("x", "application/json", stamp, 600),
        );
        cache.generations.bump("a");
        let now = Stamp::new(cache.generations.all(), 1, 600);
        assert!(api.get(&key, now, 600).is_none());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_render_once() {
        let cache = PageCache::new(Generations::new(["a"]), 0);
        let renders = Arc::new(AtomicU64::new(0));
        let stamp = Stamp::new(0, 1, 600);
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (cache, renders) = (cache.clone(), renders.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_fill(key(1), stamp, 600, "text/html", async {
                            renders.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                            Ok::<_, ()>("page".to_owned())
                        })
                        .await
                        .unwrap()
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(&t.await.unwrap().plain()[..], b"page");
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1);
        assert!(
            cache.fills.lock().is_empty(),
            "fill locks are not left behind"
        );
        // A failed render is not kept, and the next request tries again.
        let failed = cache
            .get_or_fill(key(2), stamp, 600, "text/html", async {
                Err::<String, _>("down")
            })
            .await;
        assert_eq!(failed.err(), Some("down"));
        assert!(cache.get(&key(2), stamp, 600).is_none());
    }

    #[test]
    fn etags_are_matched_in_lists() {
        let body = CachedBody::new("x", "text/html", Stamp::new(0, 0, 0), 0);
        let req = TestRequest::default()
            .insert_header(("If-None-Match", format!("\"abc\", {}", body.etag)))
            .to_http_request();
        assert!(body.matches(&req));
        let req = TestRequest::default()
            .insert_header(("If-None-Match", "W/\"other\""))
            .to_http_request();
        assert!(!body.matches(&req));
    }
}
