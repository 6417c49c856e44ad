//! The providers' books on `/metrics`: after a read, yesterday's tokens by the ledger and by the
//! provider, each key's unrouted tokens, the books' age and staleness; promtool accepts it.

use super::*;
use switchyard_mock::{BooksExtra, MockServer};

const MAIN: &str = "sk-proj-main0000000000000000000000000000000000001111";
const ADMIN: &str = "sk-admin-books00000000000000000000000000000000009999";

fn day(days_ago: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() - time::Duration::days(days_ago);
    switchyard_books::span::day(d)
}

fn extra(day: String, input: u64, output: u64) -> BooksExtra {
    BooksExtra {
        key: MAIN.into(),
        model: "gpt-4o-mini".into(),
        day,
        input,
        cached_input: 0,
        cache_write: 0,
        output,
        requests: 1,
        cost_usd: 0.01,
    }
}

#[tokio::test]
async fn the_books_gauges_show_the_provider_beside_the_ledger_and_the_unrouted_tokens() {
    let h = start().await;
    let mut cfg = MockConfig::instant();
    cfg.admin_key = Some(ADMIN.into());
    cfg.books_extra = vec![extra(day(1), 300, 20), extra(day(0), 5_000, 200)];
    let mock = MockServer::start(cfg).await.unwrap();
    add_on_mock(
        &h.app,
        BackendKind::OpenAi,
        "OpenAI",
        &mock,
        Some(key("main", MAIN)),
    )
    .await;
    let books = switchyard_reconcile::Reconcile::new(&h.app).unwrap();
    books
        .add_admin_key("OpenAI".into(), "org".into(), ADMIN.into())
        .await
        .unwrap();
    let span = switchyard_reconcile::Span::last_days(2, time::OffsetDateTime::now_utc());
    assert_eq!(books.read(span, None).await.unwrap()[0].error, None);

    let scraper = h
        .app
        .tokens()
        .create_scoped("prometheus".into(), switchyard_app::TokenScope::Metrics)
        .await
        .unwrap();
    let addr = h.app.gateway_addr().unwrap();
    let text = reqwest::Client::new()
        .get(format!("http://{addr}/metrics"))
        .bearer_auth(scraper.token.expose())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "switchyard_books_tokens{backend=\"OpenAI\",side=\"provider\"} 320",
        "switchyard_books_tokens{backend=\"OpenAI\",side=\"ledger\"} 0",
        "switchyard_books_unrouted_tokens{backend=\"OpenAI\",key=\"main\"} 5520",
        "switchyard_books_stale{backend=\"OpenAI\"} 0",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
    assert!(text.contains("switchyard_books_read_age_seconds{backend=\"OpenAI\"}"));
    assert!(!text.contains(MAIN) && !text.contains(ADMIN));
    switchyard_app_testing::promtool::accepts(&text, "/metrics with the providers' books");
}
