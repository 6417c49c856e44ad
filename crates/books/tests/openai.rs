//! `openai::read` against a mock of OpenAI's organization Usage, Costs and project-key endpoints
//! on 127.0.0.1, answering in the documented shapes (the reference's own example values).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::*;
use switchyard_books::{openai, BooksError, Span};
use switchyard_domain::books::{BookTokens, BooksProvider};
use time::macros::date;

const PAGE2: &str = "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=";

fn span() -> Span {
    Span {
        first: date!(2024 - 11 - 01),
        last: date!(2024 - 11 - 03),
    }
}

fn usage(seen: &Seen) -> Reply {
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

fn costs() -> Reply {
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

fn projects(seen: &Seen) -> Reply {
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

fn api_keys(project: &str) -> Reply {
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
fn organization(seen: &Seen, n: usize, usage_override: Option<&dyn Fn(usize) -> Reply>) -> Reply {
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

async fn read(mock: &Mock) -> Result<switchyard_domain::books::Books, BooksError> {
    openai::read(
        &client(),
        &format!("{}/v1", mock.origin),
        &mock.cleared(),
        span(),
    )
    .await
}

#[tokio::test]
async fn reads_two_pages_of_usage_by_key_and_model_costs_and_keys() {
    let mock = serve(|seen, n| organization(seen, n, None)).await;
    let books = read(&mock).await.unwrap();

    assert_eq!(books.lines.len(), 3, "{:?}", books.lines);
    let first = &books.lines[0];
    assert_eq!(first.day, "2024-11-01");
    assert_eq!(first.key_id.as_deref(), Some("key_abc"));
    assert_eq!(first.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert_eq!(first.requests, Some(5));
    assert_eq!(
        first.tokens,
        BookTokens {
            input: 200,
            cached_input: 800,
            cache_write: 0,
            output: 500
        },
        "input is the uncached part of input_tokens"
    );
    assert_eq!(first.cost_usd, None);
    assert_eq!(books.lines[1].key_id.as_deref(), Some("key_def"));
    assert_eq!(books.lines[1].tokens.input, 300);
    assert!(
        books.lines.iter().all(|l| l.day != "2024-11-02"),
        "the empty day has no lines"
    );
    assert_eq!(books.lines[2].day, "2024-11-03");
    assert_eq!(books.lines[2].tokens.cached_input, 0, "absent cached count");

    assert_eq!(books.costs.len(), 2, "{:?}", books.costs);
    let model_cost = books
        .costs
        .iter()
        .find(|c| c.model.as_deref() == Some("gpt-4o-mini-2024-07-18"))
        .unwrap();
    assert!((model_cost.cost_usd - 0.10).abs() < 1e-9, "input + output");
    let tool = books.costs.iter().find(|c| c.model.is_none()).unwrap();
    assert!((tool.cost_usd - 0.01).abs() < 1e-9);
    assert!(books.costs.iter().all(|c| c.day == "2024-11-01"));

    let keys: Vec<_> = books
        .keys
        .iter()
        .map(|k| (k.id.as_str(), k.redacted.as_str()))
        .collect();
    assert_eq!(
        keys,
        [("key_abc", "sk-abc...def"), ("key_def", "sk-def...xyz")]
    );
    assert_eq!(books.keys[0].name.as_deref(), Some("My API Key"));

    // The documented query, and the key on every request as a bearer token.
    let usage = mock.hits("/organization/usage/completions");
    assert_eq!(usage.len(), 2);
    assert_eq!(usage[0].param("start_time").as_deref(), Some("1730419200"));
    assert_eq!(usage[0].param("end_time").as_deref(), Some("1730678400"));
    assert_eq!(usage[0].param("bucket_width").as_deref(), Some("1d"));
    assert_eq!(usage[0].params("group_by"), ["api_key_id", "model"]);
    assert_eq!(usage[0].param("limit").as_deref(), Some("31"));
    assert_eq!(usage[0].param("page"), None);
    assert_eq!(usage[1].param("page").as_deref(), Some(PAGE2));
    let costs = mock.hits("/organization/costs");
    assert_eq!(costs[0].params("group_by"), ["line_item"]);
    assert_eq!(costs[0].param("bucket_width").as_deref(), Some("1d"));
    assert_eq!(
        mock.hits("/organization/projects").len(),
        2,
        "two pages of projects"
    );
    assert_eq!(mock.hits("/api_keys").len(), 2, "one listing per project");
    for seen in mock.seen() {
        assert_eq!(
            seen.header("authorization").as_deref(),
            Some(format!("Bearer {KEY}").as_str()),
            "{}",
            seen.path
        );
    }
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_once() {
    let mock = serve(|seen, n| {
        organization(
            seen,
            n,
            Some(&|n| {
                if n == 0 {
                    too_many("1")
                } else {
                    usage_page_end()
                }
            }),
        )
    })
    .await;
    let started = Instant::now();
    let books = read(&mock).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited");
    assert_eq!(mock.hits("/organization/usage/completions").len(), 2);
    assert_eq!(books.lines.len(), 0);
    assert_eq!(books.keys.len(), 2);
}

fn usage_page_end() -> Reply {
    json(json!({"object": "page", "data": [], "has_more": false, "next_page": null}))
}

#[tokio::test]
async fn a_second_429_is_rate_limited() {
    let mock = serve(|seen, n| organization(seen, n, Some(&|_| too_many("1")))).await;
    let err = read(&mock).await.unwrap_err();
    assert_eq!(
        err,
        BooksError::RateLimited {
            provider: BooksProvider::OpenAi,
            retry_after_s: Some(1)
        }
    );
    assert_eq!(mock.hits("/organization/usage/completions").len(), 2);
}

#[tokio::test]
async fn a_long_retry_after_is_not_waited_for() {
    let mock = serve(|seen, n| organization(seen, n, Some(&|_| too_many("120")))).await;
    let started = Instant::now();
    let err = read(&mock).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        matches!(
            err,
            BooksError::RateLimited {
                retry_after_s: Some(120),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(mock.hits("/organization/usage/completions").len(), 1);
}

#[tokio::test]
async fn an_answer_of_another_shape_is_malformed_naming_the_endpoint() {
    let mock = serve(|seen, n| {
        organization(
            seen,
            n,
            Some(&|_| {
                json(json!({"object": "page", "data": [{"object": "bucket",
                    "start_time": 1730419200, "results": [{"output_tokens": 5}]}],
                    "has_more": false}))
            }),
        )
    })
    .await;
    let err = read(&mock).await.unwrap_err();
    let BooksError::Malformed { provider, what } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*provider, BooksProvider::OpenAi);
    assert!(what.contains("organization/usage/completions"), "{what}");
    assert!(what.contains("input_tokens"), "names the field: {what}");

    let mock =
        serve(|seen, n| organization(seen, n, Some(&|_| status(200, "<html>oops</html>")))).await;
    let err = read(&mock).await.unwrap_err();
    assert!(matches!(err, BooksError::Malformed { .. }), "{err:?}");
}

#[tokio::test]
async fn a_repeated_cursor_is_malformed_not_a_loop() {
    let mock = serve(|seen, n| {
        organization(
            seen,
            n,
            Some(&|_| {
                json(json!({"object": "page", "data": [], "has_more": true,
                            "next_page": "page_same"}))
            }),
        )
    })
    .await;
    let err = read(&mock).await.unwrap_err();
    assert!(
        matches!(&err, BooksError::Malformed { what, .. } if what.contains("repeats")),
        "{err:?}"
    );
    assert_eq!(mock.hits("/organization/usage/completions").len(), 2);
}

#[tokio::test]
async fn a_refused_key_is_refused_without_quoting_it() {
    let mock = serve(|seen, n| {
        organization(
            seen,
            n,
            Some(&|_| {
                status(
                    401,
                    &format!(
                        r#"{{"error":{{"message":"Incorrect API key provided: {KEY}. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","code":"invalid_api_key"}}}}"#
                    ),
                )
            }),
        )
    })
    .await;
    let err = read(&mock).await.unwrap_err();
    let BooksError::Refused {
        provider,
        status,
        message,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((*provider, *status), (BooksProvider::OpenAi, 401));
    assert!(
        message.starts_with("Incorrect API key provided"),
        "{message}"
    );
    assert_no_key(&err.to_string());
    assert!(message.chars().count() <= 201, "{message}");
}

#[tokio::test]
async fn another_error_is_unreachable_with_its_status() {
    let mock = serve(|seen, n| organization(seen, n, Some(&|_| status(503, "")))).await;
    let err = read(&mock).await.unwrap_err();
    assert!(
        matches!(&err, BooksError::Unreachable { message, .. } if message.contains("503")),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_key_goes_only_to_its_approved_origin() {
    let mock = serve(|seen, n| organization(seen, n, None)).await;
    let elsewhere = cleared_for("https://api.openai.com");
    let err = openai::read(
        &client(),
        &format!("{}/v1", mock.origin),
        &elsewhere,
        span(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        BooksError::Withheld {
            origin: mock.origin.clone()
        }
    );
    assert!(mock.seen().is_empty(), "nothing was sent");
    assert_no_key(&err.to_string());
}
