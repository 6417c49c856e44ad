//! Claude Code connected with its Claude plan (issue 74), in a temp HOME: connect asks, never
//! assumes (the plan is offered only where its sign-in file is; the user's way wins), the plan
//! lives with the tool's token (the gateway passes the sign-in for that token only), the plan's
//! requests and the overflow's cost reach the Costs overview, refusals are typed, and disconnect
//! gives the bytes back.

use super::tools::{read, start_tools, CLAUDE_SETTINGS};
use super::*;
use switchyard_app::{AppError, SplitBy};
use switchyard_domain::{Overflow, PlanRefused, Subscription, Vendor};
use switchyard_mock::{MockServer, PlanConfig};
use switchyard_toolconfig::ToolId;
use switchyard_tools::{ConnectChoice, Way};

const SIGN_IN: &str = "sk-ant-oat01-TOOLS-PLAN-CANARY";

fn plan_way(overflow: Overflow, host: &str) -> ConnectChoice {
    ConnectChoice {
        way: Way::Plan {
            overflow,
            host: Some(host.into()),
        },
        ..ConnectChoice::default()
    }
}

/// A Claude Code request with its own sign-in and the token from its settings beside it.
async fn ask(base: &str, header: &str) -> reqwest::Response {
    let (name, token) = header.split_once(": ").unwrap();
    reqwest::Client::new()
        .post(format!("{base}/v1/messages"))
        .header(name, token)
        .bearer_auth(SIGN_IN)
        .header("anthropic-version", "2023-06-01")
        .header("anthropic-beta", "oauth-2025-04-20")
        .json(
            &serde_json::json!({"model": "claude-sonnet-4-5", "max_tokens": 32,
            "messages": [{"role": "user", "content": "hi"}]}),
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn claude_code_on_its_plan_overflows_to_the_users_keys_and_the_costs_show_it() {
    let t = start_tools().await;
    let settings = t.claude_settings();
    // No sign-in file: the default is API keys, as ever.
    assert!(!t.status(ToolId::ClaudeCode).await.plan_found);
    let keys = t.connect(ToolId::ClaudeCode).await.unwrap();
    assert_eq!(keys.plan, None);
    t.disconnect(ToolId::ClaudeCode).await.unwrap();
    assert_eq!(read(&settings), CLAUDE_SETTINGS);

    let credentials = t.home.path().join(".claude/.credentials.json");
    std::fs::write(&credentials, "{\"claudeAiOauth\":{}}").unwrap();
    assert!(t.status(ToolId::ClaudeCode).await.plan_found);
    let vendor = MockServer::start(MockConfig {
        plan: Some(PlanConfig::new(vec![SIGN_IN.into()], 1)),
        ..MockConfig::instant()
    })
    .await
    .unwrap();
    let mine = MockServer::start(MockConfig::instant()).await.unwrap();
    t.h.app
        .backends()
        .create(
            draft(BackendKind::Anthropic, "Keys", &mine.base_url()),
            Some(key("main", "sk-ant-api03-TOOLSKEY0000000000000000000000")),
        )
        .await
        .unwrap();

    let report =
        t.h.tools()
            .connect(
                ToolId::ClaudeCode,
                plan_way(Overflow::Keys, &vendor.base_url()),
            )
            .await
            .unwrap();
    let expected = Subscription {
        vendor: Vendor::Anthropic,
        host: vendor.base_url(),
        overflow: Overflow::Keys,
    };
    assert_eq!(report.plan.as_ref(), Some(&expected));
    assert_eq!(
        t.status(ToolId::ClaudeCode).await.plan,
        Some(expected.clone())
    );
    let kept = t.connect(ToolId::ClaudeCode).await.unwrap();
    assert_eq!(
        kept.plan,
        Some(expected),
        "a reconnect keeps the plan in force"
    );
    let env: serde_json::Value = serde_json::from_str(&read(&settings)).unwrap();
    let env = &env["env"];
    assert!(env.get("ANTHROPIC_AUTH_TOKEN").is_none() && env.get("ANTHROPIC_API_KEY").is_none());
    let header = env["ANTHROPIC_CUSTOM_HEADERS"].as_str().unwrap();
    assert!(header.starts_with("x-switchyard-token: sy-"), "{header}");

    let base = format!("http://{}", t.h.app.gateway_addr().unwrap());
    let first = ask(&base, header).await;
    assert_eq!(first.headers()["x-switchyard-backend"], "Claude plan");
    let second = ask(&base, header).await;
    assert_eq!(second.status(), 200);
    assert_eq!(
        second.headers()["x-switchyard-backend"],
        "Keys",
        "overflow to the user's key"
    );
    t.h.app.flush_ledger();
    let range = switchyard_app_testing::costs::all_time();
    let o =
        t.h.app
            .costs()
            .overview(range, SplitBy::Backend)
            .await
            .unwrap();
    assert_eq!(
        (o.plans.plan_requests, o.plans.overflow_requests),
        (1, 1),
        "{:?}",
        o.plans
    );
    assert!(
        o.plans.plan_tokens > 0 && o.plans.overflow_cost_usd > 0.0,
        "{:?}",
        o.plans
    );

    // Keys again: the plan is cleared with the token, and the token answers as any tool's.
    let again =
        t.h.tools()
            .connect(
                ToolId::ClaudeCode,
                ConnectChoice {
                    way: Way::Keys,
                    ..ConnectChoice::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(again.plan, None);
    assert_eq!(t.status(ToolId::ClaudeCode).await.plan, None);
    // A reconnect that names no way keeps the one in force (keys), the sign-in file notwithstanding.
    let kept = t.connect(ToolId::ClaudeCode).await.unwrap();
    assert_eq!(kept.plan, None, "the user's keys choice is kept");
    t.disconnect(ToolId::ClaudeCode).await.unwrap();
    assert_eq!(read(&settings), CLAUDE_SETTINGS, "byte for byte");
    assert_eq!(
        read(&credentials),
        "{\"claudeAiOauth\":{}}",
        "the sign-in file untouched"
    );
}

#[tokio::test]
async fn a_plan_connect_is_refused_with_a_typed_reason_and_changes_nothing() {
    let t = start_tools().await;
    let settings = t.claude_settings();
    let tools = t.h.tools();
    let refused = tools
        .connect(
            ToolId::GeminiCli,
            plan_way(Overflow::Keys, "https://example.com"),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Plan(PlanRefused::NoPlan { .. }))),
        "{refused:?}"
    );
    for (overflow, host) in [
        (Overflow::Keys, "http://evil.example"),
        (Overflow::Keys, "https://api.anthropic.com/v1"),
        (Overflow::Keys, "https://user:pw@api.anthropic.com"),
    ] {
        let r = tools
            .connect(ToolId::ClaudeCode, plan_way(overflow, host))
            .await;
        assert!(
            matches!(r, Err(AppError::Plan(PlanRefused::Host(_)))),
            "{host}: {r:?}"
        );
    }
    let r = tools
        .connect(
            ToolId::ClaudeCode,
            plan_way(
                Overflow::Route("nowhere".into()),
                "https://api.anthropic.com",
            ),
        )
        .await;
    assert!(
        matches!(r, Err(AppError::NoSuch { what: "route", .. })),
        "{r:?}"
    );
    assert_eq!(read(&settings), CLAUDE_SETTINGS, "nothing written");
    let active = t
        .tokens()
        .await
        .into_iter()
        .filter(|r| r.revoked_at.is_none())
        .count();
    assert_eq!(active, 0, "a refused connect leaves no token behind");
    assert!(!t.status(ToolId::ClaudeCode).await.connected);
}
