//! What a connection wrote, in two halves: the database row (`tool_connections`: paths, content
//! hashes, whether each file existed, `pending` until every file is renamed into place) and the
//! keychain entry `connection:<id>` (each file's [`Record`]: the keys written and what they held
//! before — values that can be keys, so never in the database).
//!
//! [`repair`] runs at start-up: a connect interrupted between the journal and the last rename is
//! rolled back (or finished, when every file made it), and temp files left behind are removed.

use super::{folders, target, Tools};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use switchyard_app::tools::files;
use switchyard_app::AppError;
use switchyard_secrets::{SecretError, SecretString};
use switchyard_store::ConnectionRow;
use switchyard_toolconfig::edit::{self, Record};
use switchyard_toolconfig::Format;

pub const PENDING: &str = "pending";
pub const CONNECTED: &str = "connected";

/// One file of a connection, as the database keeps it (no values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: PathBuf,
    /// Hex SHA-256 before and after the connect (`None`: no file).
    pub before: Option<String>,
    pub after: Option<String>,
    /// Where the backup of the original went (masked), if there was a file.
    pub backup: Option<PathBuf>,
    /// A folder this connect created (removed again on disconnect when empty).
    pub created_dir: Option<PathBuf>,
}

/// One file's edit record, kept in the keychain.
#[derive(Clone, Serialize, Deserialize)]
pub struct FileRecord {
    pub path: PathBuf,
    pub format: String,
    pub record: Record,
}

/// Everything needed to undo a connection, kept in the keychain.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Restore {
    pub files: Vec<FileRecord>,
    /// While a reconnect is pending: the connection it replaces, and that one's token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Box<Restore>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_token: Option<String>,
}

impl Restore {
    pub fn file(&self, path: &Path) -> Option<&FileRecord> {
        self.files.iter().find(|f| f.path == path)
    }
}

pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Json => "json",
        Format::Toml => "toml",
        Format::Yaml => "yaml",
        Format::Dotenv => "dotenv",
        Format::ShellEnv => "shell-env",
        Format::Profile => "profile",
    }
}

pub fn format_of(name: &str) -> Result<Format, AppError> {
    Ok(match name {
        "json" => Format::Json,
        "toml" => Format::Toml,
        "yaml" => Format::Yaml,
        "dotenv" => Format::Dotenv,
        "shell-env" => Format::ShellEnv,
        "profile" => Format::Profile,
        other => {
            return Err(AppError::Internal(format!(
                "unknown file format “{other}” in a connection record"
            )))
        }
    })
}

fn account(id: &str) -> String {
    format!("connection:{id}")
}

pub fn save_restore(inner: &Tools, id: &str, restore: &Restore) -> Result<(), AppError> {
    let json = serde_json::to_string(restore)
        .map_err(|e| AppError::Internal(format!("cannot encode a connection record: {e}")))?;
    inner.secrets.set(&account(id), &SecretString::new(json))?;
    Ok(())
}

/// The keychain half, `None` when it is missing.
pub fn load_restore(inner: &Tools, id: &str) -> Result<Option<Restore>, AppError> {
    match inner.secrets.get(&account(id)) {
        Ok(json) => serde_json::from_str(json.expose())
            .map(Some)
            .map_err(|e| AppError::Internal(format!("a connection record is damaged: {e}"))),
        Err(SecretError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub fn delete_restore(inner: &Tools, id: &str) -> Result<(), AppError> {
    Ok(inner.secrets.delete(&account(id))?)
}

pub fn entries(row: &ConnectionRow) -> Result<Vec<FileEntry>, AppError> {
    serde_json::from_str(&row.files)
        .map_err(|e| AppError::Internal(format!("connection {}: damaged file list: {e}", row.id)))
}

pub fn encode_entries(entries: &[FileEntry]) -> Result<String, AppError> {
    serde_json::to_string(entries)
        .map_err(|e| AppError::Internal(format!("cannot encode a file list: {e}")))
}

/// Finishes or rolls back every connect a crash interrupted; returns what it did, for the log.
pub fn repair(inner: &Tools) -> Result<Vec<String>, AppError> {
    let _lock = files::lock(&inner.place.paths.data_dir)?;
    let mut done = Vec::new();
    for row in inner.connections.list_connections()? {
        let list = entries(&row)?;
        for e in list
            .iter()
            .filter(|e| target::store(inner, &e.path).is_none())
        {
            files::remove(&files::tmp_path(&e.path))?;
        }
        if row.state != PENDING {
            continue;
        }
        let restore = load_restore(inner, &row.id)?.unwrap_or_default();
        let mut written = Vec::new();
        for e in &list {
            let records = [Some(&restore), restore.previous.as_deref()];
            let names: Vec<String> = records
                .into_iter()
                .flatten()
                .filter_map(|r| r.file(&e.path))
                .flat_map(|f| target::names(&[], Some(&f.record)))
                .collect();
            let now = files::digest(target::read(inner, &e.path, &names)?.as_deref());
            if now == e.after && e.after != e.before {
                written.push(e);
            }
        }
        let changing = list.iter().filter(|e| e.after != e.before).count();
        let old_token = restore
            .previous_token
            .clone()
            .filter(|t| row.token_id.as_ref() != Some(t));
        if written.len() == changing {
            inner.connections.put_connection(&ConnectionRow {
                state: CONNECTED.into(),
                ..row.clone()
            })?;
            save_restore(
                inner,
                &row.id,
                &Restore {
                    previous: None,
                    previous_token: None,
                    ..restore
                },
            )?;
            revoke(inner, old_token.as_deref())?;
            done.push(format!("finished the interrupted connect of {}", row.id));
            continue;
        }
        // Rolled back to "not connected": files the new connect wrote are undone with its
        // record, files still as a previous connect left them with that one's record.
        for e in &list {
            let rec = if written.iter().any(|w| w.path == e.path) {
                restore.file(&e.path)
            } else {
                restore.previous.as_ref().and_then(|p| p.file(&e.path))
            };
            if let Some(rec) = rec {
                revert_file(inner, &e.path, rec, e.created_dir.as_deref())?;
            }
        }
        revoke(inner, row.token_id.as_deref())?;
        revoke(inner, old_token.as_deref())?;
        inner.connections.delete_connection(&row.id)?;
        delete_restore(inner, &row.id)?;
        done.push(format!("rolled back the interrupted connect of {}", row.id));
    }
    for line in &done {
        tracing::warn!("{line}");
    }
    Ok(done)
}

fn revoke(inner: &Tools, token_id: Option<&str>) -> Result<(), AppError> {
    if let Some(id) = token_id {
        inner.tokens.revoke_now(id)?;
    }
    Ok(())
}

/// [`folders::check`] for a file; the environment store has no folder.
pub fn check_folder(inner: &Tools, path: &Path) -> Result<(), AppError> {
    match target::store(inner, path) {
        Some(_) => Ok(()),
        None => folders::check(path),
    }
}

/// Undoes one file's record on its live text. Returns (whether the file changed, the keys kept).
pub fn revert_file(
    inner: &Tools,
    path: &Path,
    rec: &FileRecord,
    created_dir: Option<&Path>,
) -> Result<(bool, Vec<String>), AppError> {
    let format = format_of(&rec.format)?;
    let names = target::names(&[], Some(&rec.record));
    let live = target::read(inner, path, &names)?;
    let reverted = edit::revert(live.as_deref(), format, &rec.record)
        .map_err(|e| target::edit_error(path, e))?;
    let kept = reverted.kept.iter().map(|k| k.join(".")).collect();
    if reverted.text == live {
        return Ok((false, kept));
    }
    if let Some(env) = target::store(inner, path) {
        target::write_store(env, path, &names, reverted.text.as_deref())?;
        return Ok((true, kept));
    }
    match &reverted.text {
        Some(text) => files::write_atomic(path, text)?,
        None => {
            files::remove(path)?;
            if let Some(dir) = created_dir {
                remove_empty_dirs(path, dir);
            }
        }
    }
    Ok((true, kept))
}

/// Removes the folders between `path` and `top` (inclusive) that are now empty.
fn remove_empty_dirs(path: &Path, top: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if std::fs::remove_dir(d).is_err() || d == top {
            break;
        }
        dir = d.parent();
    }
}
