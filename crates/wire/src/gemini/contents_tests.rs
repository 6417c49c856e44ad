use serde_json::json;

use super::*;
use crate::test_support::{call, msg};

fn parse(contents: Value) -> Result<Vec<Message>, WireError> {
    let list = contents.as_array().cloned().unwrap_or_default();
    parse_contents(&list, "contents")
}

fn result(call_id: &str, content: &str, is_error: bool) -> Part {
    Part::ToolResult {
        call_id: call_id.into(),
        content: content.into(),
        is_error,
    }
}

#[test]
fn parallel_calls_without_ids_pair_with_responses_by_name_in_order() {
    let messages = parse(json!([
        {"role": "user", "parts": [{"text": "Weather in Paris and Rome?"}]},
        {"role": "model", "parts": [
            {"functionCall": {"name": "weather", "args": {"city": "Paris"}}},
            {"functionCall": {"name": "weather", "args": {"city": "Rome"}}}
        ]},
        {"role": "user", "parts": [
            {"functionResponse": {"name": "weather", "response": {"output": "sunny"}}},
            {"functionResponse": {"name": "weather", "response": {"output": "rainy"}}},
            {"text": "And tomorrow?"}
        ]}
    ]))
    .unwrap();
    assert_eq!(
        messages[1..],
        [
            msg(
                Role::Assistant,
                vec![
                    call("call_0", "weather", r#"{"city":"Paris"}"#),
                    call("call_1", "weather", r#"{"city":"Rome"}"#),
                ]
            ),
            msg(
                Role::Tool,
                vec![
                    result("call_0", "sunny", false),
                    result("call_1", "rainy", false)
                ]
            ),
            Message::text(Role::User, "And tomorrow?"),
        ],
        "each response takes the earliest unanswered call of its name; the user's text follows \
         the tool results as its own message"
    );
}

#[test]
fn ids_are_kept_paired_by_id_and_made_unique_across_turns() {
    // A Gemini source's ids repeat every turn (`call_0`); Gemini CLI echoes them back.
    let messages = parse(json!([
        {"role": "user", "parts": [{"text": "go"}]},
        {"role": "model", "parts": [{"functionCall": {"id": "call_0", "name": "a"}}]},
        {"role": "user", "parts": [{"functionResponse": {"id": "call_0", "name": "a", "response": {"output": "1"}}}]},
        {"role": "model", "parts": [
            {"functionCall": {"id": "call_0", "name": "b", "args": {}}},
            {"functionCall": {"name": "c"}}
        ]},
        {"role": "user", "parts": [
            {"functionResponse": {"name": "c", "response": {"output": "3"}}},
            {"functionResponse": {"id": "call_0", "name": "b", "response": {"output": "2"}}}
        ]}
    ]))
    .unwrap();
    assert_eq!(messages[1].content, vec![call("call_0", "a", "{}")]);
    assert_eq!(messages[2].content, vec![result("call_0", "1", false)]);
    assert_eq!(
        messages[3].content,
        vec![call("call_1", "b", "{}"), call("call_2", "c", "{}")],
        "a repeated id is replaced by call_<ordinal>; an absent id synthesised the same way"
    );
    assert_eq!(
        messages[4].content,
        vec![result("call_2", "3", false), result("call_1", "2", false)],
        "by id the response finds the unanswered call, not the earlier answered one"
    );
}

#[test]
fn a_synthesised_id_never_collides_with_a_client_id() {
    let messages = parse(json!([
        {"role": "model", "parts": [
            {"functionCall": {"id": "call_1", "name": "a"}},
            {"functionCall": {"name": "b"}}
        ]}
    ]))
    .unwrap();
    assert_eq!(
        messages[0].content,
        vec![call("call_1", "a", "{}"), call("call_1_1", "b", "{}")]
    );
}

#[test]
fn a_response_without_a_matching_call_is_an_error_at_its_path() {
    let err = parse(json!([
        {"role": "model", "parts": [{"functionCall": {"name": "a"}}]},
        {"role": "user", "parts": [
            {"functionResponse": {"name": "a", "response": {}}},
            {"functionResponse": {"name": "secret_name", "response": {}}}
        ]}
    ]))
    .unwrap_err();
    assert!(
        matches!(&err, WireError::InvalidField { field, .. }
            if field == "contents[1].parts[1].functionResponse.name"),
        "got {err:?}"
    );
    assert!(
        !err.to_string().contains("secret_name"),
        "values are never quoted: {err}"
    );
}

#[test]
fn tool_results_read_output_content_error_or_the_whole_response() {
    let messages = parse(json!([
        {"role": "model", "parts": [
            {"functionCall": {"name": "a"}}, {"functionCall": {"name": "b"}},
            {"functionCall": {"name": "c"}}, {"functionCall": {"name": "d"}}
        ]},
        {"role": "user", "parts": [
            {"functionResponse": {"name": "a", "response": {"content": "from content"}}},
            {"functionResponse": {"name": "b", "response": {"error": "boom"}}},
            {"functionResponse": {"name": "c", "response": {"temperature": 21}}},
            {"functionResponse": {"name": "d", "response": {"output": "img"},
                "parts": [{"inlineData": {"mimeType": "image/jpeg", "data": "/9j/"}}]}}
        ]}
    ]))
    .unwrap();
    assert_eq!(
        messages[1..],
        [
            msg(
                Role::Tool,
                vec![
                    result("call_0", "from content", false),
                    result("call_1", "boom", true),
                    result("call_2", r#"{"temperature":21}"#, false),
                    result("call_3", "img", false),
                ]
            ),
            msg(
                Role::User,
                vec![Part::Image(ImageSource::Base64 {
                    media_type: "image/jpeg".into(),
                    data: "/9j/".into()
                })]
            ),
        ],
        "media inside a response follows it as user content"
    );
}

#[test]
fn media_parts_become_images_audio_and_files() {
    let messages = parse(json!([{"parts": [
        {"inlineData": {"mimeType": "audio/wav", "data": "UklG"}},
        {"inlineData": {"mimeType": "application/pdf", "data": "JVBE"}},
        {"fileData": {"mimeType": "image/png", "fileUri": "https://x/cat"}},
        {"fileData": {"fileUri": "https://x/dog.jpg"}},
        {"fileData": {"mimeType": "video/mp4", "fileUri": "https://generativelanguage.googleapis.com/v1beta/files/abc"}},
        {"text": ""},
        {"thoughtSignature": "c2ln"}
    ]}]))
    .unwrap();
    assert_eq!(
        messages,
        vec![msg(
            Role::User,
            vec![
                Part::Audio {
                    format: "wav".into(),
                    data: "UklG".into()
                },
                Part::File(FilePart {
                    source: FileSource::Base64 {
                        media_type: "application/pdf".into(),
                        data: "JVBE".into()
                    },
                    filename: None
                }),
                Part::Image(ImageSource::Url("https://x/cat".into())),
                Part::Image(ImageSource::Url("https://x/dog.jpg".into())),
                Part::File(FilePart {
                    source: FileSource::Url(
                        "https://generativelanguage.googleapis.com/v1beta/files/abc".into()
                    ),
                    filename: None
                }),
            ]
        )],
        "empty texts and metadata-only parts carry nothing"
    );
}

#[test]
fn thought_only_contents_are_dropped_and_code_execution_is_unsupported() {
    let messages = parse(json!([
        {"role": "user", "parts": [{"text": "hi"}]},
        {"role": "model", "parts": [{"text": "thinking…", "thought": true, "thoughtSignature": "c2ln"}]},
        {"role": "user", "parts": [{"text": "again"}]}
    ]))
    .unwrap();
    assert_eq!(
        messages,
        vec![
            Message::text(Role::User, "hi"),
            Message::text(Role::User, "again")
        ]
    );
    let err = parse(json!([{"role": "model", "parts": [
        {"executableCode": {"language": "PYTHON", "code": "print(1)"}}
    ]}]))
    .unwrap_err();
    assert!(
        matches!(&err, WireError::Unsupported { field, .. } if field == "contents[0].parts[0]"),
        "got {err:?}"
    );
}

#[test]
fn roles_and_part_placement_are_checked() {
    let bad_role = parse(json!([{"role": "system", "parts": [{"text": "x"}]}])).unwrap_err();
    assert_eq!(
        bad_role,
        WireError::invalid("contents[0].role", "expected user or model")
    );
    let call_in_user = parse(json!([{"role": "user", "parts": [{"functionCall": {"name": "a"}}]}]));
    assert!(matches!(call_in_user, Err(WireError::InvalidField { .. })));
    let unknown = parse(json!([{"parts": [{"toolCall": {"id": "x"}}]}])).unwrap_err();
    assert!(matches!(unknown, WireError::Unsupported { .. }));
}

#[test]
fn a_system_instruction_may_be_a_string_and_holds_text_only() {
    assert_eq!(
        parse_system(&json!("Be brief."), "systemInstruction".into()),
        Ok(Some("Be brief.".into()))
    );
    assert_eq!(
        parse_system(
            &json!({"parts": [{"text": ""}]}),
            "systemInstruction".into()
        ),
        Ok(None)
    );
    let err = parse_system(
        &json!({"parts": [{"inlineData": {"mimeType": "image/png", "data": "x"}}]}),
        "systemInstruction".into(),
    )
    .unwrap_err();
    assert!(matches!(err, WireError::Unsupported { .. }));
}

#[test]
fn a_turn_without_parts_is_refused_and_named() {
    let body = serde_json::json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}, {"role": "user", "parts": []}]});
    let err = super::super::parse_request_value(&body, "m", false).unwrap_err();
    assert_eq!(err, WireError::missing("contents[1].parts"));
}

#[test]
fn client_ids_are_matched_before_ids_switchyard_assigned() {
    // Turn 1: a call without an id (assigned call_0), answered by name. Turn 2: the client's own
    // ids call_0 and call_1, answered in reverse order.
    let body = json!({"contents": [
        {"role": "user", "parts": [{"text": "go"}]},
        {"role": "model", "parts": [{"functionCall": {"name": "read", "args": {"f": "first"}}}]},
        {"role": "user", "parts": [{"functionResponse": {"name": "read", "response": {"output": "FIRST"}}}]},
        {"role": "model", "parts": [
            {"functionCall": {"id": "call_0", "name": "read", "args": {"f": "A"}}},
            {"functionCall": {"id": "call_1", "name": "read", "args": {"f": "B"}}}]},
        {"role": "user", "parts": [
            {"functionResponse": {"id": "call_1", "name": "read", "response": {"output": "content of B"}}},
            {"functionResponse": {"id": "call_0", "name": "read", "response": {"output": "content of A"}}}]},
    ]});
    let req = super::super::parse_request_value(&body, "m", false).unwrap();
    let mut calls = std::collections::HashMap::new();
    for m in &req.messages {
        for p in &m.content {
            if let Part::ToolCall {
                id, arguments_json, ..
            } = p
            {
                calls.insert(id.clone(), arguments_json.clone());
            }
        }
    }
    for m in &req.messages {
        for p in &m.content {
            if let Part::ToolResult {
                call_id, content, ..
            } = p
            {
                let args = &calls[call_id];
                if content == "content of A" {
                    assert!(
                        args.contains("\"A\""),
                        "A's result pairs with A's call: {args}"
                    );
                }
                if content == "content of B" {
                    assert!(
                        args.contains("\"B\""),
                        "B's result pairs with B's call: {args}"
                    );
                }
            }
        }
    }
}
