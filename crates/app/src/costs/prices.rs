//! The price table the gateway prices requests with: the bundled snapshot, or a newer price
//! file the user loaded (copied into the data folder as `prices.json`), plus per-model
//! overrides entered in the UI (USD per million tokens). Every change is validated first and
//! applied to the running gateway at once; requests already recorded keep their cost.
//!
//! Invariants: a malformed price file or an out-of-range override is refused with a typed
//! error and nothing changes; a saved file that no longer parses (edited by hand) falls back to
//! the bundled table with a warning, never to "everything costs $0".

use super::Costs;
use crate::blocking::OffThread;
use crate::{AppError, DomainEvent};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;
use switchyard_domain::{Field, IssueCode};
use switchyard_pricing::{cost_per_mtok_in, ModelPrice, PriceTable};
use switchyard_store::Dimension;

const KEY: &str = "prices";
pub const PRICE_FILE: &str = "prices.json";
/// Above this a per-million price is almost surely a unit mistake (the dearest model lists
/// about $600).
pub const MAX_PER_MTOK: f64 = 5_000.0;
const MAX_FILE_BYTES: u64 = 64 << 20;

/// A user-set price for one model, USD per million tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PriceOverride {
    /// The model id as requests name it (`gpt-4o`, `demo-chat`, `ollama/llama3`).
    pub model: String,
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
    #[serde(default)]
    pub cache_read_per_mtok: Option<f64>,
    #[serde(default)]
    pub cache_write_per_mtok: Option<f64>,
}

impl PriceOverride {
    pub(crate) fn validate(&self) -> Result<(), AppError> {
        let model = self.model.trim();
        if model.is_empty() || model.chars().count() > 200 {
            return Err(AppError::field(
                Field::Model,
                if model.is_empty() {
                    IssueCode::Required
                } else {
                    IssueCode::TooLong
                },
                "Name the model (1 to 200 characters).",
            ));
        }
        if switchyard_domain::storable::first_control(model).is_some() {
            return Err(AppError::field(
                Field::Model,
                IssueCode::Format,
                "A model's name cannot hold control characters.",
            ));
        }
        let fields = [
            (Field::Input, "input", Some(self.input_per_mtok)),
            (Field::Output, "output", Some(self.output_per_mtok)),
            (Field::CacheRead, "cache read", self.cache_read_per_mtok),
            (Field::CacheWrite, "cache write", self.cache_write_per_mtok),
        ];
        for (field, name, value) in fields {
            let Some(v) = value else { continue };
            if !v.is_finite() || v < 0.0 {
                return Err(AppError::field(
                    field,
                    IssueCode::OutOfRange,
                    format!("{model}: the {name} price must be a number of dollars, 0 or more."),
                ));
            }
            if v > MAX_PER_MTOK {
                return Err(AppError::field(
                    field,
                    IssueCode::OutOfRange,
                    format!("{model}: ${v} per million {name} tokens is not a real price (at most ${MAX_PER_MTOK})."),
                ));
            }
        }
        Ok(())
    }

    fn price(&self) -> ModelPrice {
        let per_token = |v: f64| v / 1e6;
        ModelPrice {
            cache_read: self.cache_read_per_mtok.map(per_token),
            cache_write_5m: self.cache_write_per_mtok.map(per_token),
            ..ModelPrice::new(
                per_token(self.input_per_mtok),
                per_token(self.output_per_mtok),
            )
        }
    }
}

/// What prices are in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct PriceSettings {
    pub overrides: Vec<PriceOverride>,
    /// When a price file was loaded (RFC 3339); `None` uses the bundled snapshot.
    pub file_loaded_at: Option<String>,
}

/// The price table as the Costs page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Prices"))]
#[serde(rename_all = "camelCase")]
pub struct PricesView {
    /// `bundled` or `file`.
    pub source: String,
    pub snapshot_date: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub models: usize,
    pub file_loaded_at: Option<String>,
    pub overrides: Vec<PriceOverride>,
    /// The Demo backend's stated price, USD per million tokens (input, output): what its
    /// answers are priced at unless an override names the model. Nothing is billed.
    pub demo_per_mtok: (f64, f64),
}

/// A model requested in the range that has no price (its requests are not in the totals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UnpricedModel {
    pub model: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub requests: u64,
}

impl Costs {
    /// The table in force, described: the gateway's own when it runs (no file read again).
    pub async fn prices(&self) -> Result<PricesView, AppError> {
        let settings = self.price_settings().await?;
        let table = match &self.gateway {
            Some(g) => g.spend().prices(),
            None => Arc::new(self.price_table(&settings).await),
        };
        Ok(PricesView {
            source: if settings.file_loaded_at.is_some() {
                "file"
            } else {
                "bundled"
            }
            .into(),
            snapshot_date: table.snapshot_date().map(str::to_string),
            models: table.len(),
            file_loaded_at: settings.file_loaded_at,
            overrides: settings.overrides,
            demo_per_mtok: (
                switchyard_pricing::DEMO_PRICE.input * 1e6,
                switchyard_pricing::DEMO_PRICE.output * 1e6,
            ),
        })
    }

    /// The price table in force: the gateway's own when it runs.
    pub async fn table(&self) -> Result<Arc<PriceTable>, AppError> {
        if let Some(g) = &self.gateway {
            return Ok(g.spend().prices());
        }
        let settings = self.price_settings().await?;
        Ok(Arc::new(self.price_table(&settings).await))
    }

    /// Adds or replaces the override for `o.model`.
    pub async fn set_price_override(&self, o: PriceOverride) -> Result<PricesView, AppError> {
        o.validate()?;
        let mut settings = self.price_settings().await?;
        let o = PriceOverride {
            model: o.model.trim().to_string(),
            ..o
        };
        settings
            .overrides
            .retain(|x| !x.model.eq_ignore_ascii_case(&o.model));
        settings.overrides.push(o);
        settings.overrides.sort_by(|a, b| a.model.cmp(&b.model));
        self.save_prices(settings).await
    }

    /// Removes the override for `model` (a missing one is not an error).
    pub async fn remove_price_override(&self, model: String) -> Result<PricesView, AppError> {
        let mut settings = self.price_settings().await?;
        settings
            .overrides
            .retain(|x| !x.model.eq_ignore_ascii_case(model.trim()));
        self.save_prices(settings).await
    }

    /// Loads a newer price file (Switchyard's format or LiteLLM's
    /// `model_prices_and_context_window.json`). A malformed file is refused with the reason.
    pub async fn load_price_file(
        &self,
        source: std::path::PathBuf,
    ) -> Result<PricesView, AppError> {
        let bytes = tokio::task::spawn_blocking(move || read_price_file(&source)).await??;
        PriceTable::from_json(&bytes)
            .map_err(|e| AppError::File(format!("That price file cannot be used: {e}.")))?;
        let target = self.data_dir.join(PRICE_FILE);
        tokio::task::spawn_blocking(move || switchyard_runtime::atomic::write(&target, &bytes))
            .await??;
        let mut settings = self.price_settings().await?;
        settings.file_loaded_at = Some(crate::clock::rfc3339(crate::clock::now_ms()));
        self.save_prices(settings).await
    }

    /// Records whether a price file (`prices.json`) is in force and applies the prices.
    pub(super) async fn mark_file_loaded(&self, loaded: bool) -> Result<PricesView, AppError> {
        let mut settings = self.price_settings().await?;
        settings.file_loaded_at = loaded.then(|| crate::clock::rfc3339(crate::clock::now_ms()));
        self.save_prices(settings).await
    }

    /// Goes back to the bundled snapshot (overrides stay).
    pub async fn reset_price_file(&self) -> Result<PricesView, AppError> {
        let mut settings = self.price_settings().await?;
        settings.file_loaded_at = None;
        let path = self.data_dir.join(PRICE_FILE);
        let _ = tokio::task::spawn_blocking(move || std::fs::remove_file(path)).await;
        self.save_prices(settings).await
    }

    /// Models requested in `[since_ms, until_ms)` without a known price, busiest first.
    pub async fn unpriced_models(
        &self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<UnpricedModel>, AppError> {
        self.ledger.flush_async().await;
        let mut rows: Vec<UnpricedModel> = self
            .store
            .blocking(move |store| {
                Ok(store
                    .ledger
                    .usage_by(Dimension::Model, since_ms, until_ms)?)
            })
            .await?
            .into_iter()
            .filter(|(_, t)| t.unpriced > 0)
            .map(|(model, t)| UnpricedModel {
                model,
                requests: t.unpriced,
            })
            .collect();
        rows.sort_by(|a, b| b.requests.cmp(&a.requests).then(a.model.cmp(&b.model)));
        Ok(rows)
    }

    /// Builds the table from the settings and hands it to the gateway.
    pub async fn apply_prices(&self) -> Result<(), AppError> {
        let settings = self.price_settings().await?;
        let table = self.price_table(&settings).await;
        if let Some(g) = &self.gateway {
            g.spend().set_prices(Arc::new(table));
        }
        Ok(())
    }

    pub(super) async fn price_settings(&self) -> Result<PriceSettings, AppError> {
        self.store
            .blocking(|store| Ok(store.settings.setting_or_default(KEY)?))
            .await
    }

    async fn save_prices(&self, settings: PriceSettings) -> Result<PricesView, AppError> {
        let value =
            serde_json::to_value(&settings).map_err(|e| AppError::Internal(e.to_string()))?;
        self.store
            .blocking(move |store| Ok(store.settings.set_setting(KEY, &value)?))
            .await?;
        self.apply_prices().await?;
        self.reprice_ledger().await?;
        self.emit(DomainEvent::CostsChanged);
        self.prices().await
    }

    /// Reprices in the background at start: a newer bundled table may price models that had
    /// none when their requests were recorded.
    pub(super) fn spawn_repricing(&self, tasks: &switchyard_runtime::Supervisor) {
        let app = self.clone();
        tasks.spawn("repricing", async move {
            match app.reprice_ledger().await {
                Ok(0) => {}
                Ok(_) => app.emit(DomainEvent::CostsChanged),
                Err(e) => tracing::warn!(error = %e, "earlier unpriced requests not repriced"),
            }
        });
    }

    /// Prices the ledger's requests that were recorded without a price and whose model has one
    /// now, at the gateway's current table (`Store::reprice_unpriced`: rows and rollups
    /// together). Rows recorded before the ledger kept 1-hour cache writes and reasoning apart
    /// are priced as 5-minute writes and plain output. Returns how many were priced.
    pub async fn reprice_ledger(&self) -> Result<u64, AppError> {
        let Some(gateway) = &self.gateway else {
            return Ok(0);
        };
        let table = gateway.spend().prices();
        self.ledger.flush_async().await;
        let priced = self
            .store
            .blocking(move |store| {
                let kinds = super::reprice::kinds_by_name(store)?;
                // Requests that reached no backend (`""`) are read too: those without tokens
                // cost $0 (recorded as unpriced before that rule).
                let priceable = |backend: &str, model: &str| {
                    backend.is_empty()
                        || kinds
                            .get(backend)
                            .is_some_and(|&kind| cost_per_mtok_in(&table, kind, model).is_some())
                };
                Ok(store.ledger.reprice_unpriced(priceable, |r| {
                    super::reprice::record_cost(&table, &kinds, r, true)
                })?)
            })
            .await?;
        if priced > 0 {
            tracing::info!(priced, "earlier unpriced requests priced");
        }
        Ok(priced)
    }

    /// The loaded file (or the bundled snapshot) with the overrides on top.
    pub(super) async fn price_table(&self, settings: &PriceSettings) -> PriceTable {
        let path = self.data_dir.join(PRICE_FILE);
        let from_file = match settings.file_loaded_at {
            Some(_) => tokio::task::spawn_blocking(move || {
                let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
                PriceTable::from_json(&bytes).map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r),
            None => Err(String::new()),
        };
        let base = match from_file {
            Ok(table) => table,
            Err(e) => {
                if !e.is_empty() {
                    tracing::warn!(error = %e, "saved price file unusable; using the bundled prices");
                }
                PriceTable::bundled().clone()
            }
        };
        let overrides: Vec<(String, ModelPrice)> = settings
            .overrides
            .iter()
            .map(|o| (o.model.clone(), o.price()))
            .collect();
        base.with_overrides(&overrides)
    }
}

fn read_price_file(path: &Path) -> Result<Vec<u8>, AppError> {
    let shown = path.display();
    let meta = std::fs::metadata(path)
        .map_err(|e| AppError::File(format!("Cannot read the price file {shown}: {e}.")))?;
    if !meta.is_file() {
        return Err(AppError::File(format!("{shown} is not a file.")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(AppError::File(format!(
            "{shown} is over 64 MiB: not a price file."
        )));
    }
    std::fs::read(path)
        .map_err(|e| AppError::File(format!("Cannot read the price file {shown}: {e}.")))
}
