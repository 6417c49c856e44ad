//! IPC shapes for validation reports and key import.

use super::dto::Kind;
use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{Finding, FindingSource, ImportReport, ImportScan};
use switchyard_core::validate::{Field, Fix, Issue, Severity, Validation};

/// Which form field an issue belongs to.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum FieldName {
    Name,
    Kind,
    BaseUrl,
    DefaultModel,
    KeyLabel,
    KeyValue,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum IssueSeverity {
    Error,
    Warning,
}

/// A one-click correction. Never carries a key.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum FixAction {
    Replace { value: String },
    TrimKey,
    SwitchKind { kind: Kind },
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
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
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
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

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
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

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EnvProblem {
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
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

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
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
