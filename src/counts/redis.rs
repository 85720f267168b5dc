//! Redis counter store. One hash per (service, series, resolution, block), fields are bucket slots in
//! the block, so a 24-hour read is two HGETALLs. Every key carries the `{slug}` hash tag: a service's
//! keys share a Redis Cluster slot. Writes are pipelined, one pipeline per intake batch.

use super::{BucketCount, BucketRange, Claim, CountError, CountStore, Dim, Hit, Resolution};
use crate::domain::ServiceSlug;
use redis::aio::ConnectionManager;
use std::collections::HashMap;

/// Set once counters have been built from SQL; its absence means Redis was flushed or is new.
const BUILT_MARKER: &str = "dt:built";

#[derive(Clone)]
pub struct RedisCounts {
    conn: ConnectionManager,
}

/// Every key of a service carries its slug as the hash tag; a slug holds no `{` or `}` (see
/// [`ServiceSlug::parse`]), so the tag is always exactly the slug.
fn counter_key(service: &ServiceSlug, dim: &Dim, res: Resolution, block_start: i64) -> String {
    format!("dt:{{{service}}}:{}:{}:{block_start}", res.tag(), dim.tag())
}

/// Claims live under their own prefix so that a rebuild's `dt:*` scan never touches them.
fn claim_key(claim: &Claim) -> String {
    format!("dtc:{{{}}}:{}", claim.service, claim.reporter)
}

impl RedisCounts {
    pub async fn connect(url: &str) -> Result<Self, CountError> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(std::time::Duration::from_secs(2)))
            .set_response_timeout(Some(std::time::Duration::from_secs(2)))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_with_config(client, config).await?;
        Ok(Self { conn })
    }

    /// The shared connection, for leases kept in the same Redis (see `lease.rs`).
    pub(super) fn connection(&self) -> ConnectionManager {
        self.conn.clone()
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
    async fn claim_reporters(
        &self,
        claims: &[Claim],
        _now: i64,
        ttl: i64,
    ) -> Result<Vec<bool>, CountError> {
        if claims.is_empty() {
            return Ok(Vec::new());
        }
        let mut pipe = redis::pipe();
        for claim in claims {
            pipe.cmd("SET")
                .arg(claim_key(claim))
                .arg(1)
                .arg("NX")
                .arg("EX")
                .arg(ttl);
        }
        let answers: Vec<Option<String>> = pipe.query_async(&mut self.conn.clone()).await?;
        Ok(answers.into_iter().map(|a| a.is_some()).collect())
    }

    async fn release_reporters(&self, claims: &[Claim]) -> Result<(), CountError> {
        if claims.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = claims.iter().map(claim_key).collect();
        redis::cmd("DEL")
            .arg(keys)
            .query_async::<()>(&mut self.conn.clone())
            .await?;
        Ok(())
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
        let mut pipe = redis::pipe();
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
        redis::cmd("SET")
            .arg(BUILT_MARKER)
            .arg(now)
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }

    async fn needs_rebuild(&self) -> Result<bool, CountError> {
        let exists: bool = redis::cmd("EXISTS")
            .arg(BUILT_MARKER)
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(!exists)
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
        };
        assert_eq!(claim_key(&claim), "dtc:{monzo}:ab12");
    }
}
