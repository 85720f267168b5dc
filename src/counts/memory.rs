//! In-process counter store: the embedded default. Sharded by service; each series' buckets in dense
//! rings of its retention (`ring.rs`): 11.5 KB of minutes and 6 KB of hours at most, whatever the
//! traffic.

use super::admission::{Bucket, NetworkBound, RateLimit, Verdict};
use super::ring::Series;
use super::{BucketCount, BucketRange, Claim, CountError, CountStore, Dim, Hit, Resolution};
use crate::domain::{NetworkKey, ReporterKey, ServiceSlug};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const SHARDS: usize = 64;

/// Reporters counted in the current block and the one before it.
#[derive(Default, Clone, Copy)]
struct Blocks {
    block: i64,
    current: u32,
    previous: u32,
}

impl Blocks {
    /// Moves the pair forward to `block`; returns the count of the current and previous blocks.
    fn at(&mut self, block: i64) -> u32 {
        if block != self.block {
            self.previous = if block == self.block + 1 {
                self.current
            } else {
                0
            };
            self.current = 0;
            self.block = block;
        }
        self.current + self.previous
    }
}

/// One service's admission state.
#[derive(Default)]
struct Admissions {
    /// Expiry of each reporter's claim.
    claims: HashMap<ReporterKey, i64>,
    networks: HashMap<NetworkKey, Blocks>,
    total: Blocks,
}

/// Claims a shard takes before its first sweep of expired ones.
const CLAIM_SWEEP_MIN: usize = 4_096;

#[derive(Default)]
struct Shard {
    /// Series by service, then dimension: a service's slug is held once per shard, and a lookup
    /// clones nothing.
    series: HashMap<ServiceSlug, HashMap<Dim, Series>>,
    admissions: HashMap<ServiceSlug, Admissions>,
    claims_since_sweep: usize,
    /// Claims to take before the next sweep: as many as the sweep left alive (at least
    /// [`CLAIM_SWEEP_MIN`]), so a sweep's cost is paid by as many claims as it scanned. A fixed
    /// interval scanned the whole map every 4,096 claims once a crowd filled it within a claim's
    /// life (15 minutes), and intake slowed the longer it ran.
    sweep_after: usize,
}

impl Shard {
    fn due_for_sweep(&mut self) -> bool {
        self.claims_since_sweep += 1;
        self.claims_since_sweep > self.sweep_after.max(CLAIM_SWEEP_MIN)
    }

    fn sweep(&mut self, now: i64, bound: &NetworkBound) {
        let block = bound.block(now);
        let mut alive = 0;
        for a in self.admissions.values_mut() {
            a.claims.retain(|_, expiry| *expiry > now);
            a.networks.retain(|_, b| b.block >= block - 1);
            alive += a.claims.len() + a.networks.len();
        }
        self.claims_since_sweep = 0;
        self.sweep_after = alive;
    }
}

/// Token buckets per network, swept of full ones only when the map has doubled since the last
/// sweep: a sweep on every call past a fixed size scanned the whole map per request once a crowd
/// of networks filled it within one refill (intake fell from 44k to 22k reports/s).
struct TokenBuckets {
    map: HashMap<NetworkKey, Bucket>,
    sweep_at: usize,
}

/// Networks the rate limiter holds before its first sweep.
const TOKEN_SWEEP_MIN: usize = 100_000;

impl Default for TokenBuckets {
    fn default() -> Self {
        Self {
            map: HashMap::new(),
            sweep_at: TOKEN_SWEEP_MIN,
        }
    }
}

#[derive(Clone)]
pub struct MemoryCounts {
    shards: Arc<[Mutex<Shard>]>,
    /// Rate-limit token buckets per network (one lock: one entry per request, briefly held).
    buckets: Arc<Mutex<TokenBuckets>>,
    built: Arc<AtomicBool>,
}

impl Default for MemoryCounts {
    fn default() -> Self {
        Self::new()
    }
}

fn shard_of(service: &ServiceSlug) -> usize {
    let mut h = DefaultHasher::new();
    service.hash(&mut h);
    (h.finish() as usize) % SHARDS
}

impl MemoryCounts {
    pub fn new() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            buckets: Arc::default(),
            built: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Admission here cannot fail: [`CountStore::admit`] without the future, also the fallback that
    /// [`super::Counts`] uses while its backend is unreachable.
    pub fn admit_now(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> Vec<Verdict> {
        let block = bound.block(now);
        claims
            .iter()
            .map(|claim| {
                let mut shard = self.shards[shard_of(&claim.service)].lock();
                if shard.due_for_sweep() {
                    shard.sweep(now, bound);
                }
                if !shard.admissions.contains_key(&claim.service) {
                    shard
                        .admissions
                        .insert(claim.service.clone(), Admissions::default());
                }
                let a = shard
                    .admissions
                    .get_mut(&claim.service)
                    .expect("inserted above");
                if a.claims.get(&claim.reporter).is_some_and(|&e| e > now) {
                    return Verdict::Repeat;
                }
                let total = a.total.at(block);
                let mut mine = a.networks.get(&claim.network).copied().unwrap_or_default();
                if !bound.admits(mine.at(block), total) {
                    return Verdict::NetworkBound;
                }
                a.claims.insert(claim.reporter.clone(), now + ttl);
                mine.current += 1;
                a.total.current += 1;
                a.networks.insert(claim.network.clone(), mine);
                Verdict::Counted {
                    first_of_network: mine.current == 1,
                }
            })
            .collect()
    }

    /// Takes back claims admitted before this process started (read from SQL, oldest first, with
    /// when each was admitted): each reporter's claim lives until `at + ttl`, and the networks'
    /// and the service's tallies of the current and previous blocks are as the admissions left
    /// them. Nothing is judged: these reports were counted. Returns how many claims are live at `now`.
    pub fn restore_claims(
        &self,
        claims: &[(Claim, i64)],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> usize {
        let oldest_block = bound.block(now) - 1;
        let mut live = 0;
        for (claim, at) in claims {
            let block = bound.block(*at);
            let mut shard = self.shards[shard_of(&claim.service)].lock();
            let a = shard.admissions.entry(claim.service.clone()).or_default();
            if at + ttl > now {
                let expiry = a.claims.entry(claim.reporter.clone()).or_insert(0);
                if *expiry <= now {
                    live += 1;
                }
                *expiry = (*expiry).max(at + ttl);
            }
            if block >= oldest_block {
                let mine = a.networks.entry(claim.network.clone()).or_default();
                mine.at(block);
                mine.current += 1;
                a.total.at(block);
                a.total.current += 1;
            }
        }
        live
    }

    /// Undoes the admission of claims counted at `now` (their reports could not be stored).
    pub fn release_now(&self, claims: &[Claim], now: i64, bound: &NetworkBound) {
        let block = bound.block(now);
        for claim in claims {
            let mut shard = self.shards[shard_of(&claim.service)].lock();
            let Some(a) = shard.admissions.get_mut(&claim.service) else {
                continue;
            };
            if a.claims.remove(&claim.reporter).is_none() {
                continue;
            }
            for blocks in [a.networks.get_mut(&claim.network), Some(&mut a.total)]
                .into_iter()
                .flatten()
            {
                if blocks.block == block {
                    blocks.current = blocks.current.saturating_sub(1);
                }
            }
        }
    }

    /// Takes a token per network: [`CountStore::take_tokens`] without the future.
    pub fn take_tokens_now(
        &self,
        networks: &[NetworkKey],
        now_ms: i64,
        limit: &RateLimit,
    ) -> Vec<Option<u64>> {
        let mut buckets = self.buckets.lock();
        if buckets.map.len() >= buckets.sweep_at {
            // Buckets untouched for a full refill are full again: forgetting them changes nothing.
            buckets
                .map
                .retain(|_, b| now_ms - b.at_ms < limit.refill_ms());
            buckets.sweep_at = (buckets.map.len() * 2).max(TOKEN_SWEEP_MIN);
        }
        networks
            .iter()
            .map(|network| {
                let (next, wait) = limit.take(buckets.map.get(network).copied(), now_ms);
                buckets.map.insert(network.clone(), next);
                wait
            })
            .collect()
    }

    /// Bytes of counters held (the rings alone), and how many series hold them.
    #[cfg(test)]
    fn counter_bytes(&self) -> (usize, usize) {
        self.shards.iter().fold((0, 0), |(bytes, n), shard| {
            let shard = shard.lock();
            let all = shard.series.values().flat_map(HashMap::values);
            all.fold((bytes, n), |(b, n), s| (b + s.bytes(), n + 1))
        })
    }
}

impl Shard {
    fn series_mut(&mut self, service: &ServiceSlug) -> &mut HashMap<Dim, Series> {
        if !self.series.contains_key(service) {
            self.series.insert(service.clone(), HashMap::new());
        }
        self.series.get_mut(service).expect("inserted above")
    }
}

impl CountStore for MemoryCounts {
    async fn admit(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> Result<Vec<Verdict>, CountError> {
        Ok(self.admit_now(claims, now, ttl, bound))
    }

    /// No orphans here: claims die with the process, and a new one takes back what SQL holds.
    async fn take_over(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> Result<Vec<Verdict>, CountError> {
        Ok(self.admit_now(claims, now, ttl, bound))
    }

    async fn release(
        &self,
        claims: &[Claim],
        now: i64,
        bound: &NetworkBound,
    ) -> Result<(), CountError> {
        self.release_now(claims, now, bound);
        Ok(())
    }

    async fn take_tokens(
        &self,
        networks: &[NetworkKey],
        now_ms: i64,
        limit: &RateLimit,
    ) -> Result<Vec<Option<u64>>, CountError> {
        Ok(self.take_tokens_now(networks, now_ms, limit))
    }

    async fn record(&self, hits: &[Hit], now: i64) -> Result<(), CountError> {
        for hit in hits {
            let mut shard = self.shards[shard_of(&hit.service)].lock();
            let series = shard.series_mut(&hit.service);
            for (dim, res) in hit.increments(now) {
                let ring = series.entry(dim).or_default().at_mut(res);
                ring.add(res, res.floor(hit.at), 1, now);
            }
        }
        Ok(())
    }

    /// In-process claims are final when admitted: they die with the process.
    async fn commit(&self, hits: &[Hit], _claims: &[Claim], now: i64) -> Result<(), CountError> {
        self.record(hits, now).await
    }

    async fn series(
        &self,
        service: &ServiceSlug,
        dim: &Dim,
        resolution: Resolution,
        range: BucketRange,
    ) -> Result<Vec<u64>, CountError> {
        let mut out = vec![0; range.count];
        let shard = self.shards[shard_of(service)].lock();
        if let Some(series) = shard.series.get(service).and_then(|s| s.get(dim)) {
            series.at(resolution).read(resolution, range, &mut out);
        }
        Ok(out)
    }

    async fn replace_all(&self, buckets: &[BucketCount], now: i64) -> Result<(), CountError> {
        // Claims survive: forgetting them would count recent reporters a second time.
        for shard in self.shards.iter() {
            shard.lock().series.clear();
        }
        for b in buckets
            .iter()
            .filter(|b| b.start >= b.resolution.oldest_kept(now))
        {
            let mut shard = self.shards[shard_of(&b.service)].lock();
            let series = shard.series_mut(&b.service);
            let series = match series.get_mut(&b.dim) {
                Some(s) => s,
                None => series.entry(b.dim.clone()).or_default(),
            };
            series
                .at_mut(b.resolution)
                .add(b.resolution, b.start, b.count, now);
        }
        self.built.store(true, Ordering::Release);
        Ok(())
    }

    async fn needs_rebuild(&self) -> Result<bool, CountError> {
        Ok(!self.built.load(Ordering::Acquire))
    }

    async fn ping(&self) -> Result<(), CountError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network(i: usize) -> NetworkKey {
        NetworkKey::from_hex(format!("{i:016x}"))
    }

    fn claim(reporter: &str, from: usize) -> Claim {
        Claim {
            service: ServiceSlug::parse("monzo").unwrap(),
            reporter: ReporterKey::from_hex(reporter.into()),
            network: network(from),
        }
    }

    #[test]
    fn restored_claims_judge_as_the_lost_ones_would_have() {
        let bound = NetworkBound::default();
        let t0 = 1_000_000 * 900 + 100;
        let before: Vec<(Claim, i64)> = (0..4)
            .map(|i| (claim(&format!("r{i}"), 7), t0 + i))
            .collect();
        let restarted = MemoryCounts::new();
        let live = restarted.restore_claims(&before, t0 + 60, 900, &bound);
        assert_eq!(live, 4);
        // A retry of a counted report is a repeat; a fifth reporter of the same network is over
        // its bound (4 in the window); another network still counts.
        let verdicts = restarted.admit_now(
            &[claim("r0", 7), claim("r9", 7), claim("r9", 8)],
            t0 + 60,
            900,
            &bound,
        );
        assert_eq!(
            verdicts,
            [
                Verdict::Repeat,
                Verdict::NetworkBound,
                Verdict::Counted {
                    first_of_network: true
                }
            ]
        );
        // Claims older than their window are not taken back.
        let later = MemoryCounts::new();
        assert_eq!(later.restore_claims(&before, t0 + 901, 900, &bound), 2);
        assert_eq!(
            later.admit_now(&[claim("r0", 7)], t0 + 901, 900, &bound),
            [Verdict::NetworkBound],
            "r0's claim expired, but its network's block still holds four"
        );
    }

    /// Issue 14 §5: a sparse map cost ~400 bytes a stored bucket; rings cost 4 bytes a slot.
    #[tokio::test]
    async fn fourteen_days_of_a_busy_service_cost_a_few_bytes_a_bucket() {
        use crate::counts::buckets::{DAY, HOUR, MINUTE};
        use crate::domain::ProblemKind;
        let now = 1_800_000_000;
        let service = ServiceSlug::parse("monzo").unwrap();
        let dims = [
            Dim::All,
            Dim::Networks,
            Dim::Problem(ProblemKind::Login),
            Dim::Problem(ProblemKind::Card),
        ];
        let mut buckets = Vec::new();
        for dim in &dims {
            let minutes = (0..2 * DAY / MINUTE).map(|i| (Resolution::Minute, now - i * MINUTE));
            let hours = (0..14 * DAY / HOUR).map(|i| (Resolution::Hour, now - i * HOUR));
            for (resolution, t) in minutes.chain(hours) {
                buckets.push(BucketCount {
                    service: service.clone(),
                    dim: dim.clone(),
                    resolution,
                    start: resolution.floor(t),
                    count: 3,
                });
            }
        }
        let counts = MemoryCounts::new();
        counts.replace_all(&buckets, now).await.unwrap();
        let (bytes, series) = counts.counter_bytes();
        assert_eq!(series, dims.len());
        assert_eq!(bytes, dims.len() * (2_880 + 1_512) * 4);
        assert!(
            bytes / buckets.len() <= 8,
            "{bytes} bytes for {} buckets",
            buckets.len()
        );
        let day = Resolution::Hour.window_ending_at(now, DAY);
        let read = counts
            .series(&service, &Dim::All, Resolution::Hour, day)
            .await
            .unwrap();
        assert_eq!(read, vec![3; 24]);
    }

    #[test]
    fn token_buckets_are_swept_only_when_the_map_has_doubled() {
        let counts = MemoryCounts::new();
        let limit = RateLimit::default();
        let many: Vec<NetworkKey> = (0..TOKEN_SWEEP_MIN).map(network).collect();
        counts.take_tokens_now(&many, 0, &limit);
        // All still within one refill: the sweep keeps them, and waits for twice as many.
        counts.take_tokens_now(&[network(TOKEN_SWEEP_MIN)], 1, &limit);
        let sweep_at = counts.buckets.lock().sweep_at;
        assert_eq!(sweep_at, 2 * TOKEN_SWEEP_MIN);
        assert_eq!(counts.buckets.lock().map.len(), TOKEN_SWEEP_MIN + 1);
        // A full refill later, filling the map to the mark sweeps away the first ones, not the new.
        let later = limit.refill_ms() + 10;
        let fresh: Vec<NetworkKey> = (TOKEN_SWEEP_MIN + 1..sweep_at).map(network).collect();
        counts.take_tokens_now(&fresh, later, &limit);
        counts.take_tokens_now(&[network(sweep_at)], later, &limit);
        let buckets = counts.buckets.lock();
        assert_eq!(buckets.map.len(), fresh.len() + 1);
        assert_eq!(buckets.sweep_at, 2 * fresh.len());
    }
}
