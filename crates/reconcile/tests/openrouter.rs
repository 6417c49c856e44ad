//! OpenRouter's books end to end, with the user's ordinary keys only: a core with its gateway,
//! the books mock (which keeps what it served per key, model and day, and answers `GET /v1/key`
//! with what the presented key spent today), requests through the gateway on one key and one
//! straight to the provider on the other (a tool left unconnected, a copied key).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

mod support;

use support::*;

use switchyard_app::PriceOverride;
use switchyard_app_testing::{add_on_mock, draft, key, say_hi, start, Harness};
use switchyard_domain::books::BooksProvider;
use switchyard_domain::BackendKind;
use switchyard_mock::{MockConfig, MockServer};
use switchyard_reconcile::Reconcile;

const MAIN: &str = "sk-or-v1-main000000000000000000000000000000000000000000000001111";
const SPARE: &str = "sk-or-v1-spare00000000000000000000000000000000000000000000002222";
const MOVED: &str = "sk-or-v1-moved00000000000000000000000000000000000000000000003333";
/// A model both sides price alike: the mock's listed price, the app's override. Dear enough
/// that one short request costs more than the half cent taken for rounding.
const MODEL: &str = "house-router-1";
const PER_MTOK: f64 = 1000.0;

/// The books mock, recording every request it is sent (headers verbatim) to `record`.
async fn books_mock(record: Option<std::path::PathBuf>) -> MockServer {
    let mut cfg = MockConfig::instant();
    cfg.listed_prices = vec![(MODEL.into(), PER_MTOK, PER_MTOK)];
    cfg.record = record;
    MockServer::start(cfg).await.unwrap()
}

async fn price_like_the_mock(h: &Harness) {
    h.app
        .costs()
        .set_price_override(PriceOverride {
            model: MODEL.into(),
            input_per_mtok: PER_MTOK,
            output_per_mtok: PER_MTOK,
            cache_read_per_mtok: None,
            cache_write_per_mtok: None,
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn openrouter_keys_read_with_themselves_show_todays_cost_and_what_switchyard_did_not_route() {
    let h = start().await;
    let mock = books_mock(None).await;
    price_like_the_mock(&h).await;
    let b = add_on_mock(
        &h.app,
        BackendKind::OpenRouter,
        "OpenRouter",
        &mock,
        Some(key("main", MAIN)),
    )
    .await;
    h.add_key(&b, "spare", SPARE).await.unwrap();
    let token = h.app.tokens().create("tool".into()).await.unwrap();
    let addr = h.app.gateway_addr().unwrap();
    for _ in 0..2 {
        let r = say_hi(addr, token.token.expose(), &format!("OpenRouter/{MODEL}")).await;
        assert_eq!(r.status(), 200, "{:?}", r.text().await);
    }
    outside(&mock, SPARE, MODEL).await;

    // No admin key: the user's own keys suffice.
    let books = Reconcile::new(&h.app).unwrap();
    assert!(books.admin_keys().await.unwrap().is_empty());
    let read = books.read(span(), None).await.unwrap();
    assert_eq!(read.len(), 1, "{read:?}");
    assert_eq!(
        (read[0].provider, read[0].error.as_deref(), read[0].lines),
        (BooksProvider::OpenRouter, None, Some(2)),
        "{read:?}"
    );
    let r = settled(&books, 2).await;
    assert_eq!(r.provider, BooksProvider::OpenRouter);
    assert!(r.stale.is_none() && r.read_at_ms.is_some());
    let matched: Vec<_> = r.keys.iter().map(|k| k.key_id.as_deref()).collect();
    let ids: Vec<_> = b.keys.iter().map(|k| Some(k.row.id.as_str())).collect();
    assert_eq!(matched[0], ids[0], "{:?}", r.keys);
    assert_eq!(matched.len(), 2, "{:?}", r.keys);

    // Today's cost on both keys; on "main" the gateway's ledger is the provider's bill.
    let (ledger_main, billed_main) = costs_of(&r, "main");
    let (ledger_spare, billed_spare) = costs_of(&r, "spare");
    assert!(billed_main > 0.01 && billed_spare > 0.005, "{r:#?}");
    assert!(
        (ledger_main - billed_main).abs() < 1e-9,
        "the same prices on both sides: {ledger_main} vs {billed_main}"
    );
    assert_eq!(ledger_spare, 0.0, "the gateway never used spare");
    // The outside request is unrouted spend on "spare", by cost (OpenRouter gives no tokens
    // per key); nothing on "main".
    assert_eq!(r.unrouted.len(), 1, "{:?}", r.unrouted);
    let u = &r.unrouted[0];
    assert_eq!(u.key_label, "spare");
    assert_eq!(u.tokens.total(), 0);
    assert!((u.cost_usd.unwrap() - billed_spare).abs() < 1e-9, "{u:?}");
    assert!((u.share - 1.0).abs() < 1e-9);
    let today = r.days.last().unwrap();
    let billed = today.provider.cost_usd.unwrap();
    assert!((billed - billed_main - billed_spare).abs() < 1e-9);
    // No key in anything shown.
    let shown = format!("{r:?}{read:?}");
    assert!(!shown.contains(&MAIN[10..40]) && !shown.contains(&SPARE[10..40]));
}

/// Every request `record` holds (one JSON line each, headers verbatim).
fn recorded(record: &std::path::Path) -> String {
    std::fs::read_to_string(record).unwrap_or_default()
}

#[tokio::test]
async fn a_key_not_approved_for_the_backends_address_is_not_read() {
    let h = start().await;
    let dir = tempfile::tempdir().unwrap();
    let first = books_mock(None).await;
    let b = add_on_mock(
        &h.app,
        BackendKind::OpenRouter,
        "OpenRouter",
        &first,
        Some(key("main", MAIN)),
    )
    .await;
    h.add_key(&b, "spare", SPARE).await.unwrap();
    // The backend's address changes without the user approving the new host for its keys.
    let record = dir.path().join("other.jsonl");
    let other = books_mock(Some(record.clone())).await;
    let moved = draft(
        BackendKind::OpenRouter,
        "OpenRouter",
        &format!("{}/v1", other.base_url()),
    );
    let handles = h.app.books_handles();
    handles
        .backends
        .update_backend(&b.row.id, &moved)
        .unwrap()
        .unwrap();

    let books = Reconcile::new(&h.app).unwrap();
    let read = books.read(span(), None).await.unwrap();
    let why = read[0].error.clone().unwrap_or_default();
    assert!(
        why.contains("None of OpenRouter's keys is approved for")
            && why.contains(&other.base_url()),
        "{read:?}"
    );
    assert_eq!(other.calls("key"), 0, "nothing sent for an unapproved key");

    // A key added now is approved for the new address: it alone is read there.
    h.add_key(&b, "moved", MOVED).await.unwrap();
    let read = books.read(span(), None).await.unwrap();
    assert_eq!(read[0].error, None, "{read:?}");
    let r = books.report(span()).await.unwrap().remove(0);
    let read_keys: Vec<_> = r.keys.iter().filter_map(|k| k.name.as_deref()).collect();
    assert_eq!(read_keys, ["moved"], "{:?}", r.keys);
    let sent = recorded(&record);
    assert!(sent.contains("/v1/key") && sent.contains(MOVED), "{sent}");
    assert!(
        !sent.contains(MAIN) && !sent.contains(SPARE),
        "the unapproved keys never reached the new host"
    );
}

#[tokio::test]
async fn with_a_management_key_past_days_are_read_per_key_and_unrouted_by_tokens() {
    const MANAGEMENT: &str = "sk-or-v1-mgmt0000000000000000000000000000000000000000000000009999";
    const ELSEWHERE: &str = "sk-or-v1-else0000000000000000000000000000000000000000000000008888";
    let yesterday =
        switchyard_books::span::day(time::OffsetDateTime::now_utc().date() - time::Duration::DAY);
    let extra = |key: &str, input: u64, cost_usd: f64| switchyard_mock::BooksExtra {
        key: key.into(),
        model: MODEL.into(),
        day: yesterday.clone(),
        input,
        cached_input: 0,
        cache_write: 0,
        output: 100,
        requests: 1,
        cost_usd,
    };
    let mut cfg = MockConfig::instant();
    cfg.admin_key = Some(MANAGEMENT.into());
    cfg.books_extra = vec![extra(SPARE, 1000, 0.5), extra(ELSEWHERE, 400, 0.3)];
    cfg.books_page_size = Some(1);
    let mock = MockServer::start(cfg).await.unwrap();
    let h = start().await;
    let b = add_on_mock(
        &h.app,
        BackendKind::OpenRouter,
        "OpenRouter",
        &mock,
        Some(key("main", MAIN)),
    )
    .await;
    h.add_key(&b, "spare", SPARE).await.unwrap();
    let books = Reconcile::new(&h.app).unwrap();
    books
        .add_admin_key("OpenRouter".into(), "management".into(), MANAGEMENT.into())
        .await
        .unwrap();
    let read = books.read(span(), None).await.unwrap();
    assert_eq!(read[0].error, None, "{read:?}");
    let r = books.report(span()).await.unwrap().remove(0);
    // Yesterday on "spare": its own activity (tokens), all of it outside Switchyard.
    assert_eq!(r.unrouted.len(), 1, "{:?}", r.unrouted);
    let u = &r.unrouted[0];
    assert_eq!(
        (u.day.as_str(), u.key_label.as_str()),
        (yesterday.as_str(), "spare")
    );
    assert_eq!(u.tokens.total(), 1100);
    assert!((u.cost_usd.unwrap() - 0.5).abs() < 1e-9, "{u:?}");
    // The key Switchyard does not keep: its usage shown without a key, never unrouted.
    let rest: Vec<_> = r
        .lines
        .iter()
        .filter(|l| l.day == yesterday && l.key_id.is_none() && l.provider.tokens.total() > 0)
        .map(|l| l.provider.tokens.total())
        .collect();
    assert_eq!(rest, [500], "{:#?}", r.lines);
    let day = r.days.iter().find(|d| d.day == yesterday).unwrap();
    assert_eq!(day.provider.requests, Some(2));
    assert_eq!(day.unrouted_tokens, 1100);
}
