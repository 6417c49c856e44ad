//! Rate-limit windows count only what they admitted, and a request every backend refuses for a
//! limit is answered 429 with `Retry-After`, in the caller's own error format. The team's window
//! is a stand-in here (a [`SharedLimits`] that refuses on cue and counts what it admits); the
//! real one, in Redis across replicas, is shown by the team suites.

use super::*;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use switchyard_gateway::{ManualClock, Room, SharedAnswer, SharedLimits};
use switchyard_mock::{Fault, MockConfig, MockServer};

/// A team's requests-per-minute window: refuses the first `refuse` asks (come back in `wait`),
/// then admits, counting each place it gave.
struct TeamWindow {
    refuse: AtomicU32,
    wait: Duration,
    admitted: AtomicU32,
}

impl SharedLimits for TeamWindow {
    fn admit<'a>(
        &'a self,
        _key: &'a str,
        _limit: u32,
        _window: Duration,
    ) -> SharedAnswer<'a, Room> {
        let refused = self
            .refuse
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if !refused {
            self.admitted.fetch_add(1, Ordering::SeqCst);
        }
        Box::pin(std::future::ready(if refused {
            Err(self.wait)
        } else {
            Ok(())
        }))
    }
}

fn window(refuse: u32, wait: Duration) -> Arc<TeamWindow> {
    Arc::new(TeamWindow {
        refuse: AtomicU32::new(refuse),
        wait,
        admitted: AtomicU32::new(0),
    })
}

async fn mock(faults: Vec<Fault>) -> MockServer {
    MockServer::start(MockConfig::instant().with_faults(faults))
        .await
        .unwrap()
}

/// One backend, "Capped", on `m` with `rpm` requests a minute, behind a gateway sharing its
/// windows through `team` (none: its own only), on `clock`.
async fn capped(
    m: &MockServer,
    rpm: u32,
    team: Option<Arc<TeamWindow>>,
    clock: Arc<dyn Clock>,
) -> Harness {
    let url = format!("{}/v1", m.base_url());
    let mut t = target("Capped", BackendKind::OpenAi, &url, &[("Capped", "Capped")]);
    t.limits = Limits {
        rpm: Some(rpm),
        ..Limits::default()
    };
    let config = GatewayConfig {
        retries_per_candidate: 0,
        ..GatewayConfig::default()
    };
    let shared = Shared {
        limits: team.map(|w| w as Arc<dyn SharedLimits>),
        ..Shared::default()
    };
    start_deps(
        table(vec![t]),
        &[("Capped", "sk-a")],
        config,
        clock,
        Arc::new(NoObserver),
        None,
        shared,
    )
    .await
}

fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_request_every_backend_refuses_for_a_limit_is_429_with_retry_after_in_each_format() {
    let m = mock(vec![]).await;
    let h = capped(&m, 1, None, Arc::new(SystemClock)).await;
    let ok = h
        .post("/v1/chat/completions", &openai_chat("gpt-4.1-mini", false))
        .await;
    assert_eq!(ok.status(), 200);

    let openai = h
        .post("/v1/chat/completions", &openai_chat("gpt-4.1-mini", false))
        .await;
    assert_eq!(openai.status(), 429);
    assert!((1..=60).contains(&retry_after(&openai)));
    let body: serde_json::Value = openai.json().await.unwrap();
    assert_eq!(body["error"]["type"], "rate_limit_error", "{body}");
    assert_eq!(body["error"]["code"], "rate_limit_exceeded", "{body}");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("at its requests-per-minute limit (1)") && msg.contains("Retry in"),
        "{msg}"
    );

    let anthropic = h
        .post("/v1/messages", &anthropic_msg("gpt-4.1-mini", false))
        .await;
    assert_eq!(anthropic.status(), 429);
    assert!((1..=60).contains(&retry_after(&anthropic)));
    let body: serde_json::Value = anthropic.json().await.unwrap();
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "rate_limit_error", "{body}");

    let ask = serde_json::json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]});
    let gemini = h
        .post_google("/v1beta/models/gpt-4.1-mini:generateContent", &ask)
        .await;
    assert_eq!(gemini.status(), 429);
    assert!((1..=60).contains(&retry_after(&gemini)));
    let body: serde_json::Value = gemini.json().await.unwrap();
    assert_eq!(body["error"]["code"], 429, "{body}");
    assert_eq!(body["error"]["status"], "RESOURCE_EXHAUSTED", "{body}");

    let refused = h.ledger.wait_for(4).await;
    let classes: Vec<_> = refused
        .iter()
        .filter_map(|r| r.error_class.map(|c| c.as_str()))
        .collect();
    assert_eq!(classes, ["limit_reached"; 3], "the ledger says why");
    assert_eq!(m.calls("chat"), 1, "refusals never reach the provider");
}

#[tokio::test]
async fn a_team_refusal_gives_this_gateways_window_its_place_back() {
    let m = mock(vec![]).await;
    let team = window(3, Duration::from_secs(7));
    let clock = ManualClock::default();
    let h = capped(&m, 2, Some(team.clone()), Arc::new(clock.clone())).await;
    let ask = openai_chat("gpt-4.1-mini", false);
    let send = || h.post("/v1/chat/completions", &ask);
    for _ in 0..3 {
        let r = send().await;
        assert_eq!(r.status(), 429, "the team has no room");
        assert_eq!(retry_after(&r), 7, "the team's wait, not this gateway's");
        let text = r.text().await.unwrap();
        assert!(
            text.contains("team-wide requests-per-minute limit (2)"),
            "{text}"
        );
    }
    // The same minute: this gateway's own window of 2 took none of the three refused requests.
    assert_eq!(send().await.status(), 200);
    assert_eq!(send().await.status(), 200);
    let third = send().await;
    assert_eq!(third.status(), 429, "now this gateway's own window is full");
    assert!(third
        .text()
        .await
        .unwrap()
        .contains("at its requests-per-minute limit (2)"));
    assert_eq!(team.admitted.load(Ordering::SeqCst), 2);
    assert_eq!(m.calls("chat"), 2);
}

#[tokio::test]
async fn a_request_its_breaker_refuses_takes_no_place_in_the_teams_window() {
    // Three failures open the breaker; the half-open trial is slow, so a request arriving
    // meanwhile is refused by the breaker (one trial at a time).
    let m = mock(vec![
        Fault::Status(503),
        Fault::Status(503),
        Fault::Status(503),
        Fault::Latency(Duration::from_millis(600)),
    ])
    .await;
    let team = window(0, Duration::ZERO);
    let clock = ManualClock::default();
    let h = Arc::new(capped(&m, 1000, Some(team.clone()), Arc::new(clock.clone())).await);
    let send = |h: Arc<Harness>| async move {
        h.post("/v1/chat/completions", &openai_chat("gpt-4.1-mini", false))
            .await
            .status()
    };
    for _ in 0..3 {
        assert_eq!(send(h.clone()).await, 503);
    }
    assert_eq!(send(h.clone()).await, 503, "open: refused without a call");
    assert_eq!(
        team.admitted.load(Ordering::SeqCst),
        3,
        "only what went out"
    );
    clock.advance(Duration::from_secs(60));
    let trial = tokio::spawn(send(h.clone()));
    while m.calls("chat") < 4 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(send(h.clone()).await, 503, "the trial is in flight");
    assert_eq!(trial.await.unwrap(), 200, "the trial succeeds");
    assert_eq!(
        team.admitted.load(Ordering::SeqCst),
        4,
        "the three failures and the trial: no place for what the breaker refused"
    );
}
