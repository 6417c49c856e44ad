//! Changes another process made to the same data folder: `switchyard backend add` (or a second
//! core) while `serve` or the desktop app runs. Once a second, SQLite's `data_version` says
//! whether any other connection committed; only then are backends, keys and routes read, and if
//! they differ from what this process last saw, the gateway's table is republished and the UI
//! told (`backendsChanged`, `routesChanged`), exactly as after a change made here.
//!
//! Invariants: runs only while this process serves a gateway, under the supervisor; this
//! process's own writes never trigger a reload (`data_version` counts other connections only,
//! the ledger writer's included, so a batch costs one cheap comparison); the first read, which
//! becomes the baseline, is published too, so a change committed during start-up is never
//! missed.

use crate::service::Inner;
use crate::{AppError, Switchyard};
use std::time::Duration;
use switchyard_store::{BackendRow, KeyRow, RouteRow};

/// How soon a change from another process reaches the gateway.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

/// What the routing table is built from.
type Config = (Vec<BackendRow>, Vec<KeyRow>, Vec<RouteRow>);

fn config(inner: &Inner) -> Result<Config, AppError> {
    let s = &inner.store;
    Ok((s.list_backends()?, s.list_keys()?, s.list_routes()?))
}

impl Switchyard {
    /// Follows backend, key and route changes made by other processes (see the module docs).
    pub(crate) fn spawn_external_watch(&self) {
        if !matches!(self.inner.gateway, crate::GatewayStatus::Listening(_)) {
            return;
        }
        let app = self.clone();
        self.inner.tasks.spawn("outside changes", async move {
            let mut seen: Option<(i64, Config)> = None;
            let mut tick = tokio::time::interval(WATCH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                let last = seen.take();
                let first = last.is_none();
                let checked = app
                    .blocking(move |inner| {
                        let version = inner.store.data_version()?;
                        match last {
                            Some((v, cfg)) if v == version => Ok((version, cfg, false)),
                            last => {
                                let now = config(inner)?;
                                let changed = last.is_some_and(|(_, before)| before != now);
                                Ok((version, now, changed))
                            }
                        }
                    })
                    .await;
                match checked {
                    Ok((version, cfg, changed)) => {
                        seen = Some((version, cfg));
                        if first {
                            // A change committed between the start-up publish and this first
                            // read is in the baseline, so publish from it once more.
                            app.inner.routing.refresh().await;
                            app.inner.health.sync_targets().await;
                        } else if changed {
                            tracing::info!("backends changed in another process: reloading");
                            app.backends_changed().await;
                            app.emit(crate::DomainEvent::RoutesChanged);
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, "could not check for outside changes"),
                }
            }
        });
    }
}
