//! Table behaviour against a real SQLite database.

use super::*;
use switchyard_domain::{BackendDraft, BackendKind, CheckOutcome};

fn draft(name: &str) -> BackendDraft {
    BackendDraft {
        name: name.into(),
        kind: BackendKind::OpenAi,
        base_url: "https://api.openai.com/v1".into(),
        default_model: "gpt-4.1-mini".into(),
    }
}

#[test]
fn backends_are_listed_in_insertion_order_and_reorderable() {
    let s = Store::open_in_memory().unwrap();
    for (id, name) in [("a", "A"), ("b", "B"), ("c", "C")] {
        s.backends().insert_backend(id, &draft(name), true).unwrap();
    }
    let names = |s: &Store| {
        s.backends()
            .list_backends()
            .unwrap()
            .into_iter()
            .map(|b| b.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&s), ["A", "B", "C"]);
    s.backends()
        .reorder_backends(&["c".into(), "a".into(), "b".into()])
        .unwrap();
    assert_eq!(names(&s), ["C", "A", "B"]);
}

#[test]
fn names_are_unique_ignoring_case() {
    let s = Store::open_in_memory().unwrap();
    s.backends()
        .insert_backend("a", &draft("Work"), true)
        .unwrap();
    let err = s
        .backends()
        .insert_backend("b", &draft("work"), true)
        .unwrap_err();
    assert!(
        err.is_unique_violation(),
        "expected a unique violation, got {err}"
    );
    assert_eq!(
        s.backends().list_backends().unwrap().len(),
        1,
        "the failed insert left nothing behind"
    );
}

#[test]
fn update_enable_and_missing_rows() {
    let s = Store::open_in_memory().unwrap();
    s.backends().insert_backend("a", &draft("A"), true).unwrap();
    let mut d = draft("Renamed");
    d.kind = BackendKind::Groq;
    let row = s.backends().update_backend("a", &d).unwrap().unwrap();
    assert_eq!(
        (row.name.as_str(), row.kind),
        ("Renamed", BackendKind::Groq)
    );
    assert!(s.backends().set_backend_enabled("a", false).unwrap());
    assert!(!s.backends().get_backend("a").unwrap().unwrap().enabled);
    assert!(s
        .backends()
        .update_backend("missing", &d)
        .unwrap()
        .is_none());
    assert!(!s.backends().set_backend_enabled("missing", true).unwrap());
}

#[test]
fn deleting_a_backend_removes_its_keys_and_checks() {
    let s = Store::open_in_memory().unwrap();
    s.backends().insert_backend("a", &draft("A"), true).unwrap();
    s.keys().insert_key("k1", "a", "work", "sk-…abcd").unwrap();
    s.checks()
        .record_check(&CheckRow {
            backend_id: "a".into(),
            key_id: Some("k1".into()),
            outcome: CheckOutcome::Valid,
            latency_ms: Some(12),
            http_status: Some(200),
            message: "valid".into(),
            checked_at: now(),
        })
        .unwrap();
    assert!(s.backends().delete_backend("a").unwrap());
    assert!(s.keys().list_keys().unwrap().is_empty());
    assert!(s.checks().list_checks().unwrap().is_empty());
}

#[test]
fn keys_have_unique_labels_per_backend_and_keep_order() {
    let s = Store::open_in_memory().unwrap();
    s.backends().insert_backend("a", &draft("A"), true).unwrap();
    s.backends().insert_backend("b", &draft("B"), true).unwrap();
    s.keys().insert_key("k1", "a", "work", "sk-…1111").unwrap();
    s.keys()
        .insert_key("k2", "a", "personal", "sk-…2222")
        .unwrap();
    s.keys()
        .insert_key("k3", "b", "work", "sk-…3333")
        .expect("same label on another backend is fine");
    assert!(s
        .keys()
        .insert_key("k4", "a", "WORK", "sk-…4444")
        .unwrap_err()
        .is_unique_violation());
    let labels: Vec<_> = s
        .keys()
        .keys_of("a")
        .unwrap()
        .into_iter()
        .map(|k| k.label)
        .collect();
    assert_eq!(labels, ["work", "personal"]);
    assert!(s.keys().delete_key("k1").unwrap());
    assert!(!s.keys().delete_key("k1").unwrap());
}

#[test]
fn checks_replace_the_previous_one() {
    let s = Store::open_in_memory().unwrap();
    s.backends().insert_backend("a", &draft("A"), true).unwrap();
    let mut check = CheckRow {
        backend_id: "a".into(),
        key_id: None,
        outcome: CheckOutcome::Timeout,
        latency_ms: None,
        http_status: None,
        message: "timed out".into(),
        checked_at: now(),
    };
    s.checks().record_check(&check).unwrap();
    check.outcome = CheckOutcome::Valid;
    s.checks().record_check(&check).unwrap();
    let checks = s.checks().list_checks().unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].outcome, CheckOutcome::Valid);
    assert_eq!(checks[0].key_id, None);
}

#[test]
fn settings_round_trip_json() {
    let s = Store::open_in_memory().unwrap();
    assert_eq!(s.settings().get_setting("theme").unwrap(), None);
    s.settings()
        .set_setting("theme", &serde_json::json!("dark"))
        .unwrap();
    s.settings()
        .set_setting("theme", &serde_json::json!("light"))
        .unwrap();
    assert_eq!(
        s.settings().get_setting("theme").unwrap(),
        Some(serde_json::json!("light"))
    );
}
