//! Drills: scenarios that prove the user's own routes behave as configured when a provider
//! fails, run on a shadow of the configuration ([`shadow`]) so no token is spent and nothing of
//! the user's changes. Each drill is a report suite (`switchyard_report`) of pass/fail cases with
//! the numbers it measured; a run is a report of kind `drill` (`switchyard drill`).
//!
//! Drills so far: `failover` ([`failover`]), `breaker` ([`breaker`]), `distribution`
//! ([`distribution`]), `stampede` ([`stampede`]) and `configuration` (the readiness
//! configuration check, in the same format).

mod breaker;
mod distribution;
mod failover;
mod load;
mod shadow;
mod stampede;

use crate::backends::Backends;
use crate::cache::Cache;
use crate::readiness::Readiness;
use crate::routes::Routes;
use crate::AppError;
use std::time::{Duration, Instant};
use switchyard_report::{Case, Machine, Report, ReportKind, Suite, SCHEMA};

/// A drill, by the name the CLI and the report use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrillName {
    Failover,
    Breaker,
    Distribution,
    Stampede,
    Configuration,
}

impl DrillName {
    pub const ALL: [DrillName; 5] = [
        DrillName::Failover,
        DrillName::Breaker,
        DrillName::Distribution,
        DrillName::Stampede,
        DrillName::Configuration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DrillName::Failover => "failover",
            DrillName::Breaker => "breaker",
            DrillName::Distribution => "distribution",
            DrillName::Stampede => "stampede",
            DrillName::Configuration => "configuration",
        }
    }

    pub fn parse(name: &str) -> Option<DrillName> {
        DrillName::ALL.into_iter().find(|d| d.as_str() == name)
    }

    fn title(self) -> &'static str {
        match self {
            DrillName::Failover => "Failover",
            DrillName::Breaker => "Circuit breaker",
            DrillName::Distribution => "Load distribution",
            DrillName::Stampede => "Cache stampede",
            DrillName::Configuration => "Configuration",
        }
    }
}

/// How hard the drills push.
#[derive(Debug, Clone)]
pub struct DrillOptions {
    /// Requests in flight during a load.
    pub in_flight: usize,
    /// Length of one load phase.
    pub phase: Duration,
}

impl Default for DrillOptions {
    fn default() -> Self {
        DrillOptions {
            in_flight: 4,
            phase: Duration::from_millis(1500),
        }
    }
}

/// The Drills feature. Cheap to clone.
#[derive(Clone)]
pub struct Drills {
    backends: Backends,
    routes: Routes,
    readiness: Readiness,
    cache: Cache,
}

impl Drills {
    pub(crate) fn new(
        backends: Backends,
        routes: Routes,
        readiness: Readiness,
        cache: Cache,
    ) -> Drills {
        Drills {
            backends,
            routes,
            readiness,
            cache,
        }
    }

    /// Runs `names` (every drill when empty) in order and answers the run as a report.
    pub async fn run(&self, names: &[DrillName], opts: &DrillOptions) -> Result<Report, AppError> {
        let names = if names.is_empty() {
            &DrillName::ALL[..]
        } else {
            names
        };
        let started_at = switchyard_store::now();
        let started = Instant::now();
        let backends = self.backends.list().await?;
        let routes = self.routes.list().await?;
        let mut suites = Vec::with_capacity(names.len());
        for &name in names {
            let t = Instant::now();
            let (cases, measurements) = match name {
                DrillName::Failover => failover::run(&backends, &routes, opts).await?,
                DrillName::Breaker => breaker::run(&backends, &routes).await?,
                DrillName::Distribution => distribution::run(&backends, &routes, opts).await?,
                DrillName::Stampede => {
                    let settings = self.cache.settings().await?;
                    stampede::run(&backends, &routes, &settings).await?
                }
                DrillName::Configuration => (self.configuration().await, Vec::new()),
            };
            let failed = cases.iter().any(|c| !c.passed && c.importance != "info");
            suites.push(Suite {
                id: name.as_str().into(),
                name: name.title().into(),
                kind: name.as_str().into(),
                required: true,
                status: if failed { "failed" } else { "passed" }.into(),
                score: None,
                duration_ms: Some(millis(t.elapsed())),
                cases,
                measurements,
            });
        }
        let passed = suites.iter().all(|s| s.status == "passed");
        Ok(Report {
            schema: SCHEMA.into(),
            kind: ReportKind::Drill,
            id: crate::new_id(),
            started_at,
            duration_ms: millis(started.elapsed()),
            verdict: if passed { "passed" } else { "failed" }.into(),
            score: None,
            exit_code: if passed { 0 } else { 2 },
            app_version: env!("CARGO_PKG_VERSION").into(),
            machine: Machine::current(),
            suites,
            blockers: Vec::new(),
            previous: None,
        })
    }

    /// The readiness configuration check's results as drill cases.
    async fn configuration(&self) -> Vec<Case> {
        let component = self.readiness.configuration_component().await;
        component
            .checks
            .into_iter()
            .map(|k| Case {
                id: k.id,
                name: k.label,
                passed: k.passed,
                importance: match k.importance {
                    switchyard_core::readiness::Importance::Critical => "critical",
                    switchyard_core::readiness::Importance::Normal => "normal",
                    switchyard_core::readiness::Importance::Info => "info",
                }
                .into(),
                detail: k.detail,
                fix: k.fix,
                duration_ms: None,
            })
            .collect()
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
