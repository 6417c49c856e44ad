//! A key move's writes, in an order that loses nothing: everything that can refuse (names, the
//! line edit) first, then the key into the keychain, then the file, then the history row.

use super::files;
use super::sweep::{account, view, KeyMove};
use super::Tools;
use crate::{AppError, NewKey};
use std::path::Path;
use switchyard_connect::sweep::{self as scan, SourceKind};
use switchyard_connect::tools;
use switchyard_core::validate::{MAX_LABEL_CHARS, MAX_NAME_CHARS};
use switchyard_core::{free_name, BackendDraft, BackendKind};
use switchyard_store::KeyMoveRow;

/// The backend a moved key goes to: the one asked for (same kind), else the first of its kind.
pub(super) fn pick_backend(
    inner: &Tools,
    kind: BackendKind,
    wanted: Option<&str>,
) -> Result<Option<switchyard_store::BackendRow>, AppError> {
    let backends = inner.store.list_backends()?;
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
        None => Ok(backends.into_iter().find(|b| b.kind == kind)),
    }
}

pub(super) fn move_blocking(
    inner: &Tools,
    home: &tools::Home,
    path: &Path,
    found: &scan::Found,
    target: Option<switchyard_store::BackendRow>,
    tested: String,
) -> Result<KeyMove, AppError> {
    inner.secrets.check()?;
    let _lock = files::lock(&inner.paths.data_dir)?;
    let text = files::read_text(path)?
        .ok_or_else(|| AppError::Conflict("That file is gone; scan again.".into()))?;
    // Everything that can refuse runs before anything is written: the names, then the line edit.
    let spec = found.kind.spec();
    let backend_name = match &target {
        Some(b) => b.name.clone(),
        None => {
            let taken: Vec<String> = inner
                .store
                .list_backends()?
                .into_iter()
                .map(|b| b.name)
                .collect();
            let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
            free_name(spec.label, &taken, MAX_NAME_CHARS)
        }
    };
    let keys = match &target {
        Some(b) => inner.store.keys_of(&b.id)?,
        None => Vec::new(),
    };
    let existing = keys.iter().find(|k| {
        inner
            .secrets
            .get(&k.id)
            .is_ok_and(|v| v.expose() == found.value.expose())
    });
    let label = match existing {
        Some(k) => k.label.clone(),
        None => {
            let labels: Vec<&str> = keys.iter().map(|k| k.label.as_str()).collect();
            let base = path
                .file_name()
                .map(|n| n.to_string_lossy().trim_start_matches('.').to_string())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "moved".into());
            free_name(&base, &labels, MAX_LABEL_CHARS)
        }
    };
    let note = format!("as {backend_name}/{label}");
    let (next, moved) = scan::take_out(
        &text,
        SourceKind::for_path(path),
        found.line,
        &found.variable,
        &found.masked,
        &note,
    )
    .map_err(|e| AppError::Conflict(format!("{}: {e}", files::shown(&home.home, path))))?;
    let moved = serde_json::to_string(&moved)
        .map_err(|e| AppError::Internal(format!("cannot encode a key move: {e}")))?;
    // The key goes into the keychain before it leaves the file.
    let backend = match target {
        Some(b) => b,
        None => {
            let draft = BackendDraft {
                name: backend_name,
                kind: found.kind,
                base_url: spec.default_base_url.to_string(),
                default_model: spec.default_model.to_string(),
            };
            inner.store.insert_backend(&crate::new_id(), &draft, true)?
        }
    };
    if existing.is_none() {
        let key = NewKey {
            label: label.clone(),
            value: found.value.clone(),
        };
        crate::backends::keys::store_key(&inner.store, inner.secrets.as_ref(), &backend.id, &key)?;
    }
    let move_id = crate::new_id();
    inner.secrets.set(&account(&move_id), &found.value)?;
    files::backup(&inner.paths.data_dir, "sweep", path, &text)?;
    files::write_atomic(path, &next)?;
    let row = KeyMoveRow {
        id: move_id,
        path: path.display().to_string(),
        line: found.line,
        variable: found.variable.clone(),
        kind: found.kind.as_str().to_string(),
        masked: found.masked.clone(),
        backend: backend.name.clone(),
        key_label: label,
        moved,
        moved_at: crate::now_rfc3339(),
        restored_at: None,
    };
    inner.store.insert_key_move(&row)?;
    tracing::info!(variable = %row.variable, backend = %row.backend, "key moved from a file into the keychain");
    Ok(view(&home.home, row, tested))
}
