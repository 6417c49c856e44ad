//! Money on the request path: a swapped price table prices new requests (the Demo backend at its
//! stated price, or an override), and budget hard stops refuse paid requests in their scope with
//! a 402 while free models and response-cache hits keep serving, then resume.

use super::*;
use switchyard_gateway::{SpendLimit, SpendScope};
use switchyard_mock::{MockConfig, MockServer};
use switchyard_pricing::{ModelPrice, PriceTable};

const KEYS: &[(&str, &str)] = &[("k1", "sk-CANARY-spend")];

async fn setup() -> (MockServer, Harness) {
    let (mock, openai) = openai_mock().await;
    let demo = demo_target(&mock);
    let h = start(vec![openai, demo], KEYS).await;
    (mock, h)
}

/// A fresh instant mock and an OpenAI backend on it with the key `k1`.
async fn openai_mock() -> (MockServer, Target) {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let base = format!("{}/v1", mock.base_url());
    let t = target("OpenAI", BackendKind::OpenAi, &base, &[("k1", "main")]);
    (mock, t)
}

async fn ask(h: &Harness, model: &str) -> (u16, serde_json::Value) {
    let resp = h
        .post("/v1/chat/completions", &openai_chat(model, false))
        .await;
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn limit(scope: SpendScope, remaining_usd: f64) -> SpendLimit {
    SpendLimit {
        id: "monthly".into(),
        scope,
        remaining_usd,
        message: "Budget “Monthly” is used up.".into(),
    }
}

#[tokio::test]
async fn a_used_up_budget_refuses_paid_requests_with_402_the_demo_backend_included() {
    let (_mock, h) = setup().await;
    let spend = h.gateway.spend();
    spend.set_limits(vec![limit(SpendScope::All, 0.0)]);
    let (status, body) = ask(&h, "gpt-4o-mini").await;
    assert_eq!(status, 402);
    assert_eq!(body["error"]["code"], "budget_exceeded");
    assert_eq!(body["error"]["message"], "Budget “Monthly” is used up.");
    let (status, _) = ask(&h, "demo-chat").await;
    assert_eq!(
        status, 402,
        "the Demo backend has a stated price: a stop covers it"
    );
    let recs = h.ledger.wait_for(2).await;
    assert_eq!(recs[0].status, 402);
    assert_eq!(
        recs[0].error_class.map(|c| c.as_str()),
        Some("budget_exceeded")
    );
    assert_eq!(
        recs[0].cost_usd,
        Some(0.0),
        "a refusal spent nothing: $0, not an unpriced request"
    );

    spend.set_limits(vec![limit(SpendScope::Backend("id-Demo".into()), 0.0)]);
    assert_eq!(ask(&h, "gpt-4o-mini").await.0, 200, "resumes");
}

#[tokio::test]
async fn the_gateway_charges_finished_requests_so_a_limit_stops_before_the_app_looks_again() {
    let (_mock, h) = setup().await;
    let spend = h.gateway.spend();
    spend.set_limits(vec![limit(SpendScope::Backend("id-OpenAI".into()), 1e-9)]);
    assert_eq!(ask(&h, "gpt-4o-mini").await.0, 200);
    let first = h.ledger.wait_for(1).await;
    let cost = first[0].cost_usd.unwrap();
    assert!(cost > 1e-9);
    let left = spend.limits()[0].remaining_usd;
    assert!((left - (1e-9 - cost)).abs() < 1e-15, "{left}");
    assert_eq!(ask(&h, "gpt-4o-mini").await.0, 402);
}

#[tokio::test]
async fn a_route_scope_stops_only_that_route() {
    let (_mock, t) = openai_mock().await;
    let route = |name: &str| switchyard_gateway::Route {
        name: name.into(),
        strategy: switchyard_policy::Strategy::Priority,
        candidates: vec![switchyard_gateway::RouteCandidate {
            backend_id: t.id.clone(),
            model: "gpt-4o-mini".into(),
            weight: 1,
        }],
        cache: Default::default(),
    };
    let table = RoutingTable {
        routes: vec![route("capped"), route("open")],
        targets: vec![t.clone()],
    };
    let h = start_with(table, KEYS, GatewayConfig::default()).await;
    h.gateway
        .spend()
        .set_limits(vec![limit(SpendScope::Route("capped".into()), 0.0)]);
    assert_eq!(ask(&h, "capped").await.0, 402);
    assert_eq!(ask(&h, "open").await.0, 200);
    assert_eq!(ask(&h, "gpt-4o-mini").await.0, 200, "no route, not covered");
}

#[tokio::test]
async fn a_new_price_table_prices_new_requests_and_an_override_prices_the_demo_backend() {
    let (_mock, h) = setup().await;
    let spend = h.gateway.spend();
    assert_eq!(ask(&h, "demo-chat").await.0, 200);
    let overridden = PriceTable::bundled().with_overrides(&[
        ("demo-chat".into(), ModelPrice::new(1e-6, 2e-6)),
        ("gpt-4o-mini".into(), ModelPrice::new(0.0, 0.0)),
    ]);
    spend.set_prices(std::sync::Arc::new(overridden));
    assert_eq!(ask(&h, "demo-chat").await.0, 200);
    assert_eq!(ask(&h, "gpt-4o-mini").await.0, 200);
    let recs = h.ledger.wait_for(3).await;
    let demo = &recs[0];
    let stated = demo.input_tokens as f64 * switchyard_pricing::DEMO_PRICE.input
        + demo.output_tokens as f64 * switchyard_pricing::DEMO_PRICE.output;
    assert!(stated > 0.0);
    assert_eq!(
        demo.cost_usd,
        Some(stated),
        "Demo at its stated price without an override"
    );
    let r = &recs[1];
    let expected = r.input_tokens as f64 * 1e-6 + r.output_tokens as f64 * 2e-6;
    assert!(expected > 0.0);
    assert_eq!(r.cost_usd, Some(expected));
    assert_eq!(
        recs[2].cost_usd,
        Some(0.0),
        "the override wins over the table"
    );

    // A model priced at $0 is free, so a used-up budget does not stop it.
    spend.set_limits(vec![limit(SpendScope::All, 0.0)]);
    assert_eq!(ask(&h, "gpt-4o-mini").await.0, 200);
    assert_eq!(ask(&h, "demo-chat").await.0, 402, "priced, so paid");
}

#[tokio::test]
async fn response_cache_hits_stay_allowed_under_a_hard_stop() {
    let (_mock, t) = openai_mock().await;
    let clock: switchyard_cache::Clock = std::sync::Arc::new(|| 1_800_000_000_000);
    let cache = switchyard_cache::Cache::new(switchyard_cache::CacheConfig::default(), None, clock);
    let h = start_cached(table(vec![t]), KEYS, cache).await;
    let mut body = openai_chat("gpt-4o-mini", false);
    body["temperature"] = 0.0.into();
    let send = |body: serde_json::Value| {
        let base = h.base.clone();
        async move {
            client()
                .post(format!("{base}/v1/chat/completions"))
                .bearer_auth(TOKEN)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(send(body.clone()).await.status(), 200);
    h.gateway
        .spend()
        .set_limits(vec![limit(SpendScope::All, 0.0)]);
    let hit = send(body.clone()).await;
    assert_eq!(hit.status(), 200);
    assert_eq!(hit.headers()["x-switchyard-cache"], "hit");
    body["messages"][0]["content"] = "something new".into();
    assert_eq!(send(body).await.status(), 402, "a miss would be paid");
}

#[tokio::test]
async fn a_hard_stop_refuses_the_new_shapes_too_each_in_its_own_format() {
    let (_mock, h) = setup().await;
    h.gateway
        .spend()
        .set_limits(vec![limit(SpendScope::All, 0.0)]);
    let post = |path: &str, body: serde_json::Value| {
        client()
            .post(format!("{}{path}", h.base))
            .bearer_auth(TOKEN)
            .header("x-goog-api-key", TOKEN)
            .json(&body)
            .send()
    };
    let r = post(
        "/v1/responses",
        serde_json::json!({"model": "gpt-4o-mini", "input": "hi"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 402);
    let e: serde_json::Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "budget_exceeded");
    let g = post(
        "/v1beta/models/gpt-4o-mini:generateContent",
        serde_json::json!({"contents": [{"parts": [{"text": "hi"}]}]}),
    )
    .await
    .unwrap();
    assert_eq!(g.status(), 402);
    let e: serde_json::Value = g.json().await.unwrap();
    assert_eq!(
        e["error"]["status"], "FAILED_PRECONDITION",
        "nothing a Gemini client should retry"
    );
    let emb = post(
        "/v1/embeddings",
        serde_json::json!({"model": "text-embedding-3-small", "input": "hi"}),
    )
    .await
    .unwrap();
    assert_eq!(emb.status(), 402, "embeddings are paid too");
    let count = post("/v1/messages/count_tokens", serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}))
        .await
        .unwrap();
    assert_eq!(count.status(), 200, "counting is free: no budget stops it");
    let recs = h.ledger.wait_for(4).await;
    let inbound: Vec<&str> = recs.iter().map(|r| r.inbound.as_str()).collect();
    assert_eq!(
        inbound,
        ["responses", "gemini", "embeddings", "count_tokens"]
    );
    assert!(recs[..3]
        .iter()
        .all(|r| r.error_class.map(|c| c.as_str()) == Some("budget_exceeded")));
}

/// A team's budgets that record what each request reserved (USD) and hold nothing.
#[derive(Default)]
struct Reserved(Mutex<Vec<f64>>);

impl switchyard_gateway::SharedBudgets for Reserved {
    fn reserve<'a>(
        &'a self,
        _owner: Option<&'a str>,
        _backend: &'a str,
        _route: Option<&'a str>,
        usd: f64,
    ) -> switchyard_gateway::SharedAnswer<
        'a,
        Result<Option<Box<dyn switchyard_gateway::Held>>, String>,
    > {
        self.0.lock().unwrap().push(usd);
        Box::pin(std::future::ready(Ok(None)))
    }
}

#[tokio::test]
async fn a_request_naming_no_output_limit_reserves_the_models_longest_answer() {
    let m = switchyard_mock::MockServer::start(switchyard_mock::MockConfig::instant())
        .await
        .unwrap();
    let url = format!("{}/v1", m.base_url());
    let t = target("OpenAI", BackendKind::OpenAi, &url, &[("k", "main")]);
    let budgets = Arc::new(Reserved::default());
    let shared = Shared {
        budgets: Some(budgets.clone()),
        ..Shared::default()
    };
    let h = start_deps(
        table(vec![t]),
        &[("k", "sk-a")],
        GatewayConfig::default(),
        Arc::new(SystemClock),
        Arc::new(NoObserver),
        None,
        shared,
    )
    .await;
    let mut ask = openai_chat("gpt-4.1", false);
    assert_eq!(h.post("/v1/chat/completions", &ask).await.status(), 200);
    ask["max_tokens"] = serde_json::json!(100);
    assert_eq!(h.post("/v1/chat/completions", &ask).await.status(), 200);
    let reserved = budgets.0.lock().unwrap().clone();
    // gpt-4.1: up to 32,768 output tokens at $8 a million (and the input, at $2): about $0.26,
    // where the gateway's default of 4,096 would have held $0.03.
    assert!(reserved[0] > 0.262 && reserved[0] < 0.263, "{reserved:?}");
    assert!(
        reserved[1] > 0.0008 && reserved[1] < 0.001,
        "named: {reserved:?}"
    );
}
