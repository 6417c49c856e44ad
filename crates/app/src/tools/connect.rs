//! Connecting and disconnecting: the generic part shared by every tool and by Claude Code's
//! status line. A connect plans every file first (parse errors refuse the whole connect before
//! anything is written), records the journal, backs up and stages each file, then renames them
//! into place; a disconnect re-reads each live file and undoes only the recorded keys.

use super::files;
use super::journal::{self, FileEntry, FileRecord, Restore, CONNECTED, PENDING};
use crate::service::Inner;
use crate::AppError;
use std::path::{Path, PathBuf};
use switchyard_connect::edit::{self, Change, EditError};
use switchyard_connect::FilePlan;
use switchyard_store::ConnectionRow;

/// What a connect or disconnect did, for the page and the CLI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilesReport {
    /// Files written (`~/…`).
    pub changed: Vec<String>,
    /// Keys the user changed after connecting, left as they are (`~/.codex/config.toml: model`).
    pub kept: Vec<String>,
    /// Backups made (`<data>/backups/…`).
    pub backups: Vec<PathBuf>,
}

/// One planned file: its live text and what it becomes.
struct Staged {
    entry: FileEntry,
    record: FileRecord,
    live: Option<String>,
    next: Option<String>,
}

fn edit_error(path: &Path, e: EditError) -> AppError {
    match e {
        EditError::Parse {
            line,
            column,
            message,
        } => AppError::Invalid(format!(
            "{} cannot be read (line {line}, column {column}: {message}); fix or move it, then connect again. Nothing was changed.",
            path.display()
        )),
        other => AppError::Invalid(format!(
            "{}: {other}. Nothing was changed.",
            path.display()
        )),
    }
}

/// Applies `plans` as connection `id` (a reconnect first undoes the previous record in memory,
/// so "what each key held before" stays the user's own value).
pub fn connect(
    inner: &Inner,
    id: &str,
    plans: &[FilePlan],
    token_id: Option<String>,
    model: Option<String>,
    home: &Path,
) -> Result<FilesReport, AppError> {
    let old = inner.store.get_connection(id)?;
    let old_restore = match &old {
        Some(_) => journal::load_restore(inner, id)?,
        None => None,
    };
    let old_entries = match &old {
        Some(row) => journal::entries(row)?,
        None => Vec::new(),
    };
    let mut staged = Vec::new();
    for plan in plans {
        let live = files::read_text(&plan.path)?;
        let prior = old_restore.as_ref().and_then(|r| r.file(&plan.path));
        let base = match prior {
            Some(rec) => undo_for_reconnect(&plan.path, live.as_deref(), rec)?,
            None => live.clone(),
        };
        let applied = edit::apply(base.as_deref(), plan.format, &plan.changes)
            .map_err(|e| edit_error(&plan.path, e))?;
        let mut record = applied.record;
        let old_entry = old_entries.iter().find(|e| e.path == plan.path);
        if let Some(rec) = prior {
            record.file_existed = rec.record.file_existed;
        }
        let created_dir = match old_entry {
            Some(e) => e.created_dir.clone(),
            None => missing_dir(&plan.path),
        };
        let next = Some(applied.text);
        staged.push(Staged {
            entry: FileEntry {
                path: plan.path.clone(),
                before: old_entry
                    .map_or_else(|| files::digest(live.as_deref()), |e| e.before.clone()),
                after: files::digest(next.as_deref()),
                backup: None,
                created_dir,
            },
            record: FileRecord {
                path: plan.path.clone(),
                format: journal::format_name(plan.format).into(),
                record,
            },
            live,
            next,
        });
    }
    let mut report = FilesReport::default();
    for s in &mut staged {
        if let (Some(text), true) = (&s.live, s.live != s.next) {
            let backup = files::backup(&inner.paths.data_dir, id, &s.entry.path, text)?;
            report.backups.push(backup.clone());
            s.entry.backup = Some(backup);
        } else if let Some(e) = old_entries.iter().find(|e| e.path == s.entry.path) {
            s.entry.backup = e.backup.clone();
        }
    }
    let restore = Restore {
        files: staged.iter().map(|s| s.record.clone()).collect(),
    };
    let entries: Vec<FileEntry> = staged.iter().map(|s| s.entry.clone()).collect();
    journal::save_restore(inner, id, &restore)?;
    let mut row = ConnectionRow {
        id: id.to_string(),
        state: PENDING.into(),
        token_id,
        model,
        files: journal::encode_entries(&entries)?,
        updated_at: String::new(),
    };
    inner.store.put_connection(&row)?;
    let mut temps = Vec::new();
    for s in staged.iter().filter(|s| s.live != s.next) {
        if let Some(text) = &s.next {
            temps.push((files::stage(&s.entry.path, text)?, s.entry.path.clone()));
        }
    }
    if std::env::var(files::FAULT_ENV).as_deref() == Ok("connect-before-rename") {
        tracing::error!("injected fault: stopping between the journal and the rename");
        std::process::abort();
    }
    for (tmp, path) in &temps {
        files::commit(tmp, path)?;
        report.changed.push(files::shown(home, path));
    }
    if std::env::var(files::FAULT_ENV).as_deref() == Ok("connect-after-rename") {
        tracing::error!("injected fault: stopping between the rename and the journal's end");
        std::process::abort();
    }
    row.state = CONNECTED.into();
    inner.store.put_connection(&row)?;
    Ok(report)
}

/// A reconnect's starting point: the live text with the previous connect undone. Keys of ours
/// that changed since (a new port written by hand, a stale token) are ours to update, so they
/// are first put back to what Switchyard wrote; the undo then restores the user's originals.
fn undo_for_reconnect(
    path: &Path,
    live: Option<&str>,
    rec: &FileRecord,
) -> Result<Option<String>, AppError> {
    let format = journal::format_of(&rec.format)?;
    let fail = |e| edit_error(path, e);
    let first = edit::revert(live, format, &rec.record).map_err(fail)?;
    if first.kept.is_empty() {
        return Ok(first.text);
    }
    let ours: Vec<Change> = rec
        .record
        .edits
        .iter()
        .filter(|e| first.kept.contains(&e.path))
        .map(|e| match &e.written {
            Some(value) => Change::Set {
                path: e.path.clone(),
                value: value.clone(),
                secret: e.secret,
            },
            None => Change::Remove {
                path: e.path.clone(),
                secret: e.secret,
            },
        })
        .collect();
    let restored = edit::apply(live, format, &ours).map_err(fail)?;
    Ok(edit::revert(Some(&restored.text), format, &rec.record)
        .map_err(fail)?
        .text)
}

/// The nearest missing ancestor folder of `path` (what a write would create).
fn missing_dir(path: &Path) -> Option<PathBuf> {
    let mut missing = None;
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.exists() {
            break;
        }
        missing = Some(d.to_path_buf());
        dir = d.parent();
    }
    missing
}

/// Undoes connection `id` on the live files and forgets it. Keys the user changed since stay.
pub fn disconnect(inner: &Inner, id: &str, home: &Path) -> Result<FilesReport, AppError> {
    let row = inner
        .store
        .get_connection(id)?
        .ok_or(AppError::NotFound("Connection"))?;
    let entries = journal::entries(&row)?;
    let restore = journal::load_restore(inner, id)?.ok_or_else(|| {
        AppError::Conflict(format!(
            "The record of what Switchyard changed for {id} is missing from the keychain; restore the file from a backup in {} instead.",
            inner.paths.data_dir.join("backups").display()
        ))
    })?;
    let mut report = FilesReport::default();
    for rec in &restore.files {
        let created = entries
            .iter()
            .find(|e| e.path == rec.path)
            .and_then(|e| e.created_dir.clone());
        let (changed, kept) = revert_file(&rec.path, rec, created.as_deref())?;
        if changed {
            report.changed.push(files::shown(home, &rec.path));
        }
        report.kept.extend(
            kept.into_iter()
                .map(|k| format!("{}: {k}", files::shown(home, &rec.path))),
        );
    }
    journal::delete_restore(inner, id)?;
    inner.store.delete_connection(id)?;
    Ok(report)
}

/// Undoes one file's record on its live text. Returns (whether the file changed, the keys kept).
pub fn revert_file(
    path: &Path,
    rec: &FileRecord,
    created_dir: Option<&Path>,
) -> Result<(bool, Vec<String>), AppError> {
    let format = journal::format_of(&rec.format)?;
    let live = files::read_text(path)?;
    let reverted =
        edit::revert(live.as_deref(), format, &rec.record).map_err(|e| edit_error(path, e))?;
    let kept = reverted.kept.iter().map(|k| k.join(".")).collect();
    if reverted.text == live {
        return Ok((false, kept));
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
