use super::*;
use switchyard_app::secrets::SecretStore;
use switchyard_app::AppError;
use switchyard_domain::{BackendStatus, CheckOutcome, Field};
use switchyard_mock::MockServer;

const VALID: &str = "sk-test-valid-0000000000000001";
const WRONG: &str = "sk-test-wrong-0000000000000002";
const LIMITED: &str = "sk-test-limit-0000000000000003";

/// Adds a backend of `kind` with one key and tests that key.
async fn add_and_test(
    h: &Harness,
    kind: BackendKind,
    name: &str,
    base_url: &str,
    value: &str,
) -> (BackendView, switchyard_app::ProbeResult) {
    let b = h.add_keyed(kind, name, base_url, value).await;
    let r = h.test_first_key(&b).await;
    (b, r)
}

/// Asserts a probe's outcome and HTTP status.
fn assert_probe(r: &switchyard_app::ProbeResult, outcome: CheckOutcome, status: Option<u16>) {
    assert_eq!((r.outcome, r.http_status), (outcome, status), "{r:?}");
}

async fn provider() -> MockServer {
    let mut cfg = MockConfig::instant();
    cfg.accepted_keys = Some(vec![VALID.into()]);
    cfg.rate_limited_keys = vec![LIMITED.into()];
    MockServer::start(cfg).await.unwrap()
}

#[tokio::test]
async fn a_key_is_stored_only_in_the_keychain_and_listed_masked() {
    let h = start().await;
    let b = h.add(openai("OpenAI"), Some(key("work", VALID))).await;
    assert_eq!(b.keys.len(), 1);
    assert_eq!(b.keys[0].row.hint, "sk-…0001");
    assert_eq!(h.keychain.get(&b.keys[0].row.id).unwrap().expose(), VALID);
    let leaks = files_containing(h.dir.path(), "valid-0000000000000001");
    assert!(
        leaks.is_empty(),
        "the key must not be in any file under the data folder: {leaks:?}"
    );
    assert_eq!(
        h.app
            .keys()
            .reveal(b.keys[0].row.id.clone())
            .await
            .unwrap()
            .expose(),
        VALID
    );
}

#[tokio::test]
async fn keychain_unavailable_is_a_typed_error_and_saves_nothing() {
    let h = start().await;
    h.keychain.set_unavailable(true);
    let err = h
        .app
        .backends()
        .create(openai("OpenAI"), Some(key("work", VALID)))
        .await
        .unwrap_err();
    let AppError::Keychain(k) = err else {
        panic!("expected a keychain error, got {err:?}")
    };
    assert!(k.is_unavailable());
    assert_eq!(h.backend_names().await, ["Demo"], "no half-made backend");
    assert!(h.app.keys().keychain_check().await.is_err());
}

#[tokio::test]
async fn several_labelled_keys_per_backend_with_unique_labels() {
    let h = start().await;
    let b = h.add(openai("OpenAI"), Some(key("work", VALID))).await;
    h.add_key(&b, "personal", WRONG).await.unwrap();
    let huge = "x".repeat(5000);
    for (label, value) in [("Work", LIMITED), ("spare", "  "), ("huge", huge.as_str())] {
        let refused = h.add_key(&b, label, value).await.unwrap_err();
        assert!(matches!(refused, AppError::Validation(_)), "{refused:?}");
    }
    let b = h.backend(&b.row.id).await;
    let labels: Vec<_> = b.keys.iter().map(|k| k.row.label.as_str()).collect();
    assert_eq!(labels, ["work", "personal"]);
    assert_eq!(h.keychain.len(), 2);
    h.app.keys().delete(b.keys[0].row.id.clone()).await.unwrap();
    assert_eq!(
        h.keychain.len(),
        1,
        "deleting a key removes it from the keychain"
    );
}

#[tokio::test]
async fn a_key_test_reports_valid_invalid_and_rate_limited_with_latency() {
    let h = start().await;
    let p = provider().await;
    let base = format!("{}/v1", p.base_url());
    let b = h
        .add(
            draft(BackendKind::OpenAiCompatible, "Local", &base),
            Some(key("good", VALID)),
        )
        .await;
    let bad = h.add_key(&b, "bad", WRONG).await.unwrap();
    let lim = h.add_key(&b, "limited", LIMITED).await.unwrap();
    let good = h.test_first_key(&b).await;
    assert_eq!(good.outcome, CheckOutcome::Valid);
    assert!(
        good.message.starts_with("valid, ") && good.latency_ms.is_some(),
        "{good:?}"
    );
    let invalid = h.app.keys().test(&b.row.id, Some(&bad.id)).await.unwrap();
    assert_probe(&invalid, CheckOutcome::Invalid, Some(401));
    let limited = h.app.keys().test(&b.row.id, Some(&lim.id)).await.unwrap();
    assert_eq!(limited.outcome, CheckOutcome::RateLimited);
    assert!(
        limited.message.contains("retry in 7 s"),
        "{}",
        limited.message
    );
    assert_eq!(p.calls("models"), 3, "one zero-cost request per test");
    assert_eq!(h.backend(&b.row.id).await.status, BackendStatus::Healthy);
}

#[tokio::test]
async fn a_key_test_speaks_each_providers_auth_and_probe_endpoint() {
    let h = start().await;
    let p = provider().await;
    let cases = [
        (BackendKind::Anthropic, p.base_url(), "models"),
        (
            BackendKind::Gemini,
            format!("{}/v1beta", p.base_url()),
            "gemini_models",
        ),
        (
            BackendKind::OpenRouter,
            format!("{}/v1", p.base_url()),
            "key",
        ),
        (
            BackendKind::Mistral,
            format!("{}/v1", p.base_url()),
            "models",
        ),
    ];
    for (kind, base, route) in cases {
        let before = p.calls(route);
        let (_, r) = add_and_test(&h, kind, kind.spec().label, &base, VALID).await;
        assert_eq!(r.outcome, CheckOutcome::Valid, "{kind:?}: {r:?}");
        assert_eq!(p.calls(route), before + 1, "{kind:?} must probe {route}");
    }
    // Gemini refuses a bad key with 400 API_KEY_INVALID: that is "invalid", not a provider error.
    let gemini = format!("{}/v1beta", p.base_url());
    let (_, r) = add_and_test(&h, BackendKind::Gemini, "Gemini bad", &gemini, WRONG).await;
    assert_probe(&r, CheckOutcome::Invalid, Some(400));
    // Ollama takes no key at all.
    let open = MockServer::start(MockConfig::instant()).await.unwrap();
    let ollama = h
        .add(draft(BackendKind::Ollama, "Ollama", &open.base_url()), None)
        .await;
    assert_eq!(
        h.app
            .keys()
            .test(&ollama.row.id, None)
            .await
            .unwrap()
            .outcome,
        CheckOutcome::Valid
    );
    assert_eq!(open.calls("tags"), 1);
}

#[tokio::test]
async fn a_key_test_reports_unreachable_and_timeout() {
    let h = start().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/v1", closed.local_addr().unwrap());
    drop(closed);
    let (_, r) = add_and_test(&h, BackendKind::OpenAiCompatible, "Dead", &dead, VALID).await;
    assert_eq!(r.outcome, CheckOutcome::Unreachable, "{r:?}");
    assert!(
        r.message.starts_with("could not connect to 127.0.0.1:"),
        "{}",
        r.message
    );

    let mut slow = MockConfig::instant();
    slow.probe_delay = Duration::from_secs(3);
    let slow = MockServer::start(slow).await.unwrap();
    let base = format!("{}/v1", slow.base_url());
    let (_, r) = add_and_test(&h, BackendKind::OpenAiCompatible, "Slow", &base, VALID).await;
    assert_eq!(r.outcome, CheckOutcome::Timeout, "{r:?}");
}

#[tokio::test]
async fn a_key_test_needs_a_key_where_the_kind_does() {
    let h = start().await;
    let b = h.add(openai("OpenAI"), None).await;
    assert_eq!(b.status, BackendStatus::NoKey);
    assert!(matches!(
        h.app.keys().test(&b.row.id, None).await,
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        h.app.keys().test(&b.row.id, Some("nope")).await,
        Err(AppError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_provider_error_is_not_reported_as_unreachable() {
    let h = start().await;
    let p = provider().await;
    // The mock has no /v1/nothing/models: a 404 from a live server.
    let wrong = format!("{}/v1/nothing", p.base_url());
    let kind = BackendKind::OpenAiCompatible;
    let (b, r) = add_and_test(&h, kind, "Wrong path", &wrong, VALID).await;
    assert_probe(&r, CheckOutcome::Unexpected, Some(404));
    assert_eq!(h.backend(&b.row.id).await.status, BackendStatus::Failing);
}

#[tokio::test]
async fn validate_key_checks_labels_and_kind_without_saving() {
    let h = start().await;
    let b = h.add(openai("OpenAI"), Some(key("work", VALID))).await;
    let v = h
        .app
        .keys()
        .validate(
            b.row.id.clone(),
            key("Work", "sk-ant-api03-abcdefghijklmnop"),
        )
        .await
        .unwrap();
    let fields: Vec<_> = v.issues.iter().map(|i| i.field).collect();
    assert_eq!(fields, [Field::KeyLabel, Field::KeyValue]);
    assert_eq!(h.keychain.len(), 1, "validation saves nothing");
}
