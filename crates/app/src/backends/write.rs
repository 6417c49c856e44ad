//! The one write path for a new backend: the Backends service's create and a key moved in by
//! the sweep both come here, so both validate the same way and land the backend and its first
//! key together.

use super::BackendTables;
use crate::{AppError, NewKey};
use switchyard_domain::validate::{validate_backend, validate_key};
use switchyard_domain::{BackendDraft, BackendKind, Validation};
use switchyard_secrets::SecretStore;
use switchyard_store::BackendRow;

/// Validates `draft` (and `key`), then adds the backend with its first key, if one is given: the
/// key goes to the keychain first, then the backend and its key row land in one transaction, so
/// no reader sees the backend without its key, and a failed insert leaves nothing behind.
/// Blocking; the caller runs the service's `changed` reaction after.
pub(crate) fn add(
    tables: &BackendTables,
    secrets: &dyn SecretStore,
    draft: BackendDraft,
    key: Option<&NewKey>,
) -> Result<BackendRow, AppError> {
    let v = check_draft(tables, &draft, None, key)?;
    if !v.is_ok() {
        return Err(AppError::Validation(v));
    }
    let draft = BackendDraft {
        name: draft.name.trim().to_string(),
        ..draft
    };
    let first = match key {
        Some(k) => {
            let key_id = crate::new_id();
            secrets.set(&key_id, &k.value)?;
            let hint = switchyard_domain::mask_key(k.value.expose());
            Some((key_id, k.label.trim().to_string(), hint))
        }
        None => None,
    };
    let rows = first
        .as_ref()
        .map(|(i, l, h)| (i.as_str(), l.as_str(), h.as_str()));
    match tables
        .backends
        .insert_backend_with_key(&crate::new_id(), &draft, true, rows)
    {
        Ok(row) => {
            tracing::info!(backend = %draft.name, kind = draft.kind.as_str(), "backend added");
            Ok(row)
        }
        Err(e) => {
            if let Some((key_id, _, _)) = &first {
                if let Err(cleanup) = secrets.delete(key_id) {
                    tracing::warn!(error = %cleanup, "could not remove the keychain entry of a failed insert");
                }
            }
            Err(AppError::conflict_on_duplicate(e))
        }
    }
}

/// What validation says of a draft (and of its first key): names unique among the other
/// backends, at most one Demo backend. Blocking.
pub(crate) fn check_draft(
    rows: &BackendTables,
    draft: &BackendDraft,
    editing: Option<&str>,
    key: Option<&NewKey>,
) -> Result<Validation, AppError> {
    let rows = rows.backends.list_backends()?;
    let others: Vec<&str> = rows
        .iter()
        .filter(|b| Some(b.id.as_str()) != editing)
        .map(|b| b.name.as_str())
        .collect();
    let mut v = validate_backend(draft, &others);
    if draft.kind == BackendKind::Demo
        && editing.is_none()
        && rows.iter().any(|b| b.kind == BackendKind::Demo)
    {
        v.issues.push(switchyard_domain::Issue::error(
            switchyard_domain::Field::Kind,
            switchyard_domain::IssueCode::Duplicate,
            "There is already a Demo backend.",
        ));
    }
    if let Some(key) = key {
        v = v.merge(validate_key(
            draft.kind,
            &key.label,
            key.value.expose(),
            &[],
        ));
    }
    Ok(v)
}
