//! The provider's rate-limit headers: passed on unchanged to a caller speaking its format
//! (whole and streamed answers, and its 4xx), not to one speaking another; kept per key; and
//! the `headroom` strategy draining each key before the next as the headers say.

use super::*;
use switchyard_gateway::{Route, RouteCandidate};
use switchyard_mock::{MockConfig, MockServer};
use switchyard_policy::Strategy;

async fn mock(rpm: u32) -> MockServer {
    let mut config = MockConfig::instant();
    config.requests_per_minute = rpm;
    MockServer::start(config).await.unwrap()
}

fn limits_of(h: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = h
        .iter()
        .filter(|(k, _)| k.as_str().contains("ratelimit") || k.as_str() == "retry-after")
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_string()))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn anthropic_limits_reach_an_anthropic_caller_whole_and_streamed_but_not_a_translated_one() {
    let m = mock(1000).await; // 1000 a minute
    let h = start(
        vec![target(
            "A",
            BackendKind::Anthropic,
            &m.base_url(),
            &[("k1", "main")],
        )],
        &[("k1", "sk-ant")],
    )
    .await;
    for stream in [false, true] {
        let r = client()
            .post(format!("{}/v1/messages", h.base))
            .header("x-api-key", TOKEN)
            .json(&anthropic_msg("claude-haiku-4-5", stream))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let got = limits_of(r.headers());
        let names: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
        for want in [
            "anthropic-ratelimit-requests-remaining",
            "anthropic-ratelimit-tokens-remaining",
            "anthropic-ratelimit-unified-5h-utilization",
            "anthropic-ratelimit-unified-status",
        ] {
            assert!(
                names.contains(&want),
                "stream={stream}: {want} missing from {names:?}"
            );
        }
        let remaining = if stream { "998" } else { "999" };
        assert!(got.contains(&(
            "anthropic-ratelimit-requests-remaining".into(),
            remaining.into()
        )));
        let _ = r.bytes().await.unwrap();
    }
    // An OpenAI caller of the same backend gets none of Anthropic's headers.
    let r = h
        .post(
            "/v1/chat/completions",
            &openai_chat("claude-haiku-4-5", false),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(
        limits_of(r.headers()).is_empty(),
        "{:?}",
        limits_of(r.headers())
    );
    // Kept for the key, with the latest count (three requests so far).
    let live = h.gateway.health().snapshot(h.gateway.handle().now());
    let key = live.iter().find(|t| t.id == "k1").unwrap();
    let (room, _seen) = key.headroom.clone().unwrap();
    assert_eq!(room.requests.remaining, Some(997));
    assert_eq!(room.windows[0].name, "5h");
    assert_eq!(room.plan_status.as_deref(), Some("allowed"));
}

#[tokio::test]
async fn openai_limits_and_the_providers_own_429_reach_an_openai_caller() {
    let m = mock(1).await;
    let h = start(
        vec![target(
            "O",
            BackendKind::OpenAi,
            &format!("{}/v1", m.base_url()),
            &[("k1", "main")],
        )],
        &[("k1", "sk-o")],
    )
    .await;
    let send = || {
        client()
            .post(format!("{}/v1/chat/completions", h.base))
            .bearer_auth(TOKEN)
            .json(&openai_chat("gpt-4o-mini", false))
            .send()
    };
    let r = send().await.unwrap();
    assert_eq!(r.status(), 200);
    let got = limits_of(r.headers());
    assert!(
        got.contains(&("x-ratelimit-remaining-requests".into(), "0".into())),
        "{got:?}"
    );
    assert!(got.iter().any(|(k, _)| k == "x-ratelimit-reset-tokens"));
    // The key is drained: the gateway's answer is its own 503 (the key cools down), so no
    // provider header there; the headers were kept for the Health page.
    let r = send().await.unwrap();
    assert_eq!(r.status(), 503);
    let live = h.gateway.health().snapshot(h.gateway.handle().now());
    let key = live.iter().find(|t| t.id == "k1").unwrap();
    assert!(key.cooling_down_secs.is_some());
    assert_eq!(key.headroom.as_ref().unwrap().0.requests.remaining, Some(0));
}

/// Two keys on one backend, two requests per minute each: `headroom` sends the third request
/// to the second key without asking the drained first one; `priority` asks it and takes its 429.
#[tokio::test]
async fn the_headroom_strategy_drains_one_key_before_the_next_without_a_429() {
    for (strategy, want_429) in [(Strategy::Headroom, 0), (Strategy::Priority, 1)] {
        let m = mock(2).await;
        let table = RoutingTable {
            targets: vec![target(
                "O",
                BackendKind::OpenAi,
                &format!("{}/v1", m.base_url()),
                &[("k1", "first"), ("k2", "second")],
            )],
            routes: vec![Route {
                name: "r".into(),
                strategy,
                candidates: vec![RouteCandidate {
                    backend_id: "id-O".into(),
                    model: "gpt-x".into(),
                    weight: 1,
                }],
                cache: Default::default(),
            }],
        };
        let h = start_with(
            table,
            &[("k1", "sk-1"), ("k2", "sk-2")],
            GatewayConfig::default(),
        )
        .await;
        for _ in 0..4 {
            let r = h
                .post("/v1/chat/completions", &openai_chat("r", false))
                .await;
            assert_eq!(r.status(), 200, "{strategy:?}");
        }
        assert_eq!(m.rate_limited(), want_429, "{strategy:?}: 429s taken");
        let records = h.ledger.wait_for(4).await;
        let keys: Vec<&str> = records
            .iter()
            .filter_map(|r| r.key_label.as_deref())
            .collect();
        assert_eq!(keys, ["first", "first", "second", "second"], "{strategy:?}");
    }
}

/// Gemini's quota error carries no headers: its body's `retryDelay` sets the key's cool-down
/// (7 s, not the 30 s default) and its headroom (none left, the quota's size), and the next key
/// serves.
#[tokio::test]
async fn a_gemini_quota_error_cools_the_key_for_its_retry_delay_and_the_next_key_serves() {
    let mut config = MockConfig::instant();
    config.rate_limited_keys = vec!["sk-slow".into()];
    let m = MockServer::start(config).await.unwrap();
    let h = start(
        vec![target(
            "G",
            BackendKind::Gemini,
            &format!("{}/v1beta", m.base_url()),
            &[("k1", "slow"), ("k2", "fine")],
        )],
        &[("k1", "sk-slow"), ("k2", "sk-fine")],
    )
    .await;
    let r = h
        .post(
            "/v1/chat/completions",
            &openai_chat("gemini-2.5-flash", false),
        )
        .await;
    assert_eq!(r.status(), 200);
    let live = h.gateway.health().snapshot(h.gateway.handle().now());
    let slow = live.iter().find(|t| t.id == "k1").unwrap();
    let cooling = slow.cooling_down_secs.unwrap();
    assert!(
        (1..=7).contains(&cooling),
        "the retry delay, not 30 s: {cooling}"
    );
    let q = slow.headroom.as_ref().unwrap().0.requests;
    assert_eq!((q.limit, q.remaining), (Some(10), Some(0)));
    let records = h.ledger.wait_for(1).await;
    assert_eq!(records[0].key_label.as_deref(), Some("fine"));
}
