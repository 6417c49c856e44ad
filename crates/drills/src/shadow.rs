//! The shadow a drill runs on: a second core in a temporary folder, with an in-memory keychain
//! and its own gateway on a free loopback port, holding the user's routes (same names,
//! strategies, weights, candidates, cache policy), backends (same names, kinds, models, traffic
//! limits, number of keys) and the user's breaker, retry and timeout settings — every backend replaced by a local `switchyard-mock` speaking the backend's own wire
//! format, with made-up keys. Nothing it does reaches a provider, a real key, or the user's
//! ledger, health history or keychain.

use super::Plan;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use switchyard_app::BackendView;
use switchyard_app::RouteDraft;
use switchyard_app::{AppError, AppPaths, NewKey, Options, Switchyard};
use switchyard_domain::{BackendDraft, BackendKind};
use switchyard_gateway::RouteCandidate;
use switchyard_mock::{MockConfig, MockServer};
use switchyard_secrets::{MemoryStore, SecretString};

/// One shadowed backend: its name, its id in the shadow and its mock.
pub(crate) struct ShadowBackend {
    pub name: String,
    pub id: String,
    /// The mock's port (a revived provider comes back on it).
    pub port: u16,
    pub mock: MockServer,
}

/// What stands in for a user backend in the shadow.
pub(crate) enum StandIn {
    /// A local mock in the backend's wire format (with made-up keys as many as the user has).
    Mock(Box<MockConfig>),
    /// The provider itself with these keys, for the live drill (held in the shadow's in-memory
    /// keychain only).
    Real(Vec<NewKey>),
}

/// How a shadow runs besides its backends and routes.
#[derive(Default)]
pub(crate) struct Setup {
    /// The gateway's policy clock (the system clock when `None`).
    pub clock: Option<Arc<dyn switchyard_gateway::Clock>>,
    /// Run the health monitor, probing every target this often (off when `None`).
    pub monitor_every: Option<Duration>,
}

pub(crate) struct Shadow {
    pub app: Switchyard,
    /// User backend id → its stand-in.
    pub backends: HashMap<String, ShadowBackend>,
    pub token: String,
    pub addr: std::net::SocketAddr,
    _dir: tempfile::TempDir,
}

/// Where a backend of `kind` is reached on a mock at `root` (the base URL convention of each
/// kind: OpenAI-style bases end in /v1, Gemini's in /v1beta, Anthropic's and Ollama's are the
/// server root). The Demo backend becomes an OpenAI-compatible one on its own mock.
fn shadow_base(kind: BackendKind, root: &str) -> (BackendKind, String) {
    match kind {
        BackendKind::Anthropic | BackendKind::Ollama => (kind, root.to_string()),
        BackendKind::Gemini => (kind, format!("{root}/v1beta")),
        BackendKind::Demo => (BackendKind::OpenAiCompatible, format!("{root}/v1")),
        _ => (kind, format!("{root}/v1")),
    }
}

/// The kind a backend of `kind` has in the shadow (Demo becomes OpenAI-compatible).
pub(crate) fn shadow_kind(kind: BackendKind) -> BackendKind {
    shadow_base(kind, "").0
}

/// Adds `b` to the shadow core `app` as `kind` at `base_url` with `keys` (the first one in the
/// same transaction) and the user's traffic limits; answers its id in the shadow.
async fn add_backend(
    app: &Switchyard,
    b: &BackendView,
    kind: BackendKind,
    base_url: String,
    keys: Vec<NewKey>,
) -> Result<String, AppError> {
    let draft = BackendDraft {
        name: b.row.name.clone(),
        kind,
        base_url,
        default_model: b.row.default_model.clone(),
    };
    let mut keys = keys.into_iter();
    let created = app.backends().create(draft, keys.next()).await?;
    for key in keys {
        app.keys().add(created.row.id.clone(), key).await?;
    }
    app.backends()
        .set_limits(created.row.id.clone(), b.row.limits)
        .await?;
    Ok(created.row.id)
}

/// A made-up key of the kind's usual shape (the mock accepts any): the shadow's key `n` of a
/// backend of (shadow) `kind`.
pub(crate) fn fake_key(kind: BackendKind, n: usize) -> SecretString {
    let prefix = kind.spec().key_prefixes.last().copied().unwrap_or("drill-");
    SecretString::new(format!("{prefix}drill{n:0>24}"))
}

impl Shadow {
    /// Builds the shadow of `backends` (enabled ones) and `routes`, each mock started with
    /// `mock` (instant by default), its gateway on `clock` (the system clock when `None`).
    pub async fn build(
        plan: &Plan,
        mock: MockConfig,
        clock: Option<Arc<dyn switchyard_gateway::Clock>>,
    ) -> Result<Shadow, AppError> {
        let setup = Setup {
            clock,
            ..Setup::default()
        };
        Shadow::build_with(plan, &|_| StandIn::Mock(Box::new(mock.clone())), setup).await
    }

    /// As [`Shadow::build`], each backend replaced by `stand_in(backend)`.
    pub async fn build_with(
        plan: &Plan,
        stand_in: &(dyn Fn(&BackendView) -> StandIn + Sync),
        setup: Setup,
    ) -> Result<Shadow, AppError> {
        let dir = tempfile::tempdir()
            .map_err(|e| AppError::File(format!("Cannot create a folder for the drill: {e}.")))?;
        let mut opts = Options::new(AppPaths::under(dir.path()), Arc::new(MemoryStore::new()));
        let mut gateway = switchyard_gateway::GatewayConfig::default();
        gateway.bind.set_port(0);
        plan.resilience.apply(&mut gateway);
        opts.gateway = Some(gateway);
        opts.demo = MockConfig::instant();
        opts.monitor = setup.monitor_every.is_some();
        opts.tool_usage = false;
        opts.monitor_interval = setup.monitor_every;
        opts.environment = switchyard_app::Environment::Fixed(Default::default());
        opts.notify = switchyard_app::NotifyChannel::Recording(Arc::new(
            switchyard_notify::RecordingNotifier::new(),
        ));
        opts.probe_timeout = Duration::from_secs(2);
        opts.gateway_clock = setup.clock;
        let app = Switchyard::start(opts).await?;
        for b in app.backends().list().await? {
            app.backends().delete(b.row.id).await?;
        }
        let mut shadowed = HashMap::new();
        let mut ids = HashMap::new();
        for b in plan.backends.iter().filter(|b| b.row.enabled) {
            let (id, mock) = match stand_in(b) {
                StandIn::Mock(config) => {
                    let server = MockServer::start(*config).await.map_err(|e| {
                        AppError::Internal(format!("cannot start a mock provider: {e}"))
                    })?;
                    let (kind, base_url) = shadow_base(b.row.kind, &server.base_url());
                    let keys = if kind.spec().needs_key {
                        b.keys.len().max(1)
                    } else {
                        b.keys.len()
                    };
                    let keys = (0..keys)
                        .map(|n| NewKey {
                            label: b
                                .keys
                                .get(n)
                                .map_or("default".into(), |k| k.row.label.clone()),
                            value: fake_key(kind, n),
                        })
                        .collect();
                    (
                        add_backend(&app, b, kind, base_url, keys).await?,
                        Some(server),
                    )
                }
                StandIn::Real(keys) => {
                    let (kind, base_url) = match b.row.kind {
                        BackendKind::Demo => {
                            (BackendKind::OpenAiCompatible, b.effective_base_url.clone())
                        }
                        kind => (kind, b.row.base_url.clone()),
                    };
                    (add_backend(&app, b, kind, base_url, keys).await?, None)
                }
            };
            ids.insert(b.row.id.clone(), id.clone());
            if let Some(server) = mock {
                shadowed.insert(
                    b.row.id.clone(),
                    ShadowBackend {
                        name: b.row.name.clone(),
                        id,
                        port: server.addr().port(),
                        mock: server,
                    },
                );
            }
        }
        for r in &plan.routes {
            let candidates = r
                .candidates
                .iter()
                .filter_map(|c| {
                    ids.get(&c.backend_id).map(|id| RouteCandidate {
                        backend_id: id.clone(),
                        model: c.model.clone(),
                        weight: c.weight,
                    })
                })
                .collect::<Vec<_>>();
            if candidates.is_empty() {
                continue;
            }
            let draft = RouteDraft {
                name: r.name.clone(),
                strategy: r.strategy,
                candidates,
                cache: r.cache,
            };
            app.routes().save(None, draft).await?;
        }
        let token = app.tokens().create("drill".into()).await?;
        let addr = app.gateway_addr().map_err(AppError::Internal)?;
        Ok(Shadow {
            token: token.token.expose().to_string(),
            app,
            backends: shadowed,
            addr,
            _dir: dir,
        })
    }

    /// The shadow's ledger so far (written out first), newest first.
    pub async fn requests(&self) -> Result<Vec<switchyard_domain::RequestRecord>, AppError> {
        let app = self.app.clone();
        tokio::task::spawn_blocking(move || app.flush_ledger()).await?;
        let all = switchyard_store::RequestFilter {
            limit: 1000,
            ..Default::default()
        };
        self.app.gateway_control().recent_requests(all).await
    }

    /// A load of `in_flight` clients asking `model` of this shadow's gateway.
    pub fn load(&self, model: &str, in_flight: usize) -> super::load::Load {
        super::load::Load {
            addr: self.addr,
            token: self.token.clone(),
            model: model.to_string(),
            in_flight,
        }
    }

    /// Sends one drill request for `model`; answers the backend that served it, `None` when
    /// the answer was not a success.
    pub async fn ask(&self, model: &str) -> Option<String> {
        let url = format!("http://{}/v1/chat/completions", self.addr);
        let answer = super::load::shadow_client(None)?
            .post(url)
            .bearer_auth(&self.token)
            .json(&super::load::chat_body(model))
            .send()
            .await
            .ok()?;
        let by = super::load::served_by(&answer);
        answer.status().is_success().then_some(by).flatten()
    }

    /// The gateway's breaker state for the shadow backend `id`.
    pub fn breaker(&self, id: &str) -> switchyard_domain::Circuit {
        self.app
            .routes()
            .live_health()
            .into_iter()
            .find(|b| b.backend_id == id)
            .map_or(switchyard_domain::Circuit::Closed, |b| b.state.breaker)
    }

    /// Stops the shadow's core and every mock.
    pub async fn stop(self) {
        self.app.shutdown(Duration::from_secs(2)).await;
        for (_, b) in self.backends {
            b.mock.shutdown().await;
        }
    }
}
