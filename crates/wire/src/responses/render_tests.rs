use super::*;
use crate::canonical::{FilePart, Reasoning};
use serde_json::json;

fn conversation() -> ChatRequest {
    ChatRequest {
        model: "gpt-5-codex".into(),
        system: Some("Be helpful.".into()),
        messages: vec![
            Message::text(Role::User, "run: ls"),
            Message {
                role: Role::Assistant,
                content: vec![
                    Part::Text("Listing.".into()),
                    Part::ToolCall {
                        id: "toolu_1".into(),
                        name: "Bash".into(),
                        arguments_json: r#"{"command":"ls"}"#.into(),
                    },
                ],
            },
            Message {
                role: Role::Tool,
                content: vec![Part::ToolResult {
                    call_id: "toolu_1".into(),
                    content: "a.txt".into(),
                    is_error: false,
                }],
            },
            Message::text(Role::System, "Answer in French."),
        ],
        max_tokens: Some(8),
        tools: vec![Tool::function(
            "Bash",
            Some("Run".into()),
            json!({"type": "object"}),
        )],
        tool_choice: Some(ToolChoice::Auto),
        reasoning: Some(Reasoning::effort(Effort::High)),
        stream: true,
        ..ChatRequest::default()
    }
}

#[test]
fn a_conversation_becomes_instructions_and_input_items() {
    let v = render_request(&conversation()).unwrap();
    assert_eq!(v["instructions"], "Be helpful.");
    assert_eq!(v["store"], false, "no state is kept at the provider");
    assert_eq!(v["max_output_tokens"], 16, "raised to the API's minimum");
    assert_eq!(v["reasoning"], json!({"effort": "high"}));
    let input = v["input"].as_array().unwrap();
    assert_eq!(
        input[0],
        json!({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "run: ls"}]})
    );
    assert_eq!(
        input[1]["content"][0],
        json!({"type": "output_text", "text": "Listing."})
    );
    assert_eq!(
        input[2],
        json!({"type": "function_call", "call_id": "toolu_1", "name": "Bash", "arguments": "{\"command\":\"ls\"}"})
    );
    assert_eq!(
        input[3],
        json!({"type": "function_call_output", "call_id": "toolu_1", "output": "a.txt"})
    );
    assert_eq!(
        input[4],
        json!({"type": "message", "role": "developer", "content": "Answer in French."})
    );
    assert_eq!(
        v["tools"][0],
        json!({"type": "function", "name": "Bash", "description": "Run", "parameters": {"type": "object"}})
    );
}

#[test]
fn freeform_tools_render_as_custom_tools_calls_and_outputs() {
    let mut req = conversation();
    req.tools = vec![Tool::freeform("Bash", None)];
    let v = render_request(&req).unwrap();
    assert_eq!(v["tools"][0], json!({"type": "custom", "name": "Bash"}));
    assert_eq!(
        v["input"][2],
        json!({"type": "custom_tool_call", "call_id": "toolu_1", "name": "Bash", "input": "{\"command\":\"ls\"}"})
    );
    assert_eq!(v["input"][3]["type"], "custom_tool_call_output");
}

#[test]
fn audio_cannot_be_sent_and_the_error_names_the_part() {
    let mut req = conversation();
    req.messages[0].content.push(Part::Audio {
        format: "wav".into(),
        data: "UklG".into(),
    });
    let err = render_request(&req).unwrap_err();
    assert_eq!(
        err,
        WireError::unsupported(
            "messages[0].content[1]",
            "audio input cannot be sent through the Responses API"
        )
    );
}

#[test]
fn files_become_input_files() {
    let mut req = conversation();
    req.messages[0].content.push(Part::File(FilePart {
        source: FileSource::Base64 {
            media_type: "application/pdf".into(),
            data: "JVBE".into(),
        },
        filename: Some("a.pdf".into()),
    }));
    let v = render_request(&req).unwrap();
    assert_eq!(
        v["input"][0]["content"][1],
        json!({"type": "input_file", "file_data": "data:application/pdf;base64,JVBE", "filename": "a.pdf"})
    );
}
