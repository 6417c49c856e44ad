//! The team console: the browser panel on a team replica (`switchyard serve --ui --team …`)
//! reads the replica's own team — its overview and tokens — and makes and revokes tokens. The
//! commands of the list are the replica's operator's; the panel calls the `…_as` and `…_for`
//! functions for a team token's session, with who it is (never what the page says), and the
//! authorization table decides how far each reaches (`switchyard_app::team::Issuer`). On a core
//! that is no replica each command says where the console is.

use crate::{Core, ErrorKind, IpcError};
use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::team::{Issuer, Team, TeamToken};
use switchyard_team::overview::TeamOverview;

type Res<T> = Result<T, IpcError>;

/// A replica's team, as its console shows it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamConsole {
    /// The one person this view is narrowed to (a person's own session), or null (the team).
    pub person: Option<String>,
    pub overview: TeamOverview,
    /// The team's tokens (never their values), by person then name.
    pub tokens: Vec<TeamToken>,
}

/// One of the team's tokens.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreatedTeamToken {
    pub token: TeamToken,
    pub value: String,
}

fn replica(core: &Core) -> Res<&Team> {
    core.app()?.team().ok_or_else(|| {
        IpcError::new(
            ErrorKind::Unavailable,
            "This Switchyard is no team replica: the team console is the panel of `switchyard serve --ui --team URL`.",
        )
    })
}

/// The team as the replica's operator sees it.
pub async fn team_console(core: &Core) -> Res<TeamConsole> {
    team_console_for(core, None).await
}

/// The team, narrowed to `person`'s spend, budgets and tokens when given.
pub async fn team_console_for(core: &Core, person: Option<String>) -> Res<TeamConsole> {
    let app = core.app()?;
    let team = replica(core)?;
    let mut overview = switchyard_interfaces::team_api::gather(team, app).await?;
    if let Some(person) = &person {
        // A person sees their own spend and budgets; the team's by day is the admin's.
        overview.people.retain(|p| &p.person == person);
        overview.days.clear();
        overview
            .budgets
            .retain(|b| b.person.as_deref() == Some(person.as_str()));
    }
    let mut tokens = team.token_list(person.as_deref()).await?;
    tokens.sort_by(|a, b| (&a.owner, &a.name).cmp(&(&b.owner, &b.name)));
    Ok(TeamConsole {
        person,
        overview,
        tokens,
    })
}

/// Makes a team token for `owner` (an admin token with `admin`), as the replica's operator: the
/// window and a panel token's session. The console's team tokens call [`create_team_token_as`].
#[tracing::instrument(skip(core))]
pub async fn create_team_token(
    core: &Core,
    name: String,
    owner: String,
    admin: bool,
) -> Res<CreatedTeamToken> {
    create_team_token_as(core, &Issuer::operator(), name, Some(owner), admin).await
}

/// Makes a team token as far as the authorization table lets `by` (another person's, an admin
/// token: each its own row).
#[tracing::instrument(skip(core))]
pub async fn create_team_token_as(
    core: &Core,
    by: &Issuer,
    name: String,
    owner: Option<String>,
    admin: bool,
) -> Res<CreatedTeamToken> {
    let scope = if admin {
        switchyard_app::TokenScope::Admin
    } else {
        switchyard_app::TokenScope::Gateway
    };
    let new = replica(core)?
        .issue_token(by, &name, owner.as_deref(), scope)
        .await?;
    Ok(CreatedTeamToken {
        token: new.token,
        value: new.value,
    })
}

/// Revokes team token `id` as the replica's operator; the console's team tokens call
/// [`revoke_team_token_as`].
#[tracing::instrument(skip(core))]
pub async fn revoke_team_token(core: &Core, id: String) -> Res<()> {
    revoke_team_token_as(core, &Issuer::operator(), id).await
}

/// Revokes team token `id` as far as the table lets `by`; one out of reach is "not found".
#[tracing::instrument(skip(core))]
pub async fn revoke_team_token_as(core: &Core, by: &Issuer, id: String) -> Res<()> {
    Ok(replica(core)?.revoke_token(by, &id).await?)
}
