//! Drills: scenarios that prove the user's own routes behave as configured when a provider
//! fails, run on a shadow of the configuration ([`shadow`]) so no token is spent and nothing of
//! the user's changes. Each drill is a report suite (`switchyard_report`) of pass/fail cases with
//! the numbers it measured; a run is a report of kind `drill` (`switchyard drill`).
//!
//! Drills: `failover` ([`failover`]), `breaker` ([`breaker`]), `rate-limit` ([`ratelimit`]),
//! `recovery` ([`recovery`]), `distribution` ([`distribution`]), `stampede` ([`stampede`]) and
//! `configuration` (the readiness configuration check, in the same format); and the opt-in live
//! drill ([`live`]), which spends real tokens on one route after the user confirmed its maximum.

mod breaker;
mod criteria;
mod distribution;
mod error;
mod failover;
pub mod live;
mod live_lock;
mod load;
mod name;
mod ratelimit;
mod recovery;
mod shadow;
mod stampede;
mod summary;

use criteria::Findings;
pub use error::{DrillError, LiveRefusal};
pub use live::{LivePlan, LiveTaker, LIVE_TOOL, MAX_LIVE_REQUESTS};
pub use name::{DrillName, DrillOptions};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_app::{
    AppError, BackendView, Backends, Cache, Costs, DomainEvent, DrillProgress, EventSink,
    GatewayControl, Keys, OffThread, RouteView, Routes, Switchyard,
};
use switchyard_readiness::Readiness;
use switchyard_report::{Case, Machine, Previous, Report, ReportKind, Suite, SCHEMA};
use switchyard_store::{DrillRow, DrillsTable, LedgerTable};

/// What a measured drill returns: its cases and the numbers behind them.
pub(crate) type Measured = Result<(Vec<Case>, Vec<switchyard_report::Measurement>), AppError>;

/// What the drills run on: the user's backends, routes and gateway resilience settings.
#[derive(Clone)]
pub(crate) struct Plan {
    pub backends: Vec<BackendView>,
    pub routes: Vec<RouteView>,
    pub resilience: switchyard_app::Resilience,
}

/// The features the drills read: the configuration, keys for the live drill, the readiness
/// configuration check, cache settings and prices; and the data folder (the live drill's lock).
#[derive(Clone)]
pub(crate) struct Parts {
    pub data_dir: PathBuf,
    pub gateway: GatewayControl,
    pub backends: Backends,
    pub keys: Keys,
    pub routes: Routes,
    pub readiness: Readiness,
    pub cache: Cache,
    pub costs: Costs,
}

/// The Drills feature. Cheap to clone.
#[derive(Clone)]
pub struct Drills {
    /// The drill runs.
    runs: DrillsTable,
    /// The live drill records its real requests in the ledger.
    ledger: LedgerTable,
    events: EventSink,
    parts: Parts,
    /// A run is under way (one at a time).
    running: Arc<AtomicBool>,
    /// Asked to stop: the run ends after the drill it is in.
    cancel: Arc<AtomicBool>,
}

/// Clears the running flag however a run ends.
struct RunGuard(Arc<AtomicBool>);

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl Drills {
    /// The drills of `app`: they read its configuration through its services (the saved
    /// gateway settings, backends, keys, routes, readiness, cache and prices) and keep their runs,
    /// and the live drill's real requests, in the tables the core hands them.
    pub fn new(app: &Switchyard) -> Drills {
        let tables = app.drill_tables();
        Drills {
            runs: tables.runs,
            ledger: tables.ledger,
            events: app.event_sink(),
            parts: Parts {
                data_dir: app.paths().data_dir.clone(),
                gateway: app.gateway_control().clone(),
                backends: app.backends().clone(),
                keys: app.keys().clone(),
                routes: app.routes().clone(),
                readiness: Readiness::new(app),
                cache: app.cache().clone(),
                costs: app.costs().clone(),
            },
            running: Arc::default(),
            cancel: Arc::default(),
        }
    }

    /// Asks a running drill run to stop after the drill it is in (nothing is stored).
    pub fn cancel(&self) {
        if self.running.load(Ordering::SeqCst) {
            self.cancel.store(true, Ordering::SeqCst);
        }
    }

    /// Runs `names` (every drill when empty) in order, stores the run and answers it as a
    /// report. Emits `DrillProgress` and `DrillsFinished`. One run at a time.
    pub async fn run(
        &self,
        names: &[DrillName],
        opts: &DrillOptions,
    ) -> Result<Report, DrillError> {
        self.guarded(|run_id| self.run_all(run_id, names, opts))
            .await
    }

    /// Runs `run(run_id)` as the one run under way: stores its report, emits `DrillsFinished`.
    async fn guarded<'a, F, Fut>(&'a self, run: F) -> Result<Report, DrillError>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = Result<Report, DrillError>> + 'a,
    {
        if self.running.swap(true, Ordering::SeqCst) {
            return Err(AppError::Conflict("Drills are already running.".into()).into());
        }
        let _guard = RunGuard(Arc::clone(&self.running));
        self.cancel.store(false, Ordering::SeqCst);
        let run_id = uuid::Uuid::new_v4().simple().to_string();
        let result = run(run_id.clone()).await;
        let cancelled = result.is_err() && self.cancel.load(Ordering::SeqCst);
        if let Ok(report) = &result {
            let row = DrillRow {
                id: report.id.clone(),
                started_at: report.started_at.clone(),
                verdict: report.verdict.clone(),
                report: switchyard_report::json(report),
            };
            self.runs
                .blocking(move |s| Ok(s.insert_drill_run(&row)?))
                .await?;
        }
        self.events
            .emit(DomainEvent::DrillsFinished { run_id, cancelled });
        result
    }

    /// The user's configuration as the drills see it.
    async fn plan(&self) -> Result<Plan, AppError> {
        let settings = self.parts.gateway.settings().await?;
        Ok(Plan {
            backends: self.parts.backends.list().await?,
            routes: self.parts.routes.list().await?,
            resilience: settings.resilience,
        })
    }

    /// Whether Cancel was asked; the run stops with an error then.
    fn check_cancel(&self) -> Result<(), DrillError> {
        if self.cancel.load(Ordering::SeqCst) {
            return Err(DrillError::Cancelled);
        }
        Ok(())
    }

    async fn run_all(
        &self,
        run_id: String,
        names: &[DrillName],
        opts: &DrillOptions,
    ) -> Result<Report, DrillError> {
        let names = if names.is_empty() {
            &DrillName::ALL[..]
        } else {
            names
        };
        let started_at = switchyard_store::now();
        let started = Instant::now();
        let plan = self.plan().await?;
        let mut suites = Vec::with_capacity(names.len());
        for (done, &name) in names.iter().enumerate() {
            self.check_cancel()?;
            self.progress(&run_id, done, names.len(), Some(name.title()));
            let t = Instant::now();
            let found: Findings = match name {
                DrillName::Failover => failover::run(&plan, opts).await?,
                DrillName::Breaker => breaker::run(&plan).await?,
                DrillName::RateLimit => ratelimit::run(&plan, opts).await?.into(),
                DrillName::Recovery => recovery::run(&plan).await?.into(),
                DrillName::Distribution => distribution::run(&plan, opts).await?.into(),
                DrillName::Stampede => {
                    let settings = self.parts.cache.settings().await?;
                    stampede::run(&plan, &settings).await?.into()
                }
                DrillName::Configuration => (self.configuration().await, Vec::new()).into(),
            };
            suites.push(suite(name.as_str(), name.title(), found, t));
        }
        self.progress(&run_id, names.len(), names.len(), None);
        Ok(self
            .report(run_id, started_at, started, suites, &plan)
            .await?)
    }

    /// The run's report, with the stored run before it for comparison.
    async fn report(
        &self,
        run_id: String,
        started_at: String,
        started: Instant,
        suites: Vec<Suite>,
        plan: &Plan,
    ) -> Result<Report, AppError> {
        let previous = self.history(1).await?.into_iter().next().map(|p| Previous {
            id: p.id,
            started_at: p.started_at,
            verdict: p.verdict,
            score: None,
        });
        let passed = suites.iter().all(|s| s.status == "passed");
        Ok(Report {
            schema: SCHEMA.into(),
            kind: ReportKind::Drill,
            id: run_id,
            started_at,
            duration_ms: millis(started.elapsed()),
            verdict: if passed { "passed" } else { "failed" }.into(),
            score: None,
            exit_code: if passed { 0 } else { 2 },
            app_version: env!("CARGO_PKG_VERSION").into(),
            machine: Machine::current(),
            suites,
            blockers: Vec::new(),
            previous,
            configuration: Some(summary::configuration(plan)),
        })
    }

    fn progress(&self, run_id: &str, done: usize, total: usize, current: Option<&str>) {
        self.events.emit(DomainEvent::DrillProgress(DrillProgress {
            run_id: run_id.to_string(),
            done,
            total,
            current: current.map(str::to_string),
        }));
    }

    /// Stored runs, newest first (a damaged one is skipped).
    pub async fn history(&self, limit: u32) -> Result<Vec<Report>, AppError> {
        let rows = self
            .runs
            .blocking(move |s| Ok(s.drill_runs(limit)?))
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| serde_json::from_str(&r.report).ok())
            .collect())
    }

    /// One stored run, by id.
    pub async fn get(&self, id: String) -> Result<Report, AppError> {
        let row = self.runs.blocking(move |s| Ok(s.drill_run(&id)?)).await?;
        switchyard_readiness::stored_report(row.map(|r| r.report), "That drill run")
    }

    /// Writes stored run `id`'s report as `format` to `path` (replaced atomically).
    pub async fn export_report(
        &self,
        id: String,
        format: switchyard_report::Format,
        path: PathBuf,
    ) -> Result<PathBuf, AppError> {
        switchyard_readiness::write_report(&self.get(id).await?, format, path).await
    }

    /// The readiness configuration check's results as drill cases.
    async fn configuration(&self) -> Vec<Case> {
        let component = self.parts.readiness.configuration_component().await;
        component
            .checks
            .into_iter()
            .map(|k| Case {
                id: k.id,
                name: k.label,
                passed: k.passed,
                importance: match k.importance {
                    switchyard_domain::readiness::Importance::Critical => "critical",
                    switchyard_domain::readiness::Importance::Normal => "normal",
                    switchyard_domain::readiness::Importance::Info => "info",
                }
                .into(),
                detail: k.detail,
                fix: k.fix,
                duration_ms: None,
            })
            .collect()
    }
}

/// One drill's suite: failed when a counted criterion failed.
fn suite(id: &str, name: &str, found: Findings, started: Instant) -> Suite {
    let Findings {
        cases,
        measurements,
        timelines,
    } = found;
    let failed = cases.iter().any(|c| !c.passed && c.importance != "info");
    Suite {
        id: id.into(),
        name: name.into(),
        kind: id.into(),
        required: true,
        status: if failed { "failed" } else { "passed" }.into(),
        score: None,
        duration_ms: Some(millis(started.elapsed())),
        cases,
        measurements,
        timelines,
    }
}

/// A route's backends that can serve: enabled, each once, in the route's order.
pub(crate) fn route_backends<'a>(
    route: &RouteView,
    backends: &'a [BackendView],
) -> Vec<&'a BackendView> {
    let mut out: Vec<&BackendView> = Vec::new();
    for c in route.candidates.iter().filter(|c| c.backend_enabled) {
        if let Some(b) = backends.iter().find(|b| b.row.id == c.backend_id) {
            if !out.iter().any(|m| m.row.id == b.row.id) {
                out.push(b);
            }
        }
    }
    out
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
