//! What the Tools feature shows and answers: a tool's card ([`ToolStatus`]), what the user picked
//! for a connect ([`ConnectChoice`]) and what a connect or disconnect did ([`ToolReport`]). The
//! window derives its types from these (`specta` feature), the CLI prints them.

use crate::FilesReport;
use switchyard_toolconfig::{TierModels, ToolId};

/// One tool as its card shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "ToolInfo"))]
pub struct ToolStatus {
    #[serde(rename = "id")]
    pub tool: ToolId,
    pub label: String,
    /// Its program was found on `PATH`.
    pub installed: bool,
    pub version: Option<String>,
    /// The program's path.
    pub program: Option<String>,
    pub connected: bool,
    /// The base URL the tool's files point at now, if any.
    pub points_at: Option<String>,
    /// Connected, but the files no longer point at this gateway or its token was revoked.
    pub needs_reconnect: bool,
    /// Connected to the team gateway this desktop is attached to, not to this machine's.
    pub via_team: bool,
    /// The files Connect edits (`~/…`).
    pub config_files: Vec<String>,
    /// The route or model it was connected with (`null`: the tool picks).
    pub model: Option<String>,
    pub token_name: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub requests_today: u64,
    pub cost_today_usd: f64,
    /// Claude Code only: whether Switchyard's status line is installed.
    pub statusline: Option<bool>,
    /// The vendor whose plan the tool can sign in to (Claude Code: Anthropic; Codex: ChatGPT).
    pub plan_vendor: Option<switchyard_domain::Vendor>,
    /// The tool is signed in to its vendor's plan here (its sign-in file is present).
    pub plan_found: bool,
    /// Connected with its plan: where the sign-in goes and what serves when its window is
    /// used up; `null`: connected with API keys (or not connected).
    pub plan: Option<switchyard_domain::Subscription>,
}

/// What the user picked for a connect (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectChoice {
    /// The route or model the tool uses; `None` picks a sensible one.
    pub model: Option<String>,
    /// Claude Code's per-tier models (default: `model` for every tier when one is set).
    pub tiers: TierModels,
    /// To the team gateway this desktop is attached to, with a team token, rather than to this
    /// machine's gateway.
    pub team: bool,
    /// With its plan or with API keys (a tool signed in to its vendor's plan).
    pub way: crate::way::Way,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "ToolResult"))]
pub struct ToolReport {
    pub files: FilesReport,
    /// Connected with its plan (what the connect chose); `null` with API keys.
    pub plan: Option<switchyard_domain::Subscription>,
    /// The gateway token the tool uses (connect) or that was revoked (disconnect).
    pub token_name: Option<String>,
    pub model: Option<String>,
}
