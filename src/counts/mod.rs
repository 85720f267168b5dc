//! Counting reports in time buckets. Counters are derived data: the SQL store is the source of
//! truth and `rebuild` recreates every counter from it.

pub mod buckets;
mod lease;
mod memory;
mod redis;

pub use buckets::{BucketRange, Resolution};
pub use lease::{Lease, RedisLease};
pub use memory::MemoryCounts;
pub use redis::RedisCounts;

use crate::domain::{ProblemKind, RegionId, ReporterKey, ServiceSlug};
use crate::metrics::Metrics;
use std::future::Future;
use std::sync::Arc;

/// A de-duplication claim: this reporter, for this service.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Claim {
    pub service: ServiceSlug,
    pub reporter: ReporterKey,
}

/// Which slice of a service's reports a series counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    All,
    Problem(ProblemKind),
    Region(RegionId),
}

impl Dim {
    /// Stable tag used in counter keys.
    pub fn tag(&self) -> String {
        match self {
            Dim::All => "all".to_owned(),
            Dim::Problem(p) => format!("p.{}", p.code()),
            Dim::Region(r) => format!("r.{r}"),
        }
    }
}

/// One counted report, as the counter stores see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub service: ServiceSlug,
    pub problem: ProblemKind,
    pub region: Option<RegionId>,
    /// When the report was received (epoch seconds).
    pub at: i64,
}

impl Hit {
    /// The series this hit increments: all, its problem kind, and its region when known.
    pub fn dims(&self) -> impl Iterator<Item = Dim> + '_ {
        [Some(Dim::All), Some(Dim::Problem(self.problem))]
            .into_iter()
            .chain(std::iter::once(self.region.clone().map(Dim::Region)))
            .flatten()
    }
}

impl Hit {
    /// Every (series, resolution) this hit increments at `now`: none for a resolution whose retention
    /// it has already left. The retention rule of `record` lives here, for both stores.
    pub fn increments(&self, now: i64) -> impl Iterator<Item = (Dim, Resolution)> + '_ {
        Resolution::BOTH
            .into_iter()
            .filter(move |res| self.at >= res.oldest_kept(now))
            .flat_map(move |res| self.dims().map(move |dim| (dim, res)))
    }
}

/// Counts of `range` paired with their bucket starts, from the first non-zero bucket on. Counters
/// cannot tell "no reports" from "not listed yet": weeks of zeros before a service's first report
/// would pull any seasonal baseline built on them to the floor.
pub fn from_first_report(range: BucketRange, counts: Vec<u64>) -> Vec<(i64, u64)> {
    range
        .starts()
        .zip(counts)
        .skip_while(|&(_, c)| c == 0)
        .collect()
}

/// An absolute count for one bucket, used to rebuild counters from SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketCount {
    pub service: ServiceSlug,
    pub dim: Dim,
    pub resolution: Resolution,
    pub start: i64,
    pub count: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum CountError {
    #[error("redis: {0}")]
    Redis(#[from] ::redis::RedisError),
}

/// The contract both counter stores keep (see `tests/counter_contract.rs`).
pub trait CountStore: Send + Sync {
    /// Claims the reporter for this service for `ttl` seconds from `now`. True when the reporter had no
    /// live claim, i.e. the report should be counted. Claims are made in order: within one call, a
    /// repeated (service, reporter) pair only wins the first time.
    fn claim_reporters(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
    ) -> impl Future<Output = Result<Vec<bool>, CountError>> + Send;

    /// Gives up claims made by `claim_reporters` (for reports that could not be stored after all, so
    /// that their retry still counts).
    fn release_reporters(
        &self,
        claims: &[Claim],
    ) -> impl Future<Output = Result<(), CountError>> + Send;

    /// Adds one to every series of every hit, at both resolutions. Hits older than the retention at `now`
    /// are ignored.
    fn record(&self, hits: &[Hit], now: i64)
    -> impl Future<Output = Result<(), CountError>> + Send;

    /// Counts of one series over `range` (buckets of `resolution`), oldest first, zero-filled.
    fn series(
        &self,
        service: &ServiceSlug,
        dim: &Dim,
        resolution: Resolution,
        range: BucketRange,
    ) -> impl Future<Output = Result<Vec<u64>, CountError>> + Send;

    /// Forgets every counter (claims are kept), then stores `buckets` as they are, and marks the store as built.
    fn replace_all(
        &self,
        buckets: &[BucketCount],
        now: i64,
    ) -> impl Future<Output = Result<(), CountError>> + Send;

    /// True when the store holds nothing built from SQL (new, flushed or lost), so counts must be rebuilt.
    fn needs_rebuild(&self) -> impl Future<Output = Result<bool, CountError>> + Send;

    fn ping(&self) -> impl Future<Output = Result<(), CountError>> + Send;
}

macro_rules! delegate {
    ($backend:expr, $s:ident => $e:expr) => {
        match $backend {
            Backend::Memory($s) => $e,
            Backend::Redis($s) => $e,
        }
    };
}

/// The counter store chosen at start: Redis when `REDIS_URL` is set, in-process otherwise.
#[derive(Clone)]
pub enum Backend {
    Memory(MemoryCounts),
    Redis(RedisCounts),
}

/// The counter store every part of downtally uses: the chosen [`Backend`] with the policies they all
/// share. While the backend cannot be reached, de-duplication claims are made in this node's memory
/// instead, so a report is never refused because counting failed (at worst a reporter counts once
/// per node while Redis is down); those failures are counted in `/metrics`.
#[derive(Clone)]
pub struct Counts {
    backend: Backend,
    /// Claims made while the backend was unreachable.
    fallback_claims: MemoryCounts,
    errors: Option<prometheus::IntCounterVec>,
}

impl Counts {
    pub fn new(backend: Backend) -> Self {
        Self {
            backend,
            fallback_claims: MemoryCounts::new(),
            errors: None,
        }
    }

    /// In-process counters, the embedded default.
    pub fn memory() -> Self {
        Self::new(Backend::Memory(MemoryCounts::new()))
    }

    /// Counts the backend's failures in `metrics` (`counter_store_errors_total`, by operation).
    pub fn observed(mut self, metrics: &Metrics) -> Self {
        self.errors = Some(metrics.counter_store_errors.clone());
        self
    }

    pub fn kind(&self) -> &'static str {
        match &self.backend {
            Backend::Memory(_) => "memory",
            Backend::Redis(_) => "redis",
        }
    }

    /// A lease named `name` that nodes sharing this store can contend for; `None` for in-process
    /// counters, whose node is alone.
    pub fn lease(&self, name: &str) -> Option<Arc<dyn Lease>> {
        match &self.backend {
            Backend::Memory(_) => None,
            Backend::Redis(r) => Some(Arc::new(RedisLease::new(r.connection(), name))),
        }
    }

    /// Records a failure of the backend's `op`, for `/metrics`.
    pub fn count_error(&self, op: &str) {
        if let Some(errors) = &self.errors {
            errors.with_label_values(&[op]).inc();
        }
    }

    /// [`CountStore::claim_reporters`] that never fails: in this node's memory while the backend is
    /// unreachable.
    pub async fn claim(&self, claims: &[Claim], now: i64, ttl: i64) -> Vec<bool> {
        match delegate!(&self.backend, s => s.claim_reporters(claims, now, ttl).await) {
            Ok(won) => won,
            Err(e) => {
                tracing::warn!(error = %e, "counter store unavailable for de-duplication; using this node's claims");
                self.count_error("claim");
                self.fallback_claims.claim_now(claims, now, ttl)
            }
        }
    }

    /// Gives claims back, wherever [`Counts::claim`] made them.
    pub async fn release(&self, claims: &[Claim]) {
        if delegate!(&self.backend, s => s.release_reporters(claims).await).is_err() {
            self.count_error("release");
        }
        self.fallback_claims.release_now(claims);
    }
}

impl CountStore for Counts {
    async fn claim_reporters(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
    ) -> Result<Vec<bool>, CountError> {
        Ok(self.claim(claims, now, ttl).await)
    }

    async fn release_reporters(&self, claims: &[Claim]) -> Result<(), CountError> {
        self.release(claims).await;
        Ok(())
    }

    async fn record(&self, hits: &[Hit], now: i64) -> Result<(), CountError> {
        delegate!(&self.backend, s => s.record(hits, now).await)
    }

    async fn series(
        &self,
        service: &ServiceSlug,
        dim: &Dim,
        resolution: Resolution,
        range: BucketRange,
    ) -> Result<Vec<u64>, CountError> {
        delegate!(&self.backend, s => s.series(service, dim, resolution, range).await)
    }

    async fn replace_all(&self, buckets: &[BucketCount], now: i64) -> Result<(), CountError> {
        delegate!(&self.backend, s => s.replace_all(buckets, now).await)
    }

    async fn needs_rebuild(&self) -> Result<bool, CountError> {
        delegate!(&self.backend, s => s.needs_rebuild().await)
    }

    async fn ping(&self) -> Result<(), CountError> {
        delegate!(&self.backend, s => s.ping().await)
    }
}
