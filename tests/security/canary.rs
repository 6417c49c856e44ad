//! The canary sweep: a key that every failure a provider can produce quotes back — a 401, a 429
//! storm, 5xx, an answer that breaks off, a stream's error event, in bodies and in headers — is
//! found afterwards in no answer, no header, no ledger row (`requests --json`), no TRACE log line
//! and no file in the data folder (SQLite database and its WAL, the log files).

use crate::harness::{client, upstream, Asked, Serve, BIN};
use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const CANARY: &str = "sk-CANARYsweepC4N4RYsweep0000001234";

/// How many requests each failing upstream answered, by [`Failure`] index.
static ANSWERED: [AtomicUsize; 5] = [const { AtomicUsize::new(0) }; 5];

/// What one upstream does to every POST; each quotes the key in its body and a header.
#[derive(Clone, Copy)]
enum Failure {
    Refused,
    Throttled,
    Broken,
    StreamError,
    CutOff,
}

fn write_all(mut conn: TcpStream, head: &str, body: &str) {
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(body.as_bytes());
}

fn fail(how: Failure, conn: TcpStream, Asked { key, .. }: Asked) {
    ANSWERED[how as usize].fetch_add(1, Ordering::SeqCst);
    let json = |status: u16, extra: &str, message: &str| {
        let body = format!(r#"{{"error":{{"message":"{message}","type":"x"}}}}"#);
        format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\nx-echo-key: {key}\r\n{extra}content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    match how {
        Failure::Refused => write_all(
            conn,
            &json(
                401,
                &format!("www-authenticate: Bearer realm=\"{key}\"\r\n"),
                &format!("Incorrect API key provided: {key}"),
            ),
            "",
        ),
        Failure::Throttled => write_all(
            conn,
            &json(429, "retry-after: 0\r\n", &format!("Rate limit reached for {key}")),
            "",
        ),
        Failure::Broken => write_all(
            conn,
            &json(500, "", &format!("internal error while serving {key}")),
            "",
        ),
        Failure::StreamError => write_all(
            conn,
            &format!("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-echo-key: {key}\r\nconnection: close\r\n\r\n"),
            &format!("data: {{\"error\":{{\"message\":\"stream broke for {key}\",\"type\":\"server_error\"}}}}\n\n"),
        ),
        Failure::CutOff => write_all(
            conn,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\nconnection: close\r\n\r\n",
            &format!(r#"{{"id":"x","choices":[{{"message":{{"content":"{key}"#),
        ),
    }
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &[u8], found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_containing(&path, needle, found);
        } else if let Ok(bytes) = std::fs::read(&path) {
            if bytes.windows(needle.len()).any(|w| w == needle) {
                found.push(path.display().to_string());
            }
        }
    }
}

#[test]
fn a_key_every_failure_quotes_back_is_found_nowhere() {
    let logs = tempfile::tempdir().unwrap();
    let stderr = std::fs::File::create(logs.path().join("stderr.log")).unwrap();
    let s = Serve::start_with(tempfile::tempdir().unwrap(), "trace", Stdio::from(stderr));
    let token = s.token("canary");
    let failures = [
        ("Refused", Failure::Refused),
        ("Throttled", Failure::Throttled),
        ("Broken", Failure::Broken),
        ("StreamError", Failure::StreamError),
        ("CutOff", Failure::CutOff),
    ];
    for (name, how) in failures {
        let up = upstream(move |conn, asked| fail(how, conn, asked));
        let base = format!("http://{up}/v1");
        let args = ["backend", "add", name, "--kind", "openai-compatible"];
        let args = [
            &args[..],
            &["--base-url", &base, "--model", "m", "--key-stdin"],
        ]
        .concat();
        s.cli_with_input(&args, &format!("{CANARY}\n"));
    }
    let http = client();
    for (name, how) in failures {
        for stream in [false, true] {
            let body = serde_json::json!({"model": format!("{name}/m"), "stream": stream,
                "messages": [{"role": "user", "content": "hi"}]});
            let resp = s.post_until_routed(&http, &token, &body);
            let headers = format!("{:?}", resp.headers());
            let text = resp.text().unwrap_or_default();
            assert!(
                !headers.contains("CANARY"),
                "{name} (stream {stream}): {headers}"
            );
            assert!(!text.contains("CANARY"), "{name} (stream {stream}): {text}");
        }
        assert!(
            ANSWERED[how as usize].load(Ordering::SeqCst) >= 1,
            "{name}'s upstream was asked"
        );
    }

    // The server writes its ledger in batches (up to 100 ms after a request): read it from
    // this other process until the last failure is there.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let (out, ledger) = loop {
        let ledger = Command::new(BIN)
            .args(["requests", "--json", "--limit", "100"])
            .env("SWITCHYARD_DATA_DIR", s.data.path())
            .env("RUST_LOG", "trace")
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&ledger.stdout).into_owned();
        if out.contains("CutOff") || std::time::Instant::now() > deadline {
            break (out, ledger);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(
        out.contains("CutOff"),
        "the failures are in the ledger: {out}"
    );
    assert!(!out.contains("CANARY"), "ledger: {out}");
    assert!(!String::from_utf8_lossy(&ledger.stderr).contains("CANARY"));

    let data = s.stop();
    let mut found = Vec::new();
    files_containing(data.path(), CANARY.as_bytes(), &mut found);
    files_containing(logs.path(), CANARY.as_bytes(), &mut found);
    assert!(found.is_empty(), "the key is in {found:?}");
    let trace = std::fs::read_to_string(logs.path().join("stderr.log")).unwrap();
    assert!(
        trace.contains("TRACE"),
        "the gateway logged at TRACE ({} bytes)",
        trace.len()
    );
}
