//! OpenAI's organization endpoints over the books (admin key as `Authorization: Bearer`):
//! `GET /v1/organization/usage/completions`, `GET /v1/organization/costs`,
//! `GET /v1/organization/projects` and `GET /v1/organization/projects/{project_id}/api_keys`.
//! The organization has one project, [`PROJECT_ID`], holding every key.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{
    bad_param, gate, grouped, not_found, openai_id, page_days, page_size, Provider, Refusal,
};
use crate::query::{page_token, parse_page, Query, DAY};
use crate::state::{unix_now, Shared};

/// The organization's only project.
pub(crate) const PROJECT_ID: &str = "proj_switchyard_mock";
/// The user every key belongs to.
const USER_ID: &str = "user_switchyard_mock";
/// `created_at` of the project and the keys: 2025-01-01T00:00:00Z.
const CREATED: i64 = 1_735_689_600;
/// What OpenAI's refusal of a non-admin key names for the usage and costs endpoints.
const USAGE_SCOPE: &str = "api.usage.read";
/// … and for the projects and keys.
const MANAGEMENT_SCOPE: &str = "api.management.read";

/// The fields `group_by` may name on the completions endpoint.
const COMPLETIONS_GROUPS: [&str; 6] = [
    "project_id",
    "user_id",
    "api_key_id",
    "model",
    "batch",
    "service_tier",
];

/// A handler's answer: JSON, or the provider's refusal.
fn answer(result: Result<Value, Refusal>) -> Response {
    result.map_or_else(|r| *r, |v| Json(v).into_response())
}

/// The bucketed span a usage or costs request asks for.
struct Window {
    from: i64,
    to: i64,
    page: Option<i64>,
    limit: usize,
}

/// Reads `start_time` (required), `end_time` (exclusive, default now), `bucket_width` (only `1d`
/// is served), `limit` (default 7, at most `max`) and `page`.
fn window(q: &Query, widths: &[&str], max: usize) -> Result<Window, Refusal> {
    let bad = |param: &str, message: String| bad_param(Provider::OpenAi, param, &message);
    let seconds = |name: &str| -> Result<Option<i64>, Refusal> {
        q.first(name)
            .map(|raw| {
                raw.parse::<i64>()
                    .ok()
                    .filter(|s| *s >= 0)
                    .ok_or_else(|| bad(name, format!("Invalid value for '{name}': {raw}")))
            })
            .transpose()
    };
    let start = seconds("start_time")?.ok_or_else(|| {
        bad(
            "start_time",
            "Missing required parameter: 'start_time'.".into(),
        )
    })?;
    let now = i64::try_from(unix_now()).unwrap_or(i64::MAX);
    let end = seconds("end_time")?.unwrap_or(now);
    let width = q.first("bucket_width").unwrap_or("1d");
    if !widths.contains(&width) {
        let allowed = widths.join(", ");
        let message = format!("Invalid value for 'bucket_width': {width}. Supported: {allowed}.");
        return Err(bad("bucket_width", message));
    }
    if width != "1d" {
        let message = format!("bucket_width={width}: this mock serves daily buckets only (1d).");
        return Err(bad("bucket_width", message));
    }
    let limit = match q.first("limit") {
        None => 7,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                bad(
                    "limit",
                    format!("Invalid value for 'limit': {raw}. It must be between 1 and {max}."),
                )
            })?,
    };
    let page = match q.first("page") {
        None => None,
        Some(raw) => {
            Some(parse_page(raw).ok_or_else(|| bad("page", format!("Invalid page: {raw}")))?)
        }
    };
    Ok(Window {
        from: start.div_euclid(DAY),
        to: (end + DAY - 1).div_euclid(DAY),
        page,
        limit,
    })
}

/// The values of `group_by`, each one of `allowed`.
fn group_by(q: &Query, allowed: &[&str]) -> Result<Vec<String>, Refusal> {
    let groups = q.all("group_by");
    match groups.iter().find(|g| !allowed.contains(&g.as_str())) {
        Some(g) => Err(bad_param(
            Provider::OpenAi,
            "group_by",
            &format!(
                "Invalid value for 'group_by': {g}. Supported: {}.",
                allowed.join(", ")
            ),
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
                "object": "bucket",
                "start_time": day * DAY,
                "end_time": (day + 1) * DAY,
                "results": results(day),
            })
        })
        .collect();
    json!({ "object": "page", "data": data, "has_more": next.is_some(), "next_page": next.map(page_token) })
}

/// `GET /v1/organization/usage/completions`.
pub(crate) async fn usage(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    answer(usage_page(&state, &headers, &uri))
}

fn usage_page(state: &Shared, headers: &HeaderMap, uri: &Uri) -> Result<Value, Refusal> {
    gate(state, headers, Provider::OpenAi, USAGE_SCOPE)?;
    let q = Query::parse(uri.query());
    let w = window(&q, &["1m", "1h", "1d"], 31)?;
    let groups = group_by(&q, &COMPLETIONS_GROUPS)?;
    let by = |field: &str| groups.iter().any(|g| g == field);
    let (key_ids, models, projects) = (q.all("api_key_ids"), q.all("models"), q.all("project_ids"));
    let keep = |c: &super::Cell| {
        (key_ids.is_empty() || key_ids.contains(&openai_id(&c.0)))
            && (models.is_empty() || models.contains(&c.1))
            && (projects.is_empty() || projects.iter().any(|p| p == PROJECT_ID))
    };
    let cells = state.books.cells();
    let key_id: Option<fn(&str) -> String> = by("api_key_id").then_some(openai_id);
    let given = |field: &str, value: Value| if by(field) { value } else { Value::Null };
    Ok(buckets(state, &w, |day| {
        grouped(&cells, day, key_id, by("model"), &keep)
            .into_iter()
            .map(|((key, model), line)| {
                json!({
                    "object": "organization.usage.completions.result",
                    "input_tokens": line.tokens.all_input(),
                    "output_tokens": line.tokens.output,
                    "input_cached_tokens": line.tokens.cached,
                    "input_audio_tokens": 0,
                    "output_audio_tokens": 0,
                    "num_model_requests": line.requests,
                    "project_id": given("project_id", json!(PROJECT_ID)),
                    "user_id": given("user_id", json!(USER_ID)),
                    "api_key_id": key,
                    "model": model,
                    "batch": given("batch", json!(false)),
                    "service_tier": given("service_tier", json!("default")),
                })
            })
            .collect()
    }))
}

/// `GET /v1/organization/costs`: one line item per model (`group_by=line_item`).
pub(crate) async fn costs(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    answer(costs_page(&state, &headers, &uri))
}

fn costs_page(state: &Shared, headers: &HeaderMap, uri: &Uri) -> Result<Value, Refusal> {
    gate(state, headers, Provider::OpenAi, USAGE_SCOPE)?;
    let q = Query::parse(uri.query());
    let w = window(&q, &["1d"], 180)?;
    let groups = group_by(&q, &["project_id", "line_item"])?;
    let by = |field: &str| groups.iter().any(|g| g == field);
    let projects = q.all("project_ids");
    let keep = |_: &super::Cell| projects.is_empty() || projects.iter().any(|p| p == PROJECT_ID);
    let cells = state.books.cells();
    Ok(buckets(state, &w, |day| {
        grouped(&cells, day, None, by("line_item"), &keep)
            .into_iter()
            .map(|((_, model), line)| {
                json!({
                    "object": "organization.costs.result",
                    "amount": { "value": line.cost_usd, "currency": "usd" },
                    "line_item": model,
                    "project_id": if by("project_id") { json!(PROJECT_ID) } else { Value::Null },
                })
            })
            .collect()
    }))
}

/// `limit` (1 to 100, default 20) of a list endpoint, at most the books page size.
fn list_limit(state: &Shared, q: &Query) -> Result<usize, Refusal> {
    let limit = match q.first("limit") {
        None => 20,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                let message =
                    format!("Invalid value for 'limit': {raw}. It must be between 1 and 100.");
                bad_param(Provider::OpenAi, "limit", &message)
            })?,
    };
    Ok(page_size(&state.config, limit))
}

/// A list page of `items` (sorted by id) after the id `after`.
fn list(items: Vec<(String, Value)>, after: Option<&str>, limit: usize) -> Value {
    let rest: Vec<(String, Value)> = items
        .into_iter()
        .filter(|(id, _)| after.is_none_or(|a| id.as_str() > a))
        .collect();
    let has_more = rest.len() > limit;
    let page: Vec<(String, Value)> = rest.into_iter().take(limit).collect();
    json!({
        "object": "list",
        "data": page.iter().map(|(_, v)| v).collect::<Vec<_>>(),
        "first_id": page.first().map(|(id, _)| id),
        "last_id": page.last().map(|(id, _)| id),
        "has_more": has_more,
    })
}

/// `GET /v1/organization/projects`.
pub(crate) async fn projects(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    answer((|| {
        gate(&state, &headers, Provider::OpenAi, MANAGEMENT_SCOPE)?;
        let q = Query::parse(uri.query());
        let project = json!({
            "id": PROJECT_ID, "object": "organization.project", "name": "Default project",
            "created_at": CREATED, "archived_at": null, "status": "active",
        });
        let limit = list_limit(&state, &q)?;
        Ok(list(
            vec![(PROJECT_ID.into(), project)],
            q.first("after"),
            limit,
        ))
    })())
}

/// `GET /v1/organization/projects/{project_id}/api_keys`: every key of the organization.
pub(crate) async fn api_keys(
    State(state): State<Arc<Shared>>,
    Path(project_id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    answer((|| {
        gate(&state, &headers, Provider::OpenAi, MANAGEMENT_SCOPE)?;
        if project_id != PROJECT_ID {
            return Err(not_found(
                Provider::OpenAi,
                &format!("No such project: {project_id}"),
            ));
        }
        let q = Query::parse(uri.query());
        let limit = list_limit(&state, &q)?;
        let mut items: Vec<(String, Value)> = super::keys(&state)
            .iter()
            .map(|key| {
                let id = openai_id(key);
                let item = json!({
                    "object": "organization.project.api_key",
                    "redacted_value": super::redact(key, 6, "...", 4),
                    "name": format!("Key {}", &id[4..10]),
                    "created_at": CREATED,
                    "last_used_at": null,
                    "id": id,
                    "owner": { "type": "user", "user": {
                        "object": "organization.project.user", "id": USER_ID, "name": "Mock User",
                        "email": "mock@example.invalid", "role": "owner", "added_at": CREATED,
                    } },
                });
                (id, item)
            })
            .collect();
        items.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(list(items, q.first("after"), limit))
    })())
}
