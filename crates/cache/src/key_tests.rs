use super::*;
use serde_json::json;
use switchyard_wire::{anthropic, openai, Message, Tool};

fn base() -> ChatRequest {
    ChatRequest {
        model: "gpt-x".into(),
        system: Some("Be brief.".into()),
        messages: vec![Message::text(Role::User, "Hi")],
        max_tokens: Some(100),
        temperature: Some(0.0),
        ..ChatRequest::default()
    }
}

fn k(req: &ChatRequest) -> CacheKey {
    CacheKey::derive("route-a", req, &OutputExtras::none())
}

fn tool(name: &str) -> Tool {
    Tool {
        name: name.into(),
        description: None,
        parameters: json!({"type": "object"}),
    }
}

#[test]
fn openai_and_anthropic_bodies_of_one_conversation_share_a_key() {
    let oa = json!({
        "model": "m", "max_tokens": 100, "temperature": 0, "stream": true, "user": "u2",
        "stream_options": {"include_usage": true},
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello", "tool_calls": [
                {"id": "call_1", "type": "function",
                 "function": {"name": "get", "arguments": "{\"a\":1}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "42"}
        ],
        "tools": [{"type": "function", "function": {"name": "get", "description": "d",
            "parameters": {"type": "object", "properties": {"a": {"type": "number"}}}}}],
        "stop": ["END"]
    });
    let an = json!({
        "model": "m", "max_tokens": 100, "temperature": 0, "metadata": {"user_id": "u1"},
        "system": "Be brief.",
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Hello"},
                {"type": "tool_use", "id": "call_1", "name": "get", "input": {"a": 1}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "call_1", "content": "42"}]}
        ],
        "tools": [{"name": "get", "description": "d",
            "input_schema": {"properties": {"a": {"type": "number"}}, "type": "object"}}],
        "stop_sequences": ["END"]
    });
    let a = openai::parse_request(oa.to_string().as_bytes()).unwrap();
    let b = anthropic::parse_request(an.to_string().as_bytes()).unwrap();
    let ka = CacheKey::derive("r", &a, &OutputExtras::from_openai_body(&oa));
    let kb = CacheKey::derive("r", &b, &OutputExtras::from_anthropic_body(&an));
    assert_eq!(ka, kb, "same conversation, different inbound format");
    assert_ne!(
        a.user, b.user,
        "transport metadata differs yet the key does not"
    );
}

#[test]
fn stream_and_user_do_not_change_the_key() {
    let a = base();
    let mut b = base();
    b.stream = true;
    b.user = Some("someone".into());
    assert_eq!(k(&a), k(&b));
}

#[test]
fn every_output_affecting_field_changes_the_key() {
    let a = k(&base());
    let variants: Vec<fn(&mut ChatRequest)> = vec![
        |r| r.temperature = Some(0.7),
        |r| r.temperature = None,
        |r| r.max_tokens = Some(101),
        |r| r.top_p = Some(0.9),
        |r| r.stop = vec!["x".into()],
        |r| r.tools = vec![tool("f")],
        |r| r.tool_choice = Some(ToolChoice::Required),
        |r| r.system = None,
        |r| r.model = "other".into(),
        |r| r.messages.push(Message::text(Role::Assistant, "Hello")),
        |r| r.messages[0].role = Role::Assistant,
    ];
    for (i, change) in variants.iter().enumerate() {
        let mut r = base();
        change(&mut r);
        assert_ne!(k(&r), a, "variant {i} must change the key");
    }
    assert_ne!(
        CacheKey::derive("route-b", &base(), &OutputExtras::none()),
        a
    );
}

#[test]
fn tool_order_matters_but_schema_key_order_does_not() {
    let mut ab = base();
    ab.tools = vec![tool("a"), tool("b")];
    let mut ba = base();
    ba.tools = vec![tool("b"), tool("a")];
    assert_ne!(k(&ab), k(&ba));

    let mut x = base();
    x.tools = vec![Tool {
        parameters: serde_json::from_str(r#"{"a":1,"b":{"c":2,"d":3}}"#).unwrap(),
        ..tool("t")
    }];
    let mut y = base();
    y.tools = vec![Tool {
        parameters: serde_json::from_str(r#"{"b":{"d":3,"c":2},"a":1}"#).unwrap(),
        ..tool("t")
    }];
    assert_eq!(k(&x), k(&y));
}

#[test]
fn field_boundaries_cannot_be_confused() {
    let mut a = base();
    a.stop = vec!["ab".into(), "c".into()];
    let mut b = base();
    b.stop = vec!["a".into(), "bc".into()];
    assert_ne!(k(&a), k(&b));
}

#[test]
fn extras_change_the_key_and_null_extras_do_not() {
    let req = base();
    let none = CacheKey::derive("r", &req, &OutputExtras::none());
    let seeded = OutputExtras::from_openai_body(&json!({"seed": 7}));
    let json_mode =
        OutputExtras::from_openai_body(&json!({"response_format": {"type": "json_object"}}));
    let null = OutputExtras::from_openai_body(&json!({"seed": null, "stream": true}));
    assert_ne!(CacheKey::derive("r", &req, &seeded), none);
    assert_ne!(CacheKey::derive("r", &req, &json_mode), none);
    assert_eq!(CacheKey::derive("r", &req, &null), none);
    let top_k = OutputExtras::from_anthropic_body(&json!({"top_k": 5}));
    assert_ne!(CacheKey::derive("r", &req, &top_k), none);
}

#[test]
fn cacheable_only_when_deterministic_or_opted_in() {
    let none = OutputExtras::none();
    assert!(is_cacheable(&base(), &none, false), "temperature 0");
    let mut warm = base();
    warm.temperature = Some(0.7);
    assert!(
        !is_cacheable(&warm, &none, false),
        "sampling without opt-in"
    );
    assert!(is_cacheable(&warm, &none, true), "explicit opt-in");
    let mut unset = base();
    unset.temperature = None;
    assert!(
        !is_cacheable(&unset, &none, false),
        "provider default is not 0"
    );
    let mut with_tools = base();
    with_tools.tools = vec![tool("f")];
    assert!(is_cacheable(&with_tools, &none, false), "tools are fine");
    let n2 = OutputExtras::from_openai_body(&json!({"n": 2}));
    assert!(!is_cacheable(&base(), &n2, true), "n > 1 never");
    let n1 = OutputExtras::from_openai_body(&json!({"n": 1}));
    assert!(is_cacheable(&base(), &n1, false));
}

#[test]
fn answers_the_canonical_reply_cannot_hold_are_never_cached() {
    let openai = |v| OutputExtras::from_openai_body(&v);
    let anthropic = |v| OutputExtras::from_anthropic_body(&v);
    for (extras, why) in [
        (openai(json!({"logprobs": true})), "log probabilities"),
        (openai(json!({"top_logprobs": 3})), "top log probabilities"),
        (
            openai(json!({"modalities": ["text", "audio"]})),
            "audio out",
        ),
        (
            openai(json!({"audio": {"voice": "alloy"}})),
            "audio settings",
        ),
        (
            anthropic(json!({"thinking": {"type": "enabled", "budget_tokens": 1024}})),
            "thinking",
        ),
    ] {
        assert!(
            !is_cacheable(&base(), &extras, true),
            "{why}: not even opted in"
        );
    }
    for (extras, why) in [
        (openai(json!({"logprobs": false})), "logprobs off"),
        (openai(json!({"modalities": ["text"]})), "text only"),
        (
            anthropic(json!({"thinking": {"type": "disabled"}})),
            "thinking off",
        ),
    ] {
        assert!(is_cacheable(&base(), &extras, false), "{why}: cacheable");
    }
}

#[test]
fn negative_zero_temperature_is_zero() {
    let mut a = base();
    a.temperature = Some(-0.0);
    assert_eq!(k(&a), k(&base()));
}

#[test]
fn debug_and_hex_show_only_the_digest() {
    let key = k(&base());
    assert_eq!(key.to_hex().len(), 64);
    assert!(format!("{key:?}").starts_with("CacheKey("));
}
