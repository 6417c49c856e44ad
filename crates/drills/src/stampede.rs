//! The cache-stampede drill: 100 identical cacheable requests sent at once must make exactly one
//! call to the provider (the cache's single flight), and all be answered. It runs with the
//! user's cache settings; with the cache off it says so and passes nothing.

use super::shadow::Shadow;
use super::Plan;
use switchyard_app::AppError;
use switchyard_app::CacheSettings;
use switchyard_gateway::CacheMode;
use switchyard_mock::MockConfig;
use switchyard_report::{Case, Measurement};

/// Identical requests sent at once.
const CONCURRENT: usize = 100;

/// Generation calls a mock served (chat, messages, Gemini, responses).
fn generations(mock: &switchyard_mock::MockServer) -> u64 {
    ["chat", "messages", "gemini_generate", "responses"]
        .iter()
        .map(|r| mock.calls(r))
        .sum()
}

/// The route (or, without one, the first enabled backend's default model) to stampede.
fn target(plan: &Plan) -> Option<String> {
    if let Some(r) = plan.routes.iter().find(|r| r.cache.mode != CacheMode::Off) {
        return Some(r.name.clone());
    }
    plan.backends
        .iter()
        .find(|b| b.row.enabled)
        .map(|b| format!("{}/{}", b.row.name, b.row.default_model))
}

pub(crate) async fn run(plan: &Plan, settings: &CacheSettings) -> super::Measured {
    let info = |detail: &str| {
        Ok((
            vec![Case {
                id: "cache".into(),
                name: "Cache to drill".into(),
                passed: true,
                importance: "info".into(),
                detail: detail.into(),
                fix: None,
                duration_ms: None,
            }],
            Vec::new(),
        ))
    };
    if !settings.enabled {
        return info(
            "The response cache is off (Cache page), so identical requests all go to the provider.",
        );
    }
    let Some(model) = target(plan) else {
        return info("No enabled backend and no cached route.");
    };
    let shadow = Shadow::build(plan, MockConfig::demo(), None).await?;
    shadow.app.cache().set_settings(settings.clone()).await?;
    let http = super::load::shadow_client(None)
        .ok_or_else(|| AppError::Internal("no HTTP client for the drill".into()))?;
    let url = format!("http://{}/v1/chat/completions", shadow.addr);
    let body = serde_json::json!({"model": model, "temperature": 0, "max_tokens": 16,
        "messages": [{"role": "user", "content": "Switchyard drill: the same question, a hundred times at once."}]});
    let before: u64 = shadow.backends.values().map(|b| generations(&b.mock)).sum();
    let mut asks = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENT {
        let (http, url, body, token) = (
            http.clone(),
            url.clone(),
            body.clone(),
            shadow.token.clone(),
        );
        asks.spawn(async move {
            let r = http.post(url).bearer_auth(token).json(&body).send().await;
            matches!(r, Ok(r) if r.status().is_success())
        });
    }
    let mut answered = 0;
    while let Some(ask) = asks.join_next().await {
        if matches!(ask, Ok(true)) {
            answered += 1;
        }
    }
    let calls: u64 = shadow
        .backends
        .values()
        .map(|b| generations(&b.mock))
        .sum::<u64>()
        - before;
    shadow.stop().await;
    let passed = calls == 1 && answered == CONCURRENT;
    let case = Case {
        id: "stampede".into(),
        name: format!("{model}: {CONCURRENT} identical requests, one provider call"),
        passed,
        importance: "critical".into(),
        detail: format!(
            "{answered} of {CONCURRENT} answered; the provider was called {calls} {}.",
            if calls == 1 { "time" } else { "times" }
        ),
        fix: (!passed).then(|| {
            "Check the route's cache setting (Routes) and the cache switch (Cache page).".into()
        }),
        duration_ms: None,
    };
    let measurements = vec![
        Measurement {
            name: "provider calls".into(),
            value: calls as f64,
            unit: "calls".into(),
            target: Some("1".into()),
        },
        Measurement {
            name: "answered".into(),
            value: answered as f64,
            unit: "requests".into(),
            target: Some(CONCURRENT.to_string()),
        },
    ];
    Ok((vec![case], measurements))
}
