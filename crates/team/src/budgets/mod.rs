//! Budgets' hard stops for the whole team: reserve, then settle. Before a paid request goes
//! out, every budget covering it is checked for room for the request's worst-case cost and, only
//! if each has it, that cost is held in all of them; when the request ends the hold becomes what
//! it really cost. So replicas sending at once cannot together pass a limit: a stop overshoots
//! only by what in-flight requests cost beyond their reservation (the gateway reserves the worst
//! case).
//!
//! Where the counting happens, in order of preference (docs/TEAM.md states each mode's bound):
//! - **Redis** ([`redis`]), while it answers: one Lua script per reservation, the fast way;
//! - **PostgreSQL** ([`pg`]), while Redis is away or was never given: one transaction, the
//!   budgets' rows locked, so the stop still holds for the team to within what is in flight;
//! - **this replica alone** ([`local`]), while neither answers: the team ledger's figure at the
//!   last refresh plus what this replica spent since, so each replica stops at the limit on its
//!   own (the team can pass it by what the other replicas spend meanwhile).
//!
//! Each store's settled figure starts from, and is raised to, the team ledger's spend for the
//! period (each replica hands the latest figure with [`TeamBudgets::set`]): spend made while a
//! store was away is counted again ([`TeamBudgets::reconcile`] for Redis; every PostgreSQL
//! reservation raises its rows), never touching what is held.

mod local;
mod pg;
mod redis;

use crate::link::Link;
use crate::TeamDb;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use switchyard_gateway::{Held, SharedBudgets};

/// How long a period's counter outlives the period.
pub(crate) const KEEP_AFTER_MS: i64 = 24 * 3600 * 1000;

/// What a team budget covers, by name (ids differ between replicas' own databases).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BudgetScope {
    All,
    Backend(String),
    Route(String),
    /// The requests made with a person's team tokens (their owner).
    Person(String),
}

/// A budget with a hard stop, as the team enforces it.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamBudget {
    pub name: String,
    pub scope: BudgetScope,
    pub limit_usd: f64,
    pub period_start_ms: i64,
    pub period_end_ms: i64,
    /// The team ledger's spend in the period so far: where a new counter starts.
    pub spent_usd: f64,
    /// The refusal's message.
    pub message: String,
}

impl TeamBudget {
    fn covers(&self, owner: Option<&str>, backend: &str, route: Option<&str>) -> bool {
        match &self.scope {
            BudgetScope::All => true,
            BudgetScope::Backend(name) => name == backend,
            BudgetScope::Route(name) => route.is_some_and(|r| r.eq_ignore_ascii_case(name)),
            BudgetScope::Person(name) => owner.is_some_and(|o| o.eq_ignore_ascii_case(name)),
        }
    }

    /// The settled counter of this budget's current period (`{spend}` keeps a script's keys in
    /// one Redis Cluster slot).
    pub fn key(&self) -> String {
        format!(
            "switchyard:{{spend}}:{}:{}",
            self.name.to_lowercase(),
            self.period_start_ms
        )
    }

    /// What requests in flight hold in this budget's current period: a hash of reservation id →
    /// micro-USD and expiry. (`:holds`, not the `:held` counter of the builds before, so that an
    /// upgraded replica never reads one as the other; those expire with their period.)
    pub fn held_key(&self) -> String {
        format!("{}:holds", self.key())
    }

    /// How long this period's counters are kept from `now`.
    fn keep_ms(&self, now: i64) -> i64 {
        (self.period_end_ms - now).max(0) + KEEP_AFTER_MS
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn micro(usd: f64) -> i64 {
    // Saturating float-to-int conversion; a budget is far below the bound.
    (usd * 1e6).ceil() as i64
}

/// The team's shared hard stops, as one replica holds them. Cheap to clone.
#[derive(Clone)]
pub struct TeamBudgets {
    redis: Option<redis::RedisCounters>,
    /// Redis did not answer a reservation: its counters missed what was spent meanwhile.
    redis_behind: Arc<AtomicBool>,
    pg: Option<Arc<pg::PgCounters>>,
    local: Arc<local::LocalCounts>,
    /// The replica's own budgets' hard stops (configured alike on every replica).
    budgets: Arc<RwLock<Vec<TeamBudget>>>,
    /// The team database's budgets (`team_budgets`).
    team: Arc<RwLock<Vec<TeamBudget>>>,
}

impl TeamBudgets {
    /// Budgets counted in `redis` while it answers, else in the team database `db`, else by
    /// this replica alone.
    pub fn new(redis: Option<Arc<Link>>, db: Option<TeamDb>) -> TeamBudgets {
        TeamBudgets {
            redis: redis.map(redis::RedisCounters::new),
            redis_behind: Arc::default(),
            pg: db.map(|db| Arc::new(pg::PgCounters::new(db))),
            local: Arc::default(),
            budgets: Arc::default(),
            team: Arc::default(),
        }
    }

    /// Replaces the replica's own budgets with hard stops (and their spend per the team ledger).
    pub fn set(&self, budgets: Vec<TeamBudget>) {
        self.local.refreshed(&budgets);
        *self.budgets.write().unwrap_or_else(PoisonError::into_inner) = budgets;
    }

    /// Replaces the team database's budgets with hard stops ([`crate::TeamDb::budget_limits`]).
    pub fn set_team(&self, budgets: Vec<TeamBudget>) {
        self.local.refreshed(&budgets);
        *self.team.write().unwrap_or_else(PoisonError::into_inner) = budgets;
    }

    /// What the team has spent (and holds reserved) in `budget`'s period, as its Redis counters
    /// say; `None` before the first reservation, without Redis or when it does not answer.
    pub async fn counted_usd(&self, budget: &TeamBudget) -> Option<f64> {
        let counted = self.redis.as_ref()?.counted(budget).await?;
        Some(counted as f64 / 1e6)
    }

    /// The current period's budgets of both lists that `wanted` accepts (only those cloned).
    fn current_where(&self, now: i64, wanted: impl Fn(&TeamBudget) -> bool) -> Vec<TeamBudget> {
        let mut out = Vec::new();
        for list in [&self.budgets, &self.team] {
            let list = list.read().unwrap_or_else(PoisonError::into_inner);
            out.extend(
                list.iter()
                    .filter(|b| now < b.period_end_ms && wanted(b))
                    .cloned(),
            );
        }
        out
    }

    /// The current period's budgets, both lists.
    fn current(&self, now: i64) -> Vec<TeamBudget> {
        self.current_where(now, |_| true)
    }

    /// Raises each current budget's settled counter in Redis to the team ledger's figure when
    /// the counter is below it: spend made while Redis was away, or by a replica without it, is
    /// counted again. What requests in flight hold is not touched. Also drops the team
    /// database's ended counters and expired holds. `false` when Redis did not answer (the
    /// next refresh tries again).
    pub async fn reconcile(&self) -> bool {
        if let Some(pg) = &self.pg {
            pg.sweep().await;
        }
        let now = now_ms();
        match &self.redis {
            Some(redis) => redis.raise(&self.current(now), None, now).await,
            None => true,
        }
    }

    /// Redis answers again after it did not: its counters are raised to what the team database's
    /// say was settled meanwhile (and the ledger's figure) before it is trusted with a
    /// reservation. `false` while that cannot be done.
    async fn catch_up(&self, redis: &redis::RedisCounters, now: i64) -> bool {
        // Not a question for the team database per request while Redis is still away.
        if !redis.link.is_up() && !redis.link.ping().await {
            return false;
        }
        let budgets = self.current(now);
        let settled = match &self.pg {
            Some(pg) => pg.settled(&budgets).await,
            None => None,
        };
        let caught_up =
            redis.forget().await && redis.raise(&budgets, settled.as_deref(), now).await;
        if caught_up {
            self.redis_behind.store(false, Ordering::Relaxed);
            tracing::info!("the team's budget counters in Redis caught up with what was spent while it was away");
        }
        caught_up
    }

    async fn reserve_usd(
        &self,
        owner: Option<&str>,
        backend: &str,
        route: Option<&str>,
        usd: f64,
    ) -> Result<Option<Box<dyn Held>>, String> {
        let now = now_ms();
        // A period that ended is not held against a request of the next: until the next
        // refresh brings the new period (seeded from the team ledger, this request included),
        // that budget is checked by the replica's own count alone.
        let covering = self.current_where(now, |b| b.covers(owner, backend, route));
        if covering.is_empty() {
            return Ok(None);
        }
        let cost = micro(usd).max(1);
        let mut held = Reservation {
            local: Arc::clone(&self.local),
            place: None,
            budgets: covering,
            reserved: cost,
        };
        let id = uuid::Uuid::new_v4().simple().to_string();
        let mut answer = None;
        if let Some(redis) = &self.redis {
            if !self.redis_behind.load(Ordering::Relaxed) || self.catch_up(redis, now).await {
                answer = redis.reserve(&id, &held.budgets, cost, now).await;
                held.place = Some(Place::Redis(redis.clone(), id.clone()));
            }
            if answer.is_none() {
                self.redis_behind.store(true, Ordering::Relaxed);
            }
        }
        if answer.is_none() {
            if let Some(pg) = &self.pg {
                answer = pg.reserve(&id, &held.budgets, cost, now).await;
                held.place = Some(Place::Pg(Arc::clone(pg), id));
            }
        }
        let full = match answer {
            Some(full) => full,
            None => {
                let full = self.local.reserve(&held.budgets, cost).err();
                if full.is_none() {
                    held.place = Some(Place::Local);
                }
                full
            }
        };
        match full {
            None => Ok(Some(Box::new(held))),
            Some(at) => {
                // Nothing was held anywhere.
                held.place = None;
                Err(held
                    .budgets
                    .get(at)
                    .map(|b| b.message.clone())
                    .unwrap_or_else(|| "A team budget is used up.".into()))
            }
        }
    }
}

impl SharedBudgets for TeamBudgets {
    fn reserve<'a>(
        &'a self,
        owner: Option<&'a str>,
        backend: &'a str,
        route: Option<&'a str>,
        usd: f64,
    ) -> switchyard_gateway::SharedAnswer<'a, Result<Option<Box<dyn Held>>, String>> {
        Box::pin(self.reserve_usd(owner, backend, route, usd))
    }
}

/// Where a reservation is held.
enum Place {
    /// Each with the reservation's id.
    Redis(redis::RedisCounters, String),
    Pg(Arc<pg::PgCounters>, String),
    Local,
}

/// A request's place in the team's budgets.
struct Reservation {
    local: Arc<local::LocalCounts>,
    /// `None` once settled.
    place: Option<Place>,
    budgets: Vec<TeamBudget>,
    /// Micro-USD.
    reserved: i64,
}

impl Reservation {
    /// Moves the request from held to settled at `cost` (micro-USD): in its store, and in this
    /// replica's own count (what it goes by should both stores go away). Once.
    fn finish(&mut self, cost: i64) {
        let Some(place) = self.place.take() else {
            return;
        };
        let held_here = if matches!(place, Place::Local) {
            self.reserved
        } else {
            0
        };
        self.local.settle(&self.budgets, held_here, cost);
        match place {
            Place::Redis(redis, id) => redis.settle(id, &self.budgets, cost),
            Place::Pg(pg, id) => pg.settle(id, cost),
            Place::Local => {}
        }
    }
}

impl Held for Reservation {
    fn settle(mut self: Box<Self>, usd: f64) {
        self.finish(micro(usd.max(0.0)));
    }
}

impl Drop for Reservation {
    /// A reservation never settled (its request was dropped on the way, or had no price) is
    /// settled at what it reserved: the worst case, never less than it may have cost.
    fn drop(&mut self) {
        let reserved = self.reserved;
        self.finish(reserved);
    }
}

impl crate::TeamDb {
    /// What the team ledger's requests in `scope` cost since `since_ms` (Unix milliseconds).
    pub async fn spent_since(
        &self,
        since_ms: i64,
        scope: &BudgetScope,
    ) -> Result<f64, crate::TeamError> {
        let (backend, route, person) = match scope {
            BudgetScope::All => (None, None, None),
            BudgetScope::Backend(name) => (Some(name.as_str()), None, None),
            BudgetScope::Route(name) => (None, Some(name.as_str()), None),
            BudgetScope::Person(name) => (None, None, Some(name.as_str())),
        };
        let since = since_ms as f64 / 1000.0;
        let row = self
            .client()
            .await?
            .query_one(
                "SELECT COALESCE(SUM(r.cost_usd), 0)::float8 FROM team_requests r
                 LEFT JOIN team_tokens t ON t.id = r.token_id
                 WHERE r.started_at >= to_timestamp($1)
                   AND ($2::text IS NULL OR r.backend = $2)
                   AND ($3::text IS NULL OR lower(r.record->>'route') = lower($3))
                   AND ($4::text IS NULL OR lower(t.owner) = lower($4))",
                &[&since, &backend, &route, &person],
            )
            .await?;
        Ok(row.get(0))
    }
}
