//! Malformed bodies produce clear WireErrors that never echo the body.

use switchyard_wire::{anthropic, openai, WireError};

/// A marker planted in every bad body: it must never reach an error message.
const SECRET: &str = "sk-ant-PLANTED-SECRET";

type Parser = fn(&[u8]) -> Result<(), WireError>;

fn parsers() -> [(&'static str, Parser); 4] {
    [
        ("openai request", |b| openai::parse_request(b).map(drop)),
        ("anthropic request", |b| {
            anthropic::parse_request(b).map(drop)
        }),
        ("openai response", |b| openai::parse_response(b).map(drop)),
        ("anthropic response", |b| {
            anthropic::parse_response(b).map(drop)
        }),
    ]
}

fn assert_clean(err: &WireError) -> String {
    let msg = err.to_string();
    assert!(!msg.contains(SECRET), "error echoes the body: {msg}");
    assert!(!msg.contains("PLANTED"), "error echoes the body: {msg}");
    msg
}

#[test]
fn invalid_json_reports_line_and_column_only() {
    let body = format!("{{\n  \"model\": \"{SECRET}\",\n  \"messages\": [ {SECRET} ]\n}}");
    for (name, parse) in parsers() {
        let err = parse(body.as_bytes()).unwrap_err();
        let msg = assert_clean(&err);
        assert!(
            matches!(err, WireError::InvalidJson { line: 3, .. }),
            "{name}: {err:?}"
        );
        assert!(msg.starts_with("body is not valid JSON"), "{name}: {msg}");
    }
}

#[test]
fn truncated_body_is_invalid_json() {
    let body = format!("{{\"model\": \"{SECRET}\", \"messages\": [");
    for (name, parse) in parsers() {
        let err = parse(body.as_bytes()).unwrap_err();
        assert_clean(&err);
        assert!(
            matches!(
                err,
                WireError::InvalidJson {
                    problem: "unexpected end of input",
                    ..
                }
            ),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn missing_messages_is_named() {
    let openai_body = format!(r#"{{"model": "{SECRET}"}}"#);
    let anthropic_body = format!(r#"{{"model": "{SECRET}", "max_tokens": 10}}"#);
    for (name, body, err) in [
        (
            "openai",
            &openai_body,
            openai::parse_request(openai_body.as_bytes()).unwrap_err(),
        ),
        (
            "anthropic",
            &anthropic_body,
            anthropic::parse_request(anthropic_body.as_bytes()).unwrap_err(),
        ),
    ] {
        let msg = assert_clean(&err);
        assert_eq!(
            msg, "missing required field `messages`",
            "{name}: body {body}"
        );
    }
}

#[test]
fn anthropic_request_without_max_tokens_is_rejected() {
    let body = format!(
        r#"{{"model": "claude", "messages": [{{"role": "user", "content": "{SECRET}"}}]}}"#
    );
    let err = anthropic::parse_request(body.as_bytes()).unwrap_err();
    assert_eq!(assert_clean(&err), "missing required field `max_tokens`");
    assert!(
        openai::parse_request(body.as_bytes()).is_ok(),
        "OpenAI does not require a limit"
    );
}

#[test]
fn numeric_content_is_a_type_error_naming_the_path() {
    let openai_body = r#"{"model": "m", "messages": [{"role": "user", "content": "ok"}, {"role": "user", "content": 12345}]}"#;
    let anthropic_body =
        r#"{"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": 12345}]}"#;
    let err = openai::parse_request(openai_body.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid field `messages[1].content`: expected string or array, got number"
    );
    assert!(
        !err.to_string().contains("12345"),
        "the value is not echoed"
    );
    let err = anthropic::parse_request(anthropic_body.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid field `messages[0].content`: expected string or array, got number"
    );
}

#[test]
fn wrong_types_elsewhere_are_reported_without_values() {
    let cases = [
        r#"{"model": 7, "messages": []}"#.to_owned(),
        format!(r#"{{"model": "m", "messages": "{SECRET}"}}"#),
        format!(r#"{{"model": "m", "messages": [], "temperature": "{SECRET}"}}"#),
        r#"{"model": "m", "messages": [], "stop": [1]}"#.to_owned(),
        format!(
            r#"{{"model": "m", "messages": [{{"role": "user", "content": [{{"type": "text", "text": {{"x": "{SECRET}"}}}}]}}]}}"#
        ),
    ];
    for body in &cases {
        let err = openai::parse_request(body.as_bytes()).unwrap_err();
        let msg = assert_clean(&err);
        assert!(
            matches!(err, WireError::InvalidField { .. }),
            "{body} → {msg}"
        );
    }
}

#[test]
fn body_that_is_not_an_object_is_rejected() {
    let err = openai::parse_request(b"[1, 2]").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid field `(body)`: expected object, got array"
    );
}

#[test]
fn missing_tool_call_id_is_named_with_its_index() {
    let body = r#"{"model": "m", "messages": [{"role": "user", "content": "x"}, {"role": "tool", "content": "r"}]}"#;
    let err = openai::parse_request(body.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "missing required field `messages[1].tool_call_id`"
    );
}

#[test]
fn unsupported_content_says_so_without_echoing() {
    let body = format!(
        r#"{{"model": "c", "max_tokens": 5, "messages": [{{"role": "user", "content": [
        {{"type": "video", "source": {{"type": "text", "media_type": "text/plain", "data": "{SECRET}"}}}}]}}]}}"#
    );
    let err = anthropic::parse_request(body.as_bytes()).unwrap_err();
    let msg = assert_clean(&err);
    assert!(matches!(err, WireError::Unsupported { .. }), "{msg}");
    assert!(msg.contains("messages[0].content[0].type"), "{msg}");
}
