//! `anthropic::read` against a mock of Anthropic's Admin API usage report, cost report and API
//! key list on 127.0.0.1, answering in the documented shapes (the reference's example values).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::*;
use switchyard_books::{anthropic, BooksError, Span};
use switchyard_domain::books::{BookTokens, Books, BooksProvider};
use time::macros::date;

const PAGE2: &str = "page_MjAyNS0wNS0xNFQwMDowMDowMFo=";
const KEY_A: &str = "apikey_01Rj2N8SVvo6BePZj99NhmiT";
const KEY_B: &str = "apikey_02Bq7Xh2WMUt6DyrhK3nMqzA";

fn span() -> Span {
    Span {
        first: date!(2025 - 08 - 01),
        last: date!(2025 - 08 - 03),
    }
}

fn usage(seen: &Seen) -> Reply {
    let row = |key: &str, model: &str, uncached: u64| {
        json!({
            "uncached_input_tokens": uncached,
            "cache_creation": {"ephemeral_1h_input_tokens": 1000, "ephemeral_5m_input_tokens": 500},
            "cache_read_input_tokens": 200,
            "output_tokens": 500,
            "server_tool_use": {"web_search_requests": 10},
            "api_key_id": key,
            "workspace_id": "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
            "model": model,
            "service_tier": null,
            "context_window": null
        })
    };
    json(match seen.param("page").as_deref() {
        None => json!({
            "data": [{
                "starting_at": "2025-08-01T00:00:00Z",
                "ending_at": "2025-08-02T00:00:00Z",
                "results": [
                    row(KEY_A, "claude-sonnet-4-20250514", 1500),
                    row(KEY_B, "claude-3-5-haiku-20241022", 40)
                ]
            }],
            "has_more": true,
            "next_page": PAGE2
        }),
        Some(PAGE2) => json!({
            "data": [
                {"starting_at": "2025-08-02T00:00:00Z", "ending_at": "2025-08-03T00:00:00Z",
                 "results": []},
                {"starting_at": "2025-08-03T00:00:00Z", "ending_at": "2025-08-04T00:00:00Z",
                 "results": [{"uncached_input_tokens": 7, "cache_read_input_tokens": 0,
                              "output_tokens": 3, "api_key_id": KEY_A,
                              "model": "claude-sonnet-4-20250514"}]}
            ],
            "has_more": false,
            "next_page": null
        }),
        Some(other) => panic!("unexpected page {other}"),
    })
}

fn costs() -> Reply {
    let item = |amount: &str, description: &str, model: Option<&str>, cost_type: &str| {
        json!({"currency": "USD", "amount": amount,
               "workspace_id": null, "description": description, "cost_type": cost_type,
               "context_window": model.map(|_| "0-200k"), "model": model,
               "service_tier": model.map(|_| "standard"),
               "token_type": model.map(|_| "uncached_input_tokens")})
    };
    json(json!({
        "data": [{
            "starting_at": "2025-08-01T00:00:00Z",
            "ending_at": "2025-08-02T00:00:00Z",
            "results": [
                item("123.78912", "Claude Sonnet 4 Usage - Input Tokens",
                     Some("claude-sonnet-4-20250514"), "tokens"),
                item("76.21088", "Claude Sonnet 4 Usage - Output Tokens",
                     Some("claude-sonnet-4-20250514"), "tokens"),
                item("1000", "Web Search Usage", None, "web_search")
            ]
        }],
        "has_more": false,
        "next_page": null
    }))
}

fn api_keys(seen: &Seen) -> Reply {
    let key = |id: &str, hint: &str| {
        json!({"id": id, "created_at": "2024-10-30T23:58:27.427722Z",
               "created_by": {"id": "user_01WCz1FkmYMm4gnmykNKUu3Q", "type": "user"},
               "name": "Developer Key", "partial_key_hint": hint, "status": "active",
               "type": "api_key", "workspace_id": "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ"})
    };
    match seen.param("after_id").as_deref() {
        None => json(json!({"data": [key(KEY_A, "sk-ant-api03-R2D...igAA")],
                            "first_id": KEY_A, "has_more": true, "last_id": KEY_A})),
        Some(KEY_A) => json(json!({"data": [key(KEY_B, "sk-ant-api03-Zq1...9fQA")],
                                   "first_id": KEY_B, "has_more": false, "last_id": KEY_B})),
        Some(other) => panic!("unexpected after_id {other}"),
    }
}

fn organization(seen: &Seen, n: usize, usage_override: Option<&dyn Fn(usize) -> Reply>) -> Reply {
    match seen.path.as_str() {
        "/v1/organizations/usage_report/messages" => match usage_override {
            Some(f) => f(n),
            None => usage(seen),
        },
        "/v1/organizations/cost_report" => costs(),
        "/v1/organizations/api_keys" => api_keys(seen),
        _ => status(
            404,
            r#"{"type":"error","error":{"type":"not_found_error","message":"Not found"}}"#,
        ),
    }
}

async fn read(mock: &Mock, base: &str) -> Result<Books, BooksError> {
    anthropic::read(&client(), base, &mock.cleared(), span()).await
}

#[tokio::test]
async fn reads_two_pages_of_usage_by_key_and_model_costs_and_keys() {
    let mock = serve(|seen, n| organization(seen, n, None)).await;
    let books = read(&mock, &mock.origin).await.unwrap();

    assert_eq!(books.lines.len(), 3, "{:?}", books.lines);
    let first = &books.lines[0];
    assert_eq!(
        (
            first.day.as_str(),
            first.key_id.as_deref(),
            first.model.as_deref()
        ),
        ("2025-08-01", Some(KEY_A), Some("claude-sonnet-4-20250514"))
    );
    assert_eq!(
        first.tokens,
        BookTokens {
            input: 1500,
            cached_input: 200,
            cache_write: 1500,
            output: 500
        },
        "cache writes are the 5-minute and 1-hour ones together"
    );
    assert_eq!(first.requests, None, "the usage report counts no requests");
    assert_eq!(books.lines[1].key_id.as_deref(), Some(KEY_B));
    assert!(
        books.lines.iter().all(|l| l.day != "2025-08-02"),
        "empty day"
    );
    assert_eq!(books.lines[2].day, "2025-08-03");
    assert_eq!(books.lines[2].tokens.cache_write, 0, "no cache_creation");

    assert_eq!(books.costs.len(), 2, "{:?}", books.costs);
    let sonnet = books
        .costs
        .iter()
        .find(|c| c.model.as_deref() == Some("claude-sonnet-4-20250514"))
        .unwrap();
    assert!(
        (sonnet.cost_usd - 2.0).abs() < 1e-9,
        "amounts are cents: 123.78912 + 76.21088 = 200 cents = $2, got {}",
        sonnet.cost_usd
    );
    let search = books.costs.iter().find(|c| c.model.is_none()).unwrap();
    assert!((search.cost_usd - 10.0).abs() < 1e-9);
    assert!(books
        .costs
        .iter()
        .all(|c| c.day == "2025-08-01" && c.key_id.is_none()));

    let keys: Vec<_> = books
        .keys
        .iter()
        .map(|k| (k.id.as_str(), k.redacted.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            (KEY_A, "sk-ant-api03-R2D...igAA"),
            (KEY_B, "sk-ant-api03-Zq1...9fQA")
        ]
    );

    let usage = mock.hits("/usage_report/messages");
    assert_eq!(usage.len(), 2);
    assert_eq!(
        usage[0].param("starting_at").as_deref(),
        Some("2025-08-01T00:00:00Z")
    );
    assert_eq!(
        usage[0].param("ending_at").as_deref(),
        Some("2025-08-04T00:00:00Z")
    );
    assert_eq!(usage[0].param("bucket_width").as_deref(), Some("1d"));
    assert_eq!(usage[0].params("group_by[]"), ["api_key_id", "model"]);
    assert_eq!(usage[0].param("limit").as_deref(), Some("31"));
    assert_eq!(usage[1].param("page").as_deref(), Some(PAGE2));
    let costs = mock.hits("/cost_report");
    assert_eq!(costs[0].params("group_by[]"), ["description"]);
    assert_eq!(mock.hits("/api_keys").len(), 2, "two pages of keys");
    for seen in mock.seen() {
        assert_eq!(
            seen.header("x-api-key").as_deref(),
            Some(KEY),
            "{}",
            seen.path
        );
        assert_eq!(
            seen.header("anthropic-version").as_deref(),
            Some("2023-06-01")
        );
        assert_eq!(seen.header("authorization"), None);
    }
}

#[tokio::test]
async fn a_base_with_v1_is_the_same_base() {
    let mock = serve(|seen, n| organization(seen, n, None)).await;
    let books = read(&mock, &format!("{}/v1/", mock.origin)).await.unwrap();
    assert_eq!(books.lines.len(), 3);
    assert!(mock
        .seen()
        .iter()
        .all(|s| s.path.starts_with("/v1/organizations/")));
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_once() {
    let mock = serve(|seen, n| {
        organization(
            seen,
            n,
            Some(&|n| if n == 0 { too_many("1") } else { usage_end() }),
        )
    })
    .await;
    let started = Instant::now();
    let books = read(&mock, &mock.origin).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(mock.hits("/usage_report/messages").len(), 2);
    assert!(books.lines.is_empty());
}

fn usage_end() -> Reply {
    json(json!({"data": [], "has_more": false, "next_page": null}))
}

#[tokio::test]
async fn a_second_429_is_rate_limited() {
    let mock = serve(|seen, n| organization(seen, n, Some(&|_| too_many("1")))).await;
    let err = read(&mock, &mock.origin).await.unwrap_err();
    assert_eq!(
        err,
        BooksError::RateLimited {
            provider: BooksProvider::Anthropic,
            retry_after_s: Some(1)
        }
    );
    assert_eq!(mock.hits("/usage_report/messages").len(), 2);
}

#[tokio::test]
async fn an_answer_of_another_shape_is_malformed_naming_the_endpoint() {
    let mock = serve(|seen, n| {
        organization(
            seen,
            n,
            Some(&|_| {
                json(
                    json!({"data": [{"starting_at": "yesterday", "ending_at": "today",
                    "results": []}], "has_more": false, "next_page": null}),
                )
            }),
        )
    })
    .await;
    let err = read(&mock, &mock.origin).await.unwrap_err();
    let BooksError::Malformed { provider, what } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*provider, BooksProvider::Anthropic);
    assert!(what.contains("usage_report/messages"), "{what}");
    assert!(what.contains("starting_at"), "{what}");
}

#[tokio::test]
async fn a_cost_amount_that_is_not_a_number_is_malformed() {
    let mock = serve(|seen, n| {
        if seen.path.ends_with("/cost_report") {
            return json(json!({"data": [{"starting_at": "2025-08-01T00:00:00Z",
                "ending_at": "2025-08-02T00:00:00Z",
                "results": [{"currency": "USD", "amount": "lots", "model": null}]}],
                "has_more": false, "next_page": null}));
        }
        organization(seen, n, None)
    })
    .await;
    let err = read(&mock, &mock.origin).await.unwrap_err();
    assert!(
        matches!(&err, BooksError::Malformed { what, .. } if what.contains("cost_report")),
        "{err:?}"
    );
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
                        r#"{{"type":"error","error":{{"type":"authentication_error","message":"invalid x-api-key {KEY}"}}}}"#
                    ),
                )
            }),
        )
    })
    .await;
    let err = read(&mock, &mock.origin).await.unwrap_err();
    let BooksError::Refused {
        provider,
        status,
        message,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((*provider, *status), (BooksProvider::Anthropic, 401));
    assert!(message.starts_with("invalid x-api-key"), "{message}");
    assert_no_key(&err.to_string());
}

#[tokio::test]
async fn the_key_goes_only_to_its_approved_origin() {
    let mock = serve(|seen, n| organization(seen, n, None)).await;
    let elsewhere = cleared_for("https://api.anthropic.com");
    let err = anthropic::read(&client(), &mock.origin, &elsewhere, span())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        BooksError::Withheld {
            origin: mock.origin.clone()
        }
    );
    assert!(mock.seen().is_empty(), "nothing was sent");
}
