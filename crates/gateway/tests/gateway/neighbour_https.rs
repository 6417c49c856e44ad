//! A neighbour cannot crowd out the user when the gateway's port speaks HTTPS too (issue 70,
//! fault 4): a connection still opening — nothing sent, or a TLS handshake begun and left —
//! gives way at the cap like one that sent half a request head. A small cap (8) stands for the
//! default's 1,024 (`neighbour.rs` holds that many).

use super::*;
use std::io::Read;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// A self-signed certificate and key for 127.0.0.1, made by openssl in `dir`.
fn certificate(dir: &std::path::Path) -> switchyard_gateway::TlsFiles {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl makes the test's certificate");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    switchyard_gateway::TlsFiles { cert, key }
}

#[tokio::test]
async fn connections_still_opening_give_way_at_the_cap_when_the_port_speaks_https() {
    let dir = tempfile::tempdir().unwrap();
    let config = GatewayConfig {
        tls: Some(certificate(dir.path())),
        connections: switchyard_gateway::ConnectionLimits {
            max: 8,
            ..Default::default()
        },
        ..GatewayConfig::default()
    };
    let (mock, h) = start_demo_with(config).await;
    // Eight connections fill the cap: half send nothing (the gateway waits for the first
    // byte), half begin a TLS handshake and stop (a record header announcing 512 bytes).
    let mut crowd = Vec::new();
    for i in 0..8 {
        let mut tcp = tokio::net::TcpStream::connect(h.gateway.addr())
            .await
            .unwrap();
        if i % 2 == 1 {
            tcp.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
                .await
                .unwrap();
        }
        crowd.push(tcp.into_std().unwrap());
    }
    for _ in 0..200 {
        if h.gateway.connections().iter().sum::<usize>() == 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        h.gateway.connections().iter().sum::<usize>(),
        8,
        "the cap is full"
    );
    let started = Instant::now();
    let resp = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap()
        .post(format!("{}/v1/chat/completions", h.base))
        .bearer_auth(TOKEN)
        .json(&openai_chat("demo-chat", false))
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(resp.status(), 200);
    assert!(
        took < Duration::from_millis(1_500),
        "answered in {took:?}: a connection still opening gives way, the user does not wait \
         for the 10 s handshake timeout"
    );
    assert_eq!(mock.calls("chat"), 1);
    // The oldest of the crowd, which had sent nothing, was the one closed.
    let mut first = crowd.swap_remove(0);
    first
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0u8; 16];
    let read = first.read(&mut buf);
    assert!(
        matches!(read, Ok(0))
            || read.is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
        "the oldest connection still opening was closed to make room"
    );
}
