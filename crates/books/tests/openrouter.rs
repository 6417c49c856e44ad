//! `openrouter::read_key` and `read_activity` against a mock of OpenRouter's `/key` and
//! `/activity` on 127.0.0.1, answering in the documented shapes (the reference's example values).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::*;
use switchyard_books::{openrouter, BooksError, KeyUsage, Span};
use switchyard_domain::books::{BookTokens, BooksProvider};
use time::macros::date;

fn span() -> Span {
    Span {
        first: date!(2025 - 08 - 23),
        last: date!(2025 - 08 - 24),
    }
}

fn key() -> Reply {
    json(json!({"data": {
        "label": "sk-or-v1-0e6...1c96", "limit": 100, "usage": 25.5, "usage_daily": 1.23,
        "usage_weekly": 5.67, "usage_monthly": 12.34, "byok_usage": 0, "byok_usage_daily": 0,
        "byok_usage_weekly": 0, "byok_usage_monthly": 0, "is_free_tier": false,
        "is_management_key": false, "is_provisioning_key": false, "limit_remaining": 74.5,
        "limit_reset": "monthly", "include_byok_in_limit": false,
        "expires_at": "2027-12-31T23:59:59Z", "rate_limit": {"requests": -1, "interval": "10s"}
    }}))
}

fn activity() -> Reply {
    let row = |date: &str, model: &str, endpoint: &str, usage: f64, requests: u64| {
        json!({"byok_usage_inference": 0.012, "completion_tokens": 125, "date": date,
               "endpoint_id": endpoint, "model": model,
               "model_permaslug": format!("{model}-2025-04-14"), "prompt_tokens": 50,
               "provider_name": "OpenAI", "reasoning_tokens": 25, "requests": requests,
               "usage": usage})
    };
    json(json!({"data": [
        row("2025-08-24", "openai/gpt-4.1", "550e8400-e29b-41d4-a716-446655440000", 0.015, 5),
        row("2025-08-24", "openai/gpt-4.1", "550e8400-e29b-41d4-a716-446655440001", 0.005, 1),
        row("2025-08-24", "anthropic/claude-sonnet-4", "ep-2", 0.5, 2),
        row("2025-08-22", "openai/gpt-4.1", "ep-old", 9.0, 9)
    ]}))
}

fn keys(seen: &Seen) -> Reply {
    let key = |hash: &str, label: &str| {
        json!({"hash": hash, "name": "prod-key", "label": label, "disabled": false,
               "limit": 50, "limit_remaining": 12.34, "limit_reset": "monthly",
               "include_byok_in_limit": true, "usage": 37.66, "usage_daily": 1.23,
               "usage_weekly": 8.9, "usage_monthly": 37.66, "byok_usage": 0,
               "byok_usage_daily": 0, "byok_usage_weekly": 0, "byok_usage_monthly": 0,
               "created_at": "2025-01-10T12:34:56Z", "updated_at": null, "expires_at": null})
    };
    assert_eq!(seen.param("include_disabled").as_deref(), Some("true"));
    json(match seen.param("offset").as_deref() {
        Some("0") => json!({"data": [key("hash_a", "sk-or-v1-0e6...1c96"),
                                     key("hash_b", "sk-or-v1-a1b...9f00")]}),
        Some("2") => json!({"data": [key("hash_c", "Production Key")]}),
        _ => json!({"data": []}),
    })
}

fn provider(seen: &Seen, n: usize, key_override: Option<&dyn Fn(usize) -> Reply>) -> Reply {
    match seen.path.as_str() {
        "/api/v1/key" => match key_override {
            Some(f) => f(n),
            None => key(),
        },
        "/api/v1/activity" => activity(),
        "/api/v1/keys" => keys(seen),
        _ => status(404, r#"{"error":{"code":404,"message":"Not Found"}}"#),
    }
}

fn base(mock: &Mock) -> String {
    format!("{}/api/v1", mock.origin)
}

#[tokio::test]
async fn reads_what_a_key_spent() {
    let mock = serve(|seen, n| provider(seen, n, None)).await;
    let usage = openrouter::read_key(&client(), &base(&mock), &mock.cleared())
        .await
        .unwrap();
    assert_eq!(
        usage,
        KeyUsage {
            label: Some("sk-or-v1-0e6...1c96".into()),
            limit: Some(100.0),
            limit_remaining: Some(74.5),
            limit_reset: Some("monthly".into()),
            usage: 25.5,
            usage_daily: Some(1.23),
            usage_weekly: Some(5.67),
            usage_monthly: Some(12.34),
            is_free_tier: Some(false),
        }
    );
    let seen = mock.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].header("authorization").as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[tokio::test]
async fn an_unlimited_key_has_no_limit() {
    let mock = serve(|_, _| {
        json(
            json!({"data": {"label": "mine", "limit": null, "limit_remaining": null,
                             "usage": 0, "is_free_tier": true}}),
        )
    })
    .await;
    let usage = openrouter::read_key(&client(), &base(&mock), &mock.cleared())
        .await
        .unwrap();
    assert_eq!((usage.limit, usage.usage_daily), (None, None));
}

#[tokio::test]
async fn reads_activity_per_day_and_model_within_the_span() {
    let mock = serve(|seen, n| provider(seen, n, None)).await;
    let books = openrouter::read_activity(&client(), &base(&mock), &mock.cleared(), span())
        .await
        .unwrap();
    assert_eq!(books.lines.len(), 2, "{:?}", books.lines);
    let gpt = books
        .lines
        .iter()
        .find(|l| l.model.as_deref() == Some("openai/gpt-4.1"))
        .unwrap();
    assert_eq!(gpt.day, "2025-08-24");
    assert_eq!(gpt.key_id, None, "activity has no key dimension");
    assert_eq!(gpt.requests, Some(6), "two endpoints of one model summed");
    assert_eq!(
        gpt.tokens,
        BookTokens {
            input: 100,
            cached_input: 0,
            cache_write: 0,
            output: 250
        }
    );
    assert!((gpt.cost_usd.unwrap() - 0.02).abs() < 1e-9);
    assert!(
        books.lines.iter().all(|l| l.day != "2025-08-22"),
        "outside the span"
    );
    assert!(
        books.lines.iter().all(|l| l.day != "2025-08-23"),
        "empty day"
    );
    assert!(books.costs.is_empty());
    let keys: Vec<_> = books
        .keys
        .iter()
        .map(|k| (k.id.as_str(), k.redacted.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("hash_a", "sk-or-v1-0e6...1c96"),
            ("hash_b", "sk-or-v1-a1b...9f00"),
            ("hash_c", "Production Key")
        ],
        "three keys over two pages by offset"
    );
    let offsets: Vec<_> = mock
        .hits("/keys")
        .iter()
        .map(|s| s.param("offset"))
        .collect();
    assert_eq!(
        offsets,
        [Some("0".into()), Some("2".into()), Some("3".into())]
    );
    for seen in mock.seen() {
        assert_eq!(
            seen.header("authorization").as_deref(),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
}

#[tokio::test]
async fn activity_with_an_inference_key_is_refused() {
    let mock = serve(|_, _| {
        status(
            403,
            r#"{"error":{"code":403,"message":"Only management keys can fetch activity","metadata":null},"user_id":null}"#,
        )
    })
    .await;
    let err = openrouter::read_activity(&client(), &base(&mock), &mock.cleared(), span())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        BooksError::Refused {
            provider: BooksProvider::OpenRouter,
            status: 403,
            message: "Only management keys can fetch activity".into()
        }
    );
}

#[tokio::test]
async fn a_refused_key_is_refused_without_quoting_it() {
    let mock = serve(|seen, n| {
        provider(
            seen,
            n,
            Some(&|_| {
                status(
                    401,
                    &format!(r#"{{"error":{{"code":401,"message":"No auth credentials found for {KEY}"}}}}"#),
                )
            }),
        )
    })
    .await;
    let err = openrouter::read_key(&client(), &base(&mock), &mock.cleared())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BooksError::Refused { status: 401, message, .. } if message.starts_with("No auth credentials found")),
        "{err:?}"
    );
    assert_no_key(&err.to_string());
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_once() {
    let mock = serve(|seen, n| {
        provider(
            seen,
            n,
            Some(&|n| if n == 0 { too_many("1") } else { key() }),
        )
    })
    .await;
    let started = Instant::now();
    let usage = openrouter::read_key(&client(), &base(&mock), &mock.cleared())
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(usage.usage, 25.5);
    assert_eq!(mock.hits("/key").len(), 2);
}

#[tokio::test]
async fn a_second_429_is_rate_limited() {
    let mock = serve(|seen, n| provider(seen, n, Some(&|_| too_many("1")))).await;
    let err = openrouter::read_key(&client(), &base(&mock), &mock.cleared())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        BooksError::RateLimited {
            provider: BooksProvider::OpenRouter,
            retry_after_s: Some(1)
        }
    );
    assert_eq!(mock.hits("/key").len(), 2);
}

#[tokio::test]
async fn an_answer_of_another_shape_is_malformed() {
    let mock = serve(|seen, n| {
        provider(
            seen,
            n,
            Some(&|_| json(json!({"data": {"label": "x", "usage": "lots"}}))),
        )
    })
    .await;
    let err = openrouter::read_key(&client(), &base(&mock), &mock.cleared())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BooksError::Malformed { provider: BooksProvider::OpenRouter, what } if what.starts_with("key:")),
        "{err:?}"
    );
    let mock = serve(|_, _| json(json!({"data": [{"date": "2025-08-24"}]}))).await;
    let err = openrouter::read_activity(&client(), &base(&mock), &mock.cleared(), span())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BooksError::Malformed { what, .. } if what.starts_with("activity:") && what.contains("model")),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_key_goes_only_to_its_approved_origin() {
    let mock = serve(|seen, n| provider(seen, n, None)).await;
    let elsewhere = cleared_for("https://openrouter.ai");
    let err = openrouter::read_key(&client(), &base(&mock), &elsewhere)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        BooksError::Withheld {
            origin: mock.origin.clone()
        }
    );
    let err = openrouter::read_activity(&client(), &base(&mock), &elsewhere, span())
        .await
        .unwrap_err();
    assert!(matches!(err, BooksError::Withheld { .. }));
    assert!(mock.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_key_listing_that_ignores_its_offset_is_malformed_not_a_loop() {
    let mock = serve(|seen, n| {
        if seen.path.ends_with("/keys") {
            return json(
                json!({"data": [{"hash": "hash_a", "name": "k", "label": "sk-or-v1-0e6...1c96"}]}),
            );
        }
        provider(seen, n, None)
    })
    .await;
    let err = openrouter::read_activity(&client(), &base(&mock), &mock.cleared(), span())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BooksError::Malformed { what, .. } if what.starts_with("keys:")),
        "{err:?}"
    );
    assert_eq!(mock.hits("/keys").len(), 2);
}
