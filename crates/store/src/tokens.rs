//! The `tokens` table: one local gateway token per tool. Only a SHA-256 hash of each token is
//! stored (plus a short prefix to recognise it, and its scope: every endpoint, generation only
//! for a connected tool's, `/metrics` only, ...); the token itself is shown once, at creation.
//! A stored scope only ever narrows: nothing here widens one.

use crate::tables::TokensTable;

use crate::{now, StoreError};
use rusqlite::{params, OptionalExtension, Row};
use switchyard_domain::{Subscription, TokenScope};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    /// Hex SHA-256 of the token.
    pub hash: String,
    /// The first characters of the token, e.g. `sy-3f9a`, to tell tokens apart.
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// What the token may do (migration 15; earlier tokens are `Gateway`, and connected tools'
    /// `Generate` from the step that narrowed them).
    pub scope: TokenScope,
    /// The connected tool's plan (migration 20): its own sign-in is passed to the vendor for
    /// this token's requests. A stored value this version cannot read is none.
    pub subscription: Option<Subscription>,
}

const COLUMNS: &str =
    "id, name, hash, prefix, created_at, last_used_at, revoked_at, scope, subscription";

fn from_row(row: &Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        id: row.get(0)?,
        name: row.get(1)?,
        hash: row.get(2)?,
        prefix: row.get(3)?,
        created_at: row.get(4)?,
        last_used_at: row.get(5)?,
        revoked_at: row.get(6)?,
        scope: TokenScope::from_stored(&row.get::<_, String>(7)?),
        subscription: row
            .get::<_, Option<String>>(8)?
            .as_deref()
            .and_then(Subscription::from_stored),
    })
}

impl TokensTable {
    /// Every token, active first, newest first.
    pub fn list_tokens(&self) -> Result<Vec<TokenRow>, StoreError> {
        self.db.with(|c| {
            let sql = format!(
                "SELECT {COLUMNS} FROM tokens ORDER BY revoked_at IS NOT NULL, created_at DESC"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt
                .query_map([], from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// A token for every endpoint ([`TokenScope::Gateway`]).
    pub fn insert_token(
        &self,
        id: &str,
        name: &str,
        hash: &str,
        prefix: &str,
    ) -> Result<TokenRow, StoreError> {
        self.insert_scoped_token(id, name, hash, prefix, TokenScope::Gateway)
    }

    pub fn insert_scoped_token(
        &self,
        id: &str,
        name: &str,
        hash: &str,
        prefix: &str,
        scope: TokenScope,
    ) -> Result<TokenRow, StoreError> {
        self.db.with(|c| {
            c.execute(
                "INSERT INTO tokens (id, name, hash, prefix, created_at, scope)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, name, hash, prefix, now(), scope.as_str()],
            )?;
            let sql = format!("SELECT {COLUMNS} FROM tokens WHERE id = ?1");
            Ok(c.query_row(&sql, [id], from_row)?)
        })
    }

    /// Revokes an active token by id or name. `None` when there is no such active token.
    pub fn revoke_token(&self, id_or_name: &str) -> Result<Option<TokenRow>, StoreError> {
        self.db.with(|c| {
            let sql = format!(
                "UPDATE tokens SET revoked_at = ?2
                 WHERE revoked_at IS NULL AND (id = ?1 OR name = ?1 COLLATE NOCASE)
                 RETURNING {COLUMNS}"
            );
            Ok(c.query_row(&sql, params![id_or_name, now()], from_row)
                .optional()?)
        })
    }

    /// Narrows a tool's token to generation only ([`TokenScope::Generate`]): a token of any
    /// other scope is left as it is (a scrape token would be widened). `true` when it changed.
    pub fn narrow_to_generate(&self, id: &str) -> Result<bool, StoreError> {
        self.db.with(|c| {
            let n = c.execute(
                "UPDATE tokens SET scope = ?2 WHERE id = ?1 AND scope = ?3",
                params![
                    id,
                    TokenScope::Generate.as_str(),
                    TokenScope::Gateway.as_str()
                ],
            )?;
            Ok(n > 0)
        })
    }

    /// Sets (or clears) the plan of an active token: what `connect` chose for the tool that
    /// holds it. `true` when a token was changed.
    pub fn set_subscription(
        &self,
        id: &str,
        subscription: Option<&Subscription>,
    ) -> Result<bool, StoreError> {
        let stored = subscription.map(Subscription::to_stored);
        self.db.with(|c| {
            let n = c.execute(
                "UPDATE tokens SET subscription = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, stored],
            )?;
            Ok(n > 0)
        })
    }

    /// Records when tokens were last used (batched by the ledger writer).
    pub fn touch_tokens(&self, uses: &[(String, String)]) -> Result<(), StoreError> {
        self.db.with(|c| {
            let tx = c.transaction()?;
            {
                let mut stmt = tx.prepare_cached(
                    "UPDATE tokens SET last_used_at = max(COALESCE(last_used_at, ''), ?2) WHERE id = ?1",
                )?;
                for (id, at) in uses {
                    stmt.execute(params![id, at])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }
}
