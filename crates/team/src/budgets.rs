//! Budgets' hard stops for the whole team: reserve, then settle. Each budget's spend this period
//! is one Redis counter (micro-USD). Before a paid request goes out, one Lua script checks every
//! budget covering it and, only if each has room for the request's worst-case cost, adds that
//! cost to all of them; when the request ends the reservation is corrected to what it really
//! cost. So replicas sending at once cannot together pass a limit: a stop overshoots only by what
//! in-flight requests cost beyond their reservation (the gateway reserves the worst case).
//!
//! A counter starts from the team ledger's spend for the period (each replica hands the latest
//! figure with [`TeamBudgets::set`]; the first reservation of the period seeds it, `SET NX`),
//! so a Redis that lost its data starts again from PostgreSQL. With Redis away, reservations
//! answer "no shared budget" and each replica enforces the stop from its own counts (degraded).

use crate::link::Link;
use std::sync::{Arc, PoisonError, RwLock};
use switchyard_gateway::{Held, SharedBudgets};

/// Checks every budget (KEYS), seeding each from its ARGV; adds ARGV[1] to all if each has room.
/// Returns 0 when reserved, else the 1-based index of the first budget without room.
const RESERVE: &str = r"
local cost = tonumber(ARGV[1])
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[2 * i + 1], 'NX', 'PX', ARGV[2])
  if tonumber(redis.call('GET', KEYS[i])) + cost > tonumber(ARGV[2 * i + 2]) then
    return i
  end
end
for i = 1, #KEYS do
  redis.call('INCRBY', KEYS[i], cost)
end
return 0
";

/// How long a period's counter outlives the period.
const KEEP_AFTER_MS: i64 = 24 * 3600 * 1000;

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

    /// The counter of this budget's current period (`{spend}` keeps a script's keys in one
    /// Redis Cluster slot).
    pub fn key(&self) -> String {
        format!(
            "switchyard:{{spend}}:{}:{}",
            self.name.to_lowercase(),
            self.period_start_ms
        )
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
    link: Arc<Link>,
    /// The replica's own budgets' hard stops (configured alike on every replica).
    budgets: Arc<RwLock<Vec<TeamBudget>>>,
    /// The team database's budgets (`team_budgets`).
    team: Arc<RwLock<Vec<TeamBudget>>>,
    script: Arc<redis::Script>,
}

impl TeamBudgets {
    pub fn new(link: Arc<Link>) -> TeamBudgets {
        TeamBudgets {
            link,
            budgets: Arc::default(),
            team: Arc::default(),
            script: Arc::new(redis::Script::new(RESERVE)),
        }
    }

    /// Replaces the replica's own budgets with hard stops (and their spend per the team ledger).
    pub fn set(&self, budgets: Vec<TeamBudget>) {
        *self.budgets.write().unwrap_or_else(PoisonError::into_inner) = budgets;
    }

    /// Replaces the team database's budgets with hard stops ([`crate::TeamDb::budget_limits`]).
    pub fn set_team(&self, budgets: Vec<TeamBudget>) {
        *self.team.write().unwrap_or_else(PoisonError::into_inner) = budgets;
    }

    /// What the team has spent (and holds reserved) in `budget`'s period, as its counter says;
    /// `None` before the first reservation or when Redis does not answer.
    pub async fn counted_usd(&self, budget: &TeamBudget) -> Option<f64> {
        let key = budget.key();
        let n: Option<i64> = self
            .link
            .run("budgets", |mut conn| async move {
                redis::cmd("GET").arg(key).query_async(&mut conn).await
            })
            .await?;
        n.map(|n| n as f64 / 1e6)
    }

    async fn reserve_usd(
        &self,
        owner: Option<&str>,
        backend: &str,
        route: Option<&str>,
        usd: f64,
    ) -> Result<Option<Box<dyn Held>>, String> {
        let now = now_ms();
        let mut covering = Vec::new();
        for list in [&self.budgets, &self.team] {
            let list = list.read().unwrap_or_else(PoisonError::into_inner);
            // A period that ended is not held against a request of the next: until the next
            // refresh brings the new period (seeded from the team ledger, this request
            // included), that budget is checked by the replica's own count alone.
            covering.extend(
                list.iter()
                    .filter(|b| now < b.period_end_ms && b.covers(owner, backend, route))
                    .cloned(),
            );
        }
        let Some(last_end) = covering.iter().map(|b| b.period_end_ms).max() else {
            return Ok(None);
        };
        let cost = micro(usd).max(1);
        let keep = (last_end - now).max(0) + KEEP_AFTER_MS;
        let keys: Vec<String> = covering.iter().map(TeamBudget::key).collect();
        let mut call = self.script.prepare_invoke();
        call.arg(cost).arg(keep);
        for (b, key) in covering.iter().zip(&keys) {
            call.key(key)
                .arg(micro(b.spent_usd).max(0))
                .arg(micro(b.limit_usd));
        }
        let answer = self
            .link
            .run("budgets", |mut conn| async move {
                call.invoke_async::<i64>(&mut conn).await
            })
            .await;
        match answer {
            None => Ok(None),
            Some(0) => Ok(Some(Box::new(Reservation {
                link: Arc::clone(&self.link),
                keys,
                reserved: cost,
            }))),
            Some(i) => {
                let at = usize::try_from(i - 1).unwrap_or(0);
                Err(covering
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

/// A request's place in the team's budgets.
struct Reservation {
    link: Arc<Link>,
    keys: Vec<String>,
    reserved: i64,
}

impl Held for Reservation {
    fn settle(self: Box<Self>, usd: f64) {
        let change = micro(usd.max(0.0)) - self.reserved;
        if change == 0 {
            return;
        }
        let link = Arc::clone(&self.link);
        let keys = self.keys;
        self.link.background(async move {
            link.run("budgets", |mut conn| async move {
                let mut pipe = redis::pipe();
                for k in &keys {
                    pipe.cmd("INCRBY").arg(k).arg(change).ignore();
                }
                pipe.query_async::<()>(&mut conn).await
            })
            .await;
        });
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
