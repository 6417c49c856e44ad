//! A tool's own plan sign-in passed through (issue 74), against the mock in plan mode as the
//! vendor and a recording mock as the user's keys: the attacker's view first (the sign-in goes
//! only to the plan's host, only for the plan's token, and is seen nowhere else), then overflow
//! when the plan's window is used up and the way back after its reset.

use super::*;
use std::time::Duration;
use switchyard_domain::{Overflow, Subscription, Vendor};
use switchyard_mock::{MockConfig, MockServer, PlanConfig};

/// Tokens of tools connected with a plan, each with its own subscription (tests/gateway/plans.rs).
pub static PLAN_TOKENS: Mutex<Vec<(String, switchyard_domain::Subscription)>> =
    Mutex::new(Vec::new());

/// A new token whose tool is connected with `plan`.
pub fn plan_token(plan: switchyard_domain::Subscription) -> String {
    let mut all = PLAN_TOKENS.lock().unwrap();
    let token = format!("sy-test-plan-{:04}", all.len());
    all.push((token.clone(), plan));
    token
}

/// The tool's own sign-in: an OAuth access token of a Claude plan.
const SIGN_IN: &str = "sk-ant-oat01-PLAN-CANARY-5e1d";
/// The user's own Anthropic key, for the overflow.
const KEY: &str = "sk-ant-api03-CANARY-7f3a-overflow";

/// Notices of the plan's window, as the observer heard them.
#[derive(Default)]
struct Windows(Mutex<Vec<Option<u64>>>);
impl Observer for Windows {
    fn plan_window(&self, _vendor: Vendor, used_up_until: Option<u64>) {
        self.0.lock().unwrap().push(used_up_until);
    }
}

struct Setup {
    vendor: MockServer,
    keys: MockServer,
    vendor_log: std::path::PathBuf,
    keys_log: std::path::PathBuf,
    h: Harness,
    windows: Arc<Windows>,
    _dir: tempfile::TempDir,
}

/// The vendor (plan mode, `requests` per window of `reset`) and the user's keys: an Anthropic
/// backend and an OpenAI one (route `spill`), both on one recording mock.
async fn setup(requests: u64, reset: Duration) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let (vendor_log, keys_log) = (
        dir.path().join("vendor.jsonl"),
        dir.path().join("keys.jsonl"),
    );
    let vendor = MockServer::start(MockConfig {
        plan: Some(PlanConfig {
            reset,
            ..PlanConfig::new(vec![SIGN_IN.into()], requests)
        }),
        record: Some(vendor_log.clone()),
        ..MockConfig::instant()
    })
    .await
    .unwrap();
    let keys = MockServer::start(MockConfig {
        record: Some(keys_log.clone()),
        ..MockConfig::instant()
    })
    .await
    .unwrap();
    let anthropic = target(
        "Anthropic",
        BackendKind::Anthropic,
        &keys.base_url(),
        &[("k1", "main")],
    );
    let openai = target(
        "OpenAI",
        BackendKind::OpenAi,
        &format!("{}/v1", keys.base_url()),
        &[("k2", "oa")],
    );
    let route = switchyard_gateway::Route {
        name: "spill".into(),
        strategy: switchyard_policy::Strategy::Priority,
        candidates: vec![switchyard_gateway::RouteCandidate {
            backend_id: openai.id.clone(),
            model: "gpt-4.1-mini".into(),
            weight: 1,
        }],
        cache: Default::default(),
    };
    let windows = Arc::new(Windows::default());
    let h = start_full(
        RoutingTable {
            targets: vec![anthropic, openai],
            routes: vec![route],
        },
        &[("k1", KEY), ("k2", "sk-CANARY-7f3a-openai")],
        GatewayConfig::default(),
        Arc::new(SystemClock),
        windows.clone(),
    )
    .await;
    Setup {
        vendor,
        keys,
        vendor_log,
        keys_log,
        h,
        windows,
        _dir: dir,
    }
}

fn plan(vendor: &MockServer, overflow: Overflow) -> Subscription {
    Subscription {
        vendor: Vendor::Anthropic,
        host: vendor.base_url(),
        overflow,
    }
}

/// A Claude Code request with its own sign-in and `token` beside it.
async fn ask(h: &Harness, token: &str, model: &str) -> reqwest::Response {
    client()
        .post(format!("{}/v1/messages", h.base))
        .header("x-switchyard-token", token)
        .bearer_auth(SIGN_IN)
        .header("anthropic-version", "2023-06-01")
        .header("anthropic-beta", "claude-code-20250219,oauth-2025-04-20")
        .json(&anthropic_msg(model, false))
        .send()
        .await
        .unwrap()
}

fn served_by(r: &reqwest::Response) -> String {
    r.headers()
        .get("x-switchyard-backend")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[tokio::test]
async fn the_sign_in_goes_only_to_the_plans_host_and_only_for_the_plans_token() {
    let s = setup(10, Duration::from_secs(3600)).await;
    let token = plan_token(plan(&s.vendor, Overflow::Keys));
    // The plan's token: the plan serves with the tool's own sign-in, unchanged.
    let r = ask(&s.h, &token, "claude-sonnet-4-5").await;
    assert_eq!(r.status(), 200);
    assert_eq!(served_by(&r), "Claude plan");
    assert!(r
        .headers()
        .contains_key("anthropic-ratelimit-unified-status"));
    let vendor_saw = read(&s.vendor_log);
    assert!(
        vendor_saw.contains(&format!("Bearer {SIGN_IN}")),
        "{vendor_saw}"
    );
    assert!(
        vendor_saw.contains("oauth-2025-04-20"),
        "the caller's betas travel"
    );
    assert!(!vendor_saw.contains("x-switchyard-token") && !vendor_saw.contains(&token));
    assert!(
        !vendor_saw.contains(KEY),
        "no key of the user's goes to the plan"
    );
    // Another tool's token with the same headers: the sign-in is dropped at the door and the
    // user's keys serve.
    let r = ask(&s.h, TOKEN, "claude-sonnet-4-5").await;
    assert_eq!(r.status(), 200);
    assert_eq!(served_by(&r), "Anthropic");
    // The plan's token asking for something the plan does not serve (a route): the keys serve.
    let r = ask(&s.h, &token, "spill").await;
    assert_eq!(r.status(), 200);
    assert_eq!(served_by(&r), "OpenAI");
    let keys_saw = read(&s.keys_log);
    assert!(keys_saw.lines().count() >= 2, "{keys_saw}");
    assert!(
        !keys_saw.contains("PLAN-CANARY"),
        "the sign-in reached the keys' host: {keys_saw}"
    );
    assert!(!keys_saw.contains(&token), "the token travels nowhere");
    // The ledger: the plan's request at $0 with its sign-in named, never its value.
    let records = s.h.ledger.wait_for(3).await;
    let on_plan = records
        .iter()
        .find(|r| r.backend.as_deref() == Some("Claude plan"))
        .unwrap();
    assert_eq!(on_plan.cost_usd, Some(0.0));
    assert_eq!(on_plan.key_label.as_deref(), Some("sign-in"));
    assert!(!format!("{records:?}").contains("PLAN-CANARY"));
}

#[tokio::test]
async fn a_used_up_window_goes_on_through_the_overflow_and_comes_back_after_the_reset() {
    let s = setup(1, Duration::from_secs(2)).await;
    let token = plan_token(plan(&s.vendor, Overflow::Route("spill".into())));
    let first = ask(&s.h, &token, "claude-sonnet-4-5").await;
    assert_eq!(served_by(&first), "Claude plan");
    // The window is used up: the tool never sees the refusal; the overflow route answers in
    // the tool's own format, translated.
    let second = ask(&s.h, &token, "claude-sonnet-4-5").await;
    assert_eq!(second.status(), 200);
    assert_eq!(served_by(&second), "OpenAI");
    let body: serde_json::Value = second.json().await.unwrap();
    assert_eq!(body["type"], "message", "{body}");
    // Straight to the overflow now, without asking the plan.
    let third = ask(&s.h, &token, "claude-sonnet-4-5").await;
    assert_eq!(served_by(&third), "OpenAI");
    let records = s.h.ledger.wait_for(3).await;
    assert_eq!(records[1].reason.as_deref(), Some("plan overflow"));
    assert_eq!(
        records[0].route, None,
        "the plan's own request is not the route's"
    );
    assert_eq!(records[1].route.as_deref(), Some("spill"));
    assert_eq!(
        records[1].attempts, 2,
        "the plan's refusal, then the overflow"
    );
    assert_eq!(
        records[2].attempts, 1,
        "the plan cools down until its reset"
    );
    assert!(
        records[1].cost_usd.unwrap_or(0.0) > 0.0,
        "the overflow's cost is counted"
    );
    // After the reset the plan serves again.
    tokio::time::sleep(Duration::from_millis(3200)).await;
    let back = ask(&s.h, &token, "claude-sonnet-4-5").await;
    assert_eq!(served_by(&back), "Claude plan");
    let told = s.windows.0.lock().unwrap().clone();
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(
        told[0].is_some() && told[1].is_none(),
        "used up once, back once: {told:?}"
    );
    assert!(!read(&s.keys_log).contains("PLAN-CANARY"));
    drop(s.keys);
}

#[tokio::test]
async fn a_plan_without_overflow_passes_the_vendors_refusal_on() {
    let s = setup(1, Duration::from_secs(3600)).await;
    let token = plan_token(plan(&s.vendor, Overflow::Off));
    assert_eq!(
        served_by(&ask(&s.h, &token, "claude-sonnet-4-5").await),
        "Claude plan"
    );
    for _ in 0..2 {
        // As without Switchyard: the vendor's own 429, its headers, every time (no cool-down
        // hides it behind a gateway error).
        let r = ask(&s.h, &token, "claude-sonnet-4-5").await;
        assert_eq!(r.status(), 429);
        let status = r
            .headers()
            .get("anthropic-ratelimit-unified-status")
            .cloned();
        assert_eq!(status.unwrap(), "rejected");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["type"], "rate_limit_error", "{body}");
    }
    assert!(read(&s.keys_log).is_empty(), "nothing overflowed");
}

/// Codex signed in with ChatGPT: its access token, its account.
const ACCESS: &str = "eyJhbGciOiJub25lIn0.CHATGPT-CANARY-access.x";
const ACCOUNT: &str = "acct-test-1234";

/// A Codex request with its own sign-in (and account, when given) and `token` beside it.
async fn ask_codex(h: &Harness, token: &str, account: Option<&str>) -> reqwest::Response {
    let mut req = client()
        .post(format!("{}/v1/responses", h.base))
        .header("x-switchyard-token", token)
        .bearer_auth(ACCESS)
        .header("originator", "codex_exec");
    if let Some(a) = account {
        req = req.header("chatgpt-account-id", a);
    }
    req.json(&serde_json::json!({"model": "gpt-5.5", "input": "hi", "stream": false}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn codex_on_a_chatgpt_plan_is_served_by_it_then_by_the_users_openai_key() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("chatgpt.jsonl");
    let vendor = MockServer::start(MockConfig {
        chatgpt: Some(switchyard_mock::ChatGptPlan::new(
            vec![ACCESS.into()],
            ACCOUNT,
            1,
        )),
        record: Some(log.clone()),
        ..MockConfig::instant()
    })
    .await
    .unwrap();
    let keys_log = dir.path().join("keys.jsonl");
    let keys = MockServer::start(MockConfig {
        record: Some(keys_log.clone()),
        ..MockConfig::instant()
    })
    .await
    .unwrap();
    let openai = target(
        "OpenAI",
        BackendKind::OpenAi,
        &format!("{}/v1", keys.base_url()),
        &[("k", "oa")],
    );
    let h = start(vec![openai], &[("k", "sk-CANARY-7f3a-openai")]).await;
    let token = plan_token(Subscription {
        vendor: Vendor::ChatGpt,
        host: vendor.base_url(),
        overflow: Overflow::Keys,
    });
    let first = ask_codex(&h, &token, Some(ACCOUNT)).await;
    assert_eq!(first.status(), 200);
    assert_eq!(served_by(&first), "ChatGPT plan");
    let saw = read(&log);
    assert!(
        saw.contains(&format!("Bearer {ACCESS}")) && saw.contains(ACCOUNT),
        "{saw}"
    );
    assert!(
        saw.contains("/backend-api/codex/responses") && saw.contains("codex_exec"),
        "{saw}"
    );
    // The window used up (429 usage_limit_reached): the user's OpenAI key carries on.
    let second = ask_codex(&h, &token, Some(ACCOUNT)).await;
    assert_eq!(second.status(), 200);
    assert_eq!(served_by(&second), "OpenAI");
    // An API-key sign-in (no account) is no plan: the keys serve, and it goes nowhere.
    let key_login = ask_codex(&h, &token, None).await;
    assert_eq!(served_by(&key_login), "OpenAI");
    let keys_saw = read(&keys_log);
    assert!(
        !keys_saw.contains("CHATGPT-CANARY") && !keys_saw.contains(ACCOUNT),
        "{keys_saw}"
    );
    assert_eq!(
        read(&log).lines().count(),
        2,
        "the plan was asked twice, never for the key login"
    );
}

#[tokio::test]
async fn a_budget_stops_the_overflow_not_the_plan_and_then_the_tool_waits_as_without_switchyard() {
    let s = setup(1, Duration::from_secs(3600)).await;
    let token = plan_token(plan(&s.vendor, Overflow::Keys));
    // Every paid request is stopped: the plan costs the user nothing and still serves.
    s.h.gateway
        .spend()
        .set_limits(vec![switchyard_gateway::SpendLimit {
            id: "b1".into(),
            scope: switchyard_gateway::SpendScope::All,
            remaining_usd: 0.0,
            message: "The monthly budget is used up.".into(),
        }]);
    let first = ask(&s.h, &token, "claude-sonnet-4-5").await;
    assert_eq!(first.status(), 200);
    assert_eq!(served_by(&first), "Claude plan");
    // The window is used up and the overflow is stopped by the budget: the vendor's own
    // refusal, as the tool would get it without Switchyard, every time.
    for _ in 0..2 {
        let r = ask(&s.h, &token, "claude-sonnet-4-5").await;
        assert_eq!(r.status(), 429);
        assert_eq!(
            r.headers()["anthropic-ratelimit-unified-status"],
            "rejected"
        );
    }
    assert!(read(&s.keys_log).is_empty(), "no paid request went out");
}
