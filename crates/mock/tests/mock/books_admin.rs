//! Books mode, the admin side: pagination, extra lines, refusals, 429s, malformed answers and
//! parameter errors.

use super::books::{
    admin_get, books_mock, enc, extra, reqwest_free_ymd, today, ADMIN, DAY, K1, K2,
};
use super::*;

/// Follows `next_page` from `first` to the end; every page has at most one bucket.
async fn all_pages(s: &MockServer, provider: &str, first: &str) -> Vec<Value> {
    let mut buckets = Vec::new();
    let mut path = first.to_owned();
    for _ in 0..50 {
        let (st, page) = admin_get(s, provider, None, &path).await;
        assert_eq!(st, 200, "{page}");
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= 1, "page size 1: {page}");
        buckets.extend(data.iter().cloned());
        if page["has_more"] == false {
            assert!(page["next_page"].is_null());
            return buckets;
        }
        let token = page["next_page"].as_str().unwrap();
        path = format!("{first}&page={}", enc(token));
    }
    panic!("pagination never ended");
}

#[tokio::test]
async fn page_size_one_is_followed_to_the_end_with_the_same_totals() {
    let s = books_mock(|c| {
        c.books_page_size = Some(1);
        c.books_extra = vec![extra(K1, "m/a", 3, 0.5), extra(K2, "m/b", 1, 0.25)];
    })
    .await;
    let start = (today() - 4) * DAY;
    let openai =
        format!("/v1/organization/usage/completions?start_time={start}&group_by=model&limit=31");
    let buckets = all_pages(&s, "openai", &openai).await;
    // Five days through today; the empty ones have empty results.
    assert_eq!(buckets.len(), 5);
    let sizes: Vec<usize> = buckets
        .iter()
        .map(|b| b["results"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [0, 1, 0, 1, 0]);
    let input: u64 = buckets
        .iter()
        .flat_map(|b| b["results"].as_array().unwrap().clone())
        .map(|r| r["input_tokens"].as_u64().unwrap())
        .sum();
    assert_eq!(
        input,
        2 * 160,
        "input_tokens include cache reads and writes"
    );
    assert_eq!(buckets[1]["results"][0]["input_cached_tokens"], 50);
    assert_eq!(buckets[1]["results"][0]["num_model_requests"], 3);

    let costs = all_pages(
        &s,
        "openai",
        &format!("/v1/organization/costs?start_time={start}"),
    )
    .await;
    let total: f64 = costs
        .iter()
        .flat_map(|b| b["results"].as_array().unwrap().clone())
        .map(|r| r["amount"]["value"].as_f64().unwrap())
        .sum();
    assert!((total - 0.75).abs() < 1e-9);

    let starting_at = format!("{}T00:00:00Z", reqwest_free_ymd(today() - 4));
    let anthropic = format!("/v1/organizations/usage_report/messages?starting_at={starting_at}&group_by[]=model&limit=31");
    let buckets = all_pages(&s, "anthropic", &anthropic).await;
    assert_eq!(buckets.len(), 5);
    let line = &buckets[1]["results"][0];
    assert_eq!(
        buckets[1]["starting_at"],
        format!("{}T00:00:00Z", reqwest_free_ymd(today() - 3))
    );
    assert_eq!(
        (
            line["uncached_input_tokens"].clone(),
            line["cache_read_input_tokens"].clone()
        ),
        (json!(100), json!(50))
    );
    assert_eq!(line["cache_creation"]["ephemeral_5m_input_tokens"], 10);
    assert_eq!(
        (line["model"].clone(), line["output_tokens"].clone()),
        (json!("m/a"), json!(20))
    );
    let cost = all_pages(
        &s,
        "anthropic",
        &format!("/v1/organizations/cost_report?starting_at={starting_at}"),
    )
    .await;
    let amounts: Vec<&str> = cost
        .iter()
        .flat_map(|b| b["results"].as_array().unwrap())
        .map(|r| r["amount"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["50", "25"], "cents, as decimal strings");

    // List pages: one key per page, `after`/`after_id` to the end.
    let (_, first) = admin_get(&s, "anthropic", None, "/v1/organizations/api_keys").await;
    assert_eq!(
        (
            first["data"].as_array().unwrap().len(),
            first["has_more"].clone()
        ),
        (1, json!(true))
    );
    let after = first["last_id"].as_str().unwrap();
    let (_, second) = admin_get(
        &s,
        "anthropic",
        None,
        &format!("/v1/organizations/api_keys?after_id={after}"),
    )
    .await;
    assert_eq!(
        (
            second["data"].as_array().unwrap().len(),
            second["has_more"].clone()
        ),
        (1, json!(false))
    );
    assert_ne!(second["last_id"], first["last_id"]);
}

#[tokio::test]
async fn extra_lines_appear_on_their_day_and_key() {
    let s = books_mock(|c| {
        c.books_extra = vec![extra("sk-proj-UNROUTED-elsewhere-9999", "gpt-x", 2, 0.5)]
    })
    .await;
    let start = (today() - 2) * DAY;
    let end = (today() - 1) * DAY;
    let path = format!(
        "/v1/organization/usage/completions?start_time={start}&end_time={end}&group_by=api_key_id"
    );
    let (st, page) = admin_get(&s, "openai", None, &path).await;
    assert_eq!(st, 200, "{page}");
    let results = page["data"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let project = "proj_switchyard_mock";
    let (_, keys) = admin_get(
        &s,
        "openai",
        None,
        &format!("/v1/organization/projects/{project}/api_keys"),
    )
    .await;
    let unrouted = keys["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["redacted_value"] == "sk-pro...9999")
        .unwrap();
    assert_eq!(results[0]["api_key_id"], unrouted["id"]);
    assert_eq!(results[0]["model"], Value::Null, "not grouped by model");
    let (_, activity) = admin_get(
        &s,
        "openrouter",
        None,
        &format!("/v1/activity?date={}", reqwest_free_ymd(today() - 2)),
    )
    .await;
    assert!(
        (activity["data"][0]["usage"].as_f64().unwrap() - 0.5).abs() < 1e-9,
        "{activity}"
    );
}

#[tokio::test]
async fn throttled_requests_get_429_with_retry_after_then_succeed() {
    let s = books_mock(|c| c.books_throttle = 3).await;
    let start = today() * DAY;
    let openai = format!("/v1/organization/usage/completions?start_time={start}");
    let resp = client()
        .get(format!("{}{openai}", s.base_url()))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(header(&resp, "retry-after"), "1");
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], "rate_limit_exceeded");
    let (st, v) = admin_get(&s, "anthropic", None, "/v1/organizations/api_keys").await;
    assert_eq!(
        (st, v["error"]["type"].clone()),
        (StatusCode::TOO_MANY_REQUESTS, json!("rate_limit_error"))
    );
    let (st, v) = admin_get(&s, "openrouter", None, "/v1/activity").await;
    assert_eq!(
        (st, v["error"]["code"].clone()),
        (StatusCode::TOO_MANY_REQUESTS, json!(429))
    );
    let (st, v) = admin_get(&s, "openai", None, &openai).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["object"], "page");
}

#[tokio::test]
async fn malformed_mode_answers_200_with_another_shape() {
    let s = books_mock(|c| c.books_malformed = true).await;
    let start = today() * DAY;
    for (provider, path) in [
        (
            "openai",
            format!("/v1/organization/usage/completions?start_time={start}"),
        ),
        ("anthropic", "/v1/organizations/api_keys".to_owned()),
        ("openrouter", "/v1/activity".to_owned()),
    ] {
        let (st, v) = admin_get(&s, provider, None, &path).await;
        assert_eq!(st, 200);
        assert!(v.get("data").is_none() && v.get("object").is_none(), "{v}");
    }
    // An ordinary key is still refused before anything else.
    let (st, _) = admin_get(&s, "openai", Some(K1), "/v1/organization/projects").await;
    assert_eq!(st, 401);
}

#[tokio::test]
async fn ordinary_keys_are_refused_on_admin_endpoints_and_the_admin_key_on_generation() {
    let s = books_mock(|_| {}).await;
    let start = today() * DAY;
    let usage = format!("/v1/organization/usage/completions?start_time={start}");
    let (st, v) = admin_get(&s, "openai", Some(K1), &usage).await;
    assert_eq!(st, 401);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("api.usage.read"),
        "{v}"
    );
    let (st, v) = get_json(client().get(format!("{}{usage}", s.base_url()))).await;
    assert_eq!(
        (st, v["error"]["type"].clone()),
        (StatusCode::UNAUTHORIZED, json!("invalid_request_error"))
    );
    let (st, v) = admin_get(&s, "anthropic", Some(K1), "/v1/organizations/api_keys").await;
    assert_eq!(
        (st, v["type"].clone(), v["error"]["type"].clone()),
        (
            StatusCode::FORBIDDEN,
            json!("error"),
            json!("permission_error")
        )
    );
    let (st, v) = admin_get(&s, "openrouter", Some(K1), "/v1/activity").await;
    assert_eq!(
        (st, v["error"]["code"].clone()),
        (StatusCode::FORBIDDEN, json!(403))
    );

    let chat = client()
        .post(format!("{}/v1/chat/completions", s.base_url()))
        .bearer_auth(ADMIN)
        .json(&chat_body(false, json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(chat.status(), 401);
    let messages = client()
        .post(format!("{}/v1/messages", s.base_url()))
        .header("x-api-key", ADMIN)
        .header("anthropic-version", "2023-06-01")
        .json(&json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(messages.status(), 401);
    // OpenRouter's management key may read its own key info (and has spent nothing).
    let (st, v) = get_json(
        client()
            .get(format!("{}/v1/key", s.base_url()))
            .bearer_auth(ADMIN),
    )
    .await;
    assert_eq!(
        (
            st,
            v["data"]["is_management_key"].clone(),
            v["data"]["usage"].clone()
        ),
        (StatusCode::OK, json!(true), json!(0.0))
    );
    // Without books mode the admin endpoints do not exist.
    let plain = instant().await;
    let (st, _) = admin_get(&plain, "openai", None, &usage).await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn parameter_errors_answer_the_providers_400() {
    let s = books_mock(|_| {}).await;
    for (path, param) in [
        (
            "/v1/organization/usage/completions".to_owned(),
            "start_time",
        ),
        (
            format!(
                "/v1/organization/usage/completions?start_time={}&bucket_width=2d",
                today() * DAY
            ),
            "bucket_width",
        ),
        (
            format!(
                "/v1/organization/costs?start_time={}&limit=181",
                today() * DAY
            ),
            "limit",
        ),
        (
            "/v1/organization/usage/completions?start_time=1&group_by=colour".to_owned(),
            "group_by",
        ),
    ] {
        let (st, v) = admin_get(&s, "openai", None, &path).await;
        assert_eq!(st, 400, "{path}");
        assert_eq!(
            (v["error"]["type"].clone(), v["error"]["param"].clone()),
            (json!("invalid_request_error"), json!(param))
        );
    }
    for path in [
        "/v1/organizations/usage_report/messages",
        "/v1/organizations/usage_report/messages?starting_at=yesterday",
        "/v1/organizations/cost_report?starting_at=2025-01-01T00:00:00Z&bucket_width=1h",
    ] {
        let (st, v) = admin_get(&s, "anthropic", None, path).await;
        assert_eq!(
            (st, v["error"]["type"].clone()),
            (StatusCode::BAD_REQUEST, json!("invalid_request_error")),
            "{path}"
        );
    }
    let no_version = client()
        .get(format!("{}/v1/organizations/api_keys", s.base_url()))
        .header("x-api-key", ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(no_version.status(), 400);
    let (st, _) = admin_get(&s, "openrouter", None, "/v1/activity?date=2001-01-01").await;
    assert_eq!(st, 400);
    let (st, _) = admin_get(
        &s,
        "openai",
        None,
        "/v1/organization/projects/proj_other/api_keys",
    )
    .await;
    assert_eq!(st, 404);
}
