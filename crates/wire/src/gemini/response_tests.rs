use super::*;
use crate::canonical::Usage;
use crate::test_support::call;

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
            call("call_0", "get_weather", r#"{"city":"Paris"}"#),
            call("call_1", "get_time", r#"{"tz":"CET"}"#),
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

fn round_trip(resp: &ChatResponse) -> ChatResponse {
    parse_response(render_response(resp).to_string().as_bytes()).unwrap()
}

fn reply(content: Vec<Part>, stop: StopReason) -> ChatResponse {
    ChatResponse {
        id: "resp-1".into(),
        model: "gemini-2.5-pro".into(),
        created: 0,
        content,
        stop,
        usage: Usage {
            input_tokens: 176,
            cache_read_tokens: 1024,
            output_tokens: 90,
            reasoning_tokens: 60,
            ..Usage::default()
        },
    }
}

#[test]
fn a_rendered_text_reply_parses_back_to_itself() {
    let resp = reply(vec![Part::Text("Paris.".into())], StopReason::EndTurn);
    assert_eq!(round_trip(&resp), resp);
    let max = reply(vec![Part::Text("Par".into())], StopReason::MaxTokens);
    assert_eq!(round_trip(&max), max);
}

#[test]
fn a_rendered_tool_call_reply_parses_back_with_gemini_call_ids() {
    let resp = reply(
        vec![
            Part::Text("Checking.".into()),
            call("toolu_01", "get_weather", r#"{"city":"Paris"}"#),
        ],
        StopReason::ToolUse,
    );
    let body = render_response(&resp);
    assert_eq!(
        body["candidates"][0]["content"]["parts"][1],
        json!({"functionCall": {"name": "get_weather", "args": {"city": "Paris"}, "id": "toolu_01"}}),
        "the canonical id goes to the client, which echoes it in its functionResponse"
    );
    let mut expected = resp.clone();
    if let Some(Part::ToolCall { id, .. }) = expected.content.get_mut(1) {
        *id = "call_0".into();
    }
    assert_eq!(
        round_trip(&resp),
        expected,
        "the Gemini parser ignores ids and synthesises call_0"
    );
}

#[test]
fn rendered_usage_inverts_the_parsed_usage() {
    let body = render_response(&reply(vec![Part::Text("x".into())], StopReason::EndTurn));
    assert_eq!(
        body["usageMetadata"],
        json!({"promptTokenCount": 1200, "candidatesTokenCount": 30, "thoughtsTokenCount": 60,
               "cachedContentTokenCount": 1024, "totalTokenCount": 1290}),
        "prompt includes the cache, candidates exclude thoughts"
    );
    let plain = render_response(&ChatResponse {
        usage: Usage {
            input_tokens: 5,
            output_tokens: 2,
            ..Usage::default()
        },
        ..ChatResponse::default()
    });
    assert_eq!(
        plain["usageMetadata"],
        json!({"promptTokenCount": 5, "candidatesTokenCount": 2, "totalTokenCount": 7}),
        "zero cache and thought counts are left out"
    );
}

#[test]
fn an_empty_reply_is_one_empty_text_part_and_bad_args_become_an_empty_object() {
    let body = render_response(&ChatResponse::default());
    assert_eq!(
        body["candidates"][0]["content"],
        json!({"role": "model", "parts": [{"text": ""}]}),
        "never an empty parts list"
    );
    assert!(body.get("responseId").is_none() && body.get("modelVersion").is_none());
    let bad = render_response(&ChatResponse {
        content: vec![Part::Text(String::new()), call("c", "f", "not json")],
        ..ChatResponse::default()
    });
    assert_eq!(
        bad["candidates"][0]["content"]["parts"],
        json!([{"functionCall": {"name": "f", "args": {}, "id": "c"}}]),
        "empty text parts are dropped when there is something else"
    );
}

#[test]
fn stop_reasons_render_as_gemini_finish_reasons() {
    let finish = |stop: StopReason| {
        render_response(&ChatResponse {
            stop,
            ..ChatResponse::default()
        })["candidates"][0]["finishReason"]
            .clone()
    };
    assert_eq!(finish(StopReason::EndTurn), json!("STOP"));
    assert_eq!(finish(StopReason::StopSequence), json!("STOP"));
    assert_eq!(finish(StopReason::ToolUse), json!("STOP"));
    assert_eq!(finish(StopReason::MaxTokens), json!("MAX_TOKENS"));
    assert_eq!(finish(StopReason::ContentFilter), json!("SAFETY"));
    assert_eq!(
        finish(StopReason::Other("MALFORMED_FUNCTION_CALL".into())),
        json!("MALFORMED_FUNCTION_CALL"),
        "a Gemini reason passes through"
    );
    assert_eq!(
        finish(StopReason::Other("pause_turn".into())),
        json!("STOP"),
        "another format's reason is not invented as a Gemini one"
    );
}
