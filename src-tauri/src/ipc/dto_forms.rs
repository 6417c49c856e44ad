//! IPC shapes for validation, import, settings and app info.

use super::dto::Kind;
use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{Finding, FindingSource, ImportReport, ImportScan, Settings, Theme};
use switchyard_core::validate::{Field, Fix, Issue, Severity, Validation};

/// Which form field an issue belongs to.
#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum FieldName {
    Name,
    Kind,
    BaseUrl,
    DefaultModel,
    KeyLabel,
    KeyValue,
}

#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum IssueSeverity {
    Error,
    Warning,
}

/// A one-click correction. Never carries a key.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum FixAction {
    Replace { value: String },
    TrimKey,
    SwitchKind { kind: Kind },
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldIssue {
    pub field: FieldName,
    pub severity: IssueSeverity,
    pub message: String,
    pub fix: Option<FixAction>,
}

impl From<Issue> for FieldIssue {
    fn from(i: Issue) -> Self {
        FieldIssue {
            field: match i.field {
                Field::Name => FieldName::Name,
                Field::Kind => FieldName::Kind,
                Field::BaseUrl => FieldName::BaseUrl,
                Field::DefaultModel => FieldName::DefaultModel,
                Field::KeyLabel => FieldName::KeyLabel,
                Field::KeyValue => FieldName::KeyValue,
            },
            severity: match i.severity {
                Severity::Error => IssueSeverity::Error,
                Severity::Warning => IssueSeverity::Warning,
            },
            message: i.message,
            fix: i.fix.map(|f| match f {
                Fix::Replace { value } => FixAction::Replace { value },
                Fix::TrimKey => FixAction::TrimKey,
                Fix::SwitchKind { kind } => FixAction::SwitchKind { kind: kind.into() },
            }),
        }
    }
}

/// Every problem with a draft. `ok` is false when an error blocks saving.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport {
    pub ok: bool,
    pub issues: Vec<FieldIssue>,
}

impl From<Validation> for ValidationReport {
    fn from(v: Validation) -> Self {
        ValidationReport {
            ok: v.is_ok(),
            issues: v.issues.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportFinding {
    pub id: String,
    pub variable: String,
    /// `null` for the process environment, else the `.env` line.
    pub line: Option<u32>,
    pub kind: Kind,
    /// Masked key, or the Ollama host.
    pub display: String,
    pub already_imported: bool,
}

impl From<Finding> for ImportFinding {
    fn from(f: Finding) -> Self {
        ImportFinding {
            id: f.id,
            variable: f.variable,
            line: match f.source {
                FindingSource::Environment => None,
                FindingSource::File { line } => Some(line),
            },
            kind: f.kind.into(),
            display: f.display,
            already_imported: f.already_imported,
        }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EnvProblem {
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportScanResult {
    pub findings: Vec<ImportFinding>,
    pub problems: Vec<EnvProblem>,
}

impl From<ImportScan> for ImportScanResult {
    fn from(s: ImportScan) -> Self {
        ImportScanResult {
            findings: s.findings.into_iter().map(Into::into).collect(),
            problems: s
                .problems
                .into_iter()
                .map(|p| EnvProblem {
                    line: p.line,
                    message: p.message,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    pub imported: u32,
    pub skipped: Vec<String>,
    pub backends: Vec<String>,
}

impl From<ImportReport> for ImportResult {
    fn from(r: ImportReport) -> Self {
        ImportResult {
            imported: r.imported,
            skipped: r.skipped,
            backends: r.backends,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ThemeChoice {
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UserSettings {
    pub theme: ThemeChoice,
    pub reveal_seconds: u32,
    /// Requests older than this many days leave the ledger.
    pub request_retention_days: u32,
    /// Closing the window keeps Switchyard running in the tray.
    pub keep_running_in_tray: bool,
    /// Start Switchyard in the tray when the user logs in.
    pub start_at_login: bool,
    /// The first-run offer to start at login was answered or dismissed.
    pub start_at_login_offered: bool,
}

impl From<Settings> for UserSettings {
    fn from(s: Settings) -> Self {
        let theme = match s.theme {
            Theme::System => ThemeChoice::System,
            Theme::Light => ThemeChoice::Light,
            Theme::Dark => ThemeChoice::Dark,
        };
        UserSettings {
            theme,
            reveal_seconds: s.reveal_seconds,
            request_retention_days: s.request_retention_days,
            keep_running_in_tray: s.keep_running_in_tray,
            start_at_login: s.start_at_login,
            start_at_login_offered: s.start_at_login_offered,
        }
    }
}

impl UserSettings {
    /// The settings to save: this form over `saved`, keeping what only the shell writes (the
    /// one-time close hint).
    pub fn apply_to(self, saved: Settings) -> Settings {
        let theme = match self.theme {
            ThemeChoice::System => Theme::System,
            ThemeChoice::Light => Theme::Light,
            ThemeChoice::Dark => Theme::Dark,
        };
        Settings {
            theme,
            reveal_seconds: self.reveal_seconds,
            request_retention_days: self.request_retention_days,
            keep_running_in_tray: self.keep_running_in_tray,
            start_at_login: self.start_at_login,
            start_at_login_offered: self.start_at_login_offered,
            ..saved
        }
    }
}

/// Whether keys can be stored right now, and how to fix it if not.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    pub available: bool,
    pub service: String,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub log_dir: String,
    pub db_file: String,
    pub demo_base_url: String,
    /// Milliseconds from process start to the UI's first paint, once reported.
    pub first_paint_ms: Option<u32>,
}

impl KeychainStatus {
    pub fn from_check(
        service: &str,
        check: Result<(), switchyard_app::secrets::SecretError>,
    ) -> Self {
        let service = service.to_string();
        match check {
            Ok(()) => KeychainStatus {
                available: true,
                service,
                message: "The OS keychain is ready.".into(),
                hint: None,
            },
            Err(e) => KeychainStatus {
                available: false,
                service,
                message: e.to_string(),
                hint: Some(e.fix_hint().into()),
            },
        }
    }
}
