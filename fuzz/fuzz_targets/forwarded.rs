//! Who the client is behind proxies (`TrustedProxies::client`) and the `--trusted-proxies` list
//! (`FromStr for TrustedProxies`).
//!
//! Input, as lines: the trusted list; the socket address (when it does not parse, the first address
//! of the list, so trusted sockets are common); then header values, `F:` for `Forwarded` and any
//! other line for `X-Forwarded-For`. The answer is always the socket or an address that appears in
//! the headers, and the socket itself when it is not trusted.
#![no_main]

use downtally::forwarded::TrustedProxies;
use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr};

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Every address written anywhere in the header values, however it is delimited (a superset of what
/// the parser may pick).
fn addresses_in(values: &[&str]) -> Vec<IpAddr> {
    values
        .iter()
        .flat_map(|v| v.split(|c: char| ",;=\"[]".contains(c) || c.is_whitespace()))
        .filter_map(|token| {
            token.parse::<IpAddr>().ok().or_else(|| {
                let (host, _port) = token.rsplit_once(':')?;
                host.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
            })
        })
        .map(canonical)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let list = lines.next().unwrap_or_default();
    let socket_line = lines.next().unwrap_or_default();

    let proxies = match list.parse::<TrustedProxies>() {
        Ok(p) => {
            for item in list.split(',').map(str::trim) {
                if let Ok(ip) = item.parse::<IpAddr>() {
                    assert!(p.contains(ip), "{ip} listed but not trusted in {list:?}");
                }
            }
            assert_eq!(p.is_empty(), list.split(',').all(|s| s.trim().is_empty()));
            p
        }
        Err(_) => TrustedProxies::default(),
    };

    let socket = socket_line
        .trim()
        .parse::<IpAddr>()
        .ok()
        .unwrap_or_else(|| {
            list.split(',')
                .filter_map(|item| item.trim().split('/').next()?.parse::<IpAddr>().ok())
                .next()
                .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
        });

    let mut forwarded = Vec::new();
    let mut x_forwarded_for = Vec::new();
    for line in lines {
        match line.strip_prefix("F:") {
            Some(value) => forwarded.push(value),
            None => x_forwarded_for.push(line),
        }
    }

    let client = proxies.client(socket, &forwarded, &x_forwarded_for);
    if !proxies.contains(socket) {
        assert_eq!(
            client,
            canonical(socket),
            "an untrusted socket is the client"
        );
        return;
    }
    if client != canonical(socket) {
        let seen: Vec<IpAddr> = addresses_in(&forwarded)
            .into_iter()
            .chain(addresses_in(&x_forwarded_for))
            .collect();
        assert!(
            seen.contains(&client),
            "{client} is neither the socket {socket} nor in the headers {forwarded:?} {x_forwarded_for:?}"
        );
    }
});
