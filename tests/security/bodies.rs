//! Finding 2 (bodies): an oversized body is refused before it is read, and a request with no
//! token is refused before its body is read.

use crate::harness::{status_of, Serve};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Sends the head and `sent` bytes of a body declared as `declared` bytes, then reads the
/// answer without sending the rest: (status, time to answer).
fn partial(s: &Serve, auth: &str, declared: usize, sent: usize) -> (u16, Duration) {
    let mut tcp = TcpStream::connect(s.addr).unwrap();
    let port = s.addr.port();
    let start = Instant::now();
    tcp.write_all(
        format!(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}content-type: application/json\r\ncontent-length: {declared}\r\n\r\n"
        )
        .as_bytes(),
    )
    .unwrap();
    tcp.write_all(&vec![b' '; sent]).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 1024];
    let n = tcp.read(&mut buf).unwrap_or(0);
    (
        status_of(&String::from_utf8_lossy(&buf[..n])),
        start.elapsed(),
    )
}

#[test]
fn an_oversized_body_is_refused_before_it_is_sent() {
    let s = Serve::start();
    let token = s.token("bodies");
    let (status, took) = partial(
        &s,
        &format!("Authorization: Bearer {token}\r\n"),
        50 << 20,
        0,
    );
    assert_eq!(status, 413, "a declared 50 MiB body");
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
}

#[test]
fn a_large_body_without_a_token_is_refused_at_once() {
    let s = Serve::start();
    let (status, took) = partial(&s, "", 10 << 20, 64 << 10);
    assert_eq!(status, 401, "10 MiB declared, 64 KiB sent, no token");
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
}
