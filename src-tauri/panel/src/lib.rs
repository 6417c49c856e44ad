//! The control panel in a browser (`switchyard serve --ui`): the window's UI, built into this
//! crate, served under `/panel/` on the gateway's address, with the window's commands and events
//! over HTTP. It is one more client of the core process, beside the window: both see the same
//! state at once.
//!
//! Invariants:
//! - It is mounted on the gateway ([`Panel::mount`]), behind the gateway's Host and network
//!   checks; its doors are the authorization table's `Panel` rows, which the guard lets through
//!   without a token because the panel signs its browser in itself (`session`).
//! - Every call after sign-in passes one gate (`api::gate`), from the headers alone: same origin
//!   and CSRF value for a change, the session's token still valid, the table's verdict for its
//!   scope here. Only then is a body read, under its route's cap and deadline (`body`), and only
//!   so many at once, so the panel cannot hold the connections the gateway's tools need.
//! - Every command the window has is routed (`commands::route`) and allowed by its row of the
//!   authorization table; what only a desktop can do is answered as such, and the native file
//!   dialogs become uploads and downloads (`files`), which mint the core's file handles.
//! - No key value is ever sent: the commands are the window's, which mask them.

mod api;
mod assets;
mod body;
mod commands;
mod events;
mod files;
mod reply;
mod session;
mod signin;
mod sse;

pub use assets::CSP;
pub use body::{BODIES_AT_ONCE, SIGN_INS_AT_ONCE};
pub use commands::{route, Route};
pub use events::EVENT_NAMES;
pub use session::{CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE};
pub use session::{MAX_SESSIONS, PER_TOKEN};

use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::{Arc, OnceLock};
use switchyard_app::team::Team;
use switchyard_app::{Mounted, RequestRecord, Switchyard, WeakSwitchyard};
use switchyard_domain::authz::Place;
use switchyard_ipc::{Core, UiEvent};
use tokio::sync::broadcast;

/// The running core, once the process built it.
struct Attached {
    app: Switchyard,
    core: Core,
    events: broadcast::Sender<UiEvent>,
}

/// What every handler shares.
struct Shared {
    sessions: session::Sessions,
    admission: body::Admission,
    /// Event streams open, by session holder.
    streams: sse::Streams,
    attached: OnceLock<Attached>,
    place: OnceLock<Place>,
    /// Served whatever the settings say (`serve --ui`); otherwise only while the gateway
    /// setting `servePanel` is on (the desktop app's core process).
    always_on: bool,
}

impl Shared {
    fn app(&self) -> Option<Switchyard> {
        self.attached.get().map(|a| a.app.clone())
    }

    fn place(&self) -> Place {
        self.place.get().copied().unwrap_or(Place::Desktop)
    }

    /// Ends session `id`: its files go with it.
    fn end_session(&self, id: &str) {
        if let Some(holder) = self.sessions.end(id) {
            self.release(holder);
        }
    }

    /// The files of a session that ended.
    fn release(&self, holder: String) {
        if let Some(files) = self.attached.get().and_then(|a| a.core.files().ok()) {
            files.release(&switchyard_ipc::files::Holder::Session(holder));
        }
    }
}

/// The panel of one core process.
#[derive(Clone)]
pub struct Panel {
    shared: Arc<Shared>,
}

impl Default for Panel {
    fn default() -> Self {
        Panel::new()
    }
}

impl Panel {
    /// The panel `switchyard serve --ui` serves: on.
    pub fn new() -> Panel {
        Panel::with(true)
    }

    /// The panel of the desktop app's core process: served while the gateway setting
    /// `servePanel` is on (read on every request, so the switch takes effect at once).
    pub fn by_setting() -> Panel {
        Panel::with(false)
    }

    fn with(always_on: bool) -> Panel {
        Panel {
            shared: Arc::new(Shared {
                sessions: session::Sessions::default(),
                admission: body::Admission::default(),
                streams: sse::Streams::default(),
                attached: OnceLock::new(),
                place: OnceLock::new(),
                always_on,
            }),
        }
    }

    /// What is mounted on the gateway: `inner` (the HTTP interfaces) and the panel beside it.
    pub fn mount(&self, inner: Option<Arc<dyn Mounted>>) -> Arc<dyn Mounted> {
        Arc::new(WithPanel {
            panel: self.clone(),
            inner,
        })
    }

    /// The core, built: the panel answers from now on. `events` is the process's stream of
    /// the window's events.
    pub fn attach(&self, core: Core, events: broadcast::Sender<UiEvent>) {
        let Ok(app) = core.app().cloned() else {
            tracing::warn!("the core did not start: the panel answers that it is starting");
            return;
        };
        let _ = self.shared.attached.set(Attached { app, core, events });
    }

    /// How many browsers are signed in.
    pub fn sessions(&self) -> usize {
        self.shared.sessions.len()
    }

    /// The panel's routes.
    pub fn router(&self) -> Router {
        let api = Router::new()
            .route(
                "/panel/api/session",
                get(signin::whoami)
                    .post(signin::sign_in)
                    .delete(signin::sign_out),
            )
            .route("/panel/api/call/{command}", post(api::call))
            .route("/panel/api/events", get(sse::events))
            // Each handler reads its body itself, after its gate, under its own cap.
            .route("/panel/api/files", post(files::upload))
            .route("/panel/api/files/{id}", get(files::download))
            .layer(DefaultBodyLimit::disable())
            .layer(axum::middleware::map_response(no_store));
        Router::new()
            .route("/", get(|| async { Redirect::to("/panel/") }))
            .route("/panel", get(|| async { Redirect::to("/panel/") }))
            .route("/panel/", get(|| async { assets::serve("") }))
            .route(
                "/panel/{*path}",
                get(
                    |axum::extract::Path(path): axum::extract::Path<String>| async move {
                        assets::serve(&path)
                    },
                ),
            )
            .merge(api)
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&self.shared),
                door,
            ))
            .layer(axum::middleware::map_response(secured))
            .with_state(Arc::clone(&self.shared))
    }
}

/// Whether the request came over HTTPS (a request extension the door sets): the session's
/// cookies are then `Secure`.
#[derive(Debug, Clone, Copy)]
struct Https(bool);

/// The panel's door, after the gateway's own (Host, and for another machine the exposure
/// settings `allowNonLoopback` and the allowed networks). The panel is served only when on
/// (`serve --ui`, or the `servePanel` setting). This machine may use plain HTTP or HTTPS;
/// another machine HTTPS only (the gateway's port speaks both when given a certificate), so
/// sessions and tokens never cross a network in the clear; a browser elsewhere without HTTPS
/// reaches it through an SSH port forward (docs/PANEL.md). An `Origin`, when sent, must have the
/// connection's scheme.
async fn door(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !shared.always_on && !turned_on(&shared).await {
        return (
            axum::http::StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The control panel is off: turn on “Serve the control panel” in Gateway settings, or run `switchyard serve --ui`.",
        )
            .into_response();
    }
    let peer = req.extensions().get::<switchyard_app::Peer>().copied();
    let https = peer.is_some_and(|p| p.tls);
    let local = peer.is_some_and(|p| p.remote.ip().is_loopback());
    if !local && !https {
        return reply::forbidden(&plain_http_from_elsewhere(&req));
    }
    let scheme = if https { "https://" } else { "http://" };
    let origin = req.headers().get(header::ORIGIN);
    if origin.is_some_and(|o| !o.as_bytes().starts_with(scheme.as_bytes())) {
        return reply::forbidden(
            "The page calling the panel was not loaded over this connection's scheme (its Origin did not match).",
        );
    }
    req.extensions_mut().insert(Https(https));
    next.run(req).await
}

/// Why another machine's plain-HTTP request is refused, and the two ways in.
fn plain_http_from_elsewhere(req: &axum::extract::Request) -> String {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("THIS-MACHINE:4141");
    let port = host.rsplit_once(':').map_or("4141", |(_, p)| p);
    format!(
        "The panel answers other machines only over HTTPS: open https://{host}/panel/ (`switchyard serve --ui` given --tls-cert and --tls-key), or forward its port over SSH (ssh -L {port}:127.0.0.1:{port} HOST) and open http://127.0.0.1:{port}/panel/."
    )
}

async fn secured(mut resp: Response) -> Response {
    assets::secure_headers(resp.headers_mut());
    resp
}

async fn no_store(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    resp.into_response()
}

/// Whether the saved gateway settings serve the panel (off while the core starts).
async fn turned_on(shared: &Shared) -> bool {
    match shared.app() {
        Some(app) => app
            .gateway_control()
            .settings()
            .await
            .is_ok_and(|s| s.serve_panel),
        None => false,
    }
}

/// The interfaces mounted on the gateway, and the panel.
struct WithPanel {
    panel: Panel,
    inner: Option<Arc<dyn Mounted>>,
}

impl Mounted for WithPanel {
    fn routes(&self, place: Place, team: Option<&Team>) -> Router {
        let _ = self.panel.shared.place.set(place);
        let panel = self.panel.router();
        match &self.inner {
            Some(inner) => inner.routes(place, team).merge(panel),
            None => panel,
        }
    }

    fn observe(&self, record: &RequestRecord) {
        if let Some(inner) = &self.inner {
            inner.observe(record);
        }
    }

    fn attach(&self, core: WeakSwitchyard) {
        if let Some(inner) = &self.inner {
            inner.attach(core);
        }
    }
}
