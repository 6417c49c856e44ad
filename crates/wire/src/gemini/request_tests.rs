use serde_json::json;

use super::*;
use crate::canonical::{Message, Part, Role};

/// What Gemini CLI sends on its second turn: a system instruction, the user's question, the
/// model's call (no id, with a thought signature), the tool's output (with the CLI's own id),
/// its tool declarations and its generation config.
fn gemini_cli_body() -> Value {
    json!({
        "contents": [
            {"role": "user", "parts": [{"text": "What is in README.md?"}]},
            {"role": "model", "parts": [
                {"text": "**Planning**", "thought": true},
                {"text": "Let me read it."},
                {"functionCall": {"name": "read_file", "args": {"absolute_path": "/repo/README.md"}},
                 "thoughtSignature": "c2lnbmF0dXJl"}
            ]},
            {"role": "user", "parts": [
                {"functionResponse": {"id": "read_file-1718000000000-8f2a", "name": "read_file",
                                      "response": {"output": "# Switchyard"}}}
            ]}
        ],
        "systemInstruction": {"role": "user", "parts": [{"text": "You are an interactive CLI agent."}, {"text": "Be brief."}]},
        "tools": [{"functionDeclarations": [
            {"name": "read_file", "description": "Reads a file.",
             "parametersJsonSchema": {"type": "object",
                 "properties": {"absolute_path": {"type": "string"}}, "required": ["absolute_path"]}},
            {"name": "glob", "description": "Finds files.",
             "parameters": {"type": "OBJECT", "properties": {
                 "pattern": {"type": "STRING", "description": "The glob."},
                 "paths": {"type": "ARRAY", "items": {"type": "STRING"}}},
                 "required": ["pattern"]}},
            {"name": "list_tools"}
        ]}],
        "toolConfig": {"functionCallingConfig": {"mode": "AUTO"}},
        "generationConfig": {
            "temperature": 0, "topP": 1,
            "thinkingConfig": {"thinkingBudget": -1, "includeThoughts": true}
        }
    })
}

#[test]
fn a_gemini_cli_turn_parses_into_the_canonical_conversation() {
    let req = parse_request_value(&gemini_cli_body(), "models/gemini-2.5-pro", true).unwrap();
    assert_eq!(
        req.model, "gemini-2.5-pro",
        "the URL's model, without models/"
    );
    assert!(req.stream, "streaming comes from the URL");
    assert_eq!(
        req.system.as_deref(),
        Some("You are an interactive CLI agent.\n\nBe brief."),
        "system text parts are joined with a blank line, the role ignored"
    );
    assert_eq!(
        req.messages,
        vec![
            Message::text(Role::User, "What is in README.md?"),
            Message {
                role: Role::Assistant,
                content: vec![
                    Part::Text("Let me read it.".into()),
                    Part::ToolCall {
                        id: "call_0".into(),
                        name: "read_file".into(),
                        arguments_json: r#"{"absolute_path":"/repo/README.md"}"#.into(),
                    },
                ],
            },
            Message {
                role: Role::Tool,
                content: vec![Part::ToolResult {
                    call_id: "call_0".into(),
                    content: "# Switchyard".into(),
                    is_error: false,
                }],
            },
        ],
        "thoughts are skipped, the id-less call gets call_0 and the result pairs by name"
    );
    assert_eq!(req.tools.len(), 3);
    assert_eq!(
        req.tools[0].parameters,
        json!({"type": "object", "properties": {"absolute_path": {"type": "string"}},
               "required": ["absolute_path"]}),
        "parametersJsonSchema is already JSON Schema"
    );
    assert_eq!(
        req.tools[1].parameters,
        json!({"type": "object", "properties": {
            "pattern": {"type": "string", "description": "The glob."},
            "paths": {"type": "array", "items": {"type": "string"}}},
            "required": ["pattern"]}),
        "OpenAPI types are lowered recursively so other providers accept them"
    );
    assert_eq!(
        req.tools[2].parameters,
        json!({"type": "object", "properties": {}}),
        "a function without parameters takes an empty object"
    );
    assert_eq!(req.tool_choice, Some(ToolChoice::Auto));
    assert_eq!(req.temperature, Some(0.0));
    assert_eq!(req.top_p, Some(1.0));
    assert_eq!(
        req.reasoning,
        Some(Reasoning::effort(Effort::Medium)),
        "a dynamic budget (-1) is medium effort"
    );
    assert_eq!(req.user, None);
    assert_eq!(req.parallel_tool_calls, None);
}

#[test]
fn snake_case_field_names_read_the_same_as_camel_case() {
    let body = json!({
        "contents": [{"role": "user", "parts": [
            {"text": "Describe this."},
            {"inline_data": {"mime_type": "image/png", "data": "iVBO"}}
        ]}],
        "system_instruction": {"parts": [{"text": "Be terse."}]},
        "tools": [{"function_declarations": [
            {"name": "f", "parameters_json_schema": {"type": "object", "properties": {"a": {"type": "string"}}}}
        ]}],
        "tool_config": {"function_calling_config": {"mode": "ANY", "allowed_function_names": ["f"]}},
        "generation_config": {"max_output_tokens": 256, "stop_sequences": ["END"], "top_p": 0.5,
            "thinking_config": {"thinking_budget": 0},
            "response_mime_type": "application/json"}
    });
    let req = parse_request_value(&body, "gemini-2.0-flash", false).unwrap();
    assert_eq!(req.system.as_deref(), Some("Be terse."));
    assert_eq!(
        req.messages[0].content[1],
        Part::Image(crate::canonical::ImageSource::Base64 {
            media_type: "image/png".into(),
            data: "iVBO".into()
        })
    );
    assert_eq!(
        req.tools[0].parameters["properties"]["a"],
        json!({"type": "string"})
    );
    assert_eq!(req.tool_choice, Some(ToolChoice::Named("f".into())));
    assert_eq!(req.max_tokens, Some(256));
    assert_eq!(req.stop, vec!["END".to_owned()]);
    assert_eq!(req.top_p, Some(0.5));
    assert_eq!(req.reasoning, Some(Reasoning::budget(0)), "budget 0 is off");
    assert_eq!(req.reasoning.map(|r| r.effort), Some(Effort::None));
    assert_eq!(req.format, Some(OutputFormat::Json));
}

#[test]
fn missing_or_empty_contents_is_a_missing_field() {
    for body in [
        json!({}),
        json!({"contents": []}),
        json!({"contents": null}),
    ] {
        let err = parse_request_value(&body, "m", false).unwrap_err();
        assert_eq!(err, WireError::missing("contents"), "for {body}");
        assert!(
            err.to_string().contains("`contents`"),
            "names the field: {err}"
        );
    }
}

#[test]
fn google_tools_alone_are_unsupported_and_beside_functions_left_out() {
    let alone =
        json!({"contents": [{"parts": [{"text": "news?"}]}], "tools": [{"googleSearch": {}}]});
    let err = parse_request_value(&alone, "m", false).unwrap_err();
    assert!(
        matches!(&err, WireError::Unsupported { field, reason }
            if field == "tools[0]" && reason.contains("runs only on Gemini backends")),
        "got {err:?}"
    );
    let mixed = json!({
        "contents": [{"parts": [{"text": "news?"}]}], "safetySettings": [],
        "tools": [{"functionDeclarations": [{"name": "f"}]}, {"googleSearch": {}}]
    });
    let req = parse_request_value(&mixed, "m", false).unwrap();
    assert_eq!(
        req.tools.len(),
        1,
        "the function stays, Google's search is left out"
    );
    assert_eq!(
        super::super::dropped_fields(&mixed),
        vec![
            "safetySettings".to_owned(),
            "tools[1] (googleSearch)".to_owned()
        ]
    );
    let unknown = json!({"contents": [{"parts": [{"text": "x"}]}], "tools": [{"someNewTool": {}}]});
    assert!(matches!(
        parse_request_value(&unknown, "m", false),
        Err(WireError::Unsupported { .. })
    ));
}

#[test]
fn cached_content_and_several_candidates_are_unsupported() {
    let cached =
        json!({"contents": [{"parts": [{"text": "x"}]}], "cachedContent": "cachedContents/abc"});
    let err = parse_request_value(&cached, "m", false).unwrap_err();
    assert!(
        matches!(&err, WireError::Unsupported { field, reason }
            if field == "cachedContent" && reason.contains("only at Google")),
        "got {err:?}"
    );
    assert!(
        !err.to_string().contains("abc"),
        "the value is never quoted"
    );
    let several = json!({"contents": [{"parts": [{"text": "x"}]}],
                         "generationConfig": {"candidateCount": 2}});
    assert!(matches!(
        parse_request_value(&several, "m", false),
        Err(WireError::Unsupported { field, .. }) if field == "generationConfig.candidateCount"
    ));
    let one = json!({"contents": [{"parts": [{"text": "x"}]}],
                     "generationConfig": {"candidateCount": 1, "topK": 40, "seed": 7,
                                          "presencePenalty": 0.5},
                     "safetySettings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_NONE"}],
                     "labels": {"team": "x"}});
    assert!(
        parse_request_value(&one, "m", false).is_ok(),
        "one candidate, topK, seed, penalties, safety settings and labels are fine"
    );
}

#[test]
fn function_calling_modes_map_onto_tool_choice() {
    let choice = |config: Value| {
        let body = json!({"contents": [{"parts": [{"text": "x"}]}],
                          "toolConfig": {"functionCallingConfig": config}});
        parse_request_value(&body, "m", false).map(|r| r.tool_choice)
    };
    assert_eq!(choice(json!({"mode": "NONE"})), Ok(Some(ToolChoice::None)));
    assert_eq!(
        choice(json!({"mode": "ANY"})),
        Ok(Some(ToolChoice::Required))
    );
    assert_eq!(
        choice(json!({"mode": "ANY", "allowedFunctionNames": ["a", "b"]})),
        Ok(Some(ToolChoice::Required)),
        "several allowed names cannot be expressed: any tool"
    );
    assert_eq!(
        choice(json!({"mode": "VALIDATED"})),
        Ok(Some(ToolChoice::Auto))
    );
    assert_eq!(choice(json!({})), Ok(None));
    assert!(choice(json!({"mode": "SOMETIMES"})).is_err());
}

#[test]
fn thinking_config_maps_budgets_and_levels() {
    let reasoning = |thinking: Value| {
        let body = json!({"contents": [{"parts": [{"text": "x"}]}],
                          "generationConfig": {"thinkingConfig": thinking}});
        parse_request_value(&body, "m", false).map(|r| r.reasoning)
    };
    assert_eq!(
        reasoning(json!({"thinkingBudget": 2048})),
        Ok(Some(Reasoning::budget(2048)))
    );
    assert_eq!(
        reasoning(json!({"thinkingLevel": "HIGH"})),
        Ok(Some(Reasoning::effort(Effort::High)))
    );
    assert_eq!(
        reasoning(json!({"thinkingLevel": "minimal"})),
        Ok(Some(Reasoning::effort(Effort::Minimal)))
    );
    assert_eq!(
        reasoning(json!({"includeThoughts": true})),
        Ok(None),
        "only asking to see thoughts requests no particular reasoning"
    );
    assert!(reasoning(json!({"thinkingBudget": -5})).is_err());
}

#[test]
fn json_output_takes_the_json_schema_or_the_converted_openapi_schema() {
    let format = |config: Value| {
        let body = json!({"contents": [{"parts": [{"text": "x"}]}], "generationConfig": config});
        parse_request_value(&body, "m", false).map(|r| r.format)
    };
    let schema = json!({"type": "object", "properties": {"n": {"type": "integer"}}});
    assert_eq!(
        format(json!({"responseMimeType": "application/json", "responseJsonSchema": schema})),
        Ok(Some(OutputFormat::JsonSchema {
            name: "output".into(),
            schema: schema.clone(),
            strict: false
        }))
    );
    assert_eq!(
        format(json!({"responseMimeType": "application/json",
                      "responseSchema": {"type": "OBJECT", "properties": {"n": {"type": "INTEGER"}}}})),
        Ok(Some(OutputFormat::JsonSchema {
            name: "output".into(),
            schema,
            strict: false
        }))
    );
    assert_eq!(format(json!({"responseMimeType": "text/plain"})), Ok(None));
    assert!(format(json!({"responseMimeType": "text/x.enum"})).is_err());
    assert!(format(json!({"responseModalities": ["TEXT", "IMAGE"]})).is_err());
}

#[test]
fn bytes_parse_like_values_and_bad_json_is_reported_by_position() {
    let body = br#"{"contents": [{"parts": [{"text": "hi"}]}]}"#;
    let req = parse_request(body, "m", false).unwrap();
    assert_eq!(req.messages, vec![Message::text(Role::User, "hi")]);
    assert!(matches!(
        parse_request(b"{\"contents\": [", "m", false),
        Err(WireError::InvalidJson { .. })
    ));
}

#[test]
fn declarations_sharing_an_object_with_a_google_tool_are_kept() {
    let body = json!({"contents": [{"parts": [{"text": "x"}]}],
        "tools": [{"functionDeclarations": [{"name": "f"}], "googleSearch": {}}]});
    let req = parse_request_value(&body, "m", false).unwrap();
    assert_eq!(req.tools.len(), 1);
}
