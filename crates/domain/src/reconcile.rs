//! The ledger beside a provider's books (issue 75): per UTC day, key and model, what Switchyard
//! counted and what the provider billed; and the usage on a user's key that nothing Switchyard
//! saw accounts for ("unrouted": a tool left unconnected, a copied key, a leak).

use crate::books::{BookTokens, BooksProvider};
use serde::{Deserialize, Serialize};

/// One side of a comparison: requests, tokens by category, cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Side {
    /// `None` where this side does not count requests (Anthropic's report).
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub requests: Option<u64>,
    pub tokens: BookTokens,
    /// `None` where this side has no cost at this grain.
    pub cost_usd: Option<f64>,
}

impl Side {
    pub fn add(&mut self, o: &Side) {
        self.requests = match (self.requests, o.requests) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
        self.tokens.add(&o.tokens);
        self.cost_usd = match (self.cost_usd, o.cost_usd) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
        };
    }
}

/// `provider - ledger` as a percentage of the provider's figure (`None` when it is 0).
pub fn percent_off(ledger: f64, provider: f64) -> Option<f64> {
    (provider != 0.0).then(|| (provider - ledger) / provider * 100.0)
}

/// One day, key and model: the ledger and the provider side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ReconciledLine {
    pub day: String,
    /// The user's key (its id and label) the provider's key was matched to; `None` for a
    /// provider key that is not one the user keeps in Switchyard.
    pub key_id: Option<String>,
    pub key_label: Option<String>,
    /// What the provider shows of its key.
    pub provider_key: Option<String>,
    pub model: String,
    pub ledger: Side,
    pub provider: Side,
}

/// One day's totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ReconciledDay {
    pub day: String,
    pub ledger: Side,
    pub provider: Side,
    /// Of the provider's tokens on the user's keys, those nothing Switchyard saw accounts for.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub unrouted_tokens: u64,
}

/// Usage on one of the user's keys on one day that neither the gateway nor a tool's log
/// accounts for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Unrouted {
    pub day: String,
    pub key_id: String,
    pub key_label: String,
    pub tokens: BookTokens,
    /// The provider's cost of those tokens, where it can be told (apportioned by tokens from
    /// the provider's cost for the day and model).
    pub cost_usd: Option<f64>,
    /// Of the provider's tokens on this key that day, the unrouted part (0–1); where the
    /// provider gives only a cost (OpenRouter's per-key figures), of its cost.
    pub share: f64,
}

/// How a provider's key was matched to the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct KeyMatch {
    pub provider_key_id: String,
    pub redacted: String,
    pub name: Option<String>,
    /// The user's key it is; `None` when no key or several fit.
    pub key_id: Option<String>,
    /// Where several of the user's keys fit its redacted value: the user chooses.
    pub candidates: Vec<String>,
    /// The user chose it (rather than its redacted value deciding).
    pub chosen: bool,
}

/// A provider's books beside the ledger, for one backend and a span of days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Reconciliation {
    pub backend_id: String,
    pub backend: String,
    pub provider: BooksProvider,
    pub first_day: String,
    pub last_day: String,
    /// When the books shown were read (unix ms); `None`: never read.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub read_at_ms: Option<i64>,
    /// Why the last read failed, when it did: the books shown are older (stale).
    pub stale: Option<String>,
    pub days: Vec<ReconciledDay>,
    pub lines: Vec<ReconciledLine>,
    pub unrouted: Vec<Unrouted>,
    pub keys: Vec<KeyMatch>,
    /// On a team replica: the team ledger's spend per day and person on this backend, to set
    /// beside the provider's bill (empty on a desktop).
    #[serde(default)]
    pub people: Vec<PersonDay>,
}

/// One person's spend on one day through the team's gateway (a team replica's books).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PersonDay {
    pub day: String,
    /// The token's owner; `None` for a replica's own tokens.
    pub person: Option<String>,
    pub ledger: Side,
}
