//! The real prober: the zero-cost probe of `probe.rs` against a backend (with one of its keys),
//! looked up fresh for every probe so edits apply at once.

use crate::gateway::KeyCache;
use std::sync::Arc;
use switchyard_domain::BackendKind;
use switchyard_gateway::KeySource;
use switchyard_monitor::{BoxFuture, Outcome, ProbeReport, Prober, TargetId};
use switchyard_store::{BackendsTable, BalancesTable, KeysTable, Store};

/// Probes a backend (with one of its keys) as stored now.
pub struct AppProber {
    /// The backend and key as stored now.
    backend_rows: BackendsTable,
    key_rows: KeysTable,
    /// A key's credits when its provider's probe says (OpenRouter).
    balances: BalancesTable,
    keys: Arc<KeyCache>,
    /// How a probe reaches its backend (the scheduler applies its own timeout too).
    reach: switchyard_gateway::probe::Reach,
}

impl AppProber {
    /// Needs the store (the backend as stored now), the key cache and how a probe reaches its
    /// backend.
    pub fn new(store: Store, keys: Arc<KeyCache>, reach: switchyard_gateway::probe::Reach) -> Self {
        AppProber {
            backend_rows: store.backends(),
            key_rows: store.keys(),
            balances: store.balances(),
            keys,
            reach,
        }
    }
}

fn report(outcome: Outcome, message: impl Into<String>) -> ProbeReport {
    ProbeReport {
        outcome,
        latency_ms: None,
        http_status: None,
        message: message.into(),
    }
}

impl Prober for AppProber {
    fn probe(&self, target: &TargetId) -> BoxFuture<ProbeReport> {
        let (backend_rows, key_rows, balances) = (
            self.backend_rows.clone(),
            self.key_rows.clone(),
            self.balances.clone(),
        );
        let (keys, reach) = (Arc::clone(&self.keys), self.reach.clone());
        let target = target.clone();
        Box::pin(async move {
            let lookup = {
                let (id, key_id) = (target.backend_id.clone(), target.key_id.clone());
                tokio::task::spawn_blocking(move || {
                    let key = match key_id {
                        Some(k) => key_rows.get_key(&k)?,
                        None => None,
                    };
                    Ok::<_, switchyard_store::StoreError>((backend_rows.get_backend(&id)?, key))
                })
                .await
            };
            let Ok(Ok((Some(backend), key_row))) = lookup else {
                return report(Outcome::Unreachable, "backend not found");
            };
            // A key goes only to an origin the user approved for it (checked before it is
            // read); the built-in Demo server takes none.
            let key_row = key_row.filter(|_| backend.kind != BackendKind::Demo);
            if let Some(k) = &key_row {
                if !switchyard_domain::approved_for(&k.hosts, &backend.base_url) {
                    return report(
                        Outcome::Invalid,
                        "the key is not approved for this backend's host: edit the backend to approve it",
                    );
                }
            }
            let secret = match &key_row {
                Some(k) => {
                    let value = match keys.cached(&k.id) {
                        Some(v) => v,
                        None => {
                            let cache = Arc::clone(&keys);
                            let id = k.id.clone();
                            match tokio::task::spawn_blocking(move || cache.load(&id)).await {
                                Ok(Ok(v)) => v,
                                _ => {
                                    return report(
                                        Outcome::Invalid,
                                        "the key could not be read from the keychain",
                                    )
                                }
                            }
                        }
                    };
                    match switchyard_gateway::Cleared::check(value, &k.hosts, &backend.base_url) {
                        Ok(c) => Some(c),
                        Err(e) => return report(Outcome::Invalid, e.to_string()),
                    }
                }
                None => None,
            };
            let at = reach.address(backend.kind, &backend.base_url);
            let (http, timeout) = (&reach.http, reach.timeout);
            // The scheduler applies its own timeout; this one only bounds the HTTP call.
            let r = if backend.monitor.deep_probe {
                switchyard_gateway::probe::deep_probe(
                    http,
                    &at,
                    secret.as_ref(),
                    &backend.default_model,
                    timeout,
                )
                .await
            } else {
                switchyard_gateway::probe::probe(http, &at, secret.as_ref(), timeout).await
            };
            // The key's credits, when its provider's probe endpoint says (OpenRouter).
            if let (Some(b), Some(key_id)) = (r.balance, &target.key_id) {
                let row = crate::backends::keys::balance_row(&b, &target.backend_id, key_id);
                let _ = tokio::task::spawn_blocking(move || balances.save_balance(&row)).await;
            }
            ProbeReport {
                outcome: r.outcome.into(),
                latency_ms: r.latency_ms,
                http_status: r.http_status,
                message: r.message,
            }
        })
    }
}
