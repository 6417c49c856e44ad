//! Forwards the core process's events to typed Tauri events; `Quit` closes the window process.

use crate::ipc::events::{
    AlertsChanged, BackendsChanged, CacheChanged, CostsChanged, DrillProgress, DrillsFinished,
    GatewayHealthChanged, HealthChanged, KeyChecked, NotificationsChanged, ReadinessFinished,
    ReadinessProgress, RequestsRecorded, RoutesChanged, SyncChanged, TokensChanged, UpdatesChanged,
};
use crate::remote::Remote;
use switchyard_ipc::UiEvent;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;
use tokio::sync::mpsc;

/// Spawns the forwarder; it ends when the window process does.
pub fn forward_events(mut rx: mpsc::UnboundedReceiver<UiEvent>, handle: AppHandle) {
    let app = handle.clone();
    crate::window_tasks::spawn(&app, "forward core events", async move {
        while let Some(event) = rx.recv().await {
            let sent = match event {
                UiEvent::BackendsChanged => BackendsChanged.emit(&handle),
                UiEvent::KeyChecked {
                    backend_id,
                    key_id,
                    result,
                } => KeyChecked {
                    backend_id,
                    key_id,
                    result,
                }
                .emit(&handle),
                UiEvent::TokensChanged => TokensChanged.emit(&handle),
                UiEvent::SyncChanged => SyncChanged.emit(&handle),
                UiEvent::RequestsRecorded { count } => RequestsRecorded { count }.emit(&handle),
                UiEvent::GatewayHealthChanged => GatewayHealthChanged.emit(&handle),
                UiEvent::RoutesChanged => RoutesChanged.emit(&handle),
                UiEvent::CacheChanged => CacheChanged.emit(&handle),
                UiEvent::CostsChanged => CostsChanged.emit(&handle),
                UiEvent::ReadinessProgress { step } => ReadinessProgress { step }.emit(&handle),
                UiEvent::ReadinessFinished { run_id } => ReadinessFinished { run_id }.emit(&handle),
                UiEvent::DrillProgress { step } => DrillProgress { step }.emit(&handle),
                UiEvent::DrillsFinished { run_id, cancelled } => {
                    DrillsFinished { run_id, cancelled }.emit(&handle)
                }
                UiEvent::NotificationsChanged => NotificationsChanged.emit(&handle),
                UiEvent::UpdatesChanged => UpdatesChanged.emit(&handle),
                UiEvent::UpdateDownload {
                    version,
                    received,
                    total,
                } => crate::update::UpdateProgress {
                    version,
                    phase: "downloading".into(),
                    received: received as f64,
                    total: total.map(|t| t as f64),
                }
                .emit(&handle),
                UiEvent::HealthChanged => HealthChanged.emit(&handle),
                UiEvent::AlertsChanged => AlertsChanged.emit(&handle),
                UiEvent::Quit if handle.try_state::<Remote>().is_some_and(|r| r.updating()) => {
                    tracing::info!("the core stopped for the update");
                    Ok(())
                }
                UiEvent::Quit => {
                    tracing::info!("the core is quitting; closing the window");
                    if let Some(remote) = handle.try_state::<Remote>() {
                        remote.core_quitting();
                    }
                    crate::lifecycle::exit(&handle);
                    Ok(())
                }
            };
            if let Err(e) = sent {
                tracing::warn!(error = %e, "could not emit an event to the UI");
            }
        }
    });
}
