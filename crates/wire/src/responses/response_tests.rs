use super::*;
use crate::canonical::{StopReason, Usage};
use crate::test_support::call;
use serde_json::json;

/// The shape OpenAI answers with: reasoning, text, a function call, usage with cache and reasoning.
const OPENAI_RESPONSE: &str = r#"{"id":"resp_68a","object":"response","created_at":1760000000,
 "status":"completed","model":"gpt-5-codex","output":[
  {"id":"rs_1","type":"reasoning","summary":[]},
  {"id":"msg_1","type":"message","status":"completed","role":"assistant",
   "content":[{"type":"output_text","text":"Let me look.","annotations":[]}]},
  {"id":"fc_1","type":"function_call","status":"completed","call_id":"call_A","name":"shell",
   "arguments":"{\"command\":[\"ls\"]}"}],
 "incomplete_details":null,"error":null,
 "usage":{"input_tokens":1200,"input_tokens_details":{"cached_tokens":1000},"output_tokens":80,
  "output_tokens_details":{"reasoning_tokens":64},"total_tokens":1280}}"#;

#[test]
fn an_openai_response_parses_into_text_calls_and_usage() {
    let r = parse_response(OPENAI_RESPONSE.as_bytes()).unwrap();
    assert_eq!(r.id, "resp_68a");
    assert_eq!(r.created, 1_760_000_000);
    assert_eq!(
        r.stop,
        StopReason::ToolUse,
        "a response that calls a tool stops for tool use"
    );
    assert_eq!(r.content[0], Part::Text("Let me look.".into()));
    assert_eq!(
        r.content[1],
        call("call_A", "shell", "{\"command\":[\"ls\"]}")
    );
    assert_eq!(
        r.usage,
        Usage {
            input_tokens: 200,
            output_tokens: 80,
            cache_read_tokens: 1000,
            reasoning_tokens: 64,
            ..Usage::default()
        }
    );
}

#[test]
fn an_incomplete_response_stops_for_its_reason() {
    let body = json!({"id": "r", "status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"},
        "output": []});
    assert_eq!(
        parse_response(body.to_string().as_bytes()).unwrap().stop,
        StopReason::MaxTokens
    );
    assert_eq!(
        parse_response(b"{\"id\":\"r\"}").unwrap_err(),
        WireError::missing("output")
    );
}

#[test]
fn a_rendered_response_has_what_the_sdks_read() {
    let resp = ChatResponse {
        id: "msg_01".into(),
        model: "claude-sonnet-4-5".into(),
        created: 0,
        content: vec![
            Part::Text("Hi".into()),
            call("toolu_1", "apply_patch", r#"{"input":"P"}"#),
        ],
        stop: StopReason::ToolUse,
        usage: Usage {
            input_tokens: 10,
            output_tokens: 5,
            cache_read_tokens: 2,
            ..Usage::default()
        },
    };
    let ctx = ResponseContext {
        custom_tools: vec!["apply_patch".into()],
        created_at: 42,
        ..ResponseContext::default()
    };
    let v = render_response(&resp, &ctx);
    assert_eq!(v["id"], "resp_msg01");
    assert_eq!(v["object"], "response");
    assert_eq!(v["status"], "completed");
    assert_eq!(
        v["created_at"], 42,
        "the gateway's time when the source has none"
    );
    assert_eq!(v["output_text"], "Hi");
    assert_eq!(v["output"][0]["content"][0]["text"], "Hi");
    assert_eq!(
        v["output"][1]["type"], "custom_tool_call",
        "declared custom by the caller"
    );
    assert_eq!(v["output"][1]["input"], "P");
    assert_eq!(v["usage"]["input_tokens"], 12);
    assert_eq!(v["usage"]["input_tokens_details"]["cached_tokens"], 2);
    let back = parse_response(v.to_string().as_bytes()).unwrap();
    assert_eq!(
        back.content, resp.content,
        "render → parse keeps the content"
    );
    assert_eq!(back.usage, resp.usage);
}

#[test]
fn a_reply_cut_by_the_limit_renders_as_incomplete() {
    let resp = ChatResponse {
        stop: StopReason::MaxTokens,
        ..ChatResponse::default()
    };
    let v = render_response(&resp, &ResponseContext::default());
    assert_eq!(v["status"], "incomplete");
    assert_eq!(
        v["incomplete_details"],
        json!({"reason": "max_output_tokens"})
    );
}

#[test]
fn a_call_to_a_namespaced_tool_carries_its_namespace_again() {
    let resp = ChatResponse {
        content: vec![call("c", "shell", "{}")],
        stop: StopReason::ToolUse,
        ..ChatResponse::default()
    };
    let ctx = ResponseContext {
        namespaces: vec![("shell".into(), "ns".into())],
        ..ResponseContext::default()
    };
    let v = render_response(&resp, &ctx);
    assert_eq!(v["output"][0]["namespace"], "ns");
    assert_eq!(v["output"][0]["name"], "shell");
}
