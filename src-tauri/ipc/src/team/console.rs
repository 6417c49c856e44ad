//! The team console: the browser panel on a team replica (`switchyard serve --ui --team …`)
//! reads the replica's own team — its overview and tokens — and makes and revokes tokens. A
//! person's session is narrowed to that person by the panel (`person`); on a core that is no
//! replica each command says where the console is.

use super::dto::TeamOverview;
use crate::gateway::dto::TokenScope;
use crate::{Core, ErrorKind, IpcError};
use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::team::{Team, TeamToken};

type Res<T> = Result<T, IpcError>;

/// A replica's team, as its console shows it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamConsole {
    /// The one person this view is narrowed to (a person's own session), or null (the team).
    pub person: Option<String>,
    pub overview: TeamOverview,
    /// The team's tokens (never their values), by person then name.
    pub tokens: Vec<TeamTokenRow>,
}

/// One of the team's tokens.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TeamTokenRow {
    pub id: String,
    /// The tool it is for.
    pub name: String,
    /// The person it belongs to.
    pub owner: String,
    /// Its first characters, to recognise it.
    pub prefix: String,
    pub scope: TokenScope,
    pub revoked: bool,
}

impl From<TeamToken> for TeamTokenRow {
    fn from(t: TeamToken) -> Self {
        TeamTokenRow {
            id: t.id,
            name: t.name,
            owner: t.owner,
            prefix: t.prefix,
            scope: t.scope.into(),
            revoked: t.revoked,
        }
    }
}

/// A token just made: its value is shown once.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreatedTeamToken {
    pub token: TeamTokenRow,
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

pub async fn team_console(core: &Core, person: Option<String>) -> Res<TeamConsole> {
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
    let mut tokens: Vec<TeamTokenRow> = team
        .token_list(person.as_deref())
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    tokens.sort_by(|a, b| (&a.owner, &a.name).cmp(&(&b.owner, &b.name)));
    Ok(TeamConsole {
        person,
        overview: overview.into(),
        tokens,
    })
}

#[tracing::instrument(skip(core))]
pub async fn create_team_token(
    core: &Core,
    name: String,
    owner: String,
    admin: bool,
) -> Res<CreatedTeamToken> {
    let scope = if admin {
        switchyard_app::TokenScope::Admin
    } else {
        switchyard_app::TokenScope::Gateway
    };
    let new = replica(core)?.issue_token(&name, &owner, scope).await?;
    Ok(CreatedTeamToken {
        token: new.token.into(),
        value: new.value,
    })
}

#[tracing::instrument(skip(core))]
pub async fn revoke_team_token(core: &Core, id: String, person: Option<String>) -> Res<()> {
    Ok(replica(core)?.revoke_for(&id, person.as_deref()).await?)
}
