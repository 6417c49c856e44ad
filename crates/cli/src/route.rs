//! `switchyard route add|list|remove`: routes without a window, through the service (and so the
//! validation) of the Routes page. Backends are named by name; errors go to stderr with exit 1,
//! usage errors exit 2.

use super::io::{find, pretty, Io};
use super::values::{self, CandidateArg};
use serde_json::json;
use switchyard_app::changes::Effects;
use switchyard_app::RouteDraft;
use switchyard_app::{AppError, RouteCandidate, Switchyard};
use switchyard_policy::Strategy;

#[derive(Debug, clap::Subcommand)]
pub enum RouteCommand {
    /// Add a route, or replace the one of that name
    Add {
        /// The model name tools ask for
        name: String,
        /// How candidates are ordered for each request
        #[arg(long, value_parser = values::strategy(), default_value = "priority")]
        strategy: Strategy,
        /// A backend and the model it serves the route as, with an optional weight; in order
        #[arg(long = "candidate", value_name = "BACKEND=MODEL[*WEIGHT]", required = true,
              value_parser = values::candidate)]
        candidates: Vec<CandidateArg>,
    },
    /// List routes with their candidates
    List {
        /// As JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove a route
    Remove {
        /// The route's name
        name: String,
    },
}

impl RouteCommand {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let done = self.go(app).await;
        io.finish(done)
    }

    async fn go(&self, app: &Switchyard) -> Result<String, AppError> {
        match self {
            RouteCommand::Add {
                name,
                strategy,
                candidates,
            } => {
                let mut list = Vec::new();
                for c in candidates {
                    let b = find(app, &c.backend).await?;
                    list.push(RouteCandidate {
                        backend_id: b.row.id,
                        model: c.model.clone(),
                        weight: c.weight,
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
                // The change path's list: where the route's requests go now that they did not.
                let effects = Effects {
                    routes: saved.moved.into_iter().collect(),
                    ..Effects::default()
                };
                let mut out: String = effects.lines().iter().map(|l| format!("{l}\n")).collect();
                out.push_str(&format!("saved route {}\n", saved.view.name));
                Ok(out)
            }
            RouteCommand::List { json } => list(app, *json).await,
            RouteCommand::Remove { name } => {
                app.routes().delete(route_id(app, name).await?).await?;
                Ok(format!("removed route {name}\n"))
            }
        }
    }
}

async fn list(app: &Switchyard, json: bool) -> Result<String, AppError> {
    let routes = app.routes().list().await?;
    if json {
        let rows: Vec<_> = routes
            .iter()
            .map(|r| {
                json!({"name": r.name, "strategy": r.strategy.name(),
                    "candidates": r.candidates.iter().map(|c| json!({"backend": c.backend_name, "model": c.model, "weight": c.weight})).collect::<Vec<_>>()})
            })
            .collect();
        return Ok(pretty(&rows));
    }
    Ok(routes
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
        .collect())
}

/// A route's id by its name or id.
pub(super) async fn route_id(app: &Switchyard, name: &str) -> Result<String, AppError> {
    app.routes()
        .list()
        .await?
        .into_iter()
        .find(|r| r.name == name || r.id == name)
        .map(|r| r.id)
        .ok_or_else(|| AppError::NoSuch {
            what: "route",
            name: name.to_string(),
        })
}
