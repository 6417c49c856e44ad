//! `anthropic-beta` flags per upstream kind (issue 71, part 2): a recording upstream on
//! 127.0.0.1 shows which flags reached it. An Anthropic-format backend that refuses a flag
//! (HTTP 400 naming it) is sent the request once more without it, and that backend is not sent
//! the flag again; any other 400 reaches the caller byte for byte; a hostile upstream cannot
//! grow the gateway's memory and no other format is ever sent the header (`betas_bounds.rs`).

use super::cost_fixtures::serve;
use super::*;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// The `anthropic-beta` header of each request an upstream received (`None`: not sent).
pub(super) type Seen = Arc<Mutex<Vec<Option<String>>>>;
/// What an upstream answers, given the `anthropic-beta` header it received.
pub(super) type Answer = Arc<dyn Fn(Option<&str>) -> Response + Send + Sync>;

/// What Claude Code 2.1.332 sends (tests/fixtures/agents/claude-code/01-messages.json).
pub(super) const CLAUDE_CODE_BETAS: &str = "claude-code-20250219,interleaved-thinking-2025-05-14,\
context-management-2025-06-27,mid-conversation-tool-changes-2026-07-01,\
thinking-token-count-2026-05-13,advanced-tool-use-2025-11-20,effort-2025-11-24";

/// An upstream of `kind` that records the `anthropic-beta` header of every request and answers
/// with `answer`.
pub(super) async fn recording(kind: BackendKind, answer: Answer) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().fallback(move |headers: HeaderMap| {
        let (log, answer) = (log.clone(), answer.clone());
        async move {
            let beta = headers
                .get("anthropic-beta")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            log.lock().unwrap().push(beta.clone());
            answer(beta.as_deref())
        }
    });
    (serve(kind, app).await, seen)
}

/// Anthropic's own refusal of `flags` (its wording, as peers' trackers quote it).
pub(super) fn refusal(flags: &[&str]) -> String {
    let named: Vec<String> = flags.iter().map(|f| format!("`{f}`")).collect();
    json!({"type": "error", "error": {"type": "invalid_request_error", "message": format!(
        "Unexpected value(s) {} for the `anthropic-beta` header. Please consult our \
         documentation at docs.anthropic.com or try again without the header.",
        named.join(", "))}})
    .to_string()
}

pub(super) fn bad_request(body: String) -> Response {
    (
        axum::http::StatusCode::BAD_REQUEST,
        [("content-type", "application/json")],
        body,
    )
        .into_response()
}

pub(super) fn message() -> Response {
    axum::Json(
        json!({"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn",
        "usage": {"input_tokens": 10, "output_tokens": 1}}),
    )
    .into_response()
}

/// An Anthropic upstream that refuses `refused` whenever it is in the header, else answers.
pub(super) fn refusing(refused: &'static str) -> Answer {
    Arc::new(move |beta| {
        let sent = beta
            .unwrap_or_default()
            .split(',')
            .any(|f| f.trim() == refused);
        if sent {
            bad_request(refusal(&[refused]))
        } else {
            message()
        }
    })
}

/// Whether `header` (as an upstream received it) holds `flag`.
pub(super) fn holds(header: &Option<String>, flag: &str) -> bool {
    header
        .as_deref()
        .is_some_and(|h| h.split(',').any(|f| f.trim() == flag))
}

/// A Messages request to `backend` with `betas` in `anthropic-beta`.
pub(super) async fn ask(h: &Harness, backend: &str, betas: &str) -> reqwest::Response {
    let model = format!("{backend}/claude-sonnet-4-5");
    h.post_as(
        "/v1/messages",
        Some(TOKEN),
        &[("anthropic-beta", betas)],
        &anthropic_msg(&model, false),
    )
    .await
}

#[tokio::test]
async fn a_refused_flag_is_dropped_retried_once_and_not_sent_to_that_backend_again() {
    let (url, seen) = recording(BackendKind::Anthropic, refusing("foo-2025-01-01")).await;
    let t = target("Picky", BackendKind::Anthropic, &url, &[("k", "k")]);
    let h = start(vec![t], &[("k", "sk-ant-CANARY-7f3a")]).await;

    let first = ask(&h, "Picky", "foo-2025-01-01,bar-2025-02-02").await;
    assert_eq!(
        first.status(),
        200,
        "the refused flag is dropped and the request sent again, which the upstream serves"
    );
    let after_first = seen.lock().unwrap().clone();
    assert_eq!(
        after_first.len(),
        2,
        "one refusal, one retry: {after_first:?}"
    );
    assert!(holds(&after_first[0], "foo-2025-01-01"));
    assert!(
        !holds(&after_first[1], "foo-2025-01-01") && holds(&after_first[1], "bar-2025-02-02"),
        "the retry carries every flag but the refused one: {after_first:?}"
    );

    let later = ask(&h, "Picky", "foo-2025-01-01,bar-2025-02-02").await;
    assert_eq!(later.status(), 200);
    let all = seen.lock().unwrap().clone();
    assert_eq!(
        all.len(),
        3,
        "the backend's refusal is remembered: a later request goes out once, without it"
    );
    assert!(!holds(&all[2], "foo-2025-01-01") && holds(&all[2], "bar-2025-02-02"));
    assert_eq!(
        h.gateway.refused_betas("id-Picky"),
        vec!["foo-2025-01-01".to_string()],
        "the memory names exactly the refused flag"
    );
}

#[tokio::test]
async fn the_log_line_names_the_refused_flag_and_the_backend_never_the_key() {
    let logs = super::shapes_faults::trace_logs();
    let (url, _) = recording(BackendKind::Anthropic, refusing("logged-2025-03-03")).await;
    let t = target("Logged", BackendKind::Anthropic, &url, &[("k", "k")]);
    let h = start(vec![t], &[("k", "sk-ant-CANARY-7f3a-logged")]).await;
    assert_eq!(ask(&h, "Logged", "logged-2025-03-03").await.status(), 200);
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    let line = text
        .lines()
        .find(|l| l.contains("anthropic-beta") && l.contains("backend=Logged"))
        .unwrap_or_else(|| panic!("no log line names the refusal: {text}"));
    assert!(line.contains("flags=logged-2025-03-03"), "{line}");
    assert!(
        !text.contains("sk-ant-CANARY-7f3a-logged"),
        "the key never reaches a log line"
    );
}

#[tokio::test]
async fn flags_sent_in_two_headers_reach_an_anthropic_upstream_as_one_list() {
    let (url, seen) = recording(BackendKind::Anthropic, Arc::new(|_| message())).await;
    let t = target("Joined", BackendKind::Anthropic, &url, &[("k", "k")]);
    let h = start(vec![t], &[("k", "sk-ant-CANARY-7f3a")]).await;
    let resp = h
        .post_as(
            "/v1/messages",
            Some(TOKEN),
            &[
                ("anthropic-beta", "a-2025-01-01"),
                ("anthropic-beta", "b-2025-01-01"),
            ],
            &anthropic_msg("Joined/claude-sonnet-4-5", false),
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        seen.lock().unwrap().clone(),
        vec![Some("a-2025-01-01,b-2025-01-01".to_string())],
        "a repeated header is one list to Anthropic: no flag may be lost on the way"
    );
}

#[tokio::test]
async fn a_streamed_request_is_retried_the_same_way() {
    let sse = |beta: Option<&str>| {
        if beta.is_some_and(|b| b.contains("effort-2025-11-24")) {
            return bad_request(refusal(&["effort-2025-11-24", "not-sent-2025-01-01"]));
        }
        let ev = |name: &str, v: Value| format!("event: {name}\ndata: {v}\n\n");
        let body = [
            ev(
                "message_start",
                json!({"type": "message_start", "message": {"id": "msg_1",
                "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                "content": [], "usage": {"input_tokens": 10, "output_tokens": 0}}}),
            ),
            ev(
                "content_block_start",
                json!({"type": "content_block_start", "index": 0,
                "content_block": {"type": "text", "text": ""}}),
            ),
            ev(
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "text_delta", "text": "streamed ok"}}),
            ),
            ev(
                "content_block_stop",
                json!({"type": "content_block_stop", "index": 0}),
            ),
            ev(
                "message_delta",
                json!({"type": "message_delta",
                "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 2}}),
            ),
            ev("message_stop", json!({"type": "message_stop"})),
        ]
        .concat();
        ([("content-type", "text/event-stream")], body).into_response()
    };
    let (url, seen) = recording(BackendKind::Anthropic, Arc::new(sse)).await;
    let t = target("Vertex", BackendKind::Anthropic, &url, &[("k", "k")]);
    let h = start(vec![t], &[("k", "sk-ant-CANARY-7f3a")]).await;
    let resp = h
        .post_as(
            "/v1/messages",
            Some(TOKEN),
            &[("anthropic-beta", CLAUDE_CODE_BETAS)],
            &anthropic_msg("Vertex/claude-sonnet-4-5", true),
        )
        .await;
    assert_eq!(resp.status(), 200, "the stream starts after the retry");
    let (text, _) = anthropic_stream_text(&resp.text().await.unwrap());
    assert_eq!(text, "streamed ok");
    let all = seen.lock().unwrap().clone();
    assert_eq!(all.len(), 2, "{all:?}");
    let retried = all[1].clone().unwrap();
    let expected: Vec<&str> = CLAUDE_CODE_BETAS
        .split(',')
        .filter(|f| *f != "effort-2025-11-24")
        .collect();
    assert_eq!(
        retried,
        expected.join(","),
        "only the refused flag is taken out; the others keep their order"
    );
    assert_eq!(
        h.gateway.refused_betas("id-Vertex"),
        vec!["effort-2025-11-24".to_string()],
        "a flag the upstream names but the client never sent is not remembered"
    );
}

#[tokio::test]
async fn another_backend_is_not_affected_by_the_first_ones_memory() {
    let (picky_url, _) = recording(BackendKind::Anthropic, refusing("foo-2025-01-01")).await;
    let (open_url, open_seen) = recording(BackendKind::Anthropic, Arc::new(|_| message())).await;
    let picky = target("Picky", BackendKind::Anthropic, &picky_url, &[("k", "k")]);
    let open = target("Open", BackendKind::Anthropic, &open_url, &[("k", "k")]);
    let h = start(vec![picky, open], &[("k", "sk-ant-CANARY-7f3a")]).await;

    assert_eq!(ask(&h, "Picky", "foo-2025-01-01").await.status(), 200);
    assert_eq!(ask(&h, "Open", "foo-2025-01-01").await.status(), 200);
    let open_saw = open_seen.lock().unwrap().clone();
    assert_eq!(
        open_saw,
        vec![Some("foo-2025-01-01".to_string())],
        "what one backend refused is still sent, unchanged, to a backend that takes it"
    );
    assert!(h.gateway.refused_betas("id-Open").is_empty());
}

#[tokio::test]
async fn a_400_that_is_not_about_anthropic_beta_reaches_the_caller_byte_for_byte() {
    // Names a flag the client sent, but about the body, not the header: not a beta refusal.
    const BODY: &str = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\
        \"message\":\"max_tokens: 64 > foo-2025-01-01 limit\"},  \"extra\" : [1,2 ,3]}\n";
    let answer: Answer = Arc::new(|_| bad_request(BODY.to_string()));
    let (url, seen) = recording(BackendKind::Anthropic, answer).await;
    let t = target("Strict", BackendKind::Anthropic, &url, &[("k", "k")]);
    let h = start(vec![t], &[("k", "sk-ant-CANARY-7f3a")]).await;

    let resp = ask(&h, "Strict", "foo-2025-01-01,bar-2025-02-02").await;
    assert_eq!(
        resp.status(),
        400,
        "the caller's own error keeps its status"
    );
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(
        &bytes[..],
        BODY.as_bytes(),
        "the provider's error is passed on exactly as it was sent"
    );
    assert_eq!(seen.lock().unwrap().len(), 1, "no retry for another 400");
    assert!(h.gateway.refused_betas("id-Strict").is_empty());
}

#[tokio::test]
async fn an_upstream_that_refuses_again_after_the_retry_is_asked_twice_and_its_400_passed_on() {
    // Refuses whatever it is sent, one flag at a time.
    let answer: Answer = Arc::new(|beta| match beta {
        Some(b) => bad_request(refusal(&[b.split(',').next().unwrap_or_default()])),
        None => message(),
    });
    let (url, seen) = recording(BackendKind::Anthropic, answer).await;
    let t = target("Fussy", BackendKind::Anthropic, &url, &[("k", "k")]);
    let h = start(vec![t], &[("k", "sk-ant-CANARY-7f3a")]).await;

    let resp = ask(&h, "Fussy", "a-2025-01-01,b-2025-01-01,c-2025-01-01").await;
    assert_eq!(resp.status(), 400, "the retry's refusal is the answer");
    assert_eq!(
        resp.text().await.unwrap(),
        refusal(&["b-2025-01-01"]),
        "the second refusal reaches the caller unchanged"
    );
    let all = seen.lock().unwrap().clone();
    assert_eq!(all.len(), 2, "one retry per request, never more: {all:?}");
}
