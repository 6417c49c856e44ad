//! Running the gateway inside the app (window or headless): the routing snapshot built from the
//! store, the key cache over the keychain, the ledger writer, and the gateway's events turned
//! into domain events. A port already in use is reported, not fatal: the panel still opens.

use crate::ledger::LedgerSink;
use crate::{AppError, DomainEvent};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use switchyard_domain::{BackendKind, Circuit, RequestRecord};
use switchyard_gateway::{
    KeyRef, KeySource, Ledger, Observer, Route, RouteCache, RoutingTable, TableHandle, Target,
};
use switchyard_monitor::{BreakerSignal, Passive, RequestOutcome, Signal};
use switchyard_secrets::{SecretError, SecretStore, SecretString};
use switchyard_store::{BackendsTable, KeysTable, RoutesTable, Store};
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

    fn load(&self, key_id: &str) -> Result<SecretString, SecretError> {
        let key = self.secrets.get(key_id)?;
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
            at_unix_ms: crate::clock::now_ms(),
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
        let until = crate::clock::now_ms()
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
    fn plan_window(&self, vendor: switchyard_domain::Vendor, used_up_until: Option<u64>) {
        tracing::info!(
            vendor = vendor.as_str(),
            ?used_up_until,
            "plan window changed"
        );
        let _ = self.events.send(DomainEvent::PlanWindow {
            vendor,
            used_up_until,
        });
    }
    fn request_finished(&self, backend_id: &str, ok: bool, latency_ms: u32) {
        let _ = self.passive.send(Signal::Request(RequestOutcome {
            backend_id: backend_id.to_string(),
            key_id: None,
            at_unix_ms: crate::clock::now_ms(),
            ok,
            latency_ms: ok.then_some(latency_ms),
        }));
    }
    fn breaker_changed(
        &self,
        backend_id: &str,
        key_id: Option<&str>,
        state: Circuit,
        reason: &str,
    ) {
        tracing::info!(backend = backend_id, key = ?key_id, %state, reason, "circuit breaker changed");
        let state = match state {
            Circuit::Open => BreakerSignal::Open,
            Circuit::HalfOpen => BreakerSignal::HalfOpen,
            Circuit::Closed => BreakerSignal::Closed,
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

/// Publishes the routing snapshot the gateway reads. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Routing {
    /// What the gateway routes over: backends, their key rows, routes.
    backends: BackendsTable,
    keys_rows: KeysTable,
    routes: RoutesTable,
    table: TableHandle,
    keys: Arc<KeyCache>,
    /// The Demo server's root (the Demo backend's address is under it).
    demo: String,
    /// One publish at a time, read and set together: two overlapping refreshes (a change made
    /// here and one seen from another process) could otherwise set an older read last.
    publishing: Arc<std::sync::Mutex<()>>,
}

impl Routing {
    /// Needs the store (backends, keys, routes), the gateway's table handle, the key cache
    /// (forgotten with every publish: a changed key must be read again) and the Demo server's
    /// base URL.
    pub fn new(store: Store, table: TableHandle, keys: Arc<KeyCache>, demo_base: &str) -> Self {
        Routing {
            backends: store.backends(),
            keys_rows: store.keys(),
            routes: store.routes(),
            table,
            keys,
            demo: demo_base.to_string(),
            publishing: Arc::default(),
        }
    }

    /// The snapshot the gateway routes with now.
    pub fn current(&self) -> Arc<RoutingTable> {
        self.table.get()
    }

    /// Builds and publishes a fresh snapshot and forgets cached keys. Blocking.
    pub fn publish(&self) -> Result<(), AppError> {
        let _one = self
            .publishing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let table = self.build()?;
        self.table.set(table);
        self.keys.clear();
        Ok(())
    }

    /// [`Routing::publish`] on the blocking pool (after any backend, key or route change); a
    /// failure is logged and the previous snapshot stays.
    pub async fn refresh(&self) {
        let me = self.clone();
        match tokio::task::spawn_blocking(move || me.publish()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "could not refresh the gateway's routing table")
            }
            Err(e) => tracing::warn!(error = %e, "routing table refresh did not finish"),
        }
    }

    /// The routing snapshot from the store: enabled backends in order, their keys, routes.
    fn build(&self) -> Result<RoutingTable, AppError> {
        let keys = self.keys_rows.list_keys()?;
        let targets: Vec<Target> = self
            .backends
            .list_backends()?
            .into_iter()
            .filter(|b| b.enabled)
            .map(|b| {
                // A key goes only to an origin the user approved for it (the row's base URL:
                // for Demo, the built-in server stands in for it).
                let (approved, withheld): (Vec<_>, Vec<_>) = keys
                    .iter()
                    .filter(|k| k.backend_id == b.id)
                    .partition(|k| switchyard_domain::approved_for(&k.hosts, &b.base_url));
                (b, approved, withheld.len())
            })
            .map(|(b, approved, withheld)| Target {
                // The gateway checks each key again against the address it sends to
                // (`Cleared::check`). The built-in Demo server takes no key.
                keys: approved
                    .into_iter()
                    .filter(|_| b.kind != BackendKind::Demo)
                    .map(|k| KeyRef {
                        id: k.id.clone(),
                        label: k.label.clone(),
                        approved: k.hosts.clone(),
                    })
                    .collect(),
                withheld_keys: u32::try_from(withheld).unwrap_or(u32::MAX),
                base_url: switchyard_domain::Address::of(b.kind, &b.base_url, &self.demo)
                    .base()
                    .to_string(),
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
        let routes = self
            .routes
            .list_routes()?
            .into_iter()
            .filter_map(|r| {
                Some(Route {
                    name: r.name,
                    strategy: serde_json::from_str(&r.strategy).ok()?,
                    candidates: serde_json::from_str(&r.candidates).ok()?,
                    cache: parse_cache(&r.cache),
                })
            })
            .collect();
        Ok(RoutingTable { targets, routes })
    }
}

/// A route's stored cache policy; the default for routes saved before it existed.
pub(crate) fn parse_cache(json: &str) -> RouteCache {
    serde_json::from_str(json).unwrap_or_default()
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
