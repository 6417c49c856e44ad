//! Budgets: a USD limit per local day or month, overall or for one backend or route. Each is
//! checked within seconds of requests being recorded, every minute, and at once when budgets
//! change: its percentage goes to the alert
//! engine as the `budgetPercent` metric (rules budget50/80/100 notify on the desktop), and a
//! budget with the hard stop on hands the gateway what is left of it (see
//! `switchyard_gateway::Spend`).
//!
//! Invariants: budgets are validated as a whole before anything is saved; spend comes from the
//! ledger rollups (hour granularity) and counts known costs only — unpriced requests are
//! reported beside it, never as $0.

use super::forecast::{Forecast, Period};
use super::Costs;
use crate::blocking::OffThread;
use crate::{AppError, DomainEvent};
use serde::{Deserialize, Serialize};
use switchyard_domain::{Field, IssueCode};
use switchyard_gateway::{SpendLimit, SpendScope};
use switchyard_monitor::{MetricPoint, Signal, BUDGET_METRIC};

mod status;

use status::load;
pub(crate) use status::statuses_in;

const KEY: &str = "budgets";
/// Budgets' hard stops held by more than this process (a team gateway's replicas).
pub(crate) trait SharedStops: Send + Sync {
    /// Hands the shared store the hard stops of `statuses`, and adjusts this process's own
    /// `limits` (built from them, by budget id) to what the whole team spent.
    fn share<'a>(
        &'a self,
        statuses: &'a [BudgetStatus],
        limits: &'a mut [SpendLimit],
    ) -> futures_util::future::BoxFuture<'a, ()>;
}

/// The alert engine's subject for a budget: `budget:<id>`.
pub const SUBJECT_PREFIX: &str = "budget:";
pub const MAX_LIMIT_USD: f64 = 10_000_000.0;
pub(crate) const MAX_BUDGETS: usize = 50;

/// What a budget counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", content = "id", rename_all = "camelCase")]
pub enum BudgetScope {
    All,
    Backend(String),
    Route(String),
}

/// One budget as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Budget {
    pub id: String,
    pub name: String,
    pub period: Period,
    pub scope: BudgetScope,
    pub limit_usd: f64,
    /// Refuse new paid requests in the scope once the limit is reached.
    pub hard_stop: bool,
}

/// A budget now: spend this period, forecast, whether its hard stop is engaged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BudgetStatus {
    pub budget: Budget,
    /// The scope's backend or route name; `None` for "all" or when it no longer exists.
    pub scope_name: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub period_start_ms: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub period_end_ms: i64,
    pub spent_usd: f64,
    /// Requests in scope this period whose model has no price (not in `spent_usd`).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub unpriced_requests: u64,
    pub percent: f64,
    pub forecast: Forecast,
    /// The hard stop is on and the limit is reached: paid requests are refused.
    pub stopped: bool,
}

impl Budget {
    pub(crate) fn validate(&self) -> Result<(), AppError> {
        if self.name.trim().is_empty() || self.name.chars().count() > 60 {
            return Err(AppError::field(
                Field::Name,
                if self.name.trim().is_empty() {
                    IssueCode::Required
                } else {
                    IssueCode::TooLong
                },
                "Give the budget a name of 1 to 60 characters.",
            ));
        }
        if switchyard_domain::storable::first_control(&self.name).is_some() {
            return Err(AppError::field(
                Field::Name,
                IssueCode::Format,
                "A budget's name cannot hold control characters.",
            ));
        }
        let limit = |m: String| Err(AppError::field(Field::Limit, IssueCode::OutOfRange, m));
        if !self.limit_usd.is_finite() || self.limit_usd <= 0.0 {
            return limit(format!(
                "Budget “{}”: the limit must be more than $0.",
                self.name.trim()
            ));
        }
        if self.limit_usd > MAX_LIMIT_USD {
            return limit(format!(
                "Budget “{}”: the limit must be at most $10,000,000.",
                self.name.trim()
            ));
        }
        Ok(())
    }

    fn subject(&self) -> String {
        format!("{SUBJECT_PREFIX}{}", self.id)
    }
}

impl Costs {
    pub async fn budgets(&self) -> Result<Vec<Budget>, AppError> {
        self.store.blocking(load).await
    }

    /// Replaces every budget after checking them all (names unique, scopes that exist, limits
    /// above $0); new budgets get an id. Nothing is saved when one is refused.
    pub async fn set_budgets(&self, mut budgets: Vec<Budget>) -> Result<Vec<Budget>, AppError> {
        if budgets.len() > MAX_BUDGETS {
            return Err(AppError::TooMany {
                what: "budgets",
                max: MAX_BUDGETS,
            });
        }
        for b in &mut budgets {
            b.validate()?;
            b.name = b.name.trim().to_string();
            if b.id.trim().is_empty() {
                b.id = uuid::Uuid::new_v4().simple().to_string();
            }
        }
        for (i, b) in budgets.iter().enumerate() {
            if budgets[..i]
                .iter()
                .any(|o| o.name.eq_ignore_ascii_case(&b.name) || o.id == b.id)
            {
                return Err(AppError::field(
                    Field::Name,
                    IssueCode::Duplicate,
                    format!("Two budgets are called “{}”.", b.name),
                ));
            }
        }
        let saved = budgets.clone();
        self.store
            .blocking(move |store| {
                let backends = store.backends.list_backends()?;
                let routes = store.routes.list_routes()?;
                for b in &budgets {
                    let exists = match &b.scope {
                        BudgetScope::All => true,
                        BudgetScope::Backend(id) => backends.iter().any(|r| &r.id == id),
                        BudgetScope::Route(id) => routes.iter().any(|r| &r.id == id),
                    };
                    if !exists {
                        return Err(AppError::field(
                            Field::Scope,
                            IssueCode::Missing,
                            format!("Budget “{}”: its backend or route does not exist.", b.name),
                        ));
                    }
                }
                let value = serde_json::to_value(&budgets)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                Ok(store.settings.set_setting(KEY, &value)?)
            })
            .await?;
        self.enforce_budgets().await?;
        self.emit(DomainEvent::CostsChanged);
        Ok(saved)
    }

    /// Every budget's state at this moment in the user's local time zone.
    pub async fn budget_statuses(&self) -> Result<Vec<BudgetStatus>, AppError> {
        self.budget_statuses_at(crate::clock::now_ms(), local_offset_minutes())
            .await
    }

    /// Every budget's state at `now_ms` with periods in the time zone `offset_minutes` east
    /// of UTC (tests script both).
    pub async fn budget_statuses_at(
        &self,
        now_ms: i64,
        offset_minutes: i32,
    ) -> Result<Vec<BudgetStatus>, AppError> {
        self.ledger.flush_async().await;
        self.store
            .blocking(move |store| statuses_in(store, now_ms, offset_minutes))
            .await
    }

    /// Reports each budget's percentage to the alert engine and hands the gateway the hard
    /// stops with what is left of them. Returns the statuses it used.
    pub async fn enforce_budgets(&self) -> Result<Vec<BudgetStatus>, AppError> {
        self.enforce_budgets_at(crate::clock::now_ms(), local_offset_minutes())
            .await
    }

    /// [`Costs::enforce_budgets`] at a scripted time.
    pub async fn enforce_budgets_at(
        &self,
        now_ms: i64,
        offset_minutes: i32,
    ) -> Result<Vec<BudgetStatus>, AppError> {
        let statuses = self.budget_statuses_at(now_ms, offset_minutes).await?;
        for s in &statuses {
            let _ = self.signals.send(Signal::Metric(MetricPoint {
                name: BUDGET_METRIC.into(),
                backend_id: s.budget.subject(),
                key_id: None,
                at_unix_ms: now_ms,
                value: s.percent,
            }));
        }
        let mut limits: Vec<SpendLimit> = statuses
            .iter()
            .filter(|s| s.budget.hard_stop)
            .filter_map(spend_limit)
            .collect();
        if let Some(team) = &self.team {
            team.share(&statuses, &mut limits).await;
        }
        if let Some(g) = &self.gateway {
            g.spend().set_limits(limits);
        }
        Ok(statuses)
    }

    /// Checks the budgets while the app runs: soon after requests are recorded (spend moved;
    /// at most once per [`CHECK_GAP`]), and every minute (a new day or month begins).
    pub(super) fn spawn_budget_checks(
        &self,
        tasks: &switchyard_runtime::Supervisor,
        mut events: tokio::sync::broadcast::Receiver<DomainEvent>,
    ) {
        use tokio::sync::broadcast::error::{RecvError, TryRecvError};
        let app = self.clone();
        tasks.spawn("budget checks", async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            let mut last: Option<tokio::time::Instant> = None;
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    event = events.recv() => match event {
                        Ok(DomainEvent::RequestsRecorded { .. }) | Err(RecvError::Lagged(_)) => {
                            if let Some(at) = last {
                                tokio::time::sleep_until(at + CHECK_GAP).await;
                            }
                            // What arrived meanwhile is covered by this check.
                            while matches!(events.try_recv(), Ok(_) | Err(TryRecvError::Lagged(_))) {}
                        }
                        Ok(_) => continue,
                        Err(RecvError::Closed) => return,
                    },
                }
                if let Err(e) = app.enforce_budgets().await {
                    tracing::warn!(error = %e, "budgets not checked");
                }
                last = Some(tokio::time::Instant::now());
            }
        });
    }
}

/// Subject names for alert texts: `budget:<id>` → `Budget “name”` (given to the Health feature
/// by the composition root). Blocking.
/// [`names_in`] for the Health feature, reading the settings table when asked.
pub(crate) fn name_source(store: &switchyard_store::Store) -> crate::monitor::NameSource {
    let settings = store.settings();
    std::sync::Arc::new(move || names_in(&settings))
}

fn names_in(settings: &switchyard_store::SettingsTable) -> Vec<(String, String)> {
    settings
        .setting_or_default::<Vec<Budget>>(KEY)
        .unwrap_or_default()
        .into_iter()
        .map(|b| (b.subject(), format!("Budget “{}”", b.name)))
        .collect()
}

/// The shortest time between two budget checks prompted by recorded requests.
const CHECK_GAP: std::time::Duration = std::time::Duration::from_secs(2);

/// The user's current UTC offset in minutes (east positive).
pub fn local_offset_minutes() -> i32 {
    chrono::Local::now().offset().local_minus_utc() / 60
}

/// The gateway's view of a hard-stop budget.
fn spend_limit(s: &BudgetStatus) -> Option<SpendLimit> {
    let b = &s.budget;
    let scope = match &b.scope {
        BudgetScope::All => SpendScope::All,
        BudgetScope::Backend(id) => SpendScope::Backend(id.clone()),
        BudgetScope::Route(_) => SpendScope::Route(s.scope_name.clone()?),
    };
    let period = match b.period {
        Period::Day => "today",
        Period::Month => "this month",
    };
    let message = format!(
        "Switchyard budget “{}” (${:.2} {period}) is used up, so paid requests in its scope are \
         refused until the period ends. Raise the limit or turn off its hard stop on the Costs page.",
        b.name, b.limit_usd
    );
    Some(SpendLimit {
        id: b.id.clone(),
        scope,
        remaining_usd: b.limit_usd - s.spent_usd,
        message,
    })
}
