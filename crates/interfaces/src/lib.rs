//! The HTTP interfaces other programs use, above the core and on its public API: `/metrics`
//! ([`metrics`], Prometheus and OpenMetrics), `/mcp` and `switchyard mcp` ([`mcp`], the MCP
//! server) and, on a team replica, the team's administration API ([`team_api`]). The binaries
//! mount them on the gateway with [`mount`]; the core only knows [`switchyard_app::Mounted`].

pub mod mcp;
pub mod metrics;
pub mod team_api;

use std::sync::{Arc, OnceLock};
use switchyard_app::team::Team;
use switchyard_app::{Mounted, Switchyard, WeakSwitchyard};
use switchyard_domain::authz::Place;
use switchyard_domain::RequestRecord;

/// Where a route finds the core once it runs (the gateway starts first): one per process.
pub(crate) type CoreSlot = Arc<OnceLock<WeakSwitchyard>>;

/// The running core from `slot`, if it is up (not starting or stopping).
pub(crate) fn core_in(slot: &CoreSlot) -> Option<Switchyard> {
    slot.get().and_then(WeakSwitchyard::upgrade)
}

/// `/metrics`, `/mcp` and the team API, as the gateway mounts them.
pub struct Interfaces {
    metrics: Arc<metrics::Metrics>,
    core: CoreSlot,
}

/// The interfaces, for [`switchyard_app::Options::mounted`].
pub fn mount() -> Arc<Interfaces> {
    Arc::new(Interfaces {
        metrics: Arc::new(metrics::Metrics::new()),
        core: CoreSlot::default(),
    })
}

impl Interfaces {
    /// The metrics `/metrics` serves.
    pub fn metrics(&self) -> &metrics::Metrics {
        &self.metrics
    }
}

impl Mounted for Interfaces {
    fn routes(&self, place: Place, team: Option<&Team>) -> axum::Router {
        metrics::router(Arc::clone(&self.metrics), place)
            .merge(mcp::http::router(Arc::clone(&self.core)))
            .merge(team_api::router(team, Arc::clone(&self.core)))
    }

    fn observe(&self, record: &RequestRecord) {
        self.metrics.observe(record);
    }

    fn attach(&self, core: WeakSwitchyard) {
        let _ = self.core.set(core.clone());
        self.metrics.attach(core);
    }
}
