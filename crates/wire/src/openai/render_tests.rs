use super::*;

#[test]
fn rendered_request_puts_system_first_and_tool_results_as_tool_messages() {
    let req = ChatRequest {
        model: "gpt-4.1".into(),
        system: Some("Be brief.".into()),
        messages: vec![
            Message::text(Role::User, "weather?"),
            Message {
                role: Role::Assistant,
                content: vec![
                    Part::Text("Checking.".into()),
                    Part::ToolCall {
                        id: "t1".into(),
                        name: "w".into(),
                        arguments_json: "{}".into(),
                    },
                ],
            },
            Message {
                role: Role::Tool,
                content: vec![Part::ToolResult {
                    call_id: "t1".into(),
                    content: "sunny".into(),
                    is_error: false,
                }],
            },
        ],
        ..ChatRequest::default()
    };
    let v = render_request(&req, false).unwrap();
    let msgs = v["messages"].as_array().unwrap();
    assert_eq!(msgs[0], json!({"role": "system", "content": "Be brief."}));
    assert_eq!(
        msgs[1],
        json!({"role": "user", "content": "weather?"}),
        "single text → string"
    );
    assert_eq!(msgs[2]["content"], "Checking.");
    assert_eq!(msgs[2]["tool_calls"][0]["function"]["arguments"], "{}");
    assert_eq!(
        msgs[3],
        json!({"role": "tool", "tool_call_id": "t1", "content": "sunny"})
    );
}

#[test]
fn stream_options_are_added_only_for_streams_when_asked() {
    let mut req = ChatRequest {
        model: "m".into(),
        stream: true,
        ..ChatRequest::default()
    };
    assert_eq!(
        render_request(&req, true).unwrap()["stream_options"],
        json!({"include_usage": true})
    );
    assert!(
        render_request(&req, false)
            .unwrap()
            .get("stream_options")
            .is_none(),
        "not asked"
    );
    req.stream = false;
    assert!(
        render_request(&req, true)
            .unwrap()
            .get("stream_options")
            .is_none(),
        "not a stream"
    );
}

#[test]
fn rendered_request_carries_sampling_stop_tools_and_user() {
    let req = ChatRequest {
        model: "m".into(),
        max_tokens: Some(100),
        temperature: Some(0.5),
        top_p: Some(0.9),
        stop: vec!["END".into()],
        tools: vec![Tool {
            name: "f".into(),
            description: None,
            parameters: json!({"type": "object"}),
            custom: false,
        }],
        tool_choice: Some(ToolChoice::Required),
        user: Some("u-1".into()),
        ..ChatRequest::default()
    };
    let v = render_request(&req, false).unwrap();
    assert_eq!(v["max_tokens"], 100);
    assert_eq!(v["temperature"], 0.5);
    assert_eq!(v["top_p"], 0.9);
    assert_eq!(v["stop"], json!(["END"]));
    assert_eq!(
        v["tools"][0],
        json!({"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}})
    );
    assert_eq!(v["tool_choice"], "required");
    assert_eq!(v["user"], "u-1");
}

#[test]
fn later_system_messages_stay_in_place_and_options_render() {
    let req = ChatRequest {
        model: "o4-mini".into(),
        system: Some("S".into()),
        messages: vec![
            Message::text(Role::User, "a"),
            Message::text(Role::System, "T"),
        ],
        reasoning: Some(crate::canonical::Reasoning::budget(20000)),
        format: Some(crate::canonical::OutputFormat::Json),
        ..ChatRequest::default()
    };
    let v = render_request(&req, false).unwrap();
    assert_eq!(v["messages"][2], json!({"role": "system", "content": "T"}));
    assert_eq!(v["reasoning_effort"], "high");
    assert_eq!(v["response_format"], json!({"type": "json_object"}));
}

#[test]
fn a_file_url_cannot_be_sent_and_the_error_names_it() {
    use crate::canonical::{FilePart, FileSource};
    let req = ChatRequest {
        messages: vec![Message {
            role: Role::User,
            content: vec![Part::File(FilePart {
                source: FileSource::Url("https://x/a.pdf".into()),
                filename: None,
            })],
        }],
        ..ChatRequest::default()
    };
    let err = render_request(&req, false).unwrap_err();
    assert!(
        matches!(err, WireError::Unsupported { ref field, .. } if field == "messages[0].content[0]"),
        "{err}"
    );
}

#[test]
fn end_user_ids_longer_than_openai_takes_are_left_out() {
    let long = ChatRequest {
        user: Some(
            r#"{"device_id":"0123456789abcdef0123456789abcdef0123456789abcdef","session_id":"x"}"#
                .into(),
        ),
        ..ChatRequest::default()
    };
    assert!(render_request(&long, false).unwrap().get("user").is_none());
    let short = ChatRequest {
        user: Some("user_42".into()),
        ..ChatRequest::default()
    };
    assert_eq!(render_request(&short, false).unwrap()["user"], "user_42");
}
