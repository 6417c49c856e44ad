//! Anthropic `message` object ⇄ [`ChatResponse`].
//!
//! Parsing keeps `text` and `tool_use` blocks (tool input re-serialized as the arguments string)
//! and skips `thinking` / `redacted_thinking` and server-tool blocks, which no other format can
//! carry. Rendering writes one block per part, with `tool_use.input` parsed back into an object,
//! and a `usage` object with both cache counters. `stop_sequence` is always `null`: the
//! canonical model does not record which sequence matched.

use serde_json::{json, Value};

use crate::canonical::{ChatResponse, Part, StopReason, Usage};
use crate::error::WireError;
use crate::json::{arguments_object, index, parse_body, Obj};

use super::{reason_from_stop, stop_from_reason, usage_to, usage_update};

/// Parses an Anthropic Messages response body.
pub fn parse_response(body: &[u8]) -> Result<ChatResponse, WireError> {
    let value = parse_body(body)?;
    let root = Obj::new(&value, "")?;
    let blocks = root
        .arr("content")?
        .ok_or_else(|| WireError::missing("content"))?;
    let mut content = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let b = Obj::new(b, index("content", i))?;
        match b.req_str("type")? {
            "text" => content.push(Part::Text(b.req_str("text")?.to_owned())),
            "tool_use" => content.push(Part::ToolCall {
                id: b.req_str("id")?.to_owned(),
                name: b.req_str("name")?.to_owned(),
                arguments_json: b
                    .get("input")
                    .map_or_else(|| "{}".to_owned(), Value::to_string),
            }),
            _ => {}
        }
    }
    let mut usage = Usage::default();
    if let Some(u) = root.obj("usage")? {
        usage_update(&mut usage, &u);
    }
    Ok(ChatResponse {
        id: root.str("id")?.unwrap_or_default().to_owned(),
        model: root.str("model")?.unwrap_or_default().to_owned(),
        created: 0,
        content,
        stop: root
            .str("stop_reason")?
            .map_or(StopReason::EndTurn, stop_from_reason),
        usage,
    })
}

/// Renders an Anthropic `message` object.
pub fn render_response(resp: &ChatResponse) -> Value {
    let content: Vec<Value> = resp
        .content
        .iter()
        .filter_map(|part| match part {
            Part::Text(t) => Some(json!({"type": "text", "text": t})),
            Part::ToolCall {
                id,
                name,
                arguments_json,
            } => Some(json!({
                "type": "tool_use",
                "id": id,
                "name": name,
                "input": arguments_object(arguments_json),
            })),
            Part::Image(_) | Part::File(_) | Part::Audio { .. } | Part::ToolResult { .. } => None,
        })
        .collect();
    json!({
        "id": resp.id,
        "type": "message",
        "role": "assistant",
        "model": resp.model,
        "content": content,
        "stop_reason": reason_from_stop(&resp.stop),
        "stop_sequence": null,
        "usage": usage_to(&resp.usage),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::call;

    #[test]
    fn text_and_tool_use_blocks_parse_and_thinking_is_skipped() {
        let body =
            br#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
            "content":[{"type":"thinking","thinking":"hmm","signature":"sig"},
            {"type":"text","text":"Checking."},
            {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
            "stop_reason":"tool_use","stop_sequence":null,
            "usage":{"input_tokens":12,"output_tokens":30}}"#;
        let resp = parse_response(body).unwrap();
        assert_eq!(resp.stop, StopReason::ToolUse);
        assert_eq!(
            resp.content,
            vec![
                Part::Text("Checking.".into()),
                call("toolu_1", "get_weather", r#"{"city":"Paris"}"#),
            ],
            "thinking blocks are dropped"
        );
    }

    #[test]
    fn cache_counters_map_one_to_one() {
        let body = br#"{"id":"m","model":"c","content":[],"stop_reason":"end_turn",
            "usage":{"input_tokens":200,"cache_read_input_tokens":800,
            "cache_creation_input_tokens":50,"output_tokens":7}}"#;
        let usage = parse_response(body).unwrap().usage;
        assert_eq!(
            usage,
            Usage {
                input_tokens: 200,
                output_tokens: 7,
                cache_read_tokens: 800,
                cache_write_tokens: 50,
                cache_write_1h_tokens: 0,
                reasoning_tokens: 0,
            }
        );
    }

    #[test]
    fn rendered_message_has_tool_use_input_as_object() {
        let resp = ChatResponse {
            id: "chatcmpl-1".into(),
            model: "gpt".into(),
            content: vec![call("call_1", "f", r#"{"x":1}"#)],
            stop: StopReason::ToolUse,
            ..ChatResponse::default()
        };
        let v = render_response(&resp);
        assert_eq!(v["type"], "message");
        assert_eq!(v["content"][0]["input"], json!({"x": 1}));
        assert_eq!(v["stop_reason"], "tool_use");
    }

    #[test]
    fn stop_reasons_render_per_anthropic_vocabulary() {
        let cases = [
            (StopReason::EndTurn, "end_turn"),
            (StopReason::MaxTokens, "max_tokens"),
            (StopReason::StopSequence, "stop_sequence"),
            (StopReason::ToolUse, "tool_use"),
            (StopReason::ContentFilter, "refusal"),
            (StopReason::Other("pause_turn".into()), "pause_turn"),
            (
                StopReason::Other("insufficient_system_resource".into()),
                "end_turn",
            ),
        ];
        for (stop, expected) in cases {
            let v = render_response(&ChatResponse {
                stop: stop.clone(),
                ..ChatResponse::default()
            });
            assert_eq!(v["stop_reason"], expected, "for {stop:?}");
        }
    }

    #[test]
    fn response_without_content_is_rejected() {
        let err = parse_response(br#"{"id":"m"}"#).unwrap_err();
        assert_eq!(err, WireError::missing("content"));
    }
}
