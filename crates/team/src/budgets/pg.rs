//! The budgets' counters in PostgreSQL: how a reservation is made while Redis is away (or was
//! never given), so that the team's hard stops hold without it. One row per budget and period
//! (`team_budget_counters`: what settled requests cost, never below the team ledger's figure)
//! and one row per reservation in flight (`team_budget_holds`, each with an expiry, so that a
//! replica killed mid-request holds nothing for long). A reservation locks its budgets' rows in
//! key order, checks each for room and holds the cost in all of them, in one transaction; a
//! settlement drops the hold and adds the real cost in one statement.

use super::{micro, TeamBudget};
use crate::{TeamDb, TeamError};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a reservation may wait for PostgreSQL before the replica counts on its own.
const ANSWER_WITHIN: Duration = Duration::from_secs(1);
/// After PostgreSQL did not answer, how long the request path does not ask it (the next
/// reservation after that tries again).
const PAUSE_AFTER_FAILURE: Duration = Duration::from_secs(2);
/// How long a hold outlives its reservation when it is never settled (its replica died): longer
/// than any request may run.
const HOLD_FOR_SECS: f64 = 15.0 * 60.0;
const YEAR_MS: i64 = 366 * 86_400_000;
/// How often a replica reserving here re-reads a budget's spend from the team ledger (which
/// holds what was spent through Redis before it went away, unlike a replica's last figure).
const FLOOR_EVERY: Duration = Duration::from_secs(1);

/// The counters in the team database, with a pause after a failure.
pub(super) struct PgCounters {
    db: TeamDb,
    skip_until: Mutex<Option<Instant>>,
    /// Each budget's spend per the team ledger (micro-USD), and when it was read.
    floors: Mutex<HashMap<String, (Instant, i64)>>,
}

impl PgCounters {
    pub(super) fn new(db: TeamDb) -> PgCounters {
        PgCounters {
            db,
            skip_until: Mutex::new(None),
            floors: Mutex::default(),
        }
    }

    /// Reserves `cost` (micro-USD) as hold `id` in every budget of `covering`: `Some(None)` when
    /// reserved, `Some(Some(i))` when `covering[i]` has no room, `None` when PostgreSQL did not
    /// answer in time.
    pub(super) async fn reserve(
        &self,
        id: &str,
        covering: &[TeamBudget],
        cost: i64,
        now: i64,
    ) -> Option<Option<usize>> {
        if self
            .skip_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some_and(|t| Instant::now() < t)
        {
            return None;
        }
        let reserve = async {
            let floors = self.floors(covering).await?;
            self.db
                .reserve_counters(id, covering, &floors, cost, now)
                .await
        };
        let answer = tokio::time::timeout(ANSWER_WITHIN, reserve).await;
        match answer {
            Ok(Ok(v)) => Some(v),
            failed => {
                let why = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "no answer in time".into(),
                };
                tracing::warn!(error = %why, "the team database could not hold a budget reservation: counting on this replica alone");
                *self
                    .skip_until
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) =
                    Some(Instant::now() + PAUSE_AFTER_FAILURE);
                None
            }
        }
    }

    /// Where each budget of `covering` starts from: its spend per the team ledger (read at most
    /// every [`FLOOR_EVERY`]) or the replica's figure, whichever is higher.
    async fn floors(&self, covering: &[TeamBudget]) -> Result<Vec<i64>, TeamError> {
        let mut out = Vec::with_capacity(covering.len());
        for b in covering {
            let key = b.key();
            let known = self
                .floors
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&key)
                .filter(|(at, _)| at.elapsed() < FLOOR_EVERY)
                .map(|(_, v)| *v);
            let floor = match known {
                Some(v) => v,
                None => {
                    let v = micro(self.db.spent_since(b.period_start_ms, &b.scope).await?);
                    self.floors
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(key, (Instant::now(), v));
                    v
                }
            };
            out.push(floor.max(micro(b.spent_usd)).max(0));
        }
        Ok(out)
    }

    /// What the counters of `budgets` say was settled (0 for one without a counter); `None`
    /// when PostgreSQL does not answer in time.
    pub(super) async fn settled(&self, budgets: &[TeamBudget]) -> Option<Vec<i64>> {
        let keys: Vec<String> = budgets.iter().map(TeamBudget::key).collect();
        let read = async {
            let rows = self
                .db
                .client()
                .await?
                .query(
                    "SELECT key, spent_micro FROM team_budget_counters WHERE key = ANY($1)",
                    &[&keys],
                )
                .await?;
            let found: HashMap<String, i64> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
            Ok::<_, TeamError>(
                keys.iter()
                    .map(|k| found.get(k).copied().unwrap_or(0))
                    .collect(),
            )
        };
        tokio::time::timeout(ANSWER_WITHIN, read).await.ok()?.ok()
    }

    /// Drops hold `id` and adds `cost` to its budgets (in the background). A settlement lost
    /// with PostgreSQL away is made good by the hold's expiry and the ledger's figure.
    pub(super) fn settle(&self, id: String, cost: i64) {
        let db = self.db.clone();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            if let Err(e) = db.settle_counters(&id, cost).await {
                tracing::warn!(error = %e, "a budget reservation could not be settled in the team database: it expires");
            }
        });
    }

    /// Drops ended periods' counters and expired holds.
    pub(super) async fn sweep(&self) {
        if let Err(e) = self.db.sweep_counters().await {
            tracing::debug!(error = %e, "the budget counters could not be swept");
        }
    }
}

impl TeamDb {
    async fn reserve_counters(
        &self,
        id: &str,
        covering: &[TeamBudget],
        floors: &[i64],
        cost: i64,
        now: i64,
    ) -> Result<Option<usize>, TeamError> {
        let mut order: Vec<usize> = (0..covering.len()).collect();
        order.sort_by_key(|&i| covering[i].key());
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        for &i in &order {
            let b = &covering[i];
            // Kept a day past the period (at most a year ahead: the type's range is finite).
            let end = b
                .period_end_ms
                .min(now + YEAR_MS)
                .saturating_add(super::KEEP_AFTER_MS);
            let expires = end as f64 / 1000.0;
            // Locks the row until the transaction ends, raised to the ledger's figure.
            let spent: i64 = tx
                .query_one(
                    "INSERT INTO team_budget_counters AS c (key, spent_micro, expires_at)
                     VALUES ($1, $2, to_timestamp($3))
                     ON CONFLICT (key) DO UPDATE
                        SET spent_micro = GREATEST(c.spent_micro, EXCLUDED.spent_micro)
                     RETURNING spent_micro",
                    &[&b.key(), &floors.get(i).copied().unwrap_or(0), &expires],
                )
                .await?
                .get(0);
            // A statement of its own, so that its snapshot (taken now, the lock held) sees the
            // holds of every reservation that held the lock before this one.
            let held: i64 = tx
                .query_one(
                    "SELECT COALESCE(SUM(micro), 0)::bigint FROM team_budget_holds
                     WHERE key = $1 AND until > now()",
                    &[&b.key()],
                )
                .await?
                .get(0);
            if spent.saturating_add(held).saturating_add(cost) > micro(b.limit_usd) {
                tx.rollback().await?;
                return Ok(Some(i));
            }
        }
        let keys: Vec<String> = covering.iter().map(TeamBudget::key).collect();
        tx.execute(
            "INSERT INTO team_budget_holds (id, key, micro, until)
             SELECT $1, k, $3, now() + make_interval(secs => $4) FROM unnest($2::text[]) AS k",
            &[&id, &keys, &cost, &HOLD_FOR_SECS],
        )
        .await?;
        tx.commit().await?;
        Ok(None)
    }

    async fn settle_counters(&self, id: &str, cost: i64) -> Result<(), TeamError> {
        self.client()
            .await?
            .execute(
                "WITH gone AS (DELETE FROM team_budget_holds WHERE id = $1 RETURNING key)
                 UPDATE team_budget_counters SET spent_micro = spent_micro + $2
                 WHERE key IN (SELECT key FROM gone)",
                &[&id, &cost],
            )
            .await?;
        Ok(())
    }

    async fn sweep_counters(&self) -> Result<(), TeamError> {
        self.client()
            .await?
            .batch_execute(
                "DELETE FROM team_budget_holds WHERE until < now();
                 DELETE FROM team_budget_counters WHERE expires_at < now();",
            )
            .await?;
        Ok(())
    }
}
