//! Gemini outbound: client requests in either format rendered for Gemini, and Gemini replies and
//! `alt=sse` streams (CRLF-framed, as Gemini sends them) translated for clients of either format.

use serde_json::{json, Value};
use switchyard_wire::{anthropic, gemini, openai, StreamEvent};

use crate::support::{assemble_anthropic, assemble_openai, sse_events, Assembled};

/// Gemini text stream: usage on every chunk, cumulative; `finishReason` on the last.
const GEMINI_TEXT: &str = concat!(
    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Bonjour\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 1000,\"candidatesTokenCount\": 1,\"totalTokenCount\": 1001,\"cachedContentTokenCount\": 800},\"modelVersion\": \"gemini-2.0-flash\",\"responseId\": \"Yq8aaP-rLZ2\"}\r\n\r\n",
    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" ! Un caf\u{e9} \u{2615}?\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 1000,\"candidatesTokenCount\": 9,\"totalTokenCount\": 1009,\"cachedContentTokenCount\": 800},\"modelVersion\": \"gemini-2.0-flash\",\"responseId\": \"Yq8aaP-rLZ2\"}\r\n\r\n",
    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 1000,\"candidatesTokenCount\": 12,\"totalTokenCount\": 1012,\"cachedContentTokenCount\": 800},\"modelVersion\": \"gemini-2.0-flash\",\"responseId\": \"Yq8aaP-rLZ2\"}\r\n\r\n",
);

/// Gemini function-call stream from a thinking model.
const GEMINI_TOOLS: &str = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"get_weather\",\"args\": {\"location\": \"Paris, France\"}},\"thoughtSignature\": \"CiQB0e2Kb\"},{\"functionCall\": {\"name\": \"get_time\",\"args\": {\"tz\": \"CET\"}}}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 320,\"candidatesTokenCount\": 25,\"totalTokenCount\": 365,\"thoughtsTokenCount\": 20},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"r-tools\"}\r\n\r\n";

const CHUNKS: [usize; 3] = [1, 13, usize::MAX];

fn decode(transcript: &str, chunk: usize) -> Vec<StreamEvent> {
    let mut dec = gemini::StreamDecoder::new();
    let events = sse_events(transcript.as_bytes(), chunk)
        .iter()
        .flat_map(|ev| dec.feed(&ev.data))
        .collect();
    assert!(dec.is_done(), "the transcript ends with a finishReason");
    events
}

fn to_anthropic(transcript: &str, chunk: usize) -> Assembled {
    let mut enc = anthropic::StreamEncoder::new();
    let mut frames: Vec<_> = decode(transcript, chunk)
        .iter()
        .flat_map(|e| enc.encode(e))
        .collect();
    frames.extend(enc.finish());
    assemble_anthropic(&sse_events(&frames.concat(), usize::MAX))
}

fn to_openai(transcript: &str, chunk: usize) -> Assembled {
    let mut enc = openai::StreamEncoder::new(true);
    let mut frames: Vec<_> = decode(transcript, chunk)
        .iter()
        .flat_map(|e| enc.encode(e))
        .collect();
    frames.extend(enc.finish());
    assemble_openai(&sse_events(&frames.concat(), usize::MAX))
}

#[test]
fn gemini_text_stream_reaches_both_clients_with_usage_counted_once() {
    for chunk in CHUNKS {
        let a = to_anthropic(GEMINI_TEXT, chunk);
        assert_eq!(a.text, "Bonjour ! Un caf\u{e9} \u{2615}?", "chunk {chunk}");
        assert_eq!(a.id, "Yq8aaP-rLZ2");
        assert_eq!(a.stop.as_deref(), Some("end_turn"));
        let usage = a.usage.unwrap();
        assert_eq!(usage["input_tokens"], 200, "1000 prompt − 800 cached");
        assert_eq!(usage["cache_read_input_tokens"], 800);
        assert_eq!(usage["output_tokens"], 12, "the last snapshot wins");

        let o = to_openai(GEMINI_TEXT, chunk);
        assert_eq!(o.text, a.text);
        assert_eq!(o.stop.as_deref(), Some("stop"));
        let usage = o.usage.unwrap();
        assert_eq!(usage["prompt_tokens"], 1000, "cache folded back in once");
        assert_eq!(usage["prompt_tokens_details"]["cached_tokens"], 800);
        assert_eq!(usage["total_tokens"], 1012);
    }
}

#[test]
fn gemini_function_calls_reach_both_clients_with_synthesised_ids() {
    let expected = vec![
        (
            "call_0".to_owned(),
            "get_weather".to_owned(),
            r#"{"location":"Paris, France"}"#.to_owned(),
        ),
        (
            "call_1".to_owned(),
            "get_time".to_owned(),
            r#"{"tz":"CET"}"#.to_owned(),
        ),
    ];
    for chunk in CHUNKS {
        let a = to_anthropic(GEMINI_TOOLS, chunk);
        assert_eq!(a.tool_calls, expected, "chunk {chunk}");
        assert_eq!(a.stop.as_deref(), Some("tool_use"));
        let o = to_openai(GEMINI_TOOLS, chunk);
        assert_eq!(o.tool_calls, expected, "chunk {chunk}");
        assert_eq!(o.stop.as_deref(), Some("tool_calls"));
        assert_eq!(
            o.usage.unwrap()["completion_tokens_details"]["reasoning_tokens"],
            20
        );
    }
}

#[test]
fn an_openai_tool_turn_renders_for_gemini_with_names_recovered() {
    let body = json!({
        "model": "gemini-2.5-flash",
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_0", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "call_0", "content": "18C, sunny"},
        ],
        "tools": [{"type": "function", "function": {"name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                           "required": ["city"], "additionalProperties": false}, "strict": true}}],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "max_completion_tokens": 100,
        "stream": true,
    });
    let req = openai::parse_request(body.to_string().as_bytes()).unwrap();
    let v = gemini::render_request(&req).unwrap();
    assert_eq!(v["systemInstruction"]["parts"][0]["text"], "You are terse.");
    assert_eq!(
        v["contents"][2],
        json!({"role": "user", "parts": [{"functionResponse": {
            "name": "get_weather", "response": {"content": "18C, sunny"}}}]})
    );
    assert_eq!(
        v["tools"][0]["functionDeclarations"][0]["parameters"],
        json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})
    );
    assert_eq!(
        v["toolConfig"]["functionCallingConfig"],
        json!({"mode": "ANY", "allowedFunctionNames": ["get_weather"]})
    );
    assert_eq!(v["generationConfig"], json!({"maxOutputTokens": 100}));
    assert!(v.get("model").is_none() && v.get("stream").is_none());
}

#[test]
fn a_gemini_reply_becomes_an_anthropic_message_and_an_openai_completion() {
    let body = br#"{"candidates":[{"content":{"parts":[{"text":"Hi."}],"role":"model"},
        "finishReason":"MAX_TOKENS","index":0}],
        "usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":2,"totalTokenCount":32,
        "cachedContentTokenCount":10},"modelVersion":"gemini-2.0-flash","responseId":"resp-1"}"#;
    let resp = gemini::parse_response(body).unwrap();
    let a: Value = anthropic::render_response(&resp);
    assert_eq!(a["id"], "resp-1");
    assert_eq!(a["stop_reason"], "max_tokens");
    assert_eq!(a["usage"]["input_tokens"], 20);
    assert_eq!(a["usage"]["cache_read_input_tokens"], 10);
    let o: Value = openai::render_response(&resp);
    assert_eq!(o["choices"][0]["message"]["content"], "Hi.");
    assert_eq!(o["choices"][0]["finish_reason"], "length");
    assert_eq!(o["usage"]["prompt_tokens"], 30);
    assert_eq!(o["model"], "gemini-2.0-flash");
}
