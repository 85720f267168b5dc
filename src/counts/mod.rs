//! Counting reports in time buckets. Counters are derived data: the SQL store is the source of
//! truth and `rebuild` recreates every counter from it.

pub mod admission;
pub mod buckets;
mod memory;
mod redis;
mod ring;

pub use admission::{NetworkBound, RateLimit, Verdict};
pub use buckets::{BucketRange, Resolution};
pub use memory::MemoryCounts;
pub use redis::RedisCounts;

use crate::domain::{NetworkKey, ProblemKind, RegionId, ReportKind, ReporterKey, ServiceSlug};
use crate::metrics::Metrics;
use std::future::Future;

/// A report's claim to count: this reporter, from this network, for this service.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Claim {
    pub service: ServiceSlug,
    pub reporter: ReporterKey,
    pub network: NetworkKey,
}

/// Which slice of a service's reports a series counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    All,
    Problem(ProblemKind),
    Region(RegionId),
    /// Networks whose first counted reporter of a 15-minute block came in the bucket: summed over
    /// 15 minutes, about how many distinct networks report (an outage needs breadth).
    Networks,
    /// Counted "works again for me" reports: evidence that an outage is over.
    Recovered,
}

impl Dim {
    /// Stable tag used in counter keys.
    pub fn tag(&self) -> String {
        match self {
            Dim::All => "all".to_owned(),
            Dim::Problem(p) => format!("p.{}", p.code()),
            Dim::Region(r) => format!("r.{r}"),
            Dim::Networks => "n".to_owned(),
            Dim::Recovered => "w".to_owned(),
        }
    }
}

/// One counted report, as the counter stores see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub service: ServiceSlug,
    pub kind: ReportKind,
    pub region: Option<RegionId>,
    /// When the report was received (epoch seconds).
    pub at: i64,
    /// The first counted from its network in the current block (see [`Verdict::Counted`]).
    pub first_of_network: bool,
}

impl Hit {
    /// The series this hit increments: for a problem, all, its problem kind, its region when known,
    /// and the networks series when it is its network's first; for "works again", the recovered
    /// series alone (it is no report of a problem, and brings no breadth to one).
    pub fn dims(&self) -> impl Iterator<Item = Dim> + '_ {
        let problem = self.kind.problem();
        [
            problem.map(|_| Dim::All),
            problem.map(Dim::Problem),
            problem.and(self.region.clone()).map(Dim::Region),
            (problem.is_some() && self.first_of_network).then_some(Dim::Networks),
            self.kind
                .eq(&ReportKind::WorksAgain)
                .then_some(Dim::Recovered),
        ]
        .into_iter()
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
    /// Decides, in order, which claims count (see `admission.rs`): a reporter without a live claim
    /// on the service (claims last `ttl` seconds from `now`) whose network is within `bound`. Claims
    /// made within one call see each other: a repeated (service, reporter) only counts once.
    fn admit(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> impl Future<Output = Result<Vec<Verdict>, CountError>> + Send;

    /// Undoes the admission of counted claims made at `now` (for reports that could not be stored
    /// after all, so that their retry still counts).
    fn release(
        &self,
        claims: &[Claim],
        now: i64,
        bound: &NetworkBound,
    ) -> impl Future<Output = Result<(), CountError>> + Send;

    /// Takes one token from each network's bucket under `limit` (a network may appear several
    /// times); `Some(seconds to wait)` for each request refused.
    fn take_tokens(
        &self,
        networks: &[NetworkKey],
        now_ms: i64,
        limit: &RateLimit,
    ) -> impl Future<Output = Result<Vec<Option<u64>>, CountError>> + Send;

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
/// share. While the backend cannot be reached, admissions (de-duplication, network bounds) and rate
/// limits are decided in this node's memory instead, so a report is never refused because counting
/// failed (at worst a reporter or a network counts once per node while Redis is down); those failures
/// are counted in `/metrics`.
#[derive(Clone)]
pub struct Counts {
    backend: Backend,
    /// Admissions and rate limits decided on this node while the backend was unreachable.
    fallback: MemoryCounts,
    errors: Option<prometheus::IntCounterVec>,
}

impl Counts {
    pub fn new(backend: Backend) -> Self {
        Self {
            backend,
            fallback: MemoryCounts::new(),
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

    /// True when other nodes share this store (Redis): what one node writes, all read.
    pub fn shared(&self) -> bool {
        matches!(self.backend, Backend::Redis(_))
    }

    /// Records a failure of the backend's `op`, for `/metrics`.
    pub fn count_error(&self, op: &str) {
        if let Some(errors) = &self.errors {
            errors.with_label_values(&[op]).inc();
        }
    }

    /// [`CountStore::admit`] that never fails: in this node's memory while the backend is
    /// unreachable.
    pub async fn admit_or_local(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> Vec<Verdict> {
        match delegate!(&self.backend, s => s.admit(claims, now, ttl, bound).await) {
            Ok(verdicts) => verdicts,
            Err(e) => {
                tracing::warn!(error = %e, "counter store unavailable for admission; using this node's claims");
                self.count_error("admit");
                self.fallback.admit_now(claims, now, ttl, bound)
            }
        }
    }

    /// Gives claims back, wherever [`Counts::admit_or_local`] made them.
    pub async fn release_or_local(&self, claims: &[Claim], now: i64, bound: &NetworkBound) {
        if delegate!(&self.backend, s => s.release(claims, now, bound).await).is_err() {
            self.count_error("release");
        }
        self.fallback.release_now(claims, now, bound);
    }

    /// [`CountStore::take_tokens`] that never fails: while the backend is unreachable, each node
    /// limits on its own.
    pub async fn take_tokens_or_local(
        &self,
        networks: &[NetworkKey],
        now_ms: i64,
        limit: &RateLimit,
    ) -> Vec<Option<u64>> {
        match delegate!(&self.backend, s => s.take_tokens(networks, now_ms, limit).await) {
            Ok(waits) => waits,
            Err(e) => {
                tracing::warn!(error = %e, "counter store unavailable for rate limits; limiting on this node");
                self.count_error("rate_limit");
                self.fallback.take_tokens_now(networks, now_ms, limit)
            }
        }
    }
}

impl CountStore for Counts {
    async fn admit(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> Result<Vec<Verdict>, CountError> {
        Ok(self.admit_or_local(claims, now, ttl, bound).await)
    }

    async fn release(
        &self,
        claims: &[Claim],
        now: i64,
        bound: &NetworkBound,
    ) -> Result<(), CountError> {
        self.release_or_local(claims, now, bound).await;
        Ok(())
    }

    async fn take_tokens(
        &self,
        networks: &[NetworkKey],
        now_ms: i64,
        limit: &RateLimit,
    ) -> Result<Vec<Option<u64>>, CountError> {
        Ok(self.take_tokens_or_local(networks, now_ms, limit).await)
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
