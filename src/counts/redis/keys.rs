//! The Redis store's keys. Each is made only here, by a function that takes what decides its hash
//! tag (a service, or a token group), and carries that tag both in its text (`{…}`, which is what
//! Redis Cluster hashes) and in its type ([`Key::tag`], which is what the store groups its calls by):
//! all keys of one tag live in one hash slot, so a script or pipeline over keys of one tag is valid on
//! a cluster. A slug holds no `{` or `}` (see [`ServiceSlug::parse`]), so a service's tag is always
//! exactly its slug.

use crate::counts::{Claim, Dim, Resolution};
use crate::domain::{NetworkKey, ServiceSlug};

/// What a key hashes by: every key of one tag is in one Redis Cluster slot.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tag {
    /// Counters, claims and admission counts of one service: `{<slug>}`.
    Service(ServiceSlug),
    /// One group of networks' token buckets: `{t<g>}`.
    Tokens(usize),
}

/// A key and its hash tag (fields private: only the functions of this module make one).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    tag: Tag,
    text: String,
}

impl Key {
    pub fn tag(&self) -> &Tag {
        &self.tag
    }

    #[cfg(test)]
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl redis::ToRedisArgs for Key {
    fn write_redis_args<W: ?Sized + redis::RedisWrite>(&self, out: &mut W) {
        out.write_arg(self.text.as_bytes());
    }
}

impl redis::ToSingleRedisArg for Key {}

/// Token-bucket key groups. A batch takes its tokens in one script call per group at most (a call
/// per network doubled Redis's work per report); each group is one tag.
pub const TOKEN_GROUPS: usize = 16;

/// A series' counts in one block: a hash of bucket slots (`dt:{slug}:<res>:<dim>:<block>`).
pub fn counter(service: &ServiceSlug, dim: &Dim, res: Resolution, block_start: i64) -> Key {
    CounterKey::new(service, res, &dim.tag(), block_start).key
}

/// A counter key with its parts, as made for a bucket or read back from a `SCAN`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CounterKey {
    pub key: Key,
    pub service: ServiceSlug,
    pub resolution: Resolution,
    /// The series' tag (`Dim::tag`).
    pub dim: String,
    pub block: i64,
}

impl CounterKey {
    pub fn new(service: &ServiceSlug, resolution: Resolution, dim: &str, block: i64) -> Self {
        Self {
            key: Key {
                text: format!("dt:{{{service}}}:{}:{dim}:{block}", resolution.tag()),
                tag: Tag::Service(service.clone()),
            },
            service: service.clone(),
            resolution,
            dim: dim.to_owned(),
            block,
        }
    }

    /// The parts of `dt:{slug}:<res>:<dim>:<block>`; `None` for any other key.
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.strip_prefix("dt:{")?;
        let (slug, rest) = rest.split_once("}:")?;
        let service = ServiceSlug::parse(slug).ok()?;
        let (res, rest) = rest.split_once(':')?;
        let (dim, block) = rest.rsplit_once(':')?;
        let resolution = Resolution::BOTH.into_iter().find(|r| r.tag() == res)?;
        Some(Self::new(&service, resolution, dim, block.parse().ok()?))
    }

    /// The same series' key at another resolution and block (same service: same tag).
    pub fn sibling(&self, resolution: Resolution, block: i64) -> Key {
        Self::new(&self.service, resolution, &self.dim, block).key
    }
}

/// A reporter's claim on a service. Claims live under their own prefix, so that a rebuild's `dt:*`
/// scan never touches them.
pub fn claim(claim: &Claim) -> Key {
    Key {
        text: format!("dtc:{{{}}}:r:{}", claim.service, claim.reporter),
        tag: Tag::Service(claim.service.clone()),
    }
}

/// A service's counted reporters in a block: from one network, or (`None`) from all.
pub fn admission(service: &ServiceSlug, network: Option<&NetworkKey>, block: i64) -> Key {
    let text = match network {
        Some(n) => format!("dtc:{{{service}}}:n:{n}:{block}"),
        None => format!("dtc:{{{service}}}:t:{block}"),
    };
    Key {
        text,
        tag: Tag::Service(service.clone()),
    }
}

/// A network's token bucket: `dtl:{t<g>}:<network>`, `g` from the network key (a keyed hash, so
/// groups fill evenly).
pub fn tokens(network: &NetworkKey) -> Key {
    let group = network
        .as_str()
        .bytes()
        .next()
        .and_then(|b| (b as char).to_digit(16))
        .map_or(0, |d| d as usize % TOKEN_GROUPS);
    Key {
        text: format!("dtl:{{t{group:x}}}:{network}"),
        tag: Tag::Tokens(group),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{RegionId, ReporterKey};

    /// The slot Redis Cluster gives a key: CRC16 of its hash tag (the text between the first `{` and
    /// the next `}`) modulo 16384.
    fn slot(key: &Key) -> redis::cluster_routing::Slot {
        redis::cluster_routing::Slot::for_key(key.as_str())
    }

    #[test]
    fn keys_carry_their_tag_in_text_and_type() {
        let monzo = ServiceSlug::parse("monzo").unwrap();
        let k = counter(
            &monzo,
            &Dim::Region(RegionId::parse("GB-ENG").unwrap()),
            Resolution::Minute,
            86_400,
        );
        assert_eq!(k.as_str(), "dt:{monzo}:m:r.GB-ENG:86400");
        assert_eq!(k.tag(), &Tag::Service(monzo.clone()));
        let c = Claim {
            service: monzo.clone(),
            reporter: ReporterKey::from_hex("ab12".into()),
            network: NetworkKey::from_hex("cd34".into()),
        };
        assert_eq!(claim(&c).as_str(), "dtc:{monzo}:r:ab12");
        assert_eq!(
            admission(&monzo, Some(&c.network), 7).as_str(),
            "dtc:{monzo}:n:cd34:7"
        );
        let t = tokens(&c.network);
        assert_eq!(t.as_str(), "dtl:{tc}:cd34");
        assert_eq!(t.tag(), &Tag::Tokens(12));
    }

    #[test]
    fn keys_of_one_tag_share_a_slot() {
        let monzo = ServiceSlug::parse("monzo").unwrap();
        let c = Claim {
            service: monzo.clone(),
            reporter: ReporterKey::from_hex("ab12".into()),
            network: NetworkKey::from_hex("cd34".into()),
        };
        let of_monzo = [
            counter(&monzo, &Dim::All, Resolution::Hour, 0),
            counter(&monzo, &Dim::Networks, Resolution::Minute, 900),
            claim(&c),
            admission(&monzo, None, 3),
            admission(&monzo, Some(&c.network), 3),
        ];
        assert!(of_monzo.iter().all(|k| slot(k) == slot(&of_monzo[0])));
        let a = tokens(&NetworkKey::from_hex("c1".into()));
        let b = tokens(&NetworkKey::from_hex("cfff".into()));
        assert_eq!((a.tag(), slot(&a)), (b.tag(), slot(&b)));
    }

    #[test]
    fn counter_keys_read_back_from_a_scan() {
        let monzo = ServiceSlug::parse("monzo").unwrap();
        let dim = Dim::Region(RegionId::parse("GB-ENG").unwrap());
        let made = CounterKey::new(&monzo, Resolution::Hour, &dim.tag(), 86_400);
        let text = counter(&monzo, &dim, Resolution::Hour, 86_400);
        assert_eq!(made.key, text);
        assert_eq!(CounterKey::parse(text.as_str()), Some(made.clone()));
        assert_eq!(
            made.sibling(Resolution::Minute, 0).as_str(),
            "dt:{monzo}:m:r.GB-ENG:0"
        );
        for other in [
            "dt:built",
            "dtc:{monzo}:t:5",
            "dt:{monzo}:x:all:5",
            "dt:{monzo}:m:all:x",
        ] {
            assert_eq!(CounterKey::parse(other), None, "{other}");
        }
    }
}
