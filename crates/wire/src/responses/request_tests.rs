use super::*;
use crate::responses::dropped_fields;
use crate::test_support::base64_image;
use serde_json::json;

fn parse(v: Value) -> Result<ChatRequest, WireError> {
    parse_request(v.to_string().as_bytes())
}

/// A Codex-style turn: instructions, a developer message, user text, a tool round trip.
fn codex_like() -> Value {
    json!({
        "model": "gpt-5-codex",
        "instructions": "You are Codex.",
        "input": [
            {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "Sandbox: none"}]},
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "run: echo hi"}]},
            {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"},
            {"type": "function_call", "call_id": "call_1", "name": "shell",
             "arguments": "{\"command\":[\"bash\",\"-lc\",\"echo hi\"]}"},
            {"type": "function_call_output", "call_id": "call_1", "output": "hi\n"},
        ],
        "tools": [{"type": "function", "name": "shell", "description": "Runs a command",
                   "strict": false, "parameters": {"type": "object", "properties": {"command": {"type": "array"}}}}],
        "tool_choice": "auto",
        "parallel_tool_calls": false,
        "reasoning": {"effort": "medium", "summary": "auto"},
        "store": false,
        "stream": true,
        "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "abc",
    })
}

#[test]
fn a_codex_turn_maps_onto_the_canonical_conversation() {
    let req = parse(codex_like()).unwrap();
    assert_eq!(
        req.system.as_deref(),
        Some("You are Codex.\n\nSandbox: none"),
        "instructions and a leading developer message form the system prompt"
    );
    assert_eq!(
        req.messages.len(),
        3,
        "user, assistant call, tool result; reasoning dropped"
    );
    assert_eq!(req.messages[0], Message::text(Role::User, "run: echo hi"));
    assert_eq!(
        req.messages[1].content,
        vec![Part::ToolCall {
            id: "call_1".into(),
            name: "shell".into(),
            arguments_json: "{\"command\":[\"bash\",\"-lc\",\"echo hi\"]}".into(),
        }]
    );
    assert_eq!(req.messages[2].role, Role::Tool);
    assert!(req.stream);
    assert_eq!(req.parallel_tool_calls, Some(false));
    assert_eq!(req.reasoning, Some(Reasoning::effort(Effort::Medium)));
    assert_eq!(req.tools[0].name, "shell");
    assert!(!req.tools[0].custom);
}

#[test]
fn a_string_input_is_one_user_message() {
    let req = parse(json!({"model": "m", "input": "hello", "max_output_tokens": 64})).unwrap();
    assert_eq!(req.messages, vec![Message::text(Role::User, "hello")]);
    assert_eq!(req.max_tokens, Some(64));
}

#[test]
fn a_system_message_after_the_conversation_began_stays_in_place() {
    let req = parse(json!({"model": "m", "input": [
        {"role": "user", "content": "a"},
        {"role": "system", "content": "now be terse"},
        {"role": "user", "content": "b"},
    ]}))
    .unwrap();
    assert_eq!(req.system, None);
    assert_eq!(req.messages[1], Message::text(Role::System, "now be terse"));
}

#[test]
fn a_tool_output_without_its_call_is_invalid_and_names_the_field() {
    let err = parse(json!({"model": "m", "input": [
        {"role": "user", "content": "x"},
        {"type": "function_call_output", "call_id": "call_9", "output": "?"},
    ]}))
    .unwrap_err();
    assert!(
        matches!(err, WireError::InvalidField { ref field, .. } if field == "input[1].call_id"),
        "{err}"
    );
    assert!(
        validate(&json!({"model": "m", "input": [
        {"type": "function_call_output", "call_id": "call_9", "output": "?"}]}))
        .is_err(),
        "malformed input is refused whatever the backend"
    );
}

#[test]
fn what_only_openai_serves_is_unsupported_but_valid() {
    for body in [
        json!({"model": "m", "input": "x", "previous_response_id": "resp_1"}),
        json!({"model": "m", "input": "x", "tools": [{"type": "web_search"}]}),
        json!({"model": "m", "input": "x", "tool_choice": {"type": "web_search_preview"},
               "tools": [{"type": "function", "name": "f"}]}),
        json!({"model": "m", "input": [{"type": "item_reference", "id": "msg_1"}]}),
        json!({"model": "m", "input": [{"role": "user", "content": [{"type": "input_image", "file_id": "file-1"}]}]}),
    ] {
        let err = parse(body.clone()).unwrap_err();
        assert!(
            matches!(err, WireError::Unsupported { .. }),
            "{body}: {err}"
        );
        assert!(
            validate(&body).is_ok(),
            "an OpenAI backend can still serve {body}"
        );
    }
}

#[test]
fn malformed_items_name_their_path() {
    let err =
        parse(json!({"model": "m", "input": [{"type": "message", "role": "user", "content": 5}]}))
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid field `input[0].content`: expected string or array, got number"
    );
    assert_eq!(
        parse(json!({"model": "m"})).unwrap_err(),
        WireError::missing("input")
    );
    let err =
        parse(json!({"model": "m", "input": [{"role": "wizard", "content": "x"}]})).unwrap_err();
    assert!(err.to_string().contains("input[0].role"), "{err}");
}

#[test]
fn custom_tools_and_their_calls_round_trip_as_input_arguments() {
    let req = parse(json!({"model": "m", "input": [
        {"role": "user", "content": "patch it"},
        {"type": "custom_tool_call", "call_id": "c1", "name": "apply_patch", "input": "*** Begin Patch"},
        {"type": "custom_tool_call_output", "call_id": "c1", "output": "Done!"},
    ], "tools": [{"type": "custom", "name": "apply_patch", "description": "Edit files",
                  "format": {"type": "grammar", "syntax": "lark", "definition": "start: x"}}]}))
    .unwrap();
    assert!(req.tools[0].custom);
    assert_eq!(req.custom_tool_names(), vec!["apply_patch"]);
    assert_eq!(
        req.messages[1].content[0],
        Part::ToolCall {
            id: "c1".into(),
            name: "apply_patch".into(),
            arguments_json: r#"{"input":"*** Begin Patch"}"#.into()
        }
    );
}

#[test]
fn images_files_and_structured_output_are_read() {
    let req = parse(json!({"model": "m", "input": [{"role": "user", "content": [
        {"type": "input_text", "text": "describe"},
        {"type": "input_image", "image_url": "data:image/png;base64,iVBO", "detail": "auto"},
        {"type": "input_file", "filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBE"},
        {"type": "input_file", "file_url": "https://x/y.pdf"},
    ]}], "text": {"format": {"type": "json_schema", "name": "out", "schema": {"type": "object"}, "strict": true}}}))
    .unwrap();
    let parts = &req.messages[0].content;
    assert_eq!(parts[1], base64_image("image/png", "iVBO"));
    assert_eq!(
        parts[2],
        Part::File(FilePart {
            source: FileSource::Base64 {
                media_type: "application/pdf".into(),
                data: "JVBE".into()
            },
            filename: Some("a.pdf".into()),
        })
    );
    assert_eq!(
        parts[3],
        Part::File(FilePart {
            source: FileSource::Url("https://x/y.pdf".into()),
            filename: None
        })
    );
    assert_eq!(
        req.format,
        Some(OutputFormat::JsonSchema {
            name: "out".into(),
            schema: json!({"type": "object"}),
            strict: true
        })
    );
}

#[test]
fn the_same_conversation_parses_alike_in_chat_and_responses() {
    let chat = crate::openai::parse_request(
        json!({"model": "m", "messages": [
        {"role": "system", "content": "S"}, {"role": "user", "content": "hi"}],
        "max_completion_tokens": 10, "temperature": 0})
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    let resp = parse(json!({"model": "m", "instructions": "S", "input": "hi",
        "max_output_tokens": 10, "temperature": 0}))
    .unwrap();
    assert_eq!(chat, resp, "one canonical value, so one cache entry");
}

#[test]
fn built_in_tools_beside_function_tools_are_left_out_and_listed() {
    let body = codex_like();
    let mut body = body;
    body["tools"].as_array_mut().unwrap().extend([
        json!({"type": "web_search", "external_web_access": false}),
        json!({"type": "tool_search", "execution": "client"}),
    ]);
    let req = parse(body.clone()).unwrap();
    assert_eq!(
        req.tools.len(),
        1,
        "Codex's built-ins are not the model's to use elsewhere"
    );
    let dropped = dropped_fields(&body);
    assert!(
        dropped.contains(&"tools[1] (web_search)".to_owned()),
        "{dropped:?}"
    );
    assert!(dropped.contains(&"include".to_owned()), "{dropped:?}");
    assert!(
        !dropped.contains(&"prompt_cache_key".to_owned()),
        "the cache key is read, and carried where the target takes it: {dropped:?}"
    );
    assert!(!dropped.contains(&"input".to_owned()));
}

#[test]
fn namespaced_tools_are_offered_one_by_one_and_empty_input_is_refused() {
    let body = json!({"model": "m", "input": "run: echo hi", "tools": [
        {"type": "namespace", "name": "ns", "description": "group", "tools": [
            {"type": "function", "name": "shell", "parameters": {"type": "object"}},
            {"type": "custom", "name": "patch"}]},
        {"type": "function", "name": "other"}]});
    let req = parse(body.clone()).unwrap();
    let names: Vec<&str> = req.tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["shell", "patch", "other"]);
    assert!(req.tools[1].custom);
    assert!(!dropped_fields(&body)
        .iter()
        .any(|d| d.contains("namespace")));
    let ctx = super::super::ResponseContext::of_request(&body);
    assert_eq!(
        ctx.namespaces,
        vec![
            ("shell".to_owned(), "ns".to_owned()),
            ("patch".to_owned(), "ns".to_owned())
        ]
    );
    assert_eq!(ctx.custom_tools, vec!["patch"]);
    let err = parse(json!({"model": "m", "input": []})).unwrap_err();
    assert_eq!(err, WireError::invalid("input", "must not be empty"));
}

#[test]
fn same_named_tools_in_two_namespaces_cannot_be_translated() {
    let body = json!({"model": "m", "input": "x", "tools": [
        {"type": "namespace", "name": "a", "tools": [{"type": "function", "name": "search"}]},
        {"type": "namespace", "name": "b", "tools": [{"type": "function", "name": "search"}]}]});
    assert!(matches!(
        parse(body.clone()).unwrap_err(),
        WireError::Unsupported { .. }
    ));
    assert!(validate(&body).is_ok(), "OpenAI itself can still serve it");
}
