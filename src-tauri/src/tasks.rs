//! Forwards domain events from the core to typed Tauri events.

use crate::ipc::events::{
    AlertsChanged, BackendsChanged, CacheChanged, CostsChanged, GatewayHealthChanged,
    HealthChanged, KeyChecked, NotificationsChanged, ReadinessFinished, ReadinessProgress,
    RequestsRecorded, RoutesChanged, TokensChanged,
};
use switchyard_app::{DomainEvent, Switchyard};
use tauri::AppHandle;
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;

/// Spawns the forwarder; it ends when the core's event channel closes.
pub fn forward_events(core: &Switchyard, handle: AppHandle) {
    let mut rx = core.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            let sent = match rx.recv().await {
                Ok(DomainEvent::BackendsChanged) | Err(RecvError::Lagged(_)) => {
                    BackendsChanged.emit(&handle)
                }
                Ok(DomainEvent::KeyChecked {
                    backend_id,
                    key_id,
                    result,
                }) => KeyChecked {
                    backend_id,
                    key_id,
                    result: result.into(),
                }
                .emit(&handle),
                Ok(DomainEvent::TokensChanged) => TokensChanged.emit(&handle),
                Ok(DomainEvent::RequestsRecorded { count }) => RequestsRecorded {
                    count: u32::try_from(count).unwrap_or(u32::MAX),
                }
                .emit(&handle),
                Ok(DomainEvent::GatewayHealthChanged) => GatewayHealthChanged.emit(&handle),
                Ok(DomainEvent::RoutesChanged) => RoutesChanged.emit(&handle),
                Ok(DomainEvent::CacheChanged) => CacheChanged.emit(&handle),
                Ok(DomainEvent::CostsChanged) => CostsChanged.emit(&handle),
                Ok(DomainEvent::ReadinessProgress(p)) => {
                    ReadinessProgress { step: p.into() }.emit(&handle)
                }
                Ok(DomainEvent::ReadinessFinished { run_id }) => {
                    ReadinessFinished { run_id }.emit(&handle)
                }
                Ok(DomainEvent::NotificationsChanged) => NotificationsChanged.emit(&handle),
                Ok(DomainEvent::HealthChanged) => HealthChanged.emit(&handle),
                Ok(DomainEvent::AlertsChanged) => AlertsChanged.emit(&handle),
                Err(RecvError::Closed) => break,
            };
            if let Err(e) = sent {
                tracing::warn!(error = %e, "could not emit an event to the UI");
            }
        }
    });
}
