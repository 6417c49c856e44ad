//! Which URL a tool points at now, read from its own files (so the app can tell "connected to
//! this gateway", "connected elsewhere" and "not connected").

use std::path::Path;

use serde_json::Value;

use super::{config_files, Home, ToolId};
use crate::edit::{self, Format};

/// The base URL `tool`'s files point it at, as written there (Codex, opencode and aider end in
/// `/v1`); `None` when they set none (the tool's default) or cannot be read. `read` returns a
/// file's text, `None` when it is absent.
///
/// Codex and opencode follow the provider the tool actually uses (`model_provider`, the
/// provider part of `model`); without one they use their default provider, so `None`.
pub fn current_base_url(
    tool: ToolId,
    home: &Home,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Option<String> {
    let files = config_files(tool, home);
    let (path, format) = files.first()?;
    let text = read(path)?;
    let value = |text: &str, format: Format, keys: &[&str]| -> Option<Value> {
        let path: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        edit::read(text, format, &path).ok().flatten()
    };
    let get = |keys: &[&str]| -> Option<String> {
        match value(&text, *format, keys) {
            Some(Value::String(s)) if !s.is_empty() => Some(s),
            _ => None,
        }
    };
    match tool {
        ToolId::ClaudeCode => get(&["env", "ANTHROPIC_BASE_URL"]),
        ToolId::Codex => {
            let provider = get(&["model_provider"])?;
            get(&["model_providers", &provider, "base_url"])
        }
        ToolId::GeminiCli => get(&["GOOGLE_GEMINI_BASE_URL"]),
        ToolId::Opencode => {
            let model = get(&["model"])?;
            let (provider, _) = model.split_once('/')?;
            get(&["provider", provider, "options", "baseURL"])
        }
        ToolId::Aider => get(&["openai-api-base"]),
        ToolId::CopilotCli => get(&["COPILOT_PROVIDER_BASE_URL"]),
        ToolId::QwenCode => {
            // The OpenAI-compatible provider entry of the model in use.
            let model = get(&["model", "name"])?;
            let Some(Value::Array(list)) = value(&text, *format, &["modelProviders", "openai"])
            else {
                return None;
            };
            let entry = list.iter().find(|p| p["id"] == model.as_str())?;
            entry["baseUrl"].as_str().map(str::to_string)
        }
        ToolId::Pi => {
            // The default provider, named in the second file (settings.json).
            let (settings, format) = files.get(1)?;
            let provider = match value(&read(settings)?, *format, &["defaultProvider"])? {
                Value::String(p) => p,
                _ => return None,
            };
            get(&["providers", &provider, "baseUrl"])
        }
        ToolId::Kilo => {
            let model = get(&["model"])?;
            let (provider, _) = model.split_once('/')?;
            get(&["provider", provider, "options", "baseURL"])
        }
        ToolId::Droid => {
            // The custom model the session default names (`custom:<display name>-0`).
            let id = get(&["sessionDefaultSettings", "model"])?;
            let Some(Value::Array(list)) = value(&text, *format, &["customModels"]) else {
                return None;
            };
            let entry = list.iter().find(|m| {
                let name = m["displayName"]
                    .as_str()
                    .or(m["model"].as_str())
                    .unwrap_or("");
                let slug = name.split_whitespace().collect::<Vec<_>>().join("-");
                id == format!("custom:{slug}-0")
                    || m["model"]
                        .as_str()
                        .is_some_and(|x| id == format!("custom:{x}"))
            })?;
            entry["baseUrl"].as_str().map(str::to_string)
        }
    }
}
