//! Unit tests of conversation reading: each format's tool-result detection, tool declarations
//! and prompt-token counting.

use serde_json::json;

use super::*;

#[test]
fn openai_detects_a_trailing_tool_message_and_reads_function_tools() {
    let user = json!({"role": "user", "content": "run: echo hi"});
    let call = json!({"role": "assistant", "content": null, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "bash", "arguments": "{\"command\": \"echo hi\"}"}}]});
    let result = json!({"role": "tool", "tool_call_id": "call_1", "content": [{"type": "text", "text": "hi"}]});
    let tools = [
        json!({"type": "function", "function": {"name": "bash", "description": "Run it", "parameters": {"type": "object"}}}),
    ];
    let convo = Conversation::chat(
        &[("user", &user), ("assistant", &call), ("tool", &result)],
        &tools,
    );
    assert_eq!(
        convo.tool_result.as_deref(),
        Some("hi"),
        "the tool message's text"
    );
    assert_eq!(convo.tools[0].name, "bash");
    assert_eq!(convo.tools[0].schema, json!({"type": "object"}));
    // 3 + 0 + 1 words, 3 per message, 3 words of arguments, "bash" + "Run it".
    assert_eq!(convo.prompt_tokens(), 4 + 9 + 3 + 3);
    let ongoing = Conversation::chat(&[("tool", &result), ("user", &user)], &tools);
    assert_eq!(
        ongoing.tool_result, None,
        "only a trailing tool message counts"
    );
}

#[test]
fn anthropic_detects_tool_result_blocks_in_the_last_user_message() {
    let first = json!("run: ls");
    let call =
        json!([{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}}]);
    let results = json!([
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt"},
        {"type": "tool_result", "tool_use_id": "toolu_2", "content": [{"type": "text", "text": "b.txt"}]},
    ]);
    let tools = [
        json!({"name": "Bash", "description": "Runs a command", "input_schema": {"type": "object"}}),
    ];
    let convo = Conversation::anthropic(
        &[("user", &first), ("assistant", &call), ("user", &results)],
        &json!("sys"),
        &tools,
    );
    assert_eq!(
        convo.tool_result.as_deref(),
        Some("a.txt\nb.txt"),
        "every result, joined"
    );
    assert_eq!(convo.tools[0].description, "Runs a command");
    // "run: ls" 2 + 3 messages × 3, system 1, tool words: input JSON 1 + results 2, decl 1 + 3.
    assert_eq!(convo.prompt_tokens(), 2 + 9 + 1 + 3 + 4);
    let text_only = Conversation::anthropic(&[("user", &first)], &Value::Null, &tools);
    assert_eq!(text_only.tool_result, None);
}

#[test]
fn gemini_reads_function_responses_in_the_order_output_content_result_whole() {
    let cases = [
        (json!({"output": "o", "content": "c"}), "o"),
        (json!({"content": ["c1", "c2"]}), "c1\nc2"),
        (json!({"result": 7}), "7"),
        (json!({"temp_c": 18}), r#"{"temp_c":18}"#),
    ];
    for (response, expected) in cases {
        let parts =
            [json!({"functionResponse": {"name": "run_shell_command", "response": response}})];
        let convo = Conversation::gemini(&[("user", &parts)], &[], &[]);
        assert_eq!(convo.tool_result.as_deref(), Some(expected), "{response}");
    }
}

#[test]
fn gemini_reads_function_declarations_in_either_case_and_schema_field() {
    let tools = [
        json!({"functionDeclarations": [{"name": "run_shell_command", "parametersJsonSchema": {"type": "object"}}]}),
        json!({"function_declarations": [{"name": "read_file", "parameters": {"type": "OBJECT"}}]}),
        json!({"googleSearch": {}}),
    ];
    let parts = [json!({"text": "hi there"})];
    let convo = Conversation::gemini(&[("user", &parts)], &[json!({"text": "sys"})], &tools);
    let names: Vec<&str> = convo.tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["run_shell_command", "read_file"]);
    assert_eq!(convo.tools[0].schema, json!({"type": "object"}));
    assert_eq!(convo.tool_result, None, "a text part is not a tool result");
    assert_eq!(
        convo.prompt_tokens(),
        2 + 3 + 1 + 2,
        "message, system, tool names"
    );
}

#[test]
fn responses_detects_trailing_outputs_and_reads_flat_tools() {
    let input = json!([
        {"role": "user", "content": "run: ls"},
        {"type": "reasoning", "summary": []},
        {"type": "function_call", "call_id": "c1", "name": "shell", "arguments": "{\"command\": [\"ls\"]}"},
        {"type": "function_call_output", "call_id": "c1", "output": [{"type": "input_text", "text": "a.txt"}]},
    ]);
    let tools = [
        json!({"type": "function", "name": "shell", "parameters": {"type": "object"}}),
        json!({"type": "custom", "name": "apply_patch", "format": {"type": "grammar"}}),
        json!({"type": "web_search"}),
    ];
    let convo = Conversation::responses(&input, &json!("Be brief."), &tools);
    assert_eq!(convo.tool_result.as_deref(), Some("a.txt"));
    assert_eq!(convo.tools.len(), 2, "function and custom tools only");
    assert!(convo.tools[1].freeform, "a custom tool is freeform");
    // message 2 + 3, instructions 2, arguments 2 + output 1, names 1 + 1.
    assert_eq!(convo.prompt_tokens(), 5 + 2 + 3 + 2);
    let custom = json!([{"type": "custom_tool_call_output", "call_id": "c2", "output": "done"}]);
    let convo = Conversation::responses(&custom, &Value::Null, &[]);
    assert_eq!(convo.tool_result.as_deref(), Some("done"));
}

#[test]
fn responses_reads_string_input_and_message_parts_skipping_images() {
    let convo = Conversation::responses(&json!("hello"), &Value::Null, &[]);
    assert_eq!(convo.messages, [("user".to_owned(), "hello".to_owned())]);
    let input = json!([{"type": "message", "role": "user", "content": [
        {"type": "input_text", "text": "look"},
        {"type": "input_image", "image_url": "data:image/png;base64,AAAA"},
        {"type": "output_text", "text": "here"},
    ]}]);
    let convo = Conversation::responses(&input, &Value::Null, &[]);
    assert_eq!(convo.messages[0].1, "look\nhere", "text parts only");
    assert_eq!(convo.tool_result, None);
}
