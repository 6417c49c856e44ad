//! Anthropic's Admin API over the books (Admin API key as `x-api-key`, with
//! `anthropic-version`): `GET /v1/organizations/usage_report/messages`,
//! `GET /v1/organizations/cost_report` (amounts in cents, as decimal strings) and
//! `GET /v1/organizations/api_keys`. Every key is in the default workspace (`workspace_id`
//! null).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{anthropic_id, bad_param, gate, grouped, page_days, page_size, Provider, Refusal};
use crate::query::{day_start_rfc3339, page_token, parse_page, parse_rfc3339, Query, DAY};
use crate::state::{unix_now, Shared};

/// The dimensions `group_by[]` may name on the usage report.
const USAGE_GROUPS: [&str; 9] = [
    "account_id",
    "api_key_id",
    "context_window",
    "inference_geo",
    "model",
    "service_account_id",
    "service_tier",
    "speed",
    "workspace_id",
];

/// A handler's answer: JSON, or the provider's refusal.
fn answer(result: Result<Value, Refusal>) -> Response {
    result.map_or_else(|r| *r, |v| Json(v).into_response())
}

fn bad(param: &str, message: &str) -> Refusal {
    bad_param(Provider::Anthropic, param, message)
}

/// The bucketed span a report asks for: days `[from, to)`, the page's first day, the limit.
struct Window {
    from: i64,
    to: i64,
    page: Option<i64>,
    limit: usize,
}

/// Reads `starting_at` (required, snapped to its UTC day), `ending_at` (buckets that end by then;
/// default: through today), `bucket_width` (only `1d` is served), `limit` (default 7, at most 31)
/// and `page`.
fn window(q: &Query, widths: &[&str]) -> Result<Window, Refusal> {
    let time = |name: &str| -> Result<Option<i64>, Refusal> {
        q.first(name)
            .map(|raw| {
                parse_rfc3339(raw).ok_or_else(|| {
                    bad(
                        name,
                        &format!("{name}: Input should be a valid datetime, got {raw}"),
                    )
                })
            })
            .transpose()
    };
    let start =
        time("starting_at")?.ok_or_else(|| bad("starting_at", "starting_at: Field required"))?;
    let today = i64::try_from(unix_now()).unwrap_or(i64::MAX) / DAY;
    let to = time("ending_at")?.map_or(today + 1, |end| end.div_euclid(DAY));
    let width = q.first("bucket_width").unwrap_or("1d");
    if !widths.contains(&width) {
        let message = format!("bucket_width: Input should be {}", widths.join(", "));
        return Err(bad("bucket_width", &message));
    }
    if width != "1d" {
        let message = format!("bucket_width={width}: this mock serves daily buckets only (1d)");
        return Err(bad("bucket_width", &message));
    }
    let limit = match q.first("limit") {
        None => 7,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=31).contains(n))
            .ok_or_else(|| {
                bad(
                    "limit",
                    &format!("limit: must be between 1 and 31, got {raw}"),
                )
            })?,
    };
    let page = match q.first("page") {
        None => None,
        Some(raw) => Some(parse_page(raw).ok_or_else(|| bad("page", "page: invalid page token"))?),
    };
    Ok(Window {
        from: start.div_euclid(DAY),
        to,
        page,
        limit,
    })
}

/// The values of `group_by[]`, each one of `allowed`.
fn group_by(q: &Query, allowed: &[&str]) -> Result<Vec<String>, Refusal> {
    let groups = q.all("group_by");
    match groups.iter().find(|g| !allowed.contains(&g.as_str())) {
        Some(g) => Err(bad(
            "group_by",
            &format!("group_by: Input should be {}, got {g}", allowed.join(", ")),
        )),
        None => Ok(groups),
    }
}

/// A page of day buckets, each with the results `results` gives for its day.
fn buckets(state: &Shared, w: &Window, mut results: impl FnMut(i64) -> Vec<Value>) -> Value {
    let (days, next) = page_days(w.from, w.to, w.page, page_size(&state.config, w.limit));
    let data: Vec<Value> = days
        .into_iter()
        .map(|day| {
            json!({
                "starting_at": day_start_rfc3339(day),
                "ending_at": day_start_rfc3339(day + 1),
                "results": results(day),
            })
        })
        .collect();
    json!({ "data": data, "has_more": next.is_some(), "next_page": next.map(page_token) })
}

/// `GET /v1/organizations/usage_report/messages`.
pub(crate) async fn usage(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    answer(usage_report(&state, &headers, &uri))
}

fn usage_report(state: &Shared, headers: &HeaderMap, uri: &Uri) -> Result<Value, Refusal> {
    gate(state, headers, Provider::Anthropic, "")?;
    let q = Query::parse(uri.query());
    let w = window(&q, &["1d", "1h", "1m"])?;
    let groups = group_by(&q, &USAGE_GROUPS)?;
    let by = |field: &str| groups.iter().any(|g| g == field);
    let (key_ids, models) = (q.all("api_key_ids"), q.all("models"));
    let keep = |c: &super::Cell| {
        (key_ids.is_empty() || key_ids.contains(&anthropic_id(&c.0)))
            && (models.is_empty() || models.contains(&c.1))
    };
    let cells = state.books.cells();
    let key_id: Option<fn(&str) -> String> = by("api_key_id").then_some(anthropic_id);
    let given = |field: &str, value: &str| if by(field) { json!(value) } else { Value::Null };
    Ok(buckets(state, &w, |day| {
        grouped(&cells, day, key_id, by("model"), &keep)
            .into_iter()
            .map(|((key, model), line)| {
                let t = line.tokens;
                json!({
                    "uncached_input_tokens": t.input,
                    "cache_creation": {
                        "ephemeral_1h_input_tokens": t.write_1h,
                        "ephemeral_5m_input_tokens": t.write_5m,
                    },
                    "cache_read_input_tokens": t.cached,
                    "output_tokens": t.output,
                    "server_tool_use": { "web_search_requests": 0 },
                    "api_key_id": key,
                    "workspace_id": null,
                    "model": model,
                    "service_tier": given("service_tier", "standard"),
                    "context_window": given("context_window", "0-200k"),
                })
            })
            .collect()
    }))
}

/// Cents as Anthropic writes them: a decimal string ("12.5" is $0.125).
fn cents(usd: f64) -> String {
    let text = format!("{:.6}", usd * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() {
        "0".into()
    } else {
        text.into()
    }
}

/// `GET /v1/organizations/cost_report`: with `group_by[]=description`, one item per model.
pub(crate) async fn cost(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    answer(cost_report(&state, &headers, &uri))
}

fn cost_report(state: &Shared, headers: &HeaderMap, uri: &Uri) -> Result<Value, Refusal> {
    gate(state, headers, Provider::Anthropic, "")?;
    let q = Query::parse(uri.query());
    let w = window(&q, &["1d"])?;
    let groups = group_by(&q, &["workspace_id", "description"])?;
    let described = groups.iter().any(|g| g == "description");
    let cells = state.books.cells();
    Ok(buckets(state, &w, |day| {
        grouped(&cells, day, None, described, &|_| true)
            .into_iter()
            .map(|((_, model), line)| {
                let when = |v: &str| if described { json!(v) } else { Value::Null };
                json!({
                    "amount": cents(line.cost_usd),
                    "currency": "USD",
                    "cost_type": when("tokens"),
                    "context_window": when("0-200k"),
                    "description": model.as_ref().map(|m| format!("{m} Usage")),
                    "model": model,
                    "service_tier": when("standard"),
                    "token_type": null,
                    "workspace_id": null,
                })
            })
            .collect()
    }))
}

/// `GET /v1/organizations/api_keys`: every key of the organization, active, by id.
pub(crate) async fn api_keys(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    answer((|| {
        gate(&state, &headers, Provider::Anthropic, "")?;
        let q = Query::parse(uri.query());
        let limit = match q.first("limit") {
            None => 20,
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| {
                    bad(
                        "limit",
                        &format!("limit: must be between 1 and 1000, got {raw}"),
                    )
                })?,
        };
        let limit = page_size(&state.config, limit);
        let wanted = q.first("status").is_none_or(|s| s == "active");
        let mut keys: Vec<(String, &String)> = Vec::new();
        let all = super::keys(&state);
        if wanted {
            keys = all.iter().map(|k| (anthropic_id(k), k)).collect();
        }
        keys.sort();
        let after = q.first("after_id");
        let rest: Vec<&(String, &String)> = keys
            .iter()
            .filter(|(id, _)| after.is_none_or(|a| id.as_str() > a))
            .collect();
        let has_more = rest.len() > limit;
        let page: Vec<Value> = rest
            .iter()
            .take(limit)
            .map(|(id, key)| {
                json!({
                    "id": id,
                    "type": "api_key",
                    "name": format!("Key {}", &id[7..13]),
                    "partial_key_hint": super::redact(key, 16, "...", 4),
                    "status": "active",
                    "created_at": "2025-01-01T00:00:00Z",
                    "created_by": { "id": "user_switchyard_mock", "type": "user" },
                    "expires_at": null,
                    "workspace_id": null,
                })
            })
            .collect();
        Ok(json!({
            "data": page,
            "first_id": page.first().map(|v| v["id"].clone()),
            "last_id": page.last().map(|v| v["id"].clone()),
            "has_more": has_more,
        }))
    })())
}

#[cfg(test)]
mod tests {
    use super::cents;

    #[test]
    fn cents_are_decimal_strings() {
        assert_eq!(cents(0.001), "0.1");
        assert_eq!(cents(1.2345), "123.45");
        assert_eq!(cents(0.0), "0");
    }
}
