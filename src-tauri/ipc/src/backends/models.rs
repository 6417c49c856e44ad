//! IPC of the model catalogue: a backend's cached list, a refresh, and the check of a chosen
//! model (what the model pickers flag). Counters and times cross as `f64`, like every DTO.

use crate::{Core, IpcError};
use serde::{Deserialize, Serialize};
use specta::Type;

type Res<T> = Result<T, IpcError>;

/// How the ledger will price a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ModelPricing {
    /// The price table (or an override) has it.
    Priced,
    /// The Demo backend or a local Ollama model.
    Free,
    /// Only the provider's list prices it: recorded without a cost until a price is added.
    ListedOnly,
    /// No price anywhere: recorded without a cost.
    Unknown,
}

impl From<switchyard_app::Pricing> for ModelPricing {
    fn from(p: switchyard_app::Pricing) -> Self {
        use switchyard_app::Pricing as P;
        match p {
            P::Priced => ModelPricing::Priced,
            P::Free => ModelPricing::Free,
            P::ListedOnly => ModelPricing::ListedOnly,
            P::Unknown => ModelPricing::Unknown,
        }
    }
}

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
    pub pricing: ModelPricing,
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
        ModelList {
            backend_id: l.backend_id,
            backend_name: l.backend_name,
            fetched_at_ms: l.fetched_at_ms.map(|t| t as f64),
            error: l.error,
            models: l
                .models
                .into_iter()
                .map(|m| ListedModel {
                    id: m.id,
                    name: m.name,
                    context_tokens: m.context_tokens.map(|n| n as f64),
                    output_tokens: m.output_tokens.map(|n| n as f64),
                    listed_input_per_mtok: m.listed_price.map(|p| p.input_per_mtok),
                    listed_output_per_mtok: m.listed_price.map(|p| p.output_per_mtok),
                    pricing: m.pricing.into(),
                    price_per_mtok: m.price_per_mtok,
                })
                .collect(),
        }
    }
}

/// One backend a chosen model may reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelTarget {
    pub backend_name: String,
    pub model: String,
    pub pricing: ModelPricing,
    /// Whether its backend's list has it; null when the list was never read.
    pub listed: Option<bool>,
}

/// What choosing a model means for cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelCheck {
    pub model: String,
    pub targets: Vec<ModelTarget>,
    /// A sentence to show under the picker; null when all is well.
    pub warning: Option<String>,
}

impl From<switchyard_app::ModelCheck> for ModelCheck {
    fn from(c: switchyard_app::ModelCheck) -> Self {
        ModelCheck {
            model: c.model,
            targets: c
                .targets
                .into_iter()
                .map(|t| ModelTarget {
                    backend_name: t.backend_name,
                    model: t.model,
                    pricing: t.pricing.into(),
                    listed: t.listed,
                })
                .collect(),
            warning: c.warning,
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
    Ok(core.app()?.catalogue().check(model).await?.into())
}
