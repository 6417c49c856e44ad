//! The team's administration API on each replica, behind the gateway's guard: only a team admin
//! token opens it ([`TokenScope::Admin`]; a tool's token gets 403 from the guard), as the
//! authorization table says (`switchyard_domain::authz`, asked again by each handler). What an
//! attached desktop reads: [`OVERVIEW_PATH`], [`READINESS_PATH`] to run the checks on the
//! replica, and [`TOKENS_PATH`] to make (and revoke) a token for each tool it connects to the
//! team. Answers are JSON; errors are `{"error": {"message": …}}` with a fitting status.

use crate::CoreSlot;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Json, Router};
use switchyard_app::team::{team_error, Issuer, Team};
use switchyard_app::{AppError, Switchyard};
use switchyard_domain::authz::{self, Entry, Place, Verdict};
use switchyard_domain::TokenScope;
use switchyard_gateway::Caller;
use switchyard_team::overview::{
    IssuedToken, TeamAlert, TeamBackend, TeamBudgetState, TeamOverview, TeamReadiness, TeamSpend,
    OVERVIEW_PATH, READINESS_PATH, TOKENS_PATH,
};
use switchyard_team::{period_bounds, BudgetScope, UsageBy};

#[derive(Clone)]
struct Api {
    team: Team,
    core: CoreSlot,
}

/// The API's routes, for [`switchyard_gateway::Deps::extra_routes`]; none without a team.
pub(crate) fn router(team: Option<&Team>, core: CoreSlot) -> Router {
    let Some(team) = team else {
        return Router::new();
    };
    Router::new()
        .route(OVERVIEW_PATH, get(overview))
        .route(READINESS_PATH, post(run_readiness))
        .route(TOKENS_PATH, post(issue_token))
        .route(&format!("{TOKENS_PATH}/{{id}}"), delete(revoke_token))
        .with_state(Api {
            team: team.clone(),
            core,
        })
}

fn refusal(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": { "message": message } });
    (status, Json(body)).into_response()
}

/// Why the API will not answer.
enum Refused {
    NotAdmin,
    Unavailable,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::NotAdmin => refusal(
                StatusCode::FORBIDDEN,
                "The team's API needs an admin token (switchyard team token create NAME --owner PERSON --admin).",
            ),
            Refused::Unavailable => refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                "This replica is starting or stopping.",
            ),
        }
    }
}

impl Api {
    /// The running core for a `caller` the table lets call `entry`, or why there is none.
    fn core(&self, caller: &Caller, entry: Entry) -> Result<Switchyard, Refused> {
        allowed(caller, entry)?;
        crate::core_in(&self.core).ok_or(Refused::Unavailable)
    }
}

/// The table lets the caller's token call `entry` on a replica (the guard already refused the
/// others: the second lock). Whose tokens it may make and revoke is the team's to decide, from
/// the same table (`Issuer`).
fn allowed(caller: &Caller, entry: Entry) -> Result<(), Refused> {
    match authz::verdict(entry, Place::Replica, caller.scope) {
        Verdict::Allowed(_) => Ok(()),
        Verdict::Refused => Err(Refused::NotAdmin),
    }
}

fn failed(e: &AppError) -> Response {
    tracing::warn!(error = %e, "the team API could not answer");
    refusal(StatusCode::SERVICE_UNAVAILABLE, &e.to_string())
}

async fn overview(State(api): State<Api>, Extension(caller): Extension<Caller>) -> Response {
    let app = match api.core(&caller, Entry::TeamOverview) {
        Ok(app) => app,
        Err(refused) => return refused.into_response(),
    };
    match gather(&api.team, &app).await {
        Ok(o) => Json(o).into_response(),
        Err(e) => failed(&e),
    }
}

async fn run_readiness(State(api): State<Api>, Extension(caller): Extension<Caller>) -> Response {
    let app = match api.core(&caller, Entry::TeamReadiness) {
        Ok(app) => app,
        Err(refused) => return refused.into_response(),
    };
    if let Err(e) = switchyard_readiness::Readiness::new(&app).run().await {
        return failed(&e);
    }
    match gather(&api.team, &app).await {
        Ok(o) => Json(o).into_response(),
        Err(e) => failed(&e),
    }
}

#[derive(serde::Deserialize)]
struct NewToolToken {
    name: String,
    /// Whose token: the admin token's own person when absent; another person's only where the
    /// authorization table lets an admin (`authz::TEAM_TOKENS_FOR`).
    #[serde(default)]
    owner: Option<String>,
}

/// Who calls, as the table's team-API rows see them (a token without a person is its name's).
fn issuer(caller: Caller) -> Issuer {
    Issuer::api(caller.scope, Some(caller.owner.unwrap_or(caller.name)))
}

/// A refusal of the team's own decisions as the API answers it.
fn team_refusal(e: &AppError) -> Response {
    match e {
        AppError::NotAllowed(why) => refusal(StatusCode::FORBIDDEN, why),
        AppError::NotFound(_) => refusal(StatusCode::NOT_FOUND, "No such team token."),
        AppError::Invalid(why) => refusal(StatusCode::BAD_REQUEST, why),
        other => failed(other),
    }
}

/// A tool's token for a person of the team (the admin token's own, unless `owner` names
/// another and the table lets it): a desktop connecting that person's tool.
async fn issue_token(
    State(api): State<Api>,
    Extension(caller): Extension<Caller>,
    body: Result<Json<NewToolToken>, JsonRejection>,
) -> Response {
    if let Err(refused) = allowed(&caller, Entry::TeamTokens) {
        return refused.into_response();
    }
    let Ok(Json(body)) = body else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "Send {\"name\": \"TOOL\"} as JSON.",
        );
    };
    let by = issuer(caller);
    let made = api
        .team
        .issue_token(&by, &body.name, body.owner.as_deref(), TokenScope::Gateway)
        .await;
    match made {
        Ok(new) => {
            let issued = IssuedToken {
                id: new.token.id,
                name: new.token.name,
                owner: new.token.owner,
                token: new.value,
            };
            (StatusCode::CREATED, Json(issued)).into_response()
        }
        Err(e) => team_refusal(&e),
    }
}

/// Revokes a person's tool token on every replica (a desktop disconnecting a tool), as far as
/// the table lets the admin token; one out of its reach is "no such token".
async fn revoke_token(
    State(api): State<Api>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = allowed(&caller, Entry::TeamToken) {
        return refused.into_response();
    }
    match api.team.revoke_token(&issuer(caller), &id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => team_refusal(&e),
    }
}

/// The overview as this replica sees it now (what the API answers, and the browser panel's team
/// console on a replica reads).
pub async fn gather(team: &Team, app: &Switchyard) -> Result<TeamOverview, AppError> {
    let state = team.state();
    let live = app.routes().live_health();
    let backends = app
        .health()
        .overview()
        .await?
        .into_iter()
        .map(|b| TeamBackend {
            breaker: live
                .iter()
                .find(|l| l.backend_id == b.backend_id)
                .map(|l| l.state.breaker)
                .unwrap_or_default(),
            name: b.name,
            status: b.status,
            reasons: b.reasons,
            uptime_24h: b.uptime_24h,
            p95_ms: b.p95_ms,
            requests_today: b.requests_today,
        })
        .collect();
    let now = switchyard_app::now_ms();
    let (month_start, _) = period_bounds("month", now);
    let spend = |since: i64, by: UsageBy| {
        let db = team.db.clone();
        async move {
            Ok::<Vec<TeamSpend>, AppError>(
                db.usage(since, by)
                    .await
                    .map_err(team_error)?
                    .into_iter()
                    .map(|r| TeamSpend {
                        person: r.group,
                        requests: u64::try_from(r.requests).unwrap_or(0),
                        cost_usd: r.cost_usd,
                    })
                    .collect(),
            )
        }
    };
    let people = spend(month_start, UsageBy::Person).await?;
    let (today, _) = period_bounds("day", now);
    let mut days = spend(today - 29 * 86_400_000, UsageBy::Day).await?;
    days.sort_by(|a, b| a.person.cmp(&b.person));
    let mut budgets = Vec::new();
    for b in team.db.budgets().await.map_err(team_error)? {
        let (start, _) = period_bounds(&b.period, now);
        let scope = b
            .person
            .clone()
            .map_or(BudgetScope::All, BudgetScope::Person);
        let spent_usd = team
            .db
            .spent_since(start, &scope)
            .await
            .map_err(team_error)?;
        budgets.push(TeamBudgetState {
            name: b.name,
            person: b.person,
            period: b.period,
            limit_usd: b.limit_usd,
            spent_usd,
            hard_stop: b.hard_stop,
        });
    }
    let readiness = switchyard_readiness::Readiness::new(app)
        .latest()
        .await?
        .map(|run| TeamReadiness {
            started_at: run.started_at,
            verdict: run.card.verdict,
            score: run.card.score,
            blockers: run
                .card
                .blockers
                .into_iter()
                .map(|b| format!("{}: {}", b.component, b.message))
                .collect(),
        });
    let alerts = app
        .health()
        .alerts(50)
        .await?
        .into_iter()
        .filter(|a| a.row.resolved_at.is_none())
        .map(|a| TeamAlert {
            rule: a.row.rule,
            summary: a.row.summary,
            opened_at: a.row.opened_at,
        })
        .collect();
    Ok(TeamOverview {
        replica: state.replica,
        redis_up: state.redis_up,
        ledger_queued: u64::try_from(state.ledger_queued).unwrap_or(u64::MAX),
        ledger_lost: state.ledger_lost,
        ledger_set_aside: state.ledger_set_aside,
        backends,
        people,
        days,
        budgets,
        readiness,
        alerts,
    })
}
