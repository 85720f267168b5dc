//! Reporter keys without addresses. A reporter is a keyed hash of (network prefix, User-Agent, service)
//! under a salt that rotates every UTC day and is deleted after two, so keys cannot be linked across days
//! and no stored value leads back to an address.

use crate::counts::buckets::DAY;
use crate::domain::{NetworkKey, ReportKind, ReporterKey, ServiceSlug};
use crate::store::{Db, StoreError};
use hmac::{Hmac, Mac};
use parking_lot::RwLock;
use rand::RngCore;
use sha2::Sha256;
use std::net::IpAddr;
use std::sync::Arc;

/// The network a request came from: IPv4 /24 or IPv6 /64. Households and mobile carriers share these,
/// which is the point: the prefix tells reporters apart well enough without identifying anyone.
pub fn network_prefix(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            vec![4, o[0], o[1], o[2]]
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => network_prefix(IpAddr::V4(v4)),
            None => {
                let mut out = vec![6];
                out.extend_from_slice(&v6.octets()[..8]);
                out
            }
        },
    }
}

/// The network whose weight on the counts is bounded: IPv4 /24 or IPv6 /48 (a site; one household
/// or office can hold a whole /48, so its /64s are not separate networks).
pub fn weight_prefix(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let mut out = vec![6];
            out.extend_from_slice(&v6.octets()[..6]);
            out
        }
        _ => network_prefix(ip),
    }
}

/// Hex of the first 64 bits of HMAC-SHA256(salt, "network" ‖ /24 or /48 prefix): the same for every
/// service, so one network's reports to several services are seen as one network.
pub fn network_key(salt: &[u8], ip: IpAddr) -> NetworkKey {
    let mut mac = Hmac::<Sha256>::new_from_slice(salt).expect("HMAC takes keys of any length");
    mac.update(b"network\xff");
    mac.update(&weight_prefix(ip));
    NetworkKey::from_hex(hex::encode(&mac.finalize().into_bytes()[..8]))
}

/// Hex of the first 128 bits of HMAC-SHA256(salt, prefix ‖ user agent ‖ service).
pub fn reporter_key(
    salt: &[u8],
    ip: IpAddr,
    user_agent: &str,
    service: &ServiceSlug,
) -> ReporterKey {
    keyed_reporter(salt, ip, user_agent, service, None)
}

/// The reporter key a report of `kind` claims: "works again" is a claim of its own, so someone who
/// reported the problem can say it is over within the same 15 minutes and is counted once for each.
pub fn reporter_key_for(
    salt: &[u8],
    ip: IpAddr,
    user_agent: &str,
    service: &ServiceSlug,
    kind: ReportKind,
) -> ReporterKey {
    let scope = (kind == ReportKind::WorksAgain).then_some(ReportKind::WORKS_AGAIN);
    keyed_reporter(salt, ip, user_agent, service, scope)
}

fn keyed_reporter(
    salt: &[u8],
    ip: IpAddr,
    user_agent: &str,
    service: &ServiceSlug,
    scope: Option<&str>,
) -> ReporterKey {
    let mut mac = Hmac::<Sha256>::new_from_slice(salt).expect("HMAC takes keys of any length");
    mac.update(&network_prefix(ip));
    mac.update(&[0xff]);
    mac.update(user_agent.as_bytes());
    mac.update(&[0xff]);
    mac.update(service.as_str().as_bytes());
    if let Some(scope) = scope {
        mac.update(&[0xff]);
        mac.update(scope.as_bytes());
    }
    ReporterKey::from_hex(hex::encode(&mac.finalize().into_bytes()[..16]))
}

/// A UTC day number and its salt.
type DaySalt = (i64, Arc<[u8]>);

/// The current day's salt, fetched from SQL once a day and shared by every app node.
#[derive(Clone)]
pub struct Salts {
    db: Db,
    current: Arc<RwLock<Option<DaySalt>>>,
}

impl Salts {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            current: Arc::new(RwLock::new(None)),
        }
    }

    pub async fn for_time(&self, now: i64) -> Result<Arc<[u8]>, StoreError> {
        let day = now.div_euclid(DAY);
        if let Some((d, salt)) = self.current.read().as_ref()
            && *d == day
        {
            return Ok(salt.clone());
        }
        let mut candidate = [0u8; 32];
        rand::rng().fill_bytes(&mut candidate);
        let salt: Arc<[u8]> = self.db.day_salt(day, &candidate).await?.into();
        *self.current.write() = Some((day, salt.clone()));
        Ok(salt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_network_same_browser_same_service_is_one_reporter() {
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        let b: IpAddr = "203.0.113.200".parse().unwrap();
        let c: IpAddr = "203.0.114.7".parse().unwrap();
        let slug = |s: &str| ServiceSlug::parse(s).unwrap();
        let k = |ip, ua, svc: &str| reporter_key(b"salt", ip, ua, &slug(svc));
        assert_eq!(k(a, "UA", "monzo"), k(b, "UA", "monzo"));
        assert_ne!(k(a, "UA", "monzo"), k(c, "UA", "monzo"));
        assert_ne!(k(a, "UA", "monzo"), k(a, "UA2", "monzo"));
        assert_ne!(k(a, "UA", "monzo"), k(a, "UA", "barclays"));
        assert_ne!(
            k(a, "UA", "monzo"),
            reporter_key(b"other", a, "UA", &slug("monzo"))
        );
        assert_eq!(k(a, "UA", "monzo").as_str().len(), 32);
        let works = |kind| reporter_key_for(b"salt", a, "UA", &slug("monzo"), kind);
        assert_eq!(
            works(ReportKind::Problem(crate::domain::ProblemKind::Card)),
            k(a, "UA", "monzo")
        );
        assert_ne!(works(ReportKind::WorksAgain), k(a, "UA", "monzo"));
    }

    #[test]
    fn network_keys_group_a_24_or_a_48_and_differ_by_day() {
        let k = |ip: &str| network_key(b"salt", ip.parse().unwrap());
        assert_eq!(k("203.0.113.7"), k("203.0.113.250"));
        assert_ne!(k("203.0.113.7"), k("203.0.112.7"));
        assert_eq!(k("2001:db8:1:2::1"), k("2001:db8:1:ffff::1"));
        assert_ne!(k("2001:db8:1::1"), k("2001:db8:2::1"));
        assert_eq!(k("::ffff:203.0.113.9"), k("203.0.113.1"));
        assert_ne!(
            k("203.0.113.7"),
            network_key(b"other", "203.0.113.7".parse().unwrap())
        );
        assert_eq!(k("203.0.113.7").as_str().len(), 16);
    }

    #[test]
    fn ipv6_uses_the_64_prefix_and_mapped_v4_counts_as_v4() {
        let x: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let y: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let z: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(network_prefix(x), network_prefix(y));
        assert_ne!(network_prefix(x), network_prefix(z));
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        let v4: IpAddr = "203.0.113.1".parse().unwrap();
        assert_eq!(network_prefix(mapped), network_prefix(v4));
    }
}
