use super::*;
use serde_json::json;

fn parse(v: Value) -> Result<ChatRequest, WireError> {
    parse_request(v.to_string().as_bytes())
}

#[test]
fn max_tokens_is_required() {
    let err = parse(json!({"model": "claude", "messages": []})).unwrap_err();
    assert_eq!(err, WireError::missing("max_tokens"));
    assert_eq!(err.to_string(), "missing required field `max_tokens`");
}

#[test]
fn system_may_be_text_blocks_joined_with_blank_lines() {
    let req = parse(
        json!({"model": "c", "max_tokens": 5, "messages": [], "system": [
            {"type": "text", "text": "One."},
            {"type": "text", "text": "Two.", "cache_control": {"type": "ephemeral"}},
        ]}),
    )
    .unwrap();
    assert_eq!(req.system.as_deref(), Some("One.\n\nTwo."));
}

#[test]
fn tool_results_split_from_user_text_into_tool_messages() {
    let req = parse(json!({"model": "c", "max_tokens": 5, "messages": [
        {"role": "assistant", "content": [
            {"type": "text", "text": "Let me check."},
            {"type": "tool_use", "id": "toolu_1", "name": "w", "input": {"city": "Paris"}}]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "18C"}]},
            {"type": "text", "text": "And tomorrow?"}]},
    ]}))
    .unwrap();
    assert_eq!(
        req.messages,
        vec![
            Message {
                role: Role::Assistant,
                content: vec![
                    Part::Text("Let me check.".into()),
                    Part::ToolCall {
                        id: "toolu_1".into(),
                        name: "w".into(),
                        arguments_json: r#"{"city":"Paris"}"#.into()
                    },
                ]
            },
            Message {
                role: Role::Tool,
                content: vec![Part::ToolResult {
                    call_id: "toolu_1".into(),
                    content: "18C".into(),
                    is_error: false,
                }]
            },
            Message::text(Role::User, "And tomorrow?"),
        ]
    );
}

#[test]
fn tool_result_error_flag_is_kept() {
    let req = parse(
        json!({"model": "c", "max_tokens": 5, "messages": [{"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "t", "content": "boom", "is_error": true}]}]}),
    )
    .unwrap();
    assert!(matches!(
        req.messages[0].content[0],
        Part::ToolResult { is_error: true, .. }
    ));
}

#[test]
fn images_parse_from_base64_and_url_sources() {
    let req = parse(
        json!({"model": "c", "max_tokens": 5, "messages": [{"role": "user", "content": [
        {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/"}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}]}]}),
    )
    .unwrap();
    assert_eq!(
        req.messages[0].content,
        vec![
            Part::Image(ImageSource::Base64 {
                media_type: "image/jpeg".into(),
                data: "/9j/".into()
            }),
            Part::Image(ImageSource::Url("https://example.com/a.png".into())),
        ]
    );
}

#[test]
fn options_tools_and_tool_choice_are_read() {
    let req = parse(
        json!({"model": "c", "max_tokens": 64, "messages": [], "temperature": 0.2,
        "top_p": 0.8, "stop_sequences": ["###"], "stream": true, "metadata": {"user_id": "u-9"},
        "tools": [{"name": "f", "description": "does f", "input_schema": {"type": "object"}}],
        "tool_choice": {"type": "any"}}),
    )
    .unwrap();
    assert_eq!(req.max_tokens, Some(64));
    assert_eq!((req.temperature, req.top_p), (Some(0.2), Some(0.8)));
    assert_eq!(req.stop, vec!["###"]);
    assert!(req.stream);
    assert_eq!(req.user.as_deref(), Some("u-9"));
    assert_eq!(req.tools[0].parameters, json!({"type": "object"}));
    assert_eq!(
        req.tool_choice,
        Some(ToolChoice::Required),
        "any means required"
    );
}

#[test]
fn named_tool_choice_reads_the_name() {
    let req = parse(json!({"model": "c", "max_tokens": 5, "messages": [],
        "tool_choice": {"type": "tool", "name": "f"}}))
    .unwrap();
    assert_eq!(req.tool_choice, Some(ToolChoice::Named("f".into())));
}

#[test]
fn thinking_blocks_in_history_are_dropped() {
    let req = parse(json!({"model": "c", "max_tokens": 5, "messages": [{"role": "assistant", "content": [
        {"type": "thinking", "thinking": "…", "signature": "s"}, {"type": "text", "text": "ok"}]}]}))
    .unwrap();
    assert_eq!(req.messages, vec![Message::text(Role::Assistant, "ok")]);
}

#[test]
fn server_tools_are_unsupported() {
    let err = parse(json!({"model": "c", "max_tokens": 5, "messages": [],
        "tools": [{"type": "web_search_20250305", "name": "web_search"}]}))
    .unwrap_err();
    assert!(matches!(err, WireError::Unsupported { .. }), "got {err:?}");
}

#[test]
fn numeric_content_is_rejected_with_its_path() {
    let err =
        parse(json!({"model": "c", "max_tokens": 5, "messages": [{"role": "user", "content": 3}]}))
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid field `messages[0].content`: expected string or array, got number"
    );
}

#[test]
fn string_max_tokens_is_rejected() {
    let err = parse(json!({"model": "c", "max_tokens": "1024", "messages": []})).unwrap_err();
    assert!(
        matches!(&err, WireError::InvalidField { field, .. } if field == "max_tokens"),
        "got {err:?}"
    );
}
