//! `openai::read` when OpenAI's organization endpoints misbehave: 429s, another shape, a
//! repeated cursor, a refused key, another error, a key for another origin.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[path = "openai/fixtures.rs"]
mod fixtures;
mod support;

use fixtures::*;
use serde_json::json;
use std::time::{Duration, Instant};
use support::*;
use switchyard_books::{openai, BooksError};
use switchyard_domain::books::BooksProvider;

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
