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
    stop_cleanly(&mut child);
}

#[test]
fn bad_args_exit_2() {
    let out = Command::new(BIN).args(["--port", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
    assert!(out.stdout.is_empty());
}

#[cfg(unix)]
#[tokio::test]
async fn plan_and_record_flags() {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let record = std::env::temp_dir().join(format!(
        "switchyard-mock-cli-{}-record.jsonl",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&record);
    let mut child = Command::new(BIN)
        .args(["--plan-token", "sk-ant-oat01-T", "--plan-requests", "1"])
        .args(["--plan-reset", "600", "--record"])
        .arg(&record)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().strip_prefix("listening ").unwrap().to_owned();
    let send = || {
        client()
            .post(format!("{base}/v1/messages"))
            .bearer_auth("sk-ant-oat01-T")
            .header("anthropic-beta", "oauth-2025-04-20")
            .json(&json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}))
            .send()
    };
    assert_eq!(send().await.unwrap().status(), 200);
    let refused = send().await.unwrap();
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((590..=600).contains(&wait));
    let recorded = std::fs::read_to_string(&record).unwrap();
    assert_eq!(recorded.lines().count(), 2);
    assert_eq!(recorded.matches("Bearer sk-ant-oat01-T").count(), 2);
    stop_cleanly(&mut child);
    let _ = std::fs::remove_file(&record);
}

#[test]
fn plan_limits_without_a_plan_token_exit_2() {
    let out = Command::new(BIN)
        .args(["--plan-requests", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--plan-token"));
    help_lists(&[
        "--plan-token",
        "--plan-requests",
        "--plan-reset",
        "--record",
    ]);
}

/// The binary's `--help` names each of `flags`.
fn help_lists(flags: &[&str]) {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in flags {
        assert!(help.contains(flag), "{flag} in --help");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn chatgpt_flags() {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(BIN)
        .args([
            "--chatgpt-token",
            "eyJ.T.sig",
            "--chatgpt-account",
            "acct-9",
        ])
        .args(["--chatgpt-requests", "1", "--chatgpt-reset", "600"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().strip_prefix("listening ").unwrap().to_owned();
    let send = |account: &'static str| {
        client()
            .post(format!("{base}/backend-api/codex/responses"))
            .bearer_auth("eyJ.T.sig")
            .header("chatgpt-account-id", account)
            .json(&json!({"model": "gpt-5.5", "stream": true, "input": "hi"}))
            .send()
    };
    assert_eq!(send("acct-other").await.unwrap().status(), 401);
    let ok = send("acct-9").await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["x-codex-primary-window-minutes"], "10");
    let refused = send("acct-9").await.unwrap();
    assert_eq!(refused.status(), 429);
    let now = unix_now();
    let v: Value = refused.json().await.unwrap();
    let resets_at = v["error"]["resets_at"].as_u64().unwrap();
    assert!((now + 590..=now + 600).contains(&resets_at), "{v}");
    stop_cleanly(&mut child);
}

#[test]
fn chatgpt_flags_without_a_token_or_an_account_exit_2() {
    for args in [
        &["--chatgpt-requests", "3"][..],
        &["--chatgpt-account", "acct-1"],
        &["--chatgpt-reset", "60"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--chatgpt-token"));
    }
    let out = Command::new(BIN)
        .args(["--chatgpt-token", "eyJ.T.sig"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a token needs its account");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--chatgpt-account"));
    help_lists(&[
        "--chatgpt-token",
        "--chatgpt-account",
        "--chatgpt-requests",
        "--chatgpt-reset",
    ]);
}

#[cfg(unix)]
#[tokio::test]
async fn books_flags() {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let extra = r#"[{"key": "sk-proj-ELSEWHERE-0000000000000000", "model": "gpt-x",
        "day": "2025-03-02", "input": 7, "output": 3, "requests": 2, "costUsd": 0.02}]"#;
    let mut child = Command::new(BIN)
        .args(["--admin-key", "sk-admin-A", "--books-extra", extra])
        .args(["--books-page-size", "1", "--books-429", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().strip_prefix("listening ").unwrap().to_owned();
    // 2025-03-01 and 2025-03-02, one bucket per page.
    let url = format!(
        "{base}/v1/organization/usage/completions?start_time=1740787200&end_time=1740960000"
    );
    let get = || client().get(&url).bearer_auth("sk-admin-A").send();
    let throttled = get().await.unwrap();
    assert_eq!(throttled.status(), 429);
    assert_eq!(throttled.headers()["retry-after"], "1");
    let page: Value = get().await.unwrap().json().await.unwrap();
    assert_eq!(page["data"][0]["results"], json!([]), "{page}");
    assert_eq!(page["has_more"], true);
    let next = page["next_page"].as_str().unwrap().replace('=', "%3D");
    let second: Value = client()
        .get(format!("{url}&page={next}"))
        .bearer_auth("sk-admin-A")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        second["data"][0]["results"][0]["input_tokens"], 7,
        "{second}"
    );
    assert_eq!(second["has_more"], false);
    stop_cleanly(&mut child);
}

#[test]
fn bad_books_flags_exit_2() {
    for args in [
        &["--books-extra", "{not json"][..],
        &[
            "--books-extra",
            r#"[{"key": "k", "model": "m", "day": "March 2nd"}]"#,
        ],
        &["--books-page-size", "0"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--books-"));
    }
    help_lists(&[
        "--admin-key",
        "--books-extra",
        "--books-page-size",
        "--books-429",
        "--books-malformed",
    ]);
}

/// SIGTERM ends the mock cleanly.
fn stop_cleanly(child: &mut std::process::Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(child.wait().unwrap().success());
}
