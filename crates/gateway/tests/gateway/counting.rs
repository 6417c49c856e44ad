//! Token counting (Anthropic `count_tokens`, Responses `input_tokens`, Gemini `countTokens`) and
//! embeddings: counted by a backend that counts for free, estimated otherwise, never billed and
//! never touching a breaker; embeddings priced, cached and refused clearly when malformed.

use super::shapes_support::all_formats;
use super::*;
use serde_json::{json, Value};
use switchyard_mock::{Fault, MockConfig, MockServer};

fn conversation(model: &str) -> Value {
    json!({"model": model, "system": "Be brief.",
        "messages": [{"role": "user", "content": "How many tokens is this sentence?"}],
        "tools": [{"name": "Bash", "description": "Run a command", "input_schema": {"type": "object"}}]})
}

#[tokio::test]
async fn anthropic_backends_count_and_other_formats_are_estimated_for_free() {
    let (mock, h) = all_formats().await;
    let counted = h
        .post(
            "/v1/messages/count_tokens",
            &conversation("claude-sonnet-4-5"),
        )
        .await;
    assert_eq!(counted.status(), 200);
    assert_eq!(
        counted.headers()["x-switchyard-reason"],
        "counted by Claude"
    );
    let n: Value = counted.json().await.unwrap();
    assert!(n["input_tokens"].as_u64().unwrap() > 5);
    assert_eq!(
        mock.calls("count_tokens"),
        1,
        "passed through to the Anthropic backend"
    );

    let estimated = h
        .post("/v1/messages/count_tokens", &conversation("gpt-4.1"))
        .await;
    assert_eq!(estimated.headers()["x-switchyard-reason"], "estimated");
    let e: Value = estimated.json().await.unwrap();
    assert!(e["input_tokens"].as_u64().unwrap() > 5, "{e}");
    assert_eq!(
        mock.calls("count_tokens"),
        1,
        "an OpenAI backend is never asked"
    );
    assert_eq!(
        mock.calls("chat") + mock.calls("responses"),
        0,
        "counting is not a model call"
    );

    let records = h.ledger.wait_for(2).await;
    for r in &records {
        assert_eq!(r.inbound, "count_tokens");
        assert_eq!(
            (r.input_tokens, r.output_tokens),
            (0, 0),
            "a count is not usage"
        );
        assert_eq!(r.cost_usd, Some(0.0), "never billed");
        assert_eq!(r.attempts, 0, "no model call, nothing for a breaker");
    }
}

#[tokio::test]
async fn responses_and_gemini_counts_answer_in_their_own_shapes() {
    let (mock, h) = all_formats().await;
    let r: Value = h
        .post(
            "/v1/responses/input_tokens",
            &json!({"model": "gpt-5-codex", "input": "hello there"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["object"], "response.input_tokens");
    assert_eq!(
        mock.calls("responses_input_tokens"),
        1,
        "OpenAI counts Responses input"
    );
    let hello = json!({"contents": [{"role": "user", "parts": [{"text": "hello there"}]}]});
    let count = |model: &str| format!("/v1beta/models/{model}:countTokens");
    let g = h.post_google(&count("gemini-2.5-flash"), &hello).await;
    assert_eq!(g.status(), 200);
    let g: Value = g.json().await.unwrap();
    assert!(g["totalTokens"].as_u64().unwrap() > 0);
    assert_eq!(mock.calls("gemini_count_tokens"), 1);
    let est = h.post_google(&count("claude-sonnet-4-5"), &hello).await;
    assert_eq!(est.headers()["x-switchyard-reason"], "estimated");
    let bad = h.post_google(&count("gemini-2.5-flash"), &json!({})).await;
    assert_eq!(bad.status(), 400);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["error"]["status"], "INVALID_ARGUMENT");
    assert!(bad["error"]["message"]
        .as_str()
        .unwrap()
        .contains("contents"));
}

#[tokio::test]
async fn a_failing_counter_falls_back_to_the_estimate_without_tripping_anything() {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    // A key the mock refuses: the count fails upstream, the estimate answers.
    let mut cfg = MockConfig::instant();
    cfg.accepted_keys = Some(vec!["other".into()]);
    let strict = MockServer::start(cfg).await.unwrap();
    let t = target(
        "Claude",
        BackendKind::Anthropic,
        &strict.base_url(),
        &[("ka", "a")],
    );
    let h = start(vec![t], &[("ka", "sk-wrong")]).await;
    for _ in 0..5 {
        let r = h
            .post(
                "/v1/messages/count_tokens",
                &conversation("claude-sonnet-4-5"),
            )
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["x-switchyard-reason"], "estimated");
    }
    let live = h
        .gateway
        .health()
        .snapshot(tokio::time::Instant::now().into_std());
    assert!(
        live.iter()
            .all(|s| s.breaker.as_str() == "closed" && !s.invalid),
        "counting never opens a breaker or marks a key: {live:?}"
    );
    drop(mock);
}

fn memory_cache() -> switchyard_cache::Cache {
    let disk = switchyard_cache::DiskCache::open_in_memory(64 << 20).unwrap();
    let clock = std::sync::Arc::new(|| 1_800_000_000_000i64) as switchyard_cache::Clock;
    switchyard_cache::Cache::new(switchyard_cache::CacheConfig::default(), Some(disk), clock)
}

#[tokio::test]
async fn embeddings_are_priced_cached_and_refused_clearly() {
    let mock = MockServer::start(MockConfig::instant().with_faults(vec![Fault::Status(503)]))
        .await
        .unwrap();
    let base = format!("{}/v1", mock.base_url());
    let claude = target(
        "Claude",
        BackendKind::Anthropic,
        &mock.base_url(),
        &[("ka", "a")],
    );
    let openai = target("OpenAI", BackendKind::OpenAi, &base, &[("ko", "o")]);
    let h = start_cached(
        RoutingTable {
            targets: vec![claude, openai],
            routes: vec![],
        },
        &[("ka", "sk-a"), ("ko", "sk-o")],
        memory_cache(),
    )
    .await;
    let body = json!({"model": "text-embedding-3-small", "input": ["alpha", "beta"], "encoding_format": "float"});
    let first = h.post("/v1/embeddings", &body.clone()).await;
    assert_eq!(first.status(), 200, "the 503 was retried");
    assert_eq!(first.headers()["x-switchyard-cache"], "miss");
    let v: Value = first.json().await.unwrap();
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    assert_eq!(v["data"][0]["embedding"].as_array().unwrap().len(), 16);
    let again = h.post("/v1/embeddings", &body).await;
    assert_eq!(again.headers()["x-switchyard-cache"], "hit");
    let hit: Value = again.json().await.unwrap();
    assert_eq!(hit, v, "a hit returns the stored body as it was");
    assert_eq!(
        mock.calls("embeddings"),
        2,
        "one 503, one answer, then the cache"
    );

    let records = h.ledger.wait_for(2).await;
    let miss = &records[0];
    assert_eq!(miss.inbound, "embeddings");
    assert_eq!(miss.input_tokens, 2);
    assert!(
        miss.cost_usd.is_some_and(|c| c > 0.0),
        "priced from the table: {miss:?}"
    );
    assert_eq!(records[1].cost_usd, Some(0.0));

    let long = "word ".repeat(9000);
    let over = h
        .post(
            "/v1/embeddings",
            &json!({"model": "text-embedding-3-small", "input": ["ok", long]}),
        )
        .await;
    assert_eq!(over.status(), 400);
    let e: Value = over.json().await.unwrap();
    assert_eq!(e["error"]["param"], "input[1]");
    let none = h
        .post(
            "/v1/embeddings",
            &json!({"model": "text-embedding-3-small"}),
        )
        .await;
    assert_eq!(none.status(), 400);
    let only_claude = h
        .post(
            "/v1/embeddings",
            &json!({"model": "Claude/claude-sonnet-4-5", "input": "x"}),
        )
        .await;
    assert_eq!(
        only_claude.status(),
        400,
        "Anthropic has no embeddings: a clear refusal, not a 5xx"
    );
    let e: Value = only_claude.json().await.unwrap();
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no embeddings API"),
        "{e}"
    );
}
