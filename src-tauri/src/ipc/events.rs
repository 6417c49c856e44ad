//! Typed events to the UI. All of them are registered in `specta_builder` with one
//! `collect_events!`; the UI invalidates its queries when they arrive.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_ipc::backends::dto::Check;
use tauri_specta::Event;

/// Backends, keys or their checks changed: reload lists.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct BackendsChanged;

/// A key (or keyless backend) finished its zero-cost test.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct KeyChecked {
    pub backend_id: String,
    pub key_id: Option<String>,
    pub result: Check,
}

/// Gateway tokens were created or revoked.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct TokensChanged;

/// My machines: its settings changed or a sync pass ran.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct SyncChanged;

/// New requests reached the ledger (batched): the Requests page reloads.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct RequestsRecorded {
    pub count: u32,
}

/// A breaker, key or cool-down state in the gateway changed.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct GatewayHealthChanged;

/// Routes were created, edited or deleted.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct RoutesChanged;

/// Cache settings changed or stored answers were cleared.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct CacheChanged;

/// Budgets, prices or the display currency changed: the Costs page reloads.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct CostsChanged;

/// A readiness run started (`done` = 0) or finished one more component.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct ReadinessProgress {
    pub step: switchyard_ipc::readiness::dto::ProgressStep,
}

/// A readiness run finished and was stored.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct ReadinessFinished {
    pub run_id: String,
}

/// A drill run started (`done` = 0) or finished one more drill.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct DrillProgress {
    pub step: switchyard_ipc::drills::dto::DrillStep,
}

/// A drill run finished (and was stored) or was cancelled.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct DrillsFinished {
    pub run_id: String,
    pub cancelled: bool,
}

/// Notification delivery failed or recovered: Settings reloads the status.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct NotificationsChanged;

/// An update check ran or an install failed: Settings → Updates reloads.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct UpdatesChanged;

/// A backend's health status changed: the Overview and Health pages reload.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct HealthChanged;

/// An alert opened or resolved, or the alert settings changed.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct AlertsChanged;
