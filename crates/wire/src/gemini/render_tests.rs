use super::*;
use crate::test_support::{call, msg, result};

#[test]
fn an_agent_turn_renders_to_the_expected_gemini_body() {
    let req = ChatRequest {
        model: "gemini-2.5-flash".into(),
        system: Some("You are terse.".into()),
        messages: vec![
            Message::text(Role::User, "Weather and time in Paris?"),
            msg(
                Role::Assistant,
                vec![
                    Part::Text("Checking.".into()),
                    call("call_1", "get_weather", r#"{"city":"Paris"}"#),
                    call("call_2", "get_time", r#"{"tz":"CET"}"#),
                ],
            ),
            msg(Role::Tool, vec![result("call_1", r#"{"temp_c":18}"#)]),
            msg(Role::Tool, vec![result("call_2", "14:05")]),
            Message::text(Role::User, "Thanks."),
        ],
        max_tokens: Some(256),
        temperature: Some(0.3),
        top_p: Some(0.9),
        stop: vec!["END".into()],
        tools: vec![Tool {
            name: "get_weather".into(),
            description: Some("Current weather".into()),
            parameters: json!({
                "$schema": "http://json-schema.org/draft-07/schema#",
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
                "additionalProperties": false,
            }),
            custom: false,
        }],
        tool_choice: Some(ToolChoice::Auto),
        stream: true,
        user: Some("user-42".into()),
        ..ChatRequest::default()
    };
    let expected = json!({
        "systemInstruction": {"parts": [{"text": "You are terse."}]},
        "contents": [
            {"role": "user", "parts": [{"text": "Weather and time in Paris?"}]},
            {"role": "model", "parts": [
                {"text": "Checking."},
                {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                 "thoughtSignature": SKIP_SIGNATURE},
                {"functionCall": {"name": "get_time", "args": {"tz": "CET"}}},
            ]},
            {"role": "user", "parts": [
                {"functionResponse": {"name": "get_weather", "response": {"temp_c": 18}}},
                {"functionResponse": {"name": "get_time", "response": {"content": "14:05"}}},
                {"text": "Thanks."},
            ]},
        ],
        "tools": [{"functionDeclarations": [{
            "name": "get_weather",
            "description": "Current weather",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        }]}],
        "toolConfig": {"functionCallingConfig": {"mode": "AUTO"}},
        "generationConfig": {
            "temperature": 0.3,
            "topP": 0.9,
            "maxOutputTokens": 256,
            "stopSequences": ["END"],
        },
    });
    assert_eq!(render_request(&req).unwrap(), expected);
}

#[test]
fn a_minimal_request_has_only_contents() {
    let req = ChatRequest {
        model: "m".into(),
        messages: vec![Message::text(Role::User, "hi")],
        ..ChatRequest::default()
    };
    assert_eq!(
        render_request(&req).unwrap(),
        json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}),
        "no model, stream, generationConfig or systemInstruction"
    );
}

#[test]
fn a_result_pairs_with_the_most_recent_call_of_its_id() {
    // Gemini ids are synthesised per reply, so call_0 recurs in every turn.
    let req = ChatRequest {
        messages: vec![
            Message::text(Role::User, "go"),
            msg(Role::Assistant, vec![call("call_0", "search", "{}")]),
            msg(Role::Tool, vec![result("call_0", "found")]),
            msg(Role::Assistant, vec![call("call_0", "open", "{}")]),
            msg(Role::Tool, vec![result("call_0", "opened")]),
            msg(Role::Tool, vec![result("call_9", "orphan")]),
        ],
        ..ChatRequest::default()
    };
    let v = render_request(&req).unwrap();
    let name = |content: usize, part: usize| {
        v["contents"][content]["parts"][part]["functionResponse"]["name"].clone()
    };
    assert_eq!(name(2, 0), "search");
    assert_eq!(name(4, 0), "open", "the later call wins");
    assert_eq!(
        name(4, 1),
        "call_9",
        "no call: the id stands in for the name"
    );
}

#[test]
fn tool_results_become_objects_and_errors_are_marked() {
    let req = ChatRequest {
        messages: vec![
            msg(Role::Assistant, vec![call("a", "f", "not json")]),
            msg(
                Role::Tool,
                vec![
                    result("a", "[1, 2]"),
                    Part::ToolResult {
                        call_id: "a".into(),
                        content: "boom".into(),
                        is_error: true,
                    },
                ],
            ),
        ],
        ..ChatRequest::default()
    };
    let v = render_request(&req).unwrap();
    assert_eq!(
        v["contents"][0]["parts"][0]["functionCall"]["args"],
        json!({}),
        "arguments that are not an object become {{}}"
    );
    let parts = &v["contents"][1]["parts"];
    assert_eq!(
        parts[0]["functionResponse"]["response"],
        json!({"content": "[1, 2]"}),
        "a non-object result is wrapped as text"
    );
    assert_eq!(
        parts[1]["functionResponse"]["response"],
        json!({"error": {"content": "boom"}})
    );
}

#[test]
fn images_become_inline_data_file_data_or_a_placeholder() {
    let req = ChatRequest {
        messages: vec![
            msg(
                Role::User,
                vec![
                    Part::Image(ImageSource::Base64 {
                        media_type: "image/png".into(),
                        data: "iVBORw0=".into(),
                    }),
                    Part::Image(ImageSource::Url(
                        "https://example.com/cat.JPG?size=2".into(),
                    )),
                    Part::Image(ImageSource::Url("https://example.com/render".into())),
                    Part::Text(String::new()),
                ],
            ),
            msg(
                Role::Assistant,
                vec![Part::Image(ImageSource::Url("https://x/y.png".into()))],
            ),
        ],
        ..ChatRequest::default()
    };
    assert_eq!(
        render_request(&req).unwrap()["contents"],
        json!([{"role": "user", "parts": [
            {"inlineData": {"mimeType": "image/png", "data": "iVBORw0="}},
            {"fileData": {"mimeType": "image/jpeg", "fileUri": "https://example.com/cat.JPG?size=2"}},
            {"text": "[image: https://example.com/render]"},
        ]}]),
        "empty text and the assistant's image are dropped, leaving no model content"
    );
}

#[test]
fn tool_choice_maps_to_function_calling_modes() {
    let tool = Tool {
        name: "f".into(),
        description: None,
        parameters: json!({"type": "object", "properties": {}}),
        custom: false,
    };
    let cases = [
        (ToolChoice::Auto, json!({"mode": "AUTO"})),
        (ToolChoice::None, json!({"mode": "NONE"})),
        (ToolChoice::Required, json!({"mode": "ANY"})),
        (
            ToolChoice::Named("f".into()),
            json!({"mode": "ANY", "allowedFunctionNames": ["f"]}),
        ),
    ];
    for (choice, expected) in cases {
        let req = ChatRequest {
            tools: vec![tool.clone()],
            tool_choice: Some(choice.clone()),
            ..ChatRequest::default()
        };
        let v = render_request(&req).unwrap();
        assert_eq!(
            v["toolConfig"]["functionCallingConfig"], expected,
            "{choice:?}"
        );
        assert_eq!(
            v["tools"][0]["functionDeclarations"][0],
            json!({"name": "f"}),
            "an argument-less function is declared without parameters"
        );
    }
    let no_tools = ChatRequest {
        tool_choice: Some(ToolChoice::Required),
        ..ChatRequest::default()
    };
    assert!(
        render_request(&no_tools)
            .unwrap()
            .get("toolConfig")
            .is_none(),
        "tool_choice is only sent with tools"
    );
}

#[test]
fn thinking_off_is_left_out_and_on_becomes_a_budget() {
    use crate::canonical::{Effort, Reasoning};
    let off = ChatRequest {
        reasoning: Some(Reasoning::effort(Effort::None)),
        ..ChatRequest::default()
    };
    assert!(
        render_request(&off)
            .unwrap()
            .get("generationConfig")
            .is_none(),
        "budget 0 would be refused by Pro models"
    );
    let on = ChatRequest {
        reasoning: Some(Reasoning::budget(4000)),
        ..ChatRequest::default()
    };
    assert_eq!(
        render_request(&on).unwrap()["generationConfig"]["thinkingConfig"]["thinkingBudget"],
        4000
    );
}

#[test]
fn thinking_budgets_stay_in_the_range_every_gemini_model_accepts() {
    use crate::canonical::{Effort, Reasoning};
    let budget = |r| {
        render_request(&ChatRequest {
            reasoning: Some(r),
            ..ChatRequest::default()
        })
        .unwrap()["generationConfig"]["thinkingConfig"]["thinkingBudget"]
            .clone()
    };
    assert_eq!(
        budget(Reasoning::budget(31_999)),
        24_576,
        "Claude Code's budget, capped"
    );
    assert_eq!(budget(Reasoning::effort(Effort::Max)), 24_576);
    assert_eq!(budget(Reasoning::budget(100)), 512);
}
