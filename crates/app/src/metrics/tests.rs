use super::*;
use std::collections::HashSet;

fn record(model: &str) -> RequestRecord {
    RequestRecord {
        id: model.into(),
        started_at: "2026-11-23T00:00:00Z".into(),
        token_name: Some("tool".into()),
        inbound: "chat".into(),
        route: None,
        requested_model: model.into(),
        backend: Some("Demo".into()),
        key_label: None,
        model: Some(model.into()),
        status: 200,
        error_class: None,
        reason: None,
        attempts: 1,
        latency_ms: 12,
        ttfb_ms: Some(5),
        input_tokens: 10,
        output_tokens: 2,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        cost_usd: Some(0.001),
        streamed: false,
        cache: None,
        saved_usd: None,
        attempt_list: Vec::new(),
    }
}

#[tokio::test]
async fn a_thousand_model_names_stay_within_the_bound() {
    let m = Metrics::new();
    for i in 0..1000 {
        m.observe(&record(&format!("model-{i}")));
    }
    let text = m.scrape().await;
    let models: HashSet<&str> = text
        .lines()
        .filter(|l| l.starts_with("switchyard_requests_total{"))
        .filter_map(|l| l.split("model=\"").nth(1)?.split('"').next())
        .collect();
    assert_eq!(
        models.len(),
        MAX_MODELS + 1,
        "{} kept, the rest other",
        MAX_MODELS
    );
    assert!(models.contains("other"));
    let other = text
        .lines()
        .find(|l| l.starts_with("switchyard_requests_total{") && l.contains("model=\"other\""))
        .unwrap();
    assert!(other.ends_with(" 900"), "{other}");
}
