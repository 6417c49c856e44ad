//! The application core end to end, without a window: real SQLite files in a temp folder, real
//! HTTP providers on 127.0.0.1 (the mock), and the in-memory keychain (the real one is covered by
//! switchyard-secrets' keychain tests and the WebDriver suite).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

#[path = "app/alerts.rs"]
mod alerts;
#[path = "app/alerts_canary.rs"]
mod alerts_canary;
#[cfg(unix)]
#[path = "app/authz.rs"]
mod authz;
#[path = "app/backends.rs"]
mod backends;
#[path = "app/budgets.rs"]
mod budgets;
#[path = "app/cache.rs"]
mod cache;
#[path = "app/catalogue.rs"]
mod catalogue;
#[path = "app/catalogue_bounds.rs"]
mod catalogue_bounds;
#[path = "app/catalogue_choice.rs"]
mod catalogue_choice;
#[path = "app/cli.rs"]
mod cli;
#[path = "app/cli_manage.rs"]
mod cli_manage;
#[path = "app/cli_serve.rs"]
mod cli_serve;
#[path = "app/config_file.rs"]
mod config_file;
#[path = "app/costs.rs"]
mod costs;
#[path = "app/costs_api.rs"]
mod costs_api;
#[path = "app/drills.rs"]
mod drills;
#[path = "app/drills_live.rs"]
mod drills_live;
#[path = "app/drills_runs.rs"]
mod drills_runs;
#[path = "app/egress_sites.rs"]
mod egress_sites;
#[path = "app/gateway_settings.rs"]
mod gateway_settings;
#[path = "app/import.rs"]
mod import;
#[path = "app/keys.rs"]
mod keys;
#[path = "app/metrics.rs"]
mod metrics;
#[path = "app/monitor.rs"]
mod monitor;
#[cfg(unix)]
#[path = "app/my_machines.rs"]
mod my_machines;
#[path = "app/notify_dbus.rs"]
mod notify_dbus;
#[path = "app/port_squat.rs"]
mod port_squat;
#[path = "app/price_sync.rs"]
mod price_sync;
#[path = "app/readiness.rs"]
mod readiness;
#[path = "app/routes.rs"]
mod routes;
#[path = "app/secret_sites.rs"]
mod secret_sites;
#[path = "app/shutdown.rs"]
mod shutdown;
#[cfg(unix)]
#[path = "app/synced_records.rs"]
mod synced_records;
#[cfg(unix)]
#[path = "app/synced_replay.rs"]
mod synced_replay;
#[cfg(unix)]
#[path = "app/synced_rows.rs"]
mod synced_rows;
// A throw-away PostgreSQL: Unix.
#[cfg(unix)]
#[path = "app/synced_scope.rs"]
mod synced_scope;
#[cfg(unix)]
#[path = "app/team.rs"]
mod team;
#[cfg(unix)]
#[path = "app/team_api.rs"]
mod team_api;
#[cfg(unix)]
#[path = "app/team_config.rs"]
mod team_config;
#[cfg(unix)]
#[path = "app/team_locked.rs"]
mod team_locked;
#[cfg(unix)]
#[path = "app/team_neighbour.rs"]
mod team_neighbour;
#[path = "app/team_outbox.rs"]
mod team_outbox;
#[cfg(unix)]
#[path = "app/team_passwords.rs"]
mod team_passwords;
#[path = "app/tools.rs"]
mod tools;
#[path = "app/tools_lifecycle.rs"]
mod tools_lifecycle;
#[path = "app/tools_repair.rs"]
mod tools_repair;
#[path = "app/tools_scope.rs"]
mod tools_scope;
#[path = "app/tools_sweep.rs"]
mod tools_sweep;
#[path = "app/tools_sweep_env.rs"]
mod tools_sweep_env;
#[path = "app/tools_user_env.rs"]
mod tools_user_env;
#[path = "app/update_cli.rs"]
mod update_cli;
#[path = "app/updates.rs"]
mod updates;
#[path = "app/usage.rs"]
mod usage;
#[path = "app/usage_bounds.rs"]
mod usage_bounds;
#[path = "app/usage_packed.rs"]
mod usage_packed;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use switchyard_app::secrets::MemoryStore;
use switchyard_app::{AppPaths, BackendView, Environment, NewKey, Options, Switchyard};
use switchyard_core::{BackendDraft, BackendKind};
use switchyard_mock::MockConfig;

pub struct Harness {
    pub app: Switchyard,
    /// The drills of `app`, built on first use (one instance, as the window's core holds).
    drills: std::sync::OnceLock<switchyard_drills::Drills>,
    pub keychain: Arc<MemoryStore>,
    pub dir: tempfile::TempDir,
}

impl Harness {
    pub fn new(app: Switchyard, keychain: Arc<MemoryStore>, dir: tempfile::TempDir) -> Harness {
        Harness {
            app,
            drills: Default::default(),
            keychain,
            dir,
        }
    }

    /// The drills of this core.
    pub fn drills(&self) -> &switchyard_drills::Drills {
        self.drills
            .get_or_init(|| switchyard_drills::Drills::new(&self.app))
    }

    /// The Tools service of this core (as the window's core builds it).
    pub fn tools(&self) -> switchyard_tools::Tools {
        switchyard_tools::Tools::new(&self.app)
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

    /// Adds a backend (with its first key when given), as the window would: the answer as is.
    pub async fn create(
        &self,
        draft: BackendDraft,
        key: Option<NewKey>,
    ) -> Result<BackendView, switchyard_app::AppError> {
        self.app.backends().create(draft, key).await
    }

    /// Adds a key labelled `label` to backend `b`: the answer as is.
    pub async fn add_key(
        &self,
        b: &BackendView,
        label: &str,
        value: &str,
    ) -> Result<switchyard_store::KeyRow, switchyard_app::AppError> {
        self.app
            .keys()
            .add(b.row.id.clone(), key(label, value))
            .await
    }

    /// Changes backend `id` to `draft`, approving a new host: the answer as is.
    pub async fn update(
        &self,
        id: &str,
        draft: BackendDraft,
    ) -> Result<BackendView, switchyard_app::AppError> {
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

pub async fn start_with(env: Vec<(&str, &str)>) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Arc::new(MemoryStore::new());
    let app = start_in(dir.path(), &keychain, env).await;
    Harness::new(app, keychain, dir)
}

pub async fn start() -> Harness {
    start_with(vec![]).await
}

pub async fn start_in(
    dir: &Path,
    keychain: &Arc<MemoryStore>,
    env: Vec<(&str, &str)>,
) -> Switchyard {
    start_in_custom(dir, keychain, env, |_| {}).await
}

/// As [`start_in`], with `custom` changing the options last.
pub async fn start_in_custom(
    dir: &Path,
    keychain: &Arc<MemoryStore>,
    env: Vec<(&str, &str)>,
    custom: impl FnOnce(&mut Options),
) -> Switchyard {
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
    // As the binaries do: /metrics, /mcp and the team API beside the gateway's own routes.
    opts.mounted = Some(switchyard_interfaces::mount());
    custom(&mut opts);
    Switchyard::start(opts).await.unwrap()
}

/// The fields a refusal names, each with its entry for a list field (empty: it names none).
pub fn refused_fields(e: &switchyard_app::AppError) -> Vec<(switchyard_core::Field, Option<u32>)> {
    match e {
        switchyard_app::AppError::Validation(v) => v
            .issues
            .iter()
            .filter(|i| i.severity == switchyard_core::Severity::Error)
            .map(|i| (i.field, i.index))
            .collect(),
        _ => Vec::new(),
    }
}

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

pub fn key(label: &str, value: &str) -> NewKey {
    NewKey {
        label: label.into(),
        value: value.into(),
    }
}

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

/// Every byte of every file under `dir` (database, WAL, logs), for "the key is nowhere" checks.
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
