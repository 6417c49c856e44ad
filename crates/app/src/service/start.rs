//! The composition root: `Switchyard::start` builds every handle once, hands each feature service
//! exactly what it uses, wires the reactions between them and starts the background work under
//! the one supervisor (the first-run Demo backend is `first_run.rs`).

use super::{GatewayStatus, Inner, Options, Switchyard};
use crate::events::DomainEvent;
use crate::AppError;
use std::sync::Arc;
use switchyard_mock::MockServer;
use switchyard_store::Store;
use tokio::sync::broadcast;

impl Switchyard {
    /// Opens the database, starts the Demo server and, on first run, adds the Demo backend.
    /// Never touches the network beyond 127.0.0.1.
    pub async fn start(opts: Options) -> Result<Switchyard, AppError> {
        let paths = opts.paths.clone();
        let store = tokio::task::spawn_blocking(move || {
            paths.create().map_err(|e| {
                AppError::File(format!(
                    "Cannot create the data folder {}: {e}",
                    paths.data_dir.display()
                ))
            })?;
            Store::open(&paths.db_file).map_err(|e| too_new(&paths.db_file, e))
        })
        .await??;
        let demo = MockServer::start(opts.demo)
            .await
            .map_err(|e| AppError::Internal(format!("cannot start the Demo server: {e}")))?;
        let http = switchyard_gateway::probe::http_client()
            .map_err(|e| AppError::Internal(format!("cannot build the HTTP client: {e}")))?;
        let reach = switchyard_gateway::probe::Reach {
            http: http.clone(),
            demo: demo.base_url(),
            timeout: opts.probe_timeout,
        };
        let (events, _) = broadcast::channel(64);
        let sink = crate::events::EventSink::new(events.clone());
        let tokens = {
            let (db, sink) = (store.clone(), sink.clone());
            tokio::task::spawn_blocking(move || crate::tokens::Tokens::new(db, sink)).await??
        };
        let key_cache = Arc::new(crate::gateway::KeyCache::new(Arc::clone(&opts.secrets)));
        let ledger = crate::ledger::LedgerWriter::start(&store, events.clone())?;
        let table = switchyard_gateway::TableHandle::default();
        let (passive_tx, passive_rx) = tokio::sync::mpsc::unbounded_channel();
        let (gateway_config, cache_settings, cache) = {
            let (dir, db, mut config) = (opts.paths.data_dir.clone(), store.clone(), opts.gateway);
            let (use_saved, port_fixed) =
                (opts.use_saved_gateway_settings, opts.gateway_port_fixed);
            tokio::task::spawn_blocking(move || {
                if let Some(config) = config.as_mut().filter(|_| use_saved) {
                    crate::gateway_control::settings::load(&db.settings())?
                        .apply(config, port_fixed);
                }
                let settings = crate::cache::settings_in(&db);
                let cache = config
                    .is_some()
                    .then(|| crate::cache::open(&dir, &settings));
                Ok::<_, AppError>((config, settings, cache))
            })
            .await??
        };
        let place = match opts.team {
            Some(_) => switchyard_domain::authz::Place::Replica,
            None => switchyard_domain::authz::Place::Desktop,
        };
        let mounted = opts.mounted.clone();
        let deps = switchyard_gateway::Deps {
            table: table.clone(),
            auth: crate::team::gateway_auth(opts.team.as_ref(), tokens.index()),
            keys: key_cache.clone(),
            ledger: crate::team::gateway_ledger(
                opts.team.as_ref(),
                match mounted.clone() {
                    Some(mounted) => Arc::new(super::mount::ObservedLedger {
                        sink: ledger.sink(),
                        mounted,
                    }),
                    None => Arc::new(ledger.sink()),
                },
            ),
            observer: Arc::new(crate::gateway::EventObserver {
                events: events.clone(),
                passive: passive_tx.clone(),
            }),
            clock: opts
                .gateway_clock
                .clone()
                .unwrap_or_else(|| Arc::new(switchyard_gateway::SystemClock)),
            cache: cache.clone(),
            shared: crate::team::share(opts.team.as_ref(), cache.as_ref()),
            extra_routes: mounted
                .as_ref()
                .map(|m| m.routes(place, opts.team.as_ref())),
        };
        // The Demo backend on a first run and the routing table before the gateway listens: a
        // caller that finds the port open finds every route and backend in it.
        let routing = crate::gateway::Routing::new(
            store.clone(),
            table.clone(),
            Arc::clone(&key_cache),
            &demo.base_url(),
        );
        let db = store.clone();
        tokio::task::spawn_blocking(move || super::first_run::seed_demo(&db)).await??;
        routing.refresh().await;
        let presence = opts
            .publish_gateway
            .then_some(opts.paths.data_dir.as_path());
        let presence = (presence, opts.gateway_port_fixed);
        let (gateway, squat) =
            launch_gateway(gateway_config, deps, &cache_settings, presence).await;
        let gateway_handle = match &gateway {
            GatewayStatus::Listening(g) => Some(g.handle()),
            _ => None,
        };
        let cache = crate::cache::Cache::new(
            store.clone(),
            cache,
            gateway_handle.clone(),
            ledger.sink(),
            passive_tx.clone(),
            sink.clone(),
            cache_settings.memory_entries,
        );
        let costs = crate::costs::Costs::new(
            store.clone(),
            opts.paths.data_dir.clone(),
            ledger.sink(),
            gateway_handle.clone(),
            passive_tx.clone(),
            sink.clone(),
        )
        .for_team(crate::team::budgets::stops(opts.team.as_ref()));
        let notifications = crate::notify::Notifications::new(opts.notify, sink.clone());
        let health = crate::monitor::Health::new(
            store.clone(),
            Arc::clone(&opts.secrets),
            sink.clone(),
            notifications.clone(),
            crate::monitor::AppProber::new(store.clone(), Arc::clone(&key_cache), reach.clone()),
        );
        health.add_names(crate::costs::budgets::name_source(&store));
        health.add_names(crate::usage::name_source(&store));
        let routes = crate::routes::Routes::new(
            store.clone(),
            routing.clone(),
            gateway_handle.clone(),
            sink.clone(),
        );
        // Backends or keys changed: republish the gateway's table (and forget cached keys),
        // retarget the monitor's probes, then tell the UI.
        let backends_changed = {
            let (routing, health, sink) = (routing.clone(), health.clone(), sink.clone());
            crate::events::Reaction::new(move || {
                let (routing, health, sink) = (routing.clone(), health.clone(), sink.clone());
                async move {
                    routing.refresh().await;
                    health.sync_targets().await;
                    sink.emit(DomainEvent::BackendsChanged);
                }
            })
        };
        let backends = crate::backends::Backends::new(
            store.clone(),
            Arc::clone(&opts.secrets),
            demo.base_url(),
            opts.environment,
            backends_changed.clone(),
        );
        let keys = crate::backends::keys::Keys::new(
            store.clone(),
            Arc::clone(&opts.secrets),
            reach.clone(),
            sink.clone(),
            backends_changed.clone(),
        );
        let catalogue = crate::catalogue::Catalogue::new(
            store.clone(),
            Arc::clone(&opts.secrets),
            reach.clone(),
            costs.clone(),
            routing.clone(),
        );
        let gateway_control = crate::gateway_control::GatewayControl::new(
            store.clone(),
            match (&gateway, &gateway_handle) {
                (GatewayStatus::Listening(g), Some(h)) => {
                    crate::gateway_control::Running::Listening(h.clone(), g.addr())
                }
                (GatewayStatus::Failed(e), _) => crate::gateway_control::Running::Failed(e.clone()),
                _ => crate::gateway_control::Running::Off,
            },
            (opts.gateway_port_fixed, squat),
            sink.clone(),
        );
        gateway_control.after_squat(&notifications).await;
        gateway_control.load_codex_template();
        let usage = crate::usage::ToolUsage::new(
            store.clone(),
            costs.clone(),
            gateway_handle.clone(),
            opts.tools_home.clone(),
            passive_tx,
        );
        let place = crate::tools::Place {
            paths: opts.paths.clone(),
            home: opts.tools_home,
            path: opts.tools_path,
            user_env: opts.user_env,
        };
        let team_link = crate::team::attach::TeamLink::new(
            store.settings(),
            Arc::clone(&opts.secrets),
            http.clone(),
        );
        let key_sweep = crate::tools::KeySweep::new(
            &store,
            Arc::clone(&opts.secrets),
            place.clone(),
            reach.clone(),
            backends_changed.clone(),
        );
        let preferences = crate::settings::Preferences::new(store.clone(), sink.clone());
        let config_file = crate::config_file::ConfigFiles::new(
            (backends.clone(), routes.clone(), costs.clone()),
            (gateway_control.clone(), cache.clone(), health.clone()),
            store.settings(),
        );
        let sync = crate::sync::MachineSync::new(
            config_file.clone(),
            (backends.clone(), routes.clone(), costs.clone()),
            tokens.clone(),
            Arc::clone(&opts.secrets),
            store.settings(),
            sink.clone(),
        );
        let app = Switchyard {
            inner: Arc::new(Inner {
                sync,
                config_file,
                store,
                secrets: opts.secrets,
                paths: opts.paths,
                demo,
                events,
                tokens,
                routing,
                routes,
                ledger,
                tasks: switchyard_runtime::Supervisor::default(),
                team: opts.team,
                notifications,
                health,
                gateway,
                cache,
                costs,
                backends,
                keys,
                catalogue,
                preferences,
                gateway_control,
                place,
                key_sweep,
                team_link,
                usage,
                backends_changed,
            }),
        };
        if let Some(mounted) = &mounted {
            mounted.attach(app.downgrade());
        }
        app.start_background(
            opts.monitor,
            opts.tool_usage,
            opts.monitor_interval,
            passive_rx,
        )
        .await?;
        tracing::info!(demo = %app.demo_base_url(), data = %app.inner.paths.data_dir.display(), "switchyard core started");
        Ok(app)
    }

    /// The background work under the supervisor: retention,
    /// cache upkeep, the outside-change watch, prices and budgets, and the monitor.
    async fn start_background(
        &self,
        monitor: bool,
        tool_usage: bool,
        interval: Option<std::time::Duration>,
        passive_rx: tokio::sync::mpsc::UnboundedReceiver<switchyard_monitor::Signal>,
    ) -> Result<(), AppError> {
        let i = &self.inner;
        i.preferences.start(&i.tasks);
        crate::team::follow(
            i.team.as_ref(),
            &i.sync,
            &i.tasks,
            &i.health,
            &i.paths.data_dir,
        );
        i.sync.start(&i.tasks, monitor && i.team.is_none());
        i.cache.start_upkeep(&i.tasks);
        if matches!(i.gateway, GatewayStatus::Listening(_)) {
            let followers = crate::external::Followers {
                routing: i.routing.clone(),
                health: i.health.clone(),
                tokens: i.tokens.index(),
                backends_changed: i.backends_changed.clone(),
                events: crate::events::EventSink::new(i.events.clone()),
                gateway: i.gateway_control.clone(),
            };
            crate::external::spawn_watch(&i.tasks, i.store.clone(), followers);
        }
        self.inner
            .costs
            .start(&self.inner.tasks, self.subscribe())
            .await;
        if monitor {
            // The tools' own records: with the monitor, in the app and `serve`, not one-shot
            // commands or a drill's shadow.
            if tool_usage {
                self.inner.usage.start(&self.inner.tasks);
            }
            self.inner.catalogue.start(&self.inner.tasks);
            let tasks = &self.inner.tasks;
            self.inner.health.start(interval, passive_rx, tasks).await?;
        }
        Ok(())
    }
}

/// Starts the gateway with `deps` when there is a configuration. The user's gateway (whose data
/// folder `dir` is given: `Options::publish_gateway`) starts at a port another program
/// does not hold (`presence::claim`: a squatted port moves unless fixed) and writes where it
/// listens into the data folder; a process's private gateway (`mcp`'s, a drill's) does neither.
/// A failure (a port in use) is kept as the reason, so the window and the CLI can say why.
async fn launch_gateway(
    config: Option<switchyard_gateway::GatewayConfig>,
    deps: switchyard_gateway::Deps,
    cache: &crate::CacheSettings,
    (dir, fixed): (Option<&std::path::Path>, bool),
) -> (GatewayStatus, Option<switchyard_gateway::presence::Squat>) {
    let Some(mut config) = config else {
        return (GatewayStatus::Off, None);
    };
    let mut squat = None;
    if let Some(dir) = dir {
        let claim = switchyard_gateway::presence::claim(config.bind, fixed, dir).await;
        (config.bind, squat) = (claim.bind, claim.squat);
    }
    match switchyard_gateway::Gateway::start(config, deps).await {
        Ok(g) => {
            g.set_cache_enabled(cache.enabled);
            g.set_cache_shared(cache.share_between_tools);
            if let Some(Err(e)) = dir.map(|d| g.publish(d)) {
                tracing::warn!(error = %e, "where the gateway listens was not written: the CLI cannot find it");
            }
            if let Some(s) = squat.as_mut() {
                s.moved_to = Some(g.addr().port());
                tracing::error!(squat = %s.message(), "the gateway's port was taken");
            }
            (GatewayStatus::Listening(g), squat)
        }
        Err(e) => {
            let why = squat.as_ref().map_or(e.to_string(), |s| s.message());
            tracing::error!(error = %why, "gateway not started");
            (GatewayStatus::Failed(why), squat)
        }
    }
}

/// A database a newer Switchyard wrote, said as what to do: it was left as it is (an older
/// build never migrates one down), so the newer build opens it as it left it.
fn too_new(db: &std::path::Path, e: switchyard_store::StoreError) -> AppError {
    match e {
        switchyard_store::StoreError::TooNew { found, supported } => AppError::File(format!(
            "{} was written by a newer Switchyard (data version {found}; this one knows up to {supported}). It was left as it is: install the newer version again, or start this one with another data folder ({}).",
            db.display(),
            switchyard_runtime::paths::DATA_DIR_ENV
        )),
        other => other.into(),
    }
}
