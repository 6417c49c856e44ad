//! `switchyard budget add|list|remove`: spending limits without a window, through the service
//! (and so the validation) of the Costs page. A budget is named; its scope is a backend or a
//! route by name, or everything.

use super::io::{find, pretty, Io};
use super::route::route_id;
use switchyard_app::costs::budgets::{Budget, BudgetScope};
use switchyard_app::costs::forecast::Period;
use switchyard_app::{AppError, Switchyard};

#[derive(Debug, clap::Subcommand)]
pub enum BudgetCommand {
    /// Add a budget, or replace the one of that name
    Add {
        #[command(flatten)]
        limit: BudgetLimit,
        /// Only this backend's requests
        #[arg(long, value_name = "B", conflicts_with = "route")]
        backend: Option<String>,
        /// Only this route's requests
        #[arg(long, value_name = "R")]
        route: Option<String>,
    },
    #[command(flatten)]
    Listing(BudgetListing),
}

/// A budget's name and limit, as `budget add` and `team budget add` both take them.
#[derive(Debug, clap::Args)]
pub struct BudgetLimit {
    /// A name for the budget
    pub name: String,
    /// The most to spend in a period, in US dollars
    #[arg(long, value_name = "USD", value_parser = switchyard_domain::words::usd)]
    pub limit: f64,
    /// The period the limit is for (UTC)
    #[arg(long, value_enum, default_value = "month")]
    pub period: PeriodArg,
    /// Refuse requests once the limit is reached (without: only warn)
    #[arg(long)]
    pub hard_stop: bool,
}

/// Listing and removing, as `budget` and `team budget` both have them.
#[derive(Debug, clap::Subcommand)]
pub enum BudgetListing {
    /// List the budgets with what was spent this period
    List {
        /// As JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove a budget
    Remove {
        /// The budget's name
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PeriodArg {
    Day,
    Month,
}

impl PeriodArg {
    /// As the team database spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodArg::Day => "day",
            PeriodArg::Month => "month",
        }
    }
}

impl BudgetCommand {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let done = self.go(app).await;
        io.finish(done)
    }

    async fn go(&self, app: &Switchyard) -> Result<String, AppError> {
        match self {
            BudgetCommand::Add {
                limit: asked,
                backend,
                route,
            } => {
                let name = &asked.name;
                let scope = match (backend, route) {
                    (Some(b), _) => BudgetScope::Backend(find(app, b).await?.row.id),
                    (None, Some(r)) => BudgetScope::Route(route_id(app, r).await?),
                    (None, None) => BudgetScope::All,
                };
                let mut budgets = app.costs().budgets().await?;
                budgets.retain(|b| b.name != *name);
                budgets.push(Budget {
                    id: String::new(),
                    name: name.clone(),
                    period: match asked.period {
                        PeriodArg::Day => Period::Day,
                        PeriodArg::Month => Period::Month,
                    },
                    scope,
                    limit_usd: asked.limit,
                    hard_stop: asked.hard_stop,
                });
                app.costs().set_budgets(budgets).await?;
                Ok(format!("saved budget {name}\n"))
            }
            BudgetCommand::Listing(BudgetListing::List { json }) => {
                let statuses = app.costs().budget_statuses().await?;
                if *json {
                    return Ok(pretty(&statuses));
                }
                Ok(statuses
                    .iter()
                    .map(|s| {
                        format!(
                            "{}\t${:.2} of ${:.2} per {:?}{}\n",
                            s.budget.name,
                            s.spent_usd,
                            s.budget.limit_usd,
                            s.budget.period,
                            if s.budget.hard_stop {
                                ", hard stop"
                            } else {
                                ""
                            }
                        )
                    })
                    .collect())
            }
            BudgetCommand::Listing(BudgetListing::Remove { name }) => {
                let mut budgets = app.costs().budgets().await?;
                let before = budgets.len();
                budgets.retain(|b| b.name != *name);
                if budgets.len() == before {
                    return Err(AppError::NoSuch {
                        what: "budget",
                        name: name.clone(),
                    });
                }
                app.costs().set_budgets(budgets).await?;
                Ok(format!("removed budget {name}\n"))
            }
        }
    }
}
