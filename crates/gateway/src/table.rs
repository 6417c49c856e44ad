//! The routing snapshot: enabled backends in priority order with their key labels, and the user's
//! routes. The app publishes a new snapshot whenever backends or routes change; requests read
//! the current one without locking for long.

use std::sync::{Arc, RwLock};
use switchyard_domain::BackendKind;
use switchyard_policy::Strategy;

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub name: String,
    pub kind: BackendKind,
    /// Where requests go (the Demo server's address for Demo).
    pub base_url: String,
    pub default_model: String,
    /// The keys approved for `base_url`'s origin: only these are ever sent there.
    pub keys: Vec<KeyRef>,
    /// Keys the backend has that are not approved for `base_url`'s origin (its host changed
    /// without the user's approval): never sent; the backend is refused while it has no other.
    pub withheld_keys: u32,
    pub limits: Limits,
}

impl Target {
    /// Why the backend cannot be used when all its keys are withheld, or `None`.
    pub fn withheld_reason(&self) -> Option<String> {
        (self.keys.is_empty() && self.withheld_keys > 0).then(|| {
            format!(
                "its key(s) are not approved for {}: approve the new host by editing the backend (Backends page or `switchyard backend edit`)",
                switchyard_domain::origin_of(&self.base_url).unwrap_or_else(|| "this address".into())
            )
        })
    }
}

/// How much traffic a backend takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Requests in flight at once (default 50).
    pub max_in_flight: u32,
    /// Requests per minute, if the user set a ceiling.
    pub rpm: Option<u32>,
    /// Tokens (input + output) per minute, if the user set a ceiling.
    pub tpm: Option<u32>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_in_flight: 50,
            rpm: None,
            tpm: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRef {
    pub id: String,
    pub label: String,
    /// The origins the user approved for this key (its stored row's `hosts`): the gateway
    /// sends it only to an address of one of them ([`crate::egress::Cleared::check`]).
    pub approved: Vec<String>,
}

/// A user-defined model name mapping to candidates and a strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub name: String,
    pub strategy: Strategy,
    /// In the user's order (the order `priority` follows).
    pub candidates: Vec<RouteCandidate>,
    /// How the response cache treats the route's requests.
    pub cache: RouteCache,
}

/// A route's response-cache policy. Stored as JSON by the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RouteCache {
    #[serde(default)]
    pub mode: CacheMode,
    /// How long its answers stay fresh; the cache's default (600 s) when `None`.
    #[serde(default)]
    pub ttl_secs: Option<u32>,
}

/// Which of a route's requests the cache answers and stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "RouteCacheMode")]
#[serde(rename_all = "camelCase")]
pub enum CacheMode {
    /// Deterministic requests only (`temperature` 0).
    #[default]
    Auto,
    /// Every request (the user opted in: same question, same answer).
    Always,
    /// Never.
    Off,
}

/// One backend and model a route may use. Stored as JSON by the app.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "CandidateForm")]
#[serde(rename_all = "camelCase")]
pub struct RouteCandidate {
    pub backend_id: String,
    pub model: String,
    /// Relative share for the `weighted` strategy (default 1; 0 = failover only).
    #[serde(default = "one")]
    pub weight: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoutingTable {
    /// Enabled backends only, in priority order.
    pub targets: Vec<Target>,
    pub routes: Vec<Route>,
}

/// The current snapshot, shared between the app (writer) and the gateway (readers).
#[derive(Clone, Default)]
pub struct TableHandle(Arc<RwLock<Arc<RoutingTable>>>);

impl TableHandle {
    pub fn new(table: RoutingTable) -> Self {
        TableHandle(Arc::new(RwLock::new(Arc::new(table))))
    }

    pub fn get(&self) -> Arc<RoutingTable> {
        Arc::clone(
            &self
                .0
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    pub fn set(&self, table: RoutingTable) {
        *self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(table);
    }
}
