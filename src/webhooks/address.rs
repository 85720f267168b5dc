//! Which subscriber URLs downtally may call (server-side request forgery refused): `https://` to
//! hosts whose every address is public; `http://` only to loopback and only under the development
//! setting. The URL is a secret: nothing here puts it in an error.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use reqwest::Url;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::LazyLock;

/// The longest URL a subscription may name.
pub const MAX_URL_LEN: usize = 2048;

/// Why a URL or its addresses are refused (no part of the URL in it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the url is not a valid absolute URL of at most 2048 characters")]
    Malformed,
    #[error("the url must use https://")]
    NotHttps,
    #[error("the url may not carry a user name or password")]
    Credentials,
    #[error("the url's host does not resolve")]
    Unresolved,
    #[error("the url's host resolves to an address that is not public")]
    NotPublic,
}

/// How strict the check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policy {
    /// Development and tests only: `http://` to loopback addresses (and nothing else) is allowed.
    pub allow_loopback_http: bool,
}

/// A URL that passed the syntax check, with its host and port (no address yet).
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Url,
    pub host: String,
    pub port: u16,
    /// `http://` under the development setting: only loopback addresses will pass.
    pub loopback_only: bool,
}

/// The syntax check: an absolute `https://` URL (or `http://` under the development setting) with
/// a host, no credentials and no fragment.
pub fn parse(raw: &str, policy: Policy) -> Result<Target, Refused> {
    if raw.len() > MAX_URL_LEN {
        return Err(Refused::Malformed);
    }
    let mut url = Url::parse(raw).map_err(|_| Refused::Malformed)?;
    let loopback_only = match url.scheme() {
        "https" => false,
        "http" if policy.allow_loopback_http => true,
        _ => return Err(Refused::NotHttps),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refused::Credentials);
    }
    url.set_fragment(None);
    let host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_ascii_lowercase(),
        Some(url::Host::Ipv4(a)) => a.to_string(),
        Some(url::Host::Ipv6(a)) => a.to_string(),
        None => return Err(Refused::Malformed),
    };
    let port = url.port_or_known_default().ok_or(Refused::Malformed)?;
    Ok(Target {
        url,
        host,
        port,
        loopback_only,
    })
}

impl Target {
    /// The address written in the URL, when it is an IP literal.
    pub fn literal(&self) -> Option<IpAddr> {
        match self.url.host() {
            Some(url::Host::Ipv4(a)) => Some(IpAddr::V4(a)),
            Some(url::Host::Ipv6(a)) => Some(IpAddr::V6(a)),
            _ => None,
        }
    }

    /// Resolves the host (once) and checks every address: all of them must be allowed, or the URL
    /// is refused. The addresses returned are the ones to connect to (no second resolution).
    pub async fn resolve(&self) -> Result<Vec<SocketAddr>, Refused> {
        let addrs: Vec<SocketAddr> = match self.literal() {
            Some(ip) => vec![SocketAddr::new(ip, self.port)],
            None => tokio::net::lookup_host((self.host.as_str(), self.port))
                .await
                .map_err(|_| Refused::Unresolved)?
                .collect(),
        };
        self.check(&addrs)?;
        Ok(addrs)
    }

    /// Every address allowed for this URL's scheme, and at least one.
    pub fn check(&self, addrs: &[SocketAddr]) -> Result<(), Refused> {
        if addrs.is_empty() {
            return Err(Refused::Unresolved);
        }
        let allowed = |ip: IpAddr| {
            if self.loopback_only {
                canonical(ip).is_loopback()
            } else {
                is_public(ip)
            }
        };
        if addrs.iter().all(|a| allowed(a.ip())) {
            Ok(())
        } else {
            Err(Refused::NotPublic)
        }
    }
}

/// An IPv4 address written as IPv6 (mapped `::ffff:a.b.c.d`) read as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// IPv4 ranges that are not the public internet (IANA special-purpose registry, RFC 6890 and after).
static V4_REFUSED: LazyLock<Vec<Ipv4Net>> = LazyLock::new(|| {
    [
        "0.0.0.0/8",       // "this network", unspecified
        "10.0.0.0/8",      // private (RFC 1918)
        "100.64.0.0/10",   // carrier-grade NAT (RFC 6598)
        "127.0.0.0/8",     // loopback
        "169.254.0.0/16",  // link-local (cloud metadata lives here)
        "172.16.0.0/12",   // private
        "192.0.0.0/24",    // IETF protocol assignments
        "192.0.2.0/24",    // documentation (TEST-NET-1)
        "192.31.196.0/24", // AS112
        "192.52.193.0/24", // AMT
        "192.88.99.0/24",  // 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  // private
        "192.175.48.0/24", // AS112 direct delegation
        "198.18.0.0/15",   // benchmarking
        "198.51.100.0/24", // documentation (TEST-NET-2)
        "203.0.113.0/24",  // documentation (TEST-NET-3)
        "224.0.0.0/4",     // multicast
        "240.0.0.0/4",     // reserved, and 255.255.255.255 broadcast
    ]
    .iter()
    .map(|n| n.parse().expect("valid network"))
    .collect()
});

/// IPv6 ranges that are not the public internet, inside 2000::/3 (everything outside it is refused:
/// loopback, unspecified, mapped and compatible IPv4, ULA fc00::/7, link-local fe80::/10,
/// multicast ff00::/8, discard 100::/64, …).
static V6_REFUSED: LazyLock<Vec<Ipv6Net>> = LazyLock::new(|| {
    [
        "2001::/23",     // IETF protocol assignments (Teredo 2001::/32, ORCHID, benchmarking)
        "2001:db8::/32", // documentation
        "2002::/16",     // 6to4: an IPv4 address inside, of any kind
        "3fff::/20",     // documentation (RFC 9637)
    ]
    .iter()
    .map(|n| n.parse().expect("valid network"))
    .collect()
});

static V6_GLOBAL: LazyLock<Ipv6Net> = LazyLock::new(|| "2000::/3".parse().expect("valid network"));

/// NAT64 (64:ff9b::/96): the IPv4 address in its last 32 bits decides.
static V6_NAT64: LazyLock<Ipv6Net> =
    LazyLock::new(|| "64:ff9b::/96".parse().expect("valid network"));

/// Whether `ip` is an address of the public internet that a subscriber's server may have.
pub fn is_public(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if V6_NAT64.contains(&v6) {
                let o = v6.octets();
                return is_public_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
            }
            V6_GLOBAL.contains(&v6) && !V6_REFUSED.iter().any(|n| n.contains(&v6))
        }
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    !V4_REFUSED.iter().any(|n| n.contains(&v4))
}

/// Every refused range, for the tests and the documentation.
pub fn refused_ranges() -> Vec<IpNet> {
    V4_REFUSED
        .iter()
        .map(|&n| IpNet::V4(n))
        .chain(V6_REFUSED.iter().map(|&n| IpNet::V6(n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::net::Ipv6Addr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn public_addresses_pass() {
        for a in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.32.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "64:ff9b::808:808",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip(a)), "{a} is public");
        }
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for a in [
            "127.0.0.1",
            "127.255.255.254",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "198.18.0.1",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "100::1",
            "2001:db8::1",
            "2001::1",
            "2002:7f00:1::1",
            "3fff::1",
        ] {
            assert!(!is_public(ip(a)), "{a} must be refused");
        }
    }

    #[test]
    fn urls_must_be_https_without_credentials() {
        let strict = Policy::default();
        let dev = Policy {
            allow_loopback_http: true,
        };
        assert!(parse("https://example.com/hook", strict).is_ok());
        assert_eq!(
            parse("http://example.com/hook", strict).unwrap_err(),
            Refused::NotHttps
        );
        assert_eq!(
            parse("ftp://example.com/", dev).unwrap_err(),
            Refused::NotHttps
        );
        assert_eq!(
            parse("https://user:pw@example.com/", strict).unwrap_err(),
            Refused::Credentials
        );
        assert_eq!(parse("not a url", strict).unwrap_err(), Refused::Malformed);
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(parse(&long, strict).unwrap_err(), Refused::Malformed);
        let t = parse("http://127.0.0.1:9/x", dev).unwrap();
        assert!(t.loopback_only);
        assert_eq!(t.port, 9);
    }

    #[test]
    fn literal_addresses_are_checked_by_scheme() {
        let strict = Policy::default();
        let dev = Policy {
            allow_loopback_http: true,
        };
        let check = |raw: &str, p: Policy| {
            let t = parse(raw, p)?;
            let ip = t.literal().expect("literal");
            t.check(&[SocketAddr::new(ip, t.port)])
        };
        for raw in [
            "https://127.0.0.1/",
            "https://10.0.0.1/",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[fd00::1]/",
        ] {
            assert_eq!(check(raw, strict), Err(Refused::NotPublic), "{raw}");
            assert_eq!(check(raw, dev), Err(Refused::NotPublic), "{raw} (dev)");
        }
        // The development setting lets http:// reach loopback, and nothing else.
        assert!(check("http://127.0.0.1:8080/", dev).is_ok());
        assert!(check("http://[::1]:8080/", dev).is_ok());
        assert_eq!(check("http://10.0.0.1/", dev), Err(Refused::NotPublic));
        assert_eq!(check("http://8.8.8.8/", dev), Err(Refused::NotPublic));
        assert!(check("https://8.8.8.8/", strict).is_ok());
    }

    #[test]
    fn one_refused_address_among_public_ones_refuses_the_host() {
        let t = parse("https://example.com/", Policy::default()).unwrap();
        let good = SocketAddr::new(ip("8.8.8.8"), 443);
        let bad = SocketAddr::new(ip("10.0.0.1"), 443);
        assert!(t.check(&[good]).is_ok());
        assert_eq!(t.check(&[good, bad]), Err(Refused::NotPublic));
        assert_eq!(t.check(&[]), Err(Refused::Unresolved));
    }

    #[tokio::test]
    async fn localhost_resolves_to_loopback_and_is_refused_over_https() {
        let t = parse("https://localhost/hook", Policy::default()).unwrap();
        assert!(t.resolve().await.is_err());
    }

    proptest! {
        #[test]
        fn every_address_in_a_refused_range_is_refused(n in any::<usize>(), bits in any::<u128>()) {
            let ranges = refused_ranges();
            let net = ranges[n % ranges.len()];
            let addr = match net {
                IpNet::V4(v4) => {
                    let host = (bits as u32) & !u32::from(v4.netmask());
                    IpAddr::V4(Ipv4Addr::from(u32::from(v4.network()) | host))
                }
                IpNet::V6(v6) => {
                    let host = bits & !u128::from(v6.netmask());
                    IpAddr::V6(Ipv6Addr::from(u128::from(v6.network()) | host))
                }
            };
            prop_assert!(!is_public(addr), "{} in {}", addr, net);
        }

        #[test]
        fn a_mapped_address_reads_as_its_ipv4(v4 in any::<u32>()) {
            let a = Ipv4Addr::from(v4);
            prop_assert_eq!(is_public(IpAddr::V4(a)), is_public(IpAddr::V6(a.to_ipv6_mapped())));
        }

        #[test]
        fn ipv6_outside_global_unicast_is_refused(bits in any::<u128>()) {
            let a = Ipv6Addr::from(bits);
            if !V6_GLOBAL.contains(&a) && a.to_ipv4_mapped().is_none() && !V6_NAT64.contains(&a) {
                prop_assert!(!is_public(IpAddr::V6(a)));
            }
        }
    }
}
