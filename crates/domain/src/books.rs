//! The providers' own books (issue 75): what a provider says its keys spent, per UTC day, key and
//! model, as read from its organization endpoints with an admin key; and how a provider's key is
//! recognised among the user's by its redacted value.

use crate::BackendKind;
use serde::{Deserialize, Serialize};

/// A provider whose books Switchyard reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum BooksProvider {
    /// OpenAI's organization Usage and Costs APIs (an admin key, `sk-admin-…`).
    OpenAi,
    /// Anthropic's usage and cost reports (an Admin API key, `sk-ant-admin…`).
    Anthropic,
    /// OpenRouter's key info (the ordinary key) and activity (a management key).
    OpenRouter,
}

impl BooksProvider {
    pub const ALL: [BooksProvider; 3] = [
        BooksProvider::OpenAi,
        BooksProvider::Anthropic,
        BooksProvider::OpenRouter,
    ];

    /// The provider of a backend kind, when it publishes books Switchyard reads.
    pub fn of(kind: BackendKind) -> Option<BooksProvider> {
        match kind {
            BackendKind::OpenAi => Some(BooksProvider::OpenAi),
            BackendKind::Anthropic => Some(BooksProvider::Anthropic),
            BackendKind::OpenRouter => Some(BooksProvider::OpenRouter),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BooksProvider::OpenAi => "OpenAI",
            BooksProvider::Anthropic => "Anthropic",
            BooksProvider::OpenRouter => "OpenRouter",
        }
    }

    /// Whether the provider's books need an admin key (OpenRouter's per-key figures do not).
    pub fn needs_admin_key(self) -> bool {
        !matches!(self, BooksProvider::OpenRouter)
    }
}

/// Tokens by the categories providers bill apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BookTokens {
    /// Input tokens not read from a cache.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub input: u64,
    /// Input tokens read from the provider's prompt cache.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub cached_input: u64,
    /// Input tokens written to the provider's prompt cache (Anthropic's 5-minute and 1-hour).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub cache_write: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub output: u64,
}

impl BookTokens {
    pub fn total(&self) -> u64 {
        self.input + self.cached_input + self.cache_write + self.output
    }

    pub fn add(&mut self, o: &BookTokens) {
        self.input += o.input;
        self.cached_input += o.cached_input;
        self.cache_write += o.cache_write;
        self.output += o.output;
    }

    /// `self - o` per category, never below zero.
    pub fn less(&self, o: &BookTokens) -> BookTokens {
        BookTokens {
            input: self.input.saturating_sub(o.input),
            cached_input: self.cached_input.saturating_sub(o.cached_input),
            cache_write: self.cache_write.saturating_sub(o.cache_write),
            output: self.output.saturating_sub(o.output),
        }
    }
}

/// A key as its provider names it in its books: its id there and its redacted value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderKey {
    /// The provider's id (`key_…`, `apikey_…`; OpenRouter: the key's hash).
    pub id: String,
    /// The name the user gave it at the provider, if any.
    pub name: Option<String>,
    /// What the provider shows of it (`sk-abc...wxyz`, `sk-ant-api03-R2D...igAA`).
    pub redacted: String,
}

/// One line of a provider's books: what one key spent on one model on one UTC day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookLine {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    /// The provider's key id; `None` when the provider did not group by key.
    pub key_id: Option<String>,
    /// `None` when the provider did not group by model.
    pub model: Option<String>,
    /// `None` where the provider does not count requests (Anthropic's usage report).
    pub requests: Option<u64>,
    pub tokens: BookTokens,
    /// `None` where the provider's usage lines carry no cost (OpenAI's and Anthropic's usage
    /// endpoints: their cost comes as [`BookCost`] lines).
    pub cost_usd: Option<f64>,
}

/// A provider's cost for one day (and model, where it says), in USD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookCost {
    pub day: String,
    pub model: Option<String>,
    pub key_id: Option<String>,
    pub cost_usd: f64,
}

/// What a provider's books said for a span of days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Books {
    pub lines: Vec<BookLine>,
    pub costs: Vec<BookCost>,
    /// The organization's keys, for matching by redacted value.
    pub keys: Vec<ProviderKey>,
}

/// Whether the provider's redacted value `redacted` (`sk-abc...wxyz`, `sk-ant-api03-R2D…igAA`,
/// `sk-or-v1-abc...123`) can be the key whose hint Switchyard keeps (`sk-…wxyz`, `mask_key`):
/// the visible ends agree where both show them. Several keys may match one value: the caller
/// then asks the user.
pub fn redacted_matches(redacted: &str, hint: &str) -> bool {
    let (r_head, r_tail) = ends(redacted);
    let (h_head, h_tail) = ends(hint);
    if r_tail.is_empty() || h_tail.is_empty() {
        return false;
    }
    let tails = r_tail.ends_with(h_tail) || h_tail.ends_with(r_tail);
    let heads = r_head.starts_with(h_head) || h_head.starts_with(r_head);
    tails && heads
}

/// The visible head and tail of a redacted value: split at `...`, `…` or a run of `*`.
fn ends(shown: &str) -> (&str, &str) {
    let shown = shown.trim();
    for gap in ["...", "…"] {
        if let Some((head, tail)) = shown.split_once(gap) {
            return (head, tail.trim_start_matches(['.', '…']));
        }
    }
    match shown.find('*') {
        Some(at) => (&shown[..at], shown[at..].trim_start_matches('*')),
        None => ("", shown),
    }
}

#[cfg(test)]
#[path = "books_tests.rs"]
mod tests;
