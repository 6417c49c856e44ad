//! What an agent's model picker reads: the Anthropic-shaped list names every route and backend
//! model as an id a Claude client keeps (Claude Code's gateway discovery drops ids naming
//! neither "claude" nor "anthropic"), and each such id answers through the route it names.

use super::*;
use serde_json::{json, Value};
use switchyard_gateway::{Route, RouteCache, RouteCandidate};
use switchyard_mock::{MockConfig, MockServer};

/// An OpenAI-kind and an Anthropic-kind backend, and a route `fast` over the OpenAI one.
async fn routed() -> (MockServer, Harness) {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let base = mock.base_url();
    let openai = target(
        "OpenAI",
        BackendKind::OpenAi,
        &format!("{base}/v1"),
        &[("ko", "o")],
    );
    let claude = target("Claude", BackendKind::Anthropic, &base, &[("ka", "a")]);
    let route = Route {
        name: "fast".into(),
        strategy: switchyard_policy::Strategy::Priority,
        candidates: vec![RouteCandidate {
            backend_id: openai.id.clone(),
            model: "gpt-4.1-mini".into(),
            weight: 1,
        }],
        cache: RouteCache::default(),
    };
    let table = RoutingTable {
        targets: vec![openai, claude],
        routes: vec![route],
    };
    let h = start_with(
        table,
        &[("ko", "sk-o"), ("ka", "sk-a")],
        GatewayConfig::default(),
    )
    .await;
    (mock, h)
}

/// `GET path` as Claude Code asks it (a bearer token and `anthropic-version`).
async fn claude_get(h: &Harness, path: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", h.base))
        .bearer_auth(TOKEN)
        .header("anthropic-version", "2023-06-01")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_anthropic_list_names_every_route_as_an_id_claude_code_keeps() {
    let (_mock, h) = routed().await;
    let list: Value = claude_get(&h, "/v1/models?limit=1000")
        .await
        .json()
        .await
        .unwrap();
    let data = list["data"].as_array().unwrap();
    let kept: Vec<&Value> = data
        .iter()
        .filter(|m| {
            let id = m["id"].as_str().unwrap().to_ascii_lowercase();
            id.contains("claude") || id.contains("anthropic")
        })
        .collect();
    assert_eq!(
        kept.len(),
        data.len(),
        "Claude Code keeps every listed id: {list}"
    );
    let fast = data.iter().find(|m| m["display_name"] == "fast").unwrap();
    assert_eq!(fast["id"], "claude-via-fast");
    assert_eq!(fast["description"], "A Switchyard route");
    let own = data.iter().find(|m| m["id"] == "claude-haiku-4-5");
    assert!(own.is_some(), "a Claude model keeps its own id: {list}");
    assert_eq!(list["first_id"], data[0]["id"]);
    // Looking one up by its alias answers it; the OpenAI list keeps the plain names.
    let one: Value = claude_get(&h, "/v1/models/claude-via-fast")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["display_name"], "fast");
    let plain = h.get_json("/v1/models").await;
    assert!(plain["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == "fast"));
}

#[tokio::test]
async fn an_alias_answers_through_the_route_it_names_not_the_anthropic_backend() {
    let (_mock, h) = routed().await;
    let body = json!({"model": "claude-via-fast", "max_tokens": 64,
        "messages": [{"role": "user", "content": "hello"}]});
    let resp = h.post("/v1/messages", &body).await;
    assert_eq!(resp.status(), 200);
    let records = h.ledger.wait_for(1).await;
    let r = records.last().unwrap();
    assert_eq!(r.backend.as_deref(), Some("OpenAI"), "{r:?}");
    assert_eq!(r.route.as_deref(), Some("fast"));
    // Any case of the prefix; an alias of nothing is an unknown model, as the bare name is.
    let upper = json!({"model": "Claude-Via-fast", "max_tokens": 8,
        "messages": [{"role": "user", "content": "hi"}]});
    assert_eq!(h.post("/v1/messages", &upper).await.status(), 200);
    let none = json!({"model": "claude-via-nothing-here", "max_tokens": 8,
        "messages": [{"role": "user", "content": "hi"}]});
    assert_eq!(h.post("/v1/messages", &none).await.status(), 404);
}

#[tokio::test]
async fn codex_catalogue_lists_each_route_with_codex_own_metadata_once_the_app_gives_it() {
    let (_mock, h) = routed().await;
    let path = "/v1/codex/models?client_version=0.171.0";
    assert_eq!(
        h.get_json(path).await,
        json!({"models": []}),
        "no template: Codex keeps its own"
    );
    let bundled = json!({"slug": "gpt-9-codex", "display_name": "gpt-9-codex", "priority": 1,
        "visibility": "list", "context_window": 400000,
        "supported_reasoning_levels": [], "shell_type": "shell_command", "supported_in_api": true,
        "support_verbosity": false, "truncation_policy": {"mode": "tokens", "limit": 10000},
        "experimental_supported_tools": [], "base_instructions": "You are Codex."});
    let template = switchyard_gateway::CodexTemplate::from_entry(&bundled).unwrap();
    h.gateway.handle().set_codex_template(Some(template));
    let list = h.get_json(path).await;
    let models = list["models"].as_array().unwrap();
    let fast = &models[0];
    assert_eq!(
        (fast["slug"].as_str(), fast["priority"].as_u64()),
        (Some("fast"), Some(0)),
        "routes first: {list}"
    );
    assert_eq!(fast["base_instructions"], "You are Codex.");
    assert!(
        fast["context_window"]
            .as_u64()
            .is_some_and(|w| w > 100_000 && w != 400_000),
        "the route's model's window: {fast}"
    );
    assert!(models
        .iter()
        .all(|m| m["visibility"] == "list" && m["supported_in_api"] == true));
    let slugs: Vec<&str> = models.iter().filter_map(|m| m["slug"].as_str()).collect();
    assert!(slugs.contains(&"claude-haiku-4-5"), "{slugs:?}");
}
