//! Which URL a tool points at now, read from its own files (so the app can tell "connected to
//! this gateway", "connected elsewhere" and "not connected").

use std::path::Path;

use serde_json::Value;

use super::{config_files, Home, ToolId};
use crate::edit;

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
    let get = |keys: &[&str]| -> Option<String> {
        let path: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        match edit::read(&text, *format, &path) {
            Ok(Some(Value::String(s))) if !s.is_empty() => Some(s),
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
    }
}
