use super::*;
use crate::canonical::Usage;

#[test]
fn a_text_reply_parses_with_model_id_and_cached_usage() {
    let body = br#"{
        "candidates": [{
            "content": {"parts": [{"text": "Paris is "}, {"text": "sunny."}], "role": "model"},
            "finishReason": "STOP", "index": 0,
            "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}]
        }],
        "usageMetadata": {"promptTokenCount": 1200, "candidatesTokenCount": 4,
            "totalTokenCount": 1204, "cachedContentTokenCount": 1024,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 1200}]},
        "modelVersion": "gemini-2.0-flash",
        "responseId": "abc123"
    }"#;
    let resp = parse_response(body).unwrap();
    assert_eq!(
        resp,
        ChatResponse {
            id: "abc123".into(),
            model: "gemini-2.0-flash".into(),
            created: 0,
            content: vec![Part::Text("Paris is sunny.".into())],
            stop: StopReason::EndTurn,
            usage: Usage {
                input_tokens: 176,
                cache_read_tokens: 1024,
                output_tokens: 4,
                ..Usage::default()
            },
        }
    );
}

#[test]
fn function_calls_get_synthesised_ids_and_stop_for_tool_use() {
    let body = br#"{"candidates": [{"content": {"role": "model", "parts": [
            {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
             "thoughtSignature": "c2lnbmF0dXJl"},
            {"functionCall": {"name": "get_time", "args": {"tz": "CET"}}}
        ]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 50, "candidatesTokenCount": 10,
            "thoughtsTokenCount": 30, "totalTokenCount": 90},
        "modelVersion": "gemini-2.5-flash"}"#;
    let resp = parse_response(body).unwrap();
    assert_eq!(resp.stop, StopReason::ToolUse, "Gemini says STOP");
    assert_eq!(
        resp.content,
        vec![
            Part::ToolCall {
                id: "call_0".into(),
                name: "get_weather".into(),
                arguments_json: r#"{"city":"Paris"}"#.into(),
            },
            Part::ToolCall {
                id: "call_1".into(),
                name: "get_time".into(),
                arguments_json: r#"{"tz":"CET"}"#.into(),
            },
        ]
    );
    assert_eq!(resp.id, "", "no responseId");
    assert_eq!(
        (resp.usage.output_tokens, resp.usage.reasoning_tokens),
        (40, 30)
    );
}

#[test]
fn safety_and_length_stops_map_and_a_candidate_may_have_no_content() {
    let stop = |reason: &str| {
        let body = format!(r#"{{"candidates":[{{"finishReason":"{reason}"}}]}}"#);
        let resp = parse_response(body.as_bytes()).unwrap();
        assert!(resp.content.is_empty(), "{reason}");
        resp.stop
    };
    assert_eq!(stop("SAFETY"), StopReason::ContentFilter);
    assert_eq!(stop("RECITATION"), StopReason::ContentFilter);
    assert_eq!(stop("MAX_TOKENS"), StopReason::MaxTokens);
    assert_eq!(stop("OTHER"), StopReason::Other("OTHER".into()));
}

#[test]
fn a_blocked_prompt_is_an_empty_content_filtered_reply() {
    let body = br#"{"promptFeedback": {"blockReason": "SAFETY"},
        "usageMetadata": {"promptTokenCount": 8, "totalTokenCount": 8}, "modelVersion": "m"}"#;
    let resp = parse_response(body).unwrap();
    assert_eq!(resp.stop, StopReason::ContentFilter);
    assert!(resp.content.is_empty());
    assert_eq!(resp.usage.input_tokens, 8);
}

#[test]
fn malformed_replies_are_rejected_by_path_without_quoting_the_body() {
    assert_eq!(
        parse_response(br#"{"modelVersion":"m"}"#).unwrap_err(),
        WireError::missing("candidates[0]")
    );
    let err = parse_response(br#"{"candidates":[{"content":{"parts":"sk-secret"}}]}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("candidates[0].content.parts"), "{err}");
    assert!(!err.contains("sk-secret"), "{err}");
}
