//! A key move's writes, in an order that loses nothing: everything that can refuse (names, the
//! line edit, the variable still being there) first, then the key into the keychain, then the
//! file or the environment store, then the history row.

use super::env::{self as sweep_env, EnvMoved};
use super::KeySweep;
use super::{account, view, KeyMove, MoveRecord, Origin};
use crate::backends::add_backend;
use crate::backends::keys::store_key;
use crate::tools::files;
use crate::{AppError, NewKey};
use std::path::Path;
use switchyard_domain::validate::{MAX_LABEL_CHARS, MAX_NAME_CHARS};
use switchyard_domain::{free_name, BackendDraft, BackendKind};
use switchyard_store::{BackendRow, KeyMoveRow};
use switchyard_toolconfig::plans;
use switchyard_toolconfig::sweep::{self as scan, SourceKind};

/// The backend a moved key goes to: the one asked for (same kind), else the first of its kind
/// at an address the user already trusts with a key (`None`: a new one at the provider's).
pub(super) fn pick_backend(
    inner: &KeySweep,
    kind: BackendKind,
    wanted: Option<&str>,
) -> Result<Option<switchyard_store::BackendRow>, AppError> {
    let backends = inner.rows.backends.list_backends()?;
    match wanted {
        Some(id) => {
            let b = backends
                .into_iter()
                .find(|b| b.id == id)
                .ok_or(AppError::NotFound("Backend"))?;
            if b.kind != kind {
                return Err(AppError::Invalid(format!(
                    "That is a {} key; pick a {} backend.",
                    kind.spec().label,
                    kind.spec().label
                )));
            }
            Ok(Some(b))
        }
        None => crate::backends::home_for_found_key(&inner.rows, kind),
    }
}

pub(super) fn move_blocking(
    inner: &KeySweep,
    home: &plans::Home,
    origin: &Origin,
    found: &scan::Found,
    target: Option<BackendRow>,
    tested: String,
) -> Result<KeyMove, AppError> {
    inner.secrets.check()?;
    let _lock = files::lock(&inner.place.paths.data_dir)?;
    let row = match origin {
        Origin::File(path) => from_file(inner, home, path, found, target)?,
        Origin::Env { store, expand } => from_env(inner, store, *expand, found, target)?,
    };
    inner.connections.insert_key_move(&row)?;
    tracing::info!(variable = %row.variable, backend = %row.backend, "key moved into the keychain");
    Ok(view(&home.home, row, Some(tested)))
}

fn from_file(
    inner: &KeySweep,
    home: &plans::Home,
    path: &Path,
    found: &scan::Found,
    target: Option<BackendRow>,
) -> Result<KeyMoveRow, AppError> {
    let text = files::read_text(path)?
        .ok_or_else(|| AppError::Conflict("That file is gone; scan again.".into()))?;
    // Everything that can refuse runs before anything is written: the names, then the line edit.
    let label_base = path
        .file_name()
        .map(|n| n.to_string_lossy().trim_start_matches('.').to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "moved".into());
    let dest = destination(inner, target.as_ref(), found, &label_base)?;
    let note = format!("as {}/{}", dest.backend_name, dest.label);
    let (next, moved) = scan::take_out(
        &text,
        SourceKind::for_path(path),
        found.line,
        &found.variable,
        &found.masked,
        &note,
    )
    .map_err(|e| AppError::Conflict(format!("{}: {e}", files::shown(&home.home, path))))?;
    let record = encode(&MoveRecord::File(moved))?;
    files::check_replaceable(path)?;
    // The key goes into the keychain before it leaves the file.
    let (backend, move_id) = into_keychain(inner, target, &dest, found)?;
    files::backup(&inner.place.paths.data_dir, "sweep", path, &text)?;
    files::write_atomic(path, &next)?;
    Ok(row(
        move_id,
        path.display().to_string(),
        found,
        backend,
        dest,
        record,
    ))
}

fn from_env(
    inner: &KeySweep,
    store: &str,
    expand: bool,
    found: &scan::Found,
    target: Option<BackendRow>,
) -> Result<KeyMoveRow, AppError> {
    let env = inner.place.user_env.as_ref();
    sweep_env::still_there(env, store, found)?;
    let dest = destination(inner, target.as_ref(), found, "environment")?;
    let record = encode(&MoveRecord::Env(EnvMoved {
        store: store.to_string(),
        expand,
    }))?;
    let (backend, move_id) = into_keychain(inner, target, &dest, found)?;
    if let Err(e) = sweep_env::take_out(env, store, &found.variable) {
        // Nothing was taken out: the copy kept for "Put back" would belong to no move.
        let _ = inner.secrets.delete(&account(&move_id));
        return Err(e);
    }
    Ok(row(
        move_id,
        store.to_string(),
        found,
        backend,
        dest,
        record,
    ))
}

/// Where a moved key goes: its backend's name (a new one's, when none was picked) and label.
struct Destination {
    backend_name: String,
    label: String,
    /// The backend holds this key already (under `label`).
    exists: bool,
}

fn destination(
    inner: &KeySweep,
    target: Option<&BackendRow>,
    found: &scan::Found,
    label_base: &str,
) -> Result<Destination, AppError> {
    let backend_name = match target {
        Some(b) => b.name.clone(),
        None => {
            let taken: Vec<String> = inner
                .rows
                .backends
                .list_backends()?
                .into_iter()
                .map(|b| b.name)
                .collect();
            let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
            free_name(found.kind.spec().label, &taken, MAX_NAME_CHARS)
        }
    };
    let keys = match target {
        Some(b) => inner.rows.keys.keys_of(&b.id)?,
        None => Vec::new(),
    };
    let existing = keys.iter().find(|k| {
        inner
            .secrets
            .get(&k.id)
            .is_ok_and(|v| v.expose() == found.value.expose())
    });
    Ok(match existing {
        Some(k) => Destination {
            backend_name,
            label: k.label.clone(),
            exists: true,
        },
        None => {
            let labels: Vec<&str> = keys.iter().map(|k| k.label.as_str()).collect();
            Destination {
                backend_name,
                label: free_name(label_base, &labels, MAX_LABEL_CHARS),
                exists: false,
            }
        }
    })
}

fn encode(record: &MoveRecord) -> Result<String, AppError> {
    serde_json::to_string(record)
        .map_err(|e| AppError::Internal(format!("cannot encode a key move: {e}")))
}

/// The key under its backend (made now, with the key, if none was picked), and the copy "Put
/// back" uses. The backend and the key go through the Backends and Keys services' own write
/// paths, so they are validated and land as any other backend or key does.
fn into_keychain(
    inner: &KeySweep,
    target: Option<BackendRow>,
    dest: &Destination,
    found: &scan::Found,
) -> Result<(BackendRow, String), AppError> {
    let key = (!dest.exists).then(|| NewKey {
        label: dest.label.clone(),
        value: found.value.clone(),
    });
    let backend = match target {
        Some(b) => {
            if let Some(key) = &key {
                store_key(&inner.rows, inner.secrets.as_ref(), &b.id, key)?;
            }
            b
        }
        None => {
            let spec = found.kind.spec();
            let draft = BackendDraft {
                name: dest.backend_name.clone(),
                kind: found.kind,
                base_url: spec.default_base_url.to_string(),
                default_model: spec.default_model.to_string(),
            };
            add_backend(&inner.rows, inner.secrets.as_ref(), draft, key.as_ref())?
        }
    };
    let move_id = crate::new_id();
    inner.secrets.set(&account(&move_id), &found.value)?;
    Ok((backend, move_id))
}

fn row(
    id: String,
    place: String,
    found: &scan::Found,
    backend: BackendRow,
    dest: Destination,
    moved: String,
) -> KeyMoveRow {
    KeyMoveRow {
        id,
        path: place,
        line: found.line,
        variable: found.variable.clone(),
        kind: found.kind.as_str().to_string(),
        masked: found.masked.clone(),
        backend: backend.name,
        key_label: dest.label,
        moved,
        moved_at: crate::now_rfc3339(),
        restored_at: None,
    }
}
