//! ChatGPT mode: Codex signed in with ChatGPT on `/backend-api/codex/…`, its access token and
//! account id, its window of responses, the 429 `usage_limit_reached` Codex reads as "You've hit
//! your usage limit … try again at …", and the reset.

use super::*;
use switchyard_mock::{ChatGptPlan, PlanConfig};

const TOKEN: &str = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJwbGFuIn0.SECRET";
const OTHER: &str = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJvdGhlciJ9.OTHER";
const ACCOUNT: &str = "acct-test-1234";

async fn chatgpt_server(requests: u64, reset: Duration) -> MockServer {
    let mut config = MockConfig::instant();
    config.accepted_keys = Some(vec!["api-key".into()]);
    config.chatgpt = Some(ChatGptPlan {
        reset,
        ..ChatGptPlan::new(vec![TOKEN.into(), OTHER.into()], ACCOUNT, requests)
    });
    MockServer::start(config).await.unwrap()
}

fn url(s: &MockServer, path: &str) -> String {
    format!("{}/backend-api/codex{path}", s.base_url())
}

/// A turn as Codex sends it: streamed, with a shell tool declared.
fn turn(text: &str) -> Value {
    json!({
        "model": "gpt-5.5", "stream": true, "store": false,
        "instructions": "You are Codex.",
        "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}],
        "tools": [{"type": "function", "name": "shell", "description": "Runs a command", "parameters": {
            "type": "object",
            "properties": {"command": {"type": "array", "items": {"type": "string"}}},
            "required": ["command"],
        }}],
        "tool_choice": "auto", "parallel_tool_calls": true,
    })
}

/// A request as Codex signed in with ChatGPT sends it.
fn as_codex(req: reqwest::RequestBuilder, token: &str, account: &str) -> reqwest::RequestBuilder {
    req.bearer_auth(token)
        .header("chatgpt-account-id", account)
        .header("originator", "codex_exec")
        .header("accept", "text/event-stream")
}

async fn send(s: &MockServer, token: &str, text: &str) -> reqwest::Response {
    as_codex(client().post(url(s, "/responses")), token, ACCOUNT)
        .json(&turn(text))
        .send()
        .await
        .unwrap()
}

/// The events of a Responses stream: (event name, payload).
async fn events(resp: reqwest::Response) -> Vec<(String, Value)> {
    sse_events(&resp.text().await.unwrap())
        .into_iter()
        .map(|(name, data)| (name, serde_json::from_str(&data).unwrap()))
        .collect()
}

#[tokio::test]
async fn a_window_streams_n_responses_then_refuses_with_usage_limit_reached() {
    let s = chatgpt_server(2, PlanConfig::FIVE_HOURS).await;
    let before = unix_now();

    let first = send(&s, TOKEN, "Hello there").await;
    assert_eq!(first.status(), 200);
    assert!(header(&first, "content-type").starts_with("text/event-stream"));
    assert_eq!(header(&first, "x-codex-primary-used-percent"), "50");
    assert_eq!(header(&first, "x-codex-primary-window-minutes"), "300");
    let reset: u64 = header(&first, "x-codex-primary-reset-at").parse().unwrap();
    assert!((before + 18_000..=unix_now() + 18_000).contains(&reset));
    assert!(
        !first.headers().contains_key("x-ratelimit-limit-requests"),
        "a plan is not counted per minute"
    );
    let evs = events(first).await;
    assert_eq!(evs[0].0, "response.created");
    let (last, done) = evs.last().unwrap();
    assert_eq!(last, "response.completed", "streams as /v1/responses does");
    assert_eq!(done["response"]["status"], "completed");

    // The scripted tool call works as on /v1/responses: Codex's tool round trip.
    let second = send(&s, TOKEN, "Please run: `echo hi`").await;
    assert_eq!(second.status(), 200);
    assert_eq!(header(&second, "x-codex-primary-used-percent"), "100");
    assert_eq!(
        header(&second, "x-codex-primary-reset-at"),
        reset.to_string()
    );
    let evs = events(second).await;
    let call = evs
        .iter()
        .find(|(name, v)| {
            name == "response.output_item.done" && v["item"]["type"] == "function_call"
        })
        .expect("one function_call item");
    assert_eq!(call.1["item"]["name"], "shell");
    let args: Value = serde_json::from_str(call.1["item"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(args["command"][2], "echo hi", "{args}");

    let third = send(&s, TOKEN, "Hello again").await;
    assert_eq!(third.status(), 429);
    assert_eq!(header(&third, "x-codex-primary-used-percent"), "100");
    assert_eq!(header(&third, "x-codex-primary-window-minutes"), "300");
    assert_eq!(
        header(&third, "x-codex-primary-reset-at"),
        reset.to_string()
    );
    let v: Value = third.json().await.unwrap();
    let error = &v["error"];
    assert_eq!(error["type"], "usage_limit_reached");
    assert_eq!(error["plan_type"], "plus");
    assert_eq!(
        error["resets_at"], reset,
        "Codex shows resets_at (Unix seconds)"
    );
    assert!(error["message"].as_str().unwrap().contains("usage limit"));
    assert!(!v.to_string().contains(TOKEN));
    assert_eq!(s.rate_limited(), 1);
    assert_eq!(s.calls("chatgpt_responses"), 3);
    assert_eq!(s.calls("responses"), 0, "counted apart from /v1/responses");

    // The model list is not a response: still served, and another token has its own window.
    let models = as_codex(
        client().get(url(&s, "/models?client_version=0.171.0")),
        TOKEN,
        ACCOUNT,
    );
    let (st, v) = get_json(models).await;
    assert_eq!((st, v), (StatusCode::OK, json!({"models": []})));
    assert_eq!(s.calls("chatgpt_models"), 1);
    assert_eq!(send(&s, OTHER, "Hi").await.status(), 200);
}

#[tokio::test]
async fn the_account_id_is_required_and_an_unknown_bearer_is_refused() {
    let s = chatgpt_server(3, PlanConfig::FIVE_HOURS).await;
    let refused = |req: reqwest::RequestBuilder, code: &'static str| async move {
        let resp = req.json(&turn("Hello")).send().await.unwrap();
        assert_eq!(resp.status(), 401, "{code}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["error"]["type"], "invalid_request_error", "{v}");
        assert_eq!(v["error"]["code"], code, "{v}");
        assert!(!v.to_string().contains("SECRET") && !v.to_string().contains("acct-"));
    };
    let post = || client().post(url(&s, "/responses"));
    refused(post().bearer_auth(TOKEN), "missing_account_id").await;
    refused(
        as_codex(post(), TOKEN, "acct-someone-else"),
        "account_mismatch",
    )
    .await;
    refused(
        as_codex(post(), "eyJ.unknown.token", ACCOUNT),
        "invalid_token",
    )
    .await;
    refused(
        post().header("chatgpt-account-id", ACCOUNT),
        "missing_token",
    )
    .await;
    refused(as_codex(post(), "api-key", ACCOUNT), "invalid_token").await;
    let (st, _) = get_json(client().get(url(&s, "/models")).bearer_auth(TOKEN)).await;
    assert_eq!(st, 401, "the model list needs the account too");
    // A refused request uses none of the window.
    let ok = send(&s, TOKEN, "Hello").await;
    assert_eq!(header(&ok, "x-codex-primary-used-percent"), "33.3");
    assert_eq!(s.rate_limited(), 0);
}

#[tokio::test]
async fn without_chatgpt_mode_its_paths_are_unknown_and_other_routes_work_as_before() {
    let s = instant().await;
    let resp = as_codex(client().post(url(&s, "/responses")), TOKEN, ACCOUNT)
        .json(&turn("Hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let (st, _) = get_json(as_codex(client().get(url(&s, "/models")), TOKEN, ACCOUNT)).await;
    assert_eq!(st, 404);

    let s = chatgpt_server(0, Duration::from_secs(60)).await;
    let key = |k: &'static str| {
        client()
            .post(format!("{}/v1/responses", s.base_url()))
            .bearer_auth(k)
            .json(&turn("Hello"))
            .send()
    };
    assert_eq!(
        key("api-key").await.unwrap().status(),
        200,
        "keys untouched"
    );
    assert_eq!(
        key(TOKEN).await.unwrap().status(),
        401,
        "an access token is no API key"
    );
    // The plan of 0 refuses its token at once.
    assert_eq!(send(&s, TOKEN, "Hello").await.status(), 429);
}

#[tokio::test]
async fn after_the_window_ends_the_next_response_starts_a_new_one() {
    let s = chatgpt_server(1, Duration::from_secs(1)).await;
    let first = send(&s, TOKEN, "Hello").await;
    assert_eq!(first.status(), 200);
    let reset: u64 = header(&first, "x-codex-primary-reset-at").parse().unwrap();
    let refused = send(&s, TOKEN, "Hello").await;
    assert_eq!(refused.status(), 429);
    let v: Value = refused.json().await.unwrap();
    assert_eq!(v["error"]["resets_at"], reset);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let again = send(&s, TOKEN, "Hello").await;
    assert_eq!(again.status(), 200, "a new window after the reset");
    let next: u64 = header(&again, "x-codex-primary-reset-at").parse().unwrap();
    assert!(next > reset, "a new window: {next} after {reset}");
    assert_eq!(send(&s, TOKEN, "Hello").await.status(), 429);
}
