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

/// Where `tool` keeps its own plan sign-in, when it signs in to its vendor's plan: Claude Code's
/// `.credentials.json` beside its settings (on macOS it keeps it in the login keychain, item
/// "Claude Code-credentials", instead), Codex's `auth.json` beside its config (a ChatGPT sign-in
/// or an API key: the gateway tells them apart by what Codex sends). Only ever checked for
/// presence, never read.
pub fn sign_in_file(tool: ToolId, home: &Home) -> Option<PathBuf> {
    match tool {
        ToolId::ClaudeCode => {
            let (settings, _) = claude_settings(home);
            Some(settings.with_file_name(".credentials.json"))
        }
        ToolId::Codex => {
            let (config, _) = config_files(tool, home).into_iter().next()?;
            Some(config.with_file_name("auth.json"))
        }
        _ => None,
    }
}

/// The files connecting `tool` edits, in the order [`super::plan`] lists them.
///
/// opencode's (and Kilo's) file is `opencode.json` unless only `opencode.jsonc` exists; Copilot
/// CLI's shell startup files are those that exist or the login shell reads (the places this
/// looks at the disk). Where the platform keeps a shell's variables outside files
/// ([`Home::env_store`]), Copilot CLI's one "file" is that store, edited as `.env` text.
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
        ToolId::CopilotCli => {
            if let Some(store) = &home.env_store {
                return vec![(PathBuf::from(store), Format::Dotenv)];
            }
            let dir = home
                .var("COPILOT_HOME")
                .unwrap_or_else(|| h.join(".copilot"));
            let mut files = vec![(dir.join("switchyard.env"), Format::ShellEnv)];
            files.extend(profiles(home).into_iter().map(|p| (p, Format::Profile)));
            files
        }
        ToolId::QwenCode => {
            let dir = home.var("QWEN_HOME").unwrap_or_else(|| h.join(".qwen"));
            vec![(dir.join("settings.json"), Format::Json)]
        }
        ToolId::Pi => {
            let dir = home
                .var("PI_CODING_AGENT_DIR")
                .unwrap_or_else(|| h.join(".pi").join("agent"));
            vec![
                (dir.join("models.json"), Format::Json),
                (dir.join("settings.json"), Format::Json),
            ]
        }
        ToolId::Kilo => {
            let config = home
                .var("XDG_CONFIG_HOME")
                .unwrap_or_else(|| h.join(".config"));
            vec![(json_or_jsonc(&config.join("kilo"), "kilo"), Format::Json)]
        }
        ToolId::Droid => {
            let base = home
                .var("FACTORY_HOME_OVERRIDE")
                .unwrap_or_else(|| h.clone());
            vec![(base.join(".factory").join("settings.json"), Format::Json)]
        }
    }
}

/// `dir/NAME.json`, unless only `dir/NAME.jsonc` exists.
fn json_or_jsonc(dir: &std::path::Path, name: &str) -> PathBuf {
    let json = dir.join(format!("{name}.json"));
    let jsonc = dir.join(format!("{name}.jsonc"));
    if !json.exists() && jsonc.is_file() {
        jsonc
    } else {
        json
    }
}

/// The shell startup files a new interactive shell reads: zsh's `.zshrc` (in `$ZDOTDIR` when
/// set) when it exists or zsh is the login shell; bash's `.bashrc` when it exists, bash is the
/// login shell, or zsh's was not chosen.
fn profiles(home: &Home) -> Vec<PathBuf> {
    let shell = home.vars.get("SHELL").map(String::as_str).unwrap_or("");
    let zdot = home.var("ZDOTDIR").unwrap_or_else(|| home.home.clone());
    let zshrc = zdot.join(".zshrc");
    let bashrc = home.home.join(".bashrc");
    let mut files = Vec::new();
    let zsh = zshrc.is_file() || shell.ends_with("zsh");
    if zsh {
        files.push(zshrc);
    }
    if bashrc.is_file() || shell.ends_with("bash") || !zsh {
        files.push(bashrc);
    }
    files
}
