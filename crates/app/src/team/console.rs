//! A replica's team tokens as its console manages them (the browser panel on a replica): listed,
//! made and revoked, each narrowed to one person when the caller is that person. A change is
//! told to every replica at once (`tokens_changed`: through Redis; without it each replica reads
//! the tokens again on a token it does not know).

use super::{team_error, Team};
use crate::AppError;
use switchyard_core::TokenScope;
pub use switchyard_team::{NewTeamToken, TeamToken};

impl Team {
    /// The team's tokens (never their values), a person's only when `person` is given.
    pub async fn token_list(&self, person: Option<&str>) -> Result<Vec<TeamToken>, AppError> {
        let mut tokens = self.db.tokens().await.map_err(team_error)?;
        if let Some(person) = person {
            tokens.retain(|t| t.owner == person);
        }
        Ok(tokens)
    }

    /// Makes a token of `scope` for `owner`'s tool `name`; its value is in the answer only.
    pub async fn issue_token(
        &self,
        name: &str,
        owner: &str,
        scope: TokenScope,
    ) -> Result<NewTeamToken, AppError> {
        let new = self
            .db
            .create_token(name, owner, scope)
            .await
            .map_err(team_error)?;
        self.tokens_changed().await;
        Ok(new)
    }

    /// Revokes token `id` on every replica; with `person`, only one of that person's (another's
    /// is "no such token", so a person learns nothing of others' tokens).
    pub async fn revoke_for(&self, id: &str, person: Option<&str>) -> Result<(), AppError> {
        let tokens = self.token_list(person).await?;
        if !tokens.iter().any(|t| t.id == id) {
            return Err(AppError::NotFound("Team token"));
        }
        self.db.revoke_token(id).await.map_err(team_error)?;
        self.tokens_changed().await;
        Ok(())
    }
}
