//! Connecting and disconnecting: the generic part shared by every tool and by Claude Code's
//! status line. A connect plans every file first (parse errors refuse the whole connect before
//! anything is written), records the journal, backs up and stages each file, then renames them
//! into place; a disconnect re-reads each live file and undoes only the recorded keys. Both
//! refuse, before writing anything, a file in a folder another user can write
//! ([`journal::check_folder`]).

use super::journal::{self, FileEntry, FileRecord, Restore, CONNECTED, PENDING};
use super::{target, Tools};
use std::path::{Path, PathBuf};
use switchyard_app::tools::files;
use switchyard_app::AppError;
use switchyard_store::ConnectionRow;
use switchyard_toolconfig::edit::{self, Change};
use switchyard_toolconfig::FilePlan;

/// What a connect, disconnect or status-line change did to the files.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "FilesChanged")]
pub struct FilesReport {
    /// Files written (`~/…`).
    pub changed: Vec<String>,
    /// Keys the user changed after connecting, left as they are (`~/.codex/config.toml: model`).
    pub kept: Vec<String>,
    /// Backups made in the data folder.
    pub backups: Vec<String>,
}

/// One planned file: its live text and what it becomes.
struct Staged {
    entry: FileEntry,
    record: FileRecord,
    live: Option<String>,
    next: Option<String>,
    /// The variables it covers, when it is the user's environment store ([`target`]).
    store: Option<Vec<String>>,
}

/// Applies `plans` as connection `id` (a reconnect first undoes the previous record in memory,
/// so "what each key held before" stays the user's own value).
pub fn connect(
    inner: &Tools,
    id: &str,
    plans: &[FilePlan],
    token_id: Option<String>,
    model: Option<String>,
    home: &Path,
) -> Result<FilesReport, AppError> {
    let _lock = files::lock(&inner.place.paths.data_dir)?;
    let old = inner.connections.get_connection(id)?;
    let old_restore = match &old {
        Some(_) => {
            Some(journal::load_restore(inner, id)?.ok_or_else(|| missing_record(inner, id))?)
        }
        None => None,
    };
    let old_entries = match &old {
        Some(row) => journal::entries(row)?,
        None => Vec::new(),
    };
    for plan in plans {
        journal::check_folder(inner, &plan.path)?;
    }
    let mut staged = Vec::new();
    for plan in plans {
        let prior = old_restore.as_ref().and_then(|r| r.file(&plan.path));
        let names = target::names(&plan.changes, prior.map(|p| &p.record));
        let store = target::store(inner, &plan.path).map(|_| names.clone());
        let live = target::read(inner, &plan.path, &names)?;
        let base = match prior {
            Some(rec) => undo_for_reconnect(plan, live.as_deref(), rec)?,
            None => live.clone(),
        };
        let applied = edit::apply(base.as_deref(), plan.format, &plan.changes)
            .map_err(|e| target::edit_error(&plan.path, e))?;
        let mut record = applied.record;
        let old_entry = old_entries.iter().find(|e| e.path == plan.path);
        // A file another connection created (Claude Code's and its status line's share one) goes
        // with the last of the two, and the folder it created with it.
        let other = match prior {
            Some(_) => None,
            None => created_by_other(inner, id, &plan.path)?,
        };
        if let Some(rec) = prior {
            record.file_existed = rec.record.file_existed;
        } else if other.is_some() {
            record.file_existed = false;
        }
        let created_dir = match (old_entry, other) {
            (Some(e), _) => e.created_dir.clone(),
            (None, Some(dir)) => dir,
            (None, None) if store.is_some() => None,
            (None, None) => missing_dir(&plan.path),
        };
        let next = target::canonical(inner, &plan.path, &names, Some(applied.text))?;
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
            store,
        });
    }
    // A file that cannot be replaced refuses the whole connect before anything is written.
    for s in staged
        .iter()
        .filter(|s| s.store.is_none() && s.live.is_some() && s.live != s.next)
    {
        files::check_replaceable(&s.entry.path)?;
    }
    let mut report = FilesReport::default();
    for s in &mut staged {
        // One backup per file, before its first touch (a reconnect keeps that one).
        let first = old_entries
            .iter()
            .find(|e| e.path == s.entry.path)
            .and_then(|e| e.backup.clone());
        s.entry.backup = match (first, &s.live) {
            (Some(b), _) => Some(b),
            (None, Some(text)) if s.live != s.next => {
                let backup = files::backup(&inner.place.paths.data_dir, id, &s.entry.path, text)?;
                report.backups.push(backup.display().to_string());
                Some(backup)
            }
            (None, _) => None,
        };
    }
    let restore = Restore {
        files: staged.iter().map(|s| s.record.clone()).collect(),
        // Kept until this connect is done: a crash before then undoes both (journal::repair).
        previous: old_restore.clone().map(|r| {
            Box::new(Restore {
                previous: None,
                ..r
            })
        }),
        previous_token: old.as_ref().and_then(|r| r.token_id.clone()),
    };
    // Files the previous connect edited that this one no longer plans (the tool's folder moved).
    if let Some(prev) = &old_restore {
        for rec in prev
            .files
            .iter()
            .filter(|r| plans.iter().all(|p| p.path != r.path))
        {
            let created = old_entries
                .iter()
                .find(|e| e.path == rec.path)
                .and_then(|e| e.created_dir.clone());
            journal::revert_file(inner, &rec.path, rec, created.as_deref())?;
        }
    }
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
    inner.connections.put_connection(&row)?;
    let mut temps = Vec::new();
    for s in staged
        .iter()
        .filter(|s| s.store.is_none() && s.live != s.next)
    {
        if let Some(text) = &s.next {
            temps.push((files::stage(&s.entry.path, text)?, s.entry.path.clone()));
        }
    }
    if crate::fault::injected("connect-before-rename") {
        tracing::error!("injected fault: stopping between the journal and the rename");
        std::process::abort();
    }
    if crate::fault::injected("touch-before-rename") {
        let file = |s: &&Staged| s.store.is_none() && s.live.is_some() && s.live != s.next;
        if let Some(s) = staged.iter().find(file) {
            let touched = format!("{}\n", s.live.as_deref().unwrap_or_default());
            std::fs::write(&s.entry.path, touched)
                .map_err(|e| AppError::File(format!("injected fault: {e}")))?;
        }
    }
    // The tool may have saved its file since it was read: then nothing is replaced.
    let meanwhile = staged.iter().filter(|s| s.live != s.next).find(|s| {
        let names = s.store.as_deref().unwrap_or_default();
        !matches!(target::read(inner, &s.entry.path, names), Ok(now) if now == s.live)
    });
    // Nothing is written yet: undoes the journal and the temp files, for a refusal.
    let abandon = |e: AppError| -> Result<FilesReport, AppError> {
        for (tmp, _) in &temps {
            files::remove(tmp)?;
        }
        match (&old, &old_restore) {
            (Some(row), Some(r)) => {
                inner.connections.put_connection(row)?;
                journal::save_restore(inner, id, r)?;
            }
            _ => {
                inner.connections.delete_connection(id)?;
                journal::delete_restore(inner, id)?;
            }
        }
        Err(e)
    };
    if let Some(s) = meanwhile {
        return abandon(AppError::Conflict(format!(
            "{} changed while Switchyard was connecting (the tool may have saved it); nothing was changed. Connect again.",
            files::shown(home, &s.entry.path)
        )));
    }
    // The environment store first: it can refuse (a policy, a locked key), and then the
    // variables set so far are put back and no file is replaced.
    for s in staged.iter().filter(|s| s.live != s.next) {
        let (Some(names), Some(env)) = (&s.store, target::store(inner, &s.entry.path)) else {
            continue;
        };
        if let Err(e) = target::write_store(env, &s.entry.path, names, s.next.as_deref()) {
            if let Err(undo) = target::write_store(env, &s.entry.path, names, s.live.as_deref()) {
                tracing::error!("could not put {} back: {undo}", s.entry.path.display());
            }
            return abandon(match e {
                AppError::File(m) => AppError::File(format!("{m} Nothing was changed.")),
                other => other,
            });
        }
        report.changed.push(files::shown(home, &s.entry.path));
    }
    for (tmp, path) in &temps {
        files::commit(tmp, path)?;
        report.changed.push(files::shown(home, path));
    }
    if crate::fault::injected("connect-after-rename") {
        tracing::error!("injected fault: stopping between the rename and the journal's end");
        std::process::abort();
    }
    row.state = CONNECTED.into();
    inner.connections.put_connection(&row)?;
    journal::save_restore(
        inner,
        id,
        &Restore {
            previous: None,
            previous_token: None,
            ..restore
        },
    )?;
    Ok(report)
}

/// A reconnect's starting point: the live text with the previous connect undone. Keys of ours
/// that changed since (a new port written by hand, a stale token) are ours to update, so they
/// are first put back to what Switchyard wrote; the undo then restores the user's originals.
/// Only keys this connect sets again count as ours; a key the user re-added after Switchyard
/// removed it, or changed and this connect leaves alone, keeps the user's value.
fn undo_for_reconnect(
    plan: &FilePlan,
    live: Option<&str>,
    rec: &FileRecord,
) -> Result<Option<String>, AppError> {
    let format = journal::format_of(&rec.format)?;
    let fail = |e| target::edit_error(&plan.path, e);
    let first = edit::revert(live, format, &rec.record).map_err(fail)?;
    let sets_again = |path: &Vec<String>| {
        plan.changes
            .iter()
            .any(|c| matches!(c, Change::Set { path: p, .. } if p == path))
    };
    let ours: Vec<Change> = rec
        .record
        .edits
        .iter()
        .filter(|e| first.kept.contains(&e.path) && sets_again(&e.path))
        .filter_map(|e| {
            Some(Change::Set {
                path: e.path.clone(),
                value: e.written.clone()?,
                secret: e.secret,
            })
        })
        .collect();
    if ours.is_empty() {
        return Ok(first.text);
    }
    let restored = edit::apply(live, format, &ours).map_err(fail)?;
    Ok(edit::revert(Some(&restored.text), format, &rec.record)
        .map_err(fail)?
        .text)
}

/// `Some(the folder it created)` when another connection created `path`.
fn created_by_other(
    inner: &Tools,
    id: &str,
    path: &Path,
) -> Result<Option<Option<PathBuf>>, AppError> {
    for row in inner.connections.list_connections()? {
        if row.id == id {
            continue;
        }
        let Some(r) = journal::load_restore(inner, &row.id)? else {
            continue;
        };
        if r.file(path).is_some_and(|f| !f.record.file_existed) {
            let entry = journal::entries(&row)?.into_iter().find(|e| e.path == path);
            return Ok(Some(entry.and_then(|e| e.created_dir)));
        }
    }
    Ok(None)
}

fn missing_record(inner: &Tools, id: &str) -> AppError {
    AppError::Conflict(format!(
        "The record of what Switchyard changed for {id} is missing from the keychain, so it cannot be undone key by key. Remove Switchyard's keys by hand (the backups in {} show what the file held, with keys masked).",
        inner.place.paths.data_dir.join("backups").display()
    ))
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
pub fn disconnect(inner: &Tools, id: &str, home: &Path) -> Result<FilesReport, AppError> {
    let _lock = files::lock(&inner.place.paths.data_dir)?;
    let row = inner
        .connections
        .get_connection(id)?
        .ok_or(AppError::NotFound("Connection"))?;
    let entries = journal::entries(&row)?;
    let restore = journal::load_restore(inner, id)?.ok_or_else(|| missing_record(inner, id))?;
    for rec in &restore.files {
        journal::check_folder(inner, &rec.path)?;
    }
    let mut report = FilesReport::default();
    for rec in &restore.files {
        let created = entries
            .iter()
            .find(|e| e.path == rec.path)
            .and_then(|e| e.created_dir.clone());
        let (changed, kept) = journal::revert_file(inner, &rec.path, rec, created.as_deref())?;
        if changed {
            report.changed.push(files::shown(home, &rec.path));
        }
        report.kept.extend(
            kept.into_iter()
                .map(|k| format!("{}: {k}", files::shown(home, &rec.path))),
        );
    }
    inner.connections.delete_connection(id)?;
    journal::delete_restore(inner, id)?;
    Ok(report)
}
