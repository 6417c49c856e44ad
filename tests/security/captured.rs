//! A connected tool's token as a neighbour captures it (issue 70): another account that holds the
//! port a tool points at receives the tool's token with its prompts, and can then call the real
//! gateway with it. The token `connect` wrote is worth only what the tool needs: it generates and
//! lists models, but reads nothing of the user's — not `/metrics` (every tool's spend), not `/mcp`
//! (costs, backends, routes, readiness). A token the user makes with `token create` keeps its
//! documented scope. A real `switchyard-serve` and the real `connect` in a throw-away HOME.

use crate::harness::{client, home_command, Serve};
use serde_json::{json, Value};
use std::path::Path;

/// `switchyard-serve connect TOOL` beside `serve`, with HOME `home`; the tool's files are there.
fn connect(serve: &Serve, home: &Path, tool: &str) {
    let out = home_command(serve.data.path(), home, serve.service())
        .args(["connect", tool])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "connect {tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The token Claude Code sends, read from the file `connect` wrote: what a squatter receives.
fn claude_code_token(home: &Path) -> String {
    let text = std::fs::read_to_string(home.join(".claude/settings.json")).unwrap();
    let settings: Value = serde_json::from_str(&text).unwrap();
    settings["env"]["ANTHROPIC_AUTH_TOKEN"]
        .as_str()
        .expect("connect wrote Claude Code's token")
        .to_string()
}

fn status_of_get(s: &Serve, path: &str, token: &str) -> u16 {
    let resp = client().get(s.url(path)).bearer_auth(token).send().unwrap();
    resp.status().as_u16()
}

fn status_of_post(s: &Serve, path: &str, token: &str, body: &Value) -> (u16, String) {
    let resp = client()
        .post(s.url(path))
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .header("anthropic-version", "2023-06-01")
        .json(body)
        .send()
        .unwrap();
    (resp.status().as_u16(), resp.text().unwrap_or_default())
}

/// One stateless JSON-RPC call to `/mcp`.
fn mcp(s: &Serve, token: &str, method: &str, params: Value) -> (u16, String) {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    status_of_post(s, "/mcp", token, &body)
}

#[test]
fn a_token_connect_wrote_into_a_tools_files_generates_but_reads_neither_metrics_nor_mcp() {
    let serve = Serve::start();
    let home = tempfile::tempdir().unwrap();
    connect(&serve, home.path(), "claude-code");
    let captured = claude_code_token(home.path());

    // What the neighbour reads with it.
    assert_eq!(
        status_of_get(&serve, "/metrics", &captured),
        403,
        "/metrics is every tool's spend and the user's backends: not a connected tool's to read"
    );
    for (method, params) in [
        ("tools/list", json!({})),
        ("tools/call", json!({"name": "costs", "arguments": {}})),
        (
            "tools/call",
            json!({"name": "list_backends", "arguments": {}}),
        ),
        (
            "tools/call",
            json!({"name": "list_routes", "arguments": {}}),
        ),
        ("tools/call", json!({"name": "readiness", "arguments": {}})),
        ("resources/read", json!({"uri": "switchyard://costs/today"})),
    ] {
        let (status, body) = mcp(&serve, &captured, method, params.clone());
        assert_eq!(
            status, 403,
            "/mcp {method} {params}: a connected tool's token reads none of the user's data: {body}"
        );
        assert!(
            !body.contains("Demo") && !body.contains("costUsd"),
            "a refusal shows nothing: {body}"
        );
    }

    // What the tool itself needs still works: generation and the model list.
    let chat = json!({"model": "demo-chat", "messages": [{"role": "user", "content": "hi"}]});
    let (status, body) = status_of_post(&serve, "/v1/chat/completions", &captured, &chat);
    assert_eq!(status, 200, "a chat completion: {body}");
    let messages = json!({"model": "demo-chat", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]});
    let (status, body) = status_of_post(&serve, "/v1/messages", &captured, &messages);
    assert_eq!(status, 200, "Claude Code's own format: {body}");
    assert_eq!(status_of_get(&serve, "/v1/models", &captured), 200);

    // A token the user makes keeps its documented scope: every endpoint.
    let made = serve.token("my-script");
    assert_eq!(
        status_of_get(&serve, "/metrics", &made),
        200,
        "`token create` still makes a token that reads /metrics"
    );
    let (status, body) = mcp(&serve, &made, "tools/list", json!({}));
    assert_eq!(status, 200, "and /mcp: {body}");
}
