//! Where a connection's "file" is. Almost always a file; on Windows, Copilot CLI's variables
//! are kept in the user's environment (`HKCU\Environment`, [`switchyard_toolconfig::Home::env_store`]),
//! which this reads and writes as the `.env` text of the variables a connection touches. So the
//! journal, the key-level edits, the backups and the undo are the ones every file gets.
//!
//! Invariants: only the variables named are read into the text or written; a write changes
//! only those whose value differs (a `REG_EXPAND_SZ` stays one); the text of a given set of
//! values is always the same (sorted by name), so the journal's content hashes compare; values
//! go nowhere else (errors name the store and the variable, never a value).

use super::Tools;
use serde_json::Value;
use std::path::Path;
use switchyard_app::tools::files;
use switchyard_app::tools::user_env::{EnvVar, UserEnv};
use switchyard_app::AppError;
use switchyard_toolconfig::edit::{self, Change, EditError, Record};
use switchyard_toolconfig::Format;

/// The store `path` names, when it names this platform's environment store.
pub fn store<'a>(inner: &'a Tools, path: &Path) -> Option<&'a dyn UserEnv> {
    let env = inner.place.user_env.as_ref();
    env.name().filter(|n| Path::new(n) == path).map(|_| env)
}

/// The variables a plan's changes and a record's edits name (the store's part of the text).
pub fn names(changes: &[Change], record: Option<&Record>) -> Vec<String> {
    let mut out: Vec<String> = changes
        .iter()
        .map(|c| match c {
            Change::Set { path, .. } | Change::Remove { path, .. } => path,
        })
        .chain(
            record
                .into_iter()
                .flat_map(|r| r.edits.iter().map(|e| &e.path)),
        )
        .filter_map(|p| p.first().cloned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The text at `path`: the file's, or the store's variables among `names`.
pub fn read(inner: &Tools, path: &Path, names: &[String]) -> Result<Option<String>, AppError> {
    let Some(env) = store(inner, path) else {
        return files::read_text(path);
    };
    let wanted: Vec<&str> = names.iter().map(String::as_str).collect();
    let vars = env.vars(&wanted).map_err(|e| failed(path, "read", &e))?;
    let mut held: Vec<(String, String)> = vars
        .into_iter()
        .filter(|v| names.contains(&v.name))
        .map(|v| (v.name, v.value))
        .collect();
    held.sort();
    render(path, &held)
}

/// `text` as [`read`] would give it back once written: the store's variables in name order.
/// A file's text is what it is.
pub fn canonical(
    inner: &Tools,
    path: &Path,
    names: &[String],
    text: Option<String>,
) -> Result<Option<String>, AppError> {
    if store(inner, path).is_none() {
        return Ok(text);
    }
    let held = values(path, text.as_deref(), names)?;
    render(path, &held)
}

/// Makes the store's variables among `names` what `text` says: set where it has a different
/// value, removed where it has none. Files are written by the caller (staged and renamed).
pub fn write_store(
    env: &dyn UserEnv,
    path: &Path,
    names: &[String],
    text: Option<&str>,
) -> Result<(), AppError> {
    let wanted: Vec<&str> = names.iter().map(String::as_str).collect();
    let now = env.vars(&wanted).map_err(|e| failed(path, "read", &e))?;
    let next = values(path, text, names)?;
    for name in names {
        let current = now.iter().find(|v| &v.name == name);
        match next.iter().find(|(n, _)| n == name) {
            Some((_, value)) if current.map(|c| &c.value) != Some(value) => {
                let var = EnvVar {
                    name: name.clone(),
                    value: value.clone(),
                    expand: current.is_some_and(|c| c.expand),
                };
                env.set(&var)
                    .map_err(|e| failed(path, &format!("set {name} in"), &e))?;
            }
            Some(_) => {}
            None if current.is_some() => {
                env.remove(name)
                    .map_err(|e| failed(path, &format!("remove {name} from"), &e))?;
            }
            None => {}
        }
    }
    Ok(())
}

/// The values `text` gives `names` (strings only: the store holds nothing else).
fn values(
    path: &Path,
    text: Option<&str>,
    names: &[String],
) -> Result<Vec<(String, String)>, AppError> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for name in names {
        let value = edit::read(text, Format::Dotenv, std::slice::from_ref(name))
            .map_err(|e| edit_error(path, e))?;
        match value {
            Some(Value::String(s)) => out.push((name.clone(), s)),
            Some(other) => out.push((name.clone(), other.to_string())),
            None => {}
        }
    }
    Ok(out)
}

/// The `.env` text of `held` (in the order given); `None` when empty, as a missing file.
fn render(path: &Path, held: &[(String, String)]) -> Result<Option<String>, AppError> {
    if held.is_empty() {
        return Ok(None);
    }
    let changes: Vec<Change> = held
        .iter()
        .map(|(name, value)| Change::Set {
            path: vec![name.clone()],
            value: Value::String(value.clone()),
            secret: true,
        })
        .collect();
    edit::apply(None, Format::Dotenv, &changes)
        .map(|a| Some(a.text))
        .map_err(|e| edit_error(path, e))
}

/// A file that cannot be read or edited, said with where and how to fix it.
pub fn edit_error(path: &Path, e: EditError) -> AppError {
    match e {
        EditError::Parse {
            line,
            column,
            message,
        } => AppError::File(format!(
            "{} cannot be read (line {line}, column {column}: {message}); fix or move it, then connect again. Nothing was changed.",
            path.display()
        )),
        other => AppError::File(format!(
            "{}: {other}. Nothing was changed.",
            path.display()
        )),
    }
}

fn failed(path: &Path, what: &str, e: &std::io::Error) -> AppError {
    AppError::File(format!("Cannot {what} {}: {e}.", path.display()))
}
