//! Counting reports in time buckets. Counters are derived data: the SQL store is the source of
//! truth and `rebuild` recreates every counter from it.

pub mod buckets;
mod memory;
mod redis;

pub use buckets::{BucketRange, Resolution};
pub use memory::MemoryCounts;
pub use redis::RedisCounts;

use crate::domain::ProblemKind;
use std::future::Future;

/// Which slice of a service's reports a series counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    All,
    Problem(ProblemKind),
    Region(String),
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
    pub service: String,
    pub problem: ProblemKind,
    pub region: Option<String>,
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
    pub service: String,
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
        claims: &[(String, String)],
        now: i64,
        ttl: i64,
    ) -> impl Future<Output = Result<Vec<bool>, CountError>> + Send;

    /// Gives up claims made by `claim_reporters` (for reports that could not be stored after all, so
    /// that their retry still counts).
    fn release_reporters(
        &self,
        claims: &[(String, String)],
    ) -> impl Future<Output = Result<(), CountError>> + Send;

    /// Adds one to every series of every hit, at both resolutions. Hits older than the retention at `now`
    /// are ignored.
    fn record(&self, hits: &[Hit], now: i64)
    -> impl Future<Output = Result<(), CountError>> + Send;

    /// Counts of one series over `range` (buckets of `resolution`), oldest first, zero-filled.
    fn series(
        &self,
        service: &str,
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

/// The counter store chosen at start: Redis when `REDIS_URL` is set, in-process otherwise.
#[derive(Clone)]
pub enum Counts {
    Memory(MemoryCounts),
    Redis(RedisCounts),
}

impl Counts {
    pub fn kind(&self) -> &'static str {
        match self {
            Counts::Memory(_) => "memory",
            Counts::Redis(_) => "redis",
        }
    }
}

macro_rules! delegate {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            Counts::Memory($s) => $e,
            Counts::Redis($s) => $e,
        }
    };
}

impl CountStore for Counts {
    async fn claim_reporters(
        &self,
        claims: &[(String, String)],
        now: i64,
        ttl: i64,
    ) -> Result<Vec<bool>, CountError> {
        delegate!(self, s => s.claim_reporters(claims, now, ttl).await)
    }

    async fn release_reporters(&self, claims: &[(String, String)]) -> Result<(), CountError> {
        delegate!(self, s => s.release_reporters(claims).await)
    }

    async fn record(&self, hits: &[Hit], now: i64) -> Result<(), CountError> {
        delegate!(self, s => s.record(hits, now).await)
    }

    async fn series(
        &self,
        service: &str,
        dim: &Dim,
        resolution: Resolution,
        range: BucketRange,
    ) -> Result<Vec<u64>, CountError> {
        delegate!(self, s => s.series(service, dim, resolution, range).await)
    }

    async fn replace_all(&self, buckets: &[BucketCount], now: i64) -> Result<(), CountError> {
        delegate!(self, s => s.replace_all(buckets, now).await)
    }

    async fn needs_rebuild(&self) -> Result<bool, CountError> {
        delegate!(self, s => s.needs_rebuild().await)
    }

    async fn ping(&self) -> Result<(), CountError> {
        delegate!(self, s => s.ping().await)
    }
}
