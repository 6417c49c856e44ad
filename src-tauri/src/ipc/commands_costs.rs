//! Commands of the Costs page.

use super::dto_costs::{
    via_json, BudgetDto, BudgetStatusDto, CostRangeDto, CostSettingsDto, CostSplit,
    CostsOverviewDto, ExportDoneDto, ExportFormatDto, ExportKindDto, PriceOverrideDto, PricesDto,
    UnpricedModelDto,
};
use super::{Core, IpcError};
use switchyard_app::{Budget, CostSettings, ExportFormat, ExportKind, PriceOverride};
use tauri::State;

type Res<T> = Result<T, IpcError>;

/// Totals, series, breakdowns and latency for a range (a reversed range is a typed error).
#[tauri::command]
#[specta::specta]
pub async fn costs_overview(
    core: State<'_, Core>,
    range: CostRangeDto,
    split: CostSplit,
) -> Res<CostsOverviewDto> {
    via_json(
        &core
            .app()?
            .costs_overview(range.into(), split.into())
            .await?,
    )
}

#[tauri::command]
#[specta::specta]
pub async fn get_cost_settings(core: State<'_, Core>) -> Res<CostSettingsDto> {
    via_json(&core.app()?.cost_settings().await?)
}

/// The display currency and its rate per US dollar; validated first.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn set_cost_settings(
    core: State<'_, Core>,
    settings: CostSettingsDto,
) -> Res<CostSettingsDto> {
    let s = CostSettings {
        currency: settings.currency,
        per_usd: settings.per_usd,
    };
    via_json(&core.app()?.set_cost_settings(s).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_prices(core: State<'_, Core>) -> Res<PricesDto> {
    via_json(&core.app()?.prices().await?)
}

/// Sets the price of one model (USD per million tokens); new requests use it at once.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn set_price_override(core: State<'_, Core>, price: PriceOverrideDto) -> Res<PricesDto> {
    let o = PriceOverride {
        model: price.model,
        input_per_mtok: price.input_per_mtok,
        output_per_mtok: price.output_per_mtok,
        cache_read_per_mtok: price.cache_read_per_mtok,
        cache_write_per_mtok: price.cache_write_per_mtok,
    };
    via_json(&core.app()?.set_price_override(o).await?)
}

#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn remove_price_override(core: State<'_, Core>, model: String) -> Res<PricesDto> {
    via_json(&core.app()?.remove_price_override(model).await?)
}

/// Loads a newer price file from disk; a malformed one is refused with the reason.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn load_price_file(core: State<'_, Core>, path: String) -> Res<PricesDto> {
    via_json(&core.app()?.load_price_file(path).await?)
}

/// Back to the bundled prices (overrides stay).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn reset_price_file(core: State<'_, Core>) -> Res<PricesDto> {
    via_json(&core.app()?.reset_price_file().await?)
}

/// Models requested in the range that have no price.
#[tauri::command]
#[specta::specta]
pub async fn unpriced_models(
    core: State<'_, Core>,
    range: CostRangeDto,
) -> Res<Vec<UnpricedModelDto>> {
    let r = switchyard_app::CostRange::from(range).normalised()?;
    via_json(&core.app()?.unpriced_models(r.since_ms, r.until_ms).await?)
}

/// Every budget with its spend this period and forecast.
#[tauri::command]
#[specta::specta]
pub async fn list_budgets(core: State<'_, Core>) -> Res<Vec<BudgetStatusDto>> {
    via_json(&core.app()?.budget_statuses().await?)
}

/// Replaces every budget (validated as a whole; nothing saved on error).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn save_budgets(
    core: State<'_, Core>,
    budgets: Vec<BudgetDto>,
) -> Res<Vec<BudgetStatusDto>> {
    let budgets: Vec<Budget> = via_json(&budgets)?;
    let app = core.app()?;
    app.set_budgets(budgets).await?;
    via_json(&app.budget_statuses().await?)
}

/// Writes the ledger or its daily/hourly rollups for a range as CSV or JSON to `path` (from the
/// save dialog) or, when null, into the data folder's `exports/`; says where.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(core))]
pub async fn export_usage(
    core: State<'_, Core>,
    range: CostRangeDto,
    kind: ExportKindDto,
    format: ExportFormatDto,
    path: Option<String>,
) -> Res<ExportDoneDto> {
    let kind = match kind {
        ExportKindDto::Requests => ExportKind::Requests,
        ExportKindDto::Daily => ExportKind::Daily,
        ExportKindDto::Hourly => ExportKind::Hourly,
    };
    let format = match format {
        ExportFormatDto::Csv => ExportFormat::Csv,
        ExportFormatDto::Json => ExportFormat::Json,
    };
    let app = core.app()?;
    via_json(
        &app.export_usage(range.into(), kind, format, path.map(Into::into))
            .await?,
    )
}
