use super::*;
use crate::test_support::{base64_image, call, msg, result, url_image};

fn parse(v: Value) -> Result<ChatRequest, WireError> {
    parse_request(v.to_string().as_bytes())
}

#[test]
fn leading_system_and_developer_messages_form_the_system_prompt() {
    let req = parse(json!({"model": "gpt-4.1", "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "developer", "content": [{"type": "text", "text": "Use French."}]},
        {"role": "user", "content": "hi"},
    ]}))
    .unwrap();
    assert_eq!(req.system.as_deref(), Some("Be brief.\n\nUse French."));
    assert_eq!(
        req.messages,
        vec![Message::text(Role::User, "hi")],
        "no system left in messages"
    );
}

#[test]
fn a_later_system_message_stays_in_place() {
    let req = parse(json!({"model": "gpt-4.1", "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
        {"role": "developer", "content": "Use French."},
    ]}))
    .unwrap();
    assert_eq!(req.system.as_deref(), Some("Be brief."));
    assert_eq!(req.messages[1], Message::text(Role::System, "Use French."));
    assert_eq!(
        req.merged_system().as_deref(),
        Some("Be brief.\n\nUse French.")
    );
}

#[test]
fn reasoning_effort_response_format_and_parallel_calls_are_read() {
    let req = parse(json!({"model": "o4-mini", "messages": [{"role": "user", "content": "x"}],
        "reasoning_effort": "high", "parallel_tool_calls": false,
        "response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": {"type": "object"}, "strict": true}}}))
    .unwrap();
    assert_eq!(
        req.reasoning,
        Some(crate::canonical::Reasoning::effort(
            crate::canonical::Effort::High
        ))
    );
    assert_eq!(req.parallel_tool_calls, Some(false));
    assert!(
        matches!(req.format, Some(crate::canonical::OutputFormat::JsonSchema { ref name, strict: true, .. }) if name == "r")
    );
    let err = parse(json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "reasoning_effort": "huge"})).unwrap_err();
    assert!(err.to_string().contains("reasoning_effort"), "{err}");
}

#[test]
fn max_completion_tokens_wins_over_max_tokens() {
    let req =
        parse(json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 10, "max_completion_tokens": 20}))
            .unwrap();
    assert_eq!(req.max_tokens, Some(20));
}

#[test]
fn stop_may_be_a_string_or_an_array() {
    let one =
        parse(json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "stop": "END"}))
            .unwrap();
    let many = parse(
        json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "stop": ["a", "b"]}),
    )
    .unwrap();
    assert_eq!(one.stop, vec!["END"]);
    assert_eq!(many.stop, vec!["a", "b"]);
}

#[test]
fn content_parts_include_text_and_images_with_data_urls_decoded() {
    let req = parse(json!({"model": "m", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg", "detail": "low"}},
    ]}]}))
    .unwrap();
    assert_eq!(
        req.messages[0].content,
        vec![
            Part::Text("what is this?".into()),
            base64_image("image/png", "iVBORw0"),
            url_image("https://example.com/cat.jpg"),
        ]
    );
}

#[test]
fn assistant_tool_calls_and_tool_messages_become_calls_and_results() {
    let req = parse(json!({"model": "m", "messages": [
        {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
            "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
    ]}))
    .unwrap();
    assert_eq!(
        req.messages,
        vec![
            msg(
                Role::Assistant,
                vec![call("call_1", "get_weather", "{\"city\":\"Paris\"}")]
            ),
            msg(Role::Tool, vec![result("call_1", "18C")]),
        ]
    );
}

#[test]
fn tools_and_tool_choice_are_read() {
    let req = parse(
        json!({"model": "m", "messages": [{"role": "user", "content": "x"}],
        "tools": [{"type": "function", "function": {"name": "f", "description": "does f",
            "parameters": {"type": "object", "properties": {"x": {"type": "integer"}}}}}],
        "tool_choice": {"type": "function", "function": {"name": "f"}}}),
    )
    .unwrap();
    assert_eq!(req.tools[0].name, "f");
    assert_eq!(req.tools[0].description.as_deref(), Some("does f"));
    assert_eq!(
        req.tools[0].parameters["properties"]["x"]["type"],
        "integer"
    );
    assert_eq!(req.tool_choice, Some(ToolChoice::Named("f".into())));
}

#[test]
fn string_tool_choices_map_to_their_variants() {
    for (s, expected) in [
        ("auto", ToolChoice::Auto),
        ("none", ToolChoice::None),
        ("required", ToolChoice::Required),
    ] {
        let req = parse(
            json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "tool_choice": s}),
        )
        .unwrap();
        assert_eq!(req.tool_choice, Some(expected), "tool_choice {s}");
    }
}

#[test]
fn missing_messages_is_a_missing_field_error() {
    let err = parse(json!({"model": "m"})).unwrap_err();
    assert_eq!(err, WireError::missing("messages"));
}

#[test]
fn numeric_content_is_rejected_with_its_path() {
    let err =
        parse(json!({"model": "m", "messages": [{"role": "user", "content": 42}]})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid field `messages[0].content`: expected string or array, got number"
    );
}

#[test]
fn unknown_roles_are_rejected_without_echoing_them() {
    let err = parse(json!({"model": "m", "messages": [{"role": "sk-secret", "content": "x"}]}))
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("messages[0].role"), "names the field: {msg}");
    assert!(!msg.contains("sk-secret"), "never echoes the value: {msg}");
}

#[test]
fn audio_and_file_parts_are_read() {
    let req = parse(json!({"model": "m", "messages": [{"role": "user", "content": [
        {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}},
        {"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBE"}},
        {"type": "file", "file": {"file_id": "file-123"}},
    ]}]}))
    .unwrap();
    let parts = &req.messages[0].content;
    assert_eq!(
        parts[0],
        Part::Audio {
            format: "wav".into(),
            data: "AAAA".into()
        }
    );
    assert_eq!(
        parts[1],
        Part::File(FilePart {
            source: FileSource::Base64 {
                media_type: "application/pdf".into(),
                data: "JVBE".into()
            },
            filename: Some("a.pdf".into())
        })
    );
    assert_eq!(
        parts[2],
        Part::File(FilePart {
            source: FileSource::Id("file-123".into()),
            filename: None
        })
    );
}

#[test]
fn unknown_part_types_are_unsupported() {
    let err = parse(
        json!({"model": "m", "messages": [{"role": "user", "content": [
        {"type": "video", "video": {}}]}]}),
    )
    .unwrap_err();
    assert!(matches!(err, WireError::Unsupported { .. }), "got {err:?}");
}

#[test]
fn an_empty_conversation_and_several_choices_cannot_be_translated() {
    let empty = parse(json!({"model": "m", "messages": []})).unwrap_err();
    assert_eq!(empty, WireError::invalid("messages", "must not be empty"));
    let n = parse(json!({"model": "m", "n": 2, "messages": [{"role": "user", "content": "x"}]}))
        .unwrap_err();
    assert!(
        matches!(n, WireError::Unsupported { ref field, .. } if field == "n"),
        "{n}"
    );
    assert!(
        parse(json!({"model": "m", "n": 1, "messages": [{"role": "user", "content": "x"}]}))
            .is_ok()
    );
}
