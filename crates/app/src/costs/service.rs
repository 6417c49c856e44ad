//! The Costs feature service: the Costs page's numbers, the display currency, prices, budgets
//! and exports (their methods live beside their rules in this folder). It holds only what it
//! uses (see [`Costs::new`]) and runs its background work under the supervisor it is given.

use super::tables::CostTables;
use super::Costs;
use crate::events::EventSink;
use crate::ledger::LedgerSink;
use crate::DomainEvent;
use std::path::PathBuf;
use switchyard_gateway::GatewayHandle;
use switchyard_monitor::Signal;
use switchyard_runtime::Supervisor;
use switchyard_store::Store;
use tokio::sync::broadcast;
use tokio::sync::mpsc::UnboundedSender;

impl Costs {
    /// Needs the store (settings, budgets, the ledger's rollups; repricing), the data folder
    /// (the price file, exports), the ledger (flushed before reading usage), the gateway's
    /// spend switches (prices, hard stops), the monitor's signal channel (budget percentages)
    /// and the event sink (`CostsChanged`).
    pub(crate) fn new(
        store: Store,
        data_dir: PathBuf,
        ledger: LedgerSink,
        gateway: Option<GatewayHandle>,
        signals: UnboundedSender<Signal>,
        events: EventSink,
    ) -> Costs {
        Costs {
            store: CostTables::of(&store),
            data_dir,
            ledger,
            gateway,
            signals,
            events,
            team: None,
        }
    }

    /// Enforces the budgets' hard stops for a team as a whole (see `team::budgets`).
    pub(crate) fn for_team(
        mut self,
        team: Option<std::sync::Arc<dyn super::SharedStops>>,
    ) -> Costs {
        self.team = team;
        self
    }

    pub(super) fn emit(&self, event: DomainEvent) {
        self.events.emit(event);
    }

    /// Applies the saved prices to the gateway, then starts the background work: repricing
    /// earlier unpriced requests once, and budget checks after recorded requests (`events`)
    /// and every minute.
    pub(crate) async fn start(&self, tasks: &Supervisor, events: broadcast::Receiver<DomainEvent>) {
        if let Err(e) = self.apply_prices().await {
            tracing::warn!(error = %e, "saved prices not applied; using the bundled ones");
        }
        self.spawn_repricing(tasks);
        self.spawn_budget_checks(tasks, events);
    }
}
