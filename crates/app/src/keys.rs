//! Key operations. A key goes to the keychain first and its metadata row (label, masked hint)
//! second; a failure at either step leaves neither behind.

use crate::probe::{probe, ProbeResult};
use crate::service::Inner;
use crate::{AppError, DomainEvent, Switchyard};
use switchyard_core::validate::validate_key;
use switchyard_core::{mask_key, BackendKind, Validation};
use switchyard_secrets::SecretString;
use switchyard_store::{now, CheckRow, KeyRow};

/// A key the user typed or imported, with its label.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub label: String,
    pub value: SecretString,
}

impl Switchyard {
    /// Adds a labelled key to a backend.
    pub async fn add_key(&self, backend_id: String, key: NewKey) -> Result<KeyRow, AppError> {
        let row = self
            .blocking(move |inner| store_key(inner, &backend_id, &key))
            .await?;
        self.backends_changed().await;
        Ok(row)
    }

    /// Checks a key for a backend without saving it.
    pub async fn validate_key(
        &self,
        backend_id: String,
        key: NewKey,
    ) -> Result<Validation, AppError> {
        self.blocking(move |inner| {
            let backend = inner
                .store
                .get_backend(&backend_id)?
                .ok_or(AppError::NotFound("Backend"))?;
            let existing = inner.store.keys_of(&backend_id)?;
            let labels: Vec<&str> = existing.iter().map(|k| k.label.as_str()).collect();
            Ok(validate_key(
                backend.kind,
                &key.label,
                key.value.expose(),
                &labels,
            ))
        })
        .await
    }

    /// Removes a key from the keychain, then its row.
    pub async fn delete_key(&self, key_id: String) -> Result<(), AppError> {
        self.blocking(move |inner| {
            inner
                .store
                .get_key(&key_id)?
                .ok_or(AppError::NotFound("Key"))?;
            inner.secrets.delete(&key_id)?;
            inner.store.delete_key(&key_id)?;
            Ok(())
        })
        .await?;
        self.backends_changed().await;
        Ok(())
    }

    /// Reads a key back from the keychain for an explicit, user-initiated reveal.
    pub async fn reveal_key(&self, key_id: String) -> Result<SecretString, AppError> {
        self.blocking(move |inner| {
            inner
                .store
                .get_key(&key_id)?
                .ok_or(AppError::NotFound("Key"))?;
            let secret = inner.secrets.get(&key_id)?;
            tracing::info!(key = %key_id, "key revealed on request");
            Ok(secret)
        })
        .await
    }

    /// Tests a key (or a keyless backend when `key_id` is `None`) against the provider's
    /// zero-cost endpoint, records the result and announces it.
    pub async fn test_key(
        &self,
        backend_id: &str,
        key_id: Option<&str>,
    ) -> Result<ProbeResult, AppError> {
        let backend = self.get_backend(backend_id).await?;
        let kind = backend.row.kind;
        let secret = match key_id {
            Some(key_id) => {
                if !backend.keys.iter().any(|k| k.row.id == key_id) {
                    return Err(AppError::NotFound("Key"));
                }
                let key_id = key_id.to_string();
                Some(
                    self.blocking(move |inner| Ok(inner.secrets.get(&key_id)?))
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
        let base = match kind {
            BackendKind::Demo => self.demo_base_url() + "/v1",
            _ => backend.row.base_url.clone(),
        };
        let inner = &self.inner;
        let result = probe(
            &inner.http,
            kind,
            &base,
            secret.as_ref(),
            inner.probe_timeout,
        )
        .await;
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
        self.blocking(move |inner| Ok(inner.store.record_check(&check)?))
            .await?;
        self.emit(DomainEvent::KeyChecked {
            backend_id: backend_id.to_string(),
            key_id: key_id.map(str::to_string),
            result: result.clone(),
        });
        self.emit(DomainEvent::BackendsChanged);
        Ok(result)
    }
}

/// Validates and stores one key for `backend_id` (blocking).
pub(crate) fn store_key(inner: &Inner, backend_id: &str, key: &NewKey) -> Result<KeyRow, AppError> {
    let backend = inner
        .store
        .get_backend(backend_id)?
        .ok_or(AppError::NotFound("Backend"))?;
    let existing = inner.store.keys_of(backend_id)?;
    let labels: Vec<&str> = existing.iter().map(|k| k.label.as_str()).collect();
    let v = validate_key(backend.kind, &key.label, key.value.expose(), &labels);
    if !v.is_ok() {
        return Err(AppError::Validation(v));
    }
    let id = crate::new_id();
    inner.secrets.set(&id, &key.value)?;
    let hint = mask_key(key.value.expose());
    match inner
        .store
        .insert_key(&id, backend_id, key.label.trim(), &hint)
    {
        Ok(row) => {
            tracing::info!(backend = %backend.name, key = %row.id, label = %row.label, "key stored in the keychain");
            Ok(row)
        }
        Err(e) => {
            if let Err(cleanup) = inner.secrets.delete(&id) {
                tracing::warn!(error = %cleanup, "could not remove the keychain entry of a failed insert");
            }
            Err(AppError::conflict_on_duplicate(e))
        }
    }
}

impl Switchyard {
    /// Whether the keychain answers right now (looks up an entry that does not exist).
    pub async fn keychain_check(&self) -> Result<(), switchyard_secrets::SecretError> {
        let secrets = std::sync::Arc::clone(&self.inner.secrets);
        tokio::task::spawn_blocking(move || secrets.check())
            .await
            .unwrap_or_else(|e| Err(switchyard_secrets::SecretError::Rejected(e.to_string())))
    }
}
