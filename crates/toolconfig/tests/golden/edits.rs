//! Golden files, continued: the user's edits made while connected survive a disconnect, and
//! Droid's own custom models come back byte for byte.

use super::*;

fn path(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

fn value(text: &str, format: Format, keys: &[&str]) -> Option<serde_json::Value> {
    read(text, format, &path(keys)).unwrap()
}

/// Applies the plan for `file_index`, lets `user` edit the result, reverts; returns the
/// before-file, the reverted text and the keys kept.
fn with_user_edit(
    tool: ToolId,
    file_index: usize,
    user: impl Fn(&str) -> String,
) -> (String, String, Vec<Vec<String>>) {
    let (_home, plans) = setup(tool);
    let plan = &plans[file_index];
    let (before, applied) = connect(plan);
    let edited = user(&applied.text);
    assert_ne!(edited, applied.text, "the user edit applies");
    let reverted = revert(Some(&edited), plan.format, &applied.record).unwrap();
    assert!(!format!("{reverted:?}").contains(TOKEN));
    (before, reverted.text.unwrap(), reverted.kept)
}

#[test]
fn claude_code_user_edits_survive_revert() {
    let (before, text, kept) = with_user_edit(ToolId::ClaudeCode, 0, |t| {
        t.replace(
            "    \"PostToolUse\": [",
            "    \"PreToolUse\": [\n      { \"matcher\": \"Bash\", \"hooks\": [{ \"type\": \"command\", \"command\": \"audit\" }] }\n    ],\n    \"PostToolUse\": [",
        )
        .replace("\"ANTHROPIC_MODEL\": \"claude-sonnet-4-5\"", "\"ANTHROPIC_MODEL\": \"my-model\"")
    });
    assert_eq!(
        kept,
        vec![path(&["env", "ANTHROPIC_MODEL"])],
        "the changed value is the user's now"
    );
    let f = Format::Json;
    assert_eq!(
        value(&text, f, &["hooks", "PreToolUse",]).map(|v| v.is_array()),
        Some(true),
        "the new hook stays"
    );
    assert_eq!(
        value(&text, f, &["env", "ANTHROPIC_MODEL"]),
        Some("my-model".into())
    );
    assert_eq!(
        value(&text, f, &["env", "ANTHROPIC_AUTH_TOKEN"]),
        None,
        "our keys go"
    );
    assert_eq!(value(&text, f, &["env", "ANTHROPIC_BASE_URL"]), None);
    assert_eq!(
        value(&text, f, &["env", "ANTHROPIC_DEFAULT_OPUS_MODEL"]),
        None
    );
    assert_eq!(
        value(&text, f, &["env", "ANTHROPIC_API_KEY"]),
        value(&before, f, &["env", "ANTHROPIC_API_KEY"]),
        "the removed key comes back"
    );
    assert!(text.contains("    \"ANTHROPIC_API_KEY\": \"sk-ant-api03-FIXTURE-not-a-real-key\",\n    \"DISABLE_TELEMETRY\""), "in its old place:\n{text}");
}

#[test]
fn codex_user_edits_survive_revert() {
    let (before, text, kept) = with_user_edit(ToolId::Codex, 0, |t| {
        t.replace(
            "base_url = \"http://127.0.0.1:4141/v1\"",
            "base_url = \"http://127.0.0.1:9999/v1\"",
        ) + "\n[mcp_servers.new]\ncommand = \"new-server\"\n"
    });
    assert_eq!(
        kept,
        vec![path(&["model_providers", "switchyard", "base_url"])]
    );
    let f = Format::Toml;
    assert_eq!(
        value(&text, f, &["mcp_servers", "new", "command"]),
        Some("new-server".into())
    );
    assert_eq!(
        value(&text, f, &["model"]),
        Some("o3".into()),
        "the old model is back"
    );
    assert_eq!(value(&text, f, &["model_provider"]), None);
    assert_eq!(
        value(
            &text,
            f,
            &["model_providers", "switchyard", "experimental_bearer_token"]
        ),
        None
    );
    assert_eq!(
        value(&text, f, &["model_providers", "switchyard", "base_url"]),
        Some("http://127.0.0.1:9999/v1".into())
    );
    assert!(
        text.starts_with(&before[..before.find("[tui]").unwrap()]),
        "the root keys are as before:\n{text}"
    );
}

#[test]
fn gemini_user_edits_survive_revert() {
    let (before, text, kept) = with_user_edit(ToolId::GeminiCli, 0, |t| format!("{t}EXTRA=1\n"));
    assert!(kept.is_empty());
    assert_eq!(
        text,
        format!("{before}EXTRA=1\n"),
        "only the user's line is left of the changes"
    );

    let (_, text, kept) = with_user_edit(ToolId::GeminiCli, 1, |t| {
        t.replace(
            "\"name\": \"claude-sonnet-4-5\"",
            "\"name\": \"gemini-2.5-pro\"",
        )
    });
    assert_eq!(kept, vec![path(&["model", "name"])]);
    assert_eq!(
        value(&text, Format::Json, &["security", "auth", "selectedType"]),
        Some("oauth-personal".into())
    );
    assert_eq!(
        value(&text, Format::Json, &["model", "name"]),
        Some("gemini-2.5-pro".into())
    );
}

#[test]
fn opencode_user_edits_survive_revert() {
    let (_, text, kept) = with_user_edit(ToolId::Opencode, 0, |t| {
        t.replace("\"baseURL\": \"http://127.0.0.1:4141/v1\"", "\"baseURL\": \"http://10.0.0.2:4141/v1\"")
            .replace("  \"mcp\": {\n", "  \"mcp\": {\n    \"mine\": { \"type\": \"remote\", \"url\": \"https://example.invalid/mcp\" },\n")
    });
    assert_eq!(
        kept,
        vec![path(&["provider", "switchyard", "options", "baseURL"])]
    );
    let f = Format::Json;
    assert_eq!(
        value(&text, f, &["mcp", "mine", "type"]),
        Some("remote".into())
    );
    assert_eq!(
        value(&text, f, &["model"]),
        Some("anthropic/claude-sonnet-4-5".into())
    );
    assert_eq!(
        value(&text, f, &["provider", "switchyard", "options", "apiKey"]),
        None
    );
    assert_eq!(value(&text, f, &["provider", "switchyard", "npm"]), None);
    assert_eq!(
        value(&text, f, &["provider", "switchyard"]),
        Some(serde_json::json!({ "options": { "baseURL": "http://10.0.0.2:4141/v1" } })),
        "only what the user changed is left of our provider"
    );
}

#[test]
fn aider_user_edits_survive_revert() {
    let (before, text, kept) = with_user_edit(ToolId::Aider, 0, |t| {
        format!("{t}cache-prompts: true\n").replace(
            &format!("openai-api-key: {TOKEN}"),
            "openai-api-key: sy-test-other",
        )
    });
    assert_eq!(kept, vec![path(&["openai-api-key"])]);
    assert_eq!(
        text,
        format!("{before}openai-api-key: sy-test-other\ncache-prompts: true\n")
    );
}

#[test]
fn unparseable_files_are_refused_with_their_position() {
    let cases: [(Format, &str, u32, u32); 5] = [
        (
            Format::Json,
            "{\n  \"env\": {\n    \"A\": \"sy-test-x\",,\n  }\n}\n",
            3,
            22,
        ),
        (Format::Json, "{\n  \"a\": 1\n  \"b\": 2\n}\n", 2, 9),
        (Format::Toml, "model = \"o3\"\n[tui\nx = 1\n", 2, 5),
        (Format::Yaml, "model: x\nsy-test-secret\n", 2, 1),
        (Format::Dotenv, "A=1\nB=\"sy-test-secret\n", 2, 3),
    ];
    for (format, text, line, column) in cases {
        let plan = [switchyard_toolconfig::edit::Change::Set {
            path: path(&["k"]),
            value: "v".into(),
            secret: false,
        }];
        match apply(Some(text), format, &plan) {
            Err(switchyard_toolconfig::edit::EditError::Parse {
                line: l,
                column: c,
                message,
            }) => {
                assert_eq!((l, c), (line, column), "{format:?}: {message}");
                assert!(
                    !message.contains("sy-test"),
                    "{format:?}: the message quotes no value: {message}"
                );
            }
            other => panic!("{format:?}: expected a parse error, got {other:?}"),
        }
    }
}

#[test]
fn absent_files_are_created_and_removed_again() {
    let home = Home {
        home: PathBuf::from("/nonexistent-home"),
        vars: Default::default(),
        env_store: None,
    };
    for tool in ToolId::ALL {
        for plan in plan(tool, &home, &params()) {
            let applied = apply(None, plan.format, &plan.changes).unwrap();
            assert!(
                applied.text.ends_with('\n'),
                "{tool}: a new file ends with a newline"
            );
            assert!(!applied.record.file_existed);
            let reverted = revert(Some(&applied.text), plan.format, &applied.record).unwrap();
            assert_eq!(
                reverted.text, None,
                "{tool}: the file we created goes again"
            );
        }
    }
}

/// Droid's custom models are a list, written whole: the user's own entries stay first while
/// connected, and disconnecting puts the list back byte for byte (its text kept with every
/// string cut out, so the record's layout holds none of the user's keys).
#[test]
fn droid_keeps_the_users_own_custom_models() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home {
        home: dir.path().to_path_buf(),
        vars: Default::default(),
        env_store: None,
    };
    let settings = dir.path().join(".factory/settings.json");
    fs::create_dir_all(settings.parent().unwrap()).unwrap();
    let before = r#"{ "customModels": [ { "model": "qwen3-coder:30b", "displayName": "Local Qwen", "baseUrl": "http://localhost:11434/v1", "apiKey": "ollama", "provider": "generic-chat-completion-api" } ] }
"#;
    fs::write(&settings, before).unwrap();
    let plans = plan(ToolId::Droid, &home, &params());
    let applied = apply(Some(before), Format::Json, &plans[0].changes).unwrap();
    let models = value(&applied.text, Format::Json, &["customModels"]).unwrap();
    let names: Vec<&str> = models
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Local Qwen",
            "Switchyard claude-sonnet-4-5",
            "Switchyard gpt-5"
        ]
    );
    // Connecting again replaces ours, never doubles them.
    fs::write(&settings, &applied.text).unwrap();
    let again = plan(ToolId::Droid, &home, &params());
    let twice = apply(Some(&applied.text), Format::Json, &again[0].changes).unwrap();
    assert_eq!(
        value(&twice.text, Format::Json, &["customModels"]),
        Some(models)
    );
    let back = revert(Some(&applied.text), Format::Json, &applied.record).unwrap();
    assert_eq!(back.text.as_deref(), Some(before), "byte for byte");
    let layouts = format!(
        "{:?}",
        applied
            .record
            .edits
            .iter()
            .map(|e| &e.layout)
            .collect::<Vec<_>>()
    );
    assert!(
        !layouts.contains("ollama") && !layouts.contains("Local Qwen"),
        "{layouts}"
    );
}
