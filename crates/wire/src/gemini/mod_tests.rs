use super::*;

fn usage_obj(v: &Value) -> Usage {
    usage_from(&Obj::new(v, "usageMetadata").unwrap())
}

#[test]
fn error_status_follows_the_http_status() {
    let cases = [
        (400, "INVALID_ARGUMENT"),
        (401, "UNAUTHENTICATED"),
        (403, "PERMISSION_DENIED"),
        (404, "NOT_FOUND"),
        (429, "RESOURCE_EXHAUSTED"),
        (500, "INTERNAL"),
        (503, "UNAVAILABLE"),
        (504, "DEADLINE_EXCEEDED"),
    ];
    for (status, kind) in cases {
        let body = error_body(status, "boom");
        assert_eq!(body["error"]["code"], status, "status {status}");
        assert_eq!(body["error"]["status"], kind, "status {status}");
        assert_eq!(body["error"]["message"], "boom");
    }
}

#[test]
fn error_message_reads_gemini_errors_bare_or_in_an_array() {
    let bare =
        br#"{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}"#;
    assert_eq!(error_message(bare).as_deref(), Some("API key not valid."));
    let listed =
        br#"[{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}]"#;
    assert_eq!(error_message(listed).as_deref(), Some("Quota exceeded"));
    assert_eq!(error_message(br#"{"candidates":[]}"#), None, "not an error");
    assert_eq!(error_message(b"<html>"), None, "not JSON");
}

#[test]
fn finish_reasons_map_to_stop_reasons() {
    let cases = [
        ("STOP", false, StopReason::EndTurn),
        ("STOP", true, StopReason::ToolUse),
        ("MAX_TOKENS", true, StopReason::MaxTokens),
        ("SAFETY", false, StopReason::ContentFilter),
        ("RECITATION", false, StopReason::ContentFilter),
        ("PROHIBITED_CONTENT", false, StopReason::ContentFilter),
        ("SPII", false, StopReason::ContentFilter),
        (
            "MALFORMED_FUNCTION_CALL",
            false,
            StopReason::Other("MALFORMED_FUNCTION_CALL".into()),
        ),
    ];
    for (reason, called, expected) in cases {
        assert_eq!(stop_from_finish(reason, called), expected, "{reason}");
    }
}

#[test]
fn cached_tokens_are_subtracted_from_the_prompt_and_thoughts_added_to_output() {
    let u = usage_obj(&json!({
        "promptTokenCount": 1000, "cachedContentTokenCount": 800,
        "candidatesTokenCount": 50, "thoughtsTokenCount": 20, "totalTokenCount": 1070,
    }));
    assert_eq!(
        u,
        Usage {
            input_tokens: 200,
            cache_read_tokens: 800,
            output_tokens: 70,
            reasoning_tokens: 20,
            cache_write_tokens: 0,
            cache_write_1h_tokens: 0,
        },
        "prompt includes cache; candidates exclude thoughts"
    );
    assert_eq!(
        u.prompt_total() + u.output_tokens,
        1070,
        "matches totalTokenCount"
    );
}

#[test]
fn tool_use_prompt_tokens_count_as_input_and_cache_never_underflows() {
    let u = usage_obj(&json!({"promptTokenCount": 10, "toolUsePromptTokenCount": 5}));
    assert_eq!(u.input_tokens, 15);
    let u = usage_obj(&json!({"promptTokenCount": 10, "cachedContentTokenCount": 50}));
    assert_eq!((u.input_tokens, u.cache_read_tokens), (0, 10));
    assert_eq!(
        usage_obj(&json!({})),
        Usage::default(),
        "absent counters are 0"
    );
}

#[test]
fn candidate_parts_join_text_skip_thoughts_and_number_calls() {
    let v = json!({"content": {"role": "model", "parts": [
        {"text": "thinking about it", "thought": true},
        {"text": "Hel"}, {"text": "lo"},
        {"functionCall": {"name": "f", "args": {"a": 1}}},
        {"executableCode": {"language": "PYTHON", "code": "1"}},
        {"functionCall": {"name": "g"}},
    ]}});
    let parts = candidate_parts(&Obj::new(&v, "candidates[0]").unwrap(), 3).unwrap();
    assert_eq!(
        parts,
        vec![
            Part::Text("Hello".into()),
            Part::ToolCall {
                id: "call_3".into(),
                name: "f".into(),
                arguments_json: r#"{"a":1}"#.into()
            },
            Part::ToolCall {
                id: "call_4".into(),
                name: "g".into(),
                arguments_json: "{}".into()
            },
        ]
    );
}

#[test]
fn a_call_without_a_name_is_reported_by_path() {
    let v = json!({"content": {"parts": [{"text": "a"}, {"functionCall": {"args": {}}}]}});
    let err = candidate_parts(&Obj::new(&v, "candidates[0]").unwrap(), 0).unwrap_err();
    assert_eq!(
        err,
        WireError::missing("candidates[0].content.parts[1].functionCall.name")
    );
}

#[test]
fn a_count_reports_the_total_as_text_tokens() {
    assert_eq!(
        render_count(42),
        json!({"totalTokens": 42, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 42}]})
    );
}

#[test]
fn a_model_object_names_the_model_and_the_served_methods() {
    let model = model_object("gemini-2.5-pro", "Gemini 2.5 Pro", 1_048_576, 65_536);
    assert_eq!(model["name"], json!("models/gemini-2.5-pro"));
    assert_eq!(model["displayName"], json!("Gemini 2.5 Pro"));
    assert_eq!(model["inputTokenLimit"], json!(1_048_576));
    assert_eq!(model["outputTokenLimit"], json!(65_536));
    assert_eq!(
        model["supportedGenerationMethods"],
        json!(["generateContent", "countTokens", "streamGenerateContent"])
    );
    assert!(model["version"].is_string() && model["description"].is_string());
    assert_eq!(
        model_object("models/x", "X", 1, 1)["name"],
        json!("models/x"),
        "models/ is not doubled"
    );
}

#[test]
fn rendered_usage_parses_back_to_the_same_counters() {
    let usage = Usage {
        input_tokens: 400,
        cache_read_tokens: 600,
        output_tokens: 12,
        reasoning_tokens: 5,
        ..Usage::default()
    };
    assert_eq!(usage_obj(&usage_to(&usage)), usage);
}
