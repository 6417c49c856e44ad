//! What a crate above the core adds to the gateway: its own routes beside the gateway's (behind
//! the same guard), a look at every finished request on its way to the ledger, and the running
//! core once it exists. `switchyard-interfaces` mounts `/metrics`, `/mcp` and a team replica's
//! administration API this way; the binaries choose to mount it ([`crate::Options::mounted`]),
//! and the core knows none of them.

use super::WeakSwitchyard;
use crate::team::Team;
use switchyard_domain::authz::Place;
use switchyard_domain::RequestRecord;

/// Routes and observers mounted on the gateway by a crate above the core.
pub trait Mounted: Send + Sync {
    /// The routes to serve beside the gateway's own, where this core serves (`team`: the
    /// replica's shared state, with `serve --team`). Asked once, before the gateway starts.
    fn routes(&self, place: Place, team: Option<&Team>) -> axum::Router;
    /// Sees every finished request before the ledger writes it (cheap: on the request path).
    fn observe(&self, record: &RequestRecord);
    /// The core, built: the routes read it from now on. Weak, so it does not keep the core alive.
    fn attach(&self, core: WeakSwitchyard);
}

/// This machine's ledger as the gateway writes to it, shown to what is mounted first.
pub(super) struct ObservedLedger {
    pub sink: crate::ledger::LedgerSink,
    pub mounted: std::sync::Arc<dyn Mounted>,
}

impl switchyard_gateway::Ledger for ObservedLedger {
    fn record(&self, record: RequestRecord, token_id: Option<String>) {
        self.mounted.observe(&record);
        switchyard_gateway::Ledger::record(&self.sink, record, token_id);
    }
}
