//! Settings from flags and the environment. Every flag can also be set by the variable named beside it.

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Where the data lives; shared by every command that touches storage.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// SQL store: `sqlite://PATH` (created with its folder on first use) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/downtally.db"
    )]
    pub database_url: String,

    /// Redis for counters: `redis://host:port/`, `rediss://…` (TLS; `?sslrootcert=FILE` trusts that
    /// CA), or a Redis Cluster `redis+cluster://host:port,host:port/` (`rediss+cluster://` with TLS);
    /// unset keeps counters in process.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,
}

/// How long raw reports are kept (see `retention.rs`); shared by `serve` and `retention run`.
#[derive(Debug, Clone, Copy, Args)]
pub struct RetentionArgs {
    /// Days raw reports are kept (with their reporter and network keys). Older ones are folded into
    /// hourly counts per series (kept for good: charts, the series API and normals read them) and
    /// deleted; on PostgreSQL whole day partitions are dropped.
    #[arg(long, env = "DOWNTALLY_RETENTION_DAYS", default_value_t = crate::retention::DEFAULT_DAYS,
          value_parser = clap::value_parser!(u32).range(i64::from(crate::retention::MIN_DAYS)..=36_500))]
    pub retention_days: u32,
}

/// Which catalog of services to run with; shared by every command that loads it.
#[derive(Debug, Clone, Args, Default)]
pub struct CatalogArgs {
    /// The catalog of services: a TOML file of the same schema as the compiled-in
    /// `data/services.toml` (see the README, "Your own catalog"). Unset: the compiled-in one.
    /// `serve` reads it again on SIGHUP.
    #[arg(long, env = "DOWNTALLY_CATALOG")]
    pub catalog: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DOWNTALLY_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Serve `/metrics` on this address alone (a private interface or network, e.g. `127.0.0.1:9090`),
    /// so that it is not public: the main listener then answers 404 there. Unset: on the main listener.
    #[arg(long, env = "DOWNTALLY_METRICS_BIND")]
    pub metrics_bind: Option<String>,

    #[command(flatten)]
    pub storage: StorageArgs,

    #[command(flatten)]
    pub catalog: CatalogArgs,

    #[command(flatten)]
    pub retention: RetentionArgs,

    /// Proxies (addresses and CIDR blocks, comma-separated) whose `Forwarded` / `X-Forwarded-For`
    /// headers are believed: a request from one of them is from the right-most forwarded address that
    /// is not itself one of them. Empty (the default): headers are ignored, the socket is the client.
    #[arg(long, env = "DOWNTALLY_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: crate::forwarded::TrustedProxies,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "DOWNTALLY_WORKERS",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1024))]
    pub workers: Option<usize>,

    /// Serve 14 days of simulated history from a separate database (`sqlite://data/demo.db`, created and
    /// filled on first use), with in-process counters and a "demo data" banner on every page.
    #[arg(long, env = "DOWNTALLY_DEMO", default_value_t = false)]
    pub demo: bool,

    /// Seconds between monitor passes (detection over every service and region).
    #[arg(long, env = "DOWNTALLY_MONITOR_INTERVAL_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub monitor_interval_secs: u64,

    /// Seconds a cached page (or API answer) may lag behind new reports for its service (a new
    /// monitor pass or minute always refreshes it). 0 renders again after every report.
    #[arg(long, env = "DOWNTALLY_PAGE_FRESH_SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub page_fresh_secs: u64,

    /// Admin tokens, `label:token,…` (tokens of at least 16 characters): each opens the admin area
    /// at `/admin` (moderation, official statements), and its label names who did what there.
    /// Unset (the default): there is no admin area, and `/admin` answers 404.
    #[arg(long, env = "DOWNTALLY_ADMIN_TOKENS", hide_env_values = true)]
    pub admin_tokens: Option<crate::admin::AdminTokens>,

    /// The address visitors reach downtally at (`https://downtally.example`), for the embed snippets
    /// other sites copy; default `http://` + the bind address. When given, forms are accepted only
    /// from this origin; when https, every answer carries HSTS and every cookie is `Secure`.
    #[arg(long, env = "DOWNTALLY_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Seconds a request body may take to arrive after its headers; a slower one is answered 408
    /// and its connection closed.
    #[arg(long, env = "DOWNTALLY_BODY_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub body_timeout_secs: u64,

    /// Connections one network (IPv4 /24, IPv6 /48) may hold open at once; more are closed at once.
    /// Trusted proxies are exempt.
    #[arg(long, env = "DOWNTALLY_MAX_CONNECTIONS_PER_NETWORK", default_value_t = 256,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub max_connections_per_network: usize,

    /// API requests one network (IPv4 /24, IPv6 /48) may make a minute that the API's cache cannot
    /// answer (each runs a handler); over it the answer is 429 with `Retry-After`. Answers from the
    /// cache, 304s, feeds and badges are never limited.
    #[arg(long, env = "DOWNTALLY_API_RATE_PER_MINUTE", default_value_t = 120,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub api_rate_per_minute: u32,

    /// How many such uncached API requests a network may make at once (the token bucket's size).
    #[arg(long, env = "DOWNTALLY_API_RATE_BURST", default_value_t = 60,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub api_rate_burst: u32,

    /// Development and tests only: webhook subscriptions may name `http://` URLs on loopback
    /// addresses (and nothing else over http). Off by default: only https to public addresses.
    #[arg(
        long,
        env = "DOWNTALLY_WEBHOOKS_ALLOW_LOOPBACK_HTTP",
        default_value_t = false
    )]
    pub webhooks_allow_loopback_http: bool,

    /// 64 hex digits: webhook subscribers' URLs and signing secrets are stored sealed under this key
    /// (ChaCha20-Poly1305), so a leaked database names no receiver. Unset: stored in clear. Every
    /// node needs the same key; a subscription sealed under a lost key cannot be delivered.
    #[arg(long, env = "DOWNTALLY_WEBHOOKS_KEY", hide_env_values = true)]
    pub webhooks_key: Option<crate::webhooks::seal::SealKey>,

    /// Milliseconds before a failed webhook delivery's first retry (each next one doubles, up to an
    /// hour, with jitter; deliveries are given up after 24 hours). For tests.
    #[arg(long, env = "DOWNTALLY_WEBHOOKS_BACKOFF_MS", default_value_t = 30_000, hide = true,
          value_parser = clap::value_parser!(u64).range(10..=3_600_000))]
    pub webhooks_backoff_ms: u64,

    /// Milliseconds a webhook receiver has to answer. For tests.
    #[arg(long, env = "DOWNTALLY_WEBHOOKS_TIMEOUT_MS", default_value_t = 10_000, hide = true,
          value_parser = clap::value_parser!(u64).range(100..=60_000))]
    pub webhooks_timeout_ms: u64,
}

#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    /// `text` for people, `json` for log collectors (one JSON object per line).
    #[arg(long, env = "DOWNTALLY_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}
