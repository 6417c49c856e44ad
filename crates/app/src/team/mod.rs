//! A team gateway (issue 44, first part): `switchyard serve --team postgres://… --redis redis://…`
//! makes this replica accept the team's tokens (kept in the team database, see
//! `switchyard-team`) as well as this machine's own, and follow revocations made on any replica:
//! at once through Redis, within [`RELOAD_EVERY`] without it. `switchyard team token …`
//! administers the team's tokens from any machine.

pub mod attach;
mod console;
pub use console::{Issuer, NewTeamToken, TeamToken};
pub(crate) mod budgets;
mod check;
#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used, reason = "tests")]
#[path = "seams_tests.rs"]
mod seams_tests;

use crate::tokens::TokenIndex;
use crate::AppError;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use switchyard_domain::RequestRecord;
use switchyard_gateway::{Authenticator, Caller, Ledger};
use switchyard_team::{
    Bus, Change, LedgerPump, Link, ServerAddress, SharedWindow, TeamBreakers, TeamBudgets,
    TeamCache, TeamDb, TeamError, TeamLedger, TeamTokens,
};

/// The team database (without its password), when `--team` is not given.
pub const TEAM_DATABASE_ENV: &str = "SWITCHYARD_TEAM_DATABASE_URL";
/// The team's Redis, when `--redis` is not given.
pub const TEAM_REDIS_ENV: &str = "SWITCHYARD_TEAM_REDIS_URL";
/// How often a replica re-reads the team's tokens whatever Redis says: the longest a revocation
/// takes to reach a replica that cannot hear Redis.
pub const RELOAD_EVERY: Duration = Duration::from_secs(10);
/// How often a replica tells its alert rules whether it shares through Redis.
const REDIS_STATE_EVERY: Duration = Duration::from_secs(10);

/// Where the team's shared state is, each address with where the user gave it and its password
/// (never from a command line: the CLI's `team_servers` and `switchyard_team::credentials`).
#[derive(Debug, Clone)]
pub struct TeamOptions {
    pub database: ServerAddress,
    pub redis: Option<ServerAddress>,
}

/// What the replicas share through Redis.
#[derive(Clone)]
struct Redis {
    /// The request path's connection; whether it answers is the degraded state.
    link: Arc<Link>,
    /// Backends' requests-per-minute windows for the whole team.
    limits: Arc<SharedWindow>,
    breakers: TeamBreakers,
    cache: Arc<TeamCache>,
}

/// The team as this process holds it. Cheap to clone.
#[derive(Clone)]
pub struct Team {
    pub db: TeamDb,
    bus: Option<Bus>,
    tokens: TeamTokens,
    ledger: TeamLedger,
    /// The hard stops, counted in Redis, else in the team database, else by this replica.
    budgets: TeamBudgets,
    /// What the replicas share through Redis, with one.
    redis: Option<Redis>,
    /// This replica's name in the ledger.
    replica: String,
    /// Taken once, when the core starts it under its supervisor.
    pump: Arc<Mutex<Option<LedgerPump>>>,
}

impl Team {
    /// Connects to the team database (migrating it if this build is newer) and starts hearing
    /// the other replicas through Redis, when one is given.
    pub async fn connect(opts: &TeamOptions) -> Result<Team, AppError> {
        let db = TeamDb::connect(&opts.database).await.map_err(team_error)?;
        let bus = opts
            .redis
            .as_ref()
            .map(Bus::start)
            .transpose()
            .map_err(team_error)?;
        let tokens = TeamTokens::load(db.clone()).await.map_err(team_error)?;
        let replica = replica_name();
        let (ledger, pump) = TeamLedger::new(db.clone(), &replica, switchyard_team::LEDGER_QUEUE);

        let redis = match (opts.redis.as_ref(), &bus) {
            (Some(address), Some(bus)) => {
                let link = Arc::new(Link::new(address).map_err(team_error)?);
                Some(Redis {
                    limits: Arc::new(SharedWindow::new(Some(Arc::clone(&link)))),
                    breakers: TeamBreakers::new(Arc::clone(&link), bus.clone()),
                    cache: Arc::new(TeamCache::new(
                        Arc::clone(&link),
                        switchyard_team::CACHE_CAP_BYTES,
                    )),
                    link,
                })
            }
            _ => None,
        };
        let budgets = TeamBudgets::new(
            redis.as_ref().map(|r| Arc::clone(&r.link)),
            Some(db.clone()),
        );
        Ok(Team {
            db,
            bus,
            tokens,
            ledger,
            budgets,
            redis,
            replica,
            pump: Arc::new(Mutex::new(Some(pump))),
        })
    }

    /// Tells the other replicas that the team's configuration (its budgets) changed; like
    /// [`Team::tokens_changed`], without Redis they learn it at their next reload.
    pub async fn config_changed(&self) -> bool {
        let Some(bus) = &self.bus else {
            return false;
        };
        bus.publish(Change::Config).await.is_ok()
    }

    /// Tells the other replicas that the tokens changed. Without Redis (or with it away) they
    /// learn it at their next reload; that is said, not failed.
    pub async fn tokens_changed(&self) -> bool {
        let Some(bus) = &self.bus else {
            return false;
        };
        match bus.publish(Change::Tokens).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "the other replicas will learn of the token change at their next reload");
                false
            }
        }
    }
}

/// How a team replica's sharing stands (`/metrics`, the team API's overview, readiness).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamState {
    /// This replica's name in the team's ledger.
    pub replica: String,
    /// Whether Redis answers (`None`: the team has no Redis). `false` is the degraded state:
    /// limits, breakers, budgets and the cache are this replica's own until it is back.
    pub redis_up: Option<bool>,
    /// Requests waiting to be written to the team's ledger.
    pub ledger_queued: usize,
    /// Requests the team's ledger could not hold.
    pub ledger_lost: u64,
    /// Requests the team database refused for their data, set aside in this replica's outbox
    /// (its `set_aside` table, with the reason) so the rows behind them flow.
    pub ledger_set_aside: u64,
}

impl Team {
    /// How this replica's sharing stands now.
    pub fn state(&self) -> TeamState {
        TeamState {
            replica: self.replica.clone(),
            redis_up: self
                .redis
                .as_ref()
                .map(|r| r.link.is_up() && self.bus.as_ref().is_some_and(Bus::is_up)),
            ledger_queued: self.ledger.queued(),
            ledger_lost: self.ledger.lost(),
            ledger_set_aside: self.ledger.set_aside(),
        }
    }
}

/// With a team: keeps its tokens current and writes its ledger through the outbox in
/// `data_dir`, under the supervisor (which, stopping, lets the ledger send what it holds).
pub(crate) fn follow(
    team: Option<&Team>,
    sync: &crate::sync::MachineSync,
    tasks: &switchyard_runtime::Supervisor,
    health: &crate::monitor::Health,
    data_dir: &std::path::Path,
) {
    let Some(team) = team else {
        return;
    };
    tasks.spawn("team config", follow_config(team.clone(), sync.clone()));
    let follow = team.tokens.follow(team.bus.as_ref(), RELOAD_EVERY);
    tasks.spawn("team tokens", follow);
    tasks.spawn("team budgets", budgets::follow(team.clone()));
    if let Some(redis) = &team.redis {
        tasks.spawn("team breakers", redis.breakers.follow());
        let link = Arc::clone(&redis.link);
        tasks.spawn(
            "team redis heartbeat",
            async move { link.heartbeat().await },
        );
        // The `teamRedisDown` alert's input: 1 while shared, 0 while degraded.
        let (state, health) = (team.clone(), health.clone());
        tasks.every("team redis state", REDIS_STATE_EVERY, move || {
            let up = state.state().redis_up == Some(true);
            health.observe(&switchyard_monitor::Signal::Metric(
                switchyard_monitor::MetricPoint {
                    name: switchyard_monitor::TEAM_REDIS_METRIC.into(),
                    backend_id: crate::monitor::TEAM_REDIS_SUBJECT.into(),
                    key_id: None,
                    at_unix_ms: crate::clock::now_ms(),
                    value: if up { 1.0 } else { 0.0 },
                },
            ));
            async {}
        });
        let link = Arc::clone(&redis.link);
        tasks.spawn_with("team redis writes", |stop| async move {
            stop.cancelled().await;
            link.finish().await;
        });
    }
    let pump = team
        .pump
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some(pump) = pump {
        // What PostgreSQL has not taken yet outlives this process (sent at the next start).
        let pump = pump.with_outbox(data_dir.join(switchyard_team::OUTBOX_FILE));
        tasks.spawn_with("team ledger", |stop| pump.run(stop.cancelled_owned()));
    }
}

/// What the gateway shares with the team's other replicas: with a team, the hard stops; with its
/// Redis too, the rate-limit windows and the breakers — and `cache` gets the team's tier.
pub(crate) fn share(
    team: Option<&Team>,
    cache: Option<&switchyard_cache::Cache>,
) -> switchyard_gateway::Shared {
    let Some(team) = team else {
        return switchyard_gateway::Shared::default();
    };
    let budgets =
        Some(Arc::new(team.budgets.clone()) as Arc<dyn switchyard_gateway::SharedBudgets>);
    let Some(redis) = team.redis.as_ref() else {
        return switchyard_gateway::Shared {
            budgets,
            ..Default::default()
        };
    };
    if let Some(cache) = cache {
        cache.set_remote(Arc::clone(&redis.cache) as Arc<dyn switchyard_cache::RemoteTier>);
    }
    switchyard_gateway::Shared {
        limits: Some(Arc::clone(&redis.limits) as Arc<dyn switchyard_gateway::SharedLimits>),
        breakers: Some(Arc::new(redis.breakers.clone())),
        budgets,
    }
}

/// The gateway's ledger: this machine's `local` one, and the team's with a team.
pub(crate) fn gateway_ledger(team: Option<&Team>, local: Arc<dyn Ledger>) -> Arc<dyn Ledger> {
    match team {
        Some(team) => Arc::new(BothLedgers {
            local,
            team: team.ledger.clone(),
        }),
        None => local,
    }
}

/// Every request goes into this machine's ledger and the team's.
struct BothLedgers {
    local: Arc<dyn Ledger>,
    team: TeamLedger,
}

impl Ledger for BothLedgers {
    fn record(&self, record: RequestRecord, token_id: Option<String>) {
        self.team.record(record.clone(), token_id.clone());
        self.local.record(record, token_id);
    }
}

/// Takes the team's backends, routes, budgets and tokens (`crate::sync`, space `team`): at once
/// on a notice, and every [`RELOAD_EVERY`] whatever Redis says.
async fn follow_config(team: Team, sync: crate::sync::MachineSync) {
    let mut reloads = switchyard_team::Reloads::new(team.bus.as_ref(), RELOAD_EVERY, |c| {
        matches!(c, Change::Config | Change::Resync)
    });
    loop {
        reloads.next().await;
        match sync.follow_team(&team.db).await {
            Ok(r) if !r.pulled.is_empty() || !r.problems.is_empty() => {
                tracing::info!(taken = ?r.pulled, problems = ?r.problems, "team configuration followed");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not read the team's configuration"),
        }
    }
}

/// This replica's name in the team's ledger: the host's, and the process's id.
fn replica_name() -> String {
    format!("{}:{}", crate::sync::machine_name(), std::process::id())
}

/// The gateway's token check: this machine's tokens, and the team's with a team.
pub(crate) fn gateway_auth(team: Option<&Team>, local: TokenIndex) -> Arc<dyn Authenticator> {
    match team {
        Some(team) => Arc::new(EitherTokens {
            local,
            team: team.tokens.clone(),
        }),
        None => Arc::new(local),
    }
}

/// A token this machine made, or one of the team's.
pub(crate) struct EitherTokens {
    local: TokenIndex,
    team: TeamTokens,
}

impl Authenticator for EitherTokens {
    fn verify(&self, token: &str) -> Option<Caller> {
        Authenticator::verify(&self.local, token).or_else(|| self.team.verify(token))
    }

    fn refresh(&self) -> bool {
        // Both: a token may be new to either.
        let local = self.local.refresh();
        self.team.refresh() || local
    }
}

/// The team's failures in the app's words.
pub fn team_error(e: TeamError) -> AppError {
    e.into()
}
