//! The gateway end to end over real HTTP on 127.0.0.1: mock providers (switchyard-mock and
//! stub servers) as upstreams, in-memory tokens, keys and ledger.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

#[path = "gateway/agent_fixtures.rs"]
mod agent_fixtures;
#[path = "gateway/bad_input.rs"]
mod bad_input;
#[path = "gateway/basics.rs"]
mod basics;
#[path = "gateway/betas.rs"]
mod betas;
#[path = "gateway/betas_bounds.rs"]
mod betas_bounds;
#[path = "gateway/bodies.rs"]
mod bodies;
#[path = "gateway/cache.rs"]
mod cache;
#[path = "gateway/cache_tools.rs"]
mod cache_tools;
#[path = "gateway/cost_fixtures.rs"]
mod cost_fixtures;
#[path = "gateway/cost_fixtures_stream.rs"]
mod cost_fixtures_stream;
#[path = "gateway/counting.rs"]
mod counting;
#[path = "gateway/discovery.rs"]
mod discovery;
#[path = "gateway/egress.rs"]
mod egress;
#[path = "gateway/encodings.rs"]
mod encodings;
#[path = "gateway/faults.rs"]
mod faults;
#[path = "gateway/gemini.rs"]
mod gemini;
#[path = "gateway/headroom.rs"]
mod headroom;
#[path = "gateway/lan.rs"]
mod lan;
#[path = "gateway/limits.rs"]
mod limits;
#[path = "gateway/model_names.rs"]
mod model_names;
#[path = "gateway/neighbour.rs"]
mod neighbour;
#[path = "gateway/neighbour_https.rs"]
mod neighbour_https;
#[path = "gateway/paused.rs"]
mod paused;
#[path = "gateway/plans.rs"]
mod plans;
#[path = "gateway/prompt_cache.rs"]
mod prompt_cache;
#[path = "gateway/resilience.rs"]
mod resilience;
#[path = "gateway/serving.rs"]
mod serving;
#[path = "gateway/shapes.rs"]
mod shapes;
#[path = "gateway/shapes_faults.rs"]
mod shapes_faults;
#[path = "gateway/shapes_support.rs"]
mod shapes_support;
#[path = "gateway/shapes_tools.rs"]
mod shapes_tools;
#[path = "gateway/sockets.rs"]
mod sockets;
#[path = "gateway/spend.rs"]
mod spend;
#[path = "gateway/strategies.rs"]
mod strategies;
#[path = "gateway/translate.rs"]
mod translate;
#[path = "gateway/windows.rs"]
mod windows;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use switchyard_domain::{BackendKind, RequestRecord};
use switchyard_gateway::{
    Authenticator, Caller, Clock, Deps, Gateway, GatewayConfig, KeyRef, KeySource, Ledger, Limits,
    NoObserver, Observer, RoutingTable, Shared, SystemClock, TableHandle, Target,
};
use switchyard_secrets::SecretString;

pub use bodies::{anthropic_msg, anthropic_stream_text, client, openai_chat, openai_stream_text};
pub use plans::plan_token;

pub const TOKEN: &str = "sy-test-token-0001";
/// A second tool's token.
pub const OTHER_TOKEN: &str = "sy-test-token-0002";
/// A token valid until [`REVOKED`] is set (one test's: tests/gateway/sockets.rs).
pub const REVOCABLE_TOKEN: &str = "sy-test-token-0003";
pub static REVOKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// Every provider key in these tests contains this, so leaks are easy to find.
pub const CANARY: &str = "CANARY-7f3a";

pub struct Tokens;
impl Authenticator for Tokens {
    fn verify(&self, token: &str) -> Option<Caller> {
        let plans = plans::PLAN_TOKENS.lock().unwrap();
        if let Some((t, plan)) = plans.iter().find(|(t, _)| t == token) {
            return Some(Caller {
                token_id: format!("id-{t}"),
                name: "claude-code".into(),
                scope: switchyard_domain::TokenScope::Generate,
                owner: None,
                subscription: Some(plan.clone()),
            });
        }
        match token {
            TOKEN => Some(Caller {
                token_id: "t1".into(),
                name: "tests".into(),
                scope: switchyard_domain::TokenScope::Gateway,
                owner: None,
                subscription: None,
            }),
            OTHER_TOKEN => Some(Caller {
                token_id: "t2".into(),
                name: "another tool".into(),
                scope: switchyard_domain::TokenScope::Gateway,
                owner: None,
                subscription: None,
            }),
            REVOCABLE_TOKEN if !REVOKED.load(std::sync::atomic::Ordering::SeqCst) => Some(Caller {
                token_id: "t3".into(),
                name: "revocable".into(),
                scope: switchyard_domain::TokenScope::Gateway,
                owner: None,
                subscription: None,
            }),
            _ => None,
        }
    }
}

#[derive(Default)]
pub struct Keys(pub HashMap<String, String>);
impl KeySource for Keys {
    fn cached(&self, key_id: &str) -> Option<SecretString> {
        self.0.get(key_id).map(|k| SecretString::new(k.clone()))
    }
    fn load(&self, key_id: &str) -> Result<SecretString, switchyard_secrets::SecretError> {
        self.cached(key_id)
            .ok_or(switchyard_secrets::SecretError::NotFound)
    }
}

#[derive(Default)]
pub struct Records(pub Mutex<Vec<RequestRecord>>);
impl Ledger for Records {
    fn record(&self, record: RequestRecord, _token: Option<String>) {
        self.0.lock().unwrap().push(record);
    }
}

impl Records {
    pub fn all(&self) -> Vec<RequestRecord> {
        self.0.lock().unwrap().clone()
    }
    /// Waits briefly for `n` records (streams record when their body ends).
    pub async fn wait_for(&self, n: usize) -> Vec<RequestRecord> {
        for _ in 0..100 {
            if self.0.lock().unwrap().len() >= n {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        self.all()
    }
}

pub struct Harness {
    pub gateway: Gateway,
    pub ledger: Arc<Records>,
    pub base: String,
}

impl Harness {
    /// POSTs `body` as JSON to `path` on the gateway with the test token; the answer, whatever
    /// its status.
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.post_as(path, Some(TOKEN), &[], body).await
    }

    /// GETs `path` on the gateway with the test token; the answer's body as JSON.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        client()
            .get(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// As [`Harness::post`]; the answer's body as text.
    pub async fn post_text(&self, path: &str, body: &serde_json::Value) -> String {
        self.post(path, body).await.text().await.unwrap()
    }

    /// As [`Harness::post`]; the answer's body as JSON.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> serde_json::Value {
        self.post(path, body).await.json().await.unwrap()
    }

    /// As [`Harness::post`], with the test token in `x-goog-api-key` as Gemini clients send it.
    pub async fn post_google(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.post_as(path, None, &[("x-goog-api-key", TOKEN)], body)
            .await
    }

    /// As [`Harness::post`], with `token` (none: no `authorization` header) and `headers`.
    pub async fn post_as(
        &self,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let mut req = client().post(format!("{}{path}", self.base));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.json(body).send().await.unwrap()
    }
}

/// Asserts `resp` is an OpenAI chat completion (200) whose answer names the switchyard, with
/// its prompt tokens counted.
pub async fn assert_openai_completion(resp: reqwest::Response, what: &str) {
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["object"], "chat.completion", "{what}");
    assert!(body["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .contains("switchyard"));
    assert!(body["usage"]["prompt_tokens"].as_u64().unwrap() > 0);
}

/// A gateway with one Demo backend on a fresh instant mock.
pub async fn start_demo() -> (switchyard_mock::MockServer, Harness) {
    start_demo_with(GatewayConfig::default()).await
}

/// As [`start_demo`], with `config`.
pub async fn start_demo_with(config: GatewayConfig) -> (switchyard_mock::MockServer, Harness) {
    let mock = switchyard_mock::MockServer::start(switchyard_mock::MockConfig::instant())
        .await
        .unwrap();
    let h = start_with(table(vec![demo_target(&mock)]), &[], config).await;
    (mock, h)
}

/// The Demo backend at `mock`'s `/v1`, with no keys.
pub fn demo_target(mock: &switchyard_mock::MockServer) -> Target {
    target(
        "Demo",
        BackendKind::Demo,
        &format!("{}/v1", mock.base_url()),
        &[],
    )
}

/// A routing table of `targets` and no routes.
pub fn table(targets: Vec<Target>) -> RoutingTable {
    RoutingTable {
        targets,
        routes: vec![],
    }
}

pub fn target(name: &str, kind: BackendKind, base_url: &str, keys: &[(&str, &str)]) -> Target {
    Target {
        id: format!("id-{name}"),
        name: name.into(),
        kind,
        base_url: base_url.into(),
        default_model: kind.spec().default_model.into(),
        keys: keys
            .iter()
            .map(|(id, label)| KeyRef {
                id: (*id).into(),
                label: (*label).into(),
                approved: switchyard_domain::origin_of(base_url).into_iter().collect(),
            })
            .collect(),
        withheld_keys: 0,
        limits: Limits::default(),
    }
}

pub async fn start(targets: Vec<Target>, keys: &[(&str, &str)]) -> Harness {
    start_with(table(targets), keys, GatewayConfig::default()).await
}

pub async fn start_with(
    table: RoutingTable,
    keys: &[(&str, &str)],
    config: GatewayConfig,
) -> Harness {
    start_full(
        table,
        keys,
        config,
        Arc::new(SystemClock),
        Arc::new(NoObserver),
    )
    .await
}

pub async fn start_full(
    table: RoutingTable,
    keys: &[(&str, &str)],
    config: GatewayConfig,
    clock: Arc<dyn Clock>,
    observer: Arc<dyn Observer>,
) -> Harness {
    start_deps(
        table,
        keys,
        config,
        clock,
        observer,
        None,
        Shared::default(),
    )
    .await
}

/// A gateway with a response cache.
pub async fn start_cached(
    table: RoutingTable,
    keys: &[(&str, &str)],
    cache: switchyard_cache::Cache,
) -> Harness {
    let clock = Arc::new(SystemClock);
    let config = GatewayConfig::default();
    start_deps(
        table,
        keys,
        config,
        clock,
        Arc::new(NoObserver),
        Some(cache),
        Shared::default(),
    )
    .await
}

/// A gateway with every dependency given: a team replica's sharing is `shared`.
pub async fn start_deps(
    table: RoutingTable,
    keys: &[(&str, &str)],
    mut config: GatewayConfig,
    clock: Arc<dyn Clock>,
    observer: Arc<dyn Observer>,
    cache: Option<switchyard_cache::Cache>,
    shared: Shared,
) -> Harness {
    // Loopback on a free port, unless a test asked for every interface (lan.rs).
    if !config.bind.ip().is_unspecified() {
        config.bind = "127.0.0.1:0".parse().unwrap();
    }
    let ledger = Arc::new(Records::default());
    let deps = Deps {
        table: TableHandle::new(table),
        auth: Arc::new(Tokens),
        keys: Arc::new(Keys(
            keys.iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
        )),
        ledger: ledger.clone(),
        observer,
        clock,
        cache,
        extra_routes: None,
        shared,
    };
    let gateway = Gateway::start(config, deps).await.unwrap();
    let base = format!("http://{}", gateway.addr());
    Harness {
        gateway,
        ledger,
        base,
    }
}
