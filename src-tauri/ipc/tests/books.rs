//! The providers' books through the command list, as the window calls them: a core on a temporary
//! data folder (real SQLite, an in-memory keychain), no provider reached (no network here).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use serde_json::{json, Value};
use std::sync::Arc;
use switchyard_app::secrets::{MemoryStore, SecretStore};
use switchyard_app::{AppPaths, Options, Switchyard};
use switchyard_domain::{BackendDraft, BackendKind};
use switchyard_ipc::types::{AdminKey, BooksRead, Reconciliation};
use switchyard_ipc::{dispatch, Core, ErrorKind};

async fn core() -> (tempfile::TempDir, Switchyard, Arc<MemoryStore>, Core) {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Arc::new(MemoryStore::new());
    let mut opts = Options::new(AppPaths::under(dir.path()), keychain.clone());
    opts.monitor = false;
    let app = Switchyard::start(opts).await.unwrap();
    let core = Core::new(Ok(app.clone()));
    (dir, app, keychain, core)
}

async fn call<T: serde::de::DeserializeOwned>(core: &Core, name: &str, args: Value) -> T {
    let answer = dispatch(core, name, args).await.unwrap();
    serde_json::from_value(answer).unwrap()
}

#[tokio::test]
async fn an_admin_key_is_stored_masked_listed_reported_and_removed_and_never_comes_back() {
    let (_dir, app, keychain, core) = core().await;
    let none: Vec<Reconciliation> = call(&core, "books_report", json!({ "since_days": 7 })).await;
    assert!(none.is_empty(), "no admin key, no books: {none:?}");

    let draft = BackendDraft {
        name: "OpenAI".into(),
        kind: BackendKind::OpenAi,
        base_url: "https://api.openai.com/v1".into(),
        default_model: "gpt-4o-mini".into(),
    };
    let backend = app.backends().create(draft, None).await.unwrap();
    let secret = "sk-admin-never-echo-this-0123456789abcd";
    let args = json!({ "backend_id": backend.row.id, "key": { "label": "org", "value": secret } });
    let answer = dispatch(&core, "admin_key_add", args).await.unwrap();
    assert!(!answer.to_string().contains(secret), "{answer}");
    let added: AdminKey = serde_json::from_value(answer).unwrap();
    assert_eq!(added.label, "org");
    assert_eq!(added.origin, "https://api.openai.com");
    assert_ne!(added.hint, secret, "masked");
    assert_eq!(
        keychain.get(&added.id).unwrap().expose(),
        secret,
        "in the keychain"
    );

    let listed: Vec<AdminKey> = call(&core, "admin_keys_list", json!({})).await;
    assert_eq!(listed.len(), 1);
    let report: Vec<Reconciliation> = call(&core, "books_report", json!({ "since_days": 7 })).await;
    assert_eq!(report.len(), 1, "a backend with an admin key is reported");
    assert_eq!(report[0].backend_id, backend.row.id);
    assert_eq!(report[0].read_at_ms, None, "never read");
    assert_eq!(report[0].stale, None);

    let _: () = call(&core, "admin_key_remove", json!({ "id": added.id })).await;
    let listed: Vec<AdminKey> = call(&core, "admin_keys_list", json!({})).await;
    assert!(listed.is_empty());
    assert!(keychain.get(&added.id).is_err(), "gone from the keychain");
    let read: Vec<BooksRead> = call(&core, "books_read", json!({ "since_days": 1 })).await;
    assert!(read.is_empty(), "nothing to read without an admin key");
}

#[tokio::test]
async fn books_are_refused_where_the_provider_keeps_none_and_a_key_sent_wrong_is_not_quoted() {
    let (_dir, app, _keychain, core) = core().await;
    let demo = app.backends().list().await.unwrap();
    let demo = demo
        .iter()
        .find(|b| b.row.kind == BackendKind::Demo)
        .unwrap();
    let secret = "sk-admin-never-echo-this-either-0123";
    let args = json!({ "backend_id": demo.row.id, "key": { "label": "org", "value": secret } });
    let err = dispatch(&core, "admin_key_add", args).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable, "{err:?}");
    assert!(err.message.contains("keeps no books"), "{}", err.message);
    assert!(!format!("{err:?}").contains(secret));

    let args = json!({ "backend_id": demo.row.id, "key": secret });
    let err = dispatch(&core, "admin_key_add", args).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Validation);
    assert!(!format!("{err:?}").contains(secret), "{err:?}");
    let err = dispatch(&core, "admin_key_remove", json!({ "id": "admin-nope" }))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
}
