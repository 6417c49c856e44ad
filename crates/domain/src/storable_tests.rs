#![allow(clippy::unwrap_used)]

use super::*;
use crate::ErrorClass;

fn nul_everywhere() -> RequestRecord {
    let t = |s: &str| format!("{s}\0x");
    RequestRecord {
        id: t("id"),
        started_at: t("2026"),
        token_name: Some(t("codex")),
        inbound: t("openai"),
        route: Some(t("fast")),
        requested_model: t("demo"),
        backend: Some(t("Demo")),
        key_label: Some(t("main")),
        model: Some(t("demo-chat")),
        status: 500,
        error_class: Some(ErrorClass::Upstream5xx),
        reason: Some(t("priority")),
        cache: Some(t("miss")),
        provider_id: Some(t("chatcmpl")),
        client_id: Some(t("resp")),
        attempt_list: vec![AttemptRecord {
            n: 1,
            backend: t("Demo"),
            key_label: Some(t("main")),
            model: t("demo-chat"),
            status: Some(500),
            error_class: None,
            latency_ms: 3,
        }],
        ..Default::default()
    }
}

#[test]
fn every_nul_in_a_record_becomes_the_replacement_character_and_nothing_else_changes() {
    let record = nul_everywhere();
    assert!(!record.is_storable());
    let stored = Storable::of(&record);
    assert!(stored.is_storable());
    let json = serde_json::to_string(&*stored).unwrap();
    assert!(
        !json.contains("\\u0000"),
        "no NUL escape left for jsonb to refuse: {json}"
    );
    assert_eq!(
        json.matches('\u{FFFD}').count(),
        16,
        "every string field, the attempts' too, each NUL kept visible: {json}"
    );
    assert_eq!(stored.requested_model, "demo\u{FFFD}x");
    assert_eq!(
        (
            stored.status,
            stored.error_class,
            stored.attempt_list[0].latency_ms
        ),
        (500, Some(ErrorClass::Upstream5xx), 3),
        "what is not text is as it was"
    );
}

#[test]
fn a_storable_record_is_borrowed_not_copied() {
    let record = RequestRecord {
        requested_model: "claude-sonnet-4-5\t\u{7f}é".into(),
        ..Default::default()
    };
    let stored = Storable::of(&record);
    assert!(
        std::ptr::eq(&*stored, &record),
        "the ledger's hot path pays a scan, not a copy"
    );
    assert_eq!(
        *stored, record,
        "only NUL is unstorable; other controls are the intake's to refuse"
    );
}

#[test]
fn text_and_first_control_say_what_they_found_without_the_value() {
    assert_eq!(text("a\0b\0"), "a\u{FFFD}b\u{FFFD}");
    assert!(matches!(text("plain"), Cow::Borrowed("plain")));
    assert_eq!(first_control("gpt-4o"), None);
    assert_eq!(first_control("gpt\u{0}"), Some(3));
    assert_eq!(
        first_control("é\u{1b}[31m"),
        Some(1),
        "counted in characters"
    );
    assert_eq!(first_control("x\u{85}"), Some(1), "C1 controls too");
    assert_eq!(first_control("x\u{7f}"), Some(1), "and DEL");
}
