//! `openrouter::read`: each of the user's OpenRouter keys read with itself (`GET /key`: what
//! it spent today), and with a management key the account's activity with each linked key's
//! own apart (`api_key_hash`), against a mock answering in the documented shapes.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod support;

use serde_json::json;
use support::*;
use switchyard_books::openrouter::{self, OwnKey};
use switchyard_books::Span;
use switchyard_domain::books::{BookLine, BookTokens};
use switchyard_gateway::Cleared;
use switchyard_secrets::SecretString;
use time::macros::date;
use time::Date;

const OWN1: &str = "sk-or-v1-aaa0000000000000000000000000000000000000000000000001111";
const OWN2: &str = "sk-or-v1-bbb0000000000000000000000000000000000000000000000002222";
const LABEL1: &str = "sk-or-v1-aaa...1111";
const LABEL2: &str = "sk-or-v1-bbb...2222";
const TODAY: Date = date!(2025 - 08 - 25);

fn span() -> Span {
    Span {
        first: date!(2025 - 08 - 23),
        last: TODAY,
    }
}

fn bearer(seen: &Seen) -> String {
    seen.header("authorization").unwrap_or_default()
}

/// `/key` per presented key, `/keys` (OWN2's label listed twice: it links nothing), and
/// `/activity` of the account or of `hash_a` (OWN1's).
fn provider(seen: &Seen, _: usize) -> Reply {
    let row = |date: &str, requests: u64, prompt: u64, completion: u64, usage: f64| {
        json!({"date": date, "model": "openai/gpt-4.1", "model_permaslug": "openai/gpt-4.1",
               "endpoint_id": "ep-1", "provider_name": "OpenAI", "usage": usage,
               "byok_usage_inference": 0, "requests": requests, "prompt_tokens": prompt,
               "completion_tokens": completion, "reasoning_tokens": 0})
    };
    let listed = |hash: &str, label: &str| json!({"hash": hash, "name": "", "label": label});
    match seen.path.as_str() {
        "/api/v1/key" => {
            let (label, daily) = match bearer(seen).strip_prefix("Bearer ") {
                Some(OWN1) => (LABEL1, 0.25),
                Some(OWN2) => (LABEL2, 0.5),
                _ => return status(401, r#"{"error":{"code":401,"message":"No auth"}}"#),
            };
            json(
                json!({"data": {"label": label, "usage": 9.0, "usage_daily": daily,
                                 "limit": null, "is_free_tier": false}}),
            )
        }
        "/api/v1/keys" => json(match seen.param("offset").as_deref() {
            Some("0") => json!({"data": [listed("hash_a", LABEL1), listed("hash_b", LABEL2),
                                         listed("hash_b2", LABEL2),
                                         listed("hash_x", "Production Key")]}),
            _ => json!({"data": []}),
        }),
        "/api/v1/activity" => json(match seen.param("api_key_hash").as_deref() {
            None => json!({"data": [row("2025-08-24", 5, 500, 50, 0.5),
                                    row("2025-08-25", 1, 1, 1, 0.1),
                                    row("2025-08-22", 9, 9, 9, 9.0)]}),
            Some("hash_a") => json!({"data": [row("2025-08-24", 2, 200, 20, 0.2)]}),
            Some(_) => json!({"data": []}),
        }),
        _ => status(404, r#"{"error":{"code":404,"message":"Not Found"}}"#),
    }
}

fn own(mock: &Mock) -> Vec<OwnKey> {
    [("k1", OWN1), ("k2", OWN2)]
        .into_iter()
        .map(|(id, value)| OwnKey {
            id: id.into(),
            label: format!("label {id}"),
            hint: "sk-or-…".to_string() + &value[value.len() - 4..],
            key: Cleared::check(
                SecretString::new(value.to_string()),
                std::slice::from_ref(&mock.origin),
                &mock.origin,
            )
            .unwrap(),
        })
        .collect()
}

fn base(mock: &Mock) -> String {
    format!("{}/api/v1", mock.origin)
}

fn today(key: &str, usd: f64) -> BookLine {
    BookLine {
        day: "2025-08-25".into(),
        key_id: Some(key.into()),
        model: None,
        requests: None,
        tokens: BookTokens::default(),
        cost_usd: Some(usd),
    }
}

#[tokio::test]
async fn each_key_is_read_with_itself_for_what_it_spent_today() {
    let mock = serve(provider).await;
    let books = openrouter::read(&client(), &base(&mock), &own(&mock), None, span(), TODAY)
        .await
        .unwrap();
    assert_eq!(books.lines, [today("k1", 0.25), today("k2", 0.5)]);
    let keys: Vec<_> = books
        .keys
        .iter()
        .map(|k| (k.id.as_str(), k.name.as_deref(), k.redacted.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("k1", Some("label k1"), "sk-or-…1111"),
            ("k2", Some("label k2"), "sk-or-…2222")
        ]
    );
    // One request per key, with that key; nothing asked of the management endpoints.
    let sent: Vec<_> = mock
        .seen()
        .iter()
        .map(|s| (s.path.clone(), bearer(s)))
        .collect();
    assert_eq!(
        sent,
        [
            ("/api/v1/key".to_string(), format!("Bearer {OWN1}")),
            ("/api/v1/key".to_string(), format!("Bearer {OWN2}"))
        ]
    );
    // A span that ends before today has no line for today.
    let yesterday = Span {
        first: date!(2025 - 08 - 23),
        last: date!(2025 - 08 - 24),
    };
    let books = openrouter::read(&client(), &base(&mock), &own(&mock), None, yesterday, TODAY)
        .await
        .unwrap();
    assert!(books.lines.is_empty(), "{:?}", books.lines);
}

#[tokio::test]
async fn a_management_key_adds_each_linked_keys_own_activity_and_the_rest_apart() {
    let mock = serve(provider).await;
    let management = mock.cleared();
    let own = own(&mock);
    let books = openrouter::read(
        &client(),
        &base(&mock),
        &own,
        Some(&management),
        span(),
        TODAY,
    )
    .await
    .unwrap();
    let line = |key: Option<&str>, requests: u64, input: u64, output: u64, usd: f64| BookLine {
        day: "2025-08-24".into(),
        key_id: key.map(str::to_string),
        model: Some("openai/gpt-4.1".into()),
        requests: Some(requests),
        tokens: BookTokens {
            input,
            output,
            ..Default::default()
        },
        cost_usd: Some(usd),
    };
    assert_eq!(books.lines.len(), 4, "{:#?}", books.lines);
    assert_eq!(books.lines[..2], [today("k1", 0.25), today("k2", 0.5)]);
    // OWN1's own activity (its label is listed once: hash_a), the rest without a key; today's
    // activity row and the day before the span are left out.
    assert_eq!(books.lines[2], line(Some("k1"), 2, 200, 20, 0.2));
    let rest = &books.lines[3];
    assert_eq!(
        (rest.key_id.as_ref(), rest.requests, rest.tokens.total()),
        (None, Some(3), 330)
    );
    assert!((rest.cost_usd.unwrap() - 0.3).abs() < 1e-12);
    // The account's keys not linked to one of the user's stay listed (OWN2's two namesakes).
    let ids: Vec<_> = books.keys.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, ["k1", "k2", "hash_b", "hash_b2", "hash_x"]);
    // The account's activity once, OWN1's once; the management key only on those and /keys.
    let hashes: Vec<_> = mock
        .hits("/activity")
        .iter()
        .map(|s| s.param("api_key_hash"))
        .collect();
    assert_eq!(hashes, [None, Some("hash_a".to_string())]);
    for s in mock.seen().iter().filter(|s| s.path != "/api/v1/key") {
        assert_eq!(bearer(s), format!("Bearer {KEY}"), "{}", s.path);
    }
}

#[tokio::test]
async fn a_key_the_provider_refuses_fails_the_read_without_quoting_it() {
    let mock = serve(|seen, n| match seen.path.as_str() {
        "/api/v1/key" if bearer(seen).ends_with("2222") => status(
            401,
            &format!(r#"{{"error":{{"code":401,"message":"User not found for {OWN2}"}}}}"#),
        ),
        _ => provider(seen, n),
    })
    .await;
    let err = openrouter::read(&client(), &base(&mock), &own(&mock), None, span(), TODAY)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(!text.contains(&OWN2[12..40]), "{text}");
}
