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
    Tool::function(name, None, json!({"type": "object"}))
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
    let re = json!({
        "model": "m", "max_output_tokens": 100, "temperature": 0, "instructions": "Be brief.",
        "input": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": [{"type": "output_text", "text": "Hello"}]},
            {"type": "function_call", "call_id": "call_1", "name": "get", "arguments": "{\"a\":1}"},
            {"type": "function_call_output", "call_id": "call_1", "output": "42"}
        ],
        "tools": [{"type": "function", "name": "get", "description": "d",
            "parameters": {"type": "object", "properties": {"a": {"type": "number"}}}}],
        "store": false
    });
    // Responses has no stop sequences: compare with the conversation without them.
    let mut a_no_stop = a.clone();
    a_no_stop.stop.clear();
    let ka_no_stop = CacheKey::derive("r", &a_no_stop, &OutputExtras::from_openai_body(&oa));
    let c = switchyard_wire::responses::parse_request(re.to_string().as_bytes()).unwrap();
    let kc = CacheKey::derive("r", &c, &OutputExtras::from_responses_body(&re));
    assert_eq!(ka_no_stop, kc, "asked through the Responses API");
    let ge = json!({
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "contents": [
            {"role": "user", "parts": [{"text": "Hi"}]},
            {"role": "model", "parts": [{"text": "Hello"}, {"functionCall": {"id": "call_1", "name": "get", "args": {"a": 1}}}]},
            {"role": "user", "parts": [{"functionResponse": {"id": "call_1", "name": "get", "response": {"output": "42"}}}]}
        ],
        "tools": [{"functionDeclarations": [{"name": "get", "description": "d",
            "parametersJsonSchema": {"type": "object", "properties": {"a": {"type": "number"}}}}]}],
        "generationConfig": {"temperature": 0, "maxOutputTokens": 100, "stopSequences": ["END"]}
    });
    let d = switchyard_wire::gemini::parse_request_value(&ge, "m", false).unwrap();
    let kd = CacheKey::derive("r", &d, &OutputExtras::from_gemini_body(&ge));
    assert_eq!(ka, kd, "asked through Gemini's native API");
}

#[test]
fn reasoning_and_output_format_change_the_key_in_any_format() {
    use switchyard_wire::{Effort, OutputFormat, Reasoning};
    let plain = base();
    let mut high = base();
    high.reasoning = Some(Reasoning::effort(Effort::High));
    let mut low = base();
    low.reasoning = Some(Reasoning::effort(Effort::Low));
    let mut json_out = base();
    json_out.format = Some(OutputFormat::Json);
    let keys = [k(&plain), k(&high), k(&low), k(&json_out)];
    for i in 0..keys.len() {
        for j in i + 1..keys.len() {
            assert_ne!(keys[i], keys[j], "{i} vs {j}");
        }
    }
    let chat = json!({"model": "m", "messages": [{"role": "user", "content": "Hi"}],
        "reasoning_effort": "high", "temperature": 0});
    let resp =
        json!({"model": "m", "input": "Hi", "reasoning": {"effort": "high"}, "temperature": 0});
    let a = openai::parse_request(chat.to_string().as_bytes()).unwrap();
    let b = switchyard_wire::responses::parse_request(resp.to_string().as_bytes()).unwrap();
    assert_eq!(
        CacheKey::derive("r", &a, &OutputExtras::from_openai_body(&chat)),
        CacheKey::derive("r", &b, &OutputExtras::from_responses_body(&resp)),
        "one effort, one key, whichever API said it"
    );
}

#[test]
fn gemini_extras_use_the_other_formats_names() {
    let extras = OutputExtras::from_gemini_body(
        &json!({"generation_config": {"top_k": 5, "candidateCount": 2}}),
    );
    assert_eq!(
        extras.0.get("top_k"),
        Some(&json!(5)),
        "snake_case read too"
    );
    assert_eq!(extras.choices(), Some(2), "candidateCount is n");
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
    let json_mode = OutputExtras::from_openai_body(&json!({"logprobs": true}));
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
