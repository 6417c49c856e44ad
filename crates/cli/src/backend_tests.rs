//! `backend add`'s argument parsing and the listing, without a core.

use super::*;

/// `backend add`'s arguments as the command line parses them; `Err` is what it prints.
fn parse(args: &[&str]) -> Result<AddArgs, String> {
    let words: Vec<&str> = ["backend", "add"].iter().chain(args).copied().collect();
    match crate::parse(&words) {
        Ok(crate::Cli {
            command: crate::Command::Backend(BackendCommand::Add(a)),
        }) => Ok(a),
        Ok(other) => Err(format!("parsed as another command: {other:?}")),
        Err((code, text)) => {
            assert_eq!(code, 2, "a usage error exits 2: {text}");
            Err(text)
        }
    }
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
        let a = parse(&["A", "--kind", name, "--base-url", "http://127.0.0.1:9/v1"]).unwrap();
        assert_eq!(a.kind, kind, "--kind {name}");
    }
    for kind in BackendKind::ALL {
        assert_eq!(
            BackendKind::from_name(kind.as_str()),
            Some(kind),
            "the stable id round-trips"
        );
        assert_eq!(BackendKind::from_name(kind.cli_name()), Some(kind));
    }
    assert_eq!(BackendKind::from_name("cohere"), None);
    assert_eq!(BackendKind::from_name(""), None);
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
            base_url: Some("http://127.0.0.1:9/v1".into()),
            model: Some("mock-chat".into()),
            key_stdin: true,
            key_label: Some("ci".into()),
            limits: Default::default(),
        }
    );
}

#[test]
fn without_a_model_or_address_the_draft_uses_the_kinds_defaults() {
    let a = parse(&["MyOpenAI", "--kind", "openai"]).unwrap();
    assert_eq!((a.model.as_deref(), a.base_url.as_deref()), (None, None));
    let d = a.draft();
    assert_eq!(
        (d.default_model.as_str(), d.base_url.as_str()),
        ("gpt-4.1-mini", "https://api.openai.com/v1"),
        "every kind with a default address needs no --base-url"
    );
    assert!(!a.key_stdin);
    for kind in BackendKind::ALL {
        let needs_url = kind.spec().default_base_url.is_empty();
        let parsed = parse(&["B", "--kind", kind.cli_name()]);
        assert_eq!(parsed.is_err(), needs_url, "{kind:?}: {parsed:?}");
    }
}

#[test]
fn usage_errors_name_the_problem() {
    let cases: [(&[&str], &str); 8] = [
        (&["--kind", "openai"], "<NAME>"),
        (&["A", "--base-url", "https://x.org/v1"], "--kind <KIND>"),
        (
            &["A", "--kind", "openai-compatible"],
            "--base-url is required for kind openai-compatible",
        ),
        (
            &["A", "--kind", "cohere"],
            "invalid value 'cohere' for '--kind <KIND>'",
        ),
        (&["A", "B", "--kind", "openai"], "unexpected argument 'B'"),
        (
            &["A", "--kind", "openai", "--base-url"],
            "a value is required for '--base-url <URL>'",
        ),
        (
            &["A", "--kind", "openai", "--kind", "groq"],
            "cannot be used multiple times",
        ),
        (
            &["A", "--kind", "openai", "--key-label", "x"],
            "--key-stdin",
        ),
    ];
    for (args, want) in cases {
        let err = parse(args).unwrap_err();
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(err.contains("--help"), "it says where to read more: {err}");
    }
    let listed = parse(&["A", "--kind", "cohere"]).unwrap_err();
    assert!(
        listed.contains("openai-compatible"),
        "the kinds are listed: {listed}"
    );
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
    let key = super::super::io::read_key(&mut input).unwrap();
    assert_eq!(key.expose(), "sk-abc123");
    let mut empty: &[u8] = b"";
    assert_eq!(super::super::io::read_key(&mut empty).unwrap().expose(), "");
}

#[test]
fn issues_show_severity_field_and_message_but_never_the_fix() {
    use super::super::io::issue_line;
    use switchyard_domain::Issue;
    let issue = Issue::error(
        switchyard_domain::Field::BaseUrl,
        switchyard_domain::IssueCode::Format,
        "Base URL must start with https:// (or http:// for localhost).",
    )
    .with_fix(switchyard_domain::Fix::Replace {
        value: "https://sk-secret".into(),
    });
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
        "NAME         KIND              BASE URL               ENABLED  KEYS\n\
         Demo         demo              (built in)             yes      0\n\
         Mock OpenAI  openAiCompatible  http://127.0.0.1:9/v1  no       2\n"
    );
}
