//! The Keys feature: add, validate, delete, reveal and test a backend's keys. A key goes to the
//! keychain first and its metadata row (label, masked hint) second; a failure at either step
//! leaves neither behind. The keychain is only ever touched off the async threads.

use super::BackendTables;
use crate::blocking::OffThread;
use crate::events::{EventSink, Reaction};
use crate::{AppError, DomainEvent};
use std::sync::Arc;
use switchyard_domain::validate::validate_key;
use switchyard_domain::{mask_key, BackendKind, Validation};
use switchyard_gateway::probe::Reach;
use switchyard_gateway::probe::{probe, with_account_credits, ProbeResult};
use switchyard_secrets::{SecretStore, SecretString};
use switchyard_store::{now, BackendRow, BalancesTable, CheckRow, KeyRow, Store};

/// A key the user typed or imported, with its label.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub label: String,
    pub value: SecretString,
}

/// Cheap to clone.
#[derive(Clone)]
pub struct Keys {
    rows: BackendTables,
    /// A key test on OpenRouter reads the account's credits.
    balances: BalancesTable,
    secrets: Arc<dyn SecretStore>,
    /// How a key test reaches its backend.
    reach: Reach,
    events: EventSink,
    changed: Reaction,
}

impl Keys {
    /// Needs the store (key rows, checks), the keychain, how a key test reaches its backend, the
    /// event sink (`KeyChecked`, `BackendsChanged`) and the reaction to run after a key is added
    /// or removed.
    pub(crate) fn new(
        store: Store,
        secrets: Arc<dyn SecretStore>,
        reach: Reach,
        events: EventSink,
        changed: Reaction,
    ) -> Keys {
        Keys {
            rows: BackendTables::of(&store),
            balances: store.balances(),
            secrets,
            reach,
            events,
            changed,
        }
    }

    /// Adds a labelled key to a backend.
    pub async fn add(&self, backend_id: String, key: NewKey) -> Result<KeyRow, AppError> {
        let row = self
            .blocking(move |me| store_key(&me.rows, me.secrets.as_ref(), &backend_id, &key))
            .await?;
        self.changed.run().await;
        Ok(row)
    }

    /// Checks a key for a backend without saving it.
    pub async fn validate(&self, backend_id: String, key: NewKey) -> Result<Validation, AppError> {
        self.blocking(move |me| Ok(check_key(&me.rows, &backend_id, &key)?.1))
            .await
    }

    /// Removes a key from the keychain, then its row.
    pub async fn delete(&self, key_id: String) -> Result<(), AppError> {
        self.blocking(move |me| {
            me.rows
                .keys
                .get_key(&key_id)?
                .ok_or(AppError::NotFound("Key"))?;
            me.secrets.delete(&key_id)?;
            me.rows.keys.delete_key(&key_id)?;
            Ok(())
        })
        .await?;
        self.changed.run().await;
        Ok(())
    }

    /// Reads a key back from the keychain for an explicit, user-initiated reveal.
    pub async fn reveal(&self, key_id: String) -> Result<SecretString, AppError> {
        self.blocking(move |me| {
            me.rows
                .keys
                .get_key(&key_id)?
                .ok_or(AppError::NotFound("Key"))?;
            let secret = me.secrets.get(&key_id)?;
            tracing::info!(key = %key_id, "key revealed on request");
            Ok(secret)
        })
        .await
    }

    /// Whether the keychain answers right now (looks up an entry that does not exist).
    pub async fn keychain_check(&self) -> Result<(), switchyard_secrets::SecretError> {
        let secrets = Arc::clone(&self.secrets);
        tokio::task::spawn_blocking(move || secrets.check())
            .await
            .unwrap_or_else(|e| Err(switchyard_secrets::SecretError::Rejected(e.to_string())))
    }

    /// Writes, reads back and deletes a throw-away entry (readiness): `true` when what was read
    /// is what was written.
    pub async fn keychain_round_trip(&self) -> Result<bool, switchyard_secrets::SecretError> {
        let secrets = Arc::clone(&self.secrets);
        tokio::task::spawn_blocking(move || {
            let account = format!("switchyard-readiness-{}", crate::new_id());
            let probe = switchyard_secrets::SecretString::new(crate::new_id());
            secrets.set(&account, &probe)?;
            let read = secrets.get(&account);
            let deleted = secrets.delete(&account);
            let same = read?.expose() == probe.expose();
            deleted?;
            Ok(same)
        })
        .await
        .unwrap_or_else(|e| Err(switchyard_secrets::SecretError::Rejected(e.to_string())))
    }

    /// Tests a key (or a keyless backend when `key_id` is `None`) against the provider's
    /// zero-cost endpoint, records the result and announces it.
    pub async fn test(
        &self,
        backend_id: &str,
        key_id: Option<&str>,
    ) -> Result<ProbeResult, AppError> {
        let id = backend_id.to_string();
        let backend = self
            .blocking(move |me| {
                super::list_in(&me.rows, &me.reach.demo)?
                    .into_iter()
                    .find(|b| b.row.id == id)
                    .ok_or(AppError::NotFound("Backend"))
            })
            .await?;
        let kind = backend.row.kind;
        let secret = match key_id {
            Some(key_id) => {
                let Some(key) = backend.keys.iter().find(|k| k.row.id == key_id) else {
                    return Err(AppError::NotFound("Key"));
                };
                // The one gate: not approved for the backend's address, not even read.
                let (row, url) = (key.row.clone(), backend.row.base_url.clone());
                Some(
                    self.blocking(move |me| crate::egress::stored(&*me.secrets, &row, &url))
                        .await?,
                )
            }
            None if kind.spec().needs_key => {
                return Err(AppError::Invalid(
                    "This backend needs a key: add one, then test it.".into(),
                ));
            }
            None => None,
        };
        let at = self.reach.address(kind, &backend.row.base_url);
        let timeout = self.reach.timeout;
        let mut result = probe(&self.reach.http, &at, secret.as_ref(), timeout).await;
        if kind == BackendKind::OpenRouter {
            result =
                with_account_credits(&self.reach.http, &at, secret.as_ref(), timeout, result).await;
        }
        tracing::info!(backend = %backend.row.name, outcome = result.outcome.as_str(), latency_ms = result.latency_ms, "key tested");
        let check = CheckRow {
            backend_id: backend_id.to_string(),
            key_id: key_id.map(str::to_string),
            outcome: result.outcome,
            latency_ms: result.latency_ms,
            http_status: result.http_status,
            message: result.message.clone(),
            checked_at: now(),
        };
        let balance = result
            .balance
            .zip(key_id)
            .map(|(b, key)| balance_row(&b, backend_id, key));
        self.blocking(move |me| {
            me.rows.checks.record_check(&check)?;
            if let Some(b) = balance {
                me.balances.save_balance(&b)?;
            }
            Ok(())
        })
        .await?;
        self.events.emit(DomainEvent::KeyChecked {
            backend_id: backend_id.to_string(),
            key_id: key_id.map(str::to_string),
            result: result.clone(),
        });
        self.events.emit(DomainEvent::BackendsChanged);
        Ok(result)
    }
}

/// Validates and stores one key for `backend_id` (blocking).
pub(crate) fn store_key(
    rows: &BackendTables,
    secrets: &dyn SecretStore,
    backend_id: &str,
    key: &NewKey,
) -> Result<KeyRow, AppError> {
    let (backend, v) = check_key(rows, backend_id, key)?;
    if !v.is_ok() {
        return Err(AppError::Validation(v));
    }
    let id = crate::new_id();
    secrets.set(&id, &key.value)?;
    let hint = mask_key(key.value.expose());
    match rows
        .keys
        .insert_key(&id, backend_id, key.label.trim(), &hint)
    {
        Ok(row) => {
            tracing::info!(backend = %backend.name, key = %row.id, label = %row.label, "key stored in the keychain");
            Ok(row)
        }
        Err(e) => {
            if let Err(cleanup) = secrets.delete(&id) {
                tracing::warn!(error = %cleanup, "could not remove the keychain entry of a failed insert");
            }
            Err(AppError::conflict_on_duplicate(e))
        }
    }
}

/// The backend `key` would join and what validation says of it (labels unique per backend,
/// the value shaped like the backend's kind). Blocking.
fn check_key(
    rows: &BackendTables,
    backend_id: &str,
    key: &NewKey,
) -> Result<(BackendRow, Validation), AppError> {
    let backend = rows
        .backends
        .get_backend(backend_id)?
        .ok_or(AppError::NotFound("Backend"))?;
    let existing = rows.keys.keys_of(backend_id)?;
    let labels: Vec<&str> = existing.iter().map(|k| k.label.as_str()).collect();
    let v = validate_key(backend.kind, &key.label, key.value.expose(), &labels);
    Ok((backend, v))
}

impl OffThread for Keys {}

/// The row a key's credits are kept in, read now.
pub(crate) fn balance_row(
    balance: &switchyard_gateway::probe::Balance,
    backend_id: &str,
    key_id: &str,
) -> switchyard_store::BalanceRow {
    let switchyard_gateway::probe::Balance {
        limit_usd,
        used_usd,
        remaining_usd,
    } = *balance;
    switchyard_store::BalanceRow {
        key_id: key_id.to_string(),
        backend_id: backend_id.to_string(),
        limit_usd,
        used_usd,
        remaining_usd,
        read_at_ms: crate::clock::now_ms(),
    }
}
