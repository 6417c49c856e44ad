//! The coding tools we connect: where each keeps its configuration and which keys connecting it
//! sets. Plans are data ([`FilePlan`]); the app applies them with [`crate::edit::apply`].
//!
//! Invariants: every key holding the gateway token is marked secret; Claude Code ends with
//! exactly one auth variable (`ANTHROPIC_AUTH_TOKEN`), or, connected with its plan, none (its
//! own sign-in, the token in `ANTHROPIC_CUSTOM_HEADERS`); Codex's `auth.json` is never touched.

mod agents;
mod current;
mod paths;
mod signed_in;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::edit::{Change, Format};

pub use current::current_base_url;
pub use paths::{config_files, sign_in_file};
pub use signed_in::PLAN_TOKEN_HEADER;
use signed_in::{claude_plan, codex_plan};

/// A coding tool; serialized as its CLI id (`claude-code`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "ToolName"))]
#[serde(rename_all = "kebab-case")]
pub enum ToolId {
    ClaudeCode,
    Codex,
    GeminiCli,
    Opencode,
    Aider,
    CopilotCli,
    QwenCode,
    Pi,
    Kilo,
    Droid,
}

impl ToolId {
    pub const ALL: [ToolId; 10] = [
        ToolId::ClaudeCode,
        ToolId::Codex,
        ToolId::GeminiCli,
        ToolId::Opencode,
        ToolId::Aider,
        ToolId::CopilotCli,
        ToolId::QwenCode,
        ToolId::Pi,
        ToolId::Kilo,
        ToolId::Droid,
    ];

    /// The CLI id, e.g. `claude-code`.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolId::ClaudeCode => "claude-code",
            ToolId::Codex => "codex",
            ToolId::GeminiCli => "gemini-cli",
            ToolId::Opencode => "opencode",
            ToolId::Aider => "aider",
            ToolId::CopilotCli => "copilot-cli",
            ToolId::QwenCode => "qwen-code",
            ToolId::Pi => "pi",
            ToolId::Kilo => "kilo",
            ToolId::Droid => "droid",
        }
    }

    pub fn parse(s: &str) -> Option<ToolId> {
        ToolId::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            ToolId::ClaudeCode => "Claude Code",
            ToolId::Codex => "Codex",
            ToolId::GeminiCli => "Gemini CLI",
            ToolId::Opencode => "opencode",
            ToolId::Aider => "aider",
            ToolId::CopilotCli => "Copilot CLI",
            ToolId::QwenCode => "Qwen Code",
            ToolId::Pi => "Pi",
            ToolId::Kilo => "Kilo CLI",
            ToolId::Droid => "Factory Droid",
        }
    }

    /// The executable's name.
    pub fn binary(self) -> &'static str {
        match self {
            ToolId::ClaudeCode => "claude",
            ToolId::Codex => "codex",
            ToolId::GeminiCli => "gemini",
            ToolId::Opencode => "opencode",
            ToolId::Aider => "aider",
            ToolId::CopilotCli => "copilot",
            ToolId::QwenCode => "qwen",
            ToolId::Pi => "pi",
            ToolId::Kilo => "kilo",
            ToolId::Droid => "droid",
        }
    }
}

impl fmt::Display for ToolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The user's home and the variables that move tool config folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    pub home: PathBuf,
    /// The [`HOME_VARS`] that are set (and not empty).
    pub vars: BTreeMap<String, String>,
    /// Where a new shell's variables are kept outside files, when that is how the platform
    /// does it: Windows' [`WINDOWS_USER_ENV`] (what `setx` writes; cmd, PowerShell and Git Bash
    /// all start with it). A tool configured only by its environment (Copilot CLI) is set
    /// there; `None` (Unix) puts its variables in a file the shell's startup file sources.
    pub env_store: Option<String>,
}

/// The user's environment on Windows, as [`Home::env_store`] names it (and as a connection's
/// "file" path: the app edits it as a `.env` text of the variables it touches).
pub const WINDOWS_USER_ENV: &str = r"HKCU\Environment";

/// The variables [`Home::vars`] may hold: those that move a tool's folder, and the user's
/// shell (which startup file Copilot CLI's variables go in).
pub const HOME_VARS: [&str; 9] = [
    "CLAUDE_CONFIG_DIR",
    "CODEX_HOME",
    "XDG_CONFIG_HOME",
    "COPILOT_HOME",
    "QWEN_HOME",
    "PI_CODING_AGENT_DIR",
    "FACTORY_HOME_OVERRIDE",
    "SHELL",
    "ZDOTDIR",
];

impl Home {
    /// From this process's environment; `None` without a home. The home is where the tools
    /// themselves look (Node's `os.homedir()`, Python's `Path.home()`): `HOME` on Unix,
    /// `USERPROFILE` on Windows (`C:\Users\<name>`), each falling back to the other.
    pub fn from_env() -> Option<Home> {
        let order = if cfg!(windows) {
            ["USERPROFILE", "HOME"]
        } else {
            ["HOME", "USERPROFILE"]
        };
        let home = order
            .iter()
            .filter_map(std::env::var_os)
            .find(|h| !h.is_empty())?;
        let vars = HOME_VARS
            .iter()
            .filter_map(|name| {
                let value = std::env::var(name).ok().filter(|v| !v.is_empty())?;
                Some((name.to_string(), value))
            })
            .collect();
        Some(Home {
            home: PathBuf::from(home),
            vars,
            env_store: cfg!(windows).then(|| WINDOWS_USER_ENV.to_string()),
        })
    }

    fn var(&self, name: &str) -> Option<PathBuf> {
        self.vars
            .get(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    }
}

/// Models for Claude Code's opus/sonnet/haiku tiers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TierModels {
    pub opus: Option<String>,
    pub sonnet: Option<String>,
    pub haiku: Option<String>,
}

/// What connecting writes. `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectParams {
    /// e.g. `http://127.0.0.1:4141`, without a trailing slash.
    pub gateway_root: String,
    /// The gateway token the tool sends (secret).
    pub token: String,
    /// The default model, when chosen.
    pub model: Option<String>,
    pub tiers: TierModels,
    /// Route/model names to offer (opencode lists them).
    pub models: Vec<String>,
    /// The gateway serves the Responses API over WebSocket (this machine's own gateway, which
    /// is this version): Codex and Copilot CLI are set to use it.
    pub websockets: bool,
    /// The gateway serves Codex's model catalogue (`/v1/codex/models`, made from Codex's own
    /// metadata): Codex's picker lists the routes.
    pub codex_catalogue: bool,
    /// The tool keeps its own plan sign-in, which the gateway passes to its vendor: the token
    /// travels in its own header beside it (Claude Code).
    pub plan: bool,
}

impl fmt::Debug for ConnectParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectParams")
            .field("gateway_root", &self.gateway_root)
            .field("token", &"***")
            .field("model", &self.model)
            .field("tiers", &self.tiers)
            .field("models", &self.models)
            .field("websockets", &self.websockets)
            .field("codex_catalogue", &self.codex_catalogue)
            .field("plan", &self.plan)
            .finish()
    }
}

/// The changes to make to one file.
#[derive(Debug, Clone, PartialEq)]
pub struct FilePlan {
    pub path: PathBuf,
    pub format: Format,
    pub changes: Vec<Change>,
}

fn key(path: &[&str]) -> Vec<String> {
    path.iter().map(|s| s.to_string()).collect()
}

fn set(path: &[&str], value: impl Into<Value>) -> Change {
    Change::Set {
        path: key(path),
        value: value.into(),
        secret: false,
    }
}

fn set_secret(path: &[&str], value: &str) -> Change {
    Change::Set {
        path: key(path),
        value: Value::String(value.to_string()),
        secret: true,
    }
}

fn file(tool: ToolId, home: &Home, index: usize, changes: Vec<Change>) -> Option<FilePlan> {
    let (path, format) = config_files(tool, home).into_iter().nth(index)?;
    Some(FilePlan {
        path,
        format,
        changes,
    })
}

fn codex_provider(k: &str) -> [&str; 3] {
    ["model_providers", "switchyard", k]
}

/// The variable making Claude Code list the gateway's models (`GET /v1/models?limit=1000`,
/// kept in `~/.claude/cache/gateway-models.json`) in its `/model` picker.
pub const CLAUDE_DISCOVERY: &str = "CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY";

/// The files and keys connecting `tool` to the gateway changes.
pub fn plan(tool: ToolId, home: &Home, params: &ConnectParams) -> Vec<FilePlan> {
    let root = params.gateway_root.trim_end_matches('/');
    let v1 = format!("{root}/v1");
    let model = params.model.as_deref();
    let files = match tool {
        ToolId::ClaudeCode if params.plan => vec![file(tool, home, 0, claude_plan(root, params))],
        ToolId::ClaudeCode => {
            let mut changes = vec![
                set(&["env", "ANTHROPIC_BASE_URL"], root),
                set_secret(&["env", "ANTHROPIC_AUTH_TOKEN"], &params.token),
                Change::Remove {
                    path: key(&["env", "ANTHROPIC_API_KEY"]),
                    secret: true,
                },
                // Its `/model` picker asks the gateway for the user's routes at each start.
                set(&["env", CLAUDE_DISCOVERY], "1"),
            ];
            let tiers = [
                ("ANTHROPIC_MODEL", model),
                ("ANTHROPIC_DEFAULT_OPUS_MODEL", params.tiers.opus.as_deref()),
                (
                    "ANTHROPIC_DEFAULT_SONNET_MODEL",
                    params.tiers.sonnet.as_deref(),
                ),
                (
                    "ANTHROPIC_DEFAULT_HAIKU_MODEL",
                    params.tiers.haiku.as_deref(),
                ),
            ];
            for (name, value) in tiers {
                if let Some(value) = value {
                    changes.push(set(&["env", name], value));
                }
            }
            vec![file(tool, home, 0, changes)]
        }
        ToolId::Codex if params.plan => vec![file(tool, home, 0, codex_plan(&v1, params))],
        ToolId::Codex => {
            let at = codex_provider;
            let mut changes = vec![
                set(&["model_provider"], "switchyard"),
                set(&at("name"), "Switchyard"),
                set(&at("base_url"), v1.as_str()),
                set(&at("wire_api"), "responses"),
                set_secret(&at("experimental_bearer_token"), &params.token),
            ];
            if params.websockets {
                // One socket per session, each turn sending only its new items.
                changes.push(set(&at("supports_websockets"), true));
            }
            if params.codex_catalogue {
                // Its `/model` picker lists the routes, each with Codex's own metadata.
                let url = format!("{v1}/codex/models");
                changes.push(set(&at("model_catalog_url"), url));
            }
            if let Some(model) = model {
                changes.push(set(&["model"], model));
            }
            vec![file(tool, home, 0, changes)]
        }
        ToolId::GeminiCli => {
            let env = vec![
                set(&["GOOGLE_GEMINI_BASE_URL"], root),
                set_secret(&["GEMINI_API_KEY"], &params.token),
            ];
            let mut settings = vec![set(&["security", "auth", "selectedType"], "gemini-api-key")];
            if let Some(model) = model {
                settings.push(set(&["model", "name"], model));
            }
            vec![file(tool, home, 0, env), file(tool, home, 1, settings)]
        }
        ToolId::Opencode => vec![file(tool, home, 0, agents::opencode_format(params, &v1))],
        ToolId::Aider => {
            let mut changes = vec![
                set(&["openai-api-base"], v1.as_str()),
                set_secret(&["openai-api-key"], &params.token),
            ];
            if let Some(model) = model {
                changes.push(set(&["model"], format!("openai/{model}")));
            }
            vec![file(tool, home, 0, changes)]
        }
        ToolId::CopilotCli => agents::copilot(home, params, root),
        ToolId::QwenCode => agents::qwen(home, params, &v1),
        ToolId::Pi => agents::pi(home, params, &v1),
        ToolId::Kilo => agents::kilo(home, params, &v1),
        ToolId::Droid => agents::droid(home, params, root),
    };
    files.into_iter().flatten().collect()
}

/// Claude Code's status line running `command` (e.g. the app's status script).
pub fn statusline_plan(home: &Home, command: &str) -> FilePlan {
    let (path, format) = paths::claude_settings(home);
    FilePlan {
        path,
        format,
        changes: vec![set(
            &["statusLine"],
            json!({ "type": "command", "command": command, "padding": 0 }),
        )],
    }
}

#[cfg(test)]
mod tests;
