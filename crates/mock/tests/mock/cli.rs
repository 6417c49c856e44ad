//! The `switchyard-mock` binary: listening line, auth flags, SIGTERM, bad args.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_switchyard-mock");

#[cfg(unix)]
#[tokio::test]
async fn prints_listening_line_and_serves() {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(BIN)
        .args([
            "--port",
            "0",
            "--key",
            "a",
            "--key",
            "b",
            "--rate-limited-key",
            "r",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().strip_prefix("listening ").unwrap().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"));
    let status = |key: &'static str| {
        let url = format!("{base}/v1/models");
        async move {
            client()
                .get(url)
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(status("b").await, 200);
    assert_eq!(status("x").await, 401);
    assert_eq!(status("r").await, 429);
    // SIGTERM ends it cleanly.
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(child.wait().unwrap().success());
}

#[test]
fn bad_args_exit_2() {
    let out = Command::new(BIN).args(["--port", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
    assert!(out.stdout.is_empty());
}
