//! Time-driven behaviour through the real gateway, on a manual clock (paused time): the breaker's
//! exact state sequence, `retry-after` honoured for retries and cool-downs, and per-key breakers.
//! Network timeouts stay real; only the gateway's own clock is scripted.

use super::*;
use axum::http::StatusCode;
use std::sync::atomic::{AtomicU16, AtomicU32, Ordering};
use std::time::Duration;
use switchyard_gateway::ManualClock;

/// Breaker transitions as the observer heard them: (key id or "backend", state).
#[derive(Default)]
struct Transitions(Mutex<Vec<(String, String)>>);
impl Observer for Transitions {
    fn breaker_changed(
        &self,
        _backend: &str,
        key: Option<&str>,
        state: switchyard_domain::Circuit,
        _reason: &str,
    ) {
        let who = key.unwrap_or("backend").to_string();
        self.0.lock().unwrap().push((who, state.to_string()));
    }
}
impl Transitions {
    fn states(&self, who: &str) -> Vec<String> {
        let all = self.0.lock().unwrap();
        all.iter()
            .filter(|(w, _)| w == who)
            .map(|(_, s)| s.clone())
            .collect()
    }
}

/// An OpenAI-shaped upstream answering `status` (changeable) with optional extra headers,
/// counting calls. 200 answers are a valid chat completion.
struct Upstream {
    url: String,
    status: Arc<AtomicU16>,
    calls: Arc<AtomicU32>,
}

async fn upstream(status: u16, headers: &'static [(&'static str, &'static str)]) -> Upstream {
    let (s, calls) = (
        Arc::new(AtomicU16::new(status)),
        Arc::new(AtomicU32::new(0)),
    );
    let (s2, c2) = (s.clone(), calls.clone());
    let app = axum::Router::new().fallback(move || {
        let (s, c) = (s2.clone(), c2.clone());
        async move {
            c.fetch_add(1, Ordering::SeqCst);
            let code = s.load(Ordering::SeqCst);
            let body = if code == 200 {
                r#"{"id":"c1","object":"chat.completion","created":1,"model":"gpt-4.1-mini","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"#
            } else {
                r#"{"error":{"message":"stub"}}"#
            };
            let mut r = axum::response::IntoResponse::into_response((
                StatusCode::from_u16(code).unwrap(),
                [("content-type", "application/json")],
                body,
            ));
            if code != 200 {
                for (k, v) in headers {
                    r.headers_mut().insert(*k, v.parse().unwrap());
                }
            }
            r
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Upstream {
        url: format!("http://{addr}/v1"),
        status: s,
        calls,
    }
}

struct Scripted {
    h: Harness,
    clock: ManualClock,
    seen: Arc<Transitions>,
}

async fn scripted(up: &Upstream, keys: &[(&str, &str)], retries: u32) -> Scripted {
    let config = GatewayConfig {
        retries_per_candidate: retries,
        ..GatewayConfig::default()
    };
    scripted_with(up, keys, config).await
}

/// The backend "Solo" on `up` with `keys`, behind a gateway with `config` on a manual clock.
async fn scripted_with(up: &Upstream, keys: &[(&str, &str)], config: GatewayConfig) -> Scripted {
    let t = target("Solo", BackendKind::OpenAi, &up.url, keys);
    let secrets: Vec<(&str, &str)> = keys.iter().map(|(id, _)| (*id, "sk-CANARY-7f3a")).collect();
    let clock = ManualClock::default();
    let seen = Arc::new(Transitions::default());
    let h = start_full(
        table(vec![t]),
        &secrets,
        config,
        Arc::new(clock.clone()),
        seen.clone(),
    )
    .await;
    Scripted { h, clock, seen }
}

async fn send(h: &Harness) -> (u16, String) {
    let r = h
        .post("/v1/chat/completions", &openai_chat("gpt-4.1-mini", false))
        .await;
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_backend_breaker_follows_its_exact_state_sequence() {
    let up = upstream(503, &[]).await;
    let s = scripted(&up, &[("k1", "main")], 0).await;
    let calls = || up.calls.load(Ordering::SeqCst);
    for _ in 0..3 {
        assert_eq!(send(&s.h).await.0, 503);
    }
    assert_eq!(s.seen.states("backend"), ["open"], "3 failures open it");
    let (status, body) = send(&s.h).await;
    assert_eq!((status, calls()), (503, 3), "open: no call upstream");
    assert!(body.contains("circuit open"), "{body}");

    s.clock.advance(Duration::from_secs(60));
    assert_eq!(send(&s.h).await.0, 503, "the half-open trial fails");
    assert_eq!(calls(), 4);
    assert_eq!(s.seen.states("backend"), ["open", "halfOpen", "open"]);

    up.status.store(200, Ordering::SeqCst);
    s.clock.advance(Duration::from_secs(60));
    assert_eq!(send(&s.h).await.0, 503, "re-opened for twice as long");
    assert_eq!(calls(), 4);

    s.clock.advance(Duration::from_secs(60));
    for _ in 0..3 {
        assert_eq!(send(&s.h).await.0, 200);
    }
    assert_eq!(
        s.seen.states("backend"),
        ["open", "halfOpen", "open", "halfOpen", "closed"],
        "3 trial successes close it"
    );
    assert_eq!(calls(), 7);
    assert!(
        s.seen.states("k1").is_empty(),
        "provider errors are not the key's fault"
    );
}

#[tokio::test]
async fn retry_after_ms_is_waited_exactly_before_the_retry() {
    let up = upstream(503, &[("retry-after-ms", "1500")]).await;
    let s = scripted(&up, &[("k1", "main")], 1).await;
    assert_eq!(send(&s.h).await.0, 503);
    assert_eq!(up.calls.load(Ordering::SeqCst), 2, "one retry");
    assert_eq!(s.clock.slept(), [Duration::from_millis(1500)]);
}

#[tokio::test]
async fn a_rate_limited_key_cools_down_for_the_advertised_time() {
    let up = upstream(429, &[("retry-after", "7")]).await;
    let s = scripted(&up, &[("k1", "main")], 0).await;
    assert_eq!(send(&s.h).await.0, 503);
    up.status.store(200, Ordering::SeqCst);
    s.clock.advance(Duration::from_secs(6));
    let (status, body) = send(&s.h).await;
    assert_eq!(status, 503, "still cooling down after 6 s");
    assert!(body.contains("cooling down"), "{body}");
    assert_eq!(up.calls.load(Ordering::SeqCst), 1);
    s.clock.advance(Duration::from_secs(1));
    assert_eq!(send(&s.h).await.0, 200, "usable again after 7 s");
    assert!(
        s.clock.slept().is_empty(),
        "a 429 fails over; it never waits"
    );
}

#[tokio::test]
async fn a_key_that_keeps_being_rate_limited_opens_its_own_breaker() {
    let up = upstream(429, &[("retry-after", "1")]).await;
    let s = scripted(&up, &[("k1", "main"), ("k2", "spare")], 0).await;
    for _ in 0..3 {
        // k1 then k2 are rate-limited each round; both cool down for 1 s.
        assert_eq!(send(&s.h).await.0, 503);
        s.clock.advance(Duration::from_secs(1));
    }
    assert_eq!(s.seen.states("k1"), ["open"]);
    assert_eq!(s.seen.states("k2"), ["open"]);
    assert!(
        s.seen.states("backend").is_empty(),
        "rate-limited keys do not open the backend's breaker"
    );
    let before = up.calls.load(Ordering::SeqCst);
    let (status, body) = send(&s.h).await;
    assert_eq!(status, 503);
    assert!(body.contains("key spare: circuit open"), "{body}");
    assert_eq!(
        up.calls.load(Ordering::SeqCst),
        before,
        "no call with open key breakers"
    );

    up.status.store(200, Ordering::SeqCst);
    s.clock.advance(Duration::from_secs(60));
    assert_eq!(
        send(&s.h).await.0,
        200,
        "a key's trial goes through after its open period"
    );
    assert_eq!(s.seen.states("k1"), ["open", "halfOpen"]);
}

#[tokio::test]
async fn the_retry_budget_caps_retries_at_a_fifth_of_requests_plus_the_reserve() {
    let up = upstream(503, &[("retry-after-ms", "0")]).await;
    let config = GatewayConfig {
        retries_per_candidate: 3,
        // Keep the breaker closed so every request reaches the upstream.
        breaker: switchyard_policy::BreakerConfig {
            consecutive_failures: 1_000_000,
            min_requests: 1_000_000,
            ..Default::default()
        },
        ..GatewayConfig::default()
    };
    let s = scripted_with(&up, &[("k1", "main")], config).await;
    for _ in 0..50 {
        assert_eq!(send(&s.h).await.0, 503);
    }
    let calls = up.calls.load(Ordering::SeqCst);
    // Unlimited retries would make 200 calls; the budget allows 30 (3/s × 10 s) + 20 % of 50.
    assert_eq!(calls, 50 + 30 + 10, "retries stop when the budget is spent");
}
