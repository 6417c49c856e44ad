//! Import: find keys in the process environment and a chosen `.env` file, show them masked, and
//! import the selected ones into the keychain, enabling (or creating) the matching backends.
//! The UI never receives a key: it selects findings by id and the import re-reads the sources.

use super::BackendTables;
use super::Backends;
use crate::blocking::OffThread;
use crate::{AppError, NewKey};
use std::path::{Path, PathBuf};
use switchyard_domain::dotenv::parse_dotenv;
use switchyard_domain::import::{kind_for_variable, ollama_base_url};
use switchyard_domain::validate::{
    validate_backend, validate_key, MAX_LABEL_CHARS, MAX_NAME_CHARS,
};
use switchyard_domain::{free_name, mask_key, BackendDraft, BackendKind};
use switchyard_secrets::SecretStore;
use switchyard_secrets::SecretString;

/// Largest `.env` file read, to keep a wrong pick (a log, a binary) from stalling the app.
pub const MAX_ENV_FILE_BYTES: u64 = 1024 * 1024;

/// Where variables come from: the real process environment, or a fixed list in tests.
#[derive(Clone)]
pub enum Environment {
    Process,
    Fixed(Vec<(String, String)>),
}

/// Values are keys: show only the variable names.
impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Environment::Process => f.write_str("Process"),
            Environment::Fixed(vars) => f
                .debug_list()
                .entries(vars.iter().map(|(name, _)| name))
                .finish(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingSource {
    Environment,
    File { line: u32 },
}

/// One recognised variable, masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable within a scan of the same sources: `env:NAME` or `file:LINE:NAME`.
    pub id: String,
    pub variable: String,
    pub source: FindingSource,
    pub kind: BackendKind,
    /// `sk-…abcd`, or the host for `OLLAMA_HOST` (not a secret).
    pub display: String,
    pub already_imported: bool,
    /// Where importing it sends the key, said before the import (`OpenAI at
    /// https://api.openai.com`, `a new OpenAI backend at https://api.openai.com`); for
    /// `OLLAMA_HOST`, the backend it points.
    pub goes_to: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportScan {
    pub findings: Vec<Finding>,
    pub problems: Vec<ImportProblem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ImportResult")]
pub struct ImportReport {
    pub imported: u32,
    /// Why a selected finding was not imported ("OPENAI_API_KEY (env): already imported").
    pub skipped: Vec<String>,
    /// The backends now enabled because of the import, with the address each key goes to
    /// (`OpenAI at https://api.openai.com`).
    pub backends: Vec<String>,
}

struct Found {
    finding: Finding,
    value: SecretString,
}

impl Backends {
    /// Lists what could be imported. Reads the keychain only to mark keys already imported.
    pub async fn scan_import(&self, env_file: Option<PathBuf>) -> Result<ImportScan, AppError> {
        self.blocking(move |inner| {
            let (found, problems) = collect(inner, env_file.as_deref())?;
            let kinds = found.iter().map(|f| f.finding.kind);
            let homes =
                super::homes_in_words(&inner.rows, kinds, super::hosts::import_home_in_words)?;
            let findings = found
                .into_iter()
                .map(|f| Finding {
                    goes_to: homes.get(&f.finding.kind).cloned().unwrap_or_default(),
                    ..f.finding
                })
                .collect();
            Ok(ImportScan { findings, problems })
        })
        .await
    }

    /// Imports the findings with the given ids. All ids must still be found, or nothing happens.
    pub async fn import_keys(
        &self,
        env_file: Option<PathBuf>,
        ids: Vec<String>,
    ) -> Result<ImportReport, AppError> {
        let report = self
            .blocking(move |inner| import(inner, env_file.as_deref(), &ids))
            .await?;
        self.changed.run().await;
        Ok(report)
    }
}

fn collect(
    inner: &Backends,
    env_file: Option<&Path>,
) -> Result<(Vec<Found>, Vec<ImportProblem>), AppError> {
    let vars = match &inner.environment {
        Environment::Process => std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect(),
        Environment::Fixed(vars) => vars.clone(),
    };
    let mut found: Vec<Found> = vars
        .into_iter()
        .filter_map(|(name, value)| {
            finding(
                format!("env:{name}"),
                name,
                FindingSource::Environment,
                value,
            )
        })
        .collect();
    let mut problems = Vec::new();
    if let Some(path) = env_file {
        let parsed = parse_dotenv(&read_env_file(path)?);
        problems = parsed
            .problems
            .into_iter()
            .map(|p| ImportProblem {
                line: p.line,
                message: p.message,
            })
            .collect();
        found.extend(parsed.entries.into_iter().filter_map(|e| {
            let id = format!("file:{}:{}", e.line, e.key);
            finding(id, e.key, FindingSource::File { line: e.line }, e.value)
        }));
    }
    found.sort_by(|a, b| {
        (a.finding.kind.as_str(), &a.finding.id).cmp(&(b.finding.kind.as_str(), &b.finding.id))
    });
    let stored = stored_values(&inner.rows, inner.secrets.as_ref());
    let backends = inner.rows.backends.list_backends().unwrap_or_default();
    for f in &mut found {
        f.finding.already_imported = match f.finding.kind {
            BackendKind::Ollama => backends
                .iter()
                .any(|b| b.kind == BackendKind::Ollama && b.base_url == f.finding.display),
            kind => stored
                .iter()
                .any(|(k, v)| *k == kind && v.expose() == f.value.expose()),
        };
    }
    Ok((found, problems))
}

fn finding(id: String, variable: String, source: FindingSource, value: String) -> Option<Found> {
    let kind = kind_for_variable(&variable)?;
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return None;
    }
    let display = match kind {
        BackendKind::Ollama => ollama_base_url(trimmed).unwrap_or_else(|| "(not a host)".into()),
        _ => mask_key(trimmed),
    };
    // The masked form in the id: a value changed since the scan no longer matches.
    let id = format!("{id}:{display}");
    let value = SecretString::new(trimmed.to_string());
    let finding = Finding {
        id,
        variable,
        source,
        kind,
        display,
        already_imported: false,
        goes_to: String::new(),
    };
    Some(Found { finding, value })
}

fn read_env_file(path: &Path) -> Result<String, AppError> {
    let shown = path.display();
    let meta = std::fs::metadata(path)
        .map_err(|e| AppError::File(format!("Cannot read {shown}: {e}.")))?;
    if !meta.is_file() {
        return Err(AppError::File(format!("{shown} is not a file.")));
    }
    if meta.len() > MAX_ENV_FILE_BYTES {
        return Err(AppError::File(format!(
            "{shown} is larger than 1 MiB; pick a .env file."
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_ENV_FILE_BYTES), &mut bytes)
        })
        .map_err(|e| AppError::File(format!("Cannot read {shown}: {e}.")))?;
    String::from_utf8(bytes).map_err(|_| AppError::File(format!("{shown} is not a text file.")))
}

/// Keys already in the keychain, by kind. Unreadable ones are left out (the scan still works).
pub(crate) fn stored_values(
    rows: &BackendTables,
    secrets: &dyn SecretStore,
) -> Vec<(BackendKind, SecretString)> {
    let (Ok(backends), Ok(keys)) = (rows.backends.list_backends(), rows.keys.list_keys()) else {
        return Vec::new();
    };
    keys.iter()
        .filter_map(|k| {
            let kind = backends.iter().find(|b| b.id == k.backend_id)?.kind;
            Some((kind, secrets.get(&k.id).ok()?))
        })
        .collect()
}

fn import(
    inner: &Backends,
    env_file: Option<&Path>,
    ids: &[String],
) -> Result<ImportReport, AppError> {
    let (found, _) = collect(inner, env_file)?;
    let mut chosen = Vec::new();
    for id in ids {
        let f = found.iter().find(|f| &f.finding.id == id).ok_or_else(|| {
            AppError::Conflict("The sources changed since they were scanned; scan again.".into())
        })?;
        chosen.push(f);
    }
    let mut report = ImportReport::default();
    // Everything that cannot be imported is sorted out before anything is written.
    let mut todo: Vec<&Found> = Vec::new();
    for f in chosen {
        let name = describe(&f.finding);
        let duplicate = todo
            .iter()
            .any(|t| t.finding.kind == f.finding.kind && t.value.expose() == f.value.expose());
        if f.finding.already_imported || duplicate {
            report.skipped.push(format!("{name}: already imported"));
        } else if let Some(reason) = refusal(&f.finding, f.value.expose()) {
            report.skipped.push(format!("{name}: {reason}"));
        } else {
            todo.push(f);
        }
    }
    if todo.iter().any(|f| f.finding.kind != BackendKind::Ollama) {
        inner.secrets.check()?;
    }
    for f in todo {
        let backend = import_one(inner, &f.finding, f.value.expose())?;
        if f.finding.kind != BackendKind::Ollama {
            report.imported += 1;
        }
        if !report.backends.contains(&backend) {
            report.backends.push(backend);
        }
    }
    tracing::info!(
        imported = report.imported,
        skipped = report.skipped.len(),
        "import finished"
    );
    Ok(report)
}

/// Why a finding cannot be imported as it is, or `None`. Never quotes the value.
fn refusal(f: &Finding, value: &str) -> Option<String> {
    let v = match f.kind {
        BackendKind::Ollama => match ollama_base_url(value) {
            Some(url) => validate_backend(&draft_for(f.kind, "Ollama", &url), &[]),
            None => return Some("not a host or host:port".into()),
        },
        kind => validate_key(kind, "imported", value, &[]),
    };
    v.first_error().map(|i| i.message.clone())
}

fn draft_for(kind: BackendKind, name: &str, base_url: &str) -> BackendDraft {
    BackendDraft {
        name: name.to_string(),
        kind,
        base_url: base_url.to_string(),
        default_model: kind.spec().default_model.to_string(),
    }
}

/// Imports one checked finding and enables its backend: a key into the first backend of its
/// kind at an address the user already trusts with a key ([`super::home_for_found_key`]),
/// else a new one at the provider's address; `OLLAMA_HOST` into the first Ollama backend. A
/// backend created here is removed again if its key cannot be stored. Returns where it went
/// (`OpenAI at https://api.openai.com`).
fn import_one(inner: &Backends, f: &Finding, value: &str) -> Result<String, AppError> {
    let backends = inner.rows.backends.list_backends()?;
    let ollama_url = match f.kind {
        BackendKind::Ollama => ollama_base_url(value),
        _ => None,
    };
    let existing = match f.kind {
        BackendKind::Ollama => backends.iter().find(|b| b.kind == f.kind).cloned(),
        kind => super::home_for_found_key(&inner.rows, kind)?,
    };
    let (backend, created) = match existing {
        Some(b) => {
            if let Some(url) = &ollama_url {
                let draft = BackendDraft {
                    default_model: b.default_model.clone(),
                    ..draft_for(b.kind, &b.name, url)
                };
                inner.rows.backends.update_backend(&b.id, &draft)?;
            }
            (b, false)
        }
        None => {
            let taken: Vec<&str> = backends.iter().map(|b| b.name.as_str()).collect();
            let spec = f.kind.spec();
            let name = free_name(spec.label, &taken, MAX_NAME_CHARS);
            let url = ollama_url
                .clone()
                .unwrap_or_else(|| spec.default_base_url.to_string());
            let draft = draft_for(f.kind, &name, &url);
            (
                inner
                    .rows
                    .backends
                    .insert_backend(&crate::new_id(), &draft, true)?,
                true,
            )
        }
    };
    if ollama_url.is_none() {
        let labels: Vec<String> = inner
            .rows
            .keys
            .keys_of(&backend.id)?
            .into_iter()
            .map(|k| k.label)
            .collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let base = match f.source {
            FindingSource::Environment => "env",
            FindingSource::File { .. } => ".env",
        };
        let key = NewKey {
            label: free_name(base, &labels, MAX_LABEL_CHARS),
            value: SecretString::new(value.to_string()),
        };
        if let Err(e) =
            super::keys::store_key(&inner.rows, inner.secrets.as_ref(), &backend.id, &key)
        {
            if created {
                inner.rows.backends.delete_backend(&backend.id)?;
            }
            return Err(e);
        }
    }
    inner.rows.backends.set_backend_enabled(&backend.id, true)?;
    let url = ollama_url.unwrap_or(backend.base_url);
    let at = switchyard_domain::origin_of(&url).unwrap_or(url);
    Ok(format!("{} at {at}", backend.name))
}

fn describe(f: &Finding) -> String {
    match f.source {
        FindingSource::Environment => format!("{} (environment)", f.variable),
        FindingSource::File { line } => format!("{} (.env line {line})", f.variable),
    }
}
