//! The authorization table (`switchyard_domain::authz`) against real gateways: every route it lists
//! and every MCP tool and resource, called with a tool's, an admin and a scrape token on a team
//! replica and on a desktop (and a connected tool's token there), answers as its row says; the MCP server lists exactly the tools the
//! table has; docs/architecture/security.md prints the table as the code has it. And issue 53's finding:
//! a tool's token on a replica cannot run `readiness` over `/mcp` (nothing is stored) and its
//! `costs` shows its owner's spend only.

use super::shutdown::{serve_with, sy_in};
use super::team::{replica, team, SERVICE};
use super::{json_of, say_hi};
use serde_json::{json, Value};
use std::net::SocketAddr;
use switchyard_domain::authz::{self, Door, Entry, Place, Sees, Verdict};
use switchyard_domain::TokenScope;
use switchyard_team::testing::{free_port, TempPostgres, TempRedis};

/// Team tokens made from an admin's shell, one per `token create` argument list.
fn tokens<const N: usize>(
    dir: &std::path::Path,
    pg: &TempPostgres,
    redis: &TempRedis,
    specs: [&[&str]; N],
) -> [String; N] {
    specs.map(|args| {
        let all = [&["token", "create"][..], args].concat();
        let (code, value, err) = team(dir, pg, redis, &all);
        assert_eq!(code, 0, "{err}");
        value
    })
}

/// One JSON-RPC request to `/mcp` (stateless: no session, no `initialize` needed).
async fn mcp(addr: SocketAddr, token: &str, method: &str, params: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("http://{addr}/mcp"))
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The text a tool answered, and whether it was a tool error.
async fn call_tool(addr: SocketAddr, token: &str, name: &str, args: Value) -> (u16, bool, String) {
    let (status, body) = mcp(
        addr,
        token,
        "tools/call",
        json!({"name": name, "arguments": args}),
    )
    .await;
    let result = &body["result"];
    let text = result["content"][0]["text"].as_str().unwrap_or_default();
    (status, result["isError"] == true, text.to_string())
}

/// A path that reaches `door` (a concrete one under a prefix).
fn path_of(door: Door) -> Option<String> {
    match door {
        Door::Path(p) => Some(p.to_string()),
        Door::Under(prefix) => Some(format!("{prefix}demo-chat")),
        Door::McpTool(_)
        | Door::McpResource(_)
        | Door::Page(_)
        | Door::Panel(_)
        | Door::PanelCall(_)
        | Door::PanelApi(_)
        | Door::Act(_) => None,
    }
}

/// Calls every route and MCP entry of the table at `place` with each of `tokens`, asserting the
/// table's verdict.
async fn walk(addr: SocketAddr, place: Place, tokens: &[(TokenScope, &str)]) {
    let client = reqwest::Client::new();
    for entry in Entry::ALL {
        let row = entry.row();
        let inside_the_panel = matches!(
            row.door,
            Door::PanelCall(_) | Door::PanelApi(_) | Door::Act(_)
        );
        if row.door.signs_in_itself() || inside_the_panel {
            // The panel signs its browser in with a session, not a token per request: its own
            // suites (tests/security/panel, tests/e2e/panel-team.test.js) walk it with sessions
            // of each scope.
            continue;
        }
        let served_here = [
            TokenScope::Gateway,
            TokenScope::Generate,
            TokenScope::Admin,
            TokenScope::Metrics,
        ]
        .iter()
        .any(|s| row.at(place).of(*s).is_allowed());
        for (scope, token) in tokens {
            let verdict = authz::verdict(*entry, place, *scope);
            if let Some(path) = path_of(row.door) {
                let method = row.method.split(", ").last().unwrap_or("GET");
                let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
                let status = client
                    .request(method, format!("http://{addr}{path}"))
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16();
                match verdict {
                    Verdict::Refused if served_here => assert_eq!(
                        status, 403,
                        "{entry:?} ({path}) at {place:?} must refuse a {scope:?} token"
                    ),
                    Verdict::Refused => assert!(
                        status == 403 || status == 404,
                        "{entry:?} is not served at {place:?}: {status} for a {scope:?} token"
                    ),
                    Verdict::Allowed(_) => assert!(
                        status != 401 && status != 403,
                        "{entry:?} ({path}) at {place:?} must let a {scope:?} token in ({status})"
                    ),
                }
                continue;
            }
            let mcp_open = authz::verdict(Entry::Mcp, place, *scope).is_allowed();
            let (status, refused, text) = match row.door {
                Door::McpTool(name) => {
                    let args = match name {
                        "ask" => json!({"prompt": "hi", "model": "demo-chat"}),
                        _ => json!({}),
                    };
                    call_tool(addr, token, name, args).await
                }
                Door::McpResource(uri) => {
                    let (status, body) =
                        mcp(addr, token, "resources/read", json!({"uri": uri})).await;
                    (status, body.get("error").is_some(), body.to_string())
                }
                Door::Path(_)
                | Door::Under(_)
                | Door::Page(_)
                | Door::Panel(_)
                | Door::PanelCall(_)
                | Door::PanelApi(_)
                | Door::Act(_) => unreachable!("paths and the panel were walked above"),
            };
            if !mcp_open {
                assert_eq!(
                    status, 403,
                    "/mcp refuses a {scope:?} token before {entry:?}"
                );
                continue;
            }
            assert_eq!(status, 200, "{entry:?} with a {scope:?} token: {text}");
            assert_eq!(
                refused,
                !verdict.is_allowed(),
                "{entry:?} at {place:?} for a {scope:?} token must be {verdict:?}: {text}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_and_mcp_tool_on_a_replica_answers_each_scope_as_the_table_says() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let dir = tempfile::tempdir().unwrap();
    let [admin, tool, scrape] = tokens(
        dir.path(),
        &pg,
        &redis,
        [
            &["desk", "--owner", "ana@example.com", "--admin"],
            &["aider", "--owner", "bo@example.com"],
            &["prom", "--owner", "ops", "--metrics-only"],
        ],
    );
    let r = replica(dir.path(), &pg, &redis);

    // tools/list offers each token what the table lets it call: all of them to an admin.
    let listed = |token: String| async move {
        let (_, listed) = mcp(r.addr, &token, "tools/list", json!({})).await;
        let mut names: Vec<String> = listed["result"]["tools"]
            .as_array()
            .expect("tools/list answers a list")
            .iter()
            .filter_map(|t| t["name"].as_str().map(str::to_string))
            .collect();
        names.sort_unstable();
        names
    };
    let table = |scope: Option<TokenScope>| {
        let mut names: Vec<String> = Entry::ALL
            .iter()
            .filter(|e| scope.is_none_or(|s| authz::verdict(**e, Place::Replica, s).is_allowed()))
            .filter_map(|e| match e.row().door {
                Door::McpTool(name) => Some(name.to_string()),
                _ => None,
            })
            .collect();
        names.sort_unstable();
        names
    };
    assert_eq!(
        listed(admin.clone()).await,
        table(None),
        "every MCP tool served has a row in the table, and back"
    );
    let tool_sees = listed(tool.clone()).await;
    assert_eq!(tool_sees, table(Some(TokenScope::Gateway)));
    assert!(
        !tool_sees.iter().any(|t| t == "readiness"),
        "a replica's tool token is not offered the team's readiness: {tool_sees:?}"
    );

    let tokens = [
        (TokenScope::Gateway, tool.as_str()),
        (TokenScope::Admin, admin.as_str()),
        (TokenScope::Metrics, scrape.as_str()),
    ];
    walk(r.addr, Place::Replica, &tokens).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_and_mcp_tool_on_a_desktop_answers_each_scope_as_the_table_says() {
    let dir = tempfile::tempdir().unwrap();
    let token = |args: &[&str]| {
        let out = sy_in(dir.path(), SERVICE, &[&["token", "create"], args].concat());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let (tool, scrape) = (token(&["aider"]), token(&["prom", "--metrics-only"]));
    let connected = token(&["codex", "--generate-only"]);
    let port = free_port();
    let mut child = serve_with(dir.path(), SERVICE, port, &[]);
    // A desktop has no admin tokens (they are the team's): a tool's, a connected tool's (as
    // `connect` makes) and a scrape token.
    let tokens = [
        (TokenScope::Gateway, tool.as_str()),
        (TokenScope::Generate, connected.as_str()),
        (TokenScope::Metrics, scrape.as_str()),
    ];
    walk(([127, 0, 0, 1], port).into(), Place::Desktop, &tokens).await;
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_token_on_a_replica_cannot_run_readiness_over_mcp_and_sees_only_its_owners_spend() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let dir = tempfile::tempdir().unwrap();
    let [admin, ana, bo] = tokens(
        dir.path(),
        &pg,
        &redis,
        [
            &["desk", "--owner", "ana@example.com", "--admin"],
            &["cursor", "--owner", "ana@example.com"],
            &["aider", "--owner", "bo@example.com"],
        ],
    );
    let r = replica(dir.path(), &pg, &redis);
    assert_eq!(say_hi(r.addr, &ana, "demo-chat").await.status(), 200);
    assert_eq!(say_hi(r.addr, &bo, "demo-chat").await.status(), 200);

    let (status, refused, text) = call_tool(r.addr, &bo, "readiness", json!({})).await;
    assert_eq!(status, 200);
    assert!(
        refused && text.contains("admin token"),
        "readiness is an admin action: {text}"
    );
    let overview: Value = json_of(
        reqwest::Client::new()
            .get(format!("http://{}/switchyard/team/v1/overview", r.addr))
            .bearer_auth(&admin),
    )
    .await;
    assert_eq!(
        overview["readiness"],
        Value::Null,
        "the refused run stored nothing"
    );

    let (_, refused, text) = call_tool(r.addr, &bo, "costs", json!({"period": "week"})).await;
    assert!(!refused, "{text}");
    let costs: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        costs["person"], "bo@example.com",
        "the owner's spend: {costs}"
    );
    assert!(costs["costUsd"].is_number(), "{costs}");
    assert!(
        !text.contains("cursor") && !text.contains("ana@"),
        "another person's tools and spend are not shown to Bo's tool: {text}"
    );
    let (_, _, all) = call_tool(r.addr, &admin, "costs", json!({"period": "week"})).await;
    assert!(
        all.contains("byTool"),
        "an admin token sees the whole: {all}"
    );
    assert_eq!(
        authz::verdict(Entry::McpCosts, Place::Replica, TokenScope::Gateway),
        Verdict::Allowed(Sees::Own)
    );
}

#[test]
fn the_architecture_document_prints_the_table_as_the_code_has_it() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/architecture/security.md"),
    )
    .unwrap();
    assert!(
        doc.contains(&authz::markdown()),
        "docs/architecture/security.md's threat model must print switchyard_domain::authz::markdown():\n{}",
        authz::markdown()
    );
}
