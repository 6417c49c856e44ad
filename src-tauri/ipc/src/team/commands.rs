//! Commands of Settings → Team gateway and the Team page.

use super::dto::TeamLinkState;
use crate::{Core, IpcError};
use switchyard_app::secrets::SecretString;
use switchyard_team::overview::TeamOverview;

type Res<T> = Result<T, IpcError>;

pub async fn team_link(core: &Core) -> Res<TeamLinkState> {
    Ok(TeamLinkState {
        url: core.app()?.team_link().url().await?,
    })
}

/// Reads the team's overview with `url` and `token` first: nothing is kept when that fails.
#[tracing::instrument(skip(core, token))]
pub async fn attach_team(core: &Core, url: String, token: String) -> Res<TeamOverview> {
    let overview = core
        .app()?
        .team_link()
        .attach(&url, SecretString::from(token))
        .await?;
    Ok(overview)
}

#[tracing::instrument(skip(core))]
pub async fn detach_team(core: &Core) -> Res<()> {
    Ok(core.app()?.team_link().detach().await?)
}

pub async fn team_overview(core: &Core) -> Res<TeamOverview> {
    Ok(core.app()?.team_link().overview().await?)
}

#[tracing::instrument(skip(core))]
pub async fn run_team_readiness(core: &Core) -> Res<TeamOverview> {
    Ok(core.app()?.team_link().run_readiness().await?)
}
