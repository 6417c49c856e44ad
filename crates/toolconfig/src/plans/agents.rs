//! The newer coding agents' plans: Copilot CLI, Qwen Code, Pi, Kilo CLI and Factory Droid, each
//! with its own "bring your own key" settings (no vendor login). What each reads was found by
//! running it against the gateway (`docs/research/tool-usage-logs.md`, section 6).

use serde_json::{json, Map, Value};

use super::{file, set, set_secret, ConnectParams, FilePlan, Home, ToolId};

/// The variable Qwen Code reads the gateway token from, named by its provider entry (`envKey`)
/// and set in its own settings' `env`: a name of our own, so no other key (`OPENAI_API_KEY`)
/// in the user's environment is sent in its place.
pub const QWEN_TOKEN_VAR: &str = "SWITCHYARD_GATEWAY_TOKEN";

/// The models to offer: the listed ones, and the default model if not among them.
fn names(params: &ConnectParams) -> Vec<&str> {
    let mut names: Vec<&str> = params.models.iter().map(String::as_str).collect();
    if let Some(model) = params.model.as_deref().filter(|m| !names.contains(m)) {
        names.push(model);
    }
    names
}

/// Copilot CLI takes its provider only from the environment: the variables go in a file of
/// their own (`~/.copilot/switchyard.env`, `export` lines), which one marked line in each of
/// the user's shell startup files sources when it exists. A new shell has them; removing the
/// line and the file undoes it. On Windows they go in the user's environment instead
/// ([`Home::env_store`]: every new cmd, PowerShell or Git Bash has them; Disconnect puts back
/// what each held). The gateway token is the only secret written.
pub(super) fn copilot(home: &Home, params: &ConnectParams, root: &str) -> Vec<Option<FilePlan>> {
    let tool = ToolId::CopilotCli;
    let mut env = vec![
        set(&["COPILOT_PROVIDER_BASE_URL"], format!("{root}/v1")),
        set_secret(&["COPILOT_PROVIDER_API_KEY"], &params.token),
    ];
    if params.websockets {
        // The Responses API over one WebSocket per session (it needs the `openai` type).
        env.push(set(&["COPILOT_PROVIDER_WIRE_API"], "responses"));
        env.push(set(&["COPILOT_PROVIDER_TRANSPORT"], "websockets"));
    }
    if let Some(model) = params.model.as_deref() {
        env.push(set(&["COPILOT_MODEL"], model));
    }
    let files = super::config_files(tool, home);
    let Some((env_file, _)) = files.first() else {
        return Vec::new();
    };
    let source = source_line(home, env_file);
    let mut plans = vec![file(tool, home, 0, env)];
    for i in 1..files.len() {
        plans.push(file(
            tool,
            home,
            i,
            vec![set(&["copilot-cli"], source.as_str())],
        ));
    }
    plans
}

/// `[ -f "$HOME/…" ] && . "$HOME/…"`: sources the file when it is there (bash and zsh alike);
/// a file outside the home is named whole. Characters the shell would read inside double
/// quotes are left out of the name (no tool folder has them).
fn source_line(home: &Home, path: &std::path::Path) -> String {
    let clean = |s: &str| s.replace(['\\', '"', '$', '`'], "");
    let named = match path.strip_prefix(&home.home) {
        Ok(rel) => {
            let parts: Vec<String> = rel.iter().map(|p| clean(&p.to_string_lossy())).collect();
            format!("$HOME/{}", parts.join("/"))
        }
        Err(_) => clean(&path.to_string_lossy()),
    };
    format!("[ -f \"{named}\" ] && . \"{named}\"")
}

/// Qwen Code: an OpenAI-compatible provider per model, the token in its settings' `env`, the
/// default model, and the provider type it authenticates with.
pub(super) fn qwen(home: &Home, params: &ConnectParams, v1: &str) -> Vec<Option<FilePlan>> {
    let tool = ToolId::QwenCode;
    let providers: Vec<Value> = names(params)
        .iter()
        .map(|m| json!({ "id": m, "name": m, "baseUrl": v1, "envKey": QWEN_TOKEN_VAR }))
        .collect();
    let mut changes = vec![
        set_secret(&["env", QWEN_TOKEN_VAR], &params.token),
        set(&["modelProviders", "openai"], Value::Array(providers)),
        set(&["security", "auth", "selectedType"], "openai"),
    ];
    if let Some(model) = params.model.as_deref() {
        changes.push(set(&["model", "name"], model));
    }
    // A settings file Qwen Code did not write yet gets its current format's version: without
    // it Qwen Code migrates the file, rewriting it (and copying it, token included, to
    // `settings.json.orig`). An existing file's version is the user's.
    let new_file = super::config_files(tool, home)
        .first()
        .is_some_and(|(path, _)| !path.exists());
    if new_file {
        changes.push(set(&["$version"], 4));
    }
    vec![file(tool, home, 0, changes)]
}

/// Pi: a provider named `switchyard` in `models.json`, and the default provider and model in
/// its `settings.json`.
pub(super) fn pi(home: &Home, params: &ConnectParams, v1: &str) -> Vec<Option<FilePlan>> {
    let tool = ToolId::Pi;
    let at = |k: &'static str| ["providers", "switchyard", k];
    let models: Vec<Value> = names(params).iter().map(|m| json!({ "id": m })).collect();
    let providers = vec![
        set(&at("baseUrl"), v1),
        set(&at("api"), "openai-completions"),
        set_secret(&at("apiKey"), &params.token),
        set(&at("models"), Value::Array(models)),
    ];
    let mut plans = vec![file(tool, home, 0, providers)];
    if let Some(model) = params.model.as_deref() {
        let settings = vec![
            set(&["defaultProvider"], "switchyard"),
            set(&["defaultModel"], model),
        ];
        plans.push(file(tool, home, 1, settings));
    }
    plans
}

/// Kilo CLI reads opencode's format.
pub(super) fn kilo(home: &Home, params: &ConnectParams, v1: &str) -> Vec<Option<FilePlan>> {
    vec![file(ToolId::Kilo, home, 0, opencode_format(params, v1))]
}

/// opencode's format (opencode, Kilo CLI): an OpenAI-compatible provider named `switchyard`
/// offering the models, and the default model as `switchyard/<model>`.
pub(super) fn opencode_format(params: &ConnectParams, v1: &str) -> Vec<super::Change> {
    let at = |k: &[&'static str]| -> Vec<&'static str> {
        let mut p = vec!["provider", "switchyard"];
        p.extend_from_slice(k);
        p
    };
    let models: Map<String, Value> = names(params)
        .iter()
        .map(|m| (m.to_string(), json!({ "name": m })))
        .collect();
    let mut changes = vec![
        set(&at(&["npm"]), "@ai-sdk/openai-compatible"),
        set(&at(&["name"]), "Switchyard"),
        set(&at(&["options", "baseURL"]), v1),
        set_secret(&at(&["options", "apiKey"]), &params.token),
        set(&at(&["models"]), Value::Object(models)),
    ];
    if let Some(model) = params.model.as_deref() {
        changes.push(set(&["model"], format!("switchyard/{model}")));
    }
    changes
}

/// Droid's provider for a model: Anthropic Messages for Claude names and OpenAI Responses for
/// GPT, Codex and o-series names (Droid warns the model in its own conversation when these go
/// through its generic Chat Completions provider), Chat Completions for the rest.
fn droid_provider(model: &str) -> &'static str {
    let m = model.to_ascii_lowercase();
    let claude = ["claude", "haiku", "sonnet", "opus"]
        .iter()
        .any(|n| m.contains(n));
    let gpt = m.starts_with("gpt-")
        || m.contains("codex")
        || (m.starts_with('o') && m[1..].starts_with(|c: char| c.is_ascii_digit()));
    if claude {
        "anthropic"
    } else if gpt {
        "openai"
    } else {
        "generic-chat-completion-api"
    }
}

/// The name Droid shows for one of our models; its model id is `custom:` and this, spaces made
/// dashes, then `-0`.
pub fn droid_display_name(model: &str) -> String {
    format!("Switchyard {model}")
}

/// Factory Droid: one custom model per offered model after the user's own (`customModels` is a
/// list: written whole, and put back as it was on disconnect), and the session's default model.
pub(super) fn droid(home: &Home, params: &ConnectParams, root: &str) -> Vec<Option<FilePlan>> {
    let theirs = users_custom_models(home);
    let ours = names(params)
        .iter()
        .map(|m| {
            let provider = droid_provider(m);
            let base = if provider == "anthropic" {
                root.to_string()
            } else {
                format!("{root}/v1")
            };
            json!({
                "model": m, "displayName": droid_display_name(m), "baseUrl": base,
                "apiKey": params.token, "provider": provider,
            })
        })
        .collect::<Vec<_>>();
    let models: Vec<Value> = theirs.into_iter().chain(ours).collect();
    let mut changes = vec![super::Change::Set {
        path: vec!["customModels".into()],
        value: Value::Array(models),
        secret: true,
    }];
    if let Some(model) = params.model.as_deref() {
        let name = droid_display_name(model);
        let slug: Vec<&str> = name.split_whitespace().collect();
        let id = format!("custom:{}-0", slug.join("-"));
        changes.push(set(&["sessionDefaultSettings", "model"], id));
    }
    vec![file(ToolId::Droid, home, 0, changes)]
}

/// The custom models in Droid's settings now that are not ours (unreadable settings: none; the
/// connect then refuses the file itself with its parse error).
fn users_custom_models(home: &Home) -> Vec<Value> {
    let files = super::config_files(ToolId::Droid, home);
    let Some(text) = files
        .first()
        .and_then(|(p, _)| std::fs::read_to_string(p).ok())
    else {
        return Vec::new();
    };
    let path = vec!["customModels".to_string()];
    match crate::edit::read(&text, crate::edit::Format::Json, &path) {
        Ok(Some(Value::Array(list))) => list
            .into_iter()
            .filter(|m| {
                !m["displayName"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("Switchyard "))
            })
            .collect(),
        _ => Vec::new(),
    }
}
