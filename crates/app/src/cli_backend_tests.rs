//! `backend add`'s argument parsing and the listing, without a core.

use super::*;

fn parse(args: &[&str]) -> Result<AddArgs, String> {
    AddArgs::parse(args)
}

#[test]
fn every_documented_kind_name_and_stable_id_is_accepted() {
    let cases = [
        ("openai", BackendKind::OpenAi),
        ("anthropic", BackendKind::Anthropic),
        ("gemini", BackendKind::Gemini),
        ("mistral", BackendKind::Mistral),
        ("groq", BackendKind::Groq),
        ("openrouter", BackendKind::OpenRouter),
        ("ollama", BackendKind::Ollama),
        ("openai-compatible", BackendKind::OpenAiCompatible),
        ("openAi", BackendKind::OpenAi),
        ("openRouter", BackendKind::OpenRouter),
        ("openAiCompatible", BackendKind::OpenAiCompatible),
        ("OpenAI", BackendKind::OpenAi),
    ];
    for (name, kind) in cases {
        assert_eq!(parse_kind(name), Some(kind), "--kind {name}");
    }
    for kind in BackendKind::ALL {
        assert_eq!(
            parse_kind(kind.as_str()),
            Some(kind),
            "the stable id round-trips"
        );
    }
    assert_eq!(parse_kind("cohere"), None);
    assert_eq!(parse_kind(""), None);
}

#[test]
fn a_full_add_line_parses_in_any_order_and_with_equals_signs() {
    let a = parse(&[
        "--kind",
        "openai-compatible",
        "Mock",
        "--base-url=http://127.0.0.1:9/v1",
        "--model",
        "mock-chat",
        "--key-stdin",
        "--key-label",
        "ci",
    ])
    .unwrap();
    assert_eq!(
        a,
        AddArgs {
            name: "Mock".into(),
            kind: BackendKind::OpenAiCompatible,
            base_url: "http://127.0.0.1:9/v1".into(),
            model: Some("mock-chat".into()),
            key_stdin: true,
            key_label: Some("ci".into()),
        }
    );
}

#[test]
fn without_a_model_the_draft_uses_the_kinds_default() {
    let a = parse(&[
        "OpenAI",
        "--kind",
        "openai",
        "--base-url",
        "https://api.openai.com/v1",
    ])
    .unwrap();
    assert_eq!(a.model, None);
    assert_eq!(a.draft().default_model, "gpt-4.1-mini");
    assert!(!a.key_stdin);
}

#[test]
fn usage_errors_name_the_problem() {
    let cases: [(&[&str], &str); 9] = [
        (
            &["--kind", "openai", "--base-url", "https://x.org/v1"],
            "needs a NAME",
        ),
        (
            &["A", "--base-url", "https://x.org/v1"],
            "--kind is required",
        ),
        (&["A", "--kind", "openai"], "--base-url is required"),
        (
            &["A", "--kind", "cohere", "--base-url", "u"],
            "unknown kind “cohere”",
        ),
        (
            &["A", "B", "--kind", "openai", "--base-url", "u"],
            "unexpected argument “B”",
        ),
        (
            &["A", "--kind", "openai", "--base-url"],
            "--base-url needs a value",
        ),
        (
            &["A", "--kind", "openai", "--kind", "groq", "--base-url", "u"],
            "--kind is given twice",
        ),
        (
            &["A", "--kind", "openai", "--base-url", "u", "--key", "sk-x"],
            "unknown option “--key”",
        ),
        (
            &[
                "A",
                "--kind",
                "openai",
                "--base-url",
                "u",
                "--key-label",
                "x",
            ],
            "--key-label goes with --key-stdin",
        ),
    ];
    for (args, want) in cases {
        let err = parse(args).unwrap_err();
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(err.contains("usage:"), "the usage follows the problem");
    }
}

#[test]
fn a_name_may_start_with_a_dash_after_double_dash() {
    let a = parse(&[
        "--kind",
        "groq",
        "--base-url",
        "https://api.groq.com/openai/v1",
        "--",
        "-x",
    ])
    .unwrap();
    assert_eq!(a.name, "-x");
}

#[test]
fn the_key_is_one_trimmed_line_of_stdin() {
    let mut input: &[u8] = b"  sk-abc123  \nsecond line\n";
    let key = read_key(&mut input).unwrap();
    assert_eq!(key.expose(), "sk-abc123");
    let mut empty: &[u8] = b"";
    assert_eq!(read_key(&mut empty).unwrap().expose(), "");
}

#[test]
fn issues_show_severity_field_and_message_but_never_the_fix() {
    let issue = Issue {
        field: switchyard_core::Field::BaseUrl,
        severity: Severity::Error,
        message: "Base URL must start with https:// (or http:// for localhost).".into(),
        fix: Some(switchyard_core::Fix::Replace {
            value: "https://sk-secret".into(),
        }),
    };
    let line = issue_line(&issue);
    assert_eq!(
        line,
        "switchyard: error: baseUrl: Base URL must start with https:// (or http:// for localhost)."
    );
}

#[test]
fn the_listing_aligns_columns_and_shows_the_demo_as_built_in() {
    let lines = [
        BackendLine {
            id: "a".into(),
            name: "Demo".into(),
            kind: "demo",
            base_url: String::new(),
            default_model: "demo-chat".into(),
            enabled: true,
            key_count: 0,
        },
        BackendLine {
            id: "b".into(),
            name: "Mock OpenAI".into(),
            kind: "openAiCompatible",
            base_url: "http://127.0.0.1:9/v1".into(),
            default_model: "m".into(),
            enabled: false,
            key_count: 2,
        },
    ];
    assert_eq!(
        table(&lines),
        "NAME         KIND              BASE URL               ENABLED   KEYS\n\
         Demo         demo              (built in)             yes       0\n\
         Mock OpenAI  openAiCompatible  http://127.0.0.1:9/v1  no        2\n"
    );
}
