//! The response cache through the app: stats and savings from the ledger, invalidation by
//! scope, settings (validated, applied live), restart persistence, and the hit-rate alert.

use super::*;
use switchyard_app::{CacheScope, CacheSettings, HIT_RATE_METRIC};
use switchyard_app_testing::costs::priced;
use switchyard_app_testing::monitored::{start_monitored, wait_for_notification};

async fn ask(app: &Switchyard, token: &str, model: &str, question: &str) -> String {
    let addr = app.gateway_addr().unwrap();
    let r = reqwest::Client::new()
        .post(format!("http://{addr}/v1/chat/completions"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "model": model, "temperature": 0,
            "messages": [{"role": "user", "content": question}]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.headers()
        .get("x-switchyard-cache")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

const SINCE: &str = "2000-01-01T00:00:00Z";

#[tokio::test]
async fn a_repeated_request_shows_as_a_hit_with_its_saving_and_clears_by_scope() {
    let h = start().await;
    let (mock, token) = priced(&h.app).await;
    assert_eq!(
        ask(&h.app, &token, "Priced/gpt-4o-mini", "hello").await,
        "miss"
    );
    assert_eq!(
        ask(&h.app, &token, "Priced/gpt-4o-mini", "hello").await,
        "hit"
    );
    assert_eq!(ask(&h.app, &token, "Priced/gpt-4o", "hello").await, "miss");
    assert_eq!(mock.calls("chat"), 2);
    let o = h.app.cache().overview(SINCE.into()).await.unwrap();
    assert!(o.available);
    assert!(matches!(
        h.app.cache().overview("last week".into()).await,
        Err(switchyard_app::AppError::Validation(_))
    ));
    assert_eq!(
        (o.overall.lookups, o.overall.hits, o.overall.entries),
        (3, 1, 2)
    );
    assert!(o.overall.saved_usd > 0.0, "a priced hit saves money: {o:?}");
    let row = o
        .routes
        .iter()
        .find(|r| r.route == "Priced/gpt-4o-mini")
        .unwrap();
    assert_eq!((row.lookups, row.hits, row.entries), (2, 1, 1));
    assert_eq!(row.hit_rate, Some(0.5));
    assert!(row.bytes > 0);

    let removed = h
        .app
        .cache()
        .clear(CacheScope::Model("gpt-4o".into()))
        .await
        .unwrap();
    assert_eq!(removed, 1, "only gpt-4o's answer");
    assert_eq!(
        h.app
            .cache()
            .clear(CacheScope::Backend("Nobody".into()))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        h.app
            .cache()
            .clear(CacheScope::OlderThan("2000-01-01T00:00:00Z".into()))
            .await
            .unwrap(),
        0,
        "nothing is that old"
    );
    let bad = h
        .app
        .cache()
        .clear(CacheScope::OlderThan("yesterday".into()))
        .await;
    assert!(matches!(bad, Err(switchyard_app::AppError::Validation(_))));
    assert_eq!(
        h.app
            .cache()
            .clear(CacheScope::Route("Priced/gpt-4o-mini".into()))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        ask(&h.app, &token, "Priced/gpt-4o-mini", "hello").await,
        "miss"
    );
    let o = h.app.cache().overview(SINCE.into()).await.unwrap();
    assert_eq!(o.overall.entries, 1);
    assert_eq!(h.app.cache().clear(CacheScope::All).await.unwrap(), 1);
}

#[tokio::test]
async fn settings_are_validated_and_the_switch_applies_at_once() {
    let h = start().await;
    let (mock, token) = priced(&h.app).await;
    let saved = h.app.cache().settings().await.unwrap();
    assert_eq!(saved, CacheSettings::default());
    use switchyard_domain::Field;
    for (bad, field) in [
        (
            CacheSettings {
                ttl_secs: 0,
                ..saved.clone()
            },
            Field::Ttl,
        ),
        (
            CacheSettings {
                ttl_secs: 31 * 86_400,
                ..saved.clone()
            },
            Field::Ttl,
        ),
        (
            CacheSettings {
                disk_mb: 0,
                ..saved.clone()
            },
            Field::DiskMb,
        ),
        (
            CacheSettings {
                memory_entries: 1_000_000,
                ..saved.clone()
            },
            Field::MemoryEntries,
        ),
    ] {
        let err = h.app.cache().set_settings(bad).await.unwrap_err();
        assert_eq!(refused_fields(&err), [(field, None)], "{err}");
    }
    assert_eq!(
        h.app.cache().settings().await.unwrap(),
        saved,
        "nothing saved"
    );
    let off = CacheSettings {
        enabled: false,
        ..saved.clone()
    };
    h.app.cache().set_settings(off).await.unwrap();
    assert_eq!(ask(&h.app, &token, "Priced/gpt-4o-mini", "q").await, "");
    assert_eq!(ask(&h.app, &token, "Priced/gpt-4o-mini", "q").await, "");
    assert_eq!(mock.calls("chat"), 2, "off means off");
    let bigger = CacheSettings {
        disk_mb: 512,
        ..saved
    };
    h.app.cache().set_settings(bigger).await.unwrap();
    let o = h.app.cache().overview(SINCE.into()).await.unwrap();
    assert!(o.restart_needed, "the file size applies at the next start");
}

#[tokio::test]
async fn answers_survive_a_restart_of_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Arc::new(MemoryStore::new());
    let (mock, token) = {
        let app = start_in(dir.path(), &keychain, vec![]).await;
        let (mock, token) = priced(&app).await;
        assert_eq!(
            ask(&app, &token, "Priced/gpt-4o-mini", "persist").await,
            "miss"
        );
        (mock, token)
    };
    // The background disk write lands within moments.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let app = start_in(dir.path(), &keychain, vec![]).await;
    assert!(dir.path().join(switchyard_app::CACHE_FILE).exists());
    assert_eq!(
        ask(&app, &token, "Priced/gpt-4o-mini", "persist").await,
        "hit"
    );
    assert_eq!(mock.calls("chat"), 1);
}

#[tokio::test]
async fn a_low_hit_rate_opens_the_cache_alert() {
    let dir = tempfile::tempdir().unwrap();
    let (app, recorder) = start_monitored(dir.path()).await;
    let (_mock, token) = priced(&app).await;
    assert!(
        app.health()
            .alert_config()
            .await
            .unwrap()
            .rules
            .iter()
            .any(|r| r.id == HIT_RATE_METRIC && r.enabled),
        "the rule is on by default"
    );
    assert_eq!(
        app.cache().report_hit_rate().await.unwrap(),
        None,
        "too few lookups"
    );
    for i in 0..switchyard_app::HIT_RATE_MIN_LOOKUPS {
        ask(&app, &token, "Priced/gpt-4o-mini", &format!("question {i}")).await;
    }
    assert_eq!(app.cache().report_hit_rate().await.unwrap(), Some(0.0));
    wait_for_notification(
        "the cache hit-rate notification",
        &recorder,
        "Response cache",
    )
    .await;
    let alerts = app.health().alerts(10).await.unwrap();
    assert!(
        alerts.iter().any(|a| a.row.rule == HIT_RATE_METRIC),
        "{alerts:?}"
    );
}
