//! Anthropic's books, read with an Admin API key (`sk-ant-admin…`) from its documented
//! organization endpoints (base `https://api.anthropic.com`, a trailing `/v1` tolerated), each
//! request with `x-api-key` (through the gate) and `anthropic-version: 2023-06-01`:
//!
//! * `GET /v1/organizations/usage_report/messages?starting_at&ending_at&bucket_width=1d
//!   &group_by[]=api_key_id&group_by[]=model&limit=31[&page]`: one bucket per UTC day
//!   (`starting_at`, RFC 3339), its `results` one per key and model: `uncached_input_tokens`,
//!   `cache_read_input_tokens`, `cache_creation.{ephemeral_5m,ephemeral_1h}_input_tokens`,
//!   `output_tokens`. No request count. Paged by `next_page` while `has_more`.
//! * `GET /v1/organizations/cost_report?starting_at&ending_at&bucket_width=1d
//!   &group_by[]=description&limit=31[&page]`: `amount` is a decimal string in the currency's
//!   lowest unit (cents: `"123.45"` USD is $1.23), so it is divided by 100; `model` is given when
//!   grouped by description (none for web search or code execution). One day's amounts are
//!   summed per model. The report has no key dimension.
//! * `GET /v1/organizations/api_keys?limit=1000[&after_id]`: `partial_key_hint`, paged by
//!   `after_id=last_id` while `has_more`.

use std::collections::BTreeMap;

use serde::Deserialize;
use switchyard_domain::books::{BookCost, BookLine, BookTokens, Books, BooksProvider, ProviderKey};
use switchyard_domain::AuthStyle;
use switchyard_gateway::Cleared;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::http::{enc, Gate, Pages};
use crate::span::day;
use crate::{BooksError, Span};

const USAGE: &str = "organizations/usage_report/messages";
const COSTS: &str = "organizations/cost_report";
const KEYS: &str = "organizations/api_keys";

/// The version header every Admin API request carries.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// The organization's usage lines, costs and keys for `span`, from `base_url`
/// (`https://api.anthropic.com`), with the Admin API key `admin`.
pub async fn read(
    http: &reqwest::Client,
    base_url: &str,
    admin: &Cleared,
    span: Span,
) -> Result<Books, BooksError> {
    let gate = Gate {
        http,
        key: admin,
        style: AuthStyle::XApiKey,
        provider: BooksProvider::Anthropic,
        extra: &[("anthropic-version", ANTHROPIC_VERSION)],
    };
    let root = root(base_url);
    Ok(Books {
        lines: usage(&gate, &root, span).await?,
        costs: costs(&gate, &root, span).await?,
        keys: keys(&gate, &root).await?,
    })
}

/// `base_url` without its trailing `/` or `/v1`.
fn root(base_url: &str) -> String {
    let base = base_url.trim().trim_end_matches('/');
    base.strip_suffix("/v1")
        .unwrap_or(base)
        .trim_end_matches('/')
        .to_string()
}

#[derive(Deserialize)]
struct Page<T> {
    data: Vec<Bucket<T>>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    next_page: Option<String>,
}

#[derive(Deserialize)]
struct Bucket<T> {
    starting_at: String,
    results: Vec<T>,
}

#[derive(Deserialize)]
struct UsageResult {
    uncached_input_tokens: u64,
    cache_read_input_tokens: u64,
    #[serde(default)]
    cache_creation: Option<CacheCreation>,
    output_tokens: u64,
    #[serde(default)]
    api_key_id: Option<String>,
    #[serde(default)]
    model: Option<String>,
}

#[derive(Deserialize, Default)]
struct CacheCreation {
    #[serde(default)]
    ephemeral_5m_input_tokens: u64,
    #[serde(default)]
    ephemeral_1h_input_tokens: u64,
}

#[derive(Deserialize)]
struct CostResult {
    amount: String,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    model: Option<String>,
}

#[derive(Deserialize)]
struct KeyList {
    data: Vec<ApiKey>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    last_id: Option<String>,
}

#[derive(Deserialize)]
struct ApiKey {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    partial_key_hint: Option<String>,
}

/// `starting_at` and `ending_at` for the whole days of `span` (RFC 3339, UTC): from the first
/// day's midnight to the midnight after the last day.
fn window(span: Span) -> String {
    let at = |unix: i64| {
        OffsetDateTime::from_unix_timestamp(unix)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_default()
    };
    format!(
        "starting_at={}&ending_at={}&bucket_width=1d",
        enc(&at(span.start_unix())),
        enc(&at(span.end_unix()))
    )
}

fn with_page(url: &str, page: &Option<String>) -> String {
    match page {
        Some(p) => format!("{url}&page={}", enc(p)),
        None => url.to_string(),
    }
}

/// The UTC day a bucket starts on.
fn bucket_day(gate: &Gate<'_>, what: &str, starting_at: &str) -> Result<String, BooksError> {
    let at = OffsetDateTime::parse(starting_at, &Rfc3339)
        .map_err(|_| gate.malformed(what, "a bucket's starting_at is not an RFC 3339 time"))?;
    Ok(day(at.to_offset(time::UtcOffset::UTC).date()))
}

async fn usage(gate: &Gate<'_>, root: &str, span: Span) -> Result<Vec<BookLine>, BooksError> {
    let first = format!(
        "{root}/v1/{USAGE}?{}&group_by[]=api_key_id&group_by[]=model&limit=31",
        window(span)
    );
    let mut pages = Pages::new(USAGE);
    let mut page = None;
    let mut lines = vec![];
    loop {
        let answer: Page<UsageResult> = gate.get(&with_page(&first, &page), USAGE).await?;
        for bucket in answer.data {
            let day = bucket_day(gate, USAGE, &bucket.starting_at)?;
            for r in bucket.results {
                let written = r.cache_creation.unwrap_or_default();
                lines.push(BookLine {
                    day: day.clone(),
                    key_id: r.api_key_id,
                    model: r.model,
                    requests: None,
                    tokens: BookTokens {
                        input: r.uncached_input_tokens,
                        cached_input: r.cache_read_input_tokens,
                        cache_write: written.ephemeral_5m_input_tokens
                            + written.ephemeral_1h_input_tokens,
                        output: r.output_tokens,
                    },
                    cost_usd: None,
                });
            }
        }
        match pages.next(gate, answer.has_more, answer.next_page)? {
            Some(next) => page = Some(next),
            None => return Ok(lines),
        }
    }
}

async fn costs(gate: &Gate<'_>, root: &str, span: Span) -> Result<Vec<BookCost>, BooksError> {
    let first = format!(
        "{root}/v1/{COSTS}?{}&group_by[]=description&limit=31",
        window(span)
    );
    let mut pages = Pages::new(COSTS);
    let mut page = None;
    let mut sums: BTreeMap<(String, Option<String>), f64> = BTreeMap::new();
    loop {
        let answer: Page<CostResult> = gate.get(&with_page(&first, &page), COSTS).await?;
        for bucket in answer.data {
            let day = bucket_day(gate, COSTS, &bucket.starting_at)?;
            for r in bucket.results {
                if let Some(c) = r.currency.as_deref() {
                    if !c.eq_ignore_ascii_case("usd") {
                        return Err(gate.malformed(COSTS, &format!("a cost in {c}, not USD")));
                    }
                }
                let cents: f64 = r
                    .amount
                    .trim()
                    .parse()
                    .ok()
                    .filter(|v: &f64| v.is_finite())
                    .ok_or_else(|| gate.malformed(COSTS, "an amount is not a decimal number"))?;
                *sums.entry((day.clone(), r.model)).or_insert(0.0) += cents / 100.0;
            }
        }
        match pages.next(gate, answer.has_more, answer.next_page)? {
            Some(next) => page = Some(next),
            None => break,
        }
    }
    Ok(sums
        .into_iter()
        .map(|((day, model), cost_usd)| BookCost {
            day,
            model,
            key_id: None,
            cost_usd,
        })
        .collect())
}

async fn keys(gate: &Gate<'_>, root: &str) -> Result<Vec<ProviderKey>, BooksError> {
    let first = format!("{root}/v1/{KEYS}?limit=1000");
    let mut pages = Pages::new(KEYS);
    let mut after: Option<String> = None;
    let mut keys = vec![];
    loop {
        let url = match &after {
            Some(a) => format!("{first}&after_id={}", enc(a)),
            None => first.clone(),
        };
        let answer: KeyList = gate.get(&url, KEYS).await?;
        let cursor = answer
            .last_id
            .clone()
            .or_else(|| answer.data.last().map(|k| k.id.clone()));
        keys.extend(answer.data.into_iter().map(|k| ProviderKey {
            id: k.id,
            name: k.name.filter(|n| !n.trim().is_empty()),
            redacted: k.partial_key_hint.unwrap_or_default(),
        }));
        match pages.next(gate, answer.has_more, cursor)? {
            Some(next) => after = Some(next),
            None => return Ok(keys),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_drops_a_trailing_v1() {
        for base in [
            "https://api.anthropic.com",
            "https://api.anthropic.com/",
            "https://api.anthropic.com/v1",
            "https://api.anthropic.com/v1/",
        ] {
            assert_eq!(root(base), "https://api.anthropic.com", "{base}");
        }
    }

    #[test]
    fn the_window_is_whole_utc_days() {
        let span = Span {
            first: time::macros::date!(2025 - 08 - 01),
            last: time::macros::date!(2025 - 08 - 02),
        };
        assert_eq!(
            window(span),
            "starting_at=2025-08-01T00%3A00%3A00Z&ending_at=2025-08-03T00%3A00%3A00Z&bucket_width=1d"
        );
    }
}
