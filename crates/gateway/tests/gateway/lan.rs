//! "Allow other machines": the gateway listens on every interface, answers only requests that
//! name this machine (a configured host name, or the address the connection came in on), and
//! only from the allowed networks. Exercised over a real non-loopback interface of this machine.

use super::*;
use std::io::{Read, Write};
use switchyard_mock::MockServer;

/// This machine's address on its default route (no packet is sent: a UDP connect only picks
/// the source address).
fn lan_address() -> std::net::IpAddr {
    let probe = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    probe
        .connect("192.0.2.1:9")
        .or_else(|_| probe.connect("8.8.8.8:53"))
        .expect("this machine has a non-loopback route");
    let ip = probe.local_addr().unwrap().ip();
    assert!(!ip.is_loopback(), "no non-loopback interface to test on");
    ip
}

/// A raw GET /v1/models to `addr` naming `host`; the status code.
fn status(addr: std::net::SocketAddr, host: &str) -> u16 {
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    write!(
        tcp,
        "GET /v1/models HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = tcp.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

async fn lan_gateway(networks: &[&str]) -> (MockServer, Harness, std::net::SocketAddr) {
    let config = GatewayConfig {
        bind: "0.0.0.0:0".parse().unwrap(),
        allow_non_loopback: true,
        host_names: vec!["devbox".into(), "devbox.local".into()],
        allowed_networks: networks.iter().map(|n| n.parse().unwrap()).collect(),
        ..GatewayConfig::default()
    };
    let (mock, h) = start_demo_with(config).await;
    let port = h.gateway.addr().port();
    let addr = std::net::SocketAddr::new(lan_address(), port);
    (mock, h, addr)
}

#[tokio::test(flavor = "multi_thread")]
async fn other_machines_must_name_this_one() {
    let (_mock, h, lan) = lan_gateway(&[]).await;
    let port = lan.port();
    let checks = tokio::task::spawn_blocking(move || {
        [
            (format!("{}:{port}", lan.ip()), 200),
            (format!("devbox:{port}"), 200),
            ("devbox.local".to_string(), 200),
            ("evil.example.com".to_string(), 403),
            ("devbox.evil.example.com".to_string(), 403),
            (format!("203.0.113.9:{port}"), 403),
        ]
        .map(|(host, want)| (status(lan, &host), want, host))
    })
    .await
    .unwrap();
    for (got, want, host) in checks {
        assert_eq!(got, want, "Host {host} from {lan}");
    }
    drop(h);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_allowed_networks_may_connect() {
    let lan_ip = lan_address();
    let own = format!("{lan_ip}/32");
    let (_mock, allowed, addr) = lan_gateway(&[own.as_str()]).await;
    let host = addr.to_string();
    let got = tokio::task::spawn_blocking(move || status(addr, &host))
        .await
        .unwrap();
    assert_eq!(got, 200, "this machine's own address is in the list");
    drop(allowed);

    let (_mock, refused, addr) = lan_gateway(&["203.0.113.0/24"]).await;
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], addr.port()));
    let (from_lan, from_loopback) = tokio::task::spawn_blocking(move || {
        (
            status(addr, &addr.to_string()),
            status(loopback, "localhost"),
        )
    })
    .await
    .unwrap();
    assert_eq!(from_lan, 403, "{lan_ip} is not in 203.0.113.0/24");
    assert_eq!(from_loopback, 200, "loopback always may");
    drop(refused);
}
