//! Routes through the service and the running gateway: create, use by name, edit, delete; every
//! kind of bad input refused with nothing saved; live breaker state per backend and key.

use super::*;
use switchyard_app::{
    AppError, CacheMode, CompositeWeights, RouteCache, RouteCandidate, RouteDraft, Strategy,
};
use switchyard_domain::Field;

fn cand(backend_id: &str, model: &str, weight: u32) -> RouteCandidate {
    RouteCandidate {
        backend_id: backend_id.into(),
        model: model.into(),
        weight,
    }
}

async fn demo_id(h: &Harness) -> String {
    h.app.backends().list().await.unwrap()[0].row.id.clone()
}

async fn ask(h: &Harness, token: &str, model: &str) -> reqwest::Response {
    let addr = h.app.gateway_addr().unwrap();
    say_hi(addr, token, model).await
}

#[tokio::test]
async fn a_saved_route_serves_requests_by_its_name_until_deleted() {
    let h = start().await;
    let demo = demo_id(&h).await;
    let token = h.app.tokens().create("tests".into()).await.unwrap();
    let token = token.token.expose().clone();
    let draft = RouteDraft {
        name: " fast ".into(),
        strategy: Strategy::Priority,
        candidates: vec![cand(&demo, "demo-fast", 1)],
        cache: Default::default(),
    };
    let saved = h.app.routes().save(None, draft).await.unwrap();
    assert_eq!(saved.moved, None, "a new route is an addition, not a move");
    let saved = saved.view;
    assert_eq!(saved.name, "fast", "trimmed");
    assert_eq!(saved.candidates[0].backend_name.as_deref(), Some("Demo"));

    let r = ask(&h, &token, "FAST").await;
    assert_eq!(r.status(), 200, "route names match case-insensitively");
    assert_eq!(r.headers()["x-switchyard-model"], "demo-fast");

    let renamed = RouteDraft {
        name: "quick".into(),
        strategy: Strategy::Weighted,
        candidates: vec![cand(&demo, "", 2)],
        cache: RouteCache {
            mode: CacheMode::Always,
            ttl_secs: Some(60),
        },
    };
    let edited = h
        .app
        .routes()
        .save(Some(saved.id.clone()), renamed)
        .await
        .unwrap();
    assert_eq!(edited.moved, None, "the same backend: no move");
    let edited = edited.view;
    assert_eq!(
        edited.candidates[0].model, "demo-chat",
        "empty model = the backend's default"
    );
    assert_eq!(
        (edited.cache.mode, edited.cache.ttl_secs),
        (CacheMode::Always, Some(60)),
        "the cache policy is saved"
    );
    assert_eq!(h.app.routes().list().await.unwrap().len(), 1);
    assert_eq!(
        ask(&h, &token, "fast").await.status(),
        404,
        "the old name is gone"
    );
    assert_eq!(ask(&h, &token, "quick").await.status(), 200);

    h.app.routes().delete(saved.id.clone()).await.unwrap();
    assert_eq!(ask(&h, &token, "quick").await.status(), 404);
    assert!(matches!(
        h.app.routes().delete(saved.id).await,
        Err(AppError::NotFound("Route"))
    ));
}

#[tokio::test]
async fn bad_routes_are_refused_with_a_clear_message_and_nothing_is_saved() {
    let h = start().await;
    let demo = demo_id(&h).await;
    let ok = vec![cand(&demo, "demo-chat", 1)];
    let first = RouteDraft {
        name: "best".into(),
        strategy: Strategy::Priority,
        candidates: ok.clone(),
        cache: Default::default(),
    };
    h.app.routes().save(None, first).await.unwrap();
    let cases: Vec<(&str, Strategy, Vec<RouteCandidate>, &str)> = vec![
        ("", Strategy::Priority, ok.clone(), "Give the route a name"),
        ("my route", Strategy::Priority, ok.clone(), "no spaces"),
        (
            "openai/gpt",
            Strategy::Priority,
            ok.clone(),
            "no spaces or “/”",
        ),
        (
            "sk-proj-abcdefghijklmnopqrstuv",
            Strategy::Priority,
            ok.clone(),
            "looks like an API key",
        ),
        ("BEST", Strategy::Priority, ok.clone(), "already exists"),
        ("x", Strategy::Priority, vec![], "at least one candidate"),
        (
            "x",
            Strategy::Priority,
            vec![cand("nope", "m", 1)],
            "no longer exists",
        ),
        (
            "x",
            Strategy::Priority,
            vec![cand(&demo, "m", 1), cand(&demo, "m", 1)],
            "already in the list",
        ),
        (
            "x",
            Strategy::Priority,
            vec![cand(&demo, "m", 5000)],
            "at most 1000",
        ),
        (
            "x",
            Strategy::Weighted,
            vec![cand(&demo, "m", 0)],
            "weight above 0",
        ),
        (
            "x",
            Strategy::Composite(CompositeWeights {
                cost: -1.0,
                latency: 1.0,
                availability: 0.0,
            }),
            ok.clone(),
            "from 0 to 100",
        ),
    ];
    for (name, strategy, candidates, expected) in cases {
        let draft = RouteDraft {
            name: name.into(),
            strategy,
            candidates,
            cache: Default::default(),
        };
        let err = h.app.routes().save(None, draft).await.unwrap_err();
        // Each refusal names the field (and the candidate) the editor shows it under.
        let field = match expected {
            "at least one candidate" => (Field::Candidate, None),
            "no longer exists" => (Field::Candidate, Some(0)),
            "already in the list" => (Field::Candidate, Some(1)),
            "at most 1000" => (Field::Weight, Some(0)),
            "weight above 0" => (Field::Weight, None),
            "from 0 to 100" | "above 0" => (Field::Strategy, None),
            _ => (Field::Name, None),
        };
        assert_eq!(refused_fields(&err), [field], "{name}: {err:?}");
        assert!(err.to_string().contains(expected), "{name}: {err}");
        assert!(
            !err.to_string().contains("abcdefghijklmnop"),
            "never echoes a key"
        );
    }
    let forever = RouteDraft {
        name: "forever".into(),
        strategy: Strategy::Priority,
        candidates: ok.clone(),
        cache: RouteCache {
            mode: CacheMode::Always,
            ttl_secs: Some(0),
        },
    };
    let err = h.app.routes().save(None, forever).await.unwrap_err();
    assert!(err.to_string().contains("cache lifetime"), "{err}");
    let routes = h.app.routes().list().await.unwrap();
    assert_eq!(routes.len(), 1, "nothing saved half-way");
    let missing = RouteDraft {
        name: "z".into(),
        strategy: Strategy::Priority,
        candidates: ok,
        cache: Default::default(),
    };
    assert!(matches!(
        h.app
            .routes()
            .save(Some("no-such-id".into()), missing)
            .await,
        Err(AppError::NotFound("Route"))
    ));
}

#[tokio::test]
async fn live_health_lists_every_enabled_backend_and_measures_served_ones() {
    let h = start().await;
    let token = h.app.tokens().create("tests".into()).await.unwrap();
    let before = h.app.routes().live_health();
    assert_eq!(before.len(), 1, "the Demo backend");
    assert_eq!(before[0].state.breaker.as_str(), "closed");
    assert_eq!(before[0].state.latency_ms, None, "not used yet");
    let r = ask(&h, token.token.expose(), "demo-chat").await;
    assert_eq!(r.status(), 200);
    let after = h.app.routes().live_health();
    assert!(after[0].state.latency_ms.is_some(), "{after:?}");
    assert_eq!(after[0].state.availability, 1.0);
}

#[tokio::test]
async fn backend_limits_are_validated_saved_and_enforced_by_the_gateway() {
    let h = start().await;
    let demo = demo_id(&h).await;
    let token = h.app.tokens().create("tests".into()).await.unwrap();
    let token = token.token.expose().clone();
    let absurd = switchyard_app::BackendLimits {
        max_in_flight: 0,
        rpm: None,
        tpm: None,
    };
    let err = h
        .app
        .backends()
        .set_limits(demo.clone(), absurd)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("from 1 to 1000"), "{err}");
    let one_a_minute = switchyard_app::BackendLimits {
        max_in_flight: 5,
        rpm: Some(1),
        tpm: None,
    };
    let view = h
        .app
        .backends()
        .set_limits(demo.clone(), one_a_minute)
        .await
        .unwrap();
    assert_eq!(view.row.limits, one_a_minute);
    assert_eq!(ask(&h, &token, "demo-chat").await.status(), 200);
    let second = ask(&h, &token, "demo-chat").await;
    assert_eq!(second.status(), 429);
    assert!(second.headers().contains_key("retry-after"));
    let body = second.text().await.unwrap();
    assert!(body.contains("requests-per-minute limit (1)"), "{body}");
}
