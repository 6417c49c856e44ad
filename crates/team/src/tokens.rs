//! Team tokens: one per person and tool, made the way a desktop's tokens are (`sy-` and 244
//! random bits), shown once, kept only as a SHA-256 hash with its owner.

use crate::{TeamDb, TeamError};
use sha2::{Digest, Sha256};
use switchyard_domain::TokenScope;

/// Every token starts with this, as a desktop's do.
const TOKEN_PREFIX: &str = "sy-";
const MAX_NAME_CHARS: usize = 40;
const MAX_OWNER_CHARS: usize = 80;

/// A team token as listed (never its value).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "TeamTokenRow")]
pub struct TeamToken {
    pub id: String,
    /// The tool it is for ("claude-code").
    pub name: String,
    /// The person it belongs to ("ana@example.com").
    pub owner: String,
    /// The first characters, to recognise it in a tool's settings (`sy-1a2b3c`).
    pub prefix: String,
    pub scope: TokenScope,
    pub revoked: bool,
}

/// A token just created: the only moment its value exists outside the tool it is for.
#[derive(Debug)]
pub struct NewTeamToken {
    pub token: TeamToken,
    pub value: String,
}

/// The SHA-256 of a token's value, as stored.
pub(crate) fn digest(value: &str) -> [u8; 32] {
    Sha256::digest(value.as_bytes()).into()
}

fn checked(text: &str, what: &str, max: usize) -> Result<String, TeamError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(TeamError::Invalid(format!(
            "a token's {what} needs 1 to {max} characters, without control characters"
        )));
    }
    Ok(text.to_string())
}

impl TeamDb {
    /// Creates a token for `owner`'s tool `name`; its value is in the answer and nowhere else.
    pub async fn create_token(
        &self,
        name: &str,
        owner: &str,
        scope: TokenScope,
    ) -> Result<NewTeamToken, TeamError> {
        let name = checked(name, "name", MAX_NAME_CHARS)?;
        let owner = checked(owner, "owner", MAX_OWNER_CHARS)?;
        let value = format!(
            "{TOKEN_PREFIX}{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let prefix: String = value.chars().take(TOKEN_PREFIX.len() + 6).collect();
        let id = uuid::Uuid::now_v7().to_string();
        self.client()
            .await?
            .execute(
                "INSERT INTO team_tokens (id, name, owner, hash, prefix, scope)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &id,
                    &name,
                    &owner,
                    &switchyard_domain::hex::encode(&digest(&value)),
                    &prefix,
                    &scope.as_str(),
                ],
            )
            .await?;
        let token = TeamToken {
            id,
            name,
            owner,
            prefix,
            scope,
            revoked: false,
        };
        Ok(NewTeamToken { token, value })
    }

    /// Every token, active and revoked, oldest first.
    pub async fn tokens(&self) -> Result<Vec<TeamToken>, TeamError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id, name, owner, prefix, scope, revoked_at IS NOT NULL
                 FROM team_tokens ORDER BY created_at, id",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| TeamToken {
                id: r.get(0),
                name: r.get(1),
                owner: r.get(2),
                prefix: r.get(3),
                scope: TokenScope::from_stored(r.get(4)),
                revoked: r.get(5),
            })
            .collect())
    }

    /// Revokes token `id` for every replica (the others learn it from the change notice, or
    /// from their next reload). Revoking a revoked token changes nothing.
    pub async fn revoke_token(&self, id: &str) -> Result<(), TeamError> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE team_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1",
                &[&id],
            )
            .await?;
        if n == 0 {
            return Err(TeamError::NotFound("That token"));
        }
        Ok(())
    }

    /// The active tokens' hashes with what a request made with each may do.
    pub(crate) async fn active_tokens(
        &self,
    ) -> Result<Vec<([u8; 32], switchyard_gateway::Caller)>, TeamError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT hash, id, name, scope, owner FROM team_tokens WHERE revoked_at IS NULL",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let hash = switchyard_domain::hex::decode32(r.get(0))?;
                let caller = switchyard_gateway::Caller {
                    token_id: r.get(1),
                    name: r.get(2),
                    scope: TokenScope::from_stored(r.get(3)),
                    owner: Some(r.get(4)),
                    subscription: None,
                };
                Some((hash, caller))
            })
            .collect())
    }
}
