//! Commands of the Costs page.

use super::dto::CostRange;
pub use super::usage::{
    apply_price_update, check_price_update, reprice_history, rescan_usage, rollback_prices,
    usage_by_project, usage_by_source, usage_windows,
};
use crate::files::{Access, FileHandle};
use crate::{Core, IpcError};

use switchyard_app::{
    Budget, BudgetStatus, CostSettings, CostsOverview, ExportDone, ExportFormat, ExportKind,
    PriceOverride, PricesView, SplitBy, UnpricedModel,
};

type Res<T> = Result<T, IpcError>;

/// Totals, series, breakdowns and latency for a range (a reversed range is a typed error).
pub async fn costs_overview(core: &Core, range: CostRange, split: SplitBy) -> Res<CostsOverview> {
    Ok(core.app()?.costs().overview(range.into(), split).await?)
}

pub async fn get_cost_settings(core: &Core) -> Res<CostSettings> {
    Ok(core.app()?.costs().settings().await?)
}

/// The display currency and its rate per US dollar; validated first.
#[tracing::instrument(skip(core))]
pub async fn set_cost_settings(core: &Core, settings: CostSettings) -> Res<CostSettings> {
    Ok(core.app()?.costs().set_settings(settings).await?)
}

pub async fn get_prices(core: &Core) -> Res<PricesView> {
    Ok(core.app()?.costs().prices().await?)
}

/// Sets the price of one model (USD per million tokens); new requests use it at once.
#[tracing::instrument(skip(core))]
pub async fn set_price_override(core: &Core, price: PriceOverride) -> Res<PricesView> {
    Ok(core.app()?.costs().set_price_override(price).await?)
}

#[tracing::instrument(skip(core))]
pub async fn remove_price_override(core: &Core, model: String) -> Res<PricesView> {
    Ok(core.app()?.costs().remove_price_override(model).await?)
}

/// Loads a chosen price file; a malformed one is refused with the reason.
#[tracing::instrument(skip(core))]
pub async fn load_price_file(core: &Core, file: FileHandle) -> Res<PricesView> {
    let file = core.files()?.resolve(&file, Access::Read)?;
    let loaded = core
        .app()?
        .costs()
        .load_price_file(file.path().into())
        .await;
    loaded.map_err(|e| file.scrub(e.into()))
}

/// Back to the bundled prices (overrides stay).
#[tracing::instrument(skip(core))]
pub async fn reset_price_file(core: &Core) -> Res<PricesView> {
    Ok(core.app()?.costs().reset_price_file().await?)
}

/// Models requested in the range that have no price.
pub async fn unpriced_models(core: &Core, range: CostRange) -> Res<Vec<UnpricedModel>> {
    let r = switchyard_app::CostRange::from(range).normalised()?;
    let models = core
        .app()?
        .costs()
        .unpriced_models(r.since_ms, r.until_ms)
        .await?;
    Ok(models)
}

/// Every budget with its spend this period and forecast.
pub async fn list_budgets(core: &Core) -> Res<Vec<BudgetStatus>> {
    Ok(core.app()?.costs().budget_statuses().await?)
}

/// Replaces every budget (validated as a whole; nothing saved on error).
#[tracing::instrument(skip(core))]
pub async fn save_budgets(core: &Core, budgets: Vec<Budget>) -> Res<Vec<BudgetStatus>> {
    let costs = core.app()?.costs();
    costs.set_budgets(budgets).await?;
    Ok(costs.budget_statuses().await?)
}

/// Writes the ledger or its daily/hourly rollups for a range as CSV or JSON to `file` (chosen to
/// save to) or, when null, into the data folder's `exports/`; says where.
#[tracing::instrument(skip(core))]
pub async fn export_usage(
    core: &Core,
    range: CostRange,
    kind: ExportKind,
    format: ExportFormat,
    file: Option<FileHandle>,
) -> Res<ExportDone> {
    let file = core.files()?.resolve_opt(file.as_ref(), Access::Write)?;
    let dest = file.as_ref().map(|f| f.path().to_path_buf());
    let costs = core.app()?.costs();
    let done = costs.export(range.into(), kind, format, dest).await;
    let mut done: ExportDone = match &file {
        Some(f) => done.map_err(|e| f.scrub(e.into()))?,
        None => done?,
    };
    if let Some(f) = file {
        done.path = f.shown();
    }
    Ok(done)
}
