//! OpenAI `chat.completion` object ⇄ [`ChatResponse`].
//!
//! Only `choices[0]` is read (the gateway never asks for `n > 1`). A refusal is carried as text.
//! Rendering produces one choice whose `message.content` is all text parts concatenated (or
//! `null` when the reply is only tool calls) plus `tool_calls`, and a full `usage` object.

use serde_json::{json, Value};

use crate::canonical::{ChatResponse, Part, StopReason};
use crate::error::WireError;
use crate::json::{index, parse_body, Obj};

use super::render::tool_call;
use super::{finish_from_stop, stop_from_finish, usage_from, usage_to};

/// Parses an OpenAI Chat Completions response body.
pub fn parse_response(body: &[u8]) -> Result<ChatResponse, WireError> {
    let value = parse_body(body)?;
    let root = Obj::new(&value, "")?;
    let choices = root
        .arr("choices")?
        .ok_or_else(|| WireError::missing("choices"))?;
    let first = choices
        .first()
        .ok_or_else(|| WireError::missing("choices[0]"))?;
    let choice = Obj::new(first, "choices[0]")?;
    let message = choice
        .obj("message")?
        .ok_or_else(|| WireError::missing(choice.path("message")))?;
    let mut content = Vec::new();
    match message.get("content") {
        Some(Value::String(s)) if !s.is_empty() => content.push(Part::Text(s.clone())),
        None | Some(Value::String(_)) => {}
        Some(Value::Array(parts)) => {
            for (i, p) in parts.iter().enumerate() {
                let p = Obj::new(p, index(&message.path("content"), i))?;
                if let Some(text) = p.str("text")? {
                    content.push(Part::Text(text.to_owned()));
                }
            }
        }
        Some(other) => {
            return Err(WireError::wrong_type(
                message.path("content"),
                "string or array",
                other,
            ))
        }
    }
    if let Some(refusal) = message.str("refusal")? {
        content.push(Part::Text(refusal.to_owned()));
    }
    for (i, call) in message.arr("tool_calls")?.into_iter().flatten().enumerate() {
        let call = Obj::new(call, index(&message.path("tool_calls"), i))?;
        let f = call
            .obj("function")?
            .ok_or_else(|| WireError::missing(call.path("function")))?;
        content.push(Part::ToolCall {
            id: call.str("id")?.unwrap_or_default().to_owned(),
            name: f.req_str("name")?.to_owned(),
            arguments_json: match f.get("arguments") {
                None => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            },
        });
    }
    let stop = match choice.str("finish_reason")? {
        Some(reason) => stop_from_finish(reason),
        None => StopReason::EndTurn,
    };
    Ok(ChatResponse {
        id: root.str("id")?.unwrap_or_default().to_owned(),
        model: root.str("model")?.unwrap_or_default().to_owned(),
        created: root.get("created").and_then(Value::as_u64).unwrap_or(0),
        content,
        stop,
        usage: root
            .obj("usage")?
            .map(|u| usage_from(&u))
            .unwrap_or_default(),
    })
}

/// Renders a `chat.completion` object.
pub fn render_response(resp: &ChatResponse) -> Value {
    let mut text = String::new();
    let mut calls = Vec::new();
    for part in &resp.content {
        match part {
            Part::Text(t) => text.push_str(t),
            Part::ToolCall {
                id,
                name,
                arguments_json,
            } => calls.push(tool_call(id, name, arguments_json)),
            Part::Image(_) | Part::File(_) | Part::Audio { .. } | Part::ToolResult { .. } => {}
        }
    }
    let content = if text.is_empty() && !calls.is_empty() {
        Value::Null
    } else {
        Value::String(text)
    };
    let mut message = json!({"role": "assistant", "content": content, "refusal": null});
    if !calls.is_empty() {
        message["tool_calls"] = Value::Array(calls);
    }
    json!({
        "id": resp.id,
        "object": "chat.completion",
        "created": resp.created,
        "model": resp.model,
        "choices": [{
            "index": 0,
            "message": message,
            "logprobs": null,
            "finish_reason": finish_from_stop(&resp.stop),
        }],
        "usage": usage_to(&resp.usage),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::Usage;

    #[test]
    fn tool_call_response_parses_into_tool_call_parts() {
        let body = br#"{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,
            "model":"gpt-4.1","choices":[{"index":0,"message":{"role":"assistant","content":null,
            "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather",
            "arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],
            "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}"#;
        let resp = parse_response(body).unwrap();
        assert_eq!(resp.stop, StopReason::ToolUse);
        assert_eq!(resp.created, 1_700_000_000);
        assert_eq!(
            resp.content,
            vec![Part::ToolCall {
                id: "call_1".into(),
                name: "get_weather".into(),
                arguments_json: r#"{"city":"Paris"}"#.into(),
            }],
            "null content adds no text part"
        );
    }

    #[test]
    fn response_without_choices_is_rejected() {
        let err = parse_response(br#"{"id":"x","choices":[]}"#).unwrap_err();
        assert_eq!(err, WireError::missing("choices[0]"));
    }

    #[test]
    fn rendered_response_is_a_chat_completion_with_null_content_for_tool_only_replies() {
        let resp = ChatResponse {
            id: "msg_1".into(),
            model: "claude".into(),
            content: vec![Part::ToolCall {
                id: "toolu_1".into(),
                name: "f".into(),
                arguments_json: "{}".into(),
            }],
            stop: StopReason::ToolUse,
            usage: Usage::default(),
            ..ChatResponse::default()
        };
        let v = render_response(&resp);
        assert_eq!(v["object"], "chat.completion");
        assert_eq!(v["choices"][0]["message"]["content"], Value::Null);
        assert_eq!(
            v["choices"][0]["message"]["tool_calls"][0]["function"]["name"],
            "f"
        );
        assert_eq!(v["choices"][0]["finish_reason"], "tool_calls");
    }

    #[test]
    fn finish_reasons_render_per_stop_reason() {
        let cases = [
            (StopReason::EndTurn, "stop"),
            (StopReason::MaxTokens, "length"),
            (StopReason::ToolUse, "tool_calls"),
            (StopReason::ContentFilter, "content_filter"),
            (StopReason::StopSequence, "stop"),
            (StopReason::Other("pause_turn".into()), "stop"),
        ];
        for (stop, expected) in cases {
            let v = render_response(&ChatResponse {
                stop: stop.clone(),
                ..ChatResponse::default()
            });
            assert_eq!(v["choices"][0]["finish_reason"], expected, "for {stop:?}");
        }
    }
}
