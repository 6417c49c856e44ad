//! The Backends feature: list (with keys, checks and derived status), validate, create,
//! update, enable/disable, reorder, delete, limits and monitor settings; their keys ([`keys`])
//! and key import ([`import`]). Every write validates first and changes nothing on failure, and
//! runs the `changed` reaction before it returns (the gateway's table and the monitor's targets
//! follow, then the UI hears `BackendsChanged`).

mod hosts;
pub mod import;
pub mod keys;
mod rules;
mod write;

pub(crate) use hosts::{found_key_home_in_words, home_for_found_key, homes_in_words};
pub use rules::check_limits;
pub(crate) use rules::check_monitor;
pub(crate) use write::add as add_backend;

use crate::blocking::OffThread;
use crate::events::Reaction;
use crate::{AppError, Environment, NewKey};
use std::sync::Arc;
use switchyard_domain::{backend_status, BackendDraft, BackendKind, BackendStatus, Validation};
use switchyard_secrets::SecretStore;
use switchyard_store::{BackendLimits, BackendRow, CheckRow, KeyRow, MonitorSettings};
use switchyard_store::{BackendsTable, ChecksTable, KeysTable, Store};

/// A backend as the UI shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendView {
    pub row: BackendRow,
    /// The URL requests go to (for Demo, the running Demo server's address).
    pub effective_base_url: String,
    pub keys: Vec<KeyView>,
    /// The latest keyless check (Demo, Ollama), if any.
    pub check: Option<CheckRow>,
    pub status: BackendStatus,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyView {
    pub row: KeyRow,
    pub check: Option<CheckRow>,
}

/// The tables a backend's rows live in: the backends, their key rows (never the keys) and their
/// checks. What the Backends and Keys services, and the sweep moving a key in, read and write.
#[derive(Clone)]
pub(crate) struct BackendTables {
    pub(crate) backends: BackendsTable,
    pub(crate) keys: KeysTable,
    pub(crate) checks: ChecksTable,
    /// The backend's organization admin keys (issue 75): deleted with it.
    pub(crate) books: switchyard_store::BooksTable,
}

impl BackendTables {
    pub(crate) fn of(store: &Store) -> BackendTables {
        BackendTables {
            backends: store.backends(),
            keys: store.keys(),
            checks: store.checks(),
            books: store.books(),
        }
    }
}

/// Cheap to clone.
#[derive(Clone)]
pub struct Backends {
    rows: BackendTables,
    secrets: Arc<dyn SecretStore>,
    /// The running Demo server's base URL (a Demo backend's effective URL).
    demo: String,
    /// Where key import looks for variables.
    environment: Environment,
    changed: Reaction,
}

impl Backends {
    /// Needs the store (backends, keys, checks), the keychain (a backend's first key, deleting
    /// its keys, import), the Demo server's URL, the environment import reads, and the reaction
    /// to run after every change.
    pub(crate) fn new(
        store: Store,
        secrets: Arc<dyn SecretStore>,
        demo: String,
        environment: Environment,
        changed: Reaction,
    ) -> Backends {
        Backends {
            rows: BackendTables::of(&store),
            secrets,
            demo,
            environment,
            changed,
        }
    }

    pub async fn list(&self) -> Result<Vec<BackendView>, AppError> {
        self.blocking(|me| list_in(&me.rows, &me.demo)).await
    }

    /// Sets how much traffic the gateway sends a backend: in flight at once (1–1000) and
    /// optional requests (1–100,000) and tokens (1,000–100,000,000) per minute.
    pub async fn set_limits(
        &self,
        id: String,
        limits: BackendLimits,
    ) -> Result<BackendView, AppError> {
        check_limits(&limits)?;
        let key = id.clone();
        let found = self
            .blocking(move |inner| Ok(inner.rows.backends.set_backend_limits(&key, limits)?))
            .await?;
        if !found {
            return Err(AppError::NotFound("Backend"));
        }
        self.changed.run().await;
        self.get(&id).await
    }

    /// Sets how the health monitor treats a backend: probe interval (10–3600 s), uptime target
    /// (90–100 %, in basis points) and whether readiness requires it.
    pub async fn set_monitor(
        &self,
        id: String,
        m: MonitorSettings,
    ) -> Result<BackendView, AppError> {
        check_monitor(&m)?;
        let key = id.clone();
        let found = self
            .blocking(move |inner| Ok(inner.rows.backends.set_backend_monitor(&key, m)?))
            .await?;
        if !found {
            return Err(AppError::NotFound("Backend"));
        }
        self.changed.run().await;
        self.get(&id).await
    }

    pub async fn get(&self, id: &str) -> Result<BackendView, AppError> {
        let all = self.list().await?;
        all.into_iter()
            .find(|b| b.row.id == id)
            .ok_or(AppError::NotFound("Backend"))
    }

    /// Checks a draft (and optionally a first key) without saving anything.
    pub async fn validate(
        &self,
        draft: BackendDraft,
        editing: Option<String>,
        key: Option<NewKey>,
    ) -> Result<Validation, AppError> {
        self.blocking(move |inner| {
            write::check_draft(&inner.rows, &draft, editing.as_deref(), key.as_ref())
        })
        .await
    }

    /// Adds a backend, with its first key in the keychain if one is given.
    pub async fn create(
        &self,
        draft: BackendDraft,
        key: Option<NewKey>,
    ) -> Result<BackendView, AppError> {
        let row = self
            .blocking(move |inner| {
                write::add(&inner.rows, inner.secrets.as_ref(), draft, key.as_ref())
            })
            .await?;
        self.changed.run().await;
        self.get(&row.id).await
    }

    /// Saves a backend's editable fields. A save that sends the backend's keys to an origin
    /// they are not approved for is the change path's question (`crate::changes`): written, and
    /// that origin approved for the keys, only when `approved` covers the move (the dialog's
    /// shown origin, `--approve-hosts`, an approved import); otherwise refused, nothing saved.
    pub async fn update(
        &self,
        id: String,
        draft: BackendDraft,
        approved: crate::changes::Approved,
    ) -> Result<BackendView, AppError> {
        let id2 = id.clone();
        self.blocking(move |inner| {
            let current = inner
                .rows
                .backends
                .get_backend(&id2)?
                .ok_or(AppError::NotFound("Backend"))?;
            if (current.kind == BackendKind::Demo) != (draft.kind == BackendKind::Demo) {
                return Err(AppError::field(
                    switchyard_domain::Field::Kind,
                    switchyard_domain::IssueCode::Other,
                    "The Demo backend cannot change kind, and no backend can become Demo.",
                ));
            }
            let v = write::check_draft(&inner.rows, &draft, Some(&id2), None)?;
            if !v.is_ok() {
                return Err(AppError::Validation(v));
            }
            let moved = hosts::pending_move(&inner.rows, &id2, &current.base_url, &draft.base_url)?;
            if let Some(m) = &moved {
                let keys = inner.rows.keys.keys_of(&id2)?.len();
                let effects = crate::changes::Effects {
                    hosts: vec![crate::changes::HostChange {
                        backend: draft.name.trim().to_string(),
                        from: m.from.clone(),
                        to: m.to.clone(),
                        keys: u32::try_from(keys).unwrap_or(u32::MAX),
                    }],
                    ..Default::default()
                };
                let writer = crate::changes::Writer::User;
                if let crate::changes::Decision::Refuse(_) =
                    crate::changes::decide(&writer, &effects, &approved)
                {
                    return Err(AppError::Conflict(format!(
                        "Saving sends this backend's {keys} key(s) to {}, which you have not \
                         approved: nothing was saved. Save again to approve it.",
                        m.to
                    )));
                }
            }
            inner
                .rows
                .backends
                .update_backend(&id2, &draft)
                .map_err(AppError::conflict_on_duplicate)?;
            if let Some(moved) = moved {
                hosts::approve(&inner.rows, &id2, &draft.name, &moved)?;
            }
            if current.kind != draft.kind || current.base_url != draft.base_url {
                // Old results describe another endpoint.
                inner.rows.checks.clear_checks(&id2)?;
            }
            Ok(())
        })
        .await?;
        self.changed.run().await;
        self.get(&id).await
    }

    pub async fn set_enabled(&self, id: String, enabled: bool) -> Result<BackendView, AppError> {
        let id2 = id.clone();
        self.blocking(move |inner| {
            match inner.rows.backends.set_backend_enabled(&id2, enabled)? {
                true => Ok(()),
                false => Err(AppError::NotFound("Backend")),
            }
        })
        .await?;
        self.changed.run().await;
        self.get(&id).await
    }

    /// Puts backends in the given order; `ids` must list every backend exactly once.
    pub async fn reorder(&self, ids: Vec<String>) -> Result<Vec<BackendView>, AppError> {
        self.blocking(move |inner| {
            let mut current: Vec<String> = inner
                .rows
                .backends
                .list_backends()?
                .into_iter()
                .map(|b| b.id)
                .collect();
            let mut wanted = ids.clone();
            current.sort();
            wanted.sort();
            if current != wanted {
                return Err(AppError::Conflict(
                    "The backend list changed meanwhile; reload and try again.".into(),
                ));
            }
            Ok(inner.rows.backends.reorder_backends(&ids)?)
        })
        .await?;
        self.changed.run().await;
        self.list().await
    }

    /// Deletes the backend and its keys, keychain entries first: if the keychain is unavailable
    /// nothing is deleted, so no key is left orphaned in it.
    pub async fn delete(&self, id: String) -> Result<(), AppError> {
        self.blocking(move |inner| {
            let row = inner
                .rows
                .backends
                .get_backend(&id)?
                .ok_or(AppError::NotFound("Backend"))?;
            // Fail before the first deletion rather than half-way through.
            inner.secrets.check()?;
            for key in inner.rows.keys.keys_of(&id)? {
                inner.secrets.delete(&key.id)?;
            }
            let admin = inner.rows.books.admin_keys()?;
            for key in admin.iter().filter(|k| k.backend_id == id) {
                inner.secrets.delete(&key.id)?;
            }
            inner.rows.backends.delete_backend(&id)?;
            tracing::info!(backend = %row.name, "backend deleted");
            Ok(())
        })
        .await?;
        self.changed.run().await;
        Ok(())
    }
}

/// Every backend with its keys and latest checks, as the UI shows them (blocking).
pub(crate) fn list_in(tables: &BackendTables, demo: &str) -> Result<Vec<BackendView>, AppError> {
    let rows = tables.backends.list_backends()?;
    let keys = tables.keys.list_keys()?;
    let checks = tables.checks.list_checks()?;
    Ok(rows
        .into_iter()
        .map(|row| view(row, &keys, &checks, demo))
        .collect())
}

fn view(row: BackendRow, keys: &[KeyRow], checks: &[CheckRow], demo: &str) -> BackendView {
    let find_check = |key_id: Option<&str>| {
        checks
            .iter()
            .find(|c| c.backend_id == row.id && c.key_id.as_deref() == key_id)
            .cloned()
    };
    let keys: Vec<KeyView> = keys
        .iter()
        .filter(|k| k.backend_id == row.id)
        .map(|k| KeyView {
            row: k.clone(),
            check: find_check(Some(&k.id)),
        })
        .collect();
    let check = find_check(None);
    let outcomes: Vec<_> = keys
        .iter()
        .filter_map(|k| k.check.as_ref())
        .chain(check.as_ref())
        .map(|c| c.outcome)
        .collect();
    let status = backend_status(
        row.enabled,
        row.kind.spec().needs_key,
        keys.len(),
        &outcomes,
    );
    let effective_base_url = switchyard_domain::Address::of(row.kind, &row.base_url, demo)
        .base()
        .to_string();
    BackendView {
        row,
        effective_base_url,
        keys,
        check,
        status,
    }
}

impl OffThread for Backends {}
