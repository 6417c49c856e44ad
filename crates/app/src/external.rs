//! Changes another process made to the same data folder: `switchyard backend add` or
//! `switchyard token revoke` (or a second core) while `serve` or the desktop app runs. Every
//! `WATCH_EVERY`, SQLite's `data_version` says whether any other connection committed; only then
//! are tokens, backends, keys and routes read. A changed token set replaces the gateway's token
//! index at once (a token revoked elsewhere is refused from the next request) and tells the UI
//! (`tokensChanged`); changed backends, keys or routes republish the gateway's table and tell
//! the UI (`backendsChanged`, `routesChanged`), exactly as after a change made here. Codex's
//! model metadata kept by another process's connect reaches the gateway's catalogue too.
//!
//! Invariants: runs only while this process serves a gateway, under the supervisor; this
//! process's own writes never trigger a reload (`data_version` counts other connections only,
//! the ledger writer's included, so a batch costs one cheap comparison); the first read, which
//! becomes the baseline, is published too, so a change committed during start-up is never
//! missed.

use crate::events::{EventSink, Reaction};
use crate::gateway::Routing;
use crate::gateway_control::GatewayControl;
use crate::monitor::Health;
use crate::tokens::TokenIndex;
use crate::{AppError, DomainEvent};
use std::time::Duration;
use switchyard_runtime::Supervisor;
use switchyard_store::{BackendRow, KeyRow, RouteRow, Store};

/// How soon a change from another process reaches the gateway (a revoked token must be refused
/// within a second).
pub const WATCH_EVERY: Duration = Duration::from_millis(400);

/// What the routing table is built from.
type Config = (Vec<BackendRow>, Vec<KeyRow>, Vec<RouteRow>);

fn config(s: &Store) -> Result<Config, AppError> {
    Ok((
        s.backends().list_backends()?,
        s.keys().list_keys()?,
        s.routes().list_routes()?,
    ))
}

/// What a change another process made is applied to.
pub(crate) struct Followers {
    pub(crate) routing: Routing,
    pub(crate) health: Health,
    pub(crate) tokens: TokenIndex,
    pub(crate) backends_changed: Reaction,
    pub(crate) events: EventSink,
    pub(crate) gateway: GatewayControl,
}

/// Follows backend, key and route changes made by other processes (see the module docs): the
/// first read republishes the gateway's table and the monitor's targets; a later change runs
/// `backends_changed` (as a change made here does) and announces `RoutesChanged`.
pub(crate) fn spawn_watch(tasks: &Supervisor, store: Store, followers: Followers) {
    let Followers {
        routing,
        health,
        tokens,
        backends_changed,
        events,
        gateway,
    } = followers;
    tasks.spawn("outside changes", async move {
        let mut seen: Option<(i64, Config)> = None;
        // Codex's kept model metadata as last handed to the gateway (parsed only when it changed).
        let mut codex_seen: Option<serde_json::Value> = None;
        let mut tick = tokio::time::interval(WATCH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tick.tick().await;
            let last = seen.take();
            let first = last.is_none();
            let store = store.clone();
            let tokens = tokens.clone();
            let checked = tokio::task::spawn_blocking(move || {
                let version = store.data_version()?;
                match last {
                    Some((v, cfg)) if v == version => Ok((version, cfg, false, false, None)),
                    last => {
                        let tokens_changed = tokens.reload(&store.tokens())?;
                        let now = config(&store)?;
                        let changed = last.is_some_and(|(_, before)| before != now);
                        let codex = GatewayControl::read_codex_template(&store.settings());
                        Ok((version, now, changed, tokens_changed, codex))
                    }
                }
            })
            .await
            .map_err(AppError::from)
            .and_then(|r| r);
            match checked {
                Ok((version, cfg, changed, tokens_changed, codex)) => {
                    seen = Some((version, cfg));
                    if codex.is_some() && codex != codex_seen {
                        gateway.use_codex_template(codex.as_ref());
                        codex_seen = codex;
                    }
                    if tokens_changed && !first {
                        tracing::info!("gateway tokens changed in another process");
                        events.emit(DomainEvent::TokensChanged);
                    }
                    if first {
                        // A change committed between the start-up publish and this first
                        // read is in the baseline, so publish from it once more.
                        routing.refresh().await;
                        health.sync_targets().await;
                    } else if changed {
                        tracing::info!("backends changed in another process: reloading");
                        backends_changed.run().await;
                        events.emit(DomainEvent::RoutesChanged);
                    }
                }
                Err(e) => tracing::debug!(error = %e, "could not check for outside changes"),
            }
        }
    });
}
