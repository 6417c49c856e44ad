//! IPC shapes for the Tools page: each coding tool's state and usage today, what a connect or
//! disconnect did to its files, and the "find keys on this machine" sweep. Findings and moves
//! carry the masked value only: there is no field a raw key could travel in.

use crate::{ErrorKind, IpcError};
use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::KeyMove;
use switchyard_domain::BackendKind;
use switchyard_toolconfig::ToolId;
use switchyard_tools::{FilesReport, ToolReport, ToolStatus};

/// Resolves a tool id from the UI; an unknown one is a validation error, not a crash.
pub fn parse_tool(id: &str) -> Result<ToolId, IpcError> {
    ToolId::parse(id).ok_or_else(|| {
        IpcError::new(
            ErrorKind::Validation,
            format!(
                "Unknown tool “{}”.",
                id.chars().take(24).collect::<String>()
            ),
        )
    })
}

/// One tool as its card shows it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolInfo {
    pub id: ToolId,
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
    pub requests_today: u32,
    pub cost_today_usd: f64,
    /// Claude Code only: whether Switchyard's status line is installed.
    pub statusline: Option<bool>,
}

impl From<ToolStatus> for ToolInfo {
    fn from(t: ToolStatus) -> Self {
        ToolInfo {
            id: t.tool,
            label: t.tool.label().to_string(),
            installed: t.installed,
            version: t.version,
            program: t.program,
            connected: t.connected,
            points_at: t.points_at,
            needs_reconnect: t.needs_reconnect,
            via_team: t.via_team,
            config_files: t.config_files,
            model: t.model,
            token_name: t.token_name,
            requests_today: u32::try_from(t.requests_today).unwrap_or(u32::MAX),
            cost_today_usd: t.cost_today_usd,
            statusline: t.statusline,
        }
    }
}

/// What a connect, disconnect or status-line change did to the files.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FilesChanged {
    /// Files written (`~/…`).
    pub changed: Vec<String>,
    /// Keys the user changed after connecting, left as they are (`~/.codex/config.toml: model`).
    pub kept: Vec<String>,
    /// Backups made in the data folder.
    pub backups: Vec<String>,
}

impl From<FilesReport> for FilesChanged {
    fn from(r: FilesReport) -> Self {
        FilesChanged {
            changed: r.changed,
            kept: r.kept,
            backups: r
                .backups
                .into_iter()
                .map(|p| p.display().to_string())
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolResult {
    pub files: FilesChanged,
    /// The gateway token the tool uses (connect) or that was revoked (disconnect).
    pub token_name: Option<String>,
    pub model: Option<String>,
}

impl From<ToolReport> for ToolResult {
    fn from(r: ToolReport) -> Self {
        ToolResult {
            files: r.files.into(),
            token_name: r.token_name,
            model: r.model,
        }
    }
}

/// A key moved out of a file into the keychain (or put back).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MovedKey {
    pub id: String,
    pub path: String,
    pub line: u32,
    pub variable: String,
    pub kind: BackendKind,
    pub masked: String,
    /// The backend it was stored under, and the key's label there.
    pub backend: String,
    pub key_label: String,
    /// RFC 3339.
    pub moved_at: String,
    /// Put back in its file.
    pub restored: bool,
    /// The key test's outcome just before the move (`valid`, `unreachable`, …); `null` in the
    /// history.
    pub tested: Option<String>,
}

impl From<KeyMove> for MovedKey {
    fn from(m: KeyMove) -> Self {
        MovedKey {
            id: m.id,
            path: m.path,
            line: m.line,
            variable: m.variable,
            kind: m.kind,
            masked: m.masked,
            backend: m.backend,
            key_label: m.key_label,
            moved_at: m.moved_at,
            restored: m.restored,
            tested: Some(m.tested).filter(|t| !t.is_empty()),
        }
    }
}
