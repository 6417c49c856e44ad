use super::*;
use crate::canonical::{Effort, OutputFormat, Reasoning};
use crate::canonical::{FilePart, FileSource};
use crate::test_support::{base64_image, call, msg, result, url_image};
use serde_json::json;

fn parse(v: Value) -> Result<ChatRequest, WireError> {
    parse_request(v.to_string().as_bytes())
}

#[test]
fn max_tokens_is_required() {
    let err = parse(json!({"model": "claude", "messages": [{"role": "user", "content": "x"}]}))
        .unwrap_err();
    assert_eq!(err, WireError::missing("max_tokens"));
    assert_eq!(err.to_string(), "missing required field `max_tokens`");
}

#[test]
fn system_may_be_text_blocks_joined_with_blank_lines() {
    let req = parse(
        json!({"model": "c", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}], "system": [
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
            msg(
                Role::Assistant,
                vec![
                    Part::Text("Let me check.".into()),
                    call("toolu_1", "w", r#"{"city":"Paris"}"#),
                ]
            ),
            msg(Role::Tool, vec![result("toolu_1", "18C")]),
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
            base64_image("image/jpeg", "/9j/"),
            url_image("https://example.com/a.png"),
        ]
    );
}

#[test]
fn options_tools_and_tool_choice_are_read() {
    let req = parse(
        json!({"model": "c", "max_tokens": 64, "messages": [{"role": "user", "content": "x"}], "temperature": 0.2,
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
    let req = parse(
        json!({"model": "c", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}],
        "tool_choice": {"type": "tool", "name": "f"}}),
    )
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
fn server_tools_alone_are_unsupported_and_beside_custom_tools_left_out() {
    let err = parse(
        json!({"model": "c", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}],
        "tools": [{"type": "web_search_20250305", "name": "web_search"}]}),
    )
    .unwrap_err();
    assert!(
        matches!(err, WireError::Unsupported { ref field, .. } if field == "tools[0].type"),
        "got {err:?}"
    );
    let body = json!({"model": "c", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}], "top_k": 3,
        "tools": [{"type": "web_search_20250305", "name": "web_search"},
                  {"name": "Bash", "input_schema": {"type": "object"}}]});
    let req = parse(body.clone()).unwrap();
    assert_eq!(req.tools.len(), 1, "the custom tool stays");
    assert_eq!(
        dropped_fields(&body),
        vec![
            "top_k".to_owned(),
            "tools[0] (web_search_20250305)".to_owned()
        ]
    );
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
    let err = parse(
        json!({"model": "c", "max_tokens": "1024", "messages": [{"role": "user", "content": "x"}]}),
    )
    .unwrap_err();
    assert!(
        matches!(&err, WireError::InvalidField { field, .. } if field == "max_tokens"),
        "got {err:?}"
    );
}

/// What Claude Code 2.1 sends: system-role messages inside `messages`, adaptive thinking with an
/// effort, context management, cache markers, and a beta-only field or two.
#[test]
fn a_claude_code_turn_with_system_messages_and_adaptive_thinking_parses() {
    let req = parse(json!({
        "model": "claude-sonnet-4-5", "max_tokens": 32000, "stream": true,
        "system": [{"type": "text", "text": "You are Claude Code.", "cache_control": {"type": "ephemeral"}}],
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]},
            {"role": "system", "content": "<system-reminder>todo list is empty</system-reminder>"},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "…", "signature": "sig"},
                {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "x"}},
                {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
                {"type": "text", "text": "Hello!"}]},
        ],
        "thinking": {"type": "adaptive"},
        "output_config": {"effort": "medium"},
        "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]},
        "metadata": {"user_id": "user_abc"},
        "tools": [{"name": "Bash", "description": "Run", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral"}}],
    }))
    .unwrap();
    assert_eq!(req.system.as_deref(), Some("You are Claude Code."));
    assert_eq!(
        req.messages[1],
        Message::text(
            Role::System,
            "<system-reminder>todo list is empty</system-reminder>"
        )
    );
    assert_eq!(
        req.messages[2],
        Message::text(Role::Assistant, "Hello!"),
        "thinking and server-tool records are the provider's own and are dropped"
    );
    assert_eq!(req.reasoning, Some(Reasoning::effort(Effort::Medium)));
    assert_eq!(req.user.as_deref(), Some("user_abc"));
}

#[test]
fn thinking_budgets_and_disabling_map_onto_reasoning() {
    let base = |thinking: Value| {
        parse(json!({"model": "c", "max_tokens": 9000, "messages": [{"role": "user", "content": "x"}], "thinking": thinking}))
            .unwrap()
            .reasoning
    };
    assert_eq!(
        base(json!({"type": "enabled", "budget_tokens": 8000})),
        Some(Reasoning::budget(8000))
    );
    assert_eq!(
        base(json!({"type": "disabled"})),
        Some(Reasoning::effort(Effort::None))
    );
    assert_eq!(
        base(json!({"type": "adaptive"})),
        Some(Reasoning::effort(Effort::High)),
        "Anthropic's default effort"
    );
    let err = parse(
        json!({"model": "c", "max_tokens": 1, "messages": [{"role": "user", "content": "x"}], "thinking": {"type": "enabled"}}),
    )
    .unwrap_err();
    assert_eq!(err, WireError::missing("thinking.budget_tokens"));
}

#[test]
fn documents_search_results_and_tool_result_images_are_carried() {
    let req = parse(json!({"model": "c", "max_tokens": 5, "messages": [
        {"role": "user", "content": [
            {"type": "document", "title": "spec.pdf", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBE"}},
            {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "notes"}},
            {"type": "search_result", "source": "https://x", "title": "X", "content": [{"type": "text", "text": "body"}]},
        ]},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Read", "input": {"p": "a.png"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": [
            {"type": "text", "text": "an image"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBO"}}]}]},
    ]}))
    .unwrap();
    let first = &req.messages[0].content;
    assert!(matches!(&first[0], Part::File(FilePart { filename: Some(t), .. }) if t == "spec.pdf"));
    assert_eq!(
        first[1],
        Part::File(FilePart {
            source: FileSource::Text("notes".into()),
            filename: None
        })
    );
    assert_eq!(first[2], Part::Text("X (https://x)\nbody".into()));
    assert_eq!(req.messages[2].role, Role::Tool);
    assert_eq!(
        req.messages[3],
        Message {
            role: Role::User,
            content: vec![base64_image("image/png", "iVBO")]
        },
        "an image inside a tool result follows it as user content"
    );
}

#[test]
fn structured_output_and_no_parallel_tools_are_read() {
    let req = parse(
        json!({"model": "c", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}],
        "output_config": {"format": {"type": "json_schema", "schema": {"type": "object"}}},
        "tool_choice": {"type": "auto", "disable_parallel_tool_use": true}}),
    )
    .unwrap();
    assert_eq!(req.parallel_tool_calls, Some(false));
    assert!(matches!(req.format, Some(OutputFormat::JsonSchema { .. })));
}
