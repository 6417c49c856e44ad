//! OpenRouter's books: a key's own spend on `GET /v1/key` ([`spend`]: total, this UTC day, week
//! Monday to Sunday, month), and for the management key (the admin key, `Authorization: Bearer`)
//! `GET /v1/activity` (per completed UTC day of the last 30 and model; `api_key_hash` narrows
//! it to one key) and `GET /v1/keys` (every key with its hash and spend, paged by `offset`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{bad_param, gate, page_size, redact, sha256_hex, Line, Provider, Refusal};
use crate::query::{parse_day, ymd, Query, DAY};
use crate::state::{unix_now, Shared};

/// Days of activity OpenRouter keeps: the last 30 completed UTC days.
const ACTIVITY_DAYS: i64 = 30;

/// Today's UTC day number.
fn today() -> i64 {
    i64::try_from(unix_now()).unwrap_or(i64::MAX) / DAY
}

/// What `key` spent in USD: (in all, today, this week from Monday, this month), UTC.
pub(crate) fn spend(state: &Shared, key: &str) -> (f64, f64, f64, f64) {
    let today = today();
    let week = today - (today + 3).rem_euclid(7);
    let month = parse_day(&format!("{}-01", &ymd(today)[..7])).unwrap_or(today);
    let mut sums = (0.0, 0.0, 0.0, 0.0);
    for ((k, _, day), line) in state.books.cells() {
        if k != key {
            continue;
        }
        sums.0 += line.cost_usd;
        if day == today {
            sums.1 += line.cost_usd;
        }
        if (week..=today).contains(&day) {
            sums.2 += line.cost_usd;
        }
        if (month..=today).contains(&day) {
            sums.3 += line.cost_usd;
        }
    }
    sums
}

/// OpenRouter's label of a key: `sk-or-v1-0e6…1c96`.
pub(crate) fn label(key: &str) -> String {
    redact(key, 12, "…", 4)
}

/// A handler's answer: JSON, or the provider's refusal.
fn answer(result: Result<Value, Refusal>) -> Response {
    result.map_or_else(|r| *r, |v| Json(v).into_response())
}

/// `GET /v1/activity`.
pub(crate) async fn activity(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    answer((|| {
        gate(&state, &headers, Provider::OpenRouter, "fetch activity")?;
        let q = Query::parse(uri.query());
        let today = today();
        let (first, last) = (today - ACTIVITY_DAYS, today - 1);
        let date = match q.first("date") {
            None => None,
            Some(raw) => match parse_day(raw) {
                Some(day) if (first..=last).contains(&day) => Some(day),
                _ => {
                    let message = format!(
                        "Invalid date {raw}: expected YYYY-MM-DD within the last {ACTIVITY_DAYS} \
                         completed UTC days"
                    );
                    return Err(bad_param(Provider::OpenRouter, "date", &message));
                }
            },
        };
        let hash = q.first("api_key_hash");
        let mut rows: std::collections::BTreeMap<(i64, String), Line> = Default::default();
        for ((key, model, day), line) in state.books.cells() {
            let in_span = date.map_or((first..=last).contains(&day), |d| d == day);
            if in_span && hash.is_none_or(|h| h.eq_ignore_ascii_case(&sha256_hex(&key))) {
                rows.entry((day, model)).or_default().add(&line);
            }
        }
        let data: Vec<Value> = rows
            .into_iter()
            .map(|((day, model), line)| {
                json!({
                    "date": ymd(day),
                    "model": model,
                    "model_permaslug": model,
                    "endpoint_id": endpoint_id(&model),
                    "provider_name": "Switchyard Mock",
                    "usage": line.cost_usd,
                    "byok_usage_inference": 0.0,
                    "requests": line.requests,
                    "prompt_tokens": line.tokens.all_input(),
                    "completion_tokens": line.tokens.output,
                    "reasoning_tokens": 0,
                })
            })
            .collect();
        Ok(json!({ "data": data }))
    })())
}

/// A stable UUID-shaped endpoint id for `model`.
fn endpoint_id(model: &str) -> String {
    let h = sha256_hex(model);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// `GET /v1/keys`: the organization's keys (sorted by hash), `offset` skipping some; at most
/// the books page size per answer (all of them without one).
pub(crate) async fn keys(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    answer((|| {
        gate(
            &state,
            &headers,
            Provider::OpenRouter,
            "perform this operation",
        )?;
        let q = Query::parse(uri.query());
        let offset = match q.first("offset") {
            None => 0,
            Some(raw) => raw.parse::<usize>().map_err(|_| {
                bad_param(
                    Provider::OpenRouter,
                    "offset",
                    &format!("Invalid offset: {raw}"),
                )
            })?,
        };
        let mut keys: Vec<(String, String)> = super::keys(&state)
            .into_iter()
            .map(|k| (sha256_hex(&k), k))
            .collect();
        keys.sort();
        let data: Vec<Value> = keys
            .iter()
            .skip(offset)
            .take(page_size(&state.config, usize::MAX))
            .map(|(hash, key)| {
                let (usage, daily, weekly, monthly) = spend(&state, key);
                json!({
                    "hash": hash,
                    "name": format!("Key {}", &hash[..6]),
                    "label": label(key),
                    "disabled": false,
                    "limit": null,
                    "limit_remaining": null,
                    "limit_reset": null,
                    "include_byok_in_limit": false,
                    "usage": usage,
                    "usage_daily": daily,
                    "usage_weekly": weekly,
                    "usage_monthly": monthly,
                    "byok_usage": 0.0,
                    "byok_usage_daily": 0.0,
                    "byok_usage_weekly": 0.0,
                    "byok_usage_monthly": 0.0,
                    "created_at": "2025-01-01T00:00:00Z",
                    "updated_at": null,
                    "expires_at": null,
                })
            })
            .collect();
        Ok(json!({ "data": data }))
    })())
}
