//! `GET /metrics` on the gateway after scripted traffic: every counter equals what the ledger
//! recorded for the same requests (requests by status, tokens, cost, cache lookups), the gauges
//! are read at scrape time, and the format follows `Accept` (OpenMetrics for Prometheus, the
//! text format otherwise). Scrapes need a token: a scrape token reads `/metrics` and nothing else.

use super::*;
use switchyard_app::PriceOverride;

/// The sum of every sample of `name` whose labels contain all of `having`.
fn sum(text: &str, name: &str, having: &[&str]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .filter(|(series, _)| {
            series.split('{').next() == Some(name) && having.iter().all(|h| series.contains(h))
        })
        .map(|(_, v)| v.parse::<f64>().unwrap())
        .sum()
}

#[tokio::test]
async fn counters_match_the_ledger_and_the_format_follows_accept() {
    let h = start().await;
    let price = PriceOverride {
        model: "demo-chat".into(),
        input_per_mtok: 1.0,
        output_per_mtok: 2.0,
        cache_read_per_mtok: None,
        cache_write_per_mtok: None,
    };
    h.app.costs().set_price_override(price).await.unwrap();
    let token = h.app.tokens().create("scripted".into()).await.unwrap();
    let addr = h.app.gateway_addr().unwrap();
    let http = reqwest::Client::new();
    let ask = |model: &str, temperature: f64| {
        http.post(format!("http://{addr}/v1/chat/completions"))
            .bearer_auth(token.token.expose())
            .json(
                &serde_json::json!({"model": model, "temperature": temperature,
                "messages": [{"role": "user", "content": "count me"}]}),
            )
            .send()
    };
    let mut statuses = Vec::new();
    for (model, t) in [
        ("demo-chat", 0.7),
        ("demo-chat", 0.0),
        ("demo-chat", 0.0),
        ("demo-chat", 0.5),
        ("Nope/x", 0.7),
    ] {
        let r = ask(model, t).await.unwrap();
        statuses.push(r.status().as_u16());
        let _ = r.bytes().await;
    }
    assert_eq!(statuses[..4], [200, 200, 200, 200]);
    assert!(statuses[4] >= 400, "{statuses:?}");
    h.app.flush_ledger();
    let ledger = h
        .app
        .gateway_control()
        .recent_requests(switchyard_store::RequestFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    // The request for a model nothing serves is recorded (and counted) as `unknown_model`.
    assert_eq!(ledger.len(), 5);
    assert_eq!(
        ledger
            .iter()
            .filter(|r| r.error_class == Some(switchyard_domain::ErrorClass::UnknownModel))
            .count(),
        1
    );

    let bare = http
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 401, "closed to callers without a token");
    let scraper = h
        .app
        .tokens()
        .create_scoped("prometheus".into(), switchyard_app::TokenScope::Metrics)
        .await
        .unwrap();
    let scrape_token = scraper.token.expose().to_string();
    let refused = say_hi(addr, &scrape_token, "demo-chat").await;
    assert_eq!(refused.status(), 403, "a scrape token cannot spend");
    let scrape = http
        .get(format!("http://{addr}/metrics"))
        .bearer_auth(&scrape_token)
        .send()
        .await
        .unwrap();
    assert_eq!(scrape.status(), 200, "the scrape token reads /metrics");
    let kind = scrape.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let text = scrape.text().await.unwrap();
    assert!(!text.contains("# EOF") && text.contains("# TYPE switchyard_requests_total counter"));

    let n = |f: &dyn Fn(&switchyard_domain::RequestRecord) -> bool| {
        ledger.iter().filter(|r| f(r)).count() as f64
    };
    assert_eq!(
        sum(&text, "switchyard_requests_total", &[]),
        ledger.len() as f64
    );
    assert_eq!(
        sum(&text, "switchyard_requests_total", &["status=\"2xx\""]),
        n(&|r| (200..300).contains(&r.status))
    );
    assert_eq!(
        sum(&text, "switchyard_requests_total", &["tool=\"scripted\""]),
        ledger.len() as f64
    );
    assert_eq!(
        sum(
            &text,
            "switchyard_errors_total",
            &["class=\"unknown_model\""]
        ),
        1.0,
        "errors counted by the ledger's class"
    );
    for (kind, field) in [
        (
            "input",
            (|r| r.input_tokens) as fn(&switchyard_domain::RequestRecord) -> u64,
        ),
        ("output", |r| r.output_tokens),
    ] {
        let ledger_sum: u64 = ledger.iter().map(field).sum();
        assert!(ledger_sum > 0);
        let label = format!("kind=\"{kind}\"");
        assert_eq!(
            sum(&text, "switchyard_tokens_total", &[&label]),
            ledger_sum as f64,
            "{kind} tokens"
        );
    }
    let cost: f64 = ledger.iter().filter_map(|r| r.cost_usd).sum();
    assert!(cost > 0.0);
    assert!((sum(&text, "switchyard_cost_usd_total", &[]) - cost).abs() < 1e-12);
    assert_eq!(
        sum(&text, "switchyard_cache_lookups_total", &[]),
        n(&|r| r.cache.is_some())
    );
    assert_eq!(
        sum(&text, "switchyard_cache_lookups_total", &["result=\"hit\""]),
        n(&|r| r.cache.as_deref() == Some("hit"))
    );
    assert_eq!(
        sum(&text, "switchyard_request_duration_seconds_count", &[]),
        ledger.len() as f64
    );
    assert_eq!(sum(&text, "switchyard_in_flight_requests", &[]), 0.0);
    assert_eq!(sum(&text, "switchyard_ledger_queue_depth", &[]), 0.0);
    assert!(
        text.contains("switchyard_breaker_state{backend=\"Demo\"} 0"),
        "{text}"
    );

    let om = http
        .get(format!("http://{addr}/metrics"))
        .bearer_auth(token.token.expose())
        .header(
            "accept",
            "application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
        )
        .send()
        .await
        .unwrap();
    let kind = om.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    assert!(om.text().await.unwrap().ends_with("# EOF\n"));
}
