//! `switchyard route add|list|remove` and `switchyard budget add|list|remove`: routes and
//! budgets without a window, through the services (and so the validation) of the Routes and
//! Costs pages. Backends are named by name; errors go to stderr with exit 1, usage errors exit 2.

use crate::cli_io::{find, pretty, Io};
use crate::costs::budgets::{Budget, BudgetScope};
use crate::costs::forecast::Period;
use crate::routes::RouteDraft;
use crate::{AppError, RouteCandidate, Switchyard};
use serde_json::json;
use switchyard_policy::Strategy;

pub const USAGE: &str = "usage:
  switchyard route add NAME [--strategy priority|weighted|lowest-latency|lowest-cost|headroom]
                            --candidate BACKEND=MODEL[*WEIGHT] [--candidate …]
  switchyard route list [--json]
  switchyard route remove NAME
  switchyard budget add NAME --limit USD [--period day|month] [--backend B | --route R] [--hard-stop]
  switchyard budget list [--json]
  switchyard budget remove NAME";

#[derive(Debug, Clone, PartialEq)]
pub enum RouteCommand {
    RouteAdd {
        name: String,
        strategy: Strategy,
        /// (backend, model, weight)
        candidates: Vec<(String, String, u32)>,
    },
    RouteList {
        json: bool,
    },
    RouteRemove {
        name: String,
    },
    BudgetAdd {
        name: String,
        limit_usd: f64,
        period: Period,
        scope: Scope,
        hard_stop: bool,
    },
    BudgetList {
        json: bool,
    },
    BudgetRemove {
        name: String,
    },
}

/// A budget's scope as typed (backend and route by name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Backend(String),
    Route(String),
}

fn strategy(s: &str) -> Option<Strategy> {
    Some(match s {
        "priority" => Strategy::Priority,
        "weighted" => Strategy::Weighted,
        "lowest-latency" | "lowestLatency" | "latency" => Strategy::LowestLatency,
        "lowest-cost" | "lowestCost" | "cost" => Strategy::LowestCost,
        "headroom" => Strategy::Headroom,
        _ => return None,
    })
}

/// `BACKEND=MODEL` or `BACKEND=MODEL*WEIGHT`.
fn candidate(s: &str) -> Option<(String, String, u32)> {
    let (backend, rest) = s.split_once('=')?;
    let (model, weight) = match rest.rsplit_once('*') {
        Some((m, w)) => (m, w.parse().ok()?),
        None => (rest, 1),
    };
    (!backend.is_empty() && !model.is_empty()).then(|| (backend.into(), model.into(), weight))
}

impl RouteCommand {
    pub fn parse(args: &[&str]) -> Result<RouteCommand, String> {
        let usage = |p: &str| format!("switchyard: {p}\n{USAGE}");
        let json = args.contains(&"--json");
        match args {
            ["route", "list", ..] => return Ok(RouteCommand::RouteList { json }),
            ["budget", "list", ..] => return Ok(RouteCommand::BudgetList { json }),
            ["route", "remove", name] => {
                return Ok(RouteCommand::RouteRemove {
                    name: (*name).into(),
                })
            }
            ["budget", "remove", name] => {
                return Ok(RouteCommand::BudgetRemove {
                    name: (*name).into(),
                })
            }
            _ => {}
        }
        let (noun, name, rest) = match args {
            [noun @ ("route" | "budget"), "add", name, rest @ ..] if !name.starts_with("--") => {
                (*noun, (*name).to_string(), rest)
            }
            _ => return Err(usage("unknown command or wrong arguments")),
        };
        let (mut strat, mut cands) = (Strategy::Priority, Vec::new());
        let (mut limit, mut period, mut scope, mut hard) = (None, Period::Month, Scope::All, false);
        let mut i = 0;
        while i < rest.len() {
            let value = rest.get(i + 1).copied();
            let flag = rest[i];
            let need = |v: Option<&str>| -> Result<String, String> {
                v.map(str::to_string)
                    .ok_or_else(|| usage(&format!("{flag} needs a value")))
            };
            match (noun, rest[i]) {
                ("route", "--strategy") => {
                    let v = need(value)?;
                    strat =
                        strategy(&v).ok_or_else(|| usage(&format!("unknown strategy “{v}”")))?;
                    i += 1;
                }
                ("route", "--candidate") => {
                    let v = need(value)?;
                    cands.push(candidate(&v).ok_or_else(|| {
                        usage(&format!(
                            "“{v}” is not BACKEND=MODEL or BACKEND=MODEL*WEIGHT"
                        ))
                    })?);
                    i += 1;
                }
                ("budget", "--limit") => {
                    let v = need(value)?;
                    limit = Some(
                        v.parse::<f64>()
                            .map_err(|_| usage(&format!("“{v}” is not an amount in USD")))?,
                    );
                    i += 1;
                }
                ("budget", "--period") => {
                    period = match need(value)?.as_str() {
                        "day" => Period::Day,
                        "month" => Period::Month,
                        v => return Err(usage(&format!("unknown period “{v}”: day or month"))),
                    };
                    i += 1;
                }
                ("budget", "--backend") => {
                    scope = Scope::Backend(need(value)?);
                    i += 1;
                }
                ("budget", "--route") => {
                    scope = Scope::Route(need(value)?);
                    i += 1;
                }
                ("budget", "--hard-stop") => hard = true,
                (_, other) => return Err(usage(&format!("unexpected “{other}”"))),
            }
            i += 1;
        }
        Ok(match noun {
            "route" if cands.is_empty() => return Err(usage("give at least one --candidate")),
            "route" => RouteCommand::RouteAdd {
                name,
                strategy: strat,
                candidates: cands,
            },
            _ => RouteCommand::BudgetAdd {
                name,
                limit_usd: limit.ok_or_else(|| usage("give --limit USD"))?,
                period,
                scope,
                hard_stop: hard,
            },
        })
    }

    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        match self.go(app).await {
            Ok(out) => {
                let _ = io.stdout.write_all(out.as_bytes());
                0
            }
            Err(e) => {
                let _ = writeln!(io.stderr, "switchyard: {e}");
                1
            }
        }
    }

    async fn go(&self, app: &Switchyard) -> Result<String, AppError> {
        match self {
            RouteCommand::RouteAdd {
                name,
                strategy,
                candidates,
            } => {
                let mut list = Vec::new();
                for (backend, model, weight) in candidates {
                    let b = find(app, backend).await?;
                    list.push(RouteCandidate {
                        backend_id: b.row.id,
                        model: model.clone(),
                        weight: *weight,
                    });
                }
                let existing = route_id(app, name).await.ok();
                let draft = RouteDraft {
                    name: name.clone(),
                    strategy: *strategy,
                    candidates: list,
                    cache: Default::default(),
                };
                let saved = app.routes().save(existing, draft).await?;
                Ok(format!("saved route {}\n", saved.name))
            }
            RouteCommand::RouteList { json } => {
                let routes = app.routes().list().await?;
                let rows: Vec<_> = routes
                    .iter()
                    .map(|r| {
                        json!({"name": r.name, "strategy": r.strategy.name(),
                            "candidates": r.candidates.iter().map(|c| json!({"backend": c.backend_name, "model": c.model, "weight": c.weight})).collect::<Vec<_>>()})
                    })
                    .collect();
                Ok(if *json {
                    pretty(&json!(rows))
                } else {
                    routes
                        .iter()
                        .map(|r| {
                            let c: Vec<String> = r
                                .candidates
                                .iter()
                                .map(|c| {
                                    format!(
                                        "{}/{}×{}",
                                        c.backend_name.as_deref().unwrap_or("?"),
                                        c.model,
                                        c.weight
                                    )
                                })
                                .collect();
                            format!("{}\t{}\t{}\n", r.name, r.strategy.name(), c.join(" → "))
                        })
                        .collect()
                })
            }
            RouteCommand::RouteRemove { name } => {
                app.routes().delete(route_id(app, name).await?).await?;
                Ok(format!("removed route {name}\n"))
            }
            RouteCommand::BudgetAdd {
                name,
                limit_usd,
                period,
                scope,
                hard_stop,
            } => {
                let scope = match scope {
                    Scope::All => BudgetScope::All,
                    Scope::Backend(b) => BudgetScope::Backend(find(app, b).await?.row.id),
                    Scope::Route(r) => BudgetScope::Route(route_id(app, r).await?),
                };
                let mut budgets = app.costs().budgets().await?;
                budgets.retain(|b| b.name != *name);
                budgets.push(Budget {
                    id: String::new(),
                    name: name.clone(),
                    period: *period,
                    scope,
                    limit_usd: *limit_usd,
                    hard_stop: *hard_stop,
                });
                app.costs().set_budgets(budgets).await?;
                Ok(format!("saved budget {name}\n"))
            }
            RouteCommand::BudgetList { json } => {
                let statuses = app.costs().budget_statuses().await?;
                Ok(if *json {
                    pretty(&serde_json::to_value(&statuses).unwrap_or_default())
                } else {
                    statuses
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
                        .collect()
                })
            }
            RouteCommand::BudgetRemove { name } => {
                let mut budgets = app.costs().budgets().await?;
                let before = budgets.len();
                budgets.retain(|b| b.name != *name);
                if budgets.len() == before {
                    return Err(AppError::Invalid(format!("There is no budget “{name}”.")));
                }
                app.costs().set_budgets(budgets).await?;
                Ok(format!("removed budget {name}\n"))
            }
        }
    }
}

async fn route_id(app: &Switchyard, name: &str) -> Result<String, AppError> {
    app.routes()
        .list()
        .await?
        .into_iter()
        .find(|r| r.name == name || r.id == name)
        .map(|r| r.id)
        .ok_or_else(|| AppError::Invalid(format!("There is no route “{name}”.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_budgets_parse_with_their_options() {
        let r = RouteCommand::parse(&[
            "route",
            "add",
            "fast",
            "--strategy",
            "weighted",
            "--candidate",
            "A=m1*3",
            "--candidate",
            "B=m2",
        ])
        .unwrap();
        assert_eq!(
            r,
            RouteCommand::RouteAdd {
                name: "fast".into(),
                strategy: Strategy::Weighted,
                candidates: vec![("A".into(), "m1".into(), 3), ("B".into(), "m2".into(), 1)],
            }
        );
        let b = RouteCommand::parse(&[
            "budget",
            "add",
            "cap",
            "--limit",
            "5",
            "--period",
            "day",
            "--hard-stop",
        ])
        .unwrap();
        assert!(
            matches!(b, RouteCommand::BudgetAdd { limit_usd, hard_stop: true, period: Period::Day, .. } if limit_usd == 5.0)
        );
        for bad in [
            &["route", "add", "x"][..],
            &["route", "add", "x", "--candidate", "nomodel"][..],
            &["budget", "add", "x"][..],
            &["budget", "add", "x", "--limit", "lots"][..],
        ] {
            assert!(RouteCommand::parse(bad).is_err(), "{bad:?}");
        }
    }
}
