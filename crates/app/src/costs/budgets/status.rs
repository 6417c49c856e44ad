//! Each budget's state now: what its scope spent in its period (from the ledger's rollups), with
//! the names the rollups record its scope by.

use super::{Budget, BudgetScope, BudgetStatus, KEY};
use crate::costs::forecast;
use crate::costs::tables::CostTables;
use crate::AppError;
use switchyard_store::Dimension;

/// Every budget's state read from `store`: the one read path, used by [`Costs`] and by the
/// status line (which opens the database read-only, with no services, to answer in
/// milliseconds).
pub(crate) fn statuses_in(
    store: &CostTables,
    now_ms: i64,
    offset_minutes: i32,
) -> Result<Vec<BudgetStatus>, AppError> {
    let names = ScopeNames::load(store)?;
    load(store)?
        .into_iter()
        .map(|b| status(store, &names, b, now_ms, offset_minutes))
        .collect()
}

pub(super) fn load(store: &CostTables) -> Result<Vec<Budget>, AppError> {
    Ok(store.settings.setting_or_default(KEY)?)
}

/// Backend and route names by id: the ledger and its rollups record names.
struct ScopeNames {
    backends: Vec<(String, String)>,
    routes: Vec<(String, String)>,
}

impl ScopeNames {
    pub(super) fn load(store: &CostTables) -> Result<Self, AppError> {
        Ok(ScopeNames {
            backends: store
                .backends
                .list_backends()?
                .into_iter()
                .map(|b| (b.id, b.name))
                .collect(),
            routes: store
                .routes
                .list_routes()?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect(),
        })
    }

    fn of(&self, scope: &BudgetScope) -> Option<String> {
        let find = |list: &[(String, String)], id: &str| {
            list.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone())
        };
        match scope {
            BudgetScope::All => None,
            BudgetScope::Backend(id) => find(&self.backends, id),
            BudgetScope::Route(id) => find(&self.routes, id),
        }
    }
}

/// Known spend and unpriced requests of a scope in `[since, until)`.
fn spend(
    store: &CostTables,
    scope: &BudgetScope,
    name: Option<&str>,
    since: i64,
    until: i64,
) -> Result<(f64, u64), AppError> {
    let dim = match scope {
        BudgetScope::All => {
            let t = store.ledger.usage_totals(since, until)?;
            return Ok((t.cost_usd, t.unpriced));
        }
        BudgetScope::Backend(_) => Dimension::Backend,
        BudgetScope::Route(_) => Dimension::Route,
    };
    let Some(name) = name else {
        return Ok((0.0, 0));
    };
    Ok(store
        .ledger
        .usage_by(dim, since, until)?
        .into_iter()
        .find(|(key, _)| key == name)
        .map_or((0.0, 0), |(_, t)| (t.cost_usd, t.unpriced)))
}

fn status(
    store: &CostTables,
    names: &ScopeNames,
    budget: Budget,
    now_ms: i64,
    offset_minutes: i32,
) -> Result<BudgetStatus, AppError> {
    let (start, end) = forecast::period_bounds(budget.period, now_ms, offset_minutes);
    let scope_name = names.of(&budget.scope);
    let name = scope_name.as_deref();
    // Rollups are hourly: the current hour counts whole.
    let until = now_ms + forecast::HOUR_MS;
    let (spent, unpriced) = spend(store, &budget.scope, name, start, until)?;
    let (w0, w1) = forecast::burn_window(budget.period, start, now_ms);
    let (window_usd, _) = spend(store, &budget.scope, name, w0, until)?;
    let forecast = forecast::forecast(spent, budget.limit_usd, window_usd, w0, w1, end);
    let percent = spent / budget.limit_usd * 100.0;
    Ok(BudgetStatus {
        stopped: budget.hard_stop && spent >= budget.limit_usd,
        scope_name,
        period_start_ms: start,
        period_end_ms: end,
        spent_usd: spent,
        unpriced_requests: unpriced,
        percent,
        forecast,
        budget,
    })
}
