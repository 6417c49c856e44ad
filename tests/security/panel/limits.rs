//! Check before reading (issue 69, faults 5 and 6): the panel decides from a request's headers
//! before it reads a byte of its body, reads a body under its route's cap and deadline, only so
//! many at once, streams an upload to disk under quotas, and caps sessions per token without
//! ever signing out another token's browser.

use crate::harness::Panel;
use reqwest::blocking::Client;
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A request head sent on a new connection, whose body is left to the caller.
fn open_with_head(panel: &Panel, head: &str) -> TcpStream {
    let mut s = TcpStream::connect(panel.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    s
}

/// The status the server answered on `s`, or `None` when it answered nothing in time.
fn status(s: &mut TcpStream) -> Option<u16> {
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

#[test]
fn unsigned_uploads_are_refused_from_their_headers_and_hold_no_memory() {
    let panel = Panel::start();
    let before = panel.rss();
    let host = panel.addr;
    let head = format!(
        "POST /panel/api/files?name=x.env HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nContent-Type: application/octet-stream\r\nContent-Length: 16000000\r\n\r\n"
    );
    let chunk = vec![b'x'; 1 << 20];
    let mut held = Vec::new();
    for _ in 0..48 {
        let mut s = open_with_head(&panel, &head);
        // Half the announced body, then nothing: a partial upload.
        for _ in 0..8 {
            if s.write_all(&chunk).is_err() {
                break;
            }
        }
        held.push(s);
    }
    let grown = panel.rss().saturating_sub(before);
    assert!(
        grown < 48 << 20,
        "48 partial uploads without a session grew the server by {} MiB: bodies must not be read before the gate",
        grown >> 20
    );
    for s in &mut held {
        assert_eq!(status(s), Some(401), "no session: refused from the headers");
    }
}

#[test]
fn held_sign_ins_leave_the_gateways_tools_their_connections() {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let panel = Panel::start();
    let tool = panel.token(&["tool"]);
    let host = panel.addr;
    let head = format!(
        "POST /panel/api/session HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{{\"tok"
    );
    let held: Vec<TcpStream> = (0..1100).map(|_| open_with_head(&panel, &head)).collect();
    let started = Instant::now();
    let models = Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap()
        .get(panel.url("/v1/models"))
        .bearer_auth(&tool)
        .send();
    let answered = models.map(|r| r.status().as_u16());
    assert_eq!(
        answered.ok(),
        Some(200),
        "a tool's request must be answered while 1,100 sign-ins hold their bodies ({:?})",
        started.elapsed()
    );
    let mut refused = 0;
    for mut s in held.into_iter().take(64) {
        if matches!(status(&mut s), Some(503 | 408)) {
            refused += 1;
        }
    }
    assert!(
        refused >= 64 - crate::harness::SIGN_INS_AT_ONCE,
        "past the few sign-ins read at once, each is answered at once ({refused} of 64)"
    );
}

#[test]
fn a_sign_in_that_never_finishes_is_cut_off_and_an_oversized_one_refused_unread() {
    let panel = Panel::start();
    let host = panel.addr;
    let head = format!(
        "POST /panel/api/session HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{{\"token\""
    );
    let mut slow = open_with_head(&panel, &head);
    let started = Instant::now();
    assert_eq!(status(&mut slow), Some(408), "a body that does not arrive");
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "cut off within its deadline"
    );
    let big = format!(
        "POST /panel/api/session HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n"
    );
    let mut s = open_with_head(&panel, &big);
    assert_eq!(
        status(&mut s),
        Some(413),
        "refused from its declared length"
    );
}

#[test]
fn sessions_are_capped_per_token_and_never_end_another_tokens() {
    let panel = Panel::start();
    let mine = panel.token(&["laptop", "--panel"]);
    let theirs = panel.token(&["script", "--panel"]);
    let (session, csrf) = panel.sign_in(&mine).unwrap();
    for _ in 0..(2 * crate::harness::MAX_SESSIONS / 3) {
        panel.sign_in(&theirs).unwrap();
    }
    let still = panel.call(
        &session,
        Some(&csrf),
        Some(&panel.origin()),
        "list_backends",
    );
    assert_eq!(
        still.status(),
        200,
        "signing in again and again with one token must not sign another token's browser out"
    );
}

fn upload(panel: &Panel, session: &str, csrf: &str, bytes: Vec<u8>) -> reqwest::blocking::Response {
    Client::new()
        .post(panel.url("/panel/api/files?name=big.env"))
        .header("origin", panel.origin())
        .header("cookie", format!("switchyard_session={session}"))
        .header("x-switchyard-csrf", csrf)
        .body(bytes)
        .send()
        .unwrap()
}

/// An upload announcing `length` bytes and sending none: what the panel answers from its
/// headers alone (it closes the connection rather than read what it refused).
fn announced(panel: &Panel, session: &str, csrf: &str, length: u64) -> Option<u16> {
    let host = panel.addr;
    let head = format!(
        "POST /panel/api/files?name=big.env HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nCookie: switchyard_session={session}\r\nx-switchyard-csrf: {csrf}\r\nContent-Length: {length}\r\n\r\n"
    );
    status(&mut open_with_head(panel, &head))
}

#[test]
fn uploads_stream_to_disk_under_the_sessions_quota_and_go_with_the_session() {
    let panel = Panel::start();
    let token = panel.token(&["laptop", "--panel"]);
    let (session, csrf) = panel.sign_in(&token).unwrap();
    let max = crate::harness::UPLOAD_MAX as usize;
    assert_eq!(
        announced(&panel, &session, &csrf, max as u64 + 1),
        Some(413),
        "over the cap, refused before a byte is read"
    );
    for _ in 0..3 {
        let resp = upload(&panel, &session, &csrf, vec![b'x'; max]);
        assert_eq!(resp.status(), 200, "within the session's quota");
    }
    assert_eq!(
        announced(&panel, &session, &csrf, 1),
        Some(507),
        "past the session's quota, the answer says so"
    );
    let files = panel.data.path().join("panel-files");
    let count = || std::fs::read_dir(&files).map_or(0, |d| d.count());
    assert_eq!(count(), 3, "a refused upload leaves nothing");
    let out = Client::new()
        .delete(panel.url("/panel/api/session"))
        .header("origin", panel.origin())
        .header("cookie", format!("switchyard_session={session}"))
        .header("x-switchyard-csrf", &csrf)
        .send()
        .unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(count(), 0, "a session's uploads go with it");
    let gone = panel.call_with(
        &session,
        Some(&csrf),
        Some(&panel.origin()),
        "list_backends",
        json!({}),
    );
    assert_eq!(gone.status(), 401);
}
