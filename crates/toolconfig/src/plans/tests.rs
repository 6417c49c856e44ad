use std::path::{Path, PathBuf};

use serde_json::json;

use super::*;
use crate::edit::{apply, read};

const TOKEN: &str = "sy-test-tools-token";

fn home() -> Home {
    Home {
        home: PathBuf::from("/home/u"),
        vars: BTreeMap::new(),
        env_store: None,
    }
}

fn params(model: Option<&str>) -> ConnectParams {
    ConnectParams {
        gateway_root: "http://127.0.0.1:4141".into(),
        token: TOKEN.into(),
        model: model.map(Into::into),
        tiers: TierModels::default(),
        models: vec!["a".into(), "b".into()],
        websockets: true,
        codex_catalogue: true,
        plan: false,
    }
}

fn paths(tool: ToolId, home: &Home) -> Vec<PathBuf> {
    config_files(tool, home)
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

#[test]
fn ids_are_the_cli_ids_everywhere() {
    for tool in ToolId::ALL {
        assert_eq!(ToolId::parse(tool.as_str()), Some(tool));
        assert_eq!(serde_json::to_value(tool).unwrap(), json!(tool.as_str()));
        assert_eq!(tool.to_string(), tool.as_str());
    }
    assert_eq!(ToolId::parse("claude"), None);
    let labels: Vec<_> = ToolId::ALL
        .iter()
        .map(|t| (t.label(), t.binary()))
        .collect();
    assert_eq!(
        labels,
        [
            ("Claude Code", "claude"),
            ("Codex", "codex"),
            ("Gemini CLI", "gemini"),
            ("opencode", "opencode"),
            ("aider", "aider"),
            ("Copilot CLI", "copilot"),
            ("Qwen Code", "qwen"),
            ("Pi", "pi"),
            ("Kilo CLI", "kilo"),
            ("Factory Droid", "droid")
        ]
    );
}

#[test]
fn config_files_follow_the_tools_own_variables() {
    let h = home();
    assert_eq!(
        paths(ToolId::ClaudeCode, &h),
        [Path::new("/home/u/.claude/settings.json")]
    );
    assert_eq!(
        paths(ToolId::Codex, &h),
        [Path::new("/home/u/.codex/config.toml")]
    );
    assert_eq!(
        paths(ToolId::GeminiCli, &h),
        [
            Path::new("/home/u/.gemini/.env"),
            Path::new("/home/u/.gemini/settings.json")
        ]
    );
    assert_eq!(
        paths(ToolId::Opencode, &h),
        [Path::new("/home/u/.config/opencode/opencode.json")]
    );
    assert_eq!(
        paths(ToolId::Aider, &h),
        [Path::new("/home/u/.aider.conf.yml")]
    );
    let mut moved = home();
    for (k, v) in [
        ("CLAUDE_CONFIG_DIR", "/c"),
        ("CODEX_HOME", "/x"),
        ("XDG_CONFIG_HOME", "/cfg"),
    ] {
        moved.vars.insert(k.into(), v.into());
    }
    assert_eq!(
        paths(ToolId::ClaudeCode, &moved),
        [Path::new("/c/settings.json")]
    );
    assert_eq!(paths(ToolId::Codex, &moved), [Path::new("/x/config.toml")]);
    assert_eq!(
        paths(ToolId::Opencode, &moved),
        [Path::new("/cfg/opencode/opencode.json")]
    );
}

#[test]
fn opencode_uses_its_jsonc_file_only_when_it_is_the_only_one() {
    let dir = tempfile::tempdir().unwrap();
    let h = Home {
        home: dir.path().into(),
        vars: BTreeMap::new(),
        env_store: None,
    };
    let folder = dir.path().join(".config/opencode");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("opencode.jsonc"), "{}").unwrap();
    assert_eq!(paths(ToolId::Opencode, &h), [folder.join("opencode.jsonc")]);
    std::fs::write(folder.join("opencode.json"), "{}").unwrap();
    assert_eq!(paths(ToolId::Opencode, &h), [folder.join("opencode.json")]);
}

#[test]
fn the_token_is_always_marked_secret() {
    for tool in ToolId::ALL {
        let plans = plan(tool, &home(), &params(Some("m")));
        let mut carries_token = 0;
        for change in plans.iter().flat_map(|p| &p.changes) {
            if let Change::Set {
                value,
                secret,
                path,
            } = change
            {
                // (Droid's custom models are one list, each entry with the token.)
                if value.as_str() == Some(TOKEN)
                    || value.is_array() && value.to_string().contains(TOKEN)
                {
                    carries_token += 1;
                    assert!(secret, "{tool}: {path:?} holds the token");
                }
            }
        }
        assert_eq!(carries_token, 1, "{tool}: one key carries the token");
        assert!(
            !format!("{plans:?}").contains(TOKEN),
            "{tool}: Debug of a plan hides the token"
        );
    }
}

/// `tool`'s first file after connecting with `p` over `before`, and the value at `at` in it.
fn connected(tool: ToolId, p: &ConnectParams, before: &str, at: &[&str]) -> (String, Value) {
    let plans = plan(tool, &home(), p);
    let after = apply(Some(before), plans[0].format, &plans[0].changes)
        .unwrap()
        .text;
    let value = read(&after, plans[0].format, &key(at)).unwrap().unwrap();
    (after, value)
}

#[test]
fn claude_code_ends_with_exactly_one_auth_variable() {
    let before =
        r#"{"env": {"ANTHROPIC_API_KEY": "sk-ant-fixture", "ANTHROPIC_AUTH_TOKEN": "old"}}"#;
    let (_, env) = connected(ToolId::ClaudeCode, &params(None), before, &["env"]);
    assert_eq!(
        env,
        json!({"ANTHROPIC_AUTH_TOKEN": TOKEN, "ANTHROPIC_BASE_URL": "http://127.0.0.1:4141",
            "CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY": "1"}),
        "no API key left beside the token, and no model without one chosen"
    );
}

#[test]
fn claude_code_with_its_plan_keeps_its_sign_in_and_sends_the_token_beside_it() {
    let with_plan = ConnectParams {
        plan: true,
        ..params(Some("m"))
    };
    let before = r#"{"env": {"ANTHROPIC_API_KEY": "sk-ant-fixture", "ANTHROPIC_AUTH_TOKEN": "old", "KEEP": "1"}}"#;
    let (_, env) = connected(ToolId::ClaudeCode, &with_plan, before, &["env"]);
    assert_eq!(
        env,
        json!({"KEEP": "1", "ANTHROPIC_BASE_URL": "http://127.0.0.1:4141",
            "ANTHROPIC_CUSTOM_HEADERS": format!("x-switchyard-token: {TOKEN}")}),
        "no key to replace the plan's sign-in, no models: the plan's own"
    );
    let plans = plan(ToolId::ClaudeCode, &home(), &with_plan);
    assert!(plans[0]
        .changes
        .iter()
        .all(|c| !format!("{c:?}").contains(TOKEN)));
}

#[test]
fn codex_with_its_plan_uses_its_own_sign_in_and_sends_the_token_beside_it() {
    let plans = plan(
        ToolId::Codex,
        &home(),
        &ConnectParams {
            plan: true,
            ..params(Some("m"))
        },
    );
    let before = "model = \"gpt-5.5\"\n[model_providers.switchyard]\nexperimental_bearer_token = \"old\"\nsupports_websockets = true\n";
    let after = apply(Some(before), plans[0].format, &plans[0].changes)
        .unwrap()
        .text;
    let provider = read(
        &after,
        Format::Toml,
        &key(&["model_providers", "switchyard"]),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        provider,
        json!({"name": "Switchyard", "base_url": "http://127.0.0.1:4141/v1", "wire_api": "responses",
            "requires_openai_auth": true, "http_headers": {"x-switchyard-token": TOKEN}}),
        "its own sign-in, the token beside it, over HTTP: {after}"
    );
    assert!(
        after.contains("model = \"gpt-5.5\""),
        "its own model kept: {after}"
    );
}

#[test]
fn models_are_only_written_when_chosen() {
    let with = plan(
        ToolId::ClaudeCode,
        &home(),
        &ConnectParams {
            tiers: TierModels {
                opus: Some("o".into()),
                sonnet: None,
                haiku: Some("h".into()),
            },
            ..params(Some("m"))
        },
    );
    let keys: Vec<String> = with[0].changes.iter().map(|c| c.path().join(".")).collect();
    assert_eq!(
        keys,
        [
            "env.ANTHROPIC_BASE_URL",
            "env.ANTHROPIC_AUTH_TOKEN",
            "env.ANTHROPIC_API_KEY",
            "env.CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY",
            "env.ANTHROPIC_MODEL",
            "env.ANTHROPIC_DEFAULT_OPUS_MODEL",
            "env.ANTHROPIC_DEFAULT_HAIKU_MODEL",
        ]
    );
    for tool in [
        ToolId::Codex,
        ToolId::GeminiCli,
        ToolId::Opencode,
        ToolId::Aider,
    ] {
        let without = plan(tool, &home(), &params(None));
        let model_keys: Vec<_> = without
            .iter()
            .flat_map(|p| &p.changes)
            .filter(|c| matches!(c.path().first().map(String::as_str), Some("model")))
            .collect();
        assert!(model_keys.is_empty(), "{tool}: {model_keys:?}");
    }
}

#[test]
fn opencode_offers_the_routes_and_the_chosen_model() {
    let plans = plan(ToolId::Opencode, &home(), &params(Some("c")));
    let models = plans[0]
        .changes
        .iter()
        .find(|c| c.path().last().map(String::as_str) == Some("models"));
    match models {
        Some(Change::Set { value, .. }) => {
            assert_eq!(
                value,
                &json!({"a": {"name": "a"}, "b": {"name": "b"}, "c": {"name": "c"}})
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_status_line_runs_the_command() {
    let p = statusline_plan(&home(), "/opt/switchyard/statusline");
    assert_eq!(p.path, Path::new("/home/u/.claude/settings.json"));
    assert_eq!(
        p.changes,
        [Change::Set {
            path: vec!["statusLine".into()],
            value: json!({"type": "command", "command": "/opt/switchyard/statusline", "padding": 0}),
            secret: false,
        }]
    );
}

#[test]
fn current_base_url_reads_what_connecting_wrote() {
    let h = home();
    let expected = [
        (ToolId::ClaudeCode, "http://127.0.0.1:4141"),
        (ToolId::Codex, "http://127.0.0.1:4141/v1"),
        (ToolId::GeminiCli, "http://127.0.0.1:4141"),
        (ToolId::Opencode, "http://127.0.0.1:4141/v1"),
        (ToolId::Aider, "http://127.0.0.1:4141/v1"),
    ];
    for (tool, url) in expected {
        let files: BTreeMap<PathBuf, String> = plan(tool, &h, &params(Some("m")))
            .into_iter()
            .map(|p| {
                (
                    p.path.clone(),
                    apply(None, p.format, &p.changes).unwrap().text,
                )
            })
            .collect();
        let read = |p: &Path| files.get(p).cloned();
        assert_eq!(
            current_base_url(tool, &h, &read).as_deref(),
            Some(url),
            "{tool}"
        );
        assert_eq!(
            current_base_url(tool, &h, &|_| None),
            None,
            "{tool}: no file, no URL"
        );
    }
}

#[test]
fn current_base_url_follows_the_provider_in_use() {
    let h = home();
    let codex = "model_provider = \"ollama\"\n[model_providers.ollama]\nbase_url = \"http://localhost:11434/v1\"\n[model_providers.switchyard]\nbase_url = \"http://127.0.0.1:4141/v1\"\n";
    assert_eq!(
        current_base_url(ToolId::Codex, &h, &|_| Some(codex.into())).as_deref(),
        Some("http://localhost:11434/v1")
    );
    assert_eq!(
        current_base_url(ToolId::Codex, &h, &|_| Some("model = \"o3\"\n".into())),
        None,
        "the default provider"
    );
    assert_eq!(
        current_base_url(ToolId::ClaudeCode, &h, &|_| Some("{ broken".into())),
        None
    );
}

#[test]
fn debug_hides_the_token() {
    let shown = format!("{:?}", params(None));
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("127.0.0.1:4141"));
}
