//! Books mode: what the mock served, per key, model and UTC day, on OpenAI's, Anthropic's and
//! OpenRouter's organization endpoints, to the admin key only. Admin-side behaviour (refusals,
//! 429s, malformed answers, pagination, extra lines) is in `books_admin.rs`.

use super::*;
use std::collections::BTreeMap;
use switchyard_mock::{BooksExtra, Fault};

pub(super) const ADMIN: &str = "sk-admin-MOCKADMINKEY-0000000000000000";
pub(super) const K1: &str = "sk-proj-AAAAAAAAAAAAAAAAAAAAAAAAAAAA1111";
pub(super) const K2: &str = "sk-proj-BBBBBBBBBBBBBBBBBBBBBBBBBBBB2222";
pub(super) const DAY: u64 = 86_400;

/// Today's UTC day number.
pub(super) fn today() -> u64 {
    unix_now() / DAY
}

/// A books-mode mock accepting K1 and K2, adjusted by `edit`.
pub(super) async fn books_mock(edit: impl FnOnce(&mut MockConfig)) -> MockServer {
    let mut config = MockConfig::instant();
    config.accepted_keys = Some(vec![K1.into(), K2.into()]);
    config.admin_key = Some(ADMIN.into());
    edit(&mut config);
    MockServer::start(config).await.unwrap()
}

/// An extra line of `key` on `model`, `days_ago` days before today.
pub(super) fn extra(key: &str, model: &str, days_ago: u64, cost: f64) -> BooksExtra {
    let day = today() - days_ago;
    let date = reqwest_free_ymd(day);
    BooksExtra {
        key: key.into(),
        model: model.into(),
        day: date,
        input: 100,
        cached_input: 50,
        cache_write: 10,
        output: 20,
        requests: 3,
        cost_usd: cost,
    }
}

/// `YYYY-MM-DD` of a day number (civil-from-days).
pub(super) fn reqwest_free_ymd(day: u64) -> String {
    let z = day as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Percent-encodes a page cursor for a query string.
pub(super) fn enc(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

/// GET `path` on `s` with the admin key in `provider`'s header ("openai", "anthropic",
/// "openrouter"), or `key` instead of it.
pub(super) async fn admin_get(
    s: &MockServer,
    provider: &str,
    key: Option<&str>,
    path: &str,
) -> (StatusCode, Value) {
    let key = key.unwrap_or(ADMIN);
    let req = client().get(format!("{}{path}", s.base_url()));
    let req = match provider {
        "anthropic" => req
            .header("x-api-key", key)
            .header("anthropic-version", "2023-06-01"),
        _ => req.bearer_auth(key),
    };
    get_json(req).await
}

/// (key, model) → (requests, input, output), summed from the answers' usage.
type Served = BTreeMap<(String, String), (u64, u64, u64)>;

fn add(served: &mut Served, key: &str, model: &str, input: u64, output: u64) {
    let e = served.entry((key.into(), model.into())).or_default();
    *e = (e.0 + 1, e.1 + input, e.2 + output);
}

/// Serves a chat completion (streamed with usage, or whole) and books what it answered.
async fn chat(s: &MockServer, served: &mut Served, key: &str, model: &str, stream: bool) {
    let extra = json!({"model": model, "stream_options": {"include_usage": true}});
    let resp = client()
        .post(format!("{}/v1/chat/completions", s.base_url()))
        .bearer_auth(key)
        .json(&chat_body(stream, extra))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let usage = if stream {
        let text = resp.text().await.unwrap();
        let last = sse_events(&text)
            .into_iter()
            .filter_map(|(_, d)| serde_json::from_str::<Value>(&d).ok())
            .rfind(|v| v["usage"].is_object())
            .unwrap();
        last["usage"].clone()
    } else {
        resp.json::<Value>().await.unwrap()["usage"].clone()
    };
    let (i, o) = (
        usage["prompt_tokens"].as_u64().unwrap(),
        usage["completion_tokens"].as_u64().unwrap(),
    );
    add(served, key, model, i, o);
}

/// Serves an Anthropic message (streamed or whole) and books what it answered.
async fn message(s: &MockServer, served: &mut Served, key: &str, model: &str, stream: bool) {
    let body = json!({"model": model, "max_tokens": 50, "stream": stream,
        "messages": [{"role": "user", "content": "How are the books today?"}]});
    let resp = client()
        .post(format!("{}/v1/messages", s.base_url()))
        .header("x-api-key", key)
        .header("anthropic-version", "2023-06-01")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (i, o) = if stream {
        let events = sse_events(&resp.text().await.unwrap());
        let data = |name: &str| -> Value {
            let (_, d) = events.iter().find(|(e, _)| e == name).unwrap();
            serde_json::from_str(d).unwrap()
        };
        let start = data("message_start");
        let delta = data("message_delta");
        (
            start["message"]["usage"]["input_tokens"].as_u64().unwrap(),
            delta["usage"]["output_tokens"].as_u64().unwrap(),
        )
    } else {
        let v: Value = resp.json().await.unwrap();
        (
            v["usage"]["input_tokens"].as_u64().unwrap(),
            v["usage"]["output_tokens"].as_u64().unwrap(),
        )
    };
    add(served, key, model, i, o);
}

/// The redacted value a key's id is listed with, by id, from a keys list.
fn ids(list: &Value, id: &str, redacted: &str) -> BTreeMap<String, String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k[id].as_str().unwrap().to_owned(),
                k[redacted].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn openai_books_equal_what_was_served_per_key_model_and_day() {
    // The first generation meets a fault; a wrong key is refused: neither is billed.
    let s = books_mock(|c| c.faults = vec![Fault::Status(503)]).await;
    let mut served = Served::new();
    let refused = client()
        .post(format!("{}/v1/chat/completions", s.base_url()))
        .bearer_auth(K1)
        .json(&chat_body(false, json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);
    let wrong = client()
        .post(format!("{}/v1/chat/completions", s.base_url()))
        .bearer_auth("sk-proj-WRONG")
        .json(&chat_body(false, json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    chat(&s, &mut served, K1, "demo-chat", false).await;
    chat(&s, &mut served, K1, "demo-chat", true).await;
    chat(&s, &mut served, K1, "demo-fast", true).await;
    chat(&s, &mut served, K2, "demo-fast", false).await;

    let (st, keys) = admin_get(&s, "openai", None, "/v1/organization/projects").await;
    assert_eq!(st, 200);
    assert_eq!(keys["object"], "list");
    let project = keys["data"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/organization/projects/{project}/api_keys");
    let (st, list) = admin_get(&s, "openai", None, &path).await;
    assert_eq!(st, 200, "{list}");
    let redacted = ids(&list, "id", "redacted_value");
    assert_eq!(redacted.len(), 2);
    let id_of = |key: &str| {
        let tail = &key[key.len() - 4..];
        let (id, shown) = redacted.iter().find(|(_, r)| r.ends_with(tail)).unwrap();
        assert_eq!(shown, &format!("{}...{tail}", &key[..6]));
        assert!(id.starts_with("key_"));
        id.clone()
    };

    let start = today() * DAY;
    let path = format!("/v1/organization/usage/completions?start_time={start}&bucket_width=1d&group_by=api_key_id&group_by=model&limit=31");
    let (st, page) = admin_get(&s, "openai", None, &path).await;
    assert_eq!(st, 200, "{page}");
    assert_eq!(
        (&page["object"], &page["has_more"]),
        (&json!("page"), &json!(false))
    );
    let bucket = &page["data"][0];
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        (bucket["object"].clone(), bucket["start_time"].as_u64()),
        (json!("bucket"), Some(start))
    );
    let results = bucket["results"].as_array().unwrap();
    assert_eq!(results.len(), served.len());
    for ((key, model), (requests, input, output)) in &served {
        let r = results
            .iter()
            .find(|r| r["api_key_id"] == json!(id_of(key)) && r["model"] == json!(model))
            .unwrap_or_else(|| panic!("{key} {model} in {page}"));
        assert_eq!(r["object"], "organization.usage.completions.result");
        assert_eq!(r["num_model_requests"].as_u64(), Some(*requests));
        assert_eq!(r["input_tokens"].as_u64(), Some(*input));
        assert_eq!(r["output_tokens"].as_u64(), Some(*output));
        assert_eq!(r["input_cached_tokens"], 0);
        assert!(r["project_id"].is_null() && r["batch"].is_null());
    }

    // Costs: a thousandth of a dollar per request without a listed price.
    let path = format!("/v1/organization/costs?start_time={start}&group_by=line_item");
    let (st, costs) = admin_get(&s, "openai", None, &path).await;
    assert_eq!(st, 200, "{costs}");
    let results = costs["data"][0]["results"].as_array().unwrap();
    for (model, n) in [("demo-chat", 2.0), ("demo-fast", 2.0)] {
        let r = results.iter().find(|r| r["line_item"] == model).unwrap();
        assert_eq!(r["object"], "organization.costs.result");
        assert_eq!(r["amount"]["currency"], "usd");
        assert!((r["amount"]["value"].as_f64().unwrap() - n * 0.001).abs() < 1e-9);
    }
    assert_eq!(s.calls("books"), 4);
}

#[tokio::test]
async fn anthropic_books_equal_what_was_served_and_cost_is_in_cents() {
    const A1: &str = "sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAA-1111";
    const A2: &str = "sk-ant-api03-BBBBBBBBBBBBBBBBBBBBBBBBBBBB-2222";
    let s = books_mock(|c| {
        c.accepted_keys = Some(vec![A1.into(), A2.into()]);
        c.listed_prices = vec![("claude-x".into(), 3.0, 15.0)];
    })
    .await;
    let mut served = Served::new();
    message(&s, &mut served, A1, "claude-x", false).await;
    message(&s, &mut served, A1, "claude-x", true).await;
    message(&s, &mut served, A2, "demo-chat", true).await;

    let (st, list) = admin_get(&s, "anthropic", None, "/v1/organizations/api_keys").await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["has_more"], false);
    let hints = ids(&list, "id", "partial_key_hint");
    let id_of = |key: &str| {
        let (id, _) = hints
            .iter()
            .find(|(_, h)| **h == format!("{}...{}", &key[..16], &key[key.len() - 4..]))
            .unwrap();
        assert!(id.starts_with("apikey_"));
        id.clone()
    };
    let starting_at = format!("{}T00:00:00Z", reqwest_free_ymd(today()));
    let path = format!(
        "/v1/organizations/usage_report/messages?starting_at={starting_at}&group_by[]=api_key_id&group_by[]=model&bucket_width=1d"
    );
    let (st, report) = admin_get(&s, "anthropic", None, &path).await;
    assert_eq!(st, 200, "{report}");
    let bucket = &report["data"][0];
    assert_eq!(bucket["starting_at"], json!(starting_at));
    let results = bucket["results"].as_array().unwrap();
    assert_eq!(results.len(), served.len());
    let mut cost = 0.0;
    for ((key, model), (requests, input, output)) in &served {
        let r = results
            .iter()
            .find(|r| r["api_key_id"] == json!(id_of(key)) && r["model"] == json!(model))
            .unwrap();
        assert_eq!(r["uncached_input_tokens"].as_u64(), Some(*input));
        assert_eq!(r["output_tokens"].as_u64(), Some(*output));
        assert_eq!(r["cache_read_input_tokens"], 0);
        assert_eq!(r["cache_creation"]["ephemeral_5m_input_tokens"], 0);
        cost += match model.as_str() {
            "claude-x" => (*input as f64 * 3.0 + *output as f64 * 15.0) / 1e6,
            _ => *requests as f64 * 0.001,
        };
    }
    let path = format!("/v1/organizations/cost_report?starting_at={starting_at}");
    let (st, report) = admin_get(&s, "anthropic", None, &path).await;
    assert_eq!(st, 200, "{report}");
    let r = &report["data"][0]["results"][0];
    assert_eq!(r["currency"], "USD");
    let cents: f64 = r["amount"].as_str().unwrap().parse().unwrap();
    assert!(
        (cents - cost * 100.0).abs() < 1e-4,
        "{cents} cents for ${cost}"
    );
}

#[tokio::test]
async fn openrouter_key_info_carries_the_keys_own_spend() {
    let s = books_mock(|c| c.books_extra = vec![extra(K1, "m/x", 1, 0.25)]).await;
    let mut served = Served::new();
    chat(&s, &mut served, K1, "demo-chat", false).await;
    chat(&s, &mut served, K1, "demo-chat", true).await;
    chat(&s, &mut served, K2, "demo-chat", false).await;
    let (st, k1) = get_json(
        client()
            .get(format!("{}/v1/key", s.base_url()))
            .bearer_auth(K1),
    )
    .await;
    assert_eq!(st, 200);
    let d = &k1["data"];
    assert!((d["usage"].as_f64().unwrap() - 0.252).abs() < 1e-9, "{k1}");
    assert!((d["usage_daily"].as_f64().unwrap() - 0.002).abs() < 1e-9);
    assert!(d["usage_weekly"].as_f64().unwrap() >= 0.002);
    assert!(d["usage_monthly"].as_f64().unwrap() >= 0.002);
    assert_eq!(d["label"], format!("{}…1111", &K1[..12]));
    assert_eq!(d["is_management_key"], false);
    // The account's keys, by hash, for the management key only.
    let (st, keys) = admin_get(&s, "openrouter", None, "/v1/keys").await;
    assert_eq!(st, 200, "{keys}");
    let k2 = keys["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["label"].as_str().unwrap().ends_with("2222"))
        .unwrap();
    assert_eq!(k2["hash"].as_str().unwrap().len(), 64);
    assert!((k2["usage_daily"].as_f64().unwrap() - 0.001).abs() < 1e-9);
    // Activity covers completed days only: yesterday's line, not today's requests.
    let (st, activity) = admin_get(&s, "openrouter", None, "/v1/activity").await;
    assert_eq!(st, 200, "{activity}");
    let rows = activity["data"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{activity}");
    assert_eq!(rows[0]["date"], reqwest_free_ymd(today() - 1));
    assert_eq!(
        (rows[0]["model"].clone(), rows[0]["requests"].clone()),
        (json!("m/x"), json!(3))
    );
    assert_eq!(rows[0]["prompt_tokens"], 160);
    assert_eq!(rows[0]["completion_tokens"], 20);
    let hash = k2["hash"].as_str().unwrap();
    let (_, none) = admin_get(
        &s,
        "openrouter",
        None,
        &format!("/v1/activity?api_key_hash={hash}"),
    )
    .await;
    assert_eq!(
        none["data"],
        json!([]),
        "K2 has no activity on completed days"
    );
}
