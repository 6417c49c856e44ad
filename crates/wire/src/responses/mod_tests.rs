use super::*;
use serde_json::json;

#[test]
fn usage_counts_cached_tokens_once_in_both_directions() {
    let v = json!({"input_tokens": 1000, "input_tokens_details": {"cached_tokens": 800},
        "output_tokens": 50, "output_tokens_details": {"reasoning_tokens": 20}, "total_tokens": 1050});
    let u = usage_from(&Obj::new(&v, "usage").unwrap());
    assert_eq!(
        (
            u.input_tokens,
            u.cache_read_tokens,
            u.output_tokens,
            u.reasoning_tokens
        ),
        (200, 800, 50, 20),
        "input_tokens includes the cached ones"
    );
    let back = usage_to(&u);
    assert_eq!(back["input_tokens"], 1000);
    assert_eq!(back["input_tokens_details"]["cached_tokens"], 800);
    assert_eq!(back["total_tokens"], 1050);
}

#[test]
fn response_ids_keep_resp_ids_and_wrap_others() {
    assert_eq!(response_id("resp_abc"), "resp_abc");
    assert_eq!(response_id("chatcmpl-XY9"), "resp_chatcmplXY9");
    assert_eq!(response_id(""), "resp_switchyard");
    assert_eq!(item_id("fc", "resp_abc", 2), "fc_abc_2");
}

#[test]
fn custom_tool_inputs_wrap_and_unwrap_as_input_arguments() {
    let args = custom_arguments("*** Begin Patch\n\"x\"");
    assert_eq!(custom_input(&args), "*** Begin Patch\n\"x\"");
    assert_eq!(
        custom_input("not json"),
        "not json",
        "foreign arguments pass whole"
    );
}

#[test]
fn context_echoes_request_fields_and_knows_custom_tools() {
    let body = json!({"model": "m", "input": "hi", "instructions": "be brief", "temperature": 0.2,
        "tools": [{"type": "function", "name": "f"}, {"type": "custom", "name": "apply_patch"}]});
    let ctx = ResponseContext::of_request(&body);
    assert_eq!(ctx.custom_tools, vec!["apply_patch"]);
    let echoed = ctx.echoed();
    assert_eq!(echoed["instructions"], "be brief");
    assert_eq!(echoed["temperature"], 0.2);
    assert_eq!(
        echoed["tool_choice"], "auto",
        "absent fields get the API's default"
    );
    assert_eq!(echoed["parallel_tool_calls"], true);
}

#[test]
fn error_bodies_name_the_field_in_param() {
    let b = error_body(400, "bad", Some("input[2].call_id"));
    assert_eq!(b["error"]["type"], "invalid_request_error");
    assert_eq!(b["error"]["param"], "input[2].call_id");
}
