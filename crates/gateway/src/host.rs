//! Which `Host` a request may name: the DNS-rebinding defence. A browser page on `evil.com` that
//! rebinds its name to 127.0.0.1 still sends `Host: evil.com`, so only names of this machine are
//! answered. The header is parsed strictly (RFC 3986 `host [":" port]`): a bracketed IPv6 address
//! is read with [`Ipv6Addr`] and may be followed by `:port` only, a port is digits only, and the
//! request must carry exactly one `Host` (an HTTP/2 request's `:authority` stands in for it).

use axum::http::{header, HeaderMap, Uri};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The host a request names (lower-cased, IPv6 without brackets), or `None` when it names none
/// or more than one, or the value is not a well-formed `host[:port]`.
pub fn requested(headers: &HeaderMap, uri: &Uri) -> Option<Host> {
    let mut values = headers.get_all(header::HOST).iter();
    let from_header = match (values.next(), values.next()) {
        (Some(v), None) => Some(parse(v.to_str().ok()?)?),
        (None, None) => None,
        _ => return None,
    };
    // An absolute-form URI (`GET http://x/ HTTP/1.1`) or HTTP/2's `:authority` names a host
    // too; when both are present they must both be allowed, so check the URI's separately.
    let from_uri = match uri.authority() {
        Some(a) => Some(parse(a.as_str())?),
        None => None,
    };
    match (from_header, from_uri) {
        (Some(h), Some(u)) if h != u => None,
        (Some(h), _) => Some(h),
        (None, u) => u,
    }
}

/// Whether a request naming `host`, on the connection `peer`, is addressed to this machine:
/// always a loopback name; with other machines allowed, also one of `config.host_names` or the
/// very address the connection came in on (which no rebinding page can name).
pub fn allowed(
    host: Option<&Host>,
    peer: Option<crate::serve::Peer>,
    config: &crate::GatewayConfig,
) -> bool {
    let Some(host) = host else { return false };
    if host.is_loopback() {
        return true;
    }
    if !config.allow_non_loopback {
        return false;
    }
    match host {
        Host::Name(n) => config.host_names.iter().any(|h| h == n),
        Host::Ip(ip) => peer.is_some_and(|p| canonical(p.local.ip()) == canonical(*ip)),
    }
}

/// Whether the connecting address may use the gateway: loopback always; others when the
/// allow-list is empty or holds their network.
pub fn peer_allowed(peer: Option<crate::serve::Peer>, networks: &[ipnet::IpNet]) -> bool {
    let Some(peer) = peer else { return false };
    let ip = canonical(peer.remote.ip());
    ip.is_loopback() || networks.is_empty() || networks.iter().any(|n| n.contains(&ip))
}

/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`, what a dual-stack socket reports) as the
/// IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// A parsed host name or address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Name(String),
    Ip(IpAddr),
}

impl Host {
    /// localhost, `*.localhost`, 127.0.0.0/8, `::1`, or `::ffff:127.x.y.z`.
    pub fn is_loopback(&self) -> bool {
        match self {
            Host::Name(n) => n == "localhost" || n.ends_with(".localhost"),
            Host::Ip(IpAddr::V4(ip)) => ip.is_loopback(),
            Host::Ip(IpAddr::V6(ip)) => {
                ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
        }
    }
}

/// `host[:port]` with nothing else: `[v6]`, a dotted IPv4 address, or a DNS name.
fn parse(value: &str) -> Option<Host> {
    if let Some(rest) = value.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !after.is_empty() && !after.strip_prefix(':').is_some_and(is_port) {
            return None;
        }
        return inside
            .parse::<Ipv6Addr>()
            .ok()
            .map(|ip| Host::Ip(ip.into()));
    }
    let name = match value.rsplit_once(':') {
        Some((name, port)) if is_port(port) => name,
        Some(_) => return None,
        None => value,
    };
    if name.is_empty() || name.contains(':') {
        return None;
    }
    if let Ok(ip) = name.parse::<Ipv4Addr>() {
        return Some(Host::Ip(ip.into()));
    }
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    // A name of digits only (`2130706433`) is not a name: some resolvers read it as an address.
    let numeric = lower.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    (lower.len() <= 253 && lower.split('.').all(label_ok) && !numeric).then_some(Host::Name(lower))
}

fn is_port(p: &str) -> bool {
    !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn host_of(values: &[&str], uri: &str) -> Option<Host> {
        let mut m = HeaderMap::new();
        for v in values {
            m.append(header::HOST, HeaderValue::from_str(v).unwrap());
        }
        requested(&m, &uri.parse().unwrap())
    }

    fn loopback(v: &str) -> bool {
        host_of(&[v], "/").is_some_and(|h| h.is_loopback())
    }

    #[test]
    fn names_of_this_machine_pass() {
        for ok in [
            "localhost:4141",
            "LOCALHOST",
            "localhost.",
            "127.0.0.1:4141",
            "127.1.2.3",
            "[::1]:4141",
            "[::1]",
            "[::ffff:127.0.0.1]:4141",
            "[0:0:0:0:0:0:0:1]:4141",
            "app.localhost:80",
        ] {
            assert!(loopback(ok), "{ok} is this machine");
        }
    }

    #[test]
    fn everything_else_is_refused() {
        for bad in [
            "evil.example.com",
            "evil.example.com:4141",
            "127.0.0.1.evil.com",
            "localhost.evil.com",
            "localhost:4141@evil",
            "localhost:41x",
            "localhost:",
            "2130706433",
            "0x7f.1",
            "[::1]evil.com",
            "[::1]@x",
            "[::1]:80:80",
            "[::1",
            "::1",
            "[::2]:1",
            "192.168.1.5:4141",
            "",
            "local host",
            "localhost:123456",
        ] {
            assert!(!loopback(bad), "{bad:?} must be refused (DNS rebinding)");
        }
    }

    fn peer(remote: &str, local: &str) -> Option<crate::serve::Peer> {
        Some(crate::serve::Peer {
            remote: remote.parse().unwrap(),
            local: local.parse().unwrap(),
            tls: false,
        })
    }

    #[test]
    fn other_machines_must_name_this_one_and_come_from_an_allowed_network() {
        let mut config = crate::GatewayConfig {
            host_names: vec!["devbox".into(), "devbox.local".into()],
            ..crate::GatewayConfig::default()
        };
        let lan = peer("192.168.1.20:5000", "192.168.1.5:4141");
        let name = |v: &str| host_of(&[v], "/");
        assert!(
            !allowed(name("192.168.1.5:4141").as_ref(), lan, &config),
            "loopback-only mode"
        );
        config.allow_non_loopback = true;
        for ok in [
            "192.168.1.5:4141",
            "DEVBOX:4141",
            "devbox.local",
            "localhost",
        ] {
            assert!(allowed(name(ok).as_ref(), lan, &config), "{ok}");
        }
        for bad in [
            "evil.example.com",
            "192.168.1.6:4141",
            "devbox.evil.com",
            "10.0.0.1",
        ] {
            assert!(!allowed(name(bad).as_ref(), lan, &config), "{bad}");
        }
        assert!(peer_allowed(lan, &[]), "no list: any network");
        let home: ipnet::IpNet = "192.168.1.0/24".parse().unwrap();
        let office: ipnet::IpNet = "10.0.0.0/8".parse().unwrap();
        assert!(peer_allowed(lan, &[home]));
        assert!(!peer_allowed(lan, &[office]));
        assert!(
            peer_allowed(peer("127.0.0.1:1", "127.0.0.1:2"), &[office]),
            "loopback always"
        );
        assert!(
            peer_allowed(peer("[::ffff:192.168.1.20]:1", "[::]:2"), &[home]),
            "v4-mapped"
        );
        assert!(!peer_allowed(None, &[]), "no peer, no entry");
    }

    #[test]
    fn one_host_only_and_the_uri_must_agree() {
        assert_eq!(host_of(&[], "/"), None, "no Host at all");
        assert_eq!(host_of(&["localhost", "localhost"], "/"), None, "two Hosts");
        assert_eq!(
            host_of(&["localhost:1"], "http://evil.com/v1/models"),
            None,
            "an absolute-form URI naming another host"
        );
        assert!(host_of(&[], "http://127.0.0.1:9/v1").is_some_and(|h| h.is_loopback()));
        assert!(host_of(&["127.0.0.1:9"], "http://127.0.0.1:9/v1").is_some());
    }
}
