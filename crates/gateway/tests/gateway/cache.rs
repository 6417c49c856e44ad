//! The response cache through the gateway: hits and savings in the ledger, policy headers,
//! single-flight, replay as a stream in both formats, errors and cut streams never stored,
//! per-route modes, TTL, restart and corrupt rows.

use super::*;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use switchyard_cache::{Cache, CacheConfig, DiskCache};
use switchyard_gateway::{CacheMode, Route, RouteCache, RouteCandidate};
use switchyard_mock::{Fault, Latency, MockConfig, MockServer};

const KEYS: &[(&str, &str)] = &[("k1", "sk-CANARY-7f3a-cache")];

/// A priced OpenAI-kind backend (the mock answers any model) and a route over it.
fn table(mock: &MockServer, route_cache: RouteCache) -> RoutingTable {
    let t = target(
        "OpenAI",
        BackendKind::OpenAi,
        &format!("{}/v1", mock.base_url()),
        &[("k1", "main")],
    );
    RoutingTable {
        routes: vec![Route {
            name: "cached".into(),
            strategy: switchyard_policy::Strategy::Priority,
            candidates: vec![RouteCandidate {
                backend_id: t.id.clone(),
                model: "gpt-4o-mini".into(),
                weight: 1,
            }],
            cache: route_cache,
        }],
        targets: vec![t],
    }
}

/// A memory + SQLite cache whose clock the test moves.
fn cache_at(path: Option<&std::path::Path>) -> (Arc<AtomicI64>, Cache) {
    let now = Arc::new(AtomicI64::new(1_800_000_000_000));
    let clock = {
        let now = Arc::clone(&now);
        Arc::new(move || now.load(Ordering::SeqCst)) as switchyard_cache::Clock
    };
    let disk = match path {
        Some(p) => DiskCache::open(p, 64 << 20).unwrap(),
        None => DiskCache::open_in_memory(64 << 20).unwrap(),
    };
    (now, Cache::new(CacheConfig::default(), Some(disk), clock))
}

pub(crate) async fn setup(
    config: MockConfig,
    route_cache: RouteCache,
) -> (MockServer, Harness, Arc<AtomicI64>) {
    let mock = MockServer::start(config).await.unwrap();
    let (now, cache) = cache_at(None);
    let h = start_cached(table(&mock, route_cache), KEYS, cache).await;
    (mock, h, now)
}

pub(crate) fn ask(model: &str, stream: bool, temperature: Option<f64>) -> serde_json::Value {
    let mut body = serde_json::json!({
        "model": model,
        "stream": stream,
        "max_tokens": 64,
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Say hello to the switchyard"}
        ]
    });
    if let Some(t) = temperature {
        body["temperature"] = t.into();
    }
    body
}

/// Sends an OpenAI-shaped request; returns the cache label, the status and the body text.
async fn send(
    h: &Harness,
    body: &serde_json::Value,
    headers: &[(&str, &str)],
) -> (String, u16, String) {
    let mut req = client()
        .post(format!("{}/v1/chat/completions", h.base))
        .bearer_auth(TOKEN)
        .json(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    let label = resp
        .headers()
        .get("x-switchyard-cache")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let status = resp.status().as_u16();
    (label, status, resp.text().await.unwrap())
}

fn content(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_same_request_twice_is_a_hit_that_costs_nothing_and_records_the_saving() {
    let (mock, h, _) = setup(MockConfig::instant(), RouteCache::default()).await;
    let body = ask("cached", false, Some(0.0));
    let (first, s1, b1) = send(&h, &body, &[]).await;
    let (second, s2, b2) = send(&h, &body, &[]).await;
    assert_eq!(
        (first.as_str(), s1, second.as_str(), s2),
        ("miss", 200, "hit", 200)
    );
    assert_eq!(content(&b1), content(&b2), "the hit is the original answer");
    assert_eq!(mock.calls("chat"), 1, "one upstream call");
    let recs = h.ledger.wait_for(2).await;
    let (miss, hit) = (&recs[0], &recs[1]);
    let cost = miss.cost_usd.expect("gpt-4o-mini is priced");
    assert!(cost > 0.0);
    assert_eq!(miss.cache.as_deref(), Some("miss"));
    assert_eq!(hit.cache.as_deref(), Some("hit"));
    assert_eq!((hit.cost_usd, hit.saved_usd), (Some(0.0), Some(cost)));
    assert_eq!(
        (
            hit.backend.as_deref(),
            hit.model.as_deref(),
            hit.route.as_deref(),
            hit.attempts
        ),
        (Some("OpenAI"), Some("gpt-4o-mini"), Some("cached"), 0),
        "the hit names who originally answered; no upstream attempt"
    );
}

#[tokio::test]
async fn only_deterministic_or_opted_in_requests_are_cached() {
    let (mock, h, _) = setup(MockConfig::instant(), RouteCache::default()).await;
    for t in [None, Some(0.7)] {
        let body = ask("cached", false, t);
        assert_eq!(send(&h, &body, &[]).await.0, "skip");
        assert_eq!(send(&h, &body, &[]).await.0, "skip");
    }
    assert_eq!(mock.calls("chat"), 4, "nothing was answered from the cache");
    let body = ask("cached", false, Some(0.7));
    let force = [("x-switchyard-cache", "force")];
    assert_eq!(send(&h, &body, &force).await.0, "miss");
    assert_eq!(send(&h, &body, &force).await.0, "hit", "forced by header");
    let mut n2 = ask("cached", false, Some(0.0));
    n2["n"] = 2.into();
    assert_eq!(send(&h, &n2, &[]).await.0, "skip", "n > 1 is never cached");
}

#[tokio::test]
async fn bypass_no_cache_and_no_store_headers_do_what_they_say() {
    let (mock, h, _) = setup(MockConfig::instant(), RouteCache::default()).await;
    let body = ask("cached", false, Some(0.0));
    assert_eq!(send(&h, &body, &[]).await.0, "miss");
    let bypass = [("x-switchyard-cache", "bypass")];
    assert_eq!(send(&h, &body, &bypass).await.0, "bypass");
    assert_eq!(mock.calls("chat"), 2, "bypass went upstream");
    let refresh = [("cache-control", "no-cache")];
    assert_eq!(send(&h, &body, &refresh).await.0, "refresh");
    assert_eq!(mock.calls("chat"), 3, "no-cache skipped the lookup");
    assert_eq!(
        send(&h, &body, &[]).await.0,
        "hit",
        "the refreshed answer is stored"
    );
    let other = ask("cached", false, Some(0.0));
    let mut other = other;
    other["messages"][1]["content"] = "Something else".into();
    let no_store = [("cache-control", "no-store")];
    assert_eq!(send(&h, &other, &no_store).await.0, "miss");
    assert_eq!(
        send(&h, &other, &[]).await.0,
        "miss",
        "no-store stored nothing"
    );
    assert_eq!(
        send(&h, &body, &no_store).await.0,
        "hit",
        "no-store may still read"
    );
    let (label, status, text) = send(&h, &body, &[("x-switchyard-cache", "sometimes")]).await;
    assert_eq!((label.as_str(), status), ("", 400));
    assert!(text.contains("x-switchyard-cache"), "a clear error: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_identical_requests_make_one_upstream_call() {
    let mut config = MockConfig::instant();
    config.latency = Latency {
        first_byte: Duration::from_millis(300),
        per_token: Duration::ZERO,
    };
    let (mock, h, _) = setup(config, RouteCache::default()).await;
    let h = Arc::new(h);
    let mut tasks = Vec::new();
    for i in 0..100 {
        let h = Arc::clone(&h);
        tasks.push(tokio::spawn(async move {
            let (label, status, text) = send(&h, &ask("cached", i % 2 == 0, Some(0.0)), &[]).await;
            assert_eq!(status, 200, "{text}");
            label
        }));
    }
    let mut labels = Vec::new();
    for t in tasks {
        labels.push(t.await.unwrap());
    }
    assert_eq!(mock.calls("chat"), 1, "exactly one upstream call");
    assert_eq!(labels.iter().filter(|l| *l == "miss").count(), 1);
    assert!(
        labels
            .iter()
            .all(|l| ["miss", "shared", "hit"].contains(&l.as_str())),
        "{labels:?}"
    );
}

#[tokio::test]
async fn a_cached_answer_replays_as_a_stream_in_both_formats() {
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let (_, cache) = cache_at(None);
    let h = start_cached(super::table(vec![demo_target(&mock)]), &[], cache).await;
    let (label, _, body) = send(&h, &ask("demo-chat", false, Some(0.0)), &[]).await;
    assert_eq!(label, "miss");
    let original = content(&body);
    let (label, _, sse) = send(&h, &ask("demo-chat", true, Some(0.0)), &[]).await;
    assert_eq!(label, "hit", "stream and non-stream share the entry");
    let (text, done, _) = openai_stream_text(&sse);
    assert_eq!((text.as_str(), done), (original.as_str(), true));
    let mut msg = anthropic_msg("demo-chat", true);
    msg["temperature"] = 0.0.into();
    let resp = client()
        .post(format!("{}/v1/messages", h.base))
        .header("x-api-key", TOKEN)
        .json(&msg)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["x-switchyard-cache"],
        "hit",
        "the key is format-independent"
    );
    let (text, events) = anthropic_stream_text(&resp.text().await.unwrap());
    assert_eq!(text, original);
    assert_eq!(events.first().map(String::as_str), Some("message_start"));
    assert_eq!(events.last().map(String::as_str), Some("message_stop"));
    assert_eq!(mock.total_calls(), 1);
}

#[tokio::test]
async fn errors_and_cut_streams_are_never_stored() {
    let config =
        MockConfig::instant().with_faults(vec![Fault::Status(400), Fault::CutAfterChunks(2)]);
    let (mock, h, _) = setup(config, RouteCache::default()).await;
    let body = ask("cached", false, Some(0.0));
    let (label, status, _) = send(&h, &body, &[]).await;
    assert_eq!((label.as_str(), status), ("miss", 400));
    let stream = ask("cached", true, Some(0.0));
    let (label, _, sse) = send(&h, &stream, &[]).await;
    assert_eq!(label, "miss");
    assert!(sse.contains("incomplete"), "the cut stream says so: {sse}");
    let (label, status, _) = send(&h, &stream, &[]).await;
    assert_eq!(
        (label.as_str(), status),
        ("miss", 200),
        "neither failure was stored"
    );
    assert_eq!(
        send(&h, &body, &[]).await.0,
        "hit",
        "the complete stream was"
    );
    assert_eq!(mock.calls("chat"), 3);
}

#[tokio::test]
async fn route_modes_and_ttl() {
    let always = RouteCache {
        mode: CacheMode::Always,
        ttl_secs: Some(30),
    };
    let (mock, h, now) = setup(MockConfig::instant(), always).await;
    let body = ask("cached", false, None);
    assert_eq!(
        send(&h, &body, &[]).await.0,
        "miss",
        "opted in without temperature 0"
    );
    assert_eq!(send(&h, &body, &[]).await.0, "hit");
    now.fetch_add(31_000, Ordering::SeqCst);
    assert_eq!(
        send(&h, &body, &[]).await.0,
        "miss",
        "expired after the route's 30 s"
    );
    assert_eq!(mock.calls("chat"), 2);
    let off = RouteCache {
        mode: CacheMode::Off,
        ttl_secs: None,
    };
    let (mock, h, _) = setup(MockConfig::instant(), off).await;
    let body = ask("cached", false, Some(0.0));
    assert_eq!(send(&h, &body, &[]).await.0, "bypass");
    assert_eq!(send(&h, &body, &[]).await.0, "bypass");
    assert_eq!(mock.calls("chat"), 2);
    h.gateway.set_cache_enabled(false);
    assert_eq!(
        send(&h, &body, &[]).await.0,
        "",
        "cache off: no header at all"
    );
}

#[tokio::test]
async fn answers_survive_a_restart_and_a_corrupt_row_is_a_miss() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let body = ask("cached", false, Some(0.0));
    let original = {
        let (_, cache) = cache_at(Some(&path));
        let h = start_cached(table(&mock, RouteCache::default()), KEYS, cache).await;
        let (label, _, text) = send(&h, &body, &[]).await;
        assert_eq!(label, "miss");
        h.gateway.shutdown(std::time::Duration::from_secs(10)).await;
        // The disk write runs in the background: wait for its row before "restarting".
        let rows = || {
            rusqlite::Connection::open(&path)
                .and_then(|c| c.query_row("SELECT COUNT(*) FROM entries", [], |r| r.get(0)))
                .unwrap_or(0i64)
        };
        for _ in 0..500 {
            if rows() > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(rows(), 1, "the answer reached the disk");
        content(&text)
    };
    let (_, cache) = cache_at(Some(&path));
    let h = start_cached(table(&mock, RouteCache::default()), KEYS, cache).await;
    let (label, _, text) = send(&h, &body, &[]).await;
    assert_eq!(
        (label.as_str(), content(&text)),
        ("hit", original.clone()),
        "from disk"
    );
    h.gateway.shutdown(std::time::Duration::from_secs(10)).await;
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n = conn
        .execute(
            "UPDATE entries SET value = substr(value, 1, length(value) - 7)",
            [],
        )
        .unwrap();
    assert_eq!(n, 1);
    drop(conn);
    let (_, cache) = cache_at(Some(&path));
    let h = start_cached(table(&mock, RouteCache::default()), KEYS, cache.clone()).await;
    let (label, status, text) = send(&h, &body, &[]).await;
    assert_eq!(
        (label.as_str(), status),
        ("miss", 200),
        "a truncated row is a miss"
    );
    assert_eq!(content(&text), original, "and the answer is right");
    assert_eq!(
        cache.stats().unwrap().corrupt_dropped,
        1,
        "the bad row was removed"
    );
    assert_eq!(mock.calls("chat"), 2);
}
