//! The team's own budgets, kept in PostgreSQL (`team_budgets`) so every replica enforces the
//! same ones: a USD limit per UTC day or month, for one person (a team token's owner) or for
//! everyone. [`TeamDb::budget_limits`] turns the hard stops into [`TeamBudget`]s for the shared
//! counters, with what the team ledger says was spent this period.

use crate::{BudgetScope, TeamBudget, TeamDb, TeamError};
use switchyard_domain::storable::first_control;

/// One budget as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamBudgetRow {
    pub name: String,
    /// Whose requests it covers; `None`: everyone's.
    pub person: Option<String>,
    /// `day` or `month` (UTC).
    pub period: String,
    pub limit_usd: f64,
    pub hard_stop: bool,
    /// Grows with every change.
    pub version: i64,
}

/// The start and end of the current UTC `period` at `now_ms`.
pub fn period_bounds(period: &str, now_ms: i64) -> (i64, i64) {
    const DAY: i64 = 86_400_000;
    let day_start = now_ms - now_ms.rem_euclid(DAY);
    if period == "day" {
        return (day_start, day_start + DAY);
    }
    // Civil date of the day (Howard Hinnant's days-from-civil, inverted).
    let days = day_start / DAY;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day_of_month = doy - (153 * mp + 2) / 5; // 0-based
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let start = day_start - day_of_month * DAY;
    let length = match month {
        4 | 6 | 9 | 11 => 30,
        2 => {
            let year = yoe + era * 400 + i64::from(month <= 2);
            if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 {
                29
            } else {
                28
            }
        }
        _ => 31,
    };
    (start, start + length * DAY)
}

impl TeamDb {
    /// Adds a budget, or replaces the one of that name (its version grows).
    pub async fn set_budget(
        &self,
        name: &str,
        person: Option<&str>,
        period: &str,
        limit_usd: f64,
        hard_stop: bool,
    ) -> Result<TeamBudgetRow, TeamError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 || first_control(name).is_some() {
            return Err(TeamError::Invalid(
                "Give the budget a name of 1 to 60 characters, without control characters.".into(),
            ));
        }
        // Bound for PostgreSQL (which refuses a NUL) and the budgets' Redis keys.
        if person.is_some_and(|p| first_control(p).is_some()) {
            return Err(TeamError::Invalid(
                "A budget's person has no control characters.".into(),
            ));
        }
        if !(limit_usd.is_finite() && limit_usd > 0.0 && limit_usd <= 10_000_000.0) {
            return Err(TeamError::Invalid(
                "The limit must be more than $0 and at most $10,000,000.".into(),
            ));
        }
        if period != "day" && period != "month" {
            return Err(TeamError::Invalid("The period is day or month.".into()));
        }
        let row = self
            .client()
            .await?
            .query_one(
                "INSERT INTO team_budgets (name, person, period, limit_usd, hard_stop)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (name) DO UPDATE SET person = EXCLUDED.person,
                    period = EXCLUDED.period, limit_usd = EXCLUDED.limit_usd,
                    hard_stop = EXCLUDED.hard_stop, version = team_budgets.version + 1,
                    updated_at = now()
                 RETURNING name, person, period, limit_usd, hard_stop, version",
                &[&name, &person, &period, &limit_usd, &hard_stop],
            )
            .await?;
        Ok(budget_row(&row))
    }

    /// Every team budget, by name.
    pub async fn budgets(&self) -> Result<Vec<TeamBudgetRow>, TeamError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT name, person, period, limit_usd, hard_stop, version FROM team_budgets
                 ORDER BY name",
                &[],
            )
            .await?;
        Ok(rows.iter().map(budget_row).collect())
    }

    /// Removes a budget.
    pub async fn remove_budget(&self, name: &str) -> Result<(), TeamError> {
        let n = self
            .client()
            .await?
            .execute("DELETE FROM team_budgets WHERE name = $1", &[&name.trim()])
            .await?;
        if n == 0 {
            return Err(TeamError::NotFound("That team budget"));
        }
        Ok(())
    }

    /// The hard stops among the team's budgets at `now_ms`, each with the team ledger's spend
    /// in its current period.
    pub async fn budget_limits(&self, now_ms: i64) -> Result<Vec<TeamBudget>, TeamError> {
        let mut out = Vec::new();
        for b in self.budgets().await?.into_iter().filter(|b| b.hard_stop) {
            let (start, end) = period_bounds(&b.period, now_ms);
            let scope = match &b.person {
                Some(p) => BudgetScope::Person(p.clone()),
                None => BudgetScope::All,
            };
            let spent_usd = self.spent_since(start, &scope).await?;
            let whose = b
                .person
                .as_deref()
                .map_or("the team's".to_string(), |p| format!("{p}'s"));
            out.push(TeamBudget {
                message: format!(
                    "Switchyard team budget “{}” ({whose} ${:.2} a {}) is used up, so paid \
                     requests in its scope are refused until the period ends. Raise it with \
                     `switchyard team budget add`.",
                    b.name, b.limit_usd, b.period
                ),
                name: format!("team:{}", b.name),
                scope,
                limit_usd: b.limit_usd,
                period_start_ms: start,
                period_end_ms: end,
                spent_usd,
            });
        }
        Ok(out)
    }
}

fn budget_row(r: &tokio_postgres::Row) -> TeamBudgetRow {
    TeamBudgetRow {
        name: r.get(0),
        person: r.get(1),
        period: r.get(2),
        limit_usd: r.get(3),
        hard_stop: r.get(4),
        version: r.get(5),
    }
}
