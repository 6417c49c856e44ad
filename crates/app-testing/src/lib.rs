//! The harness of switchyard-app's integration tests, shared with the tests of the crates above
//! it (drills, tools, interfaces, the CLI): a core started on a temp data folder with the
//! in-memory keychain, the Demo mock answering at once, a gateway on a free loopback port, a
//! recording notifier and a fixed environment, so a test never touches the user's folders,
//! keychain or desktop. A dev-dependency only (never a normal one: nothing shipped links it).
//!
//! The harness knows only the app: nothing is mounted on the gateway (`Options::mounted`), and a
//! crate above adds its own service to a [`Harness`] through [`Harness::above`] (the drills) or
//! builds it from `app` (the tools); `start_in_custom` lets it mount its routes, and
//! [`starters!`] gives a test binary the four `start…` functions with them mounted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test harness: a failure here is the test's failure"
)]

pub mod catalogue;
pub mod costs;
pub mod machines;
pub mod monitored;
pub mod process;
pub mod promtool;

use std::any::Any;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use switchyard_app::secrets::MemoryStore;
use switchyard_app::{AppError, AppPaths, BackendView, Environment, NewKey, Options, Switchyard};
use switchyard_domain::{BackendDraft, BackendKind};
use switchyard_mock::MockConfig;

/// A started core with its keychain and data folder (deleted when the harness is dropped).
pub struct Harness {
    pub app: Switchyard,
    pub keychain: Arc<MemoryStore>,
    pub dir: tempfile::TempDir,
    /// The one service of a crate above the app this core holds, built on first use.
    above: OnceLock<Box<dyn Any + Send + Sync>>,
}

impl Harness {
    pub fn new(app: Switchyard, keychain: Arc<MemoryStore>, dir: tempfile::TempDir) -> Harness {
        Harness {
            app,
            keychain,
            dir,
            above: OnceLock::new(),
        }
    }

    /// The service of a crate above the app (the drills) that this core holds, built by `build`
    /// on first use: one instance, as the window's core holds one. One type per harness.
    pub fn above<T: Any + Send + Sync>(&self, build: impl FnOnce(&Switchyard) -> T) -> &T {
        self.above
            .get_or_init(|| Box::new(build(&self.app)))
            .downcast_ref()
            .expect("a harness holds one service from above, of one type")
    }

    /// Adds a backend (with its first key when given); it must be accepted.
    pub async fn add(&self, draft: BackendDraft, key: Option<NewKey>) -> BackendView {
        self.app.backends().create(draft, key).await.unwrap()
    }

    /// Adds a backend of `kind` at `base_url` with one key labelled "k"; it must be accepted.
    pub async fn add_keyed(
        &self,
        kind: BackendKind,
        name: &str,
        base_url: &str,
        value: &str,
    ) -> BackendView {
        self.add(draft(kind, name, base_url), Some(key("k", value)))
            .await
    }

    /// Adds a key labelled `label` to backend `b`: the answer as is.
    pub async fn add_key(
        &self,
        b: &BackendView,
        label: &str,
        value: &str,
    ) -> Result<switchyard_store::KeyRow, AppError> {
        self.app
            .keys()
            .add(b.row.id.clone(), key(label, value))
            .await
    }

    /// Changes backend `id` to `draft`, approving a new host: the answer as is.
    pub async fn update(&self, id: &str, draft: BackendDraft) -> Result<BackendView, AppError> {
        self.app
            .backends()
            .update(id.into(), draft, switchyard_app::config_file::Approved::All)
            .await
    }

    /// Backend `id` as it is now.
    pub async fn backend(&self, id: &str) -> BackendView {
        self.app.backends().get(id).await.unwrap()
    }

    /// The first backend that `is` picks.
    pub async fn find_backend(&self, is: impl Fn(&BackendView) -> bool) -> BackendView {
        let all = self.app.backends().list().await.unwrap();
        all.into_iter().find(|b| is(b)).unwrap()
    }

    /// The names of all backends, in order.
    pub async fn backend_names(&self) -> Vec<String> {
        names(&self.app.backends().list().await.unwrap())
    }

    /// Tests a backend's first key against its provider.
    pub async fn test_first_key(&self, b: &BackendView) -> switchyard_app::ProbeResult {
        self.app
            .keys()
            .test(&b.row.id, Some(&b.keys[0].row.id))
            .await
            .unwrap()
    }
}

/// Emits a test binary's `start`, `start_with`, `start_in` and `start_in_custom`: the harness's
/// core, with `mount` changing its options first (a crate above the app mounts its interfaces
/// there, as its binary does) and a `custom` of `start_in_custom` after it. The harness's own
/// are `starters!(|_| {})`.
#[macro_export]
macro_rules! starters {
    ($mount:expr) => {
        /// A core on a fresh temp folder and keychain, with an empty environment.
        pub async fn start() -> $crate::Harness {
            start_with(vec![]).await
        }

        /// A core on a fresh temp folder and keychain, with `env` as its whole environment.
        pub async fn start_with(env: Vec<(&str, &str)>) -> $crate::Harness {
            $crate::start_with_custom(env, $mount).await
        }

        /// A core on `dir` with `keychain` (a second core on the same folder, or a restart).
        pub async fn start_in(
            dir: &::std::path::Path,
            keychain: &::std::sync::Arc<$crate::__app::secrets::MemoryStore>,
            env: Vec<(&str, &str)>,
        ) -> $crate::__app::Switchyard {
            start_in_custom(dir, keychain, env, |_| {}).await
        }

        /// As `start_in`, with `custom` changing the options last.
        pub async fn start_in_custom(
            dir: &::std::path::Path,
            keychain: &::std::sync::Arc<$crate::__app::secrets::MemoryStore>,
            env: Vec<(&str, &str)>,
            custom: impl FnOnce(&mut $crate::__app::Options),
        ) -> $crate::__app::Switchyard {
            let mut opts = $crate::options(dir, keychain, env);
            ($mount)(&mut opts);
            custom(&mut opts);
            $crate::__app::Switchyard::start(opts).await.unwrap()
        }
    };
}

#[doc(hidden)]
pub use switchyard_app as __app;

starters!(|_| {});

/// As [`start_with`], with `custom` changing the options last (a crate above the app mounts its
/// interfaces here, as its binary does).
pub async fn start_with_custom(
    env: Vec<(&str, &str)>,
    custom: impl FnOnce(&mut Options),
) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Arc::new(MemoryStore::new());
    let app = start_in_custom(dir.path(), &keychain, env, custom).await;
    Harness::new(app, keychain, dir)
}

/// The harness's options for a core on `dir` with `keychain`: the Demo mock answering at once,
/// a gateway on a free loopback port, short probes, `env` as the whole environment, a recording
/// notifier and no health monitor.
pub fn options(dir: &Path, keychain: &Arc<MemoryStore>, env: Vec<(&str, &str)>) -> Options {
    let mut opts = Options::new(AppPaths::under(dir), keychain.clone());
    opts.demo = MockConfig::instant();
    opts.gateway = Some(switchyard_app::GatewayConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    });
    opts.probe_timeout = Duration::from_millis(400);
    opts.environment =
        Environment::Fixed(env.into_iter().map(|(k, v)| (k.into(), v.into())).collect());
    opts.notify = switchyard_app::NotifyChannel::Recording(Arc::new(
        switchyard_notify::RecordingNotifier::new(),
    ));
    opts.monitor = false;
    opts
}

/// A core with a gateway, the given keychain, a temp data folder and a temp HOME for the tools
/// (no tool on the `PATH`); `custom` changes the options last. (core, data folder, HOME).
pub async fn start_in_home(
    secrets: Arc<dyn switchyard_app::secrets::SecretStore>,
    custom: impl FnOnce(&mut Options),
) -> (Switchyard, tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut opts = Options::new(AppPaths::under(dir.path()), secrets);
    opts.demo = MockConfig::instant();
    opts.gateway = Some(switchyard_app::GatewayConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    });
    opts.monitor = false;
    opts.environment = Environment::Fixed(vec![]);
    opts.tools_home = Some(switchyard_toolconfig::Home {
        home: home.path().to_path_buf(),
        vars: Default::default(),
        env_store: None,
    });
    opts.tools_path = Some(String::new());
    custom(&mut opts);
    (Switchyard::start(opts).await.unwrap(), dir, home)
}

/// The fields a refusal names, each with its entry for a list field (empty: it names none).
pub fn refused_fields(e: &AppError) -> Vec<(switchyard_domain::Field, Option<u32>)> {
    match e {
        AppError::Validation(v) => v
            .issues
            .iter()
            .filter(|i| i.severity == switchyard_domain::Severity::Error)
            .map(|i| (i.field, i.index))
            .collect(),
        _ => Vec::new(),
    }
}

/// A backend draft of `kind` (its default model, or "local-model" for a kind with none).
pub fn draft(kind: BackendKind, name: &str, base_url: &str) -> BackendDraft {
    BackendDraft {
        name: name.into(),
        kind,
        base_url: base_url.into(),
        default_model: match kind.spec().default_model {
            "" => "local-model".into(),
            m => m.into(),
        },
    }
}

/// Adds a backend of `kind` named `name` at `mock`'s `/v1`, with `key` when given; it must be
/// accepted.
pub async fn add_on_mock(
    app: &Switchyard,
    kind: BackendKind,
    name: &str,
    mock: &switchyard_mock::MockServer,
    key: Option<NewKey>,
) -> BackendView {
    let base = format!("{}/v1", mock.base_url());
    app.backends()
        .create(draft(kind, name, &base), key)
        .await
        .unwrap()
}

/// An OpenAI backend named `name` at the real OpenAI address.
pub fn openai(name: &str) -> BackendDraft {
    draft(BackendKind::OpenAi, name, "https://api.openai.com/v1")
}

/// A new key labelled `label`.
pub fn key(label: &str, value: &str) -> NewKey {
    NewKey {
        label: label.into(),
        value: value.into(),
    }
}

/// The backends' names, in order.
pub fn names(list: &[BackendView]) -> Vec<String> {
    list.iter().map(|b| b.row.name.clone()).collect()
}

/// The JSON answer to `request`, whatever its status.
pub async fn json_of<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    request.send().await.unwrap().json().await.unwrap()
}

/// One "hi" chat request for `model` through the gateway at `addr`.
pub async fn say_hi(addr: std::net::SocketAddr, token: &str, model: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("http://{addr}/v1/chat/completions"))
        .bearer_auth(token)
        .json(&serde_json::json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap()
}

/// Every file under `dir` (database, WAL, logs) holding `needle`, for "the key is nowhere"
/// checks.
pub fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    hits.push(path.display().to_string());
                }
            }
        }
    }
    hits
}
