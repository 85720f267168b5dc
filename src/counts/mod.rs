//! Counting reports in time buckets. Counters are derived data: the SQL store is the source of
//! truth and `rebuild` recreates every counter from it.

pub mod admission;
pub mod buckets;
mod health;
mod memory;
mod redis;
mod ring;

pub use admission::{NetworkBound, RateLimit, Verdict};
pub use buckets::{BucketRange, Resolution};
pub use health::Down;
pub use memory::MemoryCounts;
pub use redis::RedisCounts;

use crate::domain::{NetworkKey, ProblemKind, RegionId, ReportKind, ReporterKey, ServiceSlug};
use crate::metrics::Metrics;
use std::future::Future;
use std::sync::Arc;

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

    /// The series a [`Dim::tag`] names (as stored in `report_hours.series`); `None` for a problem or
    /// region this build cannot read.
    pub fn from_tag(tag: &str) -> Option<Dim> {
        match tag {
            "all" => Some(Dim::All),
            "n" => Some(Dim::Networks),
            "w" => Some(Dim::Recovered),
            _ => match tag.split_once('.') {
                Some(("p", code)) => ProblemKind::parse(code).ok().map(Dim::Problem),
                Some(("r", region)) => RegionId::parse(region).ok().map(Dim::Region),
                _ => None,
            },
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
    /// The circuit breaker is open: the backend was not asked (see `health.rs`).
    #[error("{}", .0.describe())]
    Down(Down),
    #[error("counter store call timed out")]
    Timeout,
    /// Reading the source of truth instead failed.
    #[error(transparent)]
    Sql(#[from] crate::store::StoreError),
}

/// The contract both counter stores keep (see `tests/api/counter_contract/`).
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

    /// [`CountStore::admit`] for claims found [`Verdict::Orphaned`] whose reports SQL does not hold:
    /// an orphan still in place is taken over (its admission undone, then judged afresh); a claim
    /// made or confirmed since answers as `admit` would. (The in-process store never has orphans.)
    fn take_over(
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

    /// After a batch's reports are stored: [`CountStore::record`]s its hits and confirms its counted
    /// `claims`. On a shared store `admit` makes claims provisional (see
    /// [`admission::PROVISIONAL_CLAIM_SECS`]): a node that dies before it stores them leaves
    /// orphans, not repeats. In-process claims die with their process and need no confirming.
    fn commit(
        &self,
        hits: &[Hit],
        claims: &[Claim],
        now: i64,
    ) -> impl Future<Output = Result<(), CountError>> + Send;

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
/// share.
///
/// A circuit breaker (`health.rs`): once a backend call fails or times out, the backend counts as
/// down and is not asked again until a background ping answers (every second). Meanwhile admissions
/// (de-duplication, network bounds) and rate limits are decided in this node's memory, so a report is
/// never refused or slowed because counting failed (at worst a reporter or a network counts once per
/// node while Redis is down); `record` is skipped and the counters are marked stale in SQL, for the
/// leader to rebuild them once the store is back; `series` fails at once, except for a reader made
/// with [`Counts::reading_sql`] (the monitor), which then reads SQL. Failures are counted in
/// `/metrics`, and `counter_store_up` says the breaker's state.
#[derive(Clone)]
pub struct Counts {
    backend: Backend,
    /// Admissions and rate limits decided on this node while the backend was unreachable.
    fallback: MemoryCounts,
    errors: Option<prometheus::IntCounterVec>,
    health: Arc<health::Health>,
    /// Where [`CountStore::series`] reads while the counters are down or unsure (the monitor's).
    sql_reads: Option<crate::store::Db>,
}

impl Counts {
    pub fn new(backend: Backend) -> Self {
        Self {
            backend,
            fallback: MemoryCounts::new(),
            errors: None,
            health: Arc::default(),
            sql_reads: None,
        }
    }

    /// In-process counters, the embedded default.
    pub fn memory() -> Self {
        Self::new(Backend::Memory(MemoryCounts::new()))
    }

    /// Counts the backend's failures in `metrics` (`counter_store_errors_total`, by operation) and
    /// shows the breaker's state (`counter_store_up`).
    pub fn observed(mut self, metrics: &Metrics) -> Self {
        self.errors = Some(metrics.counter_store_errors.clone());
        self.health.observe(metrics.counter_store_up.clone());
        self
    }

    /// Marks the counters stale in `db` whenever this node misses a count, dated by `clock`.
    pub fn marking_stale_in(self, db: &crate::store::Db, clock: &crate::clock::Clock) -> Self {
        self.health.attach(db.clone(), clock.clone());
        self
    }

    /// This store, but whose [`CountStore::series`] reads `db` while the counters are down or may be
    /// short of SQL ([`Counts::trusted`] false): the monitor's, so that detection goes on.
    pub fn reading_sql(mut self, db: &crate::store::Db) -> Self {
        self.sql_reads = Some(db.clone());
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

    /// Why and since when the backend is considered down; `None` while it answers.
    pub fn down(&self) -> Option<Down> {
        self.health.down()
    }

    /// False from the moment this node saw the backend fail until the leader's rebuild (or its check
    /// that nothing is missing) after the store's return: its counts may be short of SQL.
    pub fn trusted(&self) -> bool {
        !self.health.is_down() && !self.health.is_unsure()
    }

    /// Set by the leader's counter check (`startup.rs`): false while a rebuild is due.
    pub fn set_trusted(&self, trusted: bool) {
        self.health.set_unsure(!trusted);
    }

    /// Records a failure of the backend's `op`, for `/metrics`.
    pub fn count_error(&self, op: &str) {
        if let Some(errors) = &self.errors {
            errors.with_label_values(&[op]).inc();
        }
    }

    /// Notes that counts of reports at or before `at` may be missing from the counters (marked stale
    /// in SQL within a second).
    pub fn note_missed(&self, at: i64) {
        self.health.note_missed(at);
        self.watch();
    }

    /// Reports recorded more than this after they were received may have raced a rebuild's read of
    /// SQL (see `rebuild.rs`): their counts are marked stale.
    pub const LATE_RECORD: i64 = 5;

    /// After a successful `record` of `hits` that ended at `now`: marks the counters stale when one of
    /// them was recorded later than [`Counts::LATE_RECORD`].
    pub fn check_late(&self, hits: &[Hit], now: i64) {
        if !self.shared() {
            // In-process counters are rebuilt only before intake starts: nothing to race.
            return;
        }
        if let Some(at) = hits
            .iter()
            .map(|h| h.at)
            .filter(|&at| at < now - Self::LATE_RECORD)
            .max()
        {
            tracing::info!(
                late_by = now - at,
                "reports were counted late; the counters are marked for a repair"
            );
            self.note_missed(at);
        }
    }

    /// True while this node has missed counts not yet marked in SQL.
    pub fn marks_pending(&self) -> bool {
        self.health.marks_pending()
    }

    fn watch(&self) {
        let backend = self.backend.clone();
        self.health.watch(move || {
            let backend = backend.clone();
            async move { delegate!(&backend, s => s.ping().await).map_err(|e| e.to_string()) }
        });
    }

    /// Opens the breaker after `op` failed.
    fn failed(&self, op: &str, error: &CountError) {
        self.count_error(op);
        self.health.trip(error.to_string());
        self.watch();
    }

    /// Runs a backend call unless the breaker is open, opening it when the call fails or times out.
    async fn call<T>(
        &self,
        op: &str,
        f: impl Future<Output = Result<T, CountError>>,
    ) -> Result<T, CountError> {
        if let Some(down) = self.health.down() {
            return Err(CountError::Down(down));
        }
        let result = match tokio::time::timeout(health::CALL_TIMEOUT, f).await {
            Ok(r) => r,
            Err(_) => Err(CountError::Timeout),
        };
        if let Err(e) = &result {
            self.failed(op, e);
        }
        result
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
        self.admit_here_or_local(claims, now, ttl, bound, false)
            .await
    }

    /// [`CountStore::take_over`] that never fails (as [`Counts::admit_or_local`]).
    pub async fn take_over_or_local(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> Vec<Verdict> {
        self.admit_here_or_local(claims, now, ttl, bound, true)
            .await
    }

    async fn admit_here_or_local(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
        take_over: bool,
    ) -> Vec<Verdict> {
        let call = self.call("admit", async {
            if take_over {
                delegate!(&self.backend, s => s.take_over(claims, now, ttl, bound).await)
            } else {
                delegate!(&self.backend, s => s.admit(claims, now, ttl, bound).await)
            }
        });
        match call.await {
            Ok(verdicts) => verdicts,
            Err(_) => self.fallback.admit_now(claims, now, ttl, bound),
        }
    }

    /// Gives claims back, wherever [`Counts::admit_or_local`] made them.
    pub async fn release_or_local(&self, claims: &[Claim], now: i64, bound: &NetworkBound) {
        let call = self.call("release", async {
            delegate!(&self.backend, s => s.release(claims, now, bound).await)
        });
        let _ = call.await;
        self.fallback.release_now(claims, now, bound);
    }

    /// True when claims live in this process (the in-process backend) and so die with it: a new
    /// process takes back the recent ones from SQL ([`Counts::restore_admissions`]).
    pub fn claims_in_process(&self) -> bool {
        matches!(self.backend, Backend::Memory(_))
    }

    /// [`CountStore::take_tokens`] that never fails: while the backend is unreachable, each node
    /// limits on its own.
    pub async fn take_tokens_or_local(
        &self,
        networks: &[NetworkKey],
        now_ms: i64,
        limit: &RateLimit,
    ) -> Vec<Option<u64>> {
        let call = self.call("rate_limit", async {
            delegate!(&self.backend, s => s.take_tokens(networks, now_ms, limit).await)
        });
        match call.await {
            Ok(waits) => waits,
            Err(_) => self.fallback.take_tokens_now(networks, now_ms, limit),
        }
    }

    /// Since when the backend may have lost counts it was given (flushed, restarted, replaced):
    /// `None` while it holds what was built and recorded.
    pub async fn lost_since(&self, now: i64) -> Result<Option<i64>, CountError> {
        match &self.backend {
            Backend::Memory(m) => Ok(m.needs_rebuild().await?.then_some(now)),
            Backend::Redis(r) => self.call("check", r.lost_since(now)).await,
        }
    }

    /// Replaces the counts of every bucket before `cutoff` with `buckets` (the counted reports before
    /// `cutoff`), keeping those recorded from `cutoff` on, and marks the store as built (see
    /// `rebuild.rs`). The in-process store, rebuilt only before intake starts, replaces everything.
    pub async fn replace_before(
        &self,
        buckets: &[BucketCount],
        cutoff: i64,
        now: i64,
    ) -> Result<(), CountError> {
        match &self.backend {
            Backend::Memory(m) => m.replace_all(buckets, now).await,
            Backend::Redis(r) => r.replace_before(buckets, cutoff, now).await,
        }
    }

    /// Puts back the admissions of `claims` (counted reports from SQL, oldest first, with when each
    /// was admitted) that the backend lacks: their claims, and the network and total counts of the
    /// current and previous blocks. The in-process backend after a restart (its claims died with
    /// the last process; `MemoryCounts::restore_claims`), Redis after a repair (restarted empty, or
    /// admissions made in nodes' memory while it was down; `RedisCounts::restore_admissions`: a
    /// claim only where none is held, a count only raised). Returns the claims live at `now`.
    pub async fn restore_admissions(
        &self,
        claims: &[(Claim, i64)],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> Result<usize, CountError> {
        match &self.backend {
            Backend::Memory(m) => Ok(m.restore_claims(claims, now, ttl, bound)),
            Backend::Redis(r) => r.restore_admissions(claims, now, ttl, bound).await,
        }
    }

    async fn series_from_sql(
        &self,
        db: &crate::store::Db,
        service: &ServiceSlug,
        dim: &Dim,
        resolution: Resolution,
        range: BucketRange,
    ) -> Result<Vec<u64>, CountError> {
        Ok(db.series_counts(service, dim, resolution, range).await?)
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

    async fn take_over(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> Result<Vec<Verdict>, CountError> {
        Ok(self.take_over_or_local(claims, now, ttl, bound).await)
    }

    async fn record(&self, hits: &[Hit], now: i64) -> Result<(), CountError> {
        self.commit(hits, &[], now).await
    }

    /// Skipped while the breaker is open (the counters are marked stale instead; the claims stay
    /// provisional and become orphans, which SQL settles).
    async fn commit(&self, hits: &[Hit], claims: &[Claim], now: i64) -> Result<(), CountError> {
        if hits.is_empty() && claims.is_empty() {
            return Ok(());
        }
        let result = self
            .call("record", async {
                delegate!(&self.backend, s => s.commit(hits, claims, now).await)
            })
            .await;
        if result.is_err() && !hits.is_empty() {
            let latest = hits.iter().map(|h| h.at).max().unwrap_or(now);
            self.note_missed(latest.max(now));
        }
        match result {
            Err(CountError::Down(_)) => Ok(()),
            other => other,
        }
    }

    async fn series(
        &self,
        service: &ServiceSlug,
        dim: &Dim,
        resolution: Resolution,
        range: BucketRange,
    ) -> Result<Vec<u64>, CountError> {
        if let Some(db) = &self.sql_reads
            && !self.trusted()
        {
            return self
                .series_from_sql(db, service, dim, resolution, range)
                .await;
        }
        let read = self.call("series", async {
            delegate!(&self.backend, s => s.series(service, dim, resolution, range).await)
        });
        match (read.await, &self.sql_reads) {
            (Ok(counts), _) => Ok(counts),
            (Err(_), Some(db)) => {
                self.series_from_sql(db, service, dim, resolution, range)
                    .await
            }
            (Err(e), None) => Err(e),
        }
    }

    async fn replace_all(&self, buckets: &[BucketCount], now: i64) -> Result<(), CountError> {
        delegate!(&self.backend, s => s.replace_all(buckets, now).await)
    }

    async fn needs_rebuild(&self) -> Result<bool, CountError> {
        delegate!(&self.backend, s => s.needs_rebuild().await)
    }

    /// Answers from the breaker while it is open; a failed ping opens it.
    async fn ping(&self) -> Result<(), CountError> {
        self.call("ping", async {
            delegate!(&self.backend, s => s.ping().await)
        })
        .await
    }
}
