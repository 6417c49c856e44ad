//! Tools connected to the team gateway rather than this machine's (Settings → Team gateway, then
//! Connect with "Team gateway" chosen): the tool gets a team token made by the attached replica
//! for the admin token's owner, and its files point at the replica. The connection row keeps that
//! token's id as `team:<id>`, so disconnecting (or reconnecting elsewhere) revokes it through the
//! team's API instead of among this machine's tokens.

use super::service::Tools;
use switchyard_app::AppError;

/// How a connection row marks a team token's id.
const TEAM_TOKEN: &str = "team:";

/// The connection row's token id for team token `id`.
pub(super) fn row_token_id(id: &str) -> String {
    format!("{TEAM_TOKEN}{id}")
}

/// The team token's id, when the row's token is the team's.
pub(super) fn team_token(row_token_id: &str) -> Option<&str> {
    row_token_id.strip_prefix(TEAM_TOKEN)
}

impl Tools {
    /// Revokes a connection's token wherever it was made; its name, for a token of this
    /// machine's. One already gone is no error.
    pub(super) async fn revoke_connection_token(
        &self,
        row_token_id: String,
    ) -> Result<Option<String>, AppError> {
        if let Some(id) = team_token(&row_token_id) {
            return self.team.revoke_tool_token(id).await.map(|()| None).map_err(|e| {
                AppError::Team(format!(
                    "The team gateway could not revoke the tool's token ({e}). Revoke it with `switchyard team token revoke {id}`."
                ))
            });
        }
        match self.tokens.revoke(row_token_id).await {
            Ok(row) => Ok(Some(row.name)),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_token_is_told_from_a_local_one_by_its_row_id() {
        let row = row_token_id("0190-abc");
        assert_eq!(team_token(&row), Some("0190-abc"));
        assert_eq!(team_token("0190-abc"), None, "a token of this machine");
    }
}
