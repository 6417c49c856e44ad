//! The socket between the window and the core, for real: a core on a temporary data folder
//! (real SQLite, an in-memory keychain), served at its data folder's endpoint (the same
//! `interprocess` local socket every platform uses), called through `Client`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use switchyard_app::secrets::MemoryStore;
use switchyard_app::{AppPaths, Options, Switchyard};
use switchyard_channel::Endpoint;
use switchyard_ipc::types::{Backend, CreatedToken, KindInfo, Token};
use switchyard_ipc::wire::{self, CallFuture, Client, Handler};
use switchyard_ipc::{dispatch, Core, ErrorKind, UiEvent};
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

struct Served {
    core: Core,
    ui: broadcast::Sender<UiEvent>,
}

impl Handler for Served {
    fn call(self: Arc<Self>, name: String, args: Value) -> CallFuture {
        Box::pin(async move { dispatch(&self.core, &name, args).await })
    }
    fn events(&self) -> broadcast::Receiver<UiEvent> {
        self.ui.subscribe()
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    socket: Endpoint,
    stop: CancellationToken,
    app: Switchyard,
}

async fn serve() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = Options::new(AppPaths::under(dir.path()), Arc::new(MemoryStore::new()));
    opts.monitor = false;
    let app = Switchyard::start(opts).await.unwrap();
    let (ui, _) = broadcast::channel(64);
    let mut rx = app.subscribe();
    let forward = ui.clone();
    tokio::spawn(async move {
        while let Some(e) = UiEvent::from_received(rx.recv().await) {
            let _ = forward.send(e);
        }
    });
    let socket = Endpoint::new(dir.path());
    let listener = socket.listen().await.unwrap();
    let stop = CancellationToken::new();
    let handler = Arc::new(Served {
        core: Core::new(Ok(app.clone())),
        ui,
    });
    tokio::spawn(wire::serve(
        listener,
        handler,
        TaskTracker::new(),
        stop.clone(),
    ));
    Fixture {
        _dir: dir,
        socket,
        stop,
        app,
    }
}

#[tokio::test]
async fn commands_answer_typed_values_and_typed_errors() {
    let f = serve().await;
    let (tx, _rx) = mpsc::unbounded_channel();
    let client = Client::connect(&f.socket, tx).await.unwrap();

    let kinds: Vec<KindInfo> = client.call("backend_kinds", json!({})).await.unwrap();
    assert!(kinds.len() >= 8, "every backend kind: {}", kinds.len());
    let backends: Vec<Backend> = client.call("list_backends", json!({})).await.unwrap();
    assert_eq!(backends.len(), f.app.backends().list().await.unwrap().len());

    // The core's validation, with its field issues, reaches the window unchanged.
    let draft = json!({"name": "", "kind": "openAi", "baseUrl": "not a url", "defaultModel": ""});
    let err = client
        .call::<Backend>("create_backend", json!({ "draft": draft }))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Validation);
    assert!(!err.issues.is_empty(), "field issues travel: {err:?}");

    let err = client
        .call::<Value>("no_such_command", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    let err = client
        .call::<Value>("revoke_token", json!({ "id": 42 }))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Validation, "{err:?}");
    assert!(err.message.contains("revoke_token"), "{}", err.message);

    // A key sent in the wrong shape is refused without being quoted back.
    let secret = "sk-proj-never-echo-this-0123456789";
    let err = client
        .call::<Value>("add_key", json!({ "backend_id": "b", "key": secret }))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Validation);
    assert!(!format!("{err:?}").contains(secret), "{err:?}");
}

#[tokio::test]
async fn concurrent_calls_each_get_their_own_answer_and_events_arrive() {
    let f = serve().await;
    let (tx, mut events) = mpsc::unbounded_channel();
    let client = Arc::new(Client::connect(&f.socket, tx).await.unwrap());
    let calls = (0..40).map(|i| {
        let client = client.clone();
        async move {
            let created: CreatedToken = client
                .call("create_token", json!({ "name": format!("tool-{i}") }))
                .await
                .unwrap();
            assert_eq!(created.token.name, format!("tool-{i}"));
            created
        }
    });
    let created = futures_join(calls).await;
    let listed: Vec<Token> = client.call("list_tokens", json!({})).await.unwrap();
    for c in &created {
        assert!(listed.iter().any(|t| t.id == c.token.id));
    }
    let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .expect("an event within 5 s");
    assert!(matches!(event, Some(UiEvent::TokensChanged)), "{event:?}");
}

#[tokio::test]
async fn a_call_in_flight_when_the_core_goes_ends_with_a_typed_error() {
    let f = serve().await;
    let (tx, _events) = mpsc::unbounded_channel();
    let client = Client::connect(&f.socket, tx).await.unwrap();
    let _: Vec<Token> = client.call("list_tokens", json!({})).await.unwrap();
    f.stop.cancel();
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if client.is_closed() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(ended.is_ok(), "the client noticed the core went away");
    let err = client
        .call::<Value>("list_tokens", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Internal);
    assert!(
        err.message.contains("core process stopped"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn a_line_over_the_limit_or_garbage_closes_only_that_connection() {
    use tokio::io::AsyncWriteExt;
    let f = serve().await;
    let mut raw = f.socket.connect().await.unwrap();
    raw.write_all(b"this is not json\n").await.unwrap();
    let (tx, _events) = mpsc::unbounded_channel();
    let client = Client::connect(&f.socket, tx).await.unwrap();
    let _: Vec<Token> = client.call("list_tokens", json!({})).await.unwrap();
}

async fn futures_join<F: std::future::Future<Output = T> + Send + 'static, T: Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<T> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
