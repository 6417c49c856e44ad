//! Finding 2: slow and idle clients cannot hold the gateway. 500 connections that trickle a
//! request head a byte at a time are closed by the header-read timeout (10 s), an idle
//! kept-alive connection is closed too, and a normal request is served meanwhile.

use crate::harness::{client, status_of, Serve};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const SLOW: usize = 500;

/// Whether the gateway closed `tcp` (EOF or reset) rather than leaving it open.
fn closed(tcp: &mut TcpStream) -> bool {
    tcp.set_read_timeout(Some(Duration::from_millis(5)))
        .unwrap();
    let mut buf = [0u8; 512];
    loop {
        match tcp.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // an answer (408) before the close
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn half_open_and_idle_connections_are_closed_and_others_still_served() {
    rlimit::increase_nofile_limit(4096).unwrap();
    let s = Serve::start();
    let token = s.token("slow");
    let mut slow: Vec<TcpStream> = (0..SLOW)
        .map(|_| {
            let mut tcp = TcpStream::connect(s.addr).unwrap();
            tcp.write_all(b"GET /v1/models HTTP/1.1\r\nHo").unwrap();
            tcp
        })
        .collect();
    // A kept-alive connection that goes idle after one answer.
    let mut idle = TcpStream::connect(s.addr).unwrap();
    let port = s.addr.port();
    idle.write_all(
        format!("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let mut head = [0u8; 64];
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let n = idle.read(&mut head).unwrap();
    assert_eq!(status_of(&String::from_utf8_lossy(&head[..n])), 200);

    let start = Instant::now();
    let mut served_meanwhile = 0;
    while start.elapsed() < Duration::from_secs(6) {
        // One more byte of the head on every slow connection, every ~2 s.
        for tcp in &mut slow {
            let _ = tcp.write_all(b"s");
        }
        let resp = client()
            .get(s.url("/v1/models"))
            .bearer_auth(&token)
            .send()
            .unwrap();
        assert_eq!(
            resp.status(),
            200,
            "a normal request while {SLOW} connections trickle"
        );
        served_meanwhile += 1;
        std::thread::sleep(Duration::from_secs(2));
    }
    assert!(served_meanwhile >= 3);
    assert!(
        !closed(&mut idle),
        "too early: the idle connection is closed at 10 s, not before"
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let open: usize = slow.iter_mut().map(|t| usize::from(!closed(t))).sum();
        let idle_open = !closed(&mut idle);
        if open == 0 && !idle_open {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{open} of {SLOW} trickling connections and the idle one ({idle_open}) still open after {:?}",
            start.elapsed()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(9),
        "closed after {took:?}: before the 10 s timeout"
    );
    let resp = client()
        .get(s.url("/v1/models"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200, "and the gateway is still up");
}

#[test]
fn a_stream_longer_than_the_header_timeout_is_not_cut() {
    let s = Serve::start();
    let token = s.token("long-stream");
    let up = crate::harness::slow_stream_upstream(13);
    s.cli_with_input(
        &[
            "backend",
            "add",
            "Slow",
            "--kind",
            "openai",
            "--base-url",
            &format!("http://{up}/v1"),
            "--key-stdin",
        ],
        "sk-slow-stream-key\n",
    );
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(40))
        .build()
        .unwrap();
    let body = serde_json::json!({"model": "Slow/m", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let resp = s.post_until_routed(&http, &token, &body);
    assert_eq!(resp.status(), 200);
    let text = resp.text().unwrap();
    assert!(
        text.contains("t12 "),
        "the last chunk (13 s in) arrived: {text}"
    );
    assert!(text.contains("[DONE]"), "{text}");
}
