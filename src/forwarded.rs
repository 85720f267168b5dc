//! Who is the client behind a proxy: the address the socket shows, unless that socket is a proxy the
//! operator trusts, in which case the right-most address of `Forwarded` (RFC 7239) or
//! `X-Forwarded-For` that is not itself a trusted proxy. Proxies append what they saw, so everything
//! left of the last untrusted entry was written by the client and is worth nothing. Pure: headers in,
//! an address out.

use ipnet::{IpNet, Ipv4Net};
use std::net::IpAddr;
use std::str::FromStr;

/// The proxies whose forwarding headers are believed (`--trusted-proxies CIDR,…`). Empty by default:
/// then every header is ignored and the socket address is the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not an address or a CIDR block such as 10.0.0.0/8 or fd00::/8")]
pub struct BadProxy(pub String);

impl FromStr for TrustedProxies {
    type Err = BadProxy;

    /// A comma-separated list of addresses and CIDR blocks; an empty string trusts nobody.
    fn from_str(list: &str) -> Result<Self, BadProxy> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map(canonical_net)
                    .map_err(|_| BadProxy(s.to_owned()))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address. `forwarded` and `x_forwarded_for` are every value of those headers in
    /// the order received; `Forwarded` wins when it is present and readable. A header that cannot be
    /// read (garbage, an obfuscated or unknown node) ends the walk: the last trusted hop's address
    /// is then the best that is known, and never a client-chosen one.
    pub fn client(&self, socket: IpAddr, forwarded: &[&str], x_forwarded_for: &[&str]) -> IpAddr {
        let socket = canonical(socket);
        if !self.contains(socket) {
            return socket;
        }
        let hops = forwarded_for(forwarded).or_else(|| x_forwarded(x_forwarded_for));
        let Some(hops) = hops else {
            return socket;
        };
        let mut client = socket;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) => {
                    client = canonical(*ip);
                    if !self.contains(client) {
                        return client;
                    }
                }
                None => return client,
            }
        }
        client
    }
}

/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// An IPv4-mapped block (`::ffff:10.0.0.1`, `::ffff:10.0.0.0/104`) is that IPv4 block: addresses are
/// compared in their IPv4 form ([`canonical`]), so a mapped block kept as IPv6 would match nothing.
fn canonical_net(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => v6
            .addr()
            .to_ipv4_mapped()
            .and_then(|v4| Ipv4Net::new(v4, v6.prefix_len() - 96).ok())
            .map_or(net, IpNet::V4),
        other => other,
    }
}

/// The `for=` of every element of `Forwarded` headers, oldest hop first; `None` for a hop whose
/// node is not an address (`unknown`, `_hidden`, garbage). `None` overall when no element has a `for`.
fn forwarded_for(values: &[&str]) -> Option<Vec<Option<IpAddr>>> {
    let hops: Vec<Option<IpAddr>> = values
        .iter()
        .flat_map(|v| split_outside_quotes(v, ','))
        .filter_map(|element| {
            split_outside_quotes(element, ';')
                .into_iter()
                .find_map(|pair| {
                    let (name, value) = pair.split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| node_address(value.trim()))
                })
        })
        .collect();
    (!hops.is_empty()).then_some(hops)
}

/// Splits on `sep` where it is not inside a quoted string.
fn split_outside_quotes(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// A `Forwarded` node (RFC 7239 §6): `192.0.2.43`, `"192.0.2.43:47011"`, `"[2001:db8::1]:4711"`.
fn node_address(value: &str) -> Option<IpAddr> {
    let v = value.trim_matches('"');
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    match v.parse::<IpAddr>() {
        Ok(ip) => Some(ip),
        // IPv4 with a port.
        Err(_) => v
            .rsplit_once(':')?
            .0
            .parse::<std::net::Ipv4Addr>()
            .ok()
            .map(IpAddr::V4),
    }
}

/// The entries of `X-Forwarded-For` headers, oldest hop first; `None` for one that is not an address.
fn x_forwarded(values: &[&str]) -> Option<Vec<Option<IpAddr>>> {
    let hops: Vec<Option<IpAddr>> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(node_address)
        .collect();
    (!hops.is_empty()).then_some(hops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(s: &str) -> TrustedProxies {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_every_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &["for=1.2.3.4"], &["5.6.7.8"]),
            ip("203.0.113.9")
        );
        let lb = proxies("10.0.0.0/8");
        assert_eq!(
            lb.client(ip("203.0.113.9"), &[], &["5.6.7.8"]),
            ip("203.0.113.9"),
            "a socket that is no trusted proxy is the client, whatever it says"
        );
    }

    #[test]
    fn the_rightmost_untrusted_entry_is_the_client() {
        let lb = proxies("10.0.0.0/8, 192.168.1.1");
        // nginx $proxy_add_x_forwarded_for: the client wrote the first entry, nginx appended the second.
        assert_eq!(
            lb.client(ip("10.1.2.3"), &[], &["6.6.6.6, 198.51.100.7"]),
            ip("198.51.100.7")
        );
        // A chain of trusted proxies is skipped from the right.
        assert_eq!(
            lb.client(
                ip("10.1.2.3"),
                &[],
                &["6.6.6.6, 198.51.100.7", "192.168.1.1, 10.9.9.9"]
            ),
            ip("198.51.100.7")
        );
        // Only proxies: the left-most known hop.
        assert_eq!(
            lb.client(ip("10.1.2.3"), &[], &["10.4.4.4"]),
            ip("10.4.4.4")
        );
        // No header: the proxy itself.
        assert_eq!(lb.client(ip("10.1.2.3"), &[], &[]), ip("10.1.2.3"));
    }

    #[test]
    fn forwarded_is_understood_and_preferred() {
        let lb = proxies("10.0.0.0/8");
        assert_eq!(
            lb.client(
                ip("10.0.0.1"),
                &[r#"for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https"#],
                &["5.5.5.5"]
            ),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            lb.client(
                ip("10.0.0.1"),
                &["For=\"198.51.100.1:8080\";by=10.0.0.1"],
                &[]
            ),
            ip("198.51.100.1")
        );
        // Quoted separators do not split.
        assert_eq!(
            lb.client(
                ip("10.0.0.1"),
                &[r#"for="6.6.6.6;x,y", for=198.51.100.2"#],
                &[]
            ),
            ip("198.51.100.2")
        );
        // A Forwarded header without `for` leaves X-Forwarded-For in charge.
        assert_eq!(
            lb.client(ip("10.0.0.1"), &["proto=https"], &["198.51.100.3"]),
            ip("198.51.100.3")
        );
    }

    #[test]
    fn garbage_and_hidden_nodes_stop_at_the_last_trusted_hop() {
        let lb = proxies("10.0.0.0/8");
        assert_eq!(
            lb.client(ip("10.0.0.1"), &[], &["198.51.100.7, not-an-ip"]),
            ip("10.0.0.1")
        );
        assert_eq!(
            lb.client(ip("10.0.0.1"), &["for=unknown"], &[]),
            ip("10.0.0.1")
        );
        assert_eq!(
            lb.client(ip("10.0.0.1"), &["for=_hidden, for=10.2.2.2"], &[]),
            ip("10.2.2.2")
        );
    }

    #[test]
    fn ipv6_and_mapped_addresses() {
        let lb = proxies("fd00::/8,127.0.0.1");
        assert_eq!(
            lb.client(ip("fd00::1"), &[], &["2001:db8::5"]),
            ip("2001:db8::5")
        );
        assert_eq!(
            lb.client(ip("::ffff:127.0.0.1"), &[], &["::ffff:203.0.113.4"]),
            ip("203.0.113.4")
        );
    }

    /// Found by the `forwarded` fuzz target: a proxy listed in its IPv4-mapped form (as dual-stack
    /// sockets show it) was kept as an IPv6 block, which no address matches once read as IPv4.
    #[test]
    fn mapped_ipv4_proxies_are_trusted_as_ipv4() {
        let lb = proxies("::ffff:10.0.0.1, ::ffff:192.168.0.0/112");
        for trusted in [
            "10.0.0.1",
            "::ffff:10.0.0.1",
            "192.168.7.7",
            "::ffff:192.168.7.7",
        ] {
            assert!(lb.contains(ip(trusted)), "{trusted}");
        }
        assert!(!lb.contains(ip("10.0.0.2")));
        assert!(!lb.contains(ip("192.169.0.1")));
        assert_eq!(
            lb.client(ip("::ffff:10.0.0.1"), &[], &["198.51.100.7"]),
            ip("198.51.100.7")
        );
        // Every IPv4 address, written as one block.
        assert!(proxies("::ffff:0:0/96").contains(ip("203.0.113.9")));
    }

    #[test]
    fn lists_parse_or_name_the_bad_entry() {
        assert!(proxies("").is_empty());
        assert!(proxies(" 10.0.0.0/8 ,::1 ").contains(ip("::1")));
        assert_eq!(
            "10.0.0.0/8,nope".parse::<TrustedProxies>(),
            Err(BadProxy("nope".into()))
        );
    }

    proptest! {
        /// Whatever the headers say, the answer is the socket or an address a trusted proxy saw:
        /// a client can never choose an address to the left of the last untrusted hop.
        #[test]
        fn headers_never_panic_and_never_leave_the_chain(f in "\\PC{0,80}", x in "\\PC{0,80}") {
            let lb = proxies("10.0.0.0/8");
            let got = lb.client(ip("10.0.0.1"), &[f.as_str()], &[x.as_str()]);
            let untrusted = ip("203.0.113.1");
            prop_assert_eq!(lb.client(untrusted, &[f.as_str()], &[x.as_str()]), untrusted);
            let _ = got;
        }
    }
}
