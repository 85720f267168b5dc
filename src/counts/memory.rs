//! In-process counter store: the embedded default. Sharded maps of sparse, time-ordered buckets, so a
//! quiet series costs a few bytes and a busy one at most its retention's worth of buckets.

use super::{BucketCount, BucketRange, Claim, CountError, CountStore, Dim, Hit, Resolution};
use crate::domain::ServiceSlug;
use parking_lot::Mutex;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const SHARDS: usize = 64;

/// Buckets of one series at one resolution, oldest first, without zero entries.
#[derive(Default)]
struct Sparse(VecDeque<(i64, u64)>);

impl Sparse {
    fn add(&mut self, start: i64, n: u64, oldest_kept: i64) {
        while self.0.front().is_some_and(|&(t, _)| t < oldest_kept) {
            self.0.pop_front();
        }
        match self.0.back_mut() {
            Some((t, c)) if *t == start => *c += n,
            Some((t, _)) if *t > start => match self.0.binary_search_by_key(&start, |&(t, _)| t) {
                Ok(i) => self.0[i].1 += n,
                Err(i) => self.0.insert(i, (start, n)),
            },
            _ => self.0.push_back((start, n)),
        }
    }

    fn read(&self, range: BucketRange, out: &mut [u64]) {
        let from = self.0.partition_point(|&(t, _)| t < range.first);
        for &(t, c) in self.0.range(from..) {
            match range.index_of(t) {
                Some(i) => out[i] = c,
                None => break,
            }
        }
    }
}

#[derive(Default)]
struct Series {
    minutes: Sparse,
    hours: Sparse,
}

impl Series {
    fn at(&mut self, res: Resolution) -> &mut Sparse {
        match res {
            Resolution::Minute => &mut self.minutes,
            Resolution::Hour => &mut self.hours,
        }
    }
}

#[derive(Default)]
struct Shard {
    series: HashMap<(ServiceSlug, Dim), Series>,
    claims: HashMap<Claim, i64>,
    claims_since_sweep: usize,
}

impl Shard {
    fn sweep_claims(&mut self, now: i64) {
        self.claims.retain(|_, expiry| *expiry > now);
        self.claims_since_sweep = 0;
    }
}

#[derive(Clone)]
pub struct MemoryCounts {
    shards: Arc<[Mutex<Shard>]>,
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
            built: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Claims made here cannot fail: [`CountStore::claim_reporters`] without the future, also the
    /// fallback that [`super::Counts`] uses while its backend is unreachable.
    pub fn claim_now(&self, claims: &[Claim], now: i64, ttl: i64) -> Vec<bool> {
        claims
            .iter()
            .map(|claim| {
                let mut shard = self.shards[shard_of(&claim.service)].lock();
                shard.claims_since_sweep += 1;
                if shard.claims_since_sweep > 4_096 {
                    shard.sweep_claims(now);
                }
                let expiry = shard
                    .claims
                    .entry(claim.clone())
                    .or_insert(i64::MIN);
                if *expiry > now {
                    false
                } else {
                    *expiry = now + ttl;
                    true
                }
            })
            .collect()
    }

    pub fn release_now(&self, claims: &[Claim]) {
        for claim in claims {
            self.shards[shard_of(&claim.service)]
                .lock()
                .claims
                .remove(claim);
        }
    }

    fn add(&self, service: &ServiceSlug, dim: Dim, res: Resolution, start: i64, n: u64, now: i64) {
        let mut shard = self.shards[shard_of(service)].lock();
        shard
            .series
            .entry((service.clone(), dim))
            .or_default()
            .at(res)
            .add(start, n, res.oldest_kept(now));
    }
}

impl CountStore for MemoryCounts {
    async fn claim_reporters(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
    ) -> Result<Vec<bool>, CountError> {
        Ok(self.claim_now(claims, now, ttl))
    }

    async fn release_reporters(&self, claims: &[Claim]) -> Result<(), CountError> {
        self.release_now(claims);
        Ok(())
    }

    async fn record(&self, hits: &[Hit], now: i64) -> Result<(), CountError> {
        for hit in hits {
            for (dim, res) in hit.increments(now) {
                self.add(&hit.service, dim, res, res.floor(hit.at), 1, now);
            }
        }
        Ok(())
    }

    async fn series(
        &self,
        service: &ServiceSlug,
        dim: &Dim,
        resolution: Resolution,
        range: BucketRange,
    ) -> Result<Vec<u64>, CountError> {
        let mut out = vec![0; range.count];
        let mut shard = self.shards[shard_of(service)].lock();
        if let Some(series) = shard.series.get_mut(&(service.clone(), dim.clone())) {
            series.at(resolution).read(range, &mut out);
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
            self.add(
                &b.service,
                b.dim.clone(),
                b.resolution,
                b.start,
                b.count,
                now,
            );
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
