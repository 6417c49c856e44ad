//! Domain events the shell forwards to the UI. Emitted on transitions only.

use switchyard_gateway::probe::ProbeResult;
use tokio::sync::broadcast;

/// Where a feature service announces changes. Cheap to clone; having no listener is fine
/// (headless, tests).
#[derive(Clone)]
pub struct EventSink(broadcast::Sender<DomainEvent>);

impl EventSink {
    pub fn new(sender: broadcast::Sender<DomainEvent>) -> Self {
        EventSink(sender)
    }

    pub fn emit(&self, event: DomainEvent) {
        let _ = self.0.send(event);
    }
}

/// `done` of `total` drills finished; `current` is running.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "DrillStep"))]
pub struct DrillProgress {
    pub run_id: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub done: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total: usize,
    /// The drill now running (its title), `None` once all are done.
    pub current: Option<String>,
}

/// Progress of a running readiness check, for the UI.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub run_id: String,
    /// Components finished so far.
    pub done: usize,
    pub total: usize,
    /// The component that just finished (none for the start event).
    pub component: Option<(String, switchyard_domain::readiness::ComponentStatus)>,
}

/// A reaction the composition root wires between features: the feature that changes something
/// runs it and waits, so what depends on the change (the gateway's table, the monitor's
/// targets) is up to date before the call returns and before the UI hears of it. The feature
/// knows only that something reacts, never what.
#[derive(Clone)]
pub(crate) struct Reaction(
    std::sync::Arc<dyn Fn() -> futures_util::future::BoxFuture<'static, ()> + Send + Sync>,
);

impl Reaction {
    pub fn new<F, Fut>(react: F) -> Reaction
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        Reaction(std::sync::Arc::new(move || Box::pin(react())))
    }

    pub async fn run(&self) {
        (self.0)().await
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum DomainEvent {
    /// Backends, keys or their checks changed: lists should reload.
    BackendsChanged,
    /// Routes were created, edited or deleted.
    RoutesChanged,
    /// Cache settings changed or stored answers were cleared.
    CacheChanged,
    /// Budgets, prices or the display currency changed: the Costs page reloads.
    CostsChanged,
    /// Gateway tokens were created or revoked.
    TokensChanged,
    /// My machines: its settings changed or a sync pass ran.
    SyncChanged,
    /// The ledger recorded `count` more requests.
    RequestsRecorded { count: usize },
    /// A breaker, key or cool-down state in the gateway changed.
    GatewayHealthChanged,
    /// A tool's plan window was used up until `used_up_until` (Unix seconds; its overflow
    /// serves), or is back (`None`).
    PlanWindow {
        vendor: switchyard_domain::Vendor,
        used_up_until: Option<u64>,
    },
    /// A backend's health status changed (probes or gateway signals).
    HealthChanged,
    /// An alert opened or resolved, or the alert settings changed.
    AlertsChanged,
    /// A notification failed or delivery recovered: Settings shows the state.
    NotificationsChanged,
    /// An update check ran, an update waits for Quit, or an install failed: Settings shows the
    /// state.
    UpdatesChanged,
    /// An update being downloaded to install at Quit: `received` bytes of `total`.
    UpdateDownload {
        version: String,
        received: u64,
        total: Option<u64>,
    },
    /// A readiness run started (`done` = 0) or finished one more component.
    ReadinessProgress(Progress),
    /// A readiness run finished and was stored.
    ReadinessFinished { run_id: String },
    /// A drill run started (`done` = 0) or finished one more drill.
    DrillProgress(DrillProgress),
    /// A drill run finished (and was stored) or was cancelled.
    DrillsFinished { run_id: String, cancelled: bool },
    /// A key (or keyless backend) was tested.
    KeyChecked {
        backend_id: String,
        key_id: Option<String>,
        result: ProbeResult,
    },
}
