use super::*;
use crate::test_support::assert_error_kinds;

#[test]
fn error_types_follow_the_status() {
    let cases = [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (403, "permission_error"),
        (404, "not_found_error"),
        (413, "request_too_large"),
        (429, "rate_limit_error"),
        (500, "api_error"),
        (503, "overloaded_error"),
        (529, "overloaded_error"),
    ];
    assert_error_kinds(error_body, "/error/type", &cases);
    for (status, _) in cases {
        assert_eq!(
            error_body(status, "boom")["type"],
            "error",
            "status {status}"
        );
    }
}

#[test]
fn usage_update_replaces_only_the_counters_present() {
    let mut u = Usage {
        input_tokens: 200,
        cache_read_tokens: 800,
        output_tokens: 1,
        ..Usage::default()
    };
    let delta = json!({"output_tokens": 42});
    usage_update(&mut u, &Obj::new(&delta, "usage").unwrap());
    assert_eq!(
        u.output_tokens, 42,
        "output is cumulative: replaced, not added"
    );
    assert_eq!(u.input_tokens, 200, "absent counters are kept");
    assert_eq!(u.cache_read_tokens, 800);
}

#[test]
fn rendered_usage_keeps_cache_counters_separate() {
    let u = Usage {
        input_tokens: 200,
        cache_read_tokens: 800,
        cache_write_tokens: 5,
        cache_write_1h_tokens: 2,
        output_tokens: 9,
        reasoning_tokens: 3,
    };
    assert_eq!(
        usage_to(&u),
        json!({"input_tokens": 200, "cache_read_input_tokens": 800,
               "cache_creation_input_tokens": 5, "output_tokens": 9,
               "cache_creation": {"ephemeral_5m_input_tokens": 3, "ephemeral_1h_input_tokens": 2}})
    );
}

#[test]
fn the_1h_cache_write_split_is_read_as_a_part_of_the_writes() {
    let body = json!({"input_tokens": 10, "cache_creation_input_tokens": 300,
        "cache_creation": {"ephemeral_5m_input_tokens": 100, "ephemeral_1h_input_tokens": 200}});
    let mut u = Usage::default();
    usage_update(&mut u, &Obj::new(&body, "usage").unwrap());
    assert_eq!((u.cache_write_tokens, u.cache_write_1h_tokens), (300, 200));
    assert_eq!(u.prompt_total(), 310, "the split is not added on top");
}

#[test]
fn refusal_is_a_content_filter_stop() {
    assert_eq!(stop_from_reason("refusal"), StopReason::ContentFilter);
    assert_eq!(
        stop_from_reason("pause_turn"),
        StopReason::Other("pause_turn".into())
    );
}

#[test]
fn set_model_replaces_only_the_model() {
    let mut body = json!({"model": "claude-opus-4-1", "max_tokens": 5});
    set_model(&mut body, "claude-haiku-4-5");
    assert_eq!(body, json!({"model": "claude-haiku-4-5", "max_tokens": 5}));
}
