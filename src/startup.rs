//! Wiring: open the stores, sync the catalog, rebuild counters when needed, start the writers and the
//! HTTP server. Tests build an [`Application`] on port 0 and talk to it over HTTP.

use crate::catalog::{Catalog, LiveCatalog};
use crate::clock::Clock;
use crate::config::ServeArgs;
use crate::counts::admission::Rules;
use crate::counts::{Backend, Counts, RedisCounts};
use crate::detect::DetectorConfig;
use crate::intake::{Intake, Writers};
use crate::metrics::Metrics;
use crate::monitor::{Leadership, Monitor, StatusBoard};
use crate::rebuild::{rebuild_if_needed, repair_counts, restore_admissions};
use crate::store::Db;
use crate::web::connections::{ConnectionCaps, max_connections_per_worker, raise_file_limit};
use crate::web::errors::extractor_errors;
use crate::web::guard::{Site, SiteOrigin, hold_bodies, site_policy};
use crate::web::page_cache::{Generations, PageCache};
use crate::web::{AppState, observe_latency, routes};
use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often a running server checks that the counter store still holds its counts (a flushed or
/// restarted Redis does not, nor one a node could not record in) and repairs them from SQL: shared
/// counters on the leader only (see `rebuild.rs`).
const COUNTER_CHECK_INTERVAL: Duration = Duration::from_secs(2);

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    /// Where `/metrics` is served alone, instead of on `bind` (see `web/ops.rs`).
    pub metrics_bind: Option<String>,
    pub database_url: String,
    pub redis_url: Option<String>,
    pub trusted_proxies: crate::forwarded::TrustedProxies,
    pub workers: Option<usize>,
    pub clock: Clock,
    /// How often the monitor runs the detectors.
    pub monitor_interval: Duration,
    pub detector: DetectorConfig,
    /// What one network may add to the counts, and how often it may write (see `counts/admission.rs`).
    pub admission: Rules,
    /// Pages carry a "demo data" banner.
    pub demo: bool,
    /// How long a cached page may lag behind new reports for its service (see `web/page_cache.rs`).
    pub page_fresh: Duration,
    /// Where visitors reach this server (embed snippets name it, forms must come from it); default
    /// `http://` + the address listened on.
    pub public_url: Option<String>,
    /// The admin area's tokens; `None`: no admin area.
    pub admin_tokens: Option<crate::admin::AdminTokens>,
    /// How long a request body may take to arrive (see `web/guard.rs`).
    pub body_timeout: Duration,
    /// Connections one network may hold open (see `web/connections.rs`).
    pub max_connections_per_network: usize,
    /// Uncached API requests a network may make (see `web/api_layer.rs`).
    pub api_rate: crate::counts::RateLimit,

    /// How webhooks are delivered (see `webhooks/`).
    pub webhooks: crate::webhooks::WebhookSettings,
    /// The operator's catalog file (`--catalog`), read at start and on [`reload_catalog`]; `None`:
    /// the compiled-in one.
    pub catalog: Option<std::path::PathBuf>,
    /// How long raw reports are kept, and how often the leader folds and deletes older ones.
    pub retention: crate::retention::RetentionSettings,
}

impl Settings {
    /// Defaults for everything but where to listen and what to store in.
    pub fn new(bind: &str, database_url: &str, redis_url: Option<&str>) -> Self {
        Self {
            bind: bind.to_owned(),
            metrics_bind: None,
            database_url: database_url.to_owned(),
            redis_url: redis_url.map(str::to_owned),
            trusted_proxies: Default::default(),
            workers: None,
            clock: Clock::System,
            monitor_interval: Duration::from_secs(60),
            detector: DetectorConfig::default(),
            admission: Rules::default(),
            demo: false,
            page_fresh: Duration::from_secs(5),
            public_url: None,
            admin_tokens: None,
            body_timeout: crate::web::guard::BODY_TIMEOUT,
            max_connections_per_network: crate::web::connections::PER_NETWORK,
            api_rate: crate::web::api_layer::API_RATE,

            webhooks: crate::webhooks::WebhookSettings::default(),
            catalog: None,
            retention: Default::default(),
        }
    }

    /// The settings `serve` runs with. Under `--demo`: the demo's own database and in-process
    /// counters, whatever the storage flags say (see `demo.rs`).
    pub fn from_args(args: &ServeArgs) -> Self {
        let mut settings = if args.demo {
            let mut demo = Self::new(&args.bind, crate::demo::DEMO_DATABASE_URL, None);
            demo.demo = true;
            demo
        } else {
            Self::new(
                &args.bind,
                &args.storage.database_url,
                args.storage.redis_url.as_deref(),
            )
        };
        settings.trusted_proxies = args.trusted_proxies.clone();
        settings.metrics_bind = args.metrics_bind.clone();
        settings.workers = args.workers;
        settings.page_fresh = Duration::from_secs(args.page_fresh_secs);
        settings.public_url = args.public_url.clone();
        settings.admin_tokens = args.admin_tokens.clone();
        settings.body_timeout = Duration::from_secs(args.body_timeout_secs);
        settings.max_connections_per_network = args.max_connections_per_network;
        settings.monitor_interval = Duration::from_secs(args.monitor_interval_secs);
        settings.retention.days = args.retention.retention_days;
        settings.api_rate = crate::counts::RateLimit {
            burst: f64::from(args.api_rate_burst),
            per_minute: f64::from(args.api_rate_per_minute),
        };

        settings.webhooks.policy.allow_loopback_http = args.webhooks_allow_loopback_http;
        settings.webhooks.backoff_base = Duration::from_millis(args.webhooks_backoff_ms);
        settings.webhooks.timeout = Duration::from_millis(args.webhooks_timeout_ms);
        settings.webhooks.key = args.webhooks_key;
        if args.demo && args.catalog.catalog.is_some() {
            tracing::warn!(
                "--catalog is ignored under --demo (the demo simulates the compiled-in one)"
            );
        } else {
            settings.catalog = args.catalog.catalog.clone();
        }
        if args.webhooks_allow_loopback_http {
            tracing::warn!("webhooks may call http:// URLs on loopback (a development setting)");
        }
        settings
    }
}

/// Opens the SQL store and applies migrations.
pub async fn open_db(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url)
        .await
        .with_context(|| format!("cannot open the database {}", redact(url)))?;
    db.migrate().await.context("cannot apply migrations")?;
    Ok(db)
}

/// Opens the counter store: Redis when a URL is given, in-process otherwise.
pub async fn open_counts(redis_url: Option<&str>) -> anyhow::Result<Counts> {
    Ok(match redis_url {
        Some(url) => Counts::new(Backend::Redis(
            RedisCounts::connect(url)
                .await
                .with_context(|| format!("cannot connect to Redis at {}", redact(url)))?,
        )),
        None => Counts::memory(),
    })
}

/// Hides a password in a connection URL before it is logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    writers: Writers,
    background: Vec<JoinHandle<()>>,
    /// This node's claim to run the monitor, given up when it stops.
    leadership: Leadership,
    metrics_server: Option<MetricsServer>,
}

/// The private listener of `--metrics-bind`, stopped with the main one.
struct MetricsServer {
    port: u16,
    handle: ServerHandle,
    task: JoinHandle<std::io::Result<()>>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_on(settings, None).await
    }

    /// [`Application::build`] on a socket already listening at `settings.bind` (as `serve --demo`'s
    /// "preparing" answers do meanwhile), or on a new one when `None`.
    pub async fn build_on(
        settings: Settings,
        listener: Option<TcpListener>,
    ) -> anyhow::Result<Self> {
        let public_origin = match &settings.public_url {
            Some(url) => Some(SiteOrigin::parse(url).with_context(|| {
                format!("--public-url {url:?} is not an http:// or https:// URL")
            })?),
            None => None,
        };
        let catalog =
            Catalog::load(settings.catalog.as_deref()).context("the service catalog is invalid")?;
        let db = open_db(&settings.database_url).await?;
        let clock = settings.clock.clone();
        db.sync_catalog(&catalog, clock.now())
            .await
            .context("cannot sync the service catalog")?;
        let removed = db
            .removed_services()
            .await
            .context("cannot read the removed services")?;
        // PostgreSQL: today's and the next days' partitions of `reports`, whichever node starts.
        crate::retention::prepare_partitions(&db, clock.now())
            .await
            .context("cannot create the partitions of reports")?;
        let catalog = LiveCatalog::new(catalog, removed);
        let metrics = Metrics::new();
        let counts = open_counts(settings.redis_url.as_deref())
            .await?
            .observed(&metrics)
            .marking_stale_in(&db, &clock);
        // The monitor's lease (issue 14 §2): taken now if free, so that a single node leads from
        // its first monitor tick and rebuilds shared counters only when it leads.
        let leadership = Leadership::over(&db, settings.monitor_interval).observed(&metrics);
        leadership.hold().await;
        if rebuilds_here(&counts, &leadership)
            && let Some(buckets) = rebuild_if_needed(&db, &counts, clock.now())
                .await
                .context("cannot rebuild counters from SQL")?
        {
            tracing::info!(buckets, store = counts.kind(), "counters rebuilt from SQL");
        }
        if counts.shared() {
            // This node may follow one killed between committing a batch and counting it (its
            // counts are then missing from the shared counters, and nothing else would notice), and
            // after a rebuild here other nodes may have recorded counts meanwhile: either way the
            // leader's repair recounts what came before from SQL.
            counts.note_missed(clock.now());
        }
        // Before the intake starts: claims that died with the previous process (issue 14 §4).
        let claims = if counts.claims_in_process() {
            restore_admissions(&db, &counts, clock.now(), &settings.admission.network)
                .await
                .context("cannot restore recent claims from SQL")?
        } else {
            0
        };
        if claims > 0 {
            tracing::info!(claims, "claims of the last 15 minutes restored from SQL");
        }
        let regions = Arc::new(
            crate::regions::RegionCatalog::embedded().context("the region catalog is invalid")?,
        );
        let (intake, writers) = Intake::start(
            regions.clone(),
            db.clone(),
            counts.clone(),
            clock.clone(),
            metrics.clone(),
            settings.admission,
        );
        let board = StatusBoard::default();
        board
            .load(&db)
            .await
            .context("cannot read service statuses")?;
        let monitor = Monitor::new(
            catalog.clone(),
            db.clone(),
            // Detection goes on while the counters are down or being repaired: from SQL.
            counts.clone().reading_sql(&db),
            clock.clone(),
            board.clone(),
            settings.detector,
        );
        let listener = match listener {
            Some(listener) => listener,
            None => TcpListener::bind(&settings.bind)
                .with_context(|| format!("cannot listen on {}", settings.bind))?,
        };
        let port = listener.local_addr()?.port();
        let local = listener.local_addr()?;
        let public_url = settings
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"))
            .trim_end_matches('/')
            .to_owned();
        let webhooks = crate::webhooks::Webhooks::new(
            db.clone(),
            catalog.clone(),
            clock.clone(),
            metrics.clone(),
            settings.webhooks,
            public_url.clone(),
        );
        if !webhooks.sealer().sealing() {
            tracing::info!(
                "webhook URLs and secrets are stored in clear (--webhooks-key seals them)"
            );
        }
        let monitor = monitor.with_webhooks(webhooks.clone());
        let pages = PageCache::new(
            Generations::new(catalog.services().iter().map(|s| s.slug.as_str())),
            settings.page_fresh.as_secs() as i64,
        );
        let state = AppState {
            normals: crate::normals::Normals::new(
                counts.clone(),
                settings.detector,
                catalog.clone(),
            ),
            maps: crate::map::MapViews::new(regions.clone()),
            pages: pages.clone(),
            comments: crate::comments::Comments::new(
                db.clone(),
                intake.salts().clone(),
                clock.clone(),
                counts.clone(),
                settings.admission.rate,
            ),
            admin: settings.admin_tokens.clone(),
            api: crate::web::api_layer::ApiLayer::new(&pages, settings.api_rate),
            catalog,
            catalog_file: settings.catalog.clone(),
            regions,
            board,
            db,
            counts,
            intake,
            metrics,
            clock,
            trusted_proxies: settings.trusted_proxies.clone(),
            demo: settings.demo,
            public_url,
            metrics_elsewhere: settings.metrics_bind.is_some(),
            webhooks: webhooks.clone(),
            retention_days: settings.retention.days,
            site: Site {
                public: public_origin,
                body_timeout: settings.body_timeout,
            },
        };

        let data = web::Data::new(state.clone());
        let caps = ConnectionCaps::new(
            settings.max_connections_per_network,
            settings.trusted_proxies.clone(),
        );
        let files = raise_file_limit();
        let workers = settings.workers.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        let per_worker = max_connections_per_worker(files, workers);
        tracing::info!(
            open_files = files,
            workers,
            connections_per_worker = per_worker,
            connections_per_network = settings.max_connections_per_network,
            "connection limits"
        );
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .configure(extractor_errors)
                .wrap(from_fn(crate::web::api_layer::api_layer))
                .wrap(Compress::default())
                .wrap(from_fn(site_policy))
                .wrap(crate::web::security_headers())
                .wrap(from_fn(observe_latency))
                .wrap(from_fn(hold_bodies))
                .configure(routes)
        })
        // Responses go out in several writes (headers, compressed chunks): without TCP_NODELAY, Nagle's
        // algorithm and delayed ACKs hold the last one back ~40 ms.
        .on_connect(move |conn, data| {
            if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
                let _ = tcp.set_nodelay(true);
            }
            caps.on_connect(conn, data);
        })
        .workers(workers)
        .max_connections(per_worker)
        .listen(listener)?
        // Signals are ours: SIGINT must drain like SIGTERM (actix would stop at once).
        .disable_signals()
        .shutdown_timeout(30);
        let server = server.run();
        tracing::info!(
            address = %settings.bind, port,
            sql = state.db.backend(), counters = state.counts.kind(),
            "downtally is listening"
        );
        let metrics_server = match &settings.metrics_bind {
            Some(addr) => {
                let listener = TcpListener::bind(addr)
                    .with_context(|| format!("cannot listen on {addr} for /metrics"))?;
                let port = listener.local_addr()?.port();
                let server = crate::web::metrics_server(listener, state.metrics.clone())?;
                tracing::info!(address = %addr, port, "/metrics is served here alone");
                Some(MetricsServer {
                    port,
                    handle: server.handle(),
                    task: tokio::spawn(server),
                })
            }
            None => None,
        };
        let background = vec![
            tokio::spawn(leadership.clone().keep()),
            tokio::spawn(keep_counts_built(
                state.clone(),
                leadership.clone(),
                settings.admission.network,
            )),
            tokio::spawn(crate::monitor::run(
                monitor,
                leadership.clone(),
                settings.monitor_interval,
            )),
            tokio::spawn(crate::webhooks::deliver::run(webhooks)),
            tokio::spawn(crate::retention::run(
                state.db.clone(),
                state.clock.clone(),
                settings.retention,
                leadership.clone(),
            )),
        ];
        Ok(Self {
            port,
            server,
            state,
            writers,
            background,
            leadership,
            metrics_server,
        })
    }

    /// The port of the `/metrics` listener, when `metrics_bind` was given.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_server.as_ref().map(|m| m.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped through [`Application::handle`], then lets in-flight requests finish, drains
    /// the intake queue into SQL and closes the stores.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let Application {
            server,
            state,
            writers,
            background,
            leadership,
            metrics_server,
            ..
        } = self;
        server.await.context("HTTP server failed")?;
        if let Some(m) = metrics_server {
            m.handle.stop(true).await;
            let _ = m.task.await;
        }
        for task in background {
            task.abort();
        }
        leadership.release().await;
        let db = state.db.clone();
        drop(state);
        writers.drained().await;
        db.close().await;
        tracing::info!("stopped; every accepted report is stored");
        Ok(())
    }
}

/// Reads the catalog file again (SIGHUP): syncs it into SQL as at start and swaps it in for every
/// reader; new services appear, removed ones keep their history in SQL and answer 410 Gone. An
/// invalid file (or a failed sync) keeps the running catalog and says why, naming the faulty entry.
/// Every node does this on its own signal. Returns the number of services now listed.
pub async fn reload_catalog(state: &AppState) -> anyhow::Result<usize> {
    let next = Catalog::load(state.catalog_file.as_deref())
        .context("the new catalog is invalid; the running one is kept")?;
    state
        .db
        .sync_catalog(&next, state.clock.now())
        .await
        .context("cannot sync the new catalog; the running one is kept")?;
    let removed = state
        .db
        .removed_services()
        .await
        .context("cannot read the removed services; the running one is kept")?;
    let before: std::collections::HashSet<&str> = state
        .catalog
        .services()
        .iter()
        .map(|s| s.slug.as_str())
        .collect();
    let added = next
        .services()
        .iter()
        .filter(|s| !before.contains(s.slug.as_str()))
        .count();
    let listed = next.len();
    let dropped = before.iter().filter(|s| next.get(s).is_none()).count();
    state.catalog.replace(next, removed);
    // Cached pages and API answers may name a service that is gone (or lists that lack a new one).
    state.pages.generations.bump_every();
    state.pages.clear();
    state.api.clear();
    tracing::info!(listed, added, removed = dropped, "catalog reloaded");
    Ok(listed)
}

/// Whether this node rebuilds the counters: its own in-process ones always; shared ones (Redis) only
/// on the leader, so that nodes never race to rebuild the same keys.
fn rebuilds_here(counts: &crate::counts::Counts, leadership: &Leadership) -> bool {
    !counts.shared() || leadership.leads()
}

async fn keep_counts_built(
    state: AppState,
    leadership: Leadership,
    bound: crate::counts::NetworkBound,
) {
    let mut tick = tokio::time::interval(COUNTER_CHECK_INTERVAL);
    tick.tick().await;
    loop {
        tick.tick().await;
        if !rebuilds_here(&state.counts, &leadership) {
            continue;
        }
        if let Err(e) = repair_counts(&state.db, &state.counts, &state.clock, &bound).await {
            tracing::debug!(error = %e, "counter check failed; will retry");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(redact("redis://cache:6379/"), "redis://cache:6379/");
        assert_eq!(
            redact("sqlite://data/downtally.db"),
            "sqlite://data/downtally.db"
        );
    }
}
