//! Commands of the Readiness page, notifications and backend monitor settings.

use super::dto::{Monitor, NotificationStatus, Readiness};
use crate::ipc::backends::dto::Backend;
use crate::ipc::{Core, IpcError};
use tauri::State;

type Res<T> = Result<T, IpcError>;

/// Runs every readiness check (progress arrives as `readinessProgress` events).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn run_readiness(core: State<'_, Core>) -> Res<Readiness> {
    Ok(core.app()?.readiness().run().await?.into())
}

/// Stored runs, newest first.
#[tauri::command]
#[specta::specta]
pub async fn readiness_history(core: State<'_, Core>, limit: u32) -> Res<Vec<Readiness>> {
    Ok(core
        .app()?
        .readiness()
        .history(limit.clamp(1, 50))
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn send_test_notification(core: State<'_, Core>) -> Res<()> {
    Ok(core.app()?.notifications().send_test().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn notification_status(core: State<'_, Core>) -> Res<NotificationStatus> {
    let app = core.app()?;
    let (server, problem) = match app.notifications().service().await {
        Ok(s) => (Some(s), None),
        Err(f) => (None, Some(f.into())),
    };
    Ok(NotificationStatus {
        server,
        problem,
        last_failure: app.notifications().last_failure().map(Into::into),
    })
}

/// Probe interval, uptime target and whether readiness requires the backend.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn set_backend_monitor(
    core: State<'_, Core>,
    id: String,
    monitor: Monitor,
) -> Res<Backend> {
    Ok(core
        .app()?
        .backends()
        .set_monitor(id, monitor.into())
        .await?
        .into())
}
