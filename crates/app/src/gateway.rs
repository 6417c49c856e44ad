//! Running the gateway inside the app (window or headless): the routing snapshot built from the
//! store, the key cache over the keychain, the ledger writer, and the gateway's events turned
//! into domain events. A port already in use is reported, not fatal: the panel still opens.

use crate::ledger::LedgerSink;
use crate::service::Inner;
use crate::{AppError, DomainEvent, Switchyard};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use switchyard_core::BackendKind;
use switchyard_gateway::{KeyRef, KeySource, Ledger, Observer, Route, RoutingTable, Target};
use switchyard_monitor::{BreakerSignal, Passive, RequestOutcome, Signal};
use switchyard_secrets::{SecretStore, SecretString};
use switchyard_store::RequestRecord;
use tokio::sync::broadcast;

/// Keys read from the keychain once, then served from memory; dropped when keys change.
pub struct KeyCache {
    secrets: Arc<dyn SecretStore>,
    cache: RwLock<HashMap<String, SecretString>>,
}

impl KeyCache {
    pub fn new(secrets: Arc<dyn SecretStore>) -> Self {
        KeyCache {
            secrets,
            cache: RwLock::new(HashMap::new()),
        }
    }

    pub fn clear(&self) {
        self.cache
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

impl KeySource for KeyCache {
    fn cached(&self, key_id: &str) -> Option<SecretString> {
        self.cache
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key_id)
            .cloned()
    }

    fn load(&self, key_id: &str) -> Result<SecretString, String> {
        let key = self.secrets.get(key_id).map_err(|e| e.to_string())?;
        self.cache
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key_id.to_string(), key.clone());
        Ok(key)
    }
}

impl Ledger for LedgerSink {
    fn record(&self, record: RequestRecord, token_id: Option<String>) {
        LedgerSink::record(self, record, token_id);
    }
}

/// Gateway events as domain events (transitions only), and as passive signals for the monitor.
pub struct EventObserver {
    pub events: broadcast::Sender<DomainEvent>,
    pub passive: tokio::sync::mpsc::UnboundedSender<Signal>,
}

impl EventObserver {
    fn signal(&self, backend_id: &str, event: Passive) {
        let _ = self.passive.send(Signal::Passive {
            backend_id: backend_id.to_string(),
            at_unix_ms: crate::monitor::now_ms(),
            event,
        });
    }
}

impl Observer for EventObserver {
    fn key_rejected(&self, backend_id: &str, key_id: &str, status: u16) {
        tracing::warn!(
            backend = backend_id,
            key = key_id,
            status,
            "provider refused a key"
        );
        self.signal(
            backend_id,
            Passive::KeyRejected {
                key_id: key_id.to_string(),
            },
        );
        let _ = self.events.send(DomainEvent::GatewayHealthChanged);
    }
    fn rate_limited(&self, backend_id: &str, key_id: Option<&str>, for_secs: u64) {
        tracing::info!(backend = backend_id, key = ?key_id, for_secs, "rate-limited: cooling down");
        let until = crate::monitor::now_ms()
            .saturating_add(i64::try_from(for_secs.saturating_mul(1000)).unwrap_or(i64::MAX));
        self.signal(
            backend_id,
            Passive::RateLimited {
                key_id: key_id.map(str::to_string),
                until_unix_ms: until,
            },
        );
        let _ = self.events.send(DomainEvent::GatewayHealthChanged);
    }
    fn request_finished(&self, backend_id: &str, ok: bool, latency_ms: u32) {
        let _ = self.passive.send(Signal::Request(RequestOutcome {
            backend_id: backend_id.to_string(),
            key_id: None,
            at_unix_ms: crate::monitor::now_ms(),
            ok,
            latency_ms: ok.then_some(latency_ms),
        }));
    }
    fn breaker_changed(&self, backend_id: &str, key_id: Option<&str>, state: &str, reason: &str) {
        tracing::info!(backend = backend_id, key = ?key_id, state, reason, "circuit breaker changed");
        let state = match state {
            "open" => BreakerSignal::Open,
            "halfOpen" => BreakerSignal::HalfOpen,
            _ => BreakerSignal::Closed,
        };
        self.signal(
            backend_id,
            Passive::Breaker {
                key_id: key_id.map(str::to_string),
                state,
            },
        );
        let _ = self.events.send(DomainEvent::GatewayHealthChanged);
    }
}

/// Builds the routing snapshot from the store: enabled backends in order, their keys, routes.
pub(crate) fn build_table(inner: &Inner) -> Result<RoutingTable, AppError> {
    let demo = format!("{}/v1", inner.demo.base_url());
    let keys = inner.store.list_keys()?;
    let targets: Vec<Target> = inner
        .store
        .list_backends()?
        .into_iter()
        .filter(|b| b.enabled)
        .map(|b| Target {
            keys: keys
                .iter()
                .filter(|k| k.backend_id == b.id)
                .map(|k| KeyRef {
                    id: k.id.clone(),
                    label: k.label.clone(),
                })
                .collect(),
            base_url: if b.kind == BackendKind::Demo {
                demo.clone()
            } else {
                b.base_url.clone()
            },
            id: b.id,
            name: b.name,
            kind: b.kind,
            default_model: b.default_model,
            limits: switchyard_gateway::Limits {
                max_in_flight: b.limits.max_in_flight,
                rpm: b.limits.rpm,
                tpm: b.limits.tpm,
            },
        })
        .collect();
    let routes = inner
        .store
        .list_routes()?
        .into_iter()
        .filter_map(|r| {
            Some(Route {
                name: r.name,
                strategy: serde_json::from_str(&r.strategy).ok()?,
                candidates: serde_json::from_str(&r.candidates).ok()?,
                cache: crate::routes::parse_cache(&r.cache),
            })
        })
        .collect();
    Ok(RoutingTable { targets, routes })
}

impl Switchyard {
    /// Publishes a fresh routing snapshot and forgets cached keys (after any backend/key change).
    pub(crate) async fn refresh_gateway(&self) {
        let result = self
            .blocking(|inner| {
                let table = build_table(inner)?;
                inner.table.set(table);
                inner.key_cache.clear();
                Ok(())
            })
            .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not refresh the gateway's routing table");
        }
    }
}

/// Overrides the gateway port (0 = any free port), for tests and side-by-side instances.
pub const GATEWAY_PORT_ENV: &str = "SWITCHYARD_GATEWAY_PORT";

/// The default gateway settings, with `SWITCHYARD_GATEWAY_PORT` applied.
pub fn gateway_config_from_env() -> Result<switchyard_gateway::GatewayConfig, String> {
    let mut config = switchyard_gateway::GatewayConfig::default();
    if let Ok(port) = std::env::var(GATEWAY_PORT_ENV) {
        let port: u16 = port.trim().parse().map_err(|_| {
            format!("{GATEWAY_PORT_ENV} must be a port number (0 to 65535), not “{port}”")
        })?;
        config.bind.set_port(port);
    }
    Ok(config)
}
