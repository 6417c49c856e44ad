//! Books mode (issue 75): the mock keeps its own books of what it served — per API key the caller
//! presented, model as answered and UTC day: requests, exactly the usage it returned and the cost
//! at its own prices (`ledger`) — plus [`crate::MockConfig::books_extra`], and serves them on
//! each provider's documented organization endpoints (`openai`, `anthropic`, `openrouter`) to the
//! admin key only ([`gate`]). docs/research/provider-books.md records the documented shapes.
//!
//! One mock stands for one provider's organization: every books endpoint shows the whole books,
//! whichever generation endpoint served them. Refused requests, faults and plan callers are not
//! booked; a stream the fault script cuts is not booked either.

pub(crate) mod anthropic;
mod gate;
pub(crate) mod openai;
pub(crate) mod openrouter;

use std::collections::{BTreeMap, BTreeSet};

use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

use crate::config::MockConfig;
use crate::state::Shared;

#[cfg(test)]
use crate::ledger::{cost_usd, FLAT_USD};
pub(crate) use crate::ledger::{Cell, Line, Tokens};

pub(crate) use gate::{bad_param, gate, not_found, Provider, Refusal};

/// Books a served generation under the key the caller presented (nothing without one).
pub(crate) fn record(state: &Shared, key: Option<&str>, model: &str, tokens: Tokens) {
    if let Some(key) = key.filter(|k| !k.is_empty()) {
        state.books.record(&state.config, key, model, tokens);
    }
}

/// The keys the organization has: the accepted ones and every key on the books, sorted.
pub(crate) fn keys(state: &Shared) -> Vec<String> {
    let mut keys: BTreeSet<String> = state
        .books
        .cells()
        .into_iter()
        .map(|((key, _, _), _)| key)
        .collect();
    keys.extend(state.config.accepted_keys.iter().flatten().cloned());
    if let Some(admin) = &state.config.admin_key {
        keys.remove(admin);
    }
    keys.into_iter().collect()
}

/// The SHA-256 of `key`, lowercase hex (OpenRouter's key hash).
pub(crate) fn sha256_hex(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// OpenAI's id of `key`: `key_` and the first 16 hex digits of its SHA-256.
pub(crate) fn openai_id(key: &str) -> String {
    format!("key_{}", &sha256_hex(key)[..16])
}

/// Anthropic's id of `key`: `apikey_` and the first 16 hex digits of its SHA-256.
pub(crate) fn anthropic_id(key: &str) -> String {
    format!("apikey_{}", &sha256_hex(key)[..16])
}

/// `key`'s first `head` characters, `gap`, its last `tail` characters (fewer for a short key: at
/// most a quarter of it in the tail, and at least eight characters hidden).
pub(crate) fn redact(key: &str, head: usize, gap: &str, tail: usize) -> String {
    let chars: Vec<char> = key.chars().collect();
    let n = chars.len();
    let tail = tail.min(n / 4);
    let head = head.min(n.saturating_sub(tail + 8));
    let front: String = chars[..head].iter().collect();
    let back: String = chars[n - tail..].iter().collect();
    format!("{front}{gap}{back}")
}

/// The books endpoints of all three providers (books mode only).
pub(crate) fn routes() -> Router<std::sync::Arc<Shared>> {
    Router::new()
        .route("/v1/organization/usage/completions", get(openai::usage))
        .route("/v1/organization/costs", get(openai::costs))
        .route("/v1/organization/projects", get(openai::projects))
        .route(
            "/v1/organization/projects/{project_id}/api_keys",
            get(openai::api_keys),
        )
        .route(
            "/v1/organizations/usage_report/messages",
            get(anthropic::usage),
        )
        .route("/v1/organizations/cost_report", get(anthropic::cost))
        .route("/v1/organizations/api_keys", get(anthropic::api_keys))
        .route("/v1/activity", get(openrouter::activity))
        .route("/v1/keys", get(openrouter::keys))
}

/// One page of day buckets: the days `[from, to)` starting at the cursor `page` (else `from`),
/// at most `limit` of them. Returns the page's days and the day the next page starts on.
pub(crate) fn page_days(
    from: i64,
    to: i64,
    page: Option<i64>,
    limit: usize,
) -> (Vec<i64>, Option<i64>) {
    let start = page.unwrap_or(from).max(from);
    let limit = i64::try_from(limit.max(1)).unwrap_or(i64::MAX);
    let end = start.saturating_add(limit).min(to);
    let days: Vec<i64> = (start..end).collect();
    let next = (end < to).then_some(end);
    (days, next)
}

/// The page size: the request's `limit`, at most [`MockConfig::books_page_size`].
pub(crate) fn page_size(config: &MockConfig, limit: usize) -> usize {
    config
        .books_page_size
        .map_or(limit, |n| limit.min(n.max(1)))
}

/// The cells of `day`, summed by (key id, model) where `by_key` / `by_model` ask for them
/// (`None` where not grouped); `keep` filters the cells first.
pub(crate) fn grouped(
    cells: &[(Cell, Line)],
    day: i64,
    by_key: Option<fn(&str) -> String>,
    by_model: bool,
    keep: &dyn Fn(&Cell) -> bool,
) -> BTreeMap<(Option<String>, Option<String>), Line> {
    let mut groups: BTreeMap<(Option<String>, Option<String>), Line> = BTreeMap::new();
    for (cell, line) in cells.iter().filter(|(c, _)| c.2 == day && keep(c)) {
        let key = by_key.map(|id| id(&cell.0));
        let model = by_model.then(|| cell.1.clone());
        groups.entry((key, model)).or_default().add(line);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_redactions_are_stable() {
        let key = "sk-proj-abcdefghijklmnopqrstuvwxyzWXYZ";
        assert_eq!(openai_id(key), openai_id(key));
        assert!(openai_id(key).starts_with("key_") && openai_id(key).len() == 20);
        assert!(anthropic_id(key).starts_with("apikey_"));
        assert_eq!(redact(key, 6, "...", 4), "sk-pro...WXYZ");
        assert_eq!(redact("short", 6, "...", 4), "...t");
        assert_eq!(sha256_hex("").len(), 64);
    }

    #[test]
    fn prices_and_pages() {
        let mut config = MockConfig::instant();
        config.listed_prices = vec![("m".into(), 2.0, 10.0)];
        let t = Tokens::plain(1_000_000, 100_000);
        assert!((cost_usd(&config, "m", &t) - 3.0).abs() < 1e-9);
        assert!((cost_usd(&config, "other", &t) - FLAT_USD).abs() < 1e-12);
        assert_eq!(page_days(10, 13, None, 2), (vec![10, 11], Some(12)));
        assert_eq!(page_days(10, 13, Some(12), 2), (vec![12], None));
        config.books_page_size = Some(1);
        assert_eq!(page_size(&config, 7), 1);
    }
}
