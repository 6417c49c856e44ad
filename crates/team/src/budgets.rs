//! Budgets' hard stops for the whole team: reserve, then settle. Each budget's spend this period
//! is one Redis counter (micro-USD). Before a paid request goes out, one Lua script checks every
//! budget covering it and, only if each has room for the request's worst-case cost, adds that
//! cost to all of them; when the request ends the reservation is corrected to what it really
//! cost. So replicas sending at once cannot together pass a limit: a stop overshoots only by what
//! in-flight requests cost beyond their reservation (the gateway reserves the worst case).
//!
//! Each budget and period has two counters: what settled requests cost (`…:{spend}:name:period`)
//! and what requests in flight hold reserved (the same with `:held`). The settled counter starts
//! from the team ledger's spend for the period (each replica hands the latest figure with
//! [`TeamBudgets::set`]; the first reservation of the period seeds it, `SET NX`), so a Redis that
//! lost its data starts again from PostgreSQL; and [`TeamBudgets::reconcile`] raises it to the
//! ledger's figure whenever that is higher (spend made while Redis was away, or by a replica
//! without it), never touching what is held. With Redis away, reservations answer "no shared
//! budget" and each replica enforces the stop from its own counts (degraded).

use crate::link::Link;
use std::sync::{Arc, PoisonError, RwLock};
use switchyard_gateway::{Held, SharedBudgets};

/// Checks every budget (KEYS: its settled and held counters, in pairs), seeding the settled one
/// from its ARGV; adds ARGV[1] to every held counter if each budget has room for it. Returns 0
/// when reserved, else the 1-based index of the first budget without room.
const RESERVE: &str = r"
local cost = tonumber(ARGV[1])
local n = #KEYS / 2
for i = 1, n do
  local spent, held = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('SET', spent, ARGV[2 * i + 1], 'NX', 'PX', ARGV[2])
  -- A held counter below 0 (its Redis lost data mid-request) holds nothing.
  local total = tonumber(redis.call('GET', spent)) + math.max(0, tonumber(redis.call('GET', held) or '0'))
  if total + cost > tonumber(ARGV[2 * i + 2]) then
    return i
  end
end
for i = 1, n do
  redis.call('INCRBY', KEYS[2 * i], cost)
  redis.call('PEXPIRE', KEYS[2 * i], ARGV[2])
end
return 0
";

/// Raises each settled counter (KEYS) to at least its floor (ARGV, with its expiry after it),
/// creating it when absent; a counter above its floor is left as it is.
const RAISE: &str = r"
for i = 1, #KEYS do
  local floor = tonumber(ARGV[2 * i - 1])
  if tonumber(redis.call('GET', KEYS[i]) or '-1') < floor then
    redis.call('SET', KEYS[i], floor, 'PX', ARGV[2 * i])
  end
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

    /// The settled counter of this budget's current period (`{spend}` keeps a script's keys in
    /// one Redis Cluster slot).
    pub fn key(&self) -> String {
        format!(
            "switchyard:{{spend}}:{}:{}",
            self.name.to_lowercase(),
            self.period_start_ms
        )
    }

    /// What requests in flight hold reserved in this budget's current period.
    pub fn held_key(&self) -> String {
        format!("{}:held", self.key())
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
    link: Arc<Link>,
    /// The replica's own budgets' hard stops (configured alike on every replica).
    budgets: Arc<RwLock<Vec<TeamBudget>>>,
    /// The team database's budgets (`team_budgets`).
    team: Arc<RwLock<Vec<TeamBudget>>>,
    script: Arc<redis::Script>,
    raise: Arc<redis::Script>,
}

impl TeamBudgets {
    pub fn new(link: Arc<Link>) -> TeamBudgets {
        TeamBudgets {
            link,
            budgets: Arc::default(),
            team: Arc::default(),
            script: Arc::new(redis::Script::new(RESERVE)),
            raise: Arc::new(redis::Script::new(RAISE)),
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

    /// What the team has spent (and holds reserved) in `budget`'s period, as its counters say;
    /// `None` before the first reservation or when Redis does not answer.
    pub async fn counted_usd(&self, budget: &TeamBudget) -> Option<f64> {
        let keys = [budget.key(), budget.held_key()];
        let (spent, held): (Option<i64>, Option<i64>) = self
            .link
            .run("budgets", |mut conn| async move {
                redis::cmd("MGET").arg(&keys).query_async(&mut conn).await
            })
            .await?;
        spent.map(|n| (n + held.unwrap_or(0).max(0)) as f64 / 1e6)
    }

    /// Raises each current budget's settled counter to the team ledger's figure when the counter
    /// is below it: spend made while Redis was away, or by a replica without it, is counted
    /// again. What requests in flight hold is not touched. `false` when Redis did not answer
    /// (the next refresh tries again).
    pub async fn reconcile(&self) -> bool {
        let now = now_ms();
        let mut call = self.raise.prepare_invoke();
        let mut any = false;
        for list in [&self.budgets, &self.team] {
            let list = list.read().unwrap_or_else(PoisonError::into_inner);
            for b in list.iter().filter(|b| now < b.period_end_ms) {
                call.key(b.key())
                    .arg(micro(b.spent_usd).max(0))
                    .arg(b.keep_ms(now));
                any = true;
            }
        }
        if !any {
            return true;
        }
        self.link
            .run("budgets", |mut conn| async move {
                call.invoke_async::<i64>(&mut conn).await
            })
            .await
            .is_some()
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
        let Some(keep) = covering.iter().map(|b| b.keep_ms(now)).max() else {
            return Ok(None);
        };
        let cost = micro(usd).max(1);
        let mut call = self.script.prepare_invoke();
        call.arg(cost).arg(keep);
        for b in &covering {
            call.key(b.key())
                .key(b.held_key())
                .arg(micro(b.spent_usd).max(0))
                .arg(micro(b.limit_usd));
        }
        let keys: Vec<(String, String)> =
            covering.iter().map(|b| (b.key(), b.held_key())).collect();
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

/// A request's place in the team's budgets: its (settled, held) counters.
struct Reservation {
    link: Arc<Link>,
    keys: Vec<(String, String)>,
    reserved: i64,
}

impl Held for Reservation {
    /// Moves the request from held to settled at what it really cost, in one transaction.
    fn settle(self: Box<Self>, usd: f64) {
        let cost = micro(usd.max(0.0));
        let reserved = self.reserved;
        let link = Arc::clone(&self.link);
        let keys = self.keys;
        self.link.background(async move {
            link.run("budgets", |mut conn| async move {
                let mut pipe = redis::pipe();
                pipe.atomic();
                for (spent, held) in &keys {
                    pipe.cmd("DECRBY").arg(held).arg(reserved).ignore();
                    if cost > 0 {
                        pipe.cmd("INCRBY").arg(spent).arg(cost).ignore();
                    }
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
