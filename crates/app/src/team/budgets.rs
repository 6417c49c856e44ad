//! The team's budgets. Two kinds, both enforced for the whole team: the team database's own
//! (`switchyard team budget add`, per person or for everyone; [`follow`] keeps them current),
//! and each replica's configured budgets (the same on every replica, by name). Each hard stop
//! is enforced for the whole team — reserved and settled in Redis, or in PostgreSQL while Redis
//! is away, or by this replica alone while both are (`switchyard_team::TeamBudgets`) — its spend
//! read from the team ledger. The replica's own stop counts from the same team figure too.

use super::Team;
use crate::costs::budgets::{BudgetScope, BudgetStatus, SharedStops};
use switchyard_gateway::SpendLimit;
use switchyard_team::{BudgetScope as TeamScope, Change, TeamBudget};

/// The costs service's view of the team's budgets, with a team.
pub(crate) fn stops(team: Option<&Team>) -> Option<std::sync::Arc<dyn SharedStops>> {
    Some(std::sync::Arc::new(team?.clone()))
}

impl SharedStops for Team {
    fn share<'a>(
        &'a self,
        statuses: &'a [BudgetStatus],
        limits: &'a mut [SpendLimit],
    ) -> futures_util::future::BoxFuture<'a, ()> {
        Box::pin(share(self, statuses, limits))
    }
}

/// Hands the team's counters the hard stops of `statuses` with the team ledger's spend, and
/// counts this replica's own `limits` (built from `statuses`, by budget id) from it too.
async fn share(team: &Team, statuses: &[BudgetStatus], limits: &mut [SpendLimit]) {
    let mut shared = Vec::new();
    for s in statuses.iter().filter(|s| s.budget.hard_stop) {
        let Some(limit) = limits.iter_mut().find(|l| l.id == s.budget.id) else {
            continue;
        };
        let scope = match (&s.budget.scope, s.scope_name.clone()) {
            (BudgetScope::All, _) => TeamScope::All,
            (BudgetScope::Backend(_), Some(name)) => TeamScope::Backend(name),
            (BudgetScope::Route(_), Some(name)) => TeamScope::Route(name),
            _ => continue,
        };
        let spent_usd = match team.db.spent_since(s.period_start_ms, &scope).await {
            Ok(usd) => usd,
            Err(e) => {
                tracing::warn!(error = %e, budget = %s.budget.name, "the team ledger's spend could not be read: using this replica's");
                s.spent_usd
            }
        };
        limit.remaining_usd = s.budget.limit_usd - spent_usd.max(s.spent_usd);
        shared.push(TeamBudget {
            name: s.budget.name.clone(),
            scope,
            limit_usd: s.budget.limit_usd,
            period_start_ms: s.period_start_ms,
            period_end_ms: s.period_end_ms,
            spent_usd,
            message: limit
                .message
                .replace("Switchyard budget", "Switchyard team budget"),
        });
    }
    team.budgets.set(shared);
    // Spend the counters missed (made while Redis was away) is counted again.
    team.budgets.reconcile().await;
}

/// Keeps the team database's budgets in the shared counters: read at start, on a configuration
/// notice, and every [`super::RELOAD_EVERY`] (their spend moves, and notices can be missed);
/// each read raises a counter below the team ledger's figure to it.
pub(crate) async fn follow(team: Team) {
    let mut reloads = switchyard_team::Reloads::new(team.bus.as_ref(), super::RELOAD_EVERY, |c| {
        matches!(c, Change::Config | Change::Resync)
    });
    loop {
        reloads.next().await;
        match team.db.budget_limits(crate::clock::now_ms()).await {
            Ok(limits) => {
                team.budgets.set_team(limits);
                team.budgets.reconcile().await;
            }
            Err(e) => tracing::warn!(error = %e, "could not read the team's budgets"),
        }
    }
}
