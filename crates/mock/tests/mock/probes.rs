//! Model-list, Gemini, Ollama and OpenRouter probes, and probe_delay.

use super::*;

#[tokio::test]
async fn model_list_switches_shape_by_header() {
    let s = instant().await;
    let url = format!("{}/v1/models", s.base_url());
    let (st, openai) = get_json(client().get(&url).bearer_auth("sk-x")).await;
    assert_eq!(st, 200);
    assert_eq!(openai["object"], "list");
    assert_eq!(openai["data"][0]["id"], "demo-chat");
    assert_eq!(openai["data"][0]["object"], "model");
    assert_eq!(openai["data"][1]["owned_by"], "switchyard-demo");

    let (st, anth) = get_json(client().get(&url).header("anthropic-version", "2023-06-01")).await;
    assert_eq!(st, 200);
    assert_eq!(anth["data"][0]["type"], "model");
    assert_eq!(anth["data"][0]["display_name"], "Demo Chat");
    assert_eq!(anth["has_more"], false);
    assert_eq!(anth["first_id"], "demo-chat");
    assert_eq!(anth["last_id"], "demo-fast");
    let (_, anth2) = get_json(client().get(&url).header("x-api-key", "k")).await;
    assert_eq!(anth2, anth);
    assert_eq!(s.calls("models"), 3);
}

#[tokio::test]
async fn gemini_ollama_openrouter() {
    let s = instant().await;
    let b = s.base_url();
    let (st, g) = get_json(
        client()
            .get(format!("{b}/v1beta/models"))
            .header("x-goog-api-key", "g"),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(g["models"][0]["name"], "models/demo-chat");
    assert_eq!(
        g["models"][0]["supportedGenerationMethods"],
        json!(["generateContent", "countTokens"]),
        "both POST methods the mock serves"
    );
    let (st, o) = get_json(client().get(format!("{b}/api/tags"))).await;
    assert_eq!(st, 200);
    assert_eq!(o["models"][1]["name"], "demo-fast:latest");
    assert_eq!(o["models"][1]["digest"].as_str().unwrap().len(), 64);
    assert!(o["models"][0]["details"].is_object());
    let (st, k) = get_json(client().get(format!("{b}/v1/key")).bearer_auth("or")).await;
    assert_eq!(st, 200);
    // OpenRouter's key info: no generation served yet, the default $10 limit all left.
    assert_eq!(
        k,
        json!({"data": {
            "label": "…", "usage": 0.0, "usage_daily": 0.0, "usage_weekly": 0.0,
            "usage_monthly": 0.0, "byok_usage": 0.0, "byok_usage_daily": 0.0,
            "byok_usage_weekly": 0.0, "byok_usage_monthly": 0.0, "limit": 10.0,
            "limit_remaining": 10.0, "limit_reset": null, "include_byok_in_limit": false,
            "is_free_tier": false, "is_management_key": false, "is_provisioning_key": false,
            "expires_at": null,
        }})
    );
    assert_eq!(
        (s.calls("gemini_models"), s.calls("tags"), s.calls("key")),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn probe_delay_is_honoured() {
    let mut config = MockConfig::instant();
    config.probe_delay = Duration::from_millis(300);
    let s = MockServer::start(config).await.unwrap();
    let fast = Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = fast
        .get(format!("{}/v1/models", s.base_url()))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    // Chat is not a probe: unaffected.
    let resp = fast
        .post(format!("{}/v1/chat/completions", s.base_url()))
        .json(&chat_body(false, json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}
