//! Plan mode: a Claude subscription's OAuth token, its window of messages, the 429 Claude Code
//! reads as "You've hit your 5-hour limit · resets …", and the reset.

use super::*;
use switchyard_mock::PlanConfig;

const TOKEN: &str = "sk-ant-oat01-PLAN-SECRET";
const BETA: &str = "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14";

async fn plan_server(requests: u64, reset: Duration) -> MockServer {
    let mut config = MockConfig::instant();
    config.accepted_keys = Some(vec!["api-key".into()]);
    config.plan = Some(PlanConfig {
        reset,
        ..PlanConfig::new(vec![TOKEN.into(), "sk-ant-oat01-OTHER".into()], requests)
    });
    MockServer::start(config).await.unwrap()
}

fn message(stream: bool) -> Value {
    json!({
        "model": "demo-chat", "max_tokens": 100, "stream": stream,
        "messages": [{"role": "user", "content": "Hello there"}],
    })
}

/// A request as Claude Code sends it on a subscription.
fn as_plan(req: reqwest::RequestBuilder, token: &str) -> reqwest::RequestBuilder {
    req.bearer_auth(token)
        .header("anthropic-version", "2023-06-01")
        .header("anthropic-beta", BETA)
}

async fn send_message(s: &MockServer, token: &str, stream: bool) -> reqwest::Response {
    let req = client().post(format!("{}/v1/messages", s.base_url()));
    as_plan(req, token)
        .json(&message(stream))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_plan_window_answers_n_messages_then_refuses_them_with_the_plans_429() {
    let s = plan_server(2, PlanConfig::FIVE_HOURS).await;
    let before = unix_now();

    let first = send_message(&s, TOKEN, true).await;
    assert_eq!(first.status(), 200);
    assert_eq!(
        header(&first, "anthropic-ratelimit-unified-status"),
        "allowed"
    );
    assert_eq!(
        header(&first, "anthropic-ratelimit-unified-5h-utilization"),
        "0.5000"
    );
    assert_eq!(
        header(&first, "anthropic-ratelimit-unified-representative-claim"),
        "five_hour"
    );
    let reset: u64 = header(&first, "anthropic-ratelimit-unified-reset")
        .parse()
        .unwrap();
    assert!((before + 18_000..=unix_now() + 18_000).contains(&reset));
    assert_eq!(
        header(&first, "anthropic-ratelimit-unified-5h-reset"),
        reset.to_string()
    );
    assert!(
        !first
            .headers()
            .contains_key("anthropic-ratelimit-requests-limit"),
        "a subscription is not counted per minute"
    );
    let events = sse_events(&first.text().await.unwrap());
    assert_eq!(events.last().unwrap().0, "message_stop", "streams as usual");

    let second = send_message(&s, TOKEN, false).await;
    assert_eq!(second.status(), 200);
    assert_eq!(
        header(&second, "anthropic-ratelimit-unified-status"),
        "allowed_warning"
    );
    let v: Value = second.json().await.unwrap();
    assert_eq!(v["type"], "message");

    let third = send_message(&s, TOKEN, true).await;
    assert_eq!(third.status(), 429);
    assert_eq!(
        header(&third, "anthropic-ratelimit-unified-status"),
        "rejected"
    );
    assert_eq!(
        header(&third, "anthropic-ratelimit-unified-5h-status"),
        "rejected"
    );
    assert_eq!(
        header(&third, "anthropic-ratelimit-unified-representative-claim"),
        "five_hour"
    );
    assert_eq!(
        header(&third, "anthropic-ratelimit-unified-reset"),
        reset.to_string()
    );
    let wait: u64 = header(&third, "retry-after").parse().unwrap();
    assert!((17_990..=18_000).contains(&wait), "retry-after {wait}");
    let v: Value = third.json().await.unwrap();
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "rate_limit_error");
    assert!(!v.to_string().contains(TOKEN));
    assert_eq!(s.rate_limited(), 1);
    assert_eq!(s.calls("messages"), 3);

    // Token counting and the model list are not messages: still served.
    let count = client().post(format!("{}/v1/messages/count_tokens", s.base_url()));
    let count = as_plan(count, TOKEN)
        .json(&json!({"model": "demo-chat", "messages": [{"role": "user", "content": "a b"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(count.status(), 200);
    let models = as_plan(client().get(format!("{}/v1/models", s.base_url())), TOKEN);
    let (st, v) = get_json(models).await;
    assert_eq!(st, 200);
    assert_eq!(v["data"][0]["type"], "model", "the Anthropic list");

    // Another token has its own window.
    assert_eq!(
        send_message(&s, "sk-ant-oat01-OTHER", false).await.status(),
        200
    );
}

#[tokio::test]
async fn a_plan_token_needs_the_oauth_beta_and_an_unknown_bearer_is_refused() {
    let s = plan_server(5, PlanConfig::FIVE_HOURS).await;
    let b = s.base_url();
    for path in ["/v1/messages", "/v1/messages/count_tokens"] {
        let resp = client()
            .post(format!("{b}{path}"))
            .bearer_auth(TOKEN)
            .header("anthropic-version", "2023-06-01")
            .header("anthropic-beta", "claude-code-20250219")
            .json(&message(false))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401, "{path}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(
            v,
            json!({"type": "error", "error": {"type": "authentication_error",
                "message": "OAuth authentication is currently not supported."}})
        );
    }
    let unknown = client().post(format!("{b}/v1/messages"));
    let resp = as_plan(unknown, "sk-ant-oat01-UNKNOWN")
        .json(&message(false))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["type"], "authentication_error");
    assert!(!v.to_string().contains("UNKNOWN"));
    // A refused request uses none of the window.
    let ok = send_message(&s, TOKEN, false).await;
    assert_eq!(
        header(&ok, "anthropic-ratelimit-unified-5h-utilization"),
        "0.2000"
    );
}

#[tokio::test]
async fn keys_in_x_api_key_and_openai_bearers_work_as_before() {
    let s = plan_server(0, PlanConfig::FIVE_HOURS).await;
    let b = s.base_url();
    let with_key = |key: &'static str| {
        client()
            .post(format!("{b}/v1/messages"))
            .header("x-api-key", key)
            .header("anthropic-version", "2023-06-01")
            .header("anthropic-beta", BETA)
            .json(&message(false))
            .send()
    };
    let ok = with_key("api-key").await.unwrap();
    assert_eq!(ok.status(), 200, "a plan of 0 requests does not touch keys");
    assert_eq!(
        header(&ok, "anthropic-ratelimit-requests-remaining"),
        "999999"
    );
    assert_eq!(header(&ok, "anthropic-ratelimit-unified-status"), "allowed");
    assert_eq!(
        with_key(TOKEN).await.unwrap().status(),
        401,
        "an OAuth token is no API key"
    );
    // OpenAI's model list with its own bearer key: untouched by plan mode.
    let (st, v) = get_json(
        client()
            .get(format!("{b}/v1/models"))
            .bearer_auth("api-key"),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(v["object"], "list");
    let (st, _) = get_json(client().get(format!("{b}/v1/models")).bearer_auth("nope")).await;
    assert_eq!(st, 401);
    // The plan of 0 refuses its token at once.
    assert_eq!(send_message(&s, TOKEN, false).await.status(), 429);
}

#[tokio::test]
async fn after_the_window_ends_the_next_message_starts_a_new_one() {
    let s = plan_server(1, Duration::from_secs(1)).await;
    let first = send_message(&s, TOKEN, false).await;
    assert_eq!(first.status(), 200);
    let reset: u64 = header(&first, "anthropic-ratelimit-unified-reset")
        .parse()
        .unwrap();
    let refused = send_message(&s, TOKEN, false).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(header(&refused, "retry-after"), "1");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let again = send_message(&s, TOKEN, false).await;
    assert_eq!(again.status(), 200);
    let next: u64 = header(&again, "anthropic-ratelimit-unified-reset")
        .parse()
        .unwrap();
    assert!(next > reset, "a new window: {next} after {reset}");
    assert_eq!(send_message(&s, TOKEN, false).await.status(), 429);
}
