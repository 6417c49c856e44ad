//! IPC shapes for key import (validation reports are in `crate::issues`).

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{Finding, FindingSource, ImportScan};
use switchyard_domain::BackendKind;

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportFinding {
    pub id: String,
    pub variable: String,
    /// `null` for the process environment, else the `.env` line.
    pub line: Option<u32>,
    pub kind: BackendKind,
    /// Masked key, or the Ollama host.
    pub display: String,
    pub already_imported: bool,
    /// Where importing it sends the key (`OpenAI at https://api.openai.com`).
    pub goes_to: String,
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
            kind: f.kind,
            display: f.display,
            already_imported: f.already_imported,
            goes_to: f.goes_to,
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
