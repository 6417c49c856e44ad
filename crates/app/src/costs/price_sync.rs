//! Price sync: a newer price file fetched from a URL (by default LiteLLM's upstream price map),
//! checked and compared with the prices in force before anything changes ("12 models changed,
//! 3 added"), applied on the user's word, and rolled back to what was in force before.
//!
//! Invariants: a fetched file is kept aside (`prices.pending.json`) until applied; a file that
//! does not parse, or has a negative, non-finite or absurd price (≥ $1 per token), is refused
//! with the reason and nothing changes; applying keeps the previous file (or "the bundled
//! snapshot") for one rollback; requests already recorded keep their cost (only unpriced ones
//! are priced, as after any price change). Offline, the bundled file or the last applied one
//! serves.

use super::prices::{PricesView, PRICE_FILE};
use super::Costs;
use crate::AppError;
use serde::{Deserialize, Serialize};
use std::path::Path;
use switchyard_pricing::PriceTable;

/// LiteLLM's price map, the default source.
pub const DEFAULT_PRICE_URL: &str =
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json";
const PENDING: &str = "prices.pending.json";
const PREVIOUS: &str = "prices.previous.json";
/// Marks "the bundled snapshot was in force" as the rollback target.
const PREVIOUS_BUNDLED: &str = "prices.previous.bundled";
const MAX_BYTES: usize = 64 << 20;
/// Repriced models listed by name in a check.
const EXAMPLES: usize = 20;

/// One repriced model, USD per million tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "PriceChangeView")]
#[serde(rename_all = "camelCase")]
pub struct PriceChange {
    pub model: String,
    pub old_input_per_mtok: f64,
    pub new_input_per_mtok: f64,
    pub old_output_per_mtok: f64,
    pub new_output_per_mtok: f64,
}

/// What a fetched file would change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "PriceCheckView")]
#[serde(rename_all = "camelCase")]
pub struct PriceCheck {
    pub url: String,
    /// Models in the fetched file.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub models: usize,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub changed: usize,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub added: usize,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub removed: usize,
    /// The first repriced models, by name.
    pub examples: Vec<PriceChange>,
    /// "12 models changed, 3 added, 1 removed" (or "no price changes").
    pub summary: String,
}

fn summary(changed: usize, added: usize, removed: usize) -> String {
    let parts: Vec<String> = [(changed, "changed"), (added, "added"), (removed, "removed")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {} {what}", if n == 1 { "model" } else { "models" }))
        .collect();
    if parts.is_empty() {
        "no price changes".into()
    } else {
        parts.join(", ")
    }
}

impl Costs {
    /// Fetches the price file at `url` (default [`DEFAULT_PRICE_URL`]), checks it and says what
    /// it would change against the prices in force. Nothing is applied.
    pub async fn check_price_update(&self, url: Option<String>) -> Result<PriceCheck, AppError> {
        let url = url
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| DEFAULT_PRICE_URL.into());
        let parsed = reqwest::Url::parse(&url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| {
                AppError::field(
                    switchyard_domain::Field::Url,
                    switchyard_domain::IssueCode::Format,
                    format!("“{url}” is not an http(s) address."),
                )
            })?;
        let bytes = fetch(parsed).await?;
        let newer = PriceTable::from_json(&bytes)
            .map_err(|e| AppError::File(format!("The price file at {url} cannot be used: {e}.")))?;
        if newer.is_empty() {
            return Err(AppError::File(format!(
                "The price file at {url} prices no model this version knows."
            )));
        }
        // The prices in force (overrides are not compared: the diff reads the table's models).
        let current = self.price_table(&self.price_settings().await?).await;
        let d = current.diff(&newer);
        let pending = self.data_dir.join(PENDING);
        tokio::task::spawn_blocking(move || switchyard_runtime::atomic::write(&pending, &bytes))
            .await??;
        let mtok = |p: f64| p * 1e6;
        Ok(PriceCheck {
            url,
            models: newer.len(),
            changed: d.changed.len(),
            added: d.added.len(),
            removed: d.removed.len(),
            summary: summary(d.changed.len(), d.added.len(), d.removed.len()),
            examples: d
                .changed
                .iter()
                .take(EXAMPLES)
                .map(|c| PriceChange {
                    model: c.key.clone(),
                    old_input_per_mtok: mtok(c.old.input),
                    new_input_per_mtok: mtok(c.new.input),
                    old_output_per_mtok: mtok(c.old.output),
                    new_output_per_mtok: mtok(c.new.output),
                })
                .collect(),
        })
    }

    /// Applies the file the last check fetched; the prices in force before are kept for one
    /// [`Costs::rollback_prices`].
    pub async fn apply_price_update(&self) -> Result<PricesView, AppError> {
        let dir = self.data_dir.clone();
        tokio::task::spawn_blocking(move || {
            let pending = dir.join(PENDING);
            if !pending.is_file() {
                return Err(AppError::Unavailable(crate::Unavailable::CheckedPrices));
            }
            keep_previous(&dir)?;
            std::fs::rename(&pending, dir.join(PRICE_FILE))
                .map_err(|e| AppError::File(format!("Cannot apply the price file: {e}.")))
        })
        .await??;
        self.mark_file_loaded(true).await
    }

    /// Back to the prices in force before the last apply.
    pub async fn rollback_prices(&self) -> Result<PricesView, AppError> {
        let dir = self.data_dir.clone();
        let file_in_force = tokio::task::spawn_blocking(move || {
            let (previous, bundled) = (dir.join(PREVIOUS), dir.join(PREVIOUS_BUNDLED));
            let io =
                |e: std::io::Error| AppError::File(format!("Cannot roll the prices back: {e}."));
            if previous.is_file() {
                std::fs::rename(&previous, dir.join(PRICE_FILE)).map_err(io)?;
                Ok(true)
            } else if bundled.is_file() {
                std::fs::remove_file(&bundled).map_err(io)?;
                let _ = std::fs::remove_file(dir.join(PRICE_FILE));
                Ok(false)
            } else {
                Err(AppError::Unavailable(crate::Unavailable::EarlierPrices))
            }
        })
        .await??;
        self.mark_file_loaded(file_in_force).await
    }
}

/// Keeps what is in force for one rollback: the applied file, or a mark for the bundled one.
fn keep_previous(dir: &Path) -> Result<(), AppError> {
    let io = |e: std::io::Error| AppError::File(format!("Cannot keep the current prices: {e}."));
    let (current, previous, bundled) = (
        dir.join(PRICE_FILE),
        dir.join(PREVIOUS),
        dir.join(PREVIOUS_BUNDLED),
    );
    if current.is_file() {
        let _ = std::fs::remove_file(&bundled);
        std::fs::copy(&current, &previous).map_err(io)?;
    } else {
        let _ = std::fs::remove_file(&previous);
        std::fs::write(&bundled, b"").map_err(io)?;
    }
    Ok(())
}

async fn fetch(url: reqwest::Url) -> Result<Vec<u8>, AppError> {
    let shown = url.to_string();
    let unreachable = |e: reqwest::Error| {
        AppError::File(format!(
            "Could not fetch {shown}: {e}. The prices in force stay (offline, the bundled file serves)."
        ))
    };
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut resp = client.get(url.clone()).send().await.map_err(unreachable)?;
    if !resp.status().is_success() {
        return Err(AppError::File(format!(
            "{url} answered HTTP {}: no price file there.",
            resp.status().as_u16()
        )));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_BYTES {
            return Err(AppError::File(format!(
                "{url} sent over 64 MiB: not a price file."
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_summary_reads_as_a_user_would() {
        assert_eq!(
            super::summary(12, 3, 0),
            "12 models changed, 3 models added"
        );
        assert_eq!(super::summary(1, 0, 1), "1 model changed, 1 model removed");
        assert_eq!(super::summary(0, 0, 0), "no price changes");
    }
}
