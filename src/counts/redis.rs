//! Redis counter store. One hash per (service, series, resolution, block), fields are bucket slots in
//! the block, so a 24-hour read is two HGETALLs. Every key carries the `{slug}` hash tag: a service's
//! keys share a Redis Cluster slot. Writes are pipelined, one pipeline per intake batch.

use super::admission::{NetworkBound, RateLimit, Verdict};
use super::{BucketCount, BucketRange, Claim, CountError, CountStore, Dim, Hit, Resolution};
use crate::domain::{NetworkKey, ServiceSlug};
use redis::aio::ConnectionManager;
use std::collections::HashMap;
use std::sync::Arc;

/// Set once counters have been built from SQL, to the `run_id` of the Redis process they were built
/// on: its absence means Redis was flushed or is new; another run_id, that it restarted (empty, or
/// from a snapshot older than the counts it acknowledged) or failed over.
const BUILT_MARKER: &str = "dt:built";

#[derive(Clone)]
pub struct RedisCounts {
    conn: ConnectionManager,
    admit_script: Arc<redis::Script>,
    bucket_script: Arc<redis::Script>,
    fix_script: Arc<redis::Script>,
}

/// `admission.rs` in Lua, for the services of a batch. ARGV: claim ttl, base, share, counter ttl,
/// then per service the number of its claims. KEYS, per service in that order: its total for the
/// current and previous block, then per claim its claim key and its network's count for the current
/// and previous block. Answers per claim, in key order: 0 repeat, 1 network bound, 2 counted, 3
/// counted and first of its network in the block.
const ADMIT_LUA: &str = r"
local ttl, base, share, keep = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local function count(key) return tonumber(redis.call('GET', key)) or 0 end
local out = {}
local k = 1
for g = 5, #ARGV do
  local total_key = KEYS[k]
  local total = count(total_key) + count(KEYS[k + 1])
  k = k + 2
  for _ = 1, tonumber(ARGV[g]) do
    local claim, cur, prev = KEYS[k], KEYS[k + 1], KEYS[k + 2]
    k = k + 3
    if redis.call('EXISTS', claim) == 1 then
      out[#out + 1] = 0
    else
      local mine = count(cur) + count(prev)
      local others = math.max(total - mine, 0)
      if mine + 1 > math.max(base, math.floor(share * others)) then
        out[#out + 1] = 1
      else
        redis.call('SET', claim, 1, 'EX', ttl)
        -- Counts expire from their creation: one EXPIRE when INCR makes the key, not one per report.
        local n = redis.call('INCR', cur)
        if n == 1 then redis.call('EXPIRE', cur, keep) end
        if redis.call('INCR', total_key) == 1 then redis.call('EXPIRE', total_key, keep) end
        total = total + 1
        out[#out + 1] = (n == 1) and 3 or 2
      end
    end
  end
end
return out";

/// `RateLimit::take` in Lua for a group of networks' buckets (one string each: tokens and time).
/// KEYS: the buckets (see [`token_key`]). ARGV: burst, tokens per millisecond, now
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

/// A counter key's parts: (the key's prefix up to its resolution, resolution, dim tag, block start).
fn parse_counter_key(key: &str) -> Option<(&str, Resolution, &str, i64)> {
    let close = key.find("}:")? + 2;
    let (prefix, rest) = key.split_at(close);
    let (res, rest) = rest.split_once(':')?;
    let (dim, block) = rest.rsplit_once(':')?;
    let res = [Resolution::Minute, Resolution::Hour]
        .into_iter()
        .find(|r| r.tag() == res)?;
    Some((prefix, res, dim, block.parse().ok()?))
}

/// Token-bucket key groups. A batch takes its tokens in one script call (a call per network doubled
/// Redis's work per report); each group shares a hash tag, so that on a Redis Cluster a batch needs
/// at most one call per group, each within one slot.
const TOKEN_GROUPS: usize = 16;

/// A network's token bucket: `dtl:{t<g>}:<network>`, `g` from the network key (a keyed hash, so
/// groups fill evenly).
fn token_key(network: &NetworkKey) -> (usize, String) {
    let group = network
        .as_str()
        .bytes()
        .next()
        .and_then(|b| (b as char).to_digit(16))
        .map_or(0, |d| d as usize % TOKEN_GROUPS);
    (group, format!("dtl:{{t{group:x}}}:{network}"))
}

/// A service's counted reporters in a block: from one network, or (`None`) from all.
fn admission_key(service: &ServiceSlug, network: Option<&NetworkKey>, block: i64) -> String {
    match network {
        Some(n) => format!("dtc:{{{service}}}:n:{n}:{block}"),
        None => format!("dtc:{{{service}}}:t:{block}"),
    }
}

/// Every key of a service carries its slug as the hash tag; a slug holds no `{` or `}` (see
/// [`ServiceSlug::parse`]), so the tag is always exactly the slug.
fn counter_key(service: &ServiceSlug, dim: &Dim, res: Resolution, block_start: i64) -> String {
    format!("dt:{{{service}}}:{}:{}:{block_start}", res.tag(), dim.tag())
}

/// Claims live under their own prefix so that a rebuild's `dt:*` scan never touches them.
fn claim_key(claim: &Claim) -> String {
    format!("dtc:{{{}}}:r:{}", claim.service, claim.reporter)
}

impl RedisCounts {
    /// Which Redis process answers: its `run_id` (a new one at every start) and how long it has run.
    /// (On a Redis Cluster this must cover every master: each one restarts or fails over alone.)
    async fn identity(&self) -> Result<(String, i64), CountError> {
        let info: String = redis::cmd("INFO")
            .arg("server")
            .query_async(&mut self.conn.clone())
            .await?;
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
                .map(|v| v.trim().to_owned())
        };
        let run_id = field("run_id").unwrap_or_default();
        let uptime = field("uptime_in_seconds")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok((run_id, uptime))
    }

    /// Since when this Redis may lack counts it was given, at `now`: `now` when it holds no built
    /// marker (new or flushed: when is unknown); its start when it is another process than the
    /// counters were built on (restarted empty or from an old snapshot, or failed over); `None` when
    /// it is the same.
    pub async fn lost_since(&self, now: i64) -> Result<Option<i64>, CountError> {
        let marker: Option<String> = redis::cmd("GET")
            .arg(BUILT_MARKER)
            .query_async(&mut self.conn.clone())
            .await?;
        let Some(built_on) = marker else {
            return Ok(Some(now));
        };
        let (run_id, uptime) = self.identity().await?;
        Ok((built_on != run_id).then_some(now - uptime))
    }

    async fn mark_built(&self) -> Result<(), CountError> {
        let (run_id, _) = self.identity().await?;
        redis::cmd("SET")
            .arg(BUILT_MARKER)
            .arg(run_id)
            .query_async::<()>(&mut self.conn.clone())
            .await?;
        Ok(())
    }

    /// Every counter key (claims and rate limits have other prefixes; the marker is no counter).
    async fn counter_keys(&self) -> Result<Vec<String>, CountError> {
        let mut conn = self.conn.clone();
        let mut cursor: u64 = 0;
        let mut out = Vec::new();
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg("dt:{*")
                .arg("COUNT")
                .arg(1_000)
                .query_async(&mut conn)
                .await?;
            out.extend(keys);
            if next == 0 {
                return Ok(out);
            }
            cursor = next;
        }
    }

    /// A rebuild that loses no count recorded while it runs (see `rebuild.rs`): every hash of a block
    /// wholly before `cutoff` is swapped for SQL's counts in one transaction; a hash whose block
    /// straddles it is fixed atomically by [`FIX_LUA`]; later ones are left to the recorded counts.
    /// `buckets` holds the counted reports before `cutoff` (a minute boundary).
    pub async fn replace_before(
        &self,
        buckets: &[BucketCount],
        cutoff: i64,
        now: i64,
    ) -> Result<(), CountError> {
        type Slots = Vec<(i64, u64)>;
        let mut by_key: HashMap<String, (Resolution, i64, Slots)> = HashMap::new();
        for b in buckets
            .iter()
            .filter(|b| b.start >= b.resolution.oldest_kept(now) && b.start < cutoff)
        {
            let block = b.resolution.block_start(b.start);
            by_key
                .entry(counter_key(&b.service, &b.dim, b.resolution, block))
                .or_insert_with(|| (b.resolution, block, Vec::new()))
                .2
                .push((b.resolution.slot_in_block(b.start), b.count));
        }
        for key in self.counter_keys().await? {
            if let Some((_, res, _, block)) = parse_counter_key(&key) {
                by_key.entry(key).or_insert((res, block, Vec::new()));
            }
        }
        let mut conn = self.conn.clone();
        let mut swaps = redis::pipe();
        swaps.atomic();
        let mut queued = 0;
        for (key, (res, block, slots)) in &by_key {
            if *block >= cutoff {
                continue;
            }
            if block + res.block() <= cutoff {
                swaps.cmd("DEL").arg(key).ignore();
                if !slots.is_empty() {
                    Self::add_slots(&mut swaps, key, *res, *block, slots);
                }
                queued += 1;
                if queued >= 500 {
                    swaps.query_async::<()>(&mut conn).await?;
                    swaps = redis::pipe();
                    swaps.atomic();
                    queued = 0;
                }
                continue;
            }
            let (prefix, _, dim, _) = parse_counter_key(key).expect("a counter key");
            let hour = Resolution::Hour.floor(cutoff);
            let partial = *res == Resolution::Hour && hour != cutoff;
            let keep_from = res.slot_in_block(cutoff) + i64::from(partial);
            let minute_key = format!(
                "{prefix}{}:{dim}:{}",
                Resolution::Minute.tag(),
                Resolution::Minute.block_start(cutoff)
            );
            let mut call = self.fix_script.prepare_invoke();
            call.key(key)
                .key(&minute_key)
                .arg(keep_from)
                .arg(res.block_expiry(*block))
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
            call.invoke_async::<i64>(&mut conn).await?;
        }
        if queued > 0 {
            swaps.query_async::<()>(&mut conn).await?;
        }
        self.mark_built().await
    }

    /// HSETs of a block's slots in one command, and its expiry.
    fn add_slots(
        pipe: &mut redis::Pipeline,
        key: &str,
        res: Resolution,
        block: i64,
        slots: &[(i64, u64)],
    ) {
        let hset = pipe.cmd("HSET").arg(key);
        for (slot, n) in slots {
            hset.arg(slot).arg(n);
        }
        hset.ignore();
        pipe.cmd("EXPIREAT")
            .arg(key)
            .arg(res.block_expiry(block))
            .ignore();
    }
    pub async fn connect(url: &str) -> Result<Self, CountError> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(std::time::Duration::from_secs(2)))
            .set_response_timeout(Some(std::time::Duration::from_secs(2)))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_with_config(client, config).await?;
        Ok(Self {
            conn,
            admit_script: Arc::new(redis::Script::new(ADMIT_LUA)),
            bucket_script: Arc::new(redis::Script::new(BUCKET_LUA)),
            fix_script: Arc::new(redis::Script::new(FIX_LUA)),
        })
    }

    fn add_bucket_writes(
        pipe: &mut redis::Pipeline,
        key: &str,
        res: Resolution,
        slot: i64,
        n: u64,
        block: i64,
        incr: bool,
    ) {
        pipe.cmd(if incr { "HINCRBY" } else { "HSET" })
            .arg(key)
            .arg(slot)
            .arg(n)
            .ignore();
        pipe.cmd("EXPIREAT")
            .arg(key)
            .arg(res.block_expiry(block))
            .ignore();
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
        // One script call for the batch: a call per service cost Redis more in calling Lua than
        // in the work. Claims keep their order within each service, which is all that decides their
        // verdicts. (A Redis Cluster will need a call per slot: every key of one service shares one.)
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
        let block = bound.block(now);
        let mut call = self.admit_script.prepare_invoke();
        call.arg(ttl)
            .arg(bound.base)
            .arg(bound.share)
            .arg(2 * bound.window + 60);
        for (service, indexes) in &by_service {
            call.key(admission_key(service, None, block))
                .key(admission_key(service, None, block - 1))
                .arg(indexes.len());
            for &i in indexes {
                let c = &claims[i];
                call.key(claim_key(c))
                    .key(admission_key(service, Some(&c.network), block))
                    .key(admission_key(service, Some(&c.network), block - 1));
            }
        }
        let codes = call
            .invoke_async::<Vec<i64>>(&mut self.conn.clone())
            .await?;
        let order = by_service.iter().flat_map(|(_, indexes)| indexes);
        let mut verdicts = vec![Verdict::Repeat; claims.len()];
        for (&i, code) in order.zip(codes) {
            verdicts[i] = match code {
                0 => Verdict::Repeat,
                1 => Verdict::NetworkBound,
                c => Verdict::Counted {
                    first_of_network: c == 3,
                },
            };
        }
        Ok(verdicts)
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
        let mut pipe = redis::pipe();
        for c in claims {
            pipe.cmd("DEL").arg(claim_key(c)).ignore();
            pipe.cmd("DECR")
                .arg(admission_key(&c.service, Some(&c.network), block))
                .ignore();
            pipe.cmd("DECR")
                .arg(admission_key(&c.service, None, block))
                .ignore();
        }
        pipe.query_async::<()>(&mut self.conn.clone()).await?;
        Ok(())
    }

    async fn take_tokens(
        &self,
        networks: &[NetworkKey],
        now_ms: i64,
        limit: &RateLimit,
    ) -> Result<Vec<Option<u64>>, CountError> {
        // Per group: its networks (each once, with the requests it takes) and where the answers go.
        let mut groups: Vec<Vec<(String, Vec<usize>)>> = vec![Vec::new(); TOKEN_GROUPS];
        let mut seen: HashMap<&NetworkKey, (usize, usize)> = HashMap::with_capacity(networks.len());
        for (i, network) in networks.iter().enumerate() {
            if let Some(&(g, k)) = seen.get(network) {
                groups[g][k].1.push(i);
                continue;
            }
            let (g, key) = token_key(network);
            seen.insert(network, (g, groups[g].len()));
            groups[g].push((key, vec![i]));
        }
        // One call for the batch, keys in group order (a Redis Cluster will need a call per group:
        // each group's keys share a slot).
        let order: Vec<&(String, Vec<usize>)> = groups.iter().flatten().collect();
        let mut waits = vec![None; networks.len()];
        if order.is_empty() {
            return Ok(waits);
        }
        let mut call = self.bucket_script.prepare_invoke();
        call.arg(limit.burst)
            .arg(limit.per_minute / 60_000.0)
            .arg(now_ms)
            .arg(limit.refill_ms());
        for (key, indexes) in &order {
            call.key(key).arg(indexes.len());
        }
        let codes = call
            .invoke_async::<Vec<u64>>(&mut self.conn.clone())
            .await?;
        let slots = order.iter().flat_map(|(_, indexes)| indexes);
        for (&i, wait) in slots.zip(codes) {
            waits[i] = (wait > 0).then_some(wait);
        }
        Ok(waits)
    }

    async fn record(&self, hits: &[Hit], now: i64) -> Result<(), CountError> {
        // Merge the batch first: a burst on one service becomes one HINCRBY per bucket, not one per report.
        let mut merged: HashMap<(String, Resolution, i64, i64), u64> = HashMap::new();
        for hit in hits {
            for (dim, res) in hit.increments(now) {
                let block = res.block_start(hit.at);
                let key = counter_key(&hit.service, &dim, res, block);
                *merged
                    .entry((key, res, block, res.slot_in_block(hit.at)))
                    .or_default() += 1;
            }
        }
        if merged.is_empty() {
            return Ok(());
        }
        // One transaction: a hit's minute and hour increments land together, as a rebuild's fix of
        // the hour holding its cutoff reads them (see `FIX_LUA`).
        let mut pipe = redis::pipe();
        pipe.atomic();
        for ((key, res, block, slot), n) in &merged {
            Self::add_bucket_writes(&mut pipe, key, *res, *slot, *n, *block, true);
        }
        pipe.query_async::<()>(&mut self.conn.clone()).await?;
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
        if range.count == 0 {
            return Ok(out);
        }
        let first_block = resolution.block_start(range.first);
        let last_block = resolution.block_start(range.end() - 1);
        let blocks: Vec<i64> = (first_block..=last_block)
            .step_by(resolution.block() as usize)
            .collect();
        let mut pipe = redis::pipe();
        for &block in &blocks {
            pipe.cmd("HGETALL")
                .arg(counter_key(service, dim, resolution, block));
        }
        let hashes: Vec<HashMap<i64, u64>> = pipe.query_async(&mut self.conn.clone()).await?;
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
        let mut conn = self.conn.clone();
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg("dt:*")
                .arg("COUNT")
                .arg(1_000)
                .query_async(&mut conn)
                .await?;
            if !keys.is_empty() {
                redis::cmd("UNLINK")
                    .arg(&keys)
                    .query_async::<()>(&mut conn)
                    .await?;
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
        let live: Vec<&BucketCount> = buckets
            .iter()
            .filter(|b| b.start >= b.resolution.oldest_kept(now))
            .collect();
        for chunk in live.chunks(2_000) {
            let mut pipe = redis::pipe();
            for b in chunk {
                let block = b.resolution.block_start(b.start);
                let key = counter_key(&b.service, &b.dim, b.resolution, block);
                let slot = b.resolution.slot_in_block(b.start);
                Self::add_bucket_writes(&mut pipe, &key, b.resolution, slot, b.count, block, false);
            }
            pipe.query_async::<()>(&mut conn).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_carry_the_service_hash_tag() {
        let monzo = ServiceSlug::parse("monzo").unwrap();
        let k = counter_key(
            &monzo,
            &Dim::Region(crate::domain::RegionId::parse("GB-ENG").unwrap()),
            Resolution::Minute,
            86_400,
        );
        assert_eq!(k, "dt:{monzo}:m:r.GB-ENG:86400");
        let claim = Claim {
            service: monzo,
            reporter: crate::domain::ReporterKey::from_hex("ab12".into()),
            network: NetworkKey::from_hex("cd34".into()),
        };
        assert_eq!(claim_key(&claim), "dtc:{monzo}:r:ab12");
        assert_eq!(
            admission_key(&claim.service, Some(&claim.network), 7),
            "dtc:{monzo}:n:cd34:7"
        );
    }
}
