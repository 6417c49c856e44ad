//! Whether a chosen model will be priced: the model a tool, route candidate or backend is set
//! to is resolved exactly as the gateway will resolve it (route, `Backend/model`, plain model),
//! and each backend it may reach is checked against the price table and its model list.

use super::Catalogue;
use crate::blocking::OffThread;
use crate::AppError;
use serde::{Deserialize, Serialize};
use switchyard_domain::catalogue::find;
use switchyard_domain::BackendKind;
use switchyard_pricing::{cost_per_mtok_in, PriceTable};

/// How the ledger will price a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ModelPricing")]
#[serde(rename_all = "camelCase")]
pub enum Pricing {
    /// The price table (or an override) has it.
    Priced,
    /// A local Ollama model, or the Demo backend priced at $0 by an override: costs nothing.
    Free,
    /// Only the provider's list prices it (OpenRouter): recorded at no cost until a price
    /// override or a newer price file has it.
    ListedOnly,
    /// No price anywhere: its requests are recorded without a cost.
    Unknown,
}

impl Pricing {
    /// Whether requests will be recorded without a cost.
    pub fn unpriced(self) -> bool {
        matches!(self, Pricing::ListedOnly | Pricing::Unknown)
    }
}

/// How `model` on a backend of `kind` is priced, and its blended price per million tokens.
pub(super) fn pricing(
    table: &PriceTable,
    kind: BackendKind,
    model: &str,
    listed: bool,
) -> (Pricing, Option<f64>) {
    match cost_per_mtok_in(table, kind, model) {
        Some(p) if kind == BackendKind::Demo && p == 0.0 => (Pricing::Free, Some(0.0)),
        Some(p) => (Pricing::Priced, Some(p)),
        None if kind == BackendKind::Ollama => (Pricing::Free, None),
        None if listed => (Pricing::ListedOnly, None),
        None => (Pricing::Unknown, None),
    }
}

/// One backend a chosen model may be served by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ModelTarget")]
#[serde(rename_all = "camelCase")]
pub struct ModelTarget {
    pub backend_name: String,
    pub model: String,
    pub pricing: Pricing,
    /// Whether the backend's model list has it; `None` when its list was never read.
    pub listed: Option<bool>,
}

/// What choosing a model means for cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "ModelCheck"))]
#[serde(rename_all = "camelCase")]
pub struct ModelCheck {
    pub model: String,
    pub targets: Vec<ModelTarget>,
    /// A sentence to show where the model is chosen when something needs the user's eye (an
    /// unpriced or unlisted model, or a name nothing serves); `None` when all is well.
    pub warning: Option<String>,
}

impl Catalogue {
    /// Resolves `model` as the gateway will and checks every backend it may reach.
    pub async fn check(&self, model: String) -> Result<ModelCheck, AppError> {
        let model = model.trim().to_string();
        let plan = switchyard_gateway::resolve(&self.routing.current(), &model);
        let table = self.costs.table().await?;
        let cached = self.blocking(|me| Ok(me.catalogue.catalogues()?)).await?;
        let targets: Vec<ModelTarget> = plan
            .map(|p| p.candidates)
            .unwrap_or_default()
            .into_iter()
            .map(|c| {
                let asked = if c.model.is_empty() {
                    c.target.default_model.clone()
                } else {
                    c.model
                };
                let list = cached
                    .iter()
                    .find(|l| l.backend_id == c.target.id && l.fetched_at_ms.is_some());
                let found = list.map(|l| find(&l.models, &asked));
                let listed = found.map(|m| m.is_some());
                let has_price = found.flatten().is_some_and(|m| m.listed_price.is_some());
                let (pricing, _) = pricing(&table, c.target.kind, &asked, has_price);
                ModelTarget {
                    backend_name: c.target.name,
                    model: asked,
                    pricing,
                    listed,
                }
            })
            .collect();
        let warning = warning(&model, &targets);
        Ok(ModelCheck {
            model,
            targets,
            warning,
        })
    }
}

/// The sentence for a check, naming the first problem of each sort.
fn warning(model: &str, targets: &[ModelTarget]) -> Option<String> {
    if model.is_empty() {
        return None;
    }
    if targets.is_empty() {
        return Some(format!(
            "No enabled backend serves “{model}”: add a route by that name, or use Backend/model."
        ));
    }
    let mut out = Vec::new();
    if let Some(t) = targets.iter().find(|t| t.pricing.unpriced()) {
        let more = match t.pricing {
            Pricing::ListedOnly => " (only its provider's list prices it)",
            _ => "",
        };
        out.push(format!(
            "{} has no known price on {}{more}: its requests would be recorded without a cost. Add a price in Costs → Prices.",
            t.model, t.backend_name
        ));
    }
    if let Some(t) = targets.iter().find(|t| t.listed == Some(false)) {
        out.push(format!(
            "{} is not in {}'s model list.",
            t.model, t.backend_name
        ));
    }
    (!out.is_empty()).then(|| out.join(" "))
}
