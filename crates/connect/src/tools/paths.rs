//! Where each tool keeps its configuration, following the variables the tools themselves read.

use std::path::PathBuf;

use super::{Home, ToolId};
use crate::edit::Format;

/// `$CLAUDE_CONFIG_DIR/settings.json`, else `~/.claude/settings.json`.
pub(super) fn claude_settings(home: &Home) -> (PathBuf, Format) {
    let dir = home
        .var("CLAUDE_CONFIG_DIR")
        .unwrap_or_else(|| home.home.join(".claude"));
    (dir.join("settings.json"), Format::Json)
}

/// The files connecting `tool` edits, in the order [`super::plan`] lists them.
///
/// opencode's file is `opencode.json` unless only `opencode.jsonc` exists (the one place this
/// looks at the disk).
pub fn config_files(tool: ToolId, home: &Home) -> Vec<(PathBuf, Format)> {
    let h = &home.home;
    match tool {
        ToolId::ClaudeCode => vec![claude_settings(home)],
        ToolId::Codex => {
            let dir = home.var("CODEX_HOME").unwrap_or_else(|| h.join(".codex"));
            vec![(dir.join("config.toml"), Format::Toml)]
        }
        ToolId::GeminiCli => {
            let dir = h.join(".gemini");
            vec![
                (dir.join(".env"), Format::Dotenv),
                (dir.join("settings.json"), Format::Json),
            ]
        }
        ToolId::Opencode => {
            let config = home
                .var("XDG_CONFIG_HOME")
                .unwrap_or_else(|| h.join(".config"));
            let dir = config.join("opencode");
            let json = dir.join("opencode.json");
            let jsonc = dir.join("opencode.jsonc");
            let path = if !json.exists() && jsonc.is_file() {
                jsonc
            } else {
                json
            };
            vec![(path, Format::Json)]
        }
        ToolId::Aider => vec![(h.join(".aider.conf.yml"), Format::Yaml)],
    }
}
