//! Issue 40, "already holding, keep them tested": defences that were in place, pinned against
//! the real `switchyard-serve`. `/mcp` refuses a request without a token (401) and one from a
//! browser `Origin` (403); a DNS-rebinding `Host` is refused (403) on `/mcp` and on `/metrics`
//! as on the API (host.rs); `switchyard connect` edits the target of a symlinked dotfile and
//! keeps the link, and `switchyard disconnect` restores the target byte for byte.

use crate::harness::{status_of, Serve, BIN};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A data folder and keychain service of its own, for CLI processes that run without a
/// `switchyard-serve` (a live drill, a connect).
pub struct Folder {
    pub data: tempfile::TempDir,
    service: String,
}

impl Folder {
    pub fn new() -> Folder {
        Folder {
            data: tempfile::tempdir().unwrap(),
            service: format!("switchyard-security-{}", uuid::Uuid::new_v4().simple()),
        }
    }

    /// `switchyard-serve ARGS…` on this folder, not yet started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("SWITCHYARD_DATA_DIR", self.data.path())
            .env("SWITCHYARD_KEYRING_SERVICE", &self.service)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs `switchyard-serve ARGS…` with `input` on stdin and `env` set; its output.
    pub fn run(&self, args: &[&str], input: &str, env: &[(&str, &Path)]) -> Output {
        let mut cmd = self.command(args);
        for (name, value) in env {
            cmd.env(name, value);
        }
        for name in ["CLAUDE_CONFIG_DIR", "CODEX_HOME", "XDG_CONFIG_HOME"] {
            cmd.env_remove(name);
        }
        let mut child = cmd.spawn().unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// As [`Folder::run`], which must succeed; its stdout.
    pub fn ok(&self, args: &[&str], input: &str, env: &[(&str, &Path)]) -> String {
        let out = self.run(args, input, env);
        assert!(
            out.status.success(),
            "switchyard-serve {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// An MCP `initialize` request to `/mcp` with `headers`, sent raw so `Host` is what we say.
fn mcp(s: &Serve, host: &str, headers: &str) -> String {
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"security","version":"1"}}}"#;
    s.raw(
        format!(
            "POST /mcp HTTP/1.1\r\nHost: {host}\r\n{headers}content-type: application/json\r\naccept: application/json, text/event-stream\r\ncontent-length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

#[test]
fn mcp_refuses_a_missing_token_and_a_browser_origin() {
    let s = Serve::start();
    let token = s.token("mcp-door");
    let here = format!("127.0.0.1:{}", s.addr.port());
    let bearer = format!("Authorization: Bearer {token}\r\n");

    let answered = mcp(&s, &here, &bearer);
    assert_eq!(
        status_of(&answered),
        200,
        "with a token /mcp answers, so the refusals below are the guard's, not a missing route: {answered}"
    );
    let no_token = mcp(&s, &here, "");
    assert_eq!(
        status_of(&no_token),
        401,
        "an MCP client without a token must not reach the tools: {no_token}"
    );
    let wrong = mcp(&s, &here, "Authorization: Bearer sy-not-a-token\r\n");
    assert_eq!(status_of(&wrong), 401, "a wrong token is refused: {wrong}");
    for origin in ["https://evil.example.com", "null"] {
        let from_page = mcp(&s, &here, &format!("{bearer}Origin: {origin}\r\n"));
        assert_eq!(
            status_of(&from_page),
            403,
            "a web page ({origin}) must not drive the MCP tools, even with a token: {from_page}"
        );
        assert!(
            !from_page
                .to_ascii_lowercase()
                .contains("access-control-allow-origin"),
            "no CORS answer for {origin}: {from_page}"
        );
    }
}

#[test]
fn a_dns_rebinding_host_is_refused_on_mcp_and_metrics() {
    let s = Serve::start();
    let token = s.token("rebinding");
    let here = format!("127.0.0.1:{}", s.addr.port());
    let metrics = |host: &str, auth: &str| {
        s.raw(
            format!("GET /metrics HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n")
                .as_bytes(),
        )
    };
    let bearer = format!("Authorization: Bearer {token}\r\n");
    let scraped = metrics(&here, &bearer);
    assert_eq!(
        status_of(&scraped),
        200,
        "a local scrape with a token is answered: {scraped}"
    );
    for evil in [
        "evil.example.com",
        "localhost.evil.com",
        "127.0.0.1.evil.com",
    ] {
        for auth in ["", bearer.as_str()] {
            let answer = metrics(evil, auth);
            assert_eq!(
                status_of(&answer),
                403,
                "/metrics for Host {evil:?} (token: {}) is a rebinding page reading this machine: {answer}",
                !auth.is_empty()
            );
        }
        let answer = mcp(&s, evil, &bearer);
        assert_eq!(
            status_of(&answer),
            403,
            "/mcp for Host {evil:?} is a rebinding page driving the tools: {answer}"
        );
    }
}

#[cfg(unix)]
const DOTFILE: &str = "{\n  \"model\": \"sonnet\",\n  \"env\": { \"KEEP\": \"1\" }\n}\n";

#[cfg(unix)]
#[test]
fn connect_edits_a_symlinked_dotfile_through_the_link_and_disconnect_restores_it() {
    let f = Folder::new();
    let home = tempfile::tempdir().unwrap();
    let target = home.path().join("dotfiles/claude/settings.json");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(&target, DOTFILE).unwrap();
    let link = home.path().join(".claude/settings.json");
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let env = [("HOME", home.path())];
    // A connect points a tool only at a gateway this data folder runs (issue 70).
    let mut serve = f.command(&["serve"]);
    serve
        .env("SWITCHYARD_GATEWAY_PORT", "0")
        .env("HOME", home.path());
    let mut serve = serve.spawn().unwrap();
    let mut out = std::io::BufReader::new(serve.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut out, &mut first).unwrap();
    assert!(first.contains("listening on"), "serve started: {first}");
    // Keep reading: a closed pipe would end serve at its next line.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));

    f.ok(&["connect", "claude-code"], "", &env);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the dotfiles repository keeps its link"
    );
    let connected = std::fs::read_to_string(&target).unwrap();
    assert!(
        connected.contains("ANTHROPIC_BASE_URL") && connected.contains("ANTHROPIC_AUTH_TOKEN"),
        "the link's target holds the connection: {connected}"
    );
    assert!(
        connected.contains("\"KEEP\": \"1\""),
        "the user's own keys stay: {connected}"
    );

    f.ok(&["disconnect", "claude-code"], "", &env);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "disconnect keeps the link too"
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        DOTFILE,
        "the target is back byte for byte"
    );
    let _ = serve.kill();
    let _ = serve.wait();
}
