//! The CLI next to a running gateway: `requests` in a second core on the same folder reads what
//! the serving one recorded, a backend added by another process is served within seconds, and
//! the real `switchyard-serve` process dispatches, prints and exits as documented.

use super::cli::{run_line, KEY};
use super::shutdown::{add_local, sy_in};
use super::*;

#[tokio::test]
async fn requests_read_what_a_serving_core_on_the_same_folder_recorded() {
    let h = start().await;
    let token = h.app.tokens().create("codex".into()).await.unwrap();
    let addr = h.app.gateway_addr().unwrap();
    for model in ["demo-chat", "demo-chat", "Demo/demo-chat"] {
        say_hi(addr, token.token.expose(), model).await;
    }
    h.app.flush_ledger();

    // Like `switchyard requests`: a second core on the same folder, with no gateway.
    let mut opts = Options::new(AppPaths::under(h.dir.path()), h.keychain.clone());
    opts.gateway = None;
    opts.monitor = false;
    opts.demo = MockConfig::instant();
    let reader = Switchyard::start(opts).await.unwrap();

    let json = run_line(&reader, "requests --limit 2 --json", "").await;
    assert_eq!(json.code, 0, "{}", json.err);
    let rows: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "--limit caps the rows");
    assert_eq!(rows[0]["requestedModel"], "Demo/demo-chat", "newest first");
    assert!(rows[0]["startedAt"].as_str() >= rows[1]["startedAt"].as_str());
    assert_eq!(rows[0]["status"], 200);
    assert_eq!(rows[1]["inbound"], "openai");
    assert_eq!(rows[1]["tokenName"], "codex");
    assert_eq!(rows[1]["backend"], "Demo");
    assert!(rows[1]["inputTokens"].as_u64().unwrap() > 0);
    assert!(rows[1].get("costUsd").is_some() && rows[1].get("cache").is_some());

    let table = run_line(&reader, "requests", "").await;
    assert_eq!(table.code, 0);
    let lines: Vec<&str> = table.out.lines().collect();
    assert_eq!(lines.len(), 4, "a header and three requests: {}", table.out);
    assert!(lines[0].starts_with("STARTED") && lines[0].contains("COST"));
    assert!(lines[1].contains("Demo/demo-chat") && lines[1].contains("200"));
    assert!(lines[2].contains("openai") && lines[2].contains("Demo"));
}

/// The real binary: dispatch, exit codes and stdout (no key, so no keychain is needed).
#[test]
fn the_binary_adds_lists_and_reads_requests_in_a_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sy = |args: &[&str]| sy_in(&data, "switchyard-test-cli", args);
    let bad = sy(&["backend", "add", "X", "--kind", "nope", "--base-url", "u"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(!data.exists(), "a usage error opens nothing");

    let add = add_local(sy, "http://127.0.0.1:9/v1");
    let id = String::from_utf8(add.stdout).unwrap();
    assert_eq!(id.lines().count(), 1);

    let list = sy(&["backend", "list", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let local = json
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "Local")
        .unwrap();
    assert_eq!(local["id"], id.trim());
    assert_eq!(local["kind"], "openAiCompatible");
    assert_eq!(local["keyCount"], 0);

    let requests = sy(&["requests", "--json"]);
    assert_eq!(requests.status.code(), Some(0));
    let rows: serde_json::Value = serde_json::from_slice(&requests.stdout).unwrap();
    assert_eq!(rows, serde_json::json!([]));
}

#[tokio::test]
async fn a_backend_added_by_another_process_is_served_within_seconds() {
    let h = start().await;
    let token = h.app.tokens().create("ci".into()).await.unwrap();
    let mock = switchyard_mock::MockServer::start(MockConfig::instant())
        .await
        .unwrap();
    // The CLI's own core on the same folder: no gateway, its own connection.
    let mut opts = Options::new(AppPaths::under(h.dir.path()), h.keychain.clone());
    opts.gateway = None;
    opts.monitor = false;
    opts.demo = MockConfig::instant();
    let cli_core = Switchyard::start(opts).await.unwrap();
    let base = format!("{}/v1", mock.base_url());
    let add = run_line(
        &cli_core,
        &format!("backend add Later --kind openai --base-url {base} --key-stdin"),
        &format!("{KEY}\n"),
    )
    .await;
    assert_eq!(add.code, 0, "{}", add.err);

    let addr = h.app.gateway_addr().unwrap();
    let deadline = std::time::Instant::now() + switchyard_app::WATCH_EVERY * 5;
    loop {
        let status = say_hi(addr, token.token.expose(), "Later/gpt-4o-mini")
            .await
            .status();
        if status == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the serving gateway never picked up the new backend (last status {status})"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[test]
fn switchyard_serve_says_the_panel_is_the_apps_and_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = sy_in(&data, "switchyard-test-cli", &["serve", "--ui"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("switchyard serve --ui") && err.contains("no control panel"),
        "it says where the panel is: {err}"
    );
    assert!(!data.exists(), "a refused serve opens nothing");
}

#[test]
fn a_certificate_that_cannot_be_read_stops_serve_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cert = dir.path().join("absent.pem");
    let key = dir.path().join("absent.key");
    let args = [
        "serve",
        "--port",
        "0",
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ];
    let out = sy_in(&data, "switchyard-test-cli", &args);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read the TLS certificate") && err.contains("absent.pem"),
        "{err}"
    );
    let half = sy_in(
        &data,
        "switchyard-test-cli",
        &["serve", "--tls-key", "k.pem"],
    );
    assert_eq!(half.status.code(), Some(2), "a key without its certificate");
}
