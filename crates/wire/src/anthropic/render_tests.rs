use super::*;

fn user(text: &str) -> Message {
    Message::text(Role::User, text)
}

fn result(call_id: &str, content: &str) -> Message {
    Message {
        role: Role::Tool,
        content: vec![Part::ToolResult {
            call_id: call_id.into(),
            content: content.into(),
            is_error: false,
        }],
    }
}

#[test]
fn max_tokens_falls_back_to_the_default() {
    let req = ChatRequest {
        model: "c".into(),
        ..ChatRequest::default()
    };
    assert_eq!(render_request(&req, 4096).unwrap()["max_tokens"], 4096);
    let req = ChatRequest {
        max_tokens: Some(10),
        ..req
    };
    assert_eq!(
        render_request(&req, 4096).unwrap()["max_tokens"],
        10,
        "the request's own limit wins"
    );
}

#[test]
fn consecutive_same_role_messages_are_merged() {
    let req = ChatRequest {
        messages: vec![user("a"), user("b"), Message::text(Role::Assistant, "c")],
        ..ChatRequest::default()
    };
    let v = render_request(&req, 1).unwrap();
    assert_eq!(
        v["messages"],
        json!([
            {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "c"}]},
        ])
    );
}

#[test]
fn parallel_tool_results_merge_into_one_user_message_before_any_text() {
    let call = |id: &str| Part::ToolCall {
        id: id.into(),
        name: "f".into(),
        arguments_json: "{}".into(),
    };
    let req = ChatRequest {
        messages: vec![
            Message {
                role: Role::Assistant,
                content: vec![call("call_1"), call("call_2")],
            },
            user("also this"),
            result("call_1", "one"),
            result("call_2", "two"),
        ],
        ..ChatRequest::default()
    };
    let v = render_request(&req, 1).unwrap();
    let msgs = v["messages"].as_array().unwrap();
    assert_eq!(
        msgs.len(),
        2,
        "user text and both results share one user turn: {msgs:?}"
    );
    let types: Vec<&str> = msgs[1]["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        vec!["tool_result", "tool_result", "text"],
        "tool results lead"
    );
    assert_eq!(msgs[1]["content"][1]["tool_use_id"], "call_2");
}

#[test]
fn tool_call_arguments_become_an_input_object() {
    let req = ChatRequest {
        messages: vec![Message {
            role: Role::Assistant,
            content: vec![Part::ToolCall {
                id: "call_1".into(),
                name: "f".into(),
                arguments_json: r#"{"x":[1,2]}"#.into(),
            }],
        }],
        ..ChatRequest::default()
    };
    let block = &render_request(&req, 1).unwrap()["messages"][0]["content"][0];
    assert_eq!(
        block,
        &json!({"type": "tool_use", "id": "call_1", "name": "f", "input": {"x": [1, 2]}})
    );
}

#[test]
fn tool_ids_are_sanitized_identically_on_call_and_result() {
    let req = ChatRequest {
        messages: vec![
            Message {
                role: Role::Assistant,
                content: vec![Part::ToolCall {
                    id: "call:1/a".into(),
                    name: "f".into(),
                    arguments_json: "{}".into(),
                }],
            },
            result("call:1/a", "ok"),
        ],
        ..ChatRequest::default()
    };
    let v = render_request(&req, 1).unwrap();
    assert_eq!(v["messages"][0]["content"][0]["id"], "call_1_a");
    assert_eq!(v["messages"][1]["content"][0]["tool_use_id"], "call_1_a");
}

#[test]
fn empty_text_and_empty_messages_are_dropped() {
    let req = ChatRequest {
        messages: vec![
            user("hi"),
            Message::text(Role::Assistant, ""),
            user("again"),
        ],
        ..ChatRequest::default()
    };
    let v = render_request(&req, 1).unwrap();
    assert_eq!(
        v["messages"].as_array().unwrap().len(),
        1,
        "empty assistant turn vanishes, users merge"
    );
}

#[test]
fn temperature_is_clamped_and_top_p_dropped_when_both_are_set() {
    let req = ChatRequest {
        temperature: Some(1.6),
        top_p: Some(0.9),
        ..ChatRequest::default()
    };
    let v = render_request(&req, 1).unwrap();
    assert_eq!(v["temperature"], 1.0);
    assert!(
        v.get("top_p").is_none(),
        "current models reject temperature with top_p"
    );
    let only_p = ChatRequest {
        top_p: Some(0.9),
        ..ChatRequest::default()
    };
    assert_eq!(render_request(&only_p, 1).unwrap()["top_p"], 0.9);
}

#[test]
fn tools_choice_stop_user_and_system_render_in_anthropic_shape() {
    let req = ChatRequest {
        model: "claude-haiku-4-5".into(),
        system: Some("Be brief.".into()),
        stop: vec!["END".into()],
        tools: vec![Tool {
            name: "f".into(),
            description: Some("d".into()),
            parameters: json!({"type": "object"}),
            custom: false,
        }],
        tool_choice: Some(ToolChoice::Named("f".into())),
        user: Some("u-1".into()),
        stream: true,
        ..ChatRequest::default()
    };
    let v = render_request(&req, 1).unwrap();
    assert_eq!(v["system"], "Be brief.");
    assert_eq!(v["stop_sequences"], json!(["END"]));
    assert_eq!(
        v["tools"][0],
        json!({"name": "f", "description": "d", "input_schema": {"type": "object"}})
    );
    assert_eq!(v["tool_choice"], json!({"type": "tool", "name": "f"}));
    assert_eq!(v["metadata"], json!({"user_id": "u-1"}));
    assert_eq!(v["stream"], true);
}

#[test]
fn tool_choice_without_tools_is_omitted() {
    let req = ChatRequest {
        tool_choice: Some(ToolChoice::Auto),
        ..ChatRequest::default()
    };
    assert!(render_request(&req, 1)
        .unwrap()
        .get("tool_choice")
        .is_none());
}

#[test]
fn later_system_messages_merge_into_the_system_prompt() {
    let req = ChatRequest {
        system: Some("A".into()),
        messages: vec![user("hi"), Message::text(Role::System, "B"), user("again")],
        ..ChatRequest::default()
    };
    let v = render_request(&req, 100).unwrap();
    assert_eq!(v["system"], "A\n\nB");
    assert_eq!(
        v["messages"].as_array().unwrap().len(),
        1,
        "the two user turns merge around it"
    );
}

#[test]
fn reasoning_becomes_a_thinking_budget_below_max_tokens_without_temperature() {
    let mut req = ChatRequest {
        messages: vec![user("hi")],
        max_tokens: Some(4000),
        temperature: Some(0.5),
        reasoning: Some(crate::canonical::Reasoning::effort(
            crate::canonical::Effort::High,
        )),
        ..ChatRequest::default()
    };
    let v = render_request(&req, 100).unwrap();
    assert_eq!(
        v["thinking"],
        json!({"type": "enabled", "budget_tokens": 3999})
    );
    assert!(
        v.get("temperature").is_none(),
        "thinking forbids temperature"
    );
    req.max_tokens = Some(512);
    let v = render_request(&req, 100).unwrap();
    assert!(
        v.get("thinking").is_none(),
        "no room for the 1024-token minimum"
    );
    assert_eq!(v["temperature"], 0.5);
}

#[test]
fn pdfs_become_documents_and_audio_is_refused_with_its_path() {
    use crate::canonical::{FilePart, FileSource};
    let pdf = Part::File(FilePart {
        source: FileSource::Base64 {
            media_type: "application/pdf".into(),
            data: "JVBE".into(),
        },
        filename: Some("a.pdf".into()),
    });
    let req = ChatRequest {
        messages: vec![Message {
            role: Role::User,
            content: vec![pdf],
        }],
        ..ChatRequest::default()
    };
    let block = &render_request(&req, 10).unwrap()["messages"][0]["content"][0];
    assert_eq!(block["type"], "document");
    assert_eq!(block["title"], "a.pdf");
    let audio = ChatRequest {
        messages: vec![Message {
            role: Role::User,
            content: vec![
                Part::Text("x".into()),
                Part::Audio {
                    format: "wav".into(),
                    data: "U".into(),
                },
            ],
        }],
        ..ChatRequest::default()
    };
    let err = render_request(&audio, 10).unwrap_err();
    assert!(err.to_string().contains("messages[0].content[1]"), "{err}");
}

#[test]
fn no_thinking_in_the_middle_of_a_tool_loop_whose_history_has_none() {
    let req = ChatRequest {
        messages: vec![
            user("run it"),
            Message {
                role: Role::Assistant,
                content: vec![Part::ToolCall {
                    id: "t".into(),
                    name: "f".into(),
                    arguments_json: "{}".into(),
                }],
            },
            Message {
                role: Role::Tool,
                content: vec![Part::ToolResult {
                    call_id: "t".into(),
                    content: "ok".into(),
                    is_error: false,
                }],
            },
        ],
        max_tokens: Some(8000),
        reasoning: Some(crate::canonical::Reasoning::effort(
            crate::canonical::Effort::High,
        )),
        ..ChatRequest::default()
    };
    assert!(
        render_request(&req, 10).unwrap().get("thinking").is_none(),
        "Anthropic refuses thinking when the final assistant turn has no thinking block"
    );
    let fresh = ChatRequest {
        messages: vec![user("hi")],
        ..req
    };
    assert!(render_request(&fresh, 10)
        .unwrap()
        .get("thinking")
        .is_some());
}
