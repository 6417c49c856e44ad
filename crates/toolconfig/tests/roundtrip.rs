//! The core invariant, over a corpus × change sets for every format: reverting what apply
//! wrote gives back the original byte for byte (or no file when there was none), every key set
//! reads back as written, and applying to the output again changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use serde_json::{json, Value};
use switchyard_toolconfig::edit::{apply, read, revert, Change, Format};

fn set(path: &[&str], value: Value, secret: bool) -> Change {
    Change::Set {
        path: path.iter().map(|s| s.to_string()).collect(),
        value,
        secret,
    }
}

fn remove(path: &[&str], secret: bool) -> Change {
    Change::Remove {
        path: path.iter().map(|s| s.to_string()).collect(),
        secret,
    }
}

/// Checks the invariant for one original and one change set; returns whether apply accepted it.
fn check(format: Format, original: Option<&str>, changes: &[Change]) -> bool {
    let applied = match apply(original, format, changes) {
        Ok(a) => a,
        Err(e) => {
            assert!(
                !matches!(e, switchyard_toolconfig::edit::EditError::Parse { .. }),
                "{format:?} {original:?}: the corpus parses, got {e}"
            );
            return false;
        }
    };
    for change in changes {
        if let Change::Set { path, value, .. } = change {
            let back = read(&applied.text, format, path).unwrap_or_else(|e| {
                panic!(
                    "{format:?} {original:?}: output does not parse: {e}\n{}",
                    applied.text
                )
            });
            assert_eq!(
                back.as_ref(),
                Some(value),
                "{format:?} {original:?}: {path:?} reads back\n{}",
                applied.text
            );
        }
    }
    let again = apply(Some(&applied.text), format, changes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        again.text, applied.text,
        "{format:?} {original:?}: applying twice changes nothing"
    );
    let reverted = revert(Some(&applied.text), format, &applied.record)
        .unwrap_or_else(|e| panic!("{format:?} {original:?}: revert failed: {e}"));
    assert_eq!(
        reverted.text.as_deref(),
        original,
        "{format:?}: revert(apply(orig)) == orig\n--- applied:\n{}",
        applied.text
    );
    assert!(reverted.kept.is_empty(), "nothing was changed by the user");
    true
}

/// A user edit between apply and revert (a key of their own at `user`) survives, and every
/// key of ours still goes back to what it was.
fn check_user_edit(format: Format, original: Option<&str>, changes: &[Change], user: &[&str]) {
    let Ok(applied) = apply(original, format, changes) else {
        return;
    };
    let user_path: Vec<String> = user.iter().map(|s| s.to_string()).collect();
    let mine = [Change::Set {
        path: user_path.clone(),
        value: json!("mine"),
        secret: false,
    }];
    let Ok(edited) = apply(Some(&applied.text), format, &mine) else {
        return;
    };
    let reverted = revert(Some(&edited.text), format, &applied.record).unwrap();
    let text = reverted.text.expect("the user's key keeps the file");
    let context = format!(
        "{format:?} {original:?} + {user:?}\n--- edited:\n{}\n--- reverted:\n{text}",
        edited.text
    );
    let value = read(&text, format, &user_path).unwrap_or_else(|e| panic!("{context}\n{e}"));
    assert_eq!(value, Some(json!("mine")), "{context}");
    assert!(reverted.kept.is_empty(), "{context}");
    let mut seen: Vec<&Vec<String>> = Vec::new();
    for edit in &applied.record.edits {
        // The first edit of a key holds what it was before all of them.
        if seen.contains(&&edit.path)
            || edit.path.starts_with(&user_path)
            || user_path.starts_with(&edit.path)
        {
            continue;
        }
        seen.push(&edit.path);
        assert_eq!(
            read(&text, format, &edit.path).unwrap(),
            edit.previous,
            "{context}: {:?}",
            edit.path
        );
    }
}

/// The tool rewrote the whole file in its own style (Claude Code does on `/config`): revert
/// still puts every key of ours back to what it was, and the file stays valid.
fn check_rewritten(original: Option<&str>, changes: &[Change]) {
    let Ok(applied) = apply(original, Format::Json, changes) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<Value>(&applied.text) else {
        return; // JSONC: a JSON writer would not keep its comments anyway
    };
    let rewritten = serde_json::to_string_pretty(&value).unwrap() + "\n";
    let reverted = revert(Some(&rewritten), Format::Json, &applied.record).unwrap();
    let Some(text) = reverted.text else {
        assert!(
            !applied.record.file_existed,
            "only a file we created may go"
        );
        return;
    };
    let context = format!("{original:?}\n--- rewritten:\n{rewritten}\n--- reverted:\n{text}");
    let mut seen: Vec<&Vec<String>> = Vec::new();
    for edit in &applied.record.edits {
        if seen.contains(&&edit.path) {
            continue;
        }
        seen.push(&edit.path);
        let now =
            read(&text, Format::Json, &edit.path).unwrap_or_else(|e| panic!("{context}\n{e}"));
        assert_eq!(now, edit.previous, "{context}: {:?}", edit.path);
    }
}

fn run(format: Format, corpus: &[Option<&str>], sets: &[Vec<Change>]) {
    let mut accepted = 0;
    for original in corpus {
        for changes in sets {
            if check(format, *original, changes) {
                accepted += 1;
            }
            if format == Format::Json {
                check_rewritten(*original, changes);
            }
            for user in user_keys(format, changes) {
                check_user_edit(format, *original, changes, &user);
            }
            // The same text with CRLF endings, a byte order mark, and no final newline.
            if let Some(text) = original {
                let crlf = text.replace('\n', "\r\n");
                let bom = format!("\u{feff}{text}");
                let bare = text.trim_end_matches('\n');
                for variant in [crlf.as_str(), bom.as_str(), bare] {
                    check(format, Some(variant), changes);
                }
            }
        }
    }
    assert!(
        accepted >= corpus.len(),
        "{format:?}: most of the corpus is editable ({accepted})"
    );
}

/// Where a user adds a key: at the top, and beside (or inside the container of) each of ours.
fn user_keys(format: Format, changes: &[Change]) -> Vec<Vec<&str>> {
    let mut keys = vec![vec!["zz_user"]];
    if matches!(format, Format::Json | Format::Toml) {
        for change in changes {
            let path = match change {
                Change::Set { path, .. } | Change::Remove { path, .. } => path,
            };
            if path.len() > 1 {
                let mut beside: Vec<&str> =
                    path[..path.len() - 1].iter().map(String::as_str).collect();
                beside.push("zz_user");
                keys.push(beside);
            }
        }
    }
    keys
}

const JSON: &[Option<&str>] = &[
    None,
    Some(""),
    Some("\n"),
    Some("{}"),
    Some("{}\n"),
    Some("{ }\n"),
    Some("{\n}\n"),
    Some("// settings\n"),
    Some(r#"{"a":1,"env":{"X":"y"}}"#),
    Some("{\"a\": 1, \"b\": [1, 2], \"env\": {}}\n"),
    Some("{\n  \"a\": 1,\n  \"env\": {\n    \"X\": \"y\",\n    \"ANTHROPIC_API_KEY\": \"sk-ant-fixture\"\n  }\n}\n"),
    Some("{\n    \"env\": {\n        \"ANTHROPIC_API_KEY\": \"sk-ant-fixture\"\n    },\n    \"a\": true\n}\n"),
    Some("{\n\t\"a\": null,\n\t\"env\": {\n\t\t\"X\": \"1\"\n\t}\n}\n"),
    Some("{\n  // comment\n  \"a\": 1, // trailing\n  \"env\": {\n    \"X\": \"y\", /* block */\n  },\n}\n"),
    Some("{\n  \"env\": {}\n}\n"),
    Some("{\n  \"a\": 1 // last\n}\n"),
    Some("{\n  \"a\": \"\\u0041\",\n  \"b\": 1.50\n}\n"),
    Some("{\"env\": {\"ANTHROPIC_API_KEY\": \"sk-ant-fixture\"}, \"z\": 0}"),
];

#[test]
fn json_reverts_byte_for_byte() {
    let sets = vec![
        vec![
            set(
                &["env", "ANTHROPIC_BASE_URL"],
                json!("http://127.0.0.1:4141"),
                false,
            ),
            set(
                &["env", "ANTHROPIC_AUTH_TOKEN"],
                json!("sy-test-token"),
                true,
            ),
            remove(&["env", "ANTHROPIC_API_KEY"], true),
            set(&["env", "ANTHROPIC_MODEL"], json!("claude-sonnet"), false),
        ],
        vec![
            set(
                &["provider", "switchyard", "npm"],
                json!("@ai-sdk/openai-compatible"),
                false,
            ),
            set(
                &["provider", "switchyard", "options", "baseURL"],
                json!("http://x/v1"),
                false,
            ),
            set(
                &["provider", "switchyard", "options", "apiKey"],
                json!("sy-test-token"),
                true,
            ),
            set(
                &["provider", "switchyard", "models"],
                json!({"m": {"name": "m"}}),
                false,
            ),
            set(&["model"], json!("switchyard/m"), false),
        ],
        vec![set(&["a"], json!({"changed": [1, {"x": null}]}), false)],
        vec![
            set(&["a"], json!("new"), false),
            set(&["b"], json!(2), false),
            set(&["env", "X"], json!("z"), true),
        ],
        vec![remove(&["a"], false)],
        vec![
            remove(&["env"], false),
            set(
                &["statusLine"],
                json!({"type": "command", "padding": 0}),
                false,
            ),
        ],
        vec![
            remove(&["env", "X"], false),
            remove(&["env", "ANTHROPIC_API_KEY"], true),
        ],
        vec![remove(&["nothing"], false)],
    ];
    run(Format::Json, JSON, &sets);
}

const TOML: &[Option<&str>] = &[
    None,
    Some(""),
    Some("\n"),
    Some("# only a comment\n"),
    Some("model = \"o3\" # the model\napproval_policy = \"on-request\"\nnotify = [\"notify-send\", \"Codex\"]\n\n# TUI\n[tui]\ntheme = \"dark\"\n\n[mcp_servers.github]\ncommand = \"gh\"\nargs = [\"mcp\"]\n\n[profiles.fast]\nmodel = \"o4-mini\"\n"),
    Some("[tui]\ntheme = \"dark\"\n"),
    Some("model = 'o3'\n[model_providers.ollama]\nname = \"Ollama\"\nbase_url = \"http://localhost:11434/v1\"\n"),
    Some("model_providers.switchyard.name = \"old\"\nmodel = \"x\"\n"),
    Some("model_providers = { switchyard = { name = \"old\" } }\n"),
    Some("[model_providers.switchyard]\nname = \"Mine\"\nbase_url = \"http://old/v1\"\n\n[tui]\nx = 1\n"),
    Some("a.b = 1\n\n\n[t]  # header comment\nk = 'v'\n"),
];

#[test]
fn toml_reverts_byte_for_byte() {
    let sets = vec![
        vec![
            set(&["model_provider"], json!("switchyard"), false),
            set(
                &["model_providers", "switchyard", "name"],
                json!("Switchyard"),
                false,
            ),
            set(
                &["model_providers", "switchyard", "base_url"],
                json!("http://127.0.0.1:4141/v1"),
                false,
            ),
            set(
                &["model_providers", "switchyard", "wire_api"],
                json!("responses"),
                false,
            ),
            set(
                &["model_providers", "switchyard", "experimental_bearer_token"],
                json!("sy-test-token"),
                true,
            ),
            set(&["model"], json!("gpt-5"), false),
        ],
        vec![remove(&["model"], false)],
        vec![
            remove(&["tui", "theme"], false),
            set(&["tui", "theme"], json!("light"), false),
        ],
        vec![set(
            &["profiles", "switchyard"],
            json!({"model": "m", "n": 2}),
            false,
        )],
        vec![
            set(&["a", "b"], json!(true), false),
            remove(&["approval_policy"], true),
        ],
    ];
    run(Format::Toml, TOML, &sets);
}

const YAML: &[Option<&str>] = &[
    None,
    Some(""),
    Some("\n"),
    Some("# aider settings\nmodel: gpt-4o  # default\nread:\n  - CONVENTIONS.md\nlint-cmd:\n- python: flake8\nopenai-api-key: 'sk-fixture'\n\ndark-mode: true\n"),
    Some("---\nopenai-api-base: \"http://old/v1\"\nauto-commits: false\n"),
    Some("model:\nverbose: yes\n"),
    Some("\"quoted key\": value\nopenai-api-key: sk-fixture # why\n"),
];

#[test]
fn yaml_reverts_byte_for_byte() {
    let sets = vec![
        vec![
            set(
                &["openai-api-base"],
                json!("http://127.0.0.1:4141/v1"),
                false,
            ),
            set(&["openai-api-key"], json!("sy-test-token"), true),
            set(&["model"], json!("openai/gpt-4o"), false),
        ],
        vec![
            remove(&["openai-api-key"], true),
            remove(&["dark-mode"], false),
        ],
        vec![
            set(&["verbose"], json!("true"), false),
            set(&["new key: odd"], json!(" needs # quotes"), false),
        ],
    ];
    run(Format::Yaml, YAML, &sets);
}

const DOTENV: &[Option<&str>] = &[
    None,
    Some(""),
    Some("\n"),
    Some("# Gemini\nGEMINI_API_KEY=fixture-gemini-key\nexport OTHER='x y'\n\nGOOGLE_GEMINI_BASE_URL=\"http://old\" # old\n"),
    Some("export A=1\nexport GEMINI_API_KEY='fixture'\n"),
    Some("A=\nB= # empty\nC=pa#ss\n"),
];

#[test]
fn dotenv_reverts_byte_for_byte() {
    let sets = vec![
        vec![
            set(
                &["GOOGLE_GEMINI_BASE_URL"],
                json!("http://127.0.0.1:4141"),
                false,
            ),
            set(&["GEMINI_API_KEY"], json!("sy-test-token"), true),
        ],
        vec![remove(&["GEMINI_API_KEY"], true), remove(&["A"], false)],
        vec![
            set(&["A"], json!("with space"), false),
            set(&["B"], json!("it's \"q\""), false),
            set(&["C"], json!(""), false),
        ],
    ];
    run(Format::Dotenv, DOTENV, &sets);
}
