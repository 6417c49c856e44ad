//! What the core tells the window: its domain events in the page's shapes, plus `Quit`.

use crate::backends::dto::Check;
use crate::readiness::dto::ProgressStep;
use serde::{Deserialize, Serialize};
use switchyard_app::DomainEvent;
use tokio::sync::broadcast::error::RecvError;

/// One event for the window. The window turns each into the typed Tauri event of the same name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum UiEvent {
    BackendsChanged,
    KeyChecked {
        backend_id: String,
        key_id: Option<String>,
        result: Check,
    },
    TokensChanged,
    SyncChanged,
    RequestsRecorded {
        count: u32,
    },
    GatewayHealthChanged,
    RoutesChanged,
    CacheChanged,
    CostsChanged,
    ReadinessProgress {
        step: ProgressStep,
    },
    ReadinessFinished {
        run_id: String,
    },
    DrillProgress {
        step: crate::drills::dto::DrillStep,
    },
    DrillsFinished {
        run_id: String,
        cancelled: bool,
    },
    NotificationsChanged,
    /// An update check ran, an update waits for Quit, or an install failed: Settings → Updates
    /// reloads.
    UpdatesChanged,
    /// The core downloads an update to install at Quit: `received` bytes of `total`.
    UpdateDownload {
        version: String,
        received: u64,
        total: Option<u64>,
    },
    HealthChanged,
    AlertsChanged,
    /// The core is quitting (the tray's Quit, SIGTERM): the window closes.
    Quit,
}

impl UiEvent {
    /// The window's event for what the core's event channel gave; `None` once it closed. A
    /// receiver that lagged behind reloads the lists (`BackendsChanged`).
    pub fn from_received(received: Result<DomainEvent, RecvError>) -> Option<UiEvent> {
        Some(match received {
            Ok(DomainEvent::BackendsChanged) | Err(RecvError::Lagged(_)) => {
                UiEvent::BackendsChanged
            }
            Ok(DomainEvent::KeyChecked {
                backend_id,
                key_id,
                result,
            }) => UiEvent::KeyChecked {
                backend_id,
                key_id,
                result: result.into(),
            },
            Ok(DomainEvent::TokensChanged) => UiEvent::TokensChanged,
            Ok(DomainEvent::SyncChanged) => UiEvent::SyncChanged,
            Ok(DomainEvent::RequestsRecorded { count }) => UiEvent::RequestsRecorded {
                count: u32::try_from(count).unwrap_or(u32::MAX),
            },
            Ok(DomainEvent::GatewayHealthChanged | DomainEvent::PlanWindow { .. }) => {
                UiEvent::GatewayHealthChanged
            }
            Ok(DomainEvent::RoutesChanged) => UiEvent::RoutesChanged,
            Ok(DomainEvent::CacheChanged) => UiEvent::CacheChanged,
            Ok(DomainEvent::CostsChanged) => UiEvent::CostsChanged,
            Ok(DomainEvent::ReadinessProgress(p)) => UiEvent::ReadinessProgress { step: p.into() },
            Ok(DomainEvent::ReadinessFinished { run_id }) => UiEvent::ReadinessFinished { run_id },
            Ok(DomainEvent::DrillProgress(step)) => UiEvent::DrillProgress { step },
            Ok(DomainEvent::DrillsFinished { run_id, cancelled }) => {
                UiEvent::DrillsFinished { run_id, cancelled }
            }
            Ok(DomainEvent::NotificationsChanged) => UiEvent::NotificationsChanged,
            Ok(DomainEvent::UpdatesChanged) => UiEvent::UpdatesChanged,
            Ok(DomainEvent::UpdateDownload {
                version,
                received,
                total,
            }) => UiEvent::UpdateDownload {
                version,
                received,
                total,
            },
            Ok(DomainEvent::HealthChanged) => UiEvent::HealthChanged,
            Ok(DomainEvent::AlertsChanged) => UiEvent::AlertsChanged,
            Err(RecvError::Closed) => return None,
        })
    }
}
