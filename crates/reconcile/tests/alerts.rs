//! Unrouted usage raises the `unroutedUsage` alert: a monitored core (alerts notify at once),
//! the provider mock billing a user's key for usage that never passed the gateway.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use switchyard_app_testing::monitored::{start_alerting, wait_for_notification};
use switchyard_app_testing::{add_on_mock, key};
use switchyard_domain::BackendKind;
use switchyard_mock::{BooksExtra, MockConfig, MockServer};
use switchyard_reconcile::Reconcile;

const MAIN: &str = "sk-proj-main0000000000000000000000000000000000001111";
const ADMIN: &str = "sk-admin-books00000000000000000000000000000000009999";

fn today() -> String {
    switchyard_books::span::day(time::OffsetDateTime::now_utc().date())
}

#[tokio::test]
async fn usage_on_a_key_outside_switchyard_notifies_once_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (app, recorder) = start_alerting(dir.path()).await;
    let mut cfg = MockConfig::instant();
    cfg.admin_key = Some(ADMIN.into());
    cfg.books_extra = vec![BooksExtra {
        key: MAIN.into(),
        model: "gpt-4o-mini".into(),
        day: today(),
        input: 5_000,
        cached_input: 0,
        cache_write: 0,
        output: 200,
        requests: 3,
        cost_usd: 0.02,
    }];
    let mock = MockServer::start(cfg).await.unwrap();
    add_on_mock(
        &app,
        BackendKind::OpenAi,
        "OpenAI",
        &mock,
        Some(key("main", MAIN)),
    )
    .await;
    let books = Reconcile::new(&app).unwrap();
    books
        .add_admin_key("OpenAI".into(), "org".into(), ADMIN.into())
        .await
        .unwrap();

    books.read_due().await;
    wait_for_notification("the unrouted usage alert", &recorder, "unroutedTokens").await;
    let sent = recorder.sent();
    let alert = sent
        .iter()
        .find(|n| n.summary.contains("unroutedTokens"))
        .unwrap();
    assert!(alert.summary.contains("5200"), "{}", alert.summary);
    assert!(alert.body.contains("connect the tool"), "{}", alert.body);
    assert!(alert.body.contains("rotate the key"), "{}", alert.body);
    assert!(!format!("{sent:?}").contains(MAIN) && !format!("{sent:?}").contains(ADMIN));

    // Read a moment ago: not read again until a day has passed.
    let calls = mock.calls("books");
    books.read_due().await;
    assert_eq!(mock.calls("books"), calls);
    let open = app.health().alerts(50).await.unwrap();
    assert_eq!(
        open.iter()
            .filter(|a| a.row.rule == "unroutedUsage" && a.row.resolved_at.is_none())
            .count(),
        1,
        "{open:?}"
    );
}
