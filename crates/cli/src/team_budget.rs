//! `switchyard team budget add NAME --limit USD [--person P] [--period day|month] [--hard-stop] |
//! list [--json] | remove NAME`: the team database's budgets. A change is told to every replica
//! at once through Redis (within their reload interval without it); each replica then enforces
//! the hard stops for the whole team (see `team::budgets`).

use super::budget::{BudgetLimit, BudgetListing};
use super::io::{aligned, pretty, Io};
use switchyard_app::team::{team_error, Team};

#[derive(Debug, clap::Subcommand)]
pub enum TeamBudgetCommand {
    /// Add a budget, or replace the one of that name
    Add {
        #[command(flatten)]
        limit: BudgetLimit,
        /// Only this person's requests (a team token's owner); without: everyone's
        #[arg(long)]
        person: Option<String>,
    },
    #[command(flatten)]
    Listing(BudgetListing),
}

pub(super) async fn run(
    command: &TeamBudgetCommand,
    team: &Team,
    io: &mut Io<'_>,
) -> Result<(), String> {
    let failed = |e| team_error(e).to_string();
    let w = |e: std::io::Error| e.to_string();
    match command {
        TeamBudgetCommand::Add { limit: l, person } => {
            let person = person.as_deref().map(str::trim).filter(|p| !p.is_empty());
            let period = l.period.as_str();
            let saved = team
                .db
                .set_budget(&l.name, person, period, l.limit, l.hard_stop)
                .await
                .map_err(failed)?;
            let told = team.config_changed().await;
            let whose = saved.person.as_deref().unwrap_or("everyone");
            writeln!(
                io.stderr,
                "Team budget “{}” saved: ${} a {} for {whose}{} (version {}).{}",
                saved.name,
                saved.limit_usd,
                saved.period,
                if saved.hard_stop { ", hard stop" } else { "" },
                saved.version,
                if told {
                    ""
                } else {
                    " The replicas apply it at their next reload (within 10 s)."
                }
            )
            .map_err(w)
        }
        TeamBudgetCommand::Listing(BudgetListing::List { json }) => {
            let now = switchyard_app::now_ms();
            let mut rows = Vec::new();
            for b in team.db.budgets().await.map_err(failed)? {
                let (start, _) = switchyard_team::period_bounds(&b.period, now);
                let scope = match &b.person {
                    Some(p) => switchyard_team::BudgetScope::Person(p.clone()),
                    None => switchyard_team::BudgetScope::All,
                };
                let spent = team.db.spent_since(start, &scope).await.map_err(failed)?;
                rows.push((b, spent));
            }
            let text = if *json {
                let rows: Vec<_> = rows
                    .iter()
                    .map(|(b, spent)| {
                        let mut v = serde_json::to_value(b).unwrap_or_default();
                        v["spentUsd"] = serde_json::json!(spent);
                        v
                    })
                    .collect();
                pretty(&rows)
            } else {
                let mut table: Vec<[String; 5]> = vec![[
                    "NAME".into(),
                    "FOR".into(),
                    "LIMIT".into(),
                    "SPENT".into(),
                    "STOP".into(),
                ]];
                for (b, spent) in &rows {
                    table.push([
                        b.name.clone(),
                        b.person.clone().unwrap_or_else(|| "everyone".into()),
                        format!("${} a {}", b.limit_usd, b.period),
                        format!("${spent:.4}"),
                        if b.hard_stop { "hard" } else { "report" }.into(),
                    ]);
                }
                aligned(&table)
            };
            write!(io.stdout, "{text}").map_err(w)
        }
        TeamBudgetCommand::Listing(BudgetListing::Remove { name }) => {
            team.db.remove_budget(name).await.map_err(failed)?;
            team.config_changed().await;
            writeln!(io.stderr, "Team budget “{name}” removed.").map_err(w)
        }
    }
}
