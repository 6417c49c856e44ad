//! OpenAI's organization endpoints as the reference documents them (its own example values):
//! the mock's answers and the reader's call, shared by `openai.rs` and `openai_errors.rs`.
#![allow(dead_code, reason = "each test file uses some")]

use super::support::*;
use serde_json::json;
use switchyard_books::{openai, BooksError, Span};
use time::macros::date;

pub const PAGE2: &str = "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=";

pub fn span() -> Span {
    Span {
        first: date!(2024 - 11 - 01),
        last: date!(2024 - 11 - 03),
    }
}

pub fn usage(seen: &Seen) -> Reply {
    json(match seen.param("page").as_deref() {
        None => json!({
            "object": "page",
            "data": [{
                "object": "bucket", "start_time": 1730419200, "end_time": 1730505600,
                "results": [
                    {"object": "organization.usage.completions.result", "input_tokens": 1000,
                     "output_tokens": 500, "input_cached_tokens": 800, "input_audio_tokens": 0,
                     "output_audio_tokens": 0, "num_model_requests": 5, "project_id": null,
                     "user_id": null, "api_key_id": "key_abc", "model": "gpt-4o-mini-2024-07-18",
                     "batch": null, "service_tier": null},
                    {"object": "organization.usage.completions.result", "input_tokens": 300,
                     "output_tokens": 40, "input_cached_tokens": 0, "num_model_requests": 2,
                     "project_id": null, "user_id": null, "api_key_id": "key_def",
                     "model": "gpt-4o-2024-08-06", "batch": null}
                ]
            }],
            "has_more": true,
            "next_page": PAGE2
        }),
        Some(PAGE2) => json!({
            "object": "page",
            "data": [
                {"object": "bucket", "start_time": 1730505600, "end_time": 1730592000, "results": []},
                {"object": "bucket", "start_time": 1730592000, "end_time": 1730678400, "results": [
                    {"object": "organization.usage.completions.result", "input_tokens": 20,
                     "output_tokens": 10, "num_model_requests": 1, "api_key_id": "key_abc",
                     "model": "gpt-4o-mini-2024-07-18"}
                ]}
            ],
            "has_more": false,
            "next_page": null
        }),
        Some(other) => panic!("unexpected page {other}"),
    })
}

pub fn costs() -> Reply {
    json(json!({
        "object": "page",
        "data": [{
            "object": "bucket", "start_time": 1730419200, "end_time": 1730505600,
            "results": [
                {"object": "organization.costs.result", "amount": {"value": 0.06, "currency": "usd"},
                 "line_item": "gpt-4o-mini-2024-07-18, input", "project_id": null},
                {"object": "organization.costs.result", "amount": {"value": 0.04, "currency": "usd"},
                 "line_item": "gpt-4o-mini-2024-07-18, output", "project_id": null},
                {"object": "organization.costs.result", "amount": {"value": 0.01, "currency": "usd"},
                 "line_item": "Web search tool calls", "project_id": null}
            ]
        }],
        "has_more": false,
        "next_page": null
    }))
}

pub fn projects(seen: &Seen) -> Reply {
    let project = |id: &str| {
        json!({"id": id, "object": "organization.project", "name": "Project example",
               "created_at": 1711471533, "archived_at": null, "status": "active"})
    };
    match seen.param("after").as_deref() {
        None => json(json!({"object": "list", "data": [project("proj_abc")],
                            "first_id": "proj_abc", "last_id": "proj_abc", "has_more": true})),
        Some("proj_abc") => json(json!({"object": "list", "data": [project("proj_def")],
                            "first_id": "proj_def", "last_id": "proj_def", "has_more": false})),
        Some(other) => panic!("unexpected after {other}"),
    }
}

pub fn api_keys(project: &str) -> Reply {
    let (id, redacted) = match project {
        "proj_abc" => ("key_abc", "sk-abc...def"),
        _ => ("key_def", "sk-def...xyz"),
    };
    json(json!({
        "object": "list",
        "data": [{"object": "organization.project.api_key", "redacted_value": redacted,
                  "name": "My API Key", "created_at": 1711471533, "last_used_at": 1711471534,
                  "id": id, "owner": {"type": "user", "user": {"id": "user_abc",
                  "name": "First Last", "email": "user@example.com", "role": "owner",
                  "created_at": 1711471533}}}],
        "first_id": id, "last_id": id, "has_more": false
    }))
}

/// The documented organization, with `usage_override` answering the usage endpoint instead.
pub fn organization(
    seen: &Seen,
    n: usize,
    usage_override: Option<&dyn Fn(usize) -> Reply>,
) -> Reply {
    let p = seen.path.as_str();
    if p == "/v1/organization/usage/completions" {
        return match usage_override {
            Some(f) => f(n),
            None => usage(seen),
        };
    }
    if p == "/v1/organization/costs" {
        return costs();
    }
    if p == "/v1/organization/projects" {
        return projects(seen);
    }
    if let Some(rest) = p.strip_prefix("/v1/organization/projects/") {
        if let Some(project) = rest.strip_suffix("/api_keys") {
            return api_keys(project);
        }
    }
    status(404, r#"{"error":{"message":"not found"}}"#)
}

pub async fn read(mock: &Mock) -> Result<switchyard_domain::books::Books, BooksError> {
    openai::read(
        &client(),
        &format!("{}/v1", mock.origin),
        &mock.cleared(),
        span(),
    )
    .await
}

pub fn usage_page_end() -> Reply {
    json(json!({"object": "page", "data": [], "has_more": false, "next_page": null}))
}
