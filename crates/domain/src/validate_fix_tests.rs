//! Pasted keys, URL edge cases, and fixes that must converge.

use super::tests::{draft, fixes, replace};
use super::*;

#[test]
fn a_key_pasted_into_a_text_field_is_refused_without_echoing_it() {
    let pasted = [
        "AIzaSyD-abcdefghijklmnopqrstuvwxyz012",
        "gsk_abcdefghijklmnopqrstuvwx",
        "Ab3dEf6hIj9kLmN0pQr3sTu6VwX9",
    ];
    for key in pasted {
        let mut d = draft(BackendKind::OpenAi, key, "https://api.openai.com/v1");
        d.default_model = key.into();
        let v = validate_backend(&d, &[]);
        let name = v
            .issues
            .iter()
            .find(|i| i.field == Field::Name)
            .expect("name issue");
        assert!(
            name.message.contains("looks like an API key"),
            "{key}: {:?}",
            name
        );
        assert!(name.fix.is_none(), "a fix would echo the key");
        assert!(
            !format!("{v:?}").contains(&key[6..]),
            "the key is not echoed"
        );
        let label = validate_key(BackendKind::OpenAi, key, "sk-abcdefghijklmnopqrst", &[]);
        assert!(!label.is_ok(), "{key} as a label must be refused");
    }
    let model = validate_backend(
        &BackendDraft {
            default_model: "meta-llama/Llama-3.3-70B-Instruct-Turbo".into(),
            ..draft(BackendKind::OpenAiCompatible, "p", "https://x.org/v1")
        },
        &[],
    );
    assert!(
        model.is_ok(),
        "real model ids are not mistaken for keys: {:?}",
        model.issues
    );
}

#[test]
fn broken_schemes_and_local_hosts_get_sensible_fixes() {
    let fix_for = |url: &str| {
        fixes(
            &validate_backend(&draft(BackendKind::OpenAiCompatible, "p", url), &[]),
            Field::BaseUrl,
        )
    };
    assert_eq!(
        fix_for("https:/api.example.com/v1"),
        [replace("https://api.example.com/v1")]
    );
    assert_eq!(
        fix_for("http//localhost:8080/v1"),
        [replace("http://localhost:8080/v1")]
    );
    assert_eq!(fix_for("[::1]:8080/v1"), [replace("http://[::1]:8080/v1")]);
    assert_eq!(
        fix_for("http://0.0.0.0:8080/v1"),
        [replace("http://127.0.0.1:8080/v1")]
    );
    // Used to slice inside a multi-byte character.
    let v = validate_backend(
        &draft(BackendKind::OpenAiCompatible, "p", "http:/é.com/x://"),
        &[],
    );
    assert!(!v.is_ok());
}

#[test]
fn following_the_offered_fixes_always_ends_in_a_valid_field() {
    let long = "n".repeat(MAX_NAME_CHARS);
    let cases = [
        (
            draft(BackendKind::OpenAi, " Work ", " http://api.openai.com/ "),
            vec!["Work"],
        ),
        (
            draft(BackendKind::OpenAi, &long, "api.openai.com"),
            vec![long.as_str()],
        ),
        (
            draft(BackendKind::Mistral, "m", "https:/api.mistral.ai/"),
            vec![],
        ),
        (
            draft(BackendKind::Anthropic, "a", "https://api.anthropic.com/v1/"),
            vec![],
        ),
        (
            draft(
                BackendKind::OpenAiCompatible,
                "x",
                "https://x.org/v1/?q=1#f",
            ),
            vec![],
        ),
    ];
    for (mut d, taken) in cases {
        for _ in 0..10 {
            let v = validate_backend(&d, &taken);
            let Some(issue) = v
                .issues
                .iter()
                .find(|i| matches!(i.fix, Some(Fix::Replace { .. })))
            else {
                break;
            };
            let Some(Fix::Replace { value }) = issue.fix.clone() else {
                unreachable!()
            };
            match issue.field {
                Field::Name => d.name = value,
                Field::BaseUrl => d.base_url = value,
                Field::DefaultModel => d.default_model = value,
                other => panic!("unexpected field {other:?}"),
            }
        }
        let v = validate_backend(&d, &taken);
        assert!(
            v.issues.is_empty(),
            "fixes must converge to a clean draft: {d:?} → {:?}",
            v.issues
        );
    }
    let labels = ["default", "default 2"];
    let v = validate_key(BackendKind::OpenAi, "", "sk-abcdefghijklmnopqrst", &labels);
    assert_eq!(
        fixes(&v, Field::KeyLabel),
        [replace("default 3")],
        "the offered label is free"
    );
}

#[test]
fn free_names_fit_the_limit() {
    assert_eq!(free_name("a", &[], 10), "a");
    assert_eq!(free_name("abcdefghij", &["abcdefghij"], 10), "abcdefgh 2");
    assert_eq!(free_name("x", &["x", "X 2"], 10), "x 3");
}

#[test]
fn articles_read_naturally() {
    let v = validate_key(BackendKind::OpenAi, "k", "gsk_abcdefghijklmnopqrstu", &[]);
    assert_eq!(
        v.issues[0].message,
        "This looks like a Groq key, not OpenAI."
    );
}
