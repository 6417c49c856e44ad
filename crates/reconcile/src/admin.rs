//! Organization admin keys: kept in the keychain under their own ids, their rows in
//! `admin_keys` (never `backend_keys`, which the gateway's table is built from), each approved
//! for one origin: its backend's when it was added.

use crate::{Reconcile, ReconcileError};
use switchyard_domain::books::BooksProvider;
use switchyard_domain::mask_key;
use switchyard_secrets::SecretString;
use switchyard_store::{AdminKeyRow, BackendRow};

/// An admin key as shown: never its value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminKey {
    pub id: String,
    pub backend_id: String,
    pub backend: String,
    pub label: String,
    pub hint: String,
    pub origin: String,
}

impl Reconcile {
    /// The backend named `name` (or with the id `name`) and its books' provider.
    pub(crate) fn backend_named(
        &self,
        name: &str,
    ) -> Result<(BackendRow, BooksProvider), ReconcileError> {
        let backend = self
            .backends
            .list_backends()?
            .into_iter()
            .find(|b| b.id == name || b.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| ReconcileError::NoBackend(name.to_string()))?;
        let provider =
            BooksProvider::of(backend.kind).ok_or(ReconcileError::NoBooks(backend.name.clone()))?;
        Ok((backend, provider))
    }

    /// Stores `value` as `backend`'s admin key: keychain first, row second (the entry removed
    /// again when the row cannot be written).
    pub async fn add_admin_key(
        &self,
        backend: String,
        label: String,
        value: SecretString,
    ) -> Result<AdminKey, ReconcileError> {
        self.blocking(move |me| {
            let (row, _) = me.backend_named(&backend)?;
            let shown = value.expose().trim();
            if shown.is_empty() || shown.contains(char::is_whitespace) {
                return Err(ReconcileError::EmptyKey);
            }
            let origin = switchyard_domain::origin_of(base_of(&row).as_str())
                .ok_or_else(|| ReconcileError::NoOrigin(row.name.clone()))?;
            let label = match label.trim() {
                "" => "admin".to_string(),
                l => l.to_string(),
            };
            let key = AdminKeyRow {
                id: format!("admin-{}", uuid::Uuid::new_v4().simple()),
                backend_id: row.id.clone(),
                label: label.clone(),
                hint: mask_key(shown),
                origin,
                created_at: String::new(),
            };
            me.secrets.set(&key.id, &SecretString::new(shown.to_string()))?;
            if let Err(e) = me.books.insert_admin_key(&key) {
                if let Err(cleanup) = me.secrets.delete(&key.id) {
                    tracing::warn!(error = %cleanup, "could not remove the keychain entry of a failed insert");
                }
                return Err(if e.is_unique_violation() {
                    ReconcileError::LabelTaken { backend: row.name, label }
                } else {
                    e.into()
                });
            }
            tracing::info!(backend = %row.name, key = %key.id, "admin key stored in the keychain");
            Ok(shown_key(key, &row.name))
        })
        .await
    }

    pub async fn admin_keys(&self) -> Result<Vec<AdminKey>, ReconcileError> {
        self.blocking(|me| {
            let backends = me.backends.list_backends()?;
            Ok(me
                .books
                .admin_keys()?
                .into_iter()
                .map(|k| {
                    let name = backends
                        .iter()
                        .find(|b| b.id == k.backend_id)
                        .map_or_else(String::new, |b| b.name.clone());
                    shown_key(k, &name)
                })
                .collect())
        })
        .await
    }

    /// Removes an admin key from the keychain, then its row.
    pub async fn remove_admin_key(&self, id: String) -> Result<(), ReconcileError> {
        self.blocking(move |me| {
            me.books
                .admin_key(&id)?
                .ok_or_else(|| ReconcileError::NoAdminKey(id.clone()))?;
            me.secrets.delete(&id)?;
            me.books.delete_admin_key(&id)?;
            Ok(())
        })
        .await
    }
}

fn shown_key(k: AdminKeyRow, backend: &str) -> AdminKey {
    AdminKey {
        id: k.id,
        backend_id: k.backend_id,
        backend: backend.to_string(),
        label: k.label,
        hint: k.hint,
        origin: k.origin,
    }
}

/// Where `row`'s requests go: its stored address, or its kind's official one.
pub(crate) fn base_of(row: &BackendRow) -> String {
    switchyard_domain::Address::of(row.kind, &row.base_url, "")
        .base()
        .to_string()
}
