//! OpenRouter's books (base `https://openrouter.ai/api/v1`), both with `Authorization: Bearer`
//! through the gate:
//!
//! * `GET /key` with the ordinary inference key: what that one key spent, in USD, in total and
//!   for the current UTC day, week (Monday–Sunday) and month, with its label and limit
//!   ([`KeyUsage`]). Any key may read its own.
//! * `GET /activity` with a **management** key (OpenRouter answers 403 to an inference key):
//!   per UTC day and model endpoint for the last 30 completed days, `usage` (USD), `requests`,
//!   `prompt_tokens`, `completion_tokens`. No pagination; no key dimension unless filtered by
//!   `api_key_hash`. The rows of one day and model (several provider endpoints) are summed into
//!   one line, and days outside the span are dropped.
//! * `GET /keys?include_disabled=true&offset=N` with the same management key: the account's
//!   keys (`hash`, `name`, `label`, the label being the redacted key unless renamed), paged by
//!   `offset` until an empty page, for matching a ledger key to its OpenRouter hash.
//!
//! [`read`] puts them together per key (`own.rs`): each of the user's keys read with itself.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchyard_domain::books::{BookLine, BookTokens, Books, BooksProvider, ProviderKey};
use switchyard_domain::AuthStyle;
use switchyard_gateway::Cleared;

use crate::http::{enc, Gate, MAX_PAGES};
use crate::{BooksError, Span};

#[path = "openrouter_own.rs"]
mod own;
pub use own::{read, OwnKey};

const KEY: &str = "key";
const ACTIVITY: &str = "activity";
const KEYS: &str = "keys";

/// What OpenRouter says one key has spent (USD), from `GET /key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyUsage {
    /// The key's label; OpenRouter's default label is the redacted key (`sk-or-v1-0e6…1c96`).
    pub label: Option<String>,
    /// Its spending limit, `None` when unlimited.
    pub limit: Option<f64>,
    /// What is left of the limit, `None` when unlimited.
    pub limit_remaining: Option<f64>,
    /// How the limit resets (`daily`, `weekly`, `monthly`), `None` when it never does.
    pub limit_reset: Option<String>,
    /// Total spend of the key.
    pub usage: f64,
    /// Spend in the current UTC day, week (Monday–Sunday) and month, when the answer gives them.
    pub usage_daily: Option<f64>,
    pub usage_weekly: Option<f64>,
    pub usage_monthly: Option<f64>,
    pub is_free_tier: Option<bool>,
}

#[derive(Deserialize)]
struct KeyAnswer {
    data: KeyData,
}

#[derive(Deserialize)]
struct KeyData {
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    limit: Option<f64>,
    #[serde(default)]
    limit_remaining: Option<f64>,
    #[serde(default)]
    limit_reset: Option<String>,
    usage: f64,
    #[serde(default)]
    usage_daily: Option<f64>,
    #[serde(default)]
    usage_weekly: Option<f64>,
    #[serde(default)]
    usage_monthly: Option<f64>,
    #[serde(default)]
    is_free_tier: Option<bool>,
}

/// What the key `key` has spent, from `base_url` (`https://openrouter.ai/api/v1`).
pub async fn read_key(
    http: &reqwest::Client,
    base_url: &str,
    key: &Cleared,
) -> Result<KeyUsage, BooksError> {
    let gate = gate(http, key);
    let url = format!("{}/{KEY}", base(base_url));
    let d = gate.get::<KeyAnswer>(&url, KEY).await?.data;
    for v in [
        Some(d.usage),
        d.usage_daily,
        d.usage_weekly,
        d.usage_monthly,
    ]
    .into_iter()
    .flatten()
    {
        if !v.is_finite() || v < 0.0 {
            return Err(gate.malformed(KEY, "a usage figure is not a non-negative number"));
        }
    }
    Ok(KeyUsage {
        label: d.label,
        limit: d.limit,
        limit_remaining: d.limit_remaining,
        limit_reset: d.limit_reset,
        usage: d.usage,
        usage_daily: d.usage_daily,
        usage_weekly: d.usage_weekly,
        usage_monthly: d.usage_monthly,
        is_free_tier: d.is_free_tier,
    })
}

#[derive(Deserialize)]
struct ActivityAnswer {
    data: Vec<Activity>,
}

#[derive(Deserialize)]
struct Activity {
    date: String,
    model: String,
    usage: f64,
    requests: u64,
    prompt_tokens: u64,
    completion_tokens: u64,
}

/// The account's activity per day and model for the days of `span` within OpenRouter's last 30
/// completed days, and its keys, with the management key `key`.
pub async fn read_activity(
    http: &reqwest::Client,
    base_url: &str,
    key: &Cleared,
    span: Span,
) -> Result<Books, BooksError> {
    let gate = gate(http, key);
    let lines = activity(&gate, base(base_url), span, None).await?;
    let keys = listed(&gate, base(base_url))
        .await?
        .into_iter()
        .map(ListedKey::shown)
        .collect();
    Ok(Books {
        lines,
        costs: vec![],
        keys,
    })
}

/// The activity lines (no key) of `span`'s days, of the one key whose OpenRouter hash is
/// `key_hash` when given, else of the whole account.
async fn activity(
    gate: &Gate<'_>,
    base: &str,
    span: Span,
    key_hash: Option<&str>,
) -> Result<Vec<BookLine>, BooksError> {
    let url = match key_hash {
        Some(hash) => format!("{base}/{ACTIVITY}?api_key_hash={}", enc(hash)),
        None => format!("{base}/{ACTIVITY}"),
    };
    let answer: ActivityAnswer = gate.get(&url, ACTIVITY).await?;
    let days = span.days();
    let mut sums: BTreeMap<(String, String), (u64, BookTokens, f64)> = BTreeMap::new();
    for row in answer.data {
        // `date` is `YYYY-MM-DD`; tolerate a time after it.
        let day = row.date.get(..10).unwrap_or(&row.date).to_string();
        if !days.contains(&day) {
            continue;
        }
        if !row.usage.is_finite() {
            return Err(gate.malformed(ACTIVITY, "a usage figure is not a number"));
        }
        let entry = sums
            .entry((day, row.model))
            .or_insert((0, BookTokens::default(), 0.0));
        entry.0 += row.requests;
        entry.1.add(&BookTokens {
            input: row.prompt_tokens,
            cached_input: 0,
            cache_write: 0,
            output: row.completion_tokens,
        });
        entry.2 += row.usage;
    }
    Ok(sums
        .into_iter()
        .map(|((day, model), (requests, tokens, usd))| BookLine {
            day,
            key_id: None,
            model: Some(model),
            requests: Some(requests),
            tokens,
            cost_usd: Some(usd),
        })
        .collect())
}

#[derive(Deserialize)]
struct KeyList {
    data: Vec<ListedKey>,
}

/// One key of the account as `GET /keys` lists it.
#[derive(Deserialize)]
struct ListedKey {
    hash: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    label: Option<String>,
}

impl ListedKey {
    /// As a provider key: its hash the id, its label the redacted value.
    fn shown(self) -> ProviderKey {
        ProviderKey {
            id: self.hash,
            name: self.name.filter(|n| !n.trim().is_empty()),
            redacted: self.label.unwrap_or_default(),
        }
    }
}

/// Every key of the account (disabled ones too), paged by `offset` until an empty page.
async fn listed(gate: &Gate<'_>, base: &str) -> Result<Vec<ListedKey>, BooksError> {
    let mut keys: Vec<ListedKey> = vec![];
    for _ in 0..MAX_PAGES {
        let url = format!("{base}/{KEYS}?include_disabled=true&offset={}", keys.len());
        let page: KeyList = gate.get(&url, KEYS).await?;
        if page.data.is_empty() {
            return Ok(keys);
        }
        let before = keys.len();
        for k in page.data {
            if keys.iter().any(|seen| seen.hash == k.hash) {
                continue;
            }
            keys.push(k);
        }
        if keys.len() == before {
            return Err(gate.malformed(KEYS, "a page past the offset repeats the keys before it"));
        }
    }
    Err(gate.malformed(KEYS, "more than 1000 pages"))
}

fn gate<'a>(http: &'a reqwest::Client, key: &'a Cleared) -> Gate<'a> {
    Gate {
        http,
        key,
        style: AuthStyle::Bearer,
        provider: BooksProvider::OpenRouter,
        extra: &[],
    }
}

fn base(base_url: &str) -> &str {
    base_url.trim().trim_end_matches('/')
}
