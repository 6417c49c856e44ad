//! IPC of the model catalogue: a backend's cached list, a refresh, and the check of a chosen
//! model (what the model pickers flag). Counters and times cross as `f64`, like every DTO.

use crate::{Core, IpcError};
use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{ModelCheck, Pricing};

type Res<T> = Result<T, IpcError>;

/// One model a backend lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ListedModel {
    pub id: String,
    pub name: Option<String>,
    pub context_tokens: Option<f64>,
    pub output_tokens: Option<f64>,
    /// The provider's own prices, USD per million input / output tokens (OpenRouter).
    pub listed_input_per_mtok: Option<f64>,
    pub listed_output_per_mtok: Option<f64>,
    pub pricing: Pricing,
    /// Blended USD per million tokens from the price table (3 input : 1 output).
    pub price_per_mtok: Option<f64>,
}

/// A backend's model list with the time it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelList {
    pub backend_id: String,
    pub backend_name: String,
    /// Unix ms; null: never read.
    pub fetched_at_ms: Option<f64>,
    /// Why the last refresh failed (the models are the last good list).
    pub error: Option<String>,
    pub models: Vec<ListedModel>,
}

impl From<switchyard_app::ModelList> for ModelList {
    fn from(l: switchyard_app::ModelList) -> Self {
        // The kind is the backend's, which the page has.
        let switchyard_app::ModelList {
            backend_id,
            backend_name,
            kind: _,
            fetched_at_ms,
            error,
            models,
        } = l;
        ModelList {
            backend_id,
            backend_name,
            fetched_at_ms: fetched_at_ms.map(|t| t as f64),
            error,
            models: models
                .into_iter()
                .map(|m| ListedModel {
                    id: m.id,
                    name: m.name,
                    context_tokens: m.context_tokens.map(|n| n as f64),
                    output_tokens: m.output_tokens.map(|n| n as f64),
                    listed_input_per_mtok: m.listed_price.map(|p| p.input_per_mtok),
                    listed_output_per_mtok: m.listed_price.map(|p| p.output_per_mtok),
                    pricing: m.pricing,
                    price_per_mtok: m.price_per_mtok,
                })
                .collect(),
        }
    }
}

#[tracing::instrument(skip(core))]
pub async fn backend_models(core: &Core, backend_id: String) -> Res<ModelList> {
    Ok(core.app()?.catalogue().list(backend_id).await?.into())
}

#[tracing::instrument(skip(core))]
pub async fn refresh_backend_models(core: &Core, backend_id: String) -> Res<ModelList> {
    Ok(core.app()?.catalogue().refresh(backend_id).await?.into())
}

#[tracing::instrument(skip(core))]
pub async fn check_model(core: &Core, model: String) -> Res<ModelCheck> {
    Ok(core.app()?.catalogue().check(model).await?)
}
