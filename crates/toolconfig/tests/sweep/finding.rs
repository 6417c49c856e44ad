//! What is found: exact findings per fixture, the look-alikes that are not keys, and the rules
//! that pick a kind.

use super::*;

#[test]
fn bashrc_findings() {
    assert_findings(
        ".bashrc",
        &[
            (9, "OPENAI_API_KEY", BackendKind::OpenAi, "sk-proj-…QCm7"),
            (
                10,
                "ANTHROPIC_API_KEY",
                BackendKind::Anthropic,
                "sk-ant-…QAh6",
            ),
            (11, "GROQ_API_KEY", BackendKind::Groq, "gsk_…vkBz"),
            (19, "OPENAI_API_KEY", BackendKind::OpenAi, "sk-…vYph"),
            (
                20,
                "OPENROUTER_API_KEY",
                BackendKind::OpenRouter,
                "sk-or-…SNvp",
            ),
        ],
    );
}

#[test]
fn zshrc_findings() {
    assert_findings(
        ".zshrc",
        &[
            (
                6,
                "ANTHROPIC_API_KEY",
                BackendKind::Anthropic,
                "sk-ant-…QAh6",
            ),
            (8, "GEMINI_API_KEY", BackendKind::Gemini, "AIza…28u4"),
            (
                10,
                "MY_PROJECT_TOKEN",
                BackendKind::OpenAi,
                "sk-svcacct-…BfYL",
            ),
            (
                14,
                "OPENROUTER_API_KEY",
                BackendKind::OpenRouter,
                "sk-or-…SNvp",
            ),
            (15, "OPENAI_API_KEY", BackendKind::OpenAi, "sk-proj-…QCm7"),
        ],
    );
}

#[test]
fn profile_findings_include_mistral_by_name() {
    assert_findings(
        ".profile",
        &[
            (7, "MISTRAL_API_KEY", BackendKind::Mistral, "…4sF6"),
            (10, "OPENAI_API_KEY", BackendKind::OpenAi, "sk-proj-…QCm7"),
        ],
    );
}

#[test]
fn fish_findings() {
    assert_findings(
        "config.fish",
        &[
            (4, "OPENAI_API_KEY", BackendKind::OpenAi, "sk-proj-…QCm7"),
            (
                5,
                "ANTHROPIC_API_KEY",
                BackendKind::Anthropic,
                "sk-ant-…QAh6",
            ),
            (6, "GROQ_API_KEY", BackendKind::Groq, "gsk_…vkBz"),
            (12, "GOOGLE_API_KEY", BackendKind::Gemini, "AIza…28u4"),
        ],
    );
}

#[test]
fn dotenv_findings() {
    assert_findings(
        "project.env",
        &[
            (2, "OPENAI_API_KEY", BackendKind::OpenAi, "sk-proj-…QCm7"),
            (
                3,
                "ANTHROPIC_API_KEY",
                BackendKind::Anthropic,
                "sk-ant-…QAh6",
            ),
            (4, "GROQ_API_KEY", BackendKind::Groq, "gsk_…vkBz"),
            (
                11,
                "app.openrouter.key",
                BackendKind::OpenRouter,
                "sk-or-…SNvp",
            ),
        ],
    );
}

#[test]
fn aider_yaml_findings() {
    assert_findings(
        "aider.conf.yml",
        &[
            (7, "openai-api-key", BackendKind::OpenAi, "sk-proj-…QCm7"),
            (
                10,
                "anthropic-api-key",
                BackendKind::Anthropic,
                "sk-ant-…QAh6",
            ),
            (17, "GROQ_API_KEY", BackendKind::Groq, "gsk_…vkBz"),
            (19, "gemini", BackendKind::Gemini, "AIza…28u4"),
            (20, "openrouter", BackendKind::OpenRouter, "sk-or-…SNvp"),
        ],
    );
}

#[test]
fn claude_settings_findings() {
    assert_findings(
        "settings.json",
        &[
            (
                4,
                "ANTHROPIC_API_KEY",
                BackendKind::Anthropic,
                "sk-ant-…QAh6",
            ),
            (6, "OPENAI_API_KEY", BackendKind::OpenAi, "sk-proj-…QCm7"),
        ],
    );
}

#[test]
fn opencode_findings_by_prefix_only() {
    assert_findings(
        "opencode.json",
        &[
            (6, "apiKey", BackendKind::OpenRouter, "sk-or-…SNvp"),
            (14, "apiKey", BackendKind::Groq, "gsk_…vkBz"),
        ],
    );
}

#[test]
fn toml_findings() {
    assert_findings(
        "config.toml",
        &[
            (
                10,
                "ANTHROPIC_API_KEY",
                BackendKind::Anthropic,
                "sk-ant-…QAh6",
            ),
            (13, "GEMINI_API_KEY", BackendKind::Gemini, "AIza…28u4"),
            (14, "api_key", BackendKind::OpenAi, "sk-proj-…QCm7"),
        ],
    );
}

#[test]
fn look_alikes_are_not_findings() {
    let shell = [
        "export OPENAI_API_KEY=$OTHER_KEY",
        "export OPENAI_API_KEY=${OPENAI_KEY}",
        "export OPENAI_API_KEY=\"$(op read op://Private/OpenAI/credential)\"",
        "export OPENAI_API_KEY=`cat ~/.openai`",
        "export OPENAI_API_KEY=",
        "export OPENAI_API_KEY=\"\"",
        "export OPENAI_API_KEY=your-key-here",
        "export OPENAI_API_KEY=sk-...",
        "export OPENAI_API_KEY=<key>",
        "export OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "export OPENAI_API_KEY=changeme",
        "export OPENAI_API_KEY=\"sk-proj-has a space 1234567890abcdef\"",
        "export OPENAI_API_KEY=sk-proj-a1B2c3",
        "export OPENAI_API_KEY=sy-tHa3wzNg9Md3rXF4xbfbyFxLLJBKof4sKq5pgtYK",
        "export OLLAMA_HOST=sk-proj-CANARYWKbsDE5kGZoDiPCFdcERFmdD5nHQrroDnobDQCm7",
        "export NOTE=\"our desk-top rollout is risk-free 2024\"",
        "export DOCS=https://example.invalid/sk-proj-CANARYWKbsDE5kGZoDiPCFdcERFmdD5nHQrroDn",
        "export HOST_ALIAS=desk-top-Workstation-2024-01",
        "# export OPENAI_API_KEY=sk-proj-CANARYWKbsDE5kGZoDiPCFdcERFmdD5nHQrroDnobDQCm7",
        "echo ok # OPENAI_API_KEY=sk-proj-CANARYWKbsDE5kGZoDiPCFdcERFmdD5nHQrroDnobDQCm7",
        "export MY_TOKEN=CANARYYe4xYZFQGQgNXPgqq6AgsY4sF6",
        "export GOOGLE_API_KEY=AIzaSy-short-1",
        "export GROQ_API_KEY=gsk_abcdefghijklmnopqrstuvwxyz",
        "export DESKTOP_SESSION=desk-top-session-name-here",
        "export OPENAI_API_KEY=op://Private/OpenAI/credential",
        "alias safe='echo risk-free-sk-thing'",
    ];
    for line in shell {
        assert_eq!(kinds(line, SourceKind::Shell), [], "{line:?} is not a key");
    }
    let others = [
        ("set -gx OPENAI_API_KEY (cat ~/.openai)", SourceKind::Fish),
        ("set -gx OPENAI_API_KEY $KEY", SourceKind::Fish),
        (
            "# set -gx OPENAI_API_KEY sk-proj-CANARYWKbsDE5kGZoDiPCFdcERFmdD5nHQrroDnobDQCm7",
            SourceKind::Fish,
        ),
        (
            "OPENAI_API_KEY=sk-proj-your-key-goes-here",
            SourceKind::Dotenv,
        ),
        ("MISTRAL_API_KEY=<your key>", SourceKind::Dotenv),
        ("openai-api-key: ${OPENAI_API_KEY}", SourceKind::Yaml),
        (
            "#openai-api-key: sk-proj-CANARYWKbsDE5kGZoDiPCFdcERFmdD5nHQrroDnobDQCm7",
            SourceKind::Yaml,
        ),
        ("openai-api-key: |", SourceKind::Yaml),
        ("api_key = \"{env:OPENAI_API_KEY}\"", SourceKind::Toml),
        (
            "# api_key = \"sk-proj-CANARYWKbsDE5kGZoDiPCFdcERFmdD5nHQrroDnobDQCm7\"",
            SourceKind::Toml,
        ),
        (
            "  \"apiKey\": \"{env:ANTHROPIC_API_KEY}\",",
            SourceKind::Json,
        ),
        (
            "  // \"apiKey\": \"sk-proj-CANARYWKbsDE5kGZoDiPCFdcERFmdD5nHQrroDnobDQCm7\",",
            SourceKind::Json,
        ),
        (
            "  \"url\": \"https://x.invalid/?k=sk-proj-CANARYWKbsDE5kGZoDiPCFdc\",",
            SourceKind::Json,
        ),
    ];
    for (line, source) in others {
        assert_eq!(
            kinds(line, source),
            [],
            "{line:?} is not a key in {source:?}"
        );
    }
}

#[test]
fn prefix_wins_over_name_and_name_decides_without_a_prefix() {
    let text = format!(
        "export OPENAI_API_KEY={OPENROUTER}\nexport ANTHROPIC_API_KEY={GROQ}\n\
         export GEMINI_API_KEY=CANARYq7W2e9R4t1Y6u3I8o5P0aSdFgHjKlZx\n"
    );
    assert_eq!(
        kinds(&text, SourceKind::Shell),
        [
            BackendKind::OpenRouter,
            BackendKind::Groq,
            BackendKind::Gemini
        ],
        "a known prefix names the provider; without one the variable does"
    );
}

#[test]
fn names_match_case_insensitively_with_dash_as_underscore() {
    let text = format!("Anthropic-Api-Key: {MISTRAL}\nmistral_api_key: {MISTRAL}\n");
    assert_eq!(
        kinds(&text, SourceKind::Yaml),
        [BackendKind::Anthropic, BackendKind::Mistral]
    );
}

#[test]
fn mistral_keys_are_found_only_by_name() {
    assert_eq!(
        kinds(&format!("MISTRAL_API_KEY={MISTRAL}"), SourceKind::Dotenv),
        [BackendKind::Mistral]
    );
    assert_eq!(
        kinds(&format!("SOME_TOKEN={MISTRAL}"), SourceKind::Dotenv),
        [],
        "a prefix-less value under an unknown name is not a provider key"
    );
}

#[test]
fn shell_forms_are_all_read() {
    let forms = [
        format!("export OPENAI_API_KEY={OPENAI}"),
        format!("OPENAI_API_KEY={OPENAI}"),
        format!("OPENAI_API_KEY='{OPENAI}'"),
        format!("OPENAI_API_KEY=\"{OPENAI}\" # mine"),
        format!("declare -x OPENAI_API_KEY={OPENAI}"),
        format!("\texport\tOPENAI_API_KEY={OPENAI}\t# tabs"),
        format!("export OPENAI_API_KEY={OPENAI};"),
        format!("OPENAI_API_KEY={OPENAI} llm 'hi'"),
    ];
    for line in &forms {
        let found = scan(line, SourceKind::Shell);
        assert_eq!(found.len(), 1, "{line:?} holds one key");
        assert_eq!(
            found[0].value.expose(),
            OPENAI,
            "{line:?}: the value inside quotes"
        );
    }
}

#[test]
fn source_kind_follows_the_file_name() {
    let cases = [
        (".bashrc", SourceKind::Shell),
        (".zshrc", SourceKind::Shell),
        (".profile", SourceKind::Shell),
        (".bash_profile", SourceKind::Shell),
        (".envrc", SourceKind::Shell),
        ("config.fish", SourceKind::Fish),
        (".env", SourceKind::Dotenv),
        (".env.local", SourceKind::Dotenv),
        ("prod.env", SourceKind::Dotenv),
        (".aider.conf.yml", SourceKind::Yaml),
        ("config.yaml", SourceKind::Yaml),
        ("settings.json", SourceKind::Json),
        ("opencode.jsonc", SourceKind::Json),
        ("config.toml", SourceKind::Toml),
    ];
    for (name, expected) in cases {
        let path = Path::new("/home/u").join(name);
        assert_eq!(SourceKind::for_path(&path), expected, "{name}");
    }
}
