//! The browser panel's security (issue 58): a real `switchyard-tray serve --ui` per test, its own
//! data folder and keychain service name, probed over real sockets. No session, no call; a
//! change from another origin or without the session's CSRF value is refused; a DNS-rebinding
//! Host is refused before the panel sees the request; a revoked panel token ends its sessions at
//! once; only a panel token signs in, and it opens nothing but the panel; every answer carries
//! the Content Security Policy, and no page can be framed. A test target of `switchyard-tray`
//! (the binary that serves the panel), kept beside the rest of the security suite.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

#[path = "../args.rs"]
mod args;
mod harness;
mod https;
mod keys;
mod limits;
mod paths;
#[path = "../stdin.rs"]
mod stdin;

use harness::{raw_status, Panel, BIN};
use reqwest::blocking::Client;
use serde_json::{json, Value};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn no_session_no_call_and_only_a_panel_token_signs_in() {
    let panel = Panel::start();
    let resp = panel.call("nothing", None, Some(&panel.origin()), "list_backends");
    assert_eq!(resp.status(), 401, "no session: no call");
    let events = Client::new()
        .get(panel.url("/panel/api/events"))
        .send()
        .unwrap();
    assert_eq!(events.status(), 401, "no session: no events");
    let tool = panel.token(&["tool"]);
    let scrape = panel.token(&["scrape", "--metrics-only"]);
    for (token, what) in [(&tool, "a tool's token"), (&scrape, "a scrape token")] {
        let refused = panel.sign_in(token).expect_err("refused");
        assert_eq!(refused, 403, "{what} must not open the panel");
    }
    let token = panel.token(&["laptop", "--panel"]);
    let (session, csrf) = panel.sign_in(&token).expect("a panel token signs in");
    let ok = panel.call(
        &session,
        Some(&csrf),
        Some(&panel.origin()),
        "list_backends",
    );
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().unwrap();
    assert!(
        body["ok"].as_array().is_some_and(|b| !b.is_empty()),
        "{body}"
    );
    // A panel token is no tool's token: the gateway's own routes refuse it.
    let models = Client::new()
        .get(panel.url("/v1/models"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(models.status(), 403, "a panel token opens the panel only");
    let wrong = panel.sign_in("sy-0000").expect_err("refused");
    assert_eq!(wrong, 401, "a wrong token is refused");
}

#[test]
fn a_change_needs_the_panels_origin_and_the_sessions_csrf_value() {
    let panel = Panel::start();
    let token = panel.token(&["laptop", "--panel"]);
    let (session, csrf) = panel.sign_in(&token).unwrap();
    let origin = panel.origin();
    let cases = [
        (
            Some(csrf.as_str()),
            Some("http://evil.example"),
            "a forged Origin",
        ),
        (Some(csrf.as_str()), None, "no Origin"),
        (None, Some(origin.as_str()), "no CSRF value"),
        (Some("forged"), Some(origin.as_str()), "a wrong CSRF value"),
    ];
    let sneaky = json!({ "name": "sneaky" });
    for (csrf, origin, what) in cases {
        let resp = panel.call_with(&session, csrf, origin, "create_token", sneaky.clone());
        assert_eq!(resp.status(), 403, "{what} must be refused");
    }
    let tokens = panel.cli(&["token", "list", "--json"]);
    assert!(
        !tokens.contains("sneaky"),
        "no refused change was made: {tokens}"
    );
    let made = panel.call_with(&session, Some(&csrf), Some(&origin), "create_token", sneaky);
    assert_eq!(
        made.status(),
        200,
        "the same change from the panel's page is made"
    );
    assert!(panel.cli(&["token", "list", "--json"]).contains("sneaky"));
    // A sign-in from another origin (login CSRF) is refused too.
    let resp = Client::new()
        .post(panel.url("/panel/api/session"))
        .header("origin", "http://evil.example")
        .json(&json!({ "token": token }))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 403);
}

#[test]
fn a_dns_rebinding_host_is_refused_before_the_panel() {
    let panel = Panel::start();
    for path in ["/panel/", "/panel/api/session", "/"] {
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        assert_eq!(
            raw_status(panel.addr, &request),
            403,
            "{path} for a rebound name"
        );
    }
    let request = format!(
        "GET /panel/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        panel.addr
    );
    assert_eq!(
        raw_status(panel.addr, &request),
        200,
        "its own address is served"
    );
}

#[test]
fn a_revoked_panel_token_ends_its_sessions_at_once_and_sign_out_ends_one() {
    let panel = Panel::start();
    let token = panel.token(&["laptop", "--panel"]);
    let (first, first_csrf) = panel.sign_in(&token).unwrap();
    let (second, second_csrf) = panel.sign_in(&token).unwrap();
    let origin = panel.origin();
    // Sign-out ends its own session only.
    let out = Client::new()
        .delete(panel.url("/panel/api/session"))
        .header("cookie", format!("switchyard_session={second}"))
        .header("x-switchyard-csrf", &second_csrf)
        .header("origin", &origin)
        .send()
        .unwrap();
    assert_eq!(out.status(), 204);
    let call = |s: &str, c: &str| {
        panel
            .call(s, Some(c), Some(&origin), "list_backends")
            .status()
    };
    assert_eq!(call(&second, &second_csrf), 401, "signed out");
    assert_eq!(call(&first, &first_csrf), 200, "the other session goes on");
    // Revoked from another process: the serving one hears of it within its watch (1 s).
    panel.cli(&["token", "revoke", "laptop"]);
    let started = Instant::now();
    while call(&first, &first_csrf) != 401 {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "a revoked token's session must end at once"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!(
        "# session ended {} ms after the revoke",
        started.elapsed().as_millis()
    );
    assert!(panel.sign_in(&token).is_err(), "nor can it sign in again");
}

#[test]
fn every_answer_carries_the_policy_and_no_page_can_be_framed() {
    let panel = Panel::start();
    let index = Client::new().get(panel.url("/panel/")).send().unwrap();
    let html = index.text().unwrap_or_default();
    let asset = html
        .split('"')
        .find(|s| s.starts_with("./assets/") && s.ends_with(".js"))
        .map(|s| format!("/panel/{}", &s[2..]));
    let mut paths = vec![
        "/",
        "/panel",
        "/panel/",
        "/panel/api/session",
        "/panel/missing.js",
    ];
    if let Some(asset) = &asset {
        paths.push(asset);
    }
    for path in paths {
        let resp = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(panel.url(path))
            .send()
            .unwrap();
        let h = resp.headers();
        let csp = h
            .get("content-security-policy")
            .map(|v| v.to_str().unwrap());
        assert_eq!(csp, Some(switchyard_panel::CSP), "{path}: the policy");
        assert!(
            csp.is_some_and(|c| c.contains("frame-ancestors 'none'")),
            "{path}: no framing"
        );
        assert_eq!(
            h.get("x-frame-options").map(|v| v.to_str().unwrap()),
            Some("DENY")
        );
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.to_str().unwrap()),
            Some("nosniff")
        );
    }
    assert!(asset.is_some(), "the UI is built into the panel: {html}");
}

#[test]
fn the_desktop_apps_core_serves_the_panel_only_while_the_setting_is_on() {
    let data = tempfile::tempdir().unwrap();
    let service = format!("switchyard-panel-desk-{}", std::process::id());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = |c: &mut Command| {
        c.env("SWITCHYARD_DATA_DIR", data.path())
            .env("SWITCHYARD_KEYRING_SERVICE", &service)
            .env("SWITCHYARD_NO_UPDATE_CHECK", "1")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null());
    };
    let mut core = Command::new(BIN);
    env(&mut core);
    let mut core = core
        .env("SWITCHYARD_GATEWAY_PORT", port.to_string())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/panel/");
    let status = || Client::new().get(&url).send().map(|r| r.status().as_u16());
    let started = Instant::now();
    while status().is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the core never listened"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(status().unwrap(), 404, "off by default");
    // Turned on from a configuration file (an exposure change: approved here).
    let cli = |args: &[&str]| {
        let mut c = Command::new(BIN);
        env(&mut c);
        c.args(args).output().unwrap()
    };
    let export = String::from_utf8(cli(&["config", "export"]).stdout).unwrap();
    assert!(export.contains("servePanel = false"), "{export}");
    let file = data.path().join("on.toml");
    std::fs::write(
        &file,
        export.replace("servePanel = false", "servePanel = true"),
    )
    .unwrap();
    let refused = cli(&["config", "import", file.to_str().unwrap()]);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "turning the panel on needs approval"
    );
    let import = cli(&[
        "config",
        "import",
        file.to_str().unwrap(),
        "--approve-hosts",
    ]);
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    assert_eq!(status().unwrap(), 200, "on at once, without a restart");
    let _ = core.kill();
    let _ = core.wait();
    let _ = Command::new("secret-tool")
        .args(["clear", "service", &service])
        .status();
}
