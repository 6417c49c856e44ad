//! Repricing the ledger from a provider's own costs, end to end: the gateway prices its
//! requests with the app's price, the provider (the books mock) bills them at its own; on the
//! user's request the ledger's rows and the Costs page move to the provider's figures.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

mod support;

use support::*;

use switchyard_app::{CostRange, PriceOverride, SplitBy};
use switchyard_app_testing::{add_on_mock, key, say_hi, start, Harness};
use switchyard_domain::BackendKind;
use switchyard_mock::{MockConfig, MockServer};
use switchyard_reconcile::Reconcile;

const MAIN: &str = "sk-proj-main0000000000000000000000000000000000001111";
const ADMIN: &str = "sk-admin-books00000000000000000000000000000000009999";
const MODEL: &str = "gpt-4o-mini";
/// The provider's price (USD per M tokens, in and out) and the gateway's, which is lower.
const BILLED: f64 = 1000.0;
const PRICED: f64 = 400.0;

async fn books_mock() -> MockServer {
    let mut cfg = MockConfig::instant();
    cfg.admin_key = Some(ADMIN.into());
    cfg.listed_prices = vec![(MODEL.into(), BILLED, BILLED)];
    MockServer::start(cfg).await.unwrap()
}

/// The Costs page's total cost over the last two days.
async fn costs_page_total(h: &Harness) -> f64 {
    let now = switchyard_app::now_ms();
    let range = CostRange {
        since_ms: now - 2 * 86_400_000,
        until_ms: now + 3_600_000,
        offset_minutes: 0,
    };
    let o = h
        .app
        .costs()
        .overview(range, SplitBy::Backend)
        .await
        .unwrap();
    o.totals.cost_usd
}

#[tokio::test]
async fn on_request_the_ledger_is_repriced_to_the_providers_own_cost_and_the_costs_page_follows() {
    let h = start().await;
    let mock = books_mock().await;
    h.app
        .costs()
        .set_price_override(PriceOverride {
            model: MODEL.into(),
            input_per_mtok: PRICED,
            output_per_mtok: PRICED,
            cache_read_per_mtok: None,
            cache_write_per_mtok: None,
        })
        .await
        .unwrap();
    add_on_mock(
        &h.app,
        BackendKind::OpenAi,
        "OpenAI",
        &mock,
        Some(key("main", MAIN)),
    )
    .await;
    let token = h.app.tokens().create("tool".into()).await.unwrap();
    let addr = h.app.gateway_addr().unwrap();
    for _ in 0..3 {
        let r = say_hi(addr, token.token.expose(), &format!("OpenAI/{MODEL}")).await;
        assert_eq!(r.status(), 200);
    }
    let books = Reconcile::new(&h.app).unwrap();
    books
        .add_admin_key("OpenAI".into(), "org".into(), ADMIN.into())
        .await
        .unwrap();
    let read = books.read(span(), None).await.unwrap();
    assert_eq!(read[0].error, None, "{read:?}");
    let r = settled(&books, 3).await;
    assert!(r.unrouted.is_empty(), "{:?}", r.unrouted);
    let (ledger, billed) = costs_of(&r, "main");
    assert!(billed > 0.0 && ledger > 0.0, "{r:#?}");
    assert!(
        (ledger / billed - PRICED / BILLED).abs() < 1e-6,
        "the gateway priced lower: {ledger} vs {billed}"
    );
    let page_before = costs_page_total(&h).await;
    assert!(
        (page_before - ledger).abs() < 1e-9,
        "{page_before} vs {ledger}"
    );

    // Reading and reporting changed nothing; the user's request does.
    let done = books.reprice_from_books(span()).await.unwrap();
    assert_eq!(done.rows, 3, "{done:?}");
    assert!((done.before_usd - ledger).abs() < 1e-9, "{done:?}");
    assert!((done.after_usd - billed).abs() < 1e-9, "{done:?}");

    let r = books.report(span()).await.unwrap().remove(0);
    let (ledger_after, billed_after) = costs_of(&r, "main");
    assert!((billed_after - billed).abs() < 1e-12);
    assert!(
        (ledger_after - billed).abs() < 1e-9,
        "the ledger is the provider's: {ledger_after} vs {billed}"
    );
    let page_after = costs_page_total(&h).await;
    assert!(
        (page_after - billed).abs() < 1e-9,
        "the Costs page shows the new total: {page_after} vs {billed}"
    );
    // Again: already the provider's, nothing to do.
    let again = books.reprice_from_books(span()).await.unwrap();
    assert_eq!(again.rows, 0, "{again:?}");
}
