//! `openai::read` against a mock of OpenAI's organization Usage, Costs and project-key endpoints
//! on 127.0.0.1, answering in the documented shapes (the reference's own example values).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[path = "openai/fixtures.rs"]
mod fixtures;
mod support;

use fixtures::*;

use support::*;

use switchyard_domain::books::BookTokens;

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
