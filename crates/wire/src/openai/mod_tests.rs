use super::*;
use crate::test_support::assert_error_kinds;

fn usage_obj(v: &Value) -> Usage {
    usage_from(&Obj::new(v, "usage").unwrap())
}

#[test]
fn cached_tokens_are_subtracted_from_prompt_tokens() {
    let u = usage_obj(&json!({
        "prompt_tokens": 1000, "completion_tokens": 50, "total_tokens": 1050,
        "prompt_tokens_details": {"cached_tokens": 800},
        "completion_tokens_details": {"reasoning_tokens": 20},
    }));
    assert_eq!(u.input_tokens, 200, "input excludes cached");
    assert_eq!(u.cache_read_tokens, 800);
    assert_eq!(
        u.output_tokens, 50,
        "reasoning is part of output, not added"
    );
    assert_eq!(u.reasoning_tokens, 20);
}

#[test]
fn openrouter_cache_writes_are_their_own_counter_not_plain_input() {
    // OpenRouter's usage accounting (https://openrouter.ai/docs/use-cases/usage-accounting):
    // `prompt_tokens` holds reads and writes, `cache_write_tokens` names the writes.
    let u = usage_obj(&json!({
        "prompt_tokens": 1000, "completion_tokens": 5,
        "prompt_tokens_details": {"cached_tokens": 600, "cache_write_tokens": 300},
    }));
    assert_eq!(
        (u.input_tokens, u.cache_read_tokens, u.cache_write_tokens),
        (100, 600, 300),
        "a cache write is priced as a write, not as uncached input, and counted once"
    );
    let over = usage_obj(&json!({"prompt_tokens": 10,
        "prompt_tokens_details": {"cached_tokens": 8, "cache_write_tokens": 50}}));
    assert_eq!(
        over.prompt_total(),
        10,
        "counters never add up to more than the prompt"
    );
    let back = usage_obj(&usage_to(&u));
    assert_eq!(back, u, "rendered OpenAI usage reads back the same");
}

#[test]
fn cached_tokens_larger_than_prompt_never_underflow() {
    let u =
        usage_obj(&json!({"prompt_tokens": 10, "prompt_tokens_details": {"cached_tokens": 50}}));
    assert_eq!((u.input_tokens, u.cache_read_tokens), (0, 10));
}

#[test]
fn rendered_prompt_tokens_include_every_cached_token_once() {
    let u = Usage {
        input_tokens: 200,
        cache_read_tokens: 800,
        cache_write_tokens: 100,
        cache_write_1h_tokens: 0,
        output_tokens: 50,
        reasoning_tokens: 0,
    };
    let v = usage_to(&u);
    assert_eq!(v["prompt_tokens"], 1100);
    assert_eq!(v["prompt_tokens_details"]["cached_tokens"], 800);
    assert_eq!(v["total_tokens"], 1150);
}

#[test]
fn error_types_follow_the_status() {
    let cases = [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (403, "permission_error"),
        (404, "not_found_error"),
        (413, "invalid_request_error"),
        (429, "rate_limit_error"),
        (500, "api_error"),
        (502, "api_error"),
        (503, "api_error"),
    ];
    assert_error_kinds(error_body, "/error/type", &cases);
}

#[test]
fn unavailable_and_rate_limit_errors_carry_a_code() {
    assert_eq!(error_body(503, "x")["error"]["code"], "service_unavailable");
    assert_eq!(error_body(429, "x")["error"]["code"], "rate_limit_exceeded");
    assert_eq!(error_body(400, "x")["error"]["code"], Value::Null);
}

#[test]
fn include_usage_is_added_to_streaming_requests_keeping_other_options() {
    let mut body = json!({"model": "m", "stream": true, "stream_options": {"foo": 1}});
    ensure_include_usage(&mut body);
    assert_eq!(
        body["stream_options"],
        json!({"foo": 1, "include_usage": true})
    );
}

#[test]
fn include_usage_creates_stream_options_when_absent() {
    let mut body = json!({"stream": true});
    ensure_include_usage(&mut body);
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
}

#[test]
fn include_usage_leaves_non_streaming_requests_alone() {
    let mut body = json!({"model": "m", "stream": false});
    let before = body.clone();
    ensure_include_usage(&mut body);
    assert_eq!(body, before, "stream_options is only valid with stream");
}

#[test]
fn set_model_replaces_only_the_model() {
    let mut body = json!({"model": "gpt-4o", "messages": []});
    set_model(&mut body, "gpt-4.1-mini");
    assert_eq!(body, json!({"model": "gpt-4.1-mini", "messages": []}));
}
