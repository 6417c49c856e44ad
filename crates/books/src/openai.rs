//! OpenAI's books, read with an admin key (`sk-admin-…`) from its documented organization
//! endpoints (base `https://api.openai.com/v1`):
//!
//! * `GET /organization/usage/completions?start_time&end_time&bucket_width=1d&group_by=api_key_id
//!   &group_by=model&limit=31[&page]`: one bucket per UTC day (`start_time`, unix seconds), its
//!   `results` one per key and model; `input_tokens` counts cached tokens too, so the uncached
//!   input is `input_tokens − input_cached_tokens`. Paged by `next_page` while `has_more`.
//! * `GET /organization/costs?start_time&end_time&bucket_width=1d&group_by=line_item&limit=180
//!   [&page]`: `amount {value, currency}` per line item and day. A line item names its model
//!   before a comma (`gpt-4o-2024-08-06, input`) or is a bare model id; one in words (a tool's
//!   calls) has none. The items of one day and model are summed into one [`BookCost`].
//! * `GET /organization/projects?limit=100[&after]`, then each project's
//!   `GET /organization/projects/{id}/api_keys?limit=100[&after]` (`redacted_value`): the keys,
//!   paged by `after=last_id` while `has_more`.

use std::collections::BTreeMap;

use serde::Deserialize;
use switchyard_domain::books::{BookCost, BookLine, BookTokens, Books, BooksProvider, ProviderKey};
use switchyard_domain::AuthStyle;
use switchyard_gateway::Cleared;

use crate::http::{enc, Gate, Pages};
use crate::span::day_of_unix;
use crate::{BooksError, Span};

const USAGE: &str = "organization/usage/completions";
const COSTS: &str = "organization/costs";
const PROJECTS: &str = "organization/projects";
const KEYS: &str = "organization/projects/{id}/api_keys";

/// The organization's usage lines, costs and keys for `span`, from `base_url`
/// (`https://api.openai.com/v1`), with the admin key `admin`.
pub async fn read(
    http: &reqwest::Client,
    base_url: &str,
    admin: &Cleared,
    span: Span,
) -> Result<Books, BooksError> {
    let gate = Gate {
        http,
        key: admin,
        style: AuthStyle::Bearer,
        provider: BooksProvider::OpenAi,
        extra: &[],
    };
    let base = base_url.trim().trim_end_matches('/');
    Ok(Books {
        lines: usage(&gate, base, span).await?,
        costs: costs(&gate, base, span).await?,
        keys: keys(&gate, base).await?,
    })
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
    start_time: i64,
    /// `results` as documented; some renderings of the schema say `result`.
    #[serde(alias = "result")]
    results: Vec<T>,
}

#[derive(Deserialize)]
struct UsageResult {
    input_tokens: u64,
    #[serde(default)]
    input_cached_tokens: Option<u64>,
    output_tokens: u64,
    num_model_requests: u64,
    #[serde(default)]
    api_key_id: Option<String>,
    #[serde(default)]
    model: Option<String>,
}

#[derive(Deserialize)]
struct CostResult {
    #[serde(default)]
    amount: Option<Amount>,
    #[serde(default)]
    line_item: Option<String>,
    #[serde(default)]
    api_key_id: Option<String>,
}

#[derive(Deserialize)]
struct Amount {
    value: f64,
    #[serde(default)]
    currency: Option<String>,
}

#[derive(Deserialize)]
struct List<T> {
    data: Vec<T>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    last_id: Option<String>,
}

#[derive(Deserialize)]
struct Project {
    id: String,
}

#[derive(Deserialize)]
struct ApiKey {
    id: String,
    #[serde(default)]
    name: Option<String>,
    redacted_value: String,
}

fn window(span: Span) -> String {
    format!(
        "start_time={}&end_time={}&bucket_width=1d",
        span.start_unix(),
        span.end_unix()
    )
}

fn with_page(url: String, page: &Option<String>) -> String {
    match page {
        Some(p) => format!("{url}&page={}", enc(p)),
        None => url,
    }
}

fn day(gate: &Gate<'_>, what: &str, start: i64) -> Result<String, BooksError> {
    day_of_unix(start).ok_or_else(|| gate.malformed(what, "a bucket's start_time is not a time"))
}

async fn usage(gate: &Gate<'_>, base: &str, span: Span) -> Result<Vec<BookLine>, BooksError> {
    let first = format!(
        "{base}/{USAGE}?{}&group_by=api_key_id&group_by=model&limit=31",
        window(span)
    );
    let mut pages = Pages::new(USAGE);
    let mut page = None;
    let mut lines = vec![];
    loop {
        let answer: Page<UsageResult> = gate.get(&with_page(first.clone(), &page), USAGE).await?;
        for bucket in answer.data {
            let day = day(gate, USAGE, bucket.start_time)?;
            for r in bucket.results {
                let cached = r.input_cached_tokens.unwrap_or(0);
                lines.push(BookLine {
                    day: day.clone(),
                    key_id: r.api_key_id,
                    model: r.model,
                    requests: Some(r.num_model_requests),
                    tokens: BookTokens {
                        input: r.input_tokens.saturating_sub(cached),
                        cached_input: cached,
                        cache_write: 0,
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

async fn costs(gate: &Gate<'_>, base: &str, span: Span) -> Result<Vec<BookCost>, BooksError> {
    let first = format!(
        "{base}/{COSTS}?{}&group_by=line_item&limit=180",
        window(span)
    );
    let mut pages = Pages::new(COSTS);
    let mut page = None;
    // (day, model, key) → USD, in a stable order.
    let mut sums: BTreeMap<(String, Option<String>, Option<String>), f64> = BTreeMap::new();
    loop {
        let answer: Page<CostResult> = gate.get(&with_page(first.clone(), &page), COSTS).await?;
        for bucket in answer.data {
            let day = day(gate, COSTS, bucket.start_time)?;
            for r in bucket.results {
                let Some(amount) = r.amount else { continue };
                if let Some(c) = amount.currency.as_deref() {
                    if !c.eq_ignore_ascii_case("usd") {
                        return Err(gate.malformed(COSTS, &format!("a cost in {c}, not USD")));
                    }
                }
                if !amount.value.is_finite() {
                    return Err(gate.malformed(COSTS, "a cost amount is not a number"));
                }
                let model = r.line_item.as_deref().and_then(model_of_line_item);
                *sums
                    .entry((day.clone(), model, r.api_key_id))
                    .or_insert(0.0) += amount.value;
            }
        }
        match pages.next(gate, answer.has_more, answer.next_page)? {
            Some(next) => page = Some(next),
            None => break,
        }
    }
    Ok(sums
        .into_iter()
        .map(|((day, model, key_id), cost_usd)| BookCost {
            day,
            model,
            key_id,
            cost_usd,
        })
        .collect())
}

/// The model a cost line item names: the part before its first comma
/// (`gpt-4o-mini-2024-07-18, cached input` → `gpt-4o-mini-2024-07-18`), or the whole item when
/// it is one model id (`gpt-4o-mini`); none when that part is words rather than a model id
/// (`Web search tool calls`).
pub(crate) fn model_of_line_item(item: &str) -> Option<String> {
    let head = item.split(',').next().unwrap_or(item).trim();
    (!head.is_empty() && !head.contains(char::is_whitespace)).then(|| head.to_string())
}

async fn list<T: for<'de> Deserialize<'de>>(
    gate: &Gate<'_>,
    first: &str,
    what: &'static str,
    id: impl Fn(&T) -> &str,
) -> Result<Vec<T>, BooksError> {
    let mut pages = Pages::new(what);
    let mut after: Option<String> = None;
    let mut all = vec![];
    loop {
        let url = match &after {
            Some(a) => format!("{first}&after={}", enc(a)),
            None => first.to_string(),
        };
        let answer: List<T> = gate.get(&url, what).await?;
        let cursor = answer
            .last_id
            .clone()
            .or_else(|| answer.data.last().map(|t| id(t).to_string()));
        all.extend(answer.data);
        match pages.next(gate, answer.has_more, cursor)? {
            Some(next) => after = Some(next),
            None => return Ok(all),
        }
    }
}

async fn keys(gate: &Gate<'_>, base: &str) -> Result<Vec<ProviderKey>, BooksError> {
    let projects: Vec<Project> = list(
        gate,
        &format!("{base}/{PROJECTS}?limit=100"),
        PROJECTS,
        |p: &Project| &p.id,
    )
    .await?;
    let mut keys = vec![];
    for project in projects {
        let first = format!(
            "{base}/organization/projects/{}/api_keys?limit=100",
            enc(&project.id)
        );
        let found: Vec<ApiKey> = list(gate, &first, KEYS, |k: &ApiKey| &k.id).await?;
        keys.extend(found.into_iter().map(|k| ProviderKey {
            id: k.id,
            name: k.name.filter(|n| !n.trim().is_empty()),
            redacted: k.redacted_value,
        }));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_item_names_its_model_before_the_comma() {
        assert_eq!(
            model_of_line_item("gpt-4o-2024-08-06, input").as_deref(),
            Some("gpt-4o-2024-08-06")
        );
        assert_eq!(
            model_of_line_item("gpt-4o-mini-2024-07-18, cached input").as_deref(),
            Some("gpt-4o-mini-2024-07-18")
        );
        assert_eq!(
            model_of_line_item("gpt-4o-mini").as_deref(),
            Some("gpt-4o-mini")
        );
        assert_eq!(model_of_line_item("Web search tool calls"), None);
        assert_eq!(model_of_line_item("File search storage, per GB"), None);
    }
}
