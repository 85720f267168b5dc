//! Redis counter store, on one server or a Redis Cluster (`conn.rs`). One hash per (service, series,
//! resolution, block), fields are bucket slots in the block, so a 24-hour read is two HGETALLs. Every
//! key carries the `{slug}` hash tag (`keys.rs`): a service's keys share a Redis Cluster slot. Writes
//! are pipelined, one pipeline per intake batch (on a cluster, one per service).

mod conn;
mod keys;

use super::admission::{NetworkBound, PROVISIONAL_CLAIM_SECS, RateLimit, Verdict};
use super::{BucketCount, BucketRange, Claim, CountError, CountStore, Dim, Hit, Resolution};
use crate::domain::{NetworkKey, ServiceSlug};
use conn::{Batch, Conn};
use futures_util::future::try_join_all;
use keys::{Key, TOKEN_GROUPS};
use std::collections::HashMap;
use std::sync::Arc;

/// Set once counters have been built from SQL, to the `run_id` of the Redis process they were built
/// on: its absence means Redis was flushed or is new; another run_id, that it restarted (empty, or
/// from a snapshot older than the counts it acknowledged) or failed over.
const BUILT_MARKER: &str = "dt:built";

#[derive(Clone)]
pub struct RedisCounts {
    conn: Conn,
    /// This process among the nodes sharing the store: in its provisional claims (see [`ADMIT_LUA`]).
    node: Arc<str>,
    admit_script: Arc<redis::Script>,
    bucket_script: Arc<redis::Script>,
    fix_script: Arc<redis::Script>,
    restore_script: Arc<redis::Script>,
}

/// `admission.rs` in Lua, for the services of a batch. ARGV: claim ttl, base, share, window (s),
/// this node's name, now, seconds a claim stays provisional, 1 to take orphans over (else 0), then
/// per service the number of its claims. KEYS, per service in that order: its total for the current
/// and previous block, then per claim its claim key and its network's count for the current and
/// previous block. Answers per claim, in key order: 0 repeat, 1 network bound, 2 counted, 3 counted
/// and first of its network in the block, 4 orphaned, -N in flight on another node (N seconds to its
/// deadline).
///
/// A claim is made provisional, `p:NODE:DEADLINE:FIRST` (FIRST 1 when it was its network's first
/// in the block), and confirmed (`1`) by `commit` once its report is stored. Met again: confirmed,
/// or provisional by this node (a batch of its own in flight, which stores or releases it), it is a
/// repeat; provisional by another node, in flight until its deadline, then an orphan. Taking an
/// orphan over undoes its admission (the counts of its block, if that is the current or the previous
/// one) before judging the claim afresh; an orphan that was its network's first in the current
/// block hands that on (its hit was never recorded, so the networks series still lacks the network).
const ADMIT_LUA: &str = r"
local ttl, base, share, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local node, now, provisional, take_over = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8] == '1'
-- A count lives through its block and the next (two windows), and a minute's grace.
local keep = 2 * window + 60
local block = math.floor(now / window)
local function count(key) return tonumber(redis.call('GET', key)) or 0 end
local out = {}
local k = 1
for g = 9, #ARGV do
  local total_cur, total_prev = KEYS[k], KEYS[k + 1]
  local total = count(total_cur) + count(total_prev)
  k = k + 2
  for _ = 1, tonumber(ARGV[g]) do
    local claim, cur, prev = KEYS[k], KEYS[k + 1], KEYS[k + 2]
    k = k + 3
    local held = redis.call('GET', claim)
    local verdict, heir = nil, false
    if held then
      local owner, deadline, first = string.match(held, '^p:([^:]+):(%-?%d+):(%d)$')
      deadline = tonumber(deadline)
      if not owner then
        verdict = 0
      elseif deadline > now then
        verdict = (owner == node) and 0 or (now - deadline)
      elseif not take_over then
        verdict = 4
      else
        local admitted = math.floor((deadline - provisional) / window)
        if admitted == block then
          redis.call('DECR', cur)
          redis.call('DECR', total_cur)
          total = total - 1
          heir = first == '1'
        elseif admitted == block - 1 then
          redis.call('DECR', prev)
          redis.call('DECR', total_prev)
          total = total - 1
        end
        redis.call('DEL', claim)
      end
    end
    if verdict then
      out[#out + 1] = verdict
    else
      local mine = count(cur) + count(prev)
      local others = math.max(total - mine, 0)
      if mine + 1 > math.max(base, math.floor(share * others)) then
        out[#out + 1] = 1
      else
        -- Counts expire from their creation: one EXPIRE when INCR makes the key, not one per report.
        local n = redis.call('INCR', cur)
        if n == 1 then redis.call('EXPIRE', cur, keep) end
        if redis.call('INCR', total_cur) == 1 then redis.call('EXPIRE', total_cur, keep) end
        total = total + 1
        local first = (n == 1) or heir
        redis.call('SET', claim, 'p:' .. node .. ':' .. (now + provisional) .. ':' .. (first and 1 or 0), 'EX', ttl)
        out[#out + 1] = first and 3 or 2
      end
    end
  end
end
return out";

/// `RateLimit::take` in Lua for a group of networks' buckets (one string each: tokens and time).
/// KEYS: the buckets (see [`keys::tokens`]). ARGV: burst, tokens per millisecond, now
/// (ms), key ttl (ms), then per key the requests it takes. Answers per request, in key order: 0
/// allowed, else seconds to wait.
const BUCKET_LUA: &str = r"
local burst, per_ms, now, keep = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local out = {}
for k = 1, #KEYS do
  local tokens, at = burst, now
  local state = redis.call('GET', KEYS[k])
  if state then
    local sep = string.find(state, ':', 1, true)
    tokens = tonumber(string.sub(state, 1, sep - 1))
    at = tonumber(string.sub(state, sep + 1))
    tokens = math.min(burst, tokens + math.max(0, now - at) * per_ms)
  end
  for i = 1, tonumber(ARGV[4 + k]) do
    if tokens >= 1 then
      tokens = tokens - 1
      out[#out + 1] = 0
    else
      out[#out + 1] = math.max(1, math.ceil((1 - tokens) / per_ms / 1000))
    end
  end
  redis.call('SET', KEYS[k], tostring(tokens) .. ':' .. now, 'PX', keep)
end
return out";

/// A rebuild's atomic fix of one counter hash whose block straddles the rebuild's cutoff (see
/// `rebuild.rs`): slots before the cutoff take SQL's counts, slots from it on keep what was recorded.
/// KEYS[1]: the hash; KEYS[2]: the minute hash of the same series holding the cutoff. ARGV: the first
/// slot kept as recorded, the key's expiry, the slot of the hour holding a cutoff that is not on an
/// hour (-1: none), the first and last minute slots of KEYS[2] from the cutoff to that hour's end,
/// then (slot, SQL count) pairs. That hour's slot becomes SQL's part before the cutoff plus the
/// minutes recorded from it on (`record` adds a hit's minute and hour in one transaction).
const FIX_LUA: &str = r"
local keep_from, partial = tonumber(ARGV[1]), tonumber(ARGV[3])
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if tonumber(f) < keep_from then redis.call('HDEL', KEYS[1], f) end
end
local sql_partial = 0
for i = 6, #ARGV, 2 do
  if tonumber(ARGV[i]) == partial then
    sql_partial = tonumber(ARGV[i + 1])
  else
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
if partial >= 0 then
  local total = sql_partial
  for s = tonumber(ARGV[4]), tonumber(ARGV[5]) do
    total = total + (tonumber(redis.call('HGET', KEYS[2], s)) or 0)
  end
  if total > 0 then redis.call('HSET', KEYS[1], partial, total) end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('EXPIREAT', KEYS[1], ARGV[2]) end
return 1";

/// Admissions put back from SQL after a repair (`rebuild.rs`), for one service. KEYS: claim keys,
/// then count keys (network or total, of a block). ARGV: the number of claims, the counts' expiry
/// (s), then per claim its seconds left, then per count key SQL's count. A claim held already (made
/// since, perhaps still provisional) is kept; a count is raised to SQL's, never lowered (admissions
/// made since the loss are in it too, or in flight).
const RESTORE_LUA: &str = r"
local n, keep = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 1, n do
  redis.call('SET', KEYS[i], 1, 'EX', ARGV[2 + i], 'NX')
end
for i = n + 1, #KEYS do
  local want = tonumber(ARGV[2 + i])
  if want > (tonumber(redis.call('GET', KEYS[i])) or 0) then
    redis.call('SET', KEYS[i], want, 'EX', keep)
  end
end
return n";

impl RedisCounts {
    /// See [`super::Counts::restore_admissions`]: one script call per service, all at once.
    pub async fn restore_admissions(
        &self,
        claims: &[(Claim, i64)],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> Result<usize, CountError> {
        let block = bound.block(now);
        /// A service's live claims (key, seconds left) and its counts by key.
        type Restored = (Vec<(Key, i64)>, HashMap<Key, u64>);
        let mut by_service: HashMap<&ServiceSlug, Restored> = HashMap::new();
        for (claim, at) in claims {
            let (live, counts) = by_service.entry(&claim.service).or_default();
            if at + ttl > now {
                live.push((keys::claim(claim), at + ttl - now));
            }
            let admitted = bound.block(*at);
            if admitted >= block - 1 {
                let network = keys::admission(&claim.service, Some(&claim.network), admitted);
                *counts.entry(network).or_default() += 1;
                *counts
                    .entry(keys::admission(&claim.service, None, admitted))
                    .or_default() += 1;
            }
        }
        let calls = by_service
            .values()
            .filter(|(live, counts)| !(live.is_empty() && counts.is_empty()))
            .map(|(live, counts)| async move {
                let mut call = self.conn.call(&self.restore_script);
                call.arg(live.len()).arg(2 * bound.window + 60);
                for (key, left) in live {
                    call.key(key).arg(left);
                }
                for (key, n) in counts {
                    call.key(key).arg(n);
                }
                call.invoke::<usize>(&self.conn).await
            });
        Ok(try_join_all(calls).await?.into_iter().sum())
    }

    /// Which Redis processes answer: the `run_id` of each master (a new one at every start, or
    /// after a failover), sorted and joined, and how long the youngest of them has run. On a cluster
    /// every master restarts or fails over alone, so the marker names them all.
    async fn identity(&self) -> Result<(String, i64), CountError> {
        let mut run_ids = Vec::new();
        let mut uptime = i64::MAX;
        for info in self.conn.info_server().await? {
            let field = |name: &str| {
                info.lines()
                    .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
                    .map(|v| v.trim().to_owned())
            };
            run_ids.push(field("run_id").unwrap_or_default());
            uptime = uptime.min(
                field("uptime_in_seconds")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            );
        }
        run_ids.sort();
        Ok((
            run_ids.join(","),
            if uptime == i64::MAX { 0 } else { uptime },
        ))
    }

    /// Since when this Redis may lack counts it was given, at `now`: `now` when it holds no built
    /// marker (new or flushed: when is unknown); the start of its youngest process when that is
    /// another than the counters were built on (restarted empty or from an old snapshot, or failed
    /// over); `None` when they are the same.
    pub async fn lost_since(&self, now: i64) -> Result<Option<i64>, CountError> {
        let marker: Option<String> = redis::cmd("GET")
            .arg(BUILT_MARKER)
            .query_async(&mut self.conn.clone())
            .await?;
        let Some(built_on) = marker else {
            return Ok(Some(now));
        };
        let (run_ids, uptime) = self.identity().await?;
        Ok((built_on != run_ids).then_some(now - uptime))
    }

    async fn mark_built(&self) -> Result<(), CountError> {
        let (run_ids, _) = self.identity().await?;
        redis::cmd("SET")
            .arg(BUILT_MARKER)
            .arg(run_ids)
            .query_async::<()>(&mut self.conn.clone())
            .await?;
        Ok(())
    }

    /// Every counter key, from every master on a cluster (claims and rate limits have other
    /// prefixes; the marker is no counter).
    async fn counter_keys(&self) -> Result<Vec<keys::CounterKey>, CountError> {
        Ok(self
            .conn
            .scan("dt:{*")
            .await?
            .iter()
            .filter_map(|text| keys::CounterKey::parse(text))
            .collect())
    }

    /// A rebuild that loses no count recorded while it runs (see `rebuild.rs`): every hash of a block
    /// wholly before `cutoff` is swapped for SQL's counts in one transaction (per service on a
    /// cluster); a hash whose block straddles it is fixed atomically by [`FIX_LUA`]; later ones are
    /// left to the recorded counts. `buckets` holds the counted reports before `cutoff` (a minute
    /// boundary).
    pub async fn replace_before(
        &self,
        buckets: &[BucketCount],
        cutoff: i64,
        now: i64,
    ) -> Result<(), CountError> {
        let mut by_key: HashMap<keys::CounterKey, Vec<(i64, u64)>> = HashMap::new();
        for b in buckets
            .iter()
            .filter(|b| b.start >= b.resolution.oldest_kept(now) && b.start < cutoff)
        {
            let block = b.resolution.block_start(b.start);
            by_key
                .entry(keys::CounterKey::new(
                    &b.service,
                    b.resolution,
                    &b.dim.tag(),
                    block,
                ))
                .or_default()
                .push((b.resolution.slot_in_block(b.start), b.count));
        }
        for key in self.counter_keys().await? {
            by_key.entry(key).or_default();
        }
        let mut swaps = self.conn.batch().atomic();
        let mut queued = 0;
        for (key, slots) in &by_key {
            let (res, block) = (key.resolution, key.block);
            if block >= cutoff {
                continue;
            }
            if block + res.block() <= cutoff {
                swaps.cmd("DEL", &key.key);
                if !slots.is_empty() {
                    Self::add_slots(&mut swaps, &key.key, res, block, slots);
                }
                queued += 1;
                if queued >= 500 {
                    std::mem::replace(&mut swaps, self.conn.batch().atomic())
                        .run(&self.conn)
                        .await?;
                    queued = 0;
                }
                continue;
            }
            let hour = Resolution::Hour.floor(cutoff);
            let partial = res == Resolution::Hour && hour != cutoff;
            let keep_from = res.slot_in_block(cutoff) + i64::from(partial);
            let minute_key =
                key.sibling(Resolution::Minute, Resolution::Minute.block_start(cutoff));
            let mut call = self.conn.call(&self.fix_script);
            call.key(&key.key)
                .key(&minute_key)
                .arg(keep_from)
                .arg(res.block_expiry(block))
                .arg(if partial {
                    res.slot_in_block(cutoff)
                } else {
                    -1
                })
                .arg(Resolution::Minute.slot_in_block(cutoff))
                .arg(Resolution::Minute.slot_in_block(hour + Resolution::Hour.step() - 1));
            for (slot, n) in slots {
                call.arg(slot).arg(n);
            }
            call.invoke::<i64>(&self.conn).await?;
        }
        if queued > 0 {
            swaps.run(&self.conn).await?;
        }
        self.mark_built().await
    }

    /// HSETs of a block's slots in one command, and its expiry.
    fn add_slots(batch: &mut Batch, key: &Key, res: Resolution, block: i64, slots: &[(i64, u64)]) {
        let mut hset = batch.cmd("HSET", key);
        for (slot, n) in slots {
            hset = hset.arg(slot).arg(n);
        }
        batch.cmd("EXPIREAT", key).arg(res.block_expiry(block));
    }

    /// Connects to `url`: one server or a cluster, plain or TLS (see `conn.rs` for its forms).
    pub async fn connect(url: &str) -> Result<Self, CountError> {
        Ok(Self {
            conn: Conn::open(url).await?,
            node: format!("{:016x}", rand::random::<u64>()).into(),
            admit_script: Arc::new(redis::Script::new(ADMIT_LUA)),
            bucket_script: Arc::new(redis::Script::new(BUCKET_LUA)),
            fix_script: Arc::new(redis::Script::new(FIX_LUA)),
            restore_script: Arc::new(redis::Script::new(RESTORE_LUA)),
        })
    }

    /// True on a Redis Cluster.
    pub fn clustered(&self) -> bool {
        self.conn.is_cluster()
    }

    fn add_bucket_writes(
        batch: &mut Batch,
        key: &Key,
        res: Resolution,
        slot: i64,
        n: u64,
        block: i64,
        incr: bool,
    ) {
        batch
            .cmd(if incr { "HINCRBY" } else { "HSET" }, key)
            .arg(slot)
            .arg(n);
        batch.cmd("EXPIREAT", key).arg(res.block_expiry(block));
    }

    /// One admission call for the claims of `services` (indexes into `claims`, by service): codes
    /// per claim, in that order.
    async fn admit_call(
        &self,
        services: &[(&ServiceSlug, Vec<usize>)],
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
        take_over: bool,
    ) -> Result<Vec<i64>, CountError> {
        let block = bound.block(now);
        let mut call = self.conn.call(&self.admit_script);
        call.arg(ttl)
            .arg(bound.base)
            .arg(bound.share)
            .arg(bound.window)
            .arg(&*self.node)
            .arg(now)
            .arg(PROVISIONAL_CLAIM_SECS)
            .arg(u8::from(take_over));
        for (service, indexes) in services {
            call.key(&keys::admission(service, None, block))
                .key(&keys::admission(service, None, block - 1))
                .arg(indexes.len());
            for &i in indexes {
                let c = &claims[i];
                call.key(&keys::claim(c))
                    .key(&keys::admission(service, Some(&c.network), block))
                    .key(&keys::admission(service, Some(&c.network), block - 1));
            }
        }
        Ok(call.invoke(&self.conn).await?)
    }

    /// One call taking tokens from `buckets` (each with the requests it answers): waits per
    /// request, in that order.
    async fn bucket_call(
        &self,
        buckets: &[&(Key, Vec<usize>)],
        now_ms: i64,
        limit: &RateLimit,
    ) -> Result<Vec<u64>, CountError> {
        let mut call = self.conn.call(&self.bucket_script);
        call.arg(limit.burst)
            .arg(limit.per_minute / 60_000.0)
            .arg(now_ms)
            .arg(limit.refill_ms());
        for (key, indexes) in buckets {
            call.key(key).arg(indexes.len());
        }
        Ok(call.invoke(&self.conn).await?)
    }
    /// [`CountStore::admit`], taking orphaned claims over or not (see [`ADMIT_LUA`]).
    async fn admit_claims(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
        take_over: bool,
    ) -> Result<Vec<Verdict>, CountError> {
        // One script call for the batch on one server: a call per service cost Redis more in calling
        // Lua than in the work. On a cluster a call per service (its keys share a slot), all at
        // once. Claims keep their order within each service, which is all that decides their
        // verdicts.
        if claims.is_empty() {
            return Ok(Vec::new());
        }
        let mut by_service: Vec<(&ServiceSlug, Vec<usize>)> = Vec::new();
        let mut group_of: HashMap<&ServiceSlug, usize> = HashMap::new();
        for (i, claim) in claims.iter().enumerate() {
            let g = *group_of.entry(&claim.service).or_insert_with(|| {
                by_service.push((&claim.service, Vec::new()));
                by_service.len() - 1
            });
            by_service[g].1.push(i);
        }
        let per_call = if self.clustered() {
            1
        } else {
            by_service.len()
        };
        let calls = by_service
            .chunks(per_call)
            .map(|services| self.admit_call(services, claims, now, ttl, bound, take_over));
        let codes = try_join_all(calls).await?.into_iter().flatten();
        let order = by_service.iter().flat_map(|(_, indexes)| indexes);
        let mut verdicts = vec![Verdict::Repeat; claims.len()];
        for (&i, code) in order.zip(codes) {
            verdicts[i] = match code {
                0 => Verdict::Repeat,
                1 => Verdict::NetworkBound,
                4 => Verdict::Orphaned,
                c if c < 0 => Verdict::InFlight {
                    retry_after: c.unsigned_abs(),
                },
                c => Verdict::Counted {
                    first_of_network: c == 3,
                },
            };
        }
        Ok(verdicts)
    }

    /// Adds `hits` to the counters and confirms `claims` (made provisional by `admit`), in one
    /// transaction per service.
    async fn record_confirming(
        &self,
        hits: &[Hit],
        claims: &[Claim],
        now: i64,
    ) -> Result<(), CountError> {
        // Merge the batch first: a burst on one service becomes one HINCRBY per bucket, not one per report.
        let mut merged: HashMap<(Key, Resolution, i64, i64), u64> = HashMap::new();
        for hit in hits {
            for (dim, res) in hit.increments(now) {
                let block = res.block_start(hit.at);
                let key = keys::counter(&hit.service, &dim, res, block);
                *merged
                    .entry((key, res, block, res.slot_in_block(hit.at)))
                    .or_default() += 1;
            }
        }
        if merged.is_empty() && claims.is_empty() {
            return Ok(());
        }
        // One transaction (per service on a cluster): a hit's minute and hour increments land
        // together, as a rebuild's fix of the hour holding its cutoff reads them (see `FIX_LUA`),
        // and with the confirmation of its claim.
        let mut batch = self.conn.batch().atomic();
        for ((key, res, block, slot), n) in &merged {
            Self::add_bucket_writes(&mut batch, key, *res, *slot, *n, *block, true);
        }
        for claim in claims {
            // XX: a claim gone meanwhile (Redis restarted empty) is not made again without expiry.
            batch
                .cmd("SET", &keys::claim(claim))
                .arg(1)
                .arg("XX")
                .arg("KEEPTTL");
        }
        batch.run(&self.conn).await?;
        Ok(())
    }
}

impl CountStore for RedisCounts {
    async fn admit(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> Result<Vec<Verdict>, CountError> {
        self.admit_claims(claims, now, ttl, bound, false).await
    }

    async fn take_over(
        &self,
        claims: &[Claim],
        now: i64,
        ttl: i64,
        bound: &NetworkBound,
    ) -> Result<Vec<Verdict>, CountError> {
        self.admit_claims(claims, now, ttl, bound, true).await
    }

    async fn release(
        &self,
        claims: &[Claim],
        now: i64,
        bound: &NetworkBound,
    ) -> Result<(), CountError> {
        if claims.is_empty() {
            return Ok(());
        }
        let block = bound.block(now);
        let mut batch = self.conn.batch();
        for c in claims {
            batch.cmd("DEL", &keys::claim(c));
            batch.cmd(
                "DECR",
                &keys::admission(&c.service, Some(&c.network), block),
            );
            batch.cmd("DECR", &keys::admission(&c.service, None, block));
        }
        batch.run(&self.conn).await?;
        Ok(())
    }

    async fn take_tokens(
        &self,
        networks: &[NetworkKey],
        now_ms: i64,
        limit: &RateLimit,
    ) -> Result<Vec<Option<u64>>, CountError> {
        // Per group: its networks (each once, with the requests it takes) and where the answers go.
        let mut groups: Vec<Vec<(Key, Vec<usize>)>> = vec![Vec::new(); TOKEN_GROUPS];
        let mut seen: HashMap<&NetworkKey, (usize, usize)> = HashMap::with_capacity(networks.len());
        for (i, network) in networks.iter().enumerate() {
            if let Some(&(g, k)) = seen.get(network) {
                groups[g][k].1.push(i);
                continue;
            }
            let key = keys::tokens(network);
            let keys::Tag::Tokens(g) = *key.tag() else {
                unreachable!("token buckets are tagged by group")
            };
            seen.insert(network, (g, groups[g].len()));
            groups[g].push((key, vec![i]));
        }
        // One call for the batch on one server, keys in group order; on a cluster a call per group
        // (each group's keys share a slot), all at once.
        let mut waits = vec![None; networks.len()];
        let calls: Vec<Vec<&(Key, Vec<usize>)>> = if self.clustered() {
            groups
                .iter()
                .filter(|g| !g.is_empty())
                .map(|g| g.iter().collect())
                .collect()
        } else {
            vec![groups.iter().flatten().collect()]
        };
        let order: Vec<&(Key, Vec<usize>)> = calls.iter().flatten().copied().collect();
        if order.is_empty() {
            return Ok(waits);
        }
        let calls = calls
            .iter()
            .map(|buckets| self.bucket_call(buckets, now_ms, limit));
        let codes = try_join_all(calls).await?.into_iter().flatten();
        let slots = order.iter().flat_map(|(_, indexes)| indexes);
        for (&i, wait) in slots.zip(codes) {
            waits[i] = (wait > 0).then_some(wait);
        }
        Ok(waits)
    }

    async fn record(&self, hits: &[Hit], now: i64) -> Result<(), CountError> {
        self.record_confirming(hits, &[], now).await
    }

    async fn commit(&self, hits: &[Hit], claims: &[Claim], now: i64) -> Result<(), CountError> {
        self.record_confirming(hits, claims, now).await
    }

    async fn series(
        &self,
        service: &ServiceSlug,
        dim: &Dim,
        resolution: Resolution,
        range: BucketRange,
    ) -> Result<Vec<u64>, CountError> {
        let mut out = vec![0; range.count];
        if range.count == 0 {
            return Ok(out);
        }
        let first_block = resolution.block_start(range.first);
        let last_block = resolution.block_start(range.end() - 1);
        let blocks: Vec<i64> = (first_block..=last_block)
            .step_by(resolution.block() as usize)
            .collect();
        let mut batch = self.conn.batch();
        for &block in &blocks {
            batch.cmd("HGETALL", &keys::counter(service, dim, resolution, block));
        }
        let hashes: Vec<HashMap<i64, u64>> = batch.query(&self.conn).await?;
        for (block, fields) in blocks.into_iter().zip(hashes) {
            for (slot, count) in fields {
                if let Some(i) = range.index_of(block + slot * resolution.step()) {
                    out[i] = count;
                }
            }
        }
        Ok(out)
    }

    async fn replace_all(&self, buckets: &[BucketCount], now: i64) -> Result<(), CountError> {
        // Every master's counters, on a cluster.
        let old = self.conn.scan("dt:*").await?;
        self.conn.unlink(&old).await?;
        let live: Vec<&BucketCount> = buckets
            .iter()
            .filter(|b| b.start >= b.resolution.oldest_kept(now))
            .collect();
        for chunk in live.chunks(2_000) {
            let mut batch = self.conn.batch();
            for b in chunk {
                let block = b.resolution.block_start(b.start);
                let key = keys::counter(&b.service, &b.dim, b.resolution, block);
                let slot = b.resolution.slot_in_block(b.start);
                Self::add_bucket_writes(
                    &mut batch,
                    &key,
                    b.resolution,
                    slot,
                    b.count,
                    block,
                    false,
                );
            }
            batch.run(&self.conn).await?;
        }
        self.mark_built().await
    }

    async fn needs_rebuild(&self) -> Result<bool, CountError> {
        Ok(self.lost_since(0).await?.is_some())
    }

    async fn ping(&self) -> Result<(), CountError> {
        redis::cmd("PING")
            .query_async::<()>(&mut self.conn.clone())
            .await?;
        Ok(())
    }
}
