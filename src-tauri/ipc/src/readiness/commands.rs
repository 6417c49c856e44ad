//! Commands of the Readiness page, notifications and backend monitor settings.

use super::dto::{NotificationStatus, Readiness};
use crate::backends::dto::Backend;
use crate::{dtos, Core, IpcError};
use switchyard_app::MonitorSettings;
use switchyard_report::Format as ReportFormat;

type Res<T> = Result<T, IpcError>;

/// Runs every readiness check (progress arrives as `readinessProgress` events).
#[tracing::instrument(skip(core))]
pub async fn run_readiness(core: &Core) -> Res<Readiness> {
    Ok(core.readiness()?.run().await?.into())
}

/// Stored runs, newest first.
pub async fn readiness_history(core: &Core, limit: u32) -> Res<Vec<Readiness>> {
    Ok(dtos(core.readiness()?.history(limit.clamp(1, 50)).await?))
}

/// Writes stored run `run_id`'s report as `format` to `path`; answers with the path written.
#[tracing::instrument(skip(core))]
pub async fn export_readiness_report(
    core: &Core,
    run_id: String,
    format: ReportFormat,
    file: crate::files::FileHandle,
) -> Res<String> {
    let readiness = core.readiness()?;
    let write = |path| readiness.export_report(run_id, format, path);
    core.files()?.write_with(&file, write).await
}

#[tracing::instrument(skip(core))]
pub async fn send_test_notification(core: &Core) -> Res<()> {
    Ok(core.app()?.notifications().send_test().await?)
}

pub async fn notification_status(core: &Core) -> Res<NotificationStatus> {
    let app = core.app()?;
    let (server, problem) = match app.notifications().service().await {
        Ok(s) => (Some(s), None),
        Err(f) => (None, Some(f)),
    };
    Ok(NotificationStatus {
        server,
        problem,
        last_failure: app.notifications().last_failure(),
    })
}

/// Probe interval, uptime target and whether readiness requires the backend.
#[tracing::instrument(skip(core))]
pub async fn set_backend_monitor(
    core: &Core,
    id: String,
    monitor: MonitorSettings,
) -> Res<Backend> {
    Ok(core
        .app()?
        .backends()
        .set_monitor(id, monitor)
        .await?
        .into())
}
