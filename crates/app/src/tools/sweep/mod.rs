//! "Find keys on this machine": provider keys in shell profiles, the tools' config files and
//! `.env` files the user names, shown masked with file and line. Moving one tests it, stores it
//! in the keychain under a backend of its kind, and takes it out of the file (the line commented
//! out with a note, or a JSON property removed); the original line's value is kept in the
//! keychain (`key-move:<id>`) so the move can be undone from the same page.
//!
//! Invariant: no value leaves this module except into the keychain; findings carry masks only.

mod env;
mod moves;
mod service;

pub use service::KeySweep;

use super::files;
use crate::blocking::OffThread;
use crate::AppError;
use std::path::{Path, PathBuf};
use switchyard_domain::{BackendKind, CheckOutcome};
use switchyard_secrets::SecretError;
use switchyard_store::KeyMoveRow;
use switchyard_toolconfig::plans;
use switchyard_toolconfig::sweep::{self as scan, Moved, SourceKind};

/// One key found in a file, masked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "FoundKey"))]
pub struct KeyFinding {
    /// Names the finding for [`Tools::move_key`]: path, line, variable and mask.
    pub id: String,
    /// `~/…`
    pub path: String,
    pub line: u32,
    pub variable: String,
    pub kind: BackendKind,
    /// `sk-…abcd`
    pub masked: String,
    /// The same key is already stored under a backend of its kind.
    pub in_keychain: bool,
    /// Where moving it sends the key when the user names no backend, said before the move
    /// (`OpenAI at https://api.openai.com`, `a new Groq backend at https://api.groq.com`).
    pub goes_to: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "KeySweep"))]
pub struct KeyScan {
    pub findings: Vec<KeyFinding>,
    /// Files that could not be read (`~/.zshrc: not UTF-8 text`).
    pub problems: Vec<String>,
}

/// A key moved out of a file into the keychain (or put back).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "MovedKey"))]
pub struct KeyMove {
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

/// The files the sweep reads besides the ones the user names.
pub fn default_sources(home: &plans::Home) -> Vec<PathBuf> {
    let h = &home.home;
    let config = home
        .vars
        .get("XDG_CONFIG_HOME")
        .map_or_else(|| h.join(".config"), PathBuf::from);
    let mut out: Vec<PathBuf> = [
        ".bashrc",
        ".zshrc",
        ".zshenv",
        ".profile",
        ".bash_profile",
        ".zprofile",
    ]
    .iter()
    .map(|f| h.join(f))
    .collect();
    out.push(config.join("fish/config.fish"));
    out.extend(powershell_profiles(home, &config));
    out.push(h.join(".env"));
    // The environment store (Copilot CLI's on Windows) is not a file; the sweep reads it apart.
    let store = home.env_store.as_deref().map(Path::new);
    for tool in plans::ToolId::ALL {
        let files = plans::config_files(tool, home).into_iter().map(|(p, _)| p);
        out.extend(files.filter(|p| Some(p.as_path()) != store));
    }
    out
}

/// PowerShell's profiles for the current user: in Documents on Windows (also where OneDrive
/// moves it), in the config folder elsewhere; PowerShell 7 and Windows PowerShell 5.1.
fn powershell_profiles(home: &plans::Home, config: &Path) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> = if cfg!(windows) {
        ["Documents", r"OneDrive\Documents"]
            .iter()
            .flat_map(|d| {
                let docs = home.home.join(d);
                [docs.join("PowerShell"), docs.join("WindowsPowerShell")]
            })
            .collect()
    } else {
        vec![config.join("powershell")]
    };
    folders
        .iter()
        .flat_map(|f| ["Microsoft.PowerShell_profile.ps1", "profile.ps1"].map(|n| f.join(n)))
        .collect()
}

/// The default sources and the user's files, each path once (a finding is listed once).
fn sources(home: &plans::Home, extra: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in default_sources(home).into_iter().chain(extra) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Where a finding is: a file, or the user's environment store.
#[derive(Debug, Clone)]
pub(super) enum Origin {
    File(PathBuf),
    /// A variable of `store` (`HKCU\Environment`, `launchctl`); `expand`: a Windows
    /// `REG_EXPAND_SZ`.
    Env {
        store: String,
        expand: bool,
    },
}

impl Origin {
    /// The path, or the store's name, as a finding's id and a move's record hold it.
    fn place(&self) -> String {
        match self {
            Origin::File(p) => p.display().to_string(),
            Origin::Env { store, .. } => store.clone(),
        }
    }

    fn shown(&self, home: &Path) -> String {
        match self {
            Origin::File(p) => files::shown(home, p),
            Origin::Env { store, .. } => store.clone(),
        }
    }
}

pub(super) struct Hit {
    pub(super) origin: Origin,
    pub(super) found: scan::Found,
}

impl Hit {
    fn id(&self) -> String {
        let f = &self.found;
        format!(
            "{}:{}:{}:{}",
            self.origin.place(),
            f.line,
            f.variable,
            f.masked
        )
    }
}

/// Every finding in the files and the user's environment store, and what could not be read.
fn scan_all(inner: &KeySweep, paths: &[PathBuf]) -> (Vec<Hit>, Vec<String>) {
    let (mut hits, mut problems) = (Vec::new(), Vec::new());
    for path in paths {
        match files::read_text(path) {
            Ok(Some(text)) => hits.extend(
                scan::scan(&text, SourceKind::for_path(path))
                    .into_iter()
                    .map(|found| Hit {
                        origin: Origin::File(path.clone()),
                        found,
                    }),
            ),
            Ok(None) => {}
            Err(e) => problems.push(e.to_string()),
        }
    }
    match env::hits(inner.place.user_env.as_ref()) {
        Ok(env) => hits.extend(env),
        Err(e) => problems.push(e.to_string()),
    }
    (hits, problems)
}

impl KeySweep {
    /// Scans the profiles, the tools' files and `extra` files for provider keys.
    pub async fn find_keys(&self, extra: Vec<PathBuf>) -> Result<KeyScan, AppError> {
        let home = self.place.home()?;
        self.blocking(move |inner| {
            let (hits, problems) = scan_all(inner, &sources(&home, extra));
            let keys = crate::backends::import::stored_values(&inner.rows, inner.secrets.as_ref());
            let kinds = hits.iter().map(|h| h.found.kind);
            let homes = crate::backends::homes_in_words(
                &inner.rows,
                kinds,
                crate::backends::found_key_home_in_words,
            )?;
            let mut findings = Vec::with_capacity(hits.len());
            for h in &hits {
                findings.push(KeyFinding {
                    id: h.id(),
                    path: h.origin.shown(&home.home),
                    line: h.found.line,
                    variable: h.found.variable.clone(),
                    kind: h.found.kind,
                    masked: h.found.masked.clone(),
                    in_keychain: keys
                        .iter()
                        .any(|(k, v)| *k == h.found.kind && v.expose() == h.found.value.expose()),
                    goes_to: homes.get(&h.found.kind).cloned().unwrap_or_default(),
                });
            }
            Ok(KeyScan { findings, problems })
        })
        .await
    }

    /// Moves finding `id` (from [`Tools::find_keys`] over the same `extra` files) into the
    /// keychain under `backend_id` (default: the first backend of its kind, else a new one) and
    /// takes it out of its file. A key the provider refuses is not moved.
    pub async fn move_key(
        &self,
        id: String,
        extra: Vec<PathBuf>,
        backend_id: Option<String>,
    ) -> Result<KeyMove, AppError> {
        let home = self.place.home()?;
        let Hit { origin, found } = self
            .blocking(move |inner| {
                let (hits, _) = scan_all(inner, &sources(&home, extra));
                hits.into_iter().find(|h| h.id() == id).ok_or_else(|| {
                    AppError::Conflict("That file changed since it was scanned; scan again.".into())
                })
            })
            .await?;
        let kind = found.kind;
        let target = self
            .blocking(move |inner| moves::pick_backend(inner, kind, backend_id.as_deref()))
            .await?;
        let base = match &target {
            Some(b) => b.base_url.clone(),
            None => kind.spec().default_base_url.to_string(),
        };
        // Cleared for the address just picked: the kind's official host or a backend the user
        // already trusts with a key (`backends::home_for_found_key`).
        let cleared = crate::egress::found(found.value.clone(), &base)?;
        let tested = switchyard_gateway::probe::probe(
            &self.reach.http,
            &switchyard_domain::Address::new(kind, &base),
            Some(&cleared),
            self.reach.timeout,
        )
        .await;
        if tested.outcome == CheckOutcome::Invalid {
            return Err(AppError::KeyRefused(format!(
                "{}; it was left in the file",
                tested.message
            )));
        }
        let home = self.place.home()?;
        let outcome = tested.outcome.as_str().to_string();
        let moved = self
            .blocking(move |inner| {
                moves::move_blocking(inner, &home, &origin, &found, target, outcome)
            })
            .await?;
        self.backends_changed.run().await;
        Ok(moved)
    }

    /// Every move, newest first.
    pub async fn key_moves(&self) -> Result<Vec<KeyMove>, AppError> {
        let home = self.place.home()?;
        self.blocking(move |inner| {
            Ok(inner
                .connections
                .list_key_moves()?
                .into_iter()
                .map(|r| view(&home.home, r, None))
                .collect())
        })
        .await
    }

    /// Puts a moved key's line back in its file. The keychain copy under its backend stays.
    pub async fn restore_key(&self, move_id: String) -> Result<KeyMove, AppError> {
        let home = self.place.home()?;
        self.blocking(move |inner| {
            let _lock = files::lock(&inner.place.paths.data_dir)?;
            let row = inner
                .connections
                .list_key_moves()?
                .into_iter()
                .find(|r| r.id == move_id && r.restored_at.is_none())
                .ok_or(AppError::NotFound("Moved key"))?;
            let record: MoveRecord = serde_json::from_str(&row.moved)
                .map_err(|e| AppError::Internal(format!("a key move record is damaged: {e}")))?;
            let value = match inner.secrets.get(&account(&row.id)) {
                Ok(v) => v,
                Err(SecretError::NotFound) => {
                    return Err(AppError::Conflict(
                        "The keychain no longer holds this key's copy; it cannot be put back."
                            .into(),
                    ))
                }
                Err(e) => return Err(e.into()),
            };
            match record {
                MoveRecord::File(moved) => {
                    let path = PathBuf::from(&row.path);
                    let text = files::read_text(&path)?
                        .ok_or_else(|| AppError::File(format!("{} no longer exists.", row.path)))?;
                    let restored =
                        scan::restore(&text, SourceKind::for_path(&path), &moved, value.expose())
                            .map_err(|e| AppError::Conflict(format!("{}: {e}", row.path)))?;
                    files::write_atomic(&path, &restored)?;
                }
                MoveRecord::Env(env) => {
                    env::put_back(inner.place.user_env.as_ref(), &env, &row.variable, &value)?;
                }
            }
            inner.connections.mark_key_move_restored(&row.id)?;
            inner.secrets.delete(&account(&row.id))?;
            tracing::info!(variable = %row.variable, "moved key put back in its file");
            Ok(view(
                &home.home,
                KeyMoveRow {
                    restored_at: Some(crate::now_rfc3339()),
                    ..row
                },
                None,
            ))
        })
        .await
    }
}

/// What a key move changed, as its history row keeps it (JSON): a file's line edit, or a
/// variable taken out of the user's environment store.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub(super) enum MoveRecord {
    File(Moved),
    Env(env::EnvMoved),
}

pub(super) fn account(move_id: &str) -> String {
    format!("key-move:{move_id}")
}

pub(super) fn view(home: &Path, r: KeyMoveRow, tested: Option<String>) -> KeyMove {
    KeyMove {
        path: files::shown(home, Path::new(&r.path)),
        kind: BackendKind::parse(&r.kind).unwrap_or(BackendKind::OpenAiCompatible),
        restored: r.restored_at.is_some(),
        id: r.id,
        line: r.line,
        variable: r.variable,
        masked: r.masked,
        backend: r.backend,
        key_label: r.key_label,
        moved_at: r.moved_at,
        tested,
    }
}
