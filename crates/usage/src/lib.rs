//! Token usage from the coding tools' own local records, for what the user spends outside the
//! gateway (a Claude or ChatGPT subscription, a tool not connected yet). Where each tool keeps
//! its records, and their pitfalls, are in `docs/research/tool-usage-logs.md`; the versions
//! read are Claude Code 2.1.197, Codex 0.169.0, Gemini CLI 0.61.0, opencode 1.18.33, Copilot CLI
//! 1.0.102, Qwen Code 0.15.10, Pi 0.73.1, Kilo CLI 7.7.7 and Factory Droid 0.225.2
//! (`tests/fixtures/usage/`: their records from real runs).
//!
//! - [`Sources`] says where to look (the tools' own environment variables, then their defaults).
//! - [`import`] reads what is new since the [`Cursor`]s of the last pass: JSON Lines files from
//!   the byte where the last complete line ended (a file that shrank or was replaced is read
//!   again from the start), opencode's SQLite database from the last update time. What it
//!   finds goes to a [`Sink`] in batches, each file's cursor after its records.
//! - Every [`Record`] has a `key` unique across passes and files (the provider's ids where the
//!   tool keeps them): a sink upserts by it, keeping the larger output, so a line written twice
//!   (Claude's per-block lines, Gemini's re-appended messages, Codex's repeated token counts, a
//!   resumed or forked session) counts once.
//! - Nothing read is trusted: a corrupt, truncated or unknown line is a [`Skip`] with a reason,
//!   counted (with its file), never a crash. Parsers read only the fields they use (a huge
//!   field is skipped, never built as a JSON tree), add counts checked, and every record
//!   passes one sanity bound ([`MAX_TOKENS`] per count) before it is counted.

mod agents;
mod bound;
mod claude;
mod codex;
mod files;
mod gemini;
mod import;
mod lossy;
mod opencode;
mod packed;
mod price;
mod project;
#[cfg(test)]
pub(crate) mod proptests;
mod sink;
mod skip;
mod sources;
mod stream;
mod tail;
mod watch;

pub use bound::{plausible, MAX_TOKENS};
pub use import::{import, Cursor, Report, Sink};
pub use price::{price, provider_of};
pub use project::repository_root;
pub use skip::Skip;
pub use sources::Sources;

use serde::{Deserialize, Serialize};

/// The tool whose records these are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    ClaudeCode,
    Codex,
    GeminiCli,
    Opencode,
    CopilotCli,
    QwenCode,
    Pi,
    Kilo,
    Droid,
}

impl Tool {
    pub const ALL: [Tool; 9] = [
        Tool::ClaudeCode,
        Tool::Codex,
        Tool::GeminiCli,
        Tool::Opencode,
        Tool::CopilotCli,
        Tool::QwenCode,
        Tool::Pi,
        Tool::Kilo,
        Tool::Droid,
    ];

    /// The stored name, the tool's id everywhere: `claude-code`, `codex`, `copilot-cli`, …
    pub fn name(self) -> &'static str {
        match self {
            Tool::ClaudeCode => "claude-code",
            Tool::Codex => "codex",
            Tool::GeminiCli => "gemini-cli",
            Tool::Opencode => "opencode",
            Tool::CopilotCli => "copilot-cli",
            Tool::QwenCode => "qwen-code",
            Tool::Pi => "pi",
            Tool::Kilo => "kilo",
            Tool::Droid => "droid",
        }
    }

    pub fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|t| t.name() == name)
    }

    /// As a user reads it: "Claude Code", "Codex", "Gemini CLI", "opencode".
    pub fn label(self) -> &'static str {
        match self {
            Tool::ClaudeCode => "Claude Code",
            Tool::Codex => "Codex",
            Tool::GeminiCli => "Gemini CLI",
            Tool::Opencode => "opencode",
            Tool::CopilotCli => "Copilot CLI",
            Tool::QwenCode => "Qwen Code",
            Tool::Pi => "Pi",
            Tool::Kilo => "Kilo CLI",
            Tool::Droid => "Factory Droid",
        }
    }
}

/// One model answer a tool recorded, its tokens in the ledger's terms: `input` excludes cache
/// reads and writes, `output` includes reasoning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Unique across files and passes, e.g. `claude-code:msg_…:req_…`, `codex:resp_…`.
    pub key: String,
    pub tool: Option<Tool>,
    /// Unix milliseconds of the answer.
    pub at_ms: i64,
    pub model: String,
    /// The provider as the tool named it (opencode's `providerID`, a "bring your own key"
    /// provider); `None` = the tool's own service (its vendor's, on the user's subscription).
    pub provider: Option<String>,
    /// The project folder the tool ran in, when it says.
    pub project: Option<String>,
    pub session: Option<String>,
    /// The provider's id of the answer (Claude's `msg_…`, Codex's `resp_…`).
    pub provider_id: Option<String>,
    /// The request id the tool kept (Claude's `requestId`: through the gateway, the gateway's
    /// own request id, which is its ledger row's id).
    pub request_id: Option<String>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_5m_tokens: u64,
    pub cache_write_1h_tokens: u64,
    /// How many of `output_tokens` were reasoning.
    pub reasoning_tokens: u64,
}

/// A subscription window as the provider reported it in a tool's records (Codex's
/// `rate_limits`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanWindow {
    pub tool: Tool,
    /// `primary` or `secondary`.
    pub name: String,
    /// 0–100.
    pub used_percent: f64,
    pub window_minutes: Option<u64>,
    /// Unix seconds.
    pub resets_at: Option<i64>,
    /// Unix milliseconds of the record that said it.
    pub seen_at_ms: i64,
    /// The plan's name (`plus`, `pro`…) when the tool says.
    pub plan: Option<String>,
}

/// Unix milliseconds of an RFC 3339 time.
pub(crate) fn rfc3339_ms(s: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}
