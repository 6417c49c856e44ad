use super::*;
use std::collections::HashSet;

pub(super) fn record(model: &str) -> RequestRecord {
    RequestRecord {
        id: model.into(),
        started_at: "2026-11-23T00:00:00Z".into(),
        token_name: Some("tool".into()),
        inbound: "chat".into(),
        requested_model: model.into(),
        backend: Some("Demo".into()),
        model: Some(model.into()),
        status: 200,
        attempts: 1,
        latency_ms: 12,
        ttfb_ms: Some(5),
        input_tokens: 10,
        output_tokens: 2,
        cost_usd: Some(0.001),
        ..Default::default()
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

/// Every metric the sample Grafana dashboard queries is one this registry serves.
#[tokio::test]
async fn the_grafana_dashboard_queries_only_served_metrics() {
    let m = Metrics::new();
    let mut r = record("demo-chat");
    r.cache = Some("hit".into());
    r.saved_usd = Some(0.01);
    r.error_class = Some(switchyard_domain::ErrorClass::Timeout);
    m.observe(&r);
    let demo = BackendLabel {
        backend: m.names.label("Demo"),
    };
    m.breaker.get_or_create(&demo).set(0);
    m.up.get_or_create(&demo).set(1);
    m.uptime.get_or_create(&demo).set(1.0);
    let served = text::to_prometheus(&m.scrape().await);
    let dashboard: serde_json::Value =
        serde_json::from_str(include_str!("../../../../docs/grafana-dashboard.json")).unwrap();
    let mut queried = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for name in expr
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| w.starts_with("switchyard_"))
            {
                let family = name
                    .trim_end_matches("_bucket")
                    .trim_end_matches("_sum")
                    .trim_end_matches("_count");
                assert!(
                    served.contains(&format!("# TYPE {family} ")),
                    "the dashboard queries {name}, which /metrics does not serve"
                );
                queried += 1;
            }
        }
    }
    assert!(queried >= 12, "{queried}");
}
