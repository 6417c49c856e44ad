use super::*;
use crate::SourceRefused;

pub(super) fn draft(kind: BackendKind, name: &str, base_url: &str) -> BackendDraft {
    BackendDraft {
        name: name.into(),
        kind,
        base_url: base_url.into(),
        default_model: match kind.spec().default_model {
            "" => "local-model".into(),
            m => m.into(),
        },
    }
}

pub(super) fn fixes(v: &Validation, field: Field) -> Vec<Fix> {
    v.issues
        .iter()
        .filter(|i| i.field == field)
        .filter_map(|i| i.fix.clone())
        .collect()
}

pub(super) fn replace(value: &str) -> Fix {
    Fix::Replace {
        value: value.into(),
    }
}

#[test]
fn defaults_of_every_kind_are_valid() {
    for kind in BackendKind::ALL {
        if kind == BackendKind::OpenAiCompatible {
            continue;
        }
        let v = validate_backend(&draft(kind, "x", kind.spec().default_base_url), &[]);
        assert!(
            v.issues.is_empty(),
            "{kind:?} defaults should pass: {:?}",
            v.issues
        );
    }
}

#[test]
fn whitespace_is_offered_as_a_fix_not_applied() {
    let v = validate_backend(
        &draft(BackendKind::OpenAi, "  Work ", "https://api.openai.com/v1 "),
        &[],
    );
    assert!(!v.is_ok());
    assert_eq!(fixes(&v, Field::Name), [replace("Work")]);
    assert_eq!(
        fixes(&v, Field::BaseUrl),
        [replace("https://api.openai.com/v1")]
    );
}

#[test]
fn empty_name_is_required() {
    let v = validate_backend(
        &draft(BackendKind::OpenAi, " ", "https://api.openai.com/v1"),
        &[],
    );
    assert_eq!(
        v.first_error().map(|i| i.message.as_str()),
        Some("Name is required.")
    );
}

#[test]
fn duplicate_names_are_caught_case_insensitively_with_a_free_name_offered() {
    let v = validate_backend(
        &draft(BackendKind::OpenAi, "openai", "https://api.openai.com/v1"),
        &["OpenAI", "openai 2"],
    );
    assert!(!v.is_ok());
    assert_eq!(fixes(&v, Field::Name), [replace("openai 3")]);
}

#[test]
fn missing_v1_suffix_is_a_warning_with_the_fix() {
    let v = validate_backend(
        &draft(BackendKind::OpenAi, "o", "https://api.openai.com"),
        &[],
    );
    assert!(v.is_ok(), "a missing /v1 is suspicious, not fatal");
    assert_eq!(
        fixes(&v, Field::BaseUrl),
        [replace("https://api.openai.com/v1")]
    );
}

#[test]
fn trailing_slash_is_offered_for_removal() {
    let v = validate_backend(
        &draft(BackendKind::Mistral, "m", "https://api.mistral.ai/v1/"),
        &[],
    );
    assert!(v.is_ok());
    assert_eq!(
        fixes(&v, Field::BaseUrl),
        [replace("https://api.mistral.ai/v1")]
    );
}

#[test]
fn anthropic_base_with_v1_is_offered_without_it() {
    let v = validate_backend(
        &draft(BackendKind::Anthropic, "a", "https://api.anthropic.com/v1"),
        &[],
    );
    assert_eq!(
        fixes(&v, Field::BaseUrl),
        [replace("https://api.anthropic.com")]
    );
}

#[test]
fn http_is_refused_except_for_localhost() {
    let v = validate_backend(
        &draft(
            BackendKind::OpenAiCompatible,
            "p",
            "http://proxy.example.com/v1",
        ),
        &[],
    );
    assert!(!v.is_ok());
    assert_eq!(
        fixes(&v, Field::BaseUrl),
        [replace("https://proxy.example.com/v1")]
    );
    for local in [
        "http://localhost:8080/v1",
        "http://127.0.0.1:1234/v1",
        "http://[::1]:9/v1",
    ] {
        let v = validate_backend(&draft(BackendKind::OpenAiCompatible, "p", local), &[]);
        assert!(
            v.issues.is_empty(),
            "{local} should be fine: {:?}",
            v.issues
        );
    }
}

#[test]
fn missing_scheme_gets_https_or_http_for_local() {
    let v = validate_backend(
        &draft(BackendKind::OpenAiCompatible, "p", "api.together.xyz/v1"),
        &[],
    );
    assert_eq!(
        fixes(&v, Field::BaseUrl),
        [replace("https://api.together.xyz/v1")]
    );
    let v = validate_backend(&draft(BackendKind::Ollama, "o", "localhost:11434"), &[]);
    assert_eq!(
        fixes(&v, Field::BaseUrl),
        [replace("http://localhost:11434")]
    );
}

#[test]
fn garbage_urls_get_a_clear_message() {
    for bad in [
        "https://",
        "https://exa mple.com",
        "ftp://x.org/v1",
        "https://u:p@x.org/v1",
    ] {
        let v = validate_backend(&draft(BackendKind::OpenAiCompatible, "p", bad), &[]);
        assert!(!v.is_ok(), "{bad} must be rejected");
        assert!(v.first_error().is_some_and(|i| i.field == Field::BaseUrl));
    }
    let v = validate_backend(
        &draft(BackendKind::OpenAiCompatible, "p", "https://x.org/v1?key=1"),
        &[],
    );
    assert_eq!(fixes(&v, Field::BaseUrl), [replace("https://x.org/v1")]);
}

#[test]
fn openai_compatible_requires_a_base_url_and_model() {
    let mut d = draft(BackendKind::OpenAiCompatible, "p", "");
    d.default_model = " ".into();
    let v = validate_backend(&d, &[]);
    let fields: Vec<_> = v.issues.iter().map(|i| i.field).collect();
    assert_eq!(fields, [Field::BaseUrl, Field::DefaultModel]);
}

#[test]
fn a_key_of_another_kind_is_recognised() {
    let v = validate_key(
        BackendKind::OpenAi,
        "default",
        "sk-ant-api03-abcdefghijklmnop",
        &[],
    );
    assert!(v.is_ok(), "a mismatched prefix warns, it does not block");
    let issue = &v.issues[0];
    assert_eq!(
        issue.message,
        "This looks like an Anthropic key, not OpenAI."
    );
    assert_eq!(
        issue.fix,
        Some(Fix::SwitchKind {
            kind: BackendKind::Anthropic
        })
    );
}

#[test]
fn keys_without_the_usual_prefix_warn() {
    let v = validate_key(BackendKind::Groq, "default", "abcdefghijklmnopqrstu", &[]);
    assert_eq!(v.issues[0].message, "Groq keys usually start with “gsk_”.");
    assert!(v.is_ok());
}

#[test]
fn empty_oversized_and_spaced_keys_are_errors() {
    let empty = validate_key(BackendKind::OpenAi, "default", "   ", &[]);
    assert_eq!(
        empty.first_error().map(|i| i.message.as_str()),
        Some("Key is empty.")
    );
    let huge = "sk-".to_string() + &"a".repeat(2000);
    assert!(!validate_key(BackendKind::OpenAi, "default", &huge, &[]).is_ok());
    let spaced = validate_key(
        BackendKind::OpenAi,
        "default",
        " sk-abcdefghijklmnop\n",
        &[],
    );
    assert_eq!(fixes(&spaced, Field::KeyValue), [Fix::TrimKey]);
    let inner = validate_key(BackendKind::OpenAi, "default", "sk-abc defghijklmnop", &[]);
    assert!(!inner.is_ok());
}

#[test]
fn validation_never_echoes_the_key() {
    let key = "sk-ant-SECRETSECRETSECRET";
    // Around it, and inside it: a line break, a tab, a NUL, an escape, a non-ASCII letter.
    for value in [
        format!(" {key} "),
        format!("{key}\n"),
        "sk-SECRET\nSECRETSECRET".to_string(),
        "sk-SECRET\tSECRET".to_string(),
        "sk-SECRET\0SECRET".to_string(),
        "sk-SECRET\u{1b}[2JSECRET".to_string(),
        "sk-SECRETé".to_string(),
    ] {
        let v = validate_key(BackendKind::OpenAi, "x", &value, &[]);
        assert!(!v.is_ok(), "{value:?} is refused");
        let json = format!("{v:?}");
        assert!(
            !json.contains("SECRET"),
            "validation output leaks the key: {json}"
        );
    }
}

#[test]
fn labels_are_unique_per_backend() {
    let v = validate_key(
        BackendKind::OpenAi,
        "Work",
        "sk-abcdefghijklmnopqrst",
        &["work"],
    );
    assert_eq!(fixes(&v, Field::KeyLabel), [replace("Work 2")]);
}

#[test]
fn demo_takes_no_key() {
    assert!(!validate_key(BackendKind::Demo, "default", "anything", &[]).is_ok());
}

#[test]
fn a_release_is_read_over_https_or_from_this_machine_only() {
    for ok in [
        "https://mirror.example.org/latest.json",
        "http://127.0.0.1:8080/latest.json",
        "http://[::1]/latest.json",
        "http://localhost/latest.json",
    ] {
        assert!(crate::release_source(ok).is_ok(), "{ok}");
    }
    for (bad, refused) in [
        ("http://mirror.example.org/x.json", SourceRefused::PlainHttp),
        ("http://10.0.0.2/latest.json", SourceRefused::PlainHttp),
        ("file:///etc/passwd", SourceRefused::Scheme("file:".into())),
        (
            "ftp://mirror.example.org/x.json",
            SourceRefused::Scheme("ftp:".into()),
        ),
    ] {
        assert_eq!(crate::release_source(bad), Err(refused), "{bad}");
    }
    assert!(
        SourceRefused::PlainHttp
            .to_string()
            .contains("plain HTTP to another machine"),
        "the Updates field says what is wrong with the address"
    );
    assert!(matches!(
        crate::release_source("not an address"),
        Err(SourceRefused::NotAnAddress(_))
    ));
}
