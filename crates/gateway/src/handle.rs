//! A cheap handle to a running gateway's switches (pause, the cache switches, prices and
//! budgets, live health) for the app's feature services; it does not keep the port open.

use crate::{GatewayConfig, GatewayState, Health, Spend};
use std::sync::Arc;

/// See [`Gateway::handle`]. Cheap to clone.
#[derive(Clone)]
pub struct GatewayHandle(pub(crate) Arc<GatewayState>);

impl GatewayHandle {
    /// Pauses (every request answered 503) or resumes the gateway without unbinding the port.
    pub fn set_paused(&self, paused: bool) {
        self.0
            .paused
            .store(paused, std::sync::atomic::Ordering::Relaxed);
        tracing::info!(paused, "gateway pause changed");
    }

    pub fn is_paused(&self) -> bool {
        self.0.paused.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The settings it runs with.
    pub fn config(&self) -> &GatewayConfig {
        &self.0.config
    }

    /// Turns the response cache on or off (when the gateway has one); takes effect at once.
    pub fn set_cache_enabled(&self, on: bool) {
        self.0
            .cache_on
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether requests use the response cache.
    pub fn cache_enabled(&self) -> bool {
        self.0.cache_enabled()
    }

    /// Whether one tool may be answered from an answer cached for another tool's token; off
    /// keeps each token's cached answers to itself. Takes effect at once.
    pub fn set_cache_shared(&self, shared: bool) {
        self.0
            .cache_shared
            .store(shared, std::sync::atomic::Ordering::Relaxed);
    }

    /// Codex's own model metadata, from which `/v1/codex/models` makes an entry per route
    /// (`None`: an empty catalogue, Codex keeps its own models). Takes effect at once.
    pub fn set_codex_template(&self, template: Option<crate::CodexTemplate>) {
        if let Ok(mut held) = self.0.codex_template.write() {
            *held = template.map(Arc::new);
        }
    }

    /// The live price table and budget hard stops, for the app to swap.
    pub fn spend(&self) -> Arc<Spend> {
        Arc::clone(&self.0.spend)
    }

    /// Live breaker, cool-down and latency state of backends and keys.
    pub fn health(&self) -> Arc<Health> {
        Arc::clone(&self.0.health)
    }

    /// Requests in flight: admitted and not yet recorded (a stream until its last chunk).
    pub fn in_flight(&self) -> i64 {
        self.0.in_flight.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Now on the gateway's policy clock (what its breakers and cool-downs are measured by).
    pub fn now(&self) -> std::time::Instant {
        self.0.clock.now()
    }
}
