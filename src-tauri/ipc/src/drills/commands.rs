//! Commands of the Readiness page's Drills section.

use crate::{Core, IpcError};
use switchyard_drills::{DrillName, LivePlan};
use switchyard_report::{Format as ReportFormat, Report};

type Res<T> = Result<T, IpcError>;

/// Runs `drills` (all when empty) on a shadow of this configuration; progress arrives as
/// `drillProgress` events. No token is spent.
#[tracing::instrument(skip(core))]
pub async fn run_drills(core: &Core, drills: Vec<DrillName>) -> Res<Report> {
    let opts = switchyard_drills::DrillOptions::default();
    Ok(core.drills()?.run(&drills, &opts).await?)
}

/// Stops a drill run after the drill it is in (nothing is stored).
pub async fn cancel_drills(core: &Core) -> Res<()> {
    core.drills()?.cancel();
    Ok(())
}

/// Stored drill runs, newest first.
pub async fn drill_history(core: &Core, limit: u32) -> Res<Vec<Report>> {
    Ok(core.drills()?.history(limit.clamp(1, 50)).await?)
}

/// Writes stored drill run `run_id`'s report as `format` to `path`; answers with the path.
#[tracing::instrument(skip(core))]
pub async fn export_drill_report(
    core: &Core,
    run_id: String,
    format: ReportFormat,
    file: crate::files::FileHandle,
) -> Res<String> {
    let drills = core.drills()?;
    let write = |path| drills.export_report(run_id, format, path);
    core.files()?.write_with(&file, write).await
}

/// What a live drill of `route` would do and the most it can spend (nothing runs).
pub async fn live_drill_plan(core: &Core, route: String, requests: u32) -> Res<LivePlan> {
    Ok(core.drills()?.live_plan(route, requests).await?)
}

/// The failover drill on `route`'s real providers, once the user confirmed `max_usd`.
#[tracing::instrument(skip(core))]
pub async fn run_live_drill(
    core: &Core,
    route: String,
    requests: u32,
    max_usd: Option<f64>,
) -> Res<Report> {
    Ok(core.drills()?.run_live(route, requests, max_usd).await?)
}
