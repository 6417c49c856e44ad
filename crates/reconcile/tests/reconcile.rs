//! The providers' books end to end: a core with its gateway, a provider mock that keeps its own
//! books of what it served (per key, model and day) on OpenAI's and Anthropic's documented
//! organization endpoints, requests through the gateway and some straight to the provider with
//! the user's keys (what a tool left unconnected, or a copied key, would do).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

mod support;

use support::*;

use switchyard_app_testing::{add_on_mock, key, say_hi, start, Harness};
use switchyard_domain::books::BooksProvider;
use switchyard_domain::BackendKind;
use switchyard_mock::{MockConfig, MockServer};
use switchyard_reconcile::Reconcile;
use switchyard_secrets::SecretStore;

const MAIN: &str = "sk-proj-main0000000000000000000000000000000000001111";
const SPARE: &str = "sk-proj-spare000000000000000000000000000000000002222";
const ADMIN: &str = "sk-admin-books00000000000000000000000000000000009999";

async fn books_mock() -> MockServer {
    let mut cfg = MockConfig::instant();
    cfg.admin_key = Some(ADMIN.into());
    cfg.books_page_size = Some(1);
    MockServer::start(cfg).await.unwrap()
}

async fn openai_with_two_keys(h: &Harness, mock: &MockServer) {
    let b = add_on_mock(
        &h.app,
        BackendKind::OpenAi,
        "OpenAI",
        mock,
        Some(key("main", MAIN)),
    )
    .await;
    h.add_key(&b, "spare", SPARE).await.unwrap();
}

#[tokio::test]
async fn openai_books_beside_the_ledger_name_the_usage_outside_switchyard_per_key() {
    let h = start().await;
    let mock = books_mock().await;
    openai_with_two_keys(&h, &mock).await;
    let token = h.app.tokens().create("tool".into()).await.unwrap();
    let addr = h.app.gateway_addr().unwrap();
    for _ in 0..2 {
        let r = say_hi(addr, token.token.expose(), "OpenAI/gpt-4o-mini").await;
        assert_eq!(r.status(), 200);
    }
    outside(&mock, MAIN, "gpt-4o-mini").await;
    outside(&mock, SPARE, "gpt-4o-mini").await;

    let books = Reconcile::new(&h.app).unwrap();
    let admin = books
        .add_admin_key("OpenAI".into(), "org".into(), ADMIN.into())
        .await
        .unwrap();
    assert_eq!(admin.hint, "sk-admin-…9999");
    // The admin key is not one of the backend's keys: the gateway cannot send it anywhere.
    let keys = &h.app.backends().list().await.unwrap()[1].keys;
    assert_eq!(
        keys.iter()
            .map(|k| k.row.label.as_str())
            .collect::<Vec<_>>(),
        ["main", "spare"]
    );

    let read = books.read(span(), None).await.unwrap();
    assert_eq!(read.len(), 1, "{read:?}");
    assert_eq!(read[0].error, None, "{read:?}");
    let r = settled(&books, 2).await;
    assert_eq!(r.provider, BooksProvider::OpenAi);
    assert!(r.stale.is_none() && r.read_at_ms.is_some());
    let matched: Vec<_> = r.keys.iter().map(|k| k.key_id.is_some()).collect();
    assert_eq!(matched, [true, true], "{:?}", r.keys);
    let provider: u64 = r.days.iter().filter_map(|d| d.provider.requests).sum();
    let ledger: u64 = r.days.iter().filter_map(|d| d.ledger.requests).sum();
    assert_eq!((ledger, provider), (2, 4));
    // Each key's unrouted tokens: exactly one outside request each.
    let mut unrouted: Vec<_> = r
        .unrouted
        .iter()
        .map(|u| (u.key_label.clone(), u.tokens.total()))
        .collect();
    unrouted.sort();
    assert_eq!(unrouted.len(), 2, "{unrouted:?}");
    assert_eq!(unrouted[0].0, "main");
    assert_eq!(unrouted[1].0, "spare");
    assert_eq!(unrouted[0].1, unrouted[1].1, "the same request on each key");
    assert!(unrouted[0].1 > 0);
    // The gateway's rows on "main" match the provider's figures for them.
    let gw: u64 = r
        .lines
        .iter()
        .filter(|l| l.key_label.as_deref() == Some("main"))
        .map(|l| l.ledger.tokens.total())
        .sum();
    let billed: u64 = r
        .lines
        .iter()
        .filter(|l| l.key_label.as_deref() == Some("main"))
        .map(|l| l.provider.tokens.total())
        .sum();
    assert_eq!(billed - gw, unrouted[0].1);
}

#[tokio::test]
async fn a_provider_that_cannot_be_read_leaves_the_last_books_shown_as_stale() {
    let h = start().await;
    let mock = books_mock().await;
    openai_with_two_keys(&h, &mock).await;
    outside(&mock, SPARE, "gpt-4o-mini").await;
    let books = Reconcile::new(&h.app).unwrap();
    books
        .add_admin_key("OpenAI".into(), String::new(), ADMIN.into())
        .await
        .unwrap();
    assert_eq!(books.read(span(), None).await.unwrap()[0].error, None);
    mock.stop();
    let again = books.read(span(), None).await.unwrap();
    let why = again[0].error.clone().unwrap();
    assert!(why.contains("OpenAI could not be read"), "{why}");
    let r = books.report(span()).await.unwrap().remove(0);
    assert!(
        r.stale
            .as_deref()
            .is_some_and(|s| s.contains("could not be read")),
        "{:?}",
        r.stale
    );
    assert_eq!(r.unrouted.len(), 1, "the books read before are still shown");
    // Neither message quotes a key.
    for text in [why, format!("{r:?}")] {
        assert!(!text.contains(ADMIN) && !text.contains(SPARE));
    }
}

#[tokio::test]
async fn an_admin_key_goes_only_to_its_backends_address_and_leaves_with_its_backend() {
    let h = start().await;
    let mock = books_mock().await;
    openai_with_two_keys(&h, &mock).await;
    let books = Reconcile::new(&h.app).unwrap();
    let admin = books
        .add_admin_key("OpenAI".into(), "org".into(), ADMIN.into())
        .await
        .unwrap();
    assert_eq!(admin.origin, mock.base_url());
    assert!(h.keychain.get(&admin.id).is_ok());
    // The backend moves to another host: the admin key is withheld, nothing is sent.
    let other = books_mock().await;
    let b = h.app.backends().list().await.unwrap().remove(1);
    let mut draft = switchyard_app_testing::draft(
        BackendKind::OpenAi,
        "OpenAI",
        &format!("{}/v1", other.base_url()),
    );
    draft.default_model = b.row.default_model.clone();
    h.update(&b.row.id, draft).await.unwrap();
    let read = books.read(span(), None).await.unwrap();
    assert!(
        read[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("not sent")),
        "{read:?}"
    );
    assert_eq!(other.calls("books"), 0);
    // A kind without books is refused with its reason; the backend's removal takes the key.
    let demo = books
        .add_admin_key("Demo".into(), "x".into(), ADMIN.into())
        .await
        .unwrap_err();
    assert!(demo.to_string().contains("keeps no books"), "{demo}");
    h.app.backends().delete(b.row.id).await.unwrap();
    assert!(books.admin_keys().await.unwrap().is_empty());
    assert!(
        h.keychain.get(&admin.id).is_err(),
        "the keychain entry went with it"
    );
}

#[tokio::test]
async fn anthropic_books_count_cache_reads_and_writes_apart() {
    let h = start().await;
    let mut cfg = MockConfig::instant();
    cfg.admin_key = Some("sk-ant-admin01-books000000000000000000000000000000AAAA".into());
    let mock = MockServer::start(cfg).await.unwrap();
    let user = "sk-ant-api03-user00000000000000000000000000000000000000000000BBBB";
    let b = h
        .add(
            switchyard_app_testing::draft(BackendKind::Anthropic, "Anthropic", &mock.base_url()),
            Some(key("main", user)),
        )
        .await;
    let token = h.app.tokens().create("tool".into()).await.unwrap();
    let r = say_hi(
        h.app.gateway_addr().unwrap(),
        token.token.expose(),
        "Anthropic/claude-haiku-4-5",
    )
    .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let books = Reconcile::new(&h.app).unwrap();
    books
        .add_admin_key(
            b.row.id.clone(),
            "org".into(),
            "sk-ant-admin01-books000000000000000000000000000000AAAA".into(),
        )
        .await
        .unwrap();
    let read = books.read(span(), Some("Anthropic".into())).await.unwrap();
    assert_eq!(read[0].error, None, "{read:?}");
    let r = settled(&books, 1).await;
    assert_eq!(r.keys.len(), 1);
    assert_eq!(
        r.keys[0].key_id.as_deref(),
        Some(b.keys[0].row.id.as_str()),
        "{:?}",
        r.keys
    );
    assert!(r.unrouted.is_empty(), "{:?}", r.unrouted);
    let l: u64 = r.days.iter().map(|d| d.ledger.tokens.total()).sum();
    let p: u64 = r.days.iter().map(|d| d.provider.tokens.total()).sum();
    assert_eq!(l, p);
    assert!(l > 0);
}
