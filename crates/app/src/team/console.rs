//! A replica's team tokens as its console and its administration API manage them: listed, made
//! and revoked, each decision the authorization table's ([`Issuer`]): whether the caller may make
//! or revoke a token for another person (`switchyard_domain::authz::TEAM_TOKENS_FOR`, one decision
//! both interfaces read), and that only the replica's operator makes or revokes an admin token
//! (`Entry::TeamAdminToken`). A change is told to every replica at once (`tokens_changed`:
//! through Redis; without it each replica reads the tokens again on a token it does not know).

use super::{team_error, Team};
use crate::AppError;
use switchyard_domain::authz::{self, Entry, Place, Sees, Verdict};
use switchyard_domain::TokenScope;
pub use switchyard_team::{NewTeamToken, TeamToken};

/// Who makes or revokes a team token, and through which interface's rows of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// The caller's token's scope (`None`: this machine's own user: the CLI, the window, a
    /// panel token's session, which the table gives everything).
    scope: Option<TokenScope>,
    /// The person the caller's token belongs to.
    owner: Option<String>,
    make: Entry,
    revoke: Entry,
}

impl Issuer {
    /// The replica's own operator: whoever holds its data folder or its panel token.
    pub fn operator() -> Issuer {
        Issuer {
            scope: None,
            owner: None,
            make: Entry::PanelTeamTokens,
            revoke: Entry::PanelRevokeTeamToken,
        }
    }

    /// A team token's session of the console (the browser panel on the replica).
    pub fn console(scope: TokenScope, owner: Option<String>) -> Issuer {
        Issuer {
            scope: Some(scope),
            owner,
            make: Entry::PanelTeamTokens,
            revoke: Entry::PanelRevokeTeamToken,
        }
    }

    /// A caller of the team's administration API.
    pub fn api(scope: TokenScope, owner: Option<String>) -> Issuer {
        Issuer {
            scope: Some(scope),
            owner,
            make: Entry::TeamTokens,
            revoke: Entry::TeamToken,
        }
    }

    fn verdict(&self, entry: Entry) -> Verdict {
        match self.scope {
            Some(scope) => authz::verdict(entry, Place::Replica, scope),
            None => Verdict::Allowed(Sees::All),
        }
    }

    /// Whose tokens `entry` lets this caller touch: `Ok(None)` anyone's, `Ok(Some(p))` only
    /// person `p`'s.
    fn reach(&self, entry: Entry) -> Result<Option<&str>, AppError> {
        match self.verdict(entry) {
            Verdict::Allowed(Sees::All) => Ok(None),
            Verdict::Allowed(Sees::Own) => match &self.owner {
                Some(owner) => Ok(Some(owner)),
                None => Err(AppError::NotAllowed("This token belongs to no person.")),
            },
            Verdict::Refused => Err(AppError::NotAllowed(
                "This token cannot make or revoke team tokens.",
            )),
        }
    }

    fn may_touch_admin_tokens(&self) -> Result<(), AppError> {
        if self.verdict(Entry::TeamAdminToken).is_allowed() {
            return Ok(());
        }
        Err(AppError::NotAllowed(
            "A team admin token makes and revokes tools' tokens only: an admin token is made by the replica's operator (its panel token, or `switchyard team token create … --admin`).",
        ))
    }
}

impl Team {
    /// The team's tokens (never their values), a person's only when `person` is given.
    pub async fn token_list(&self, person: Option<&str>) -> Result<Vec<TeamToken>, AppError> {
        let mut tokens = self.db.tokens().await.map_err(team_error)?;
        if let Some(person) = person {
            tokens.retain(|t| t.owner == person);
        }
        Ok(tokens)
    }

    /// Makes a token of `scope` for `owner`'s tool `name` (`owner` null: the issuer's own
    /// person), as far as the table lets `by`; its value is in the answer only.
    pub async fn issue_token(
        &self,
        by: &Issuer,
        name: &str,
        owner: Option<&str>,
        scope: TokenScope,
    ) -> Result<NewTeamToken, AppError> {
        if scope != TokenScope::Gateway {
            by.may_touch_admin_tokens()?;
        }
        let owner = match (by.reach(by.make)?, owner) {
            (Some(own), Some(asked)) if asked != own => {
                return Err(AppError::NotAllowed(
                    "This token makes tokens for its own person only.",
                ))
            }
            (Some(own), _) => own.to_string(),
            (None, Some(asked)) => asked.to_string(),
            (None, None) => by.owner.clone().ok_or(AppError::NotAllowed(
                "Say whose token it is: this token belongs to no person.",
            ))?,
        };
        let new = self
            .db
            .create_token(name, &owner, scope)
            .await
            .map_err(team_error)?;
        self.tokens_changed().await;
        Ok(new)
    }

    /// Revokes token `id` on every replica, as far as the table lets `by`: a token out of its
    /// reach is "no such token", so a person learns nothing of others' tokens.
    pub async fn revoke_token(&self, by: &Issuer, id: &str) -> Result<(), AppError> {
        let tokens = self.token_list(by.reach(by.revoke)?).await?;
        let Some(token) = tokens.iter().find(|t| t.id == id) else {
            return Err(AppError::NotFound("Team token"));
        };
        if token.scope != TokenScope::Gateway {
            by.may_touch_admin_tokens()?;
        }
        self.db.revoke_token(id).await.map_err(team_error)?;
        self.tokens_changed().await;
        Ok(())
    }
}
