//! Local gateway tokens: one per tool, shown once at creation, stored only as a SHA-256 hash.
//! The gateway checks presented tokens against an in-memory index of active hashes with a
//! constant-time comparison; revoking a token takes effect on the next request. A scrape token
//! ([`TokenScope::Metrics`], for Prometheus) is made the same way but opens only `/metrics`.
//!
//! The feature service is [`Tokens`]: the store's token rows, the index it keeps current, and
//! the event sink for `TokensChanged`. Nothing else writes tokens.

use crate::changes::TokenAdded;
use crate::events::EventSink;
use crate::{AppError, DomainEvent};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use subtle::ConstantTimeEq;
use switchyard_domain::{token_scope::ToolScope, TokenScope};
use switchyard_secrets::SecretString;
use switchyard_store::{Store, TokenRow, TokensTable};

/// Every token starts with this, so a leaked one is recognisable in a scanner.
pub const TOKEN_PREFIX: &str = "sy-";
const MAX_NAME_CHARS: usize = 40;

pub use switchyard_gateway::Caller;

/// Active token hashes, shared with the gateway. Cheap to clone.
///
/// Tokens created or revoked by another process (`switchyard token create|revoke` while the app
/// runs) reach a serving process through the outside-change watch (`external.rs`, at most
/// `WATCH_EVERY` later); a token created elsewhere is also picked up on its first use, re-reading
/// the database at most once per `RELOAD_EVERY`.
#[derive(Clone, Default)]
pub struct TokenIndex {
    inner: Arc<RwLock<HashMap<[u8; 32], Caller>>>,
    /// Tokens of this process only (never stored, gone at exit): `switchyard mcp`'s own.
    process: Arc<RwLock<HashMap<[u8; 32], Caller>>>,
    source: Option<TokensTable>,
    last_reload: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

const RELOAD_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

impl switchyard_gateway::Authenticator for TokenIndex {
    fn verify(&self, token: &str) -> Option<Caller> {
        self.lookup(token)
    }

    fn refresh(&self) -> bool {
        self.refresh_from_source()
    }
}

impl TokenIndex {
    /// An index that can refresh itself from the token table.
    pub fn new(tokens: TokensTable) -> Self {
        TokenIndex {
            source: Some(tokens),
            ..Self::default()
        }
    }

    /// The caller owning `token`, if it is active. An unknown token makes it re-read the tokens
    /// (at most once a second), so this may block on SQLite: call it off the async threads.
    pub fn verify(&self, token: &str) -> Option<Caller> {
        if let Some(c) = self.lookup(token) {
            return Some(c);
        }
        self.refresh_from_source().then(|| self.lookup(token))?
    }

    /// Re-reads the tokens from the store, at most once a second. Blocking. One re-read at a
    /// time: a caller arriving while another re-reads waits for it. `true` when the tokens are
    /// fresh (re-read now, or within the last second): worth looking the token up again. So a
    /// burst of requests with a token made a moment ago all find it, not only the first.
    fn refresh_from_source(&self) -> bool {
        let Some(store) = self.source.as_ref() else {
            return false;
        };
        let mut last = self
            .last_reload
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.is_some_and(|t| t.elapsed() < RELOAD_EVERY) {
            return true;
        }
        *last = Some(std::time::Instant::now());
        if let Err(e) = self.reload(store) {
            tracing::warn!(error = %e, "could not reload gateway tokens");
            return false;
        }
        true
    }

    fn lookup(&self, token: &str) -> Option<Caller> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        for source in [&self.inner, &self.process] {
            let map = source
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // The map lookup finds the candidate; the comparison that decides is constant-time.
            if let Some((stored, caller)) = map.get_key_value(&digest) {
                if bool::from(stored.ct_eq(&digest)) {
                    return Some(caller.clone());
                }
            }
        }
        None
    }

    /// Reloads the active tokens from the database; `true` when the set of active tokens changed.
    pub fn reload(&self, tokens: &TokensTable) -> Result<bool, AppError> {
        let mut fresh = HashMap::new();
        for t in tokens
            .list_tokens()?
            .into_iter()
            .filter(|t| t.revoked_at.is_none())
        {
            if let Some(hash) = switchyard_domain::hex::decode32(&t.hash) {
                fresh.insert(
                    hash,
                    Caller {
                        token_id: t.id,
                        name: t.name,
                        scope: t.scope,
                        owner: None,
                        subscription: t.subscription,
                    },
                );
            }
        }
        let mut map = self
            .inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let changed = *map != fresh;
        *map = fresh;
        Ok(changed)
    }
}

/// A tool's token another of the user's machines made, as My machines takes it in
/// ([`Tokens::adopt`]): a tool's or a connected tool's, since only those travel.
#[derive(Debug, Clone)]
pub(crate) struct Adopted {
    pub id: String,
    pub name: String,
    /// The SHA-256 of the value, as hex.
    pub hash: String,
    pub prefix: String,
    /// A tool's or a connected tool's: by type, no other scope comes in.
    pub scope: ToolScope,
    /// The other machine revoked it.
    pub revoked: bool,
}

/// A token that was just created: the only moment its value exists outside the caller's tool.
#[derive(Debug)]
pub struct NewToken {
    pub row: TokenRow,
    pub token: SecretString,
}

/// Creating, listing and revoking gateway tokens. Cheap to clone.
#[derive(Clone)]
pub struct Tokens {
    tokens: TokensTable,
    index: TokenIndex,
    events: EventSink,
}

impl Tokens {
    /// Needs the store (token rows) and the event sink (`TokensChanged`). Reads the active tokens
    /// into the index: blocking, call it off the async threads.
    pub(crate) fn new(store: Store, events: EventSink) -> Result<Tokens, AppError> {
        let tokens = store.tokens();
        let index = TokenIndex::new(tokens.clone());
        index.reload(&tokens)?;
        Ok(Tokens {
            tokens,
            index,
            events,
        })
    }

    /// Creates a token for a tool. The value is returned once and never stored.
    pub async fn create(&self, name: String) -> Result<NewToken, AppError> {
        self.create_scoped(name, TokenScope::Gateway).await
    }

    /// Creates a token of `scope` (a scrape token: [`TokenScope::Metrics`]). The value is
    /// returned once and never stored.
    pub async fn create_scoped(
        &self,
        name: String,
        scope: TokenScope,
    ) -> Result<NewToken, AppError> {
        let name = name.trim().to_string();
        check_name(&name)?;
        let me = self.clone();
        let (row, token) =
            tokio::task::spawn_blocking(move || me.insert_scoped(&name, scope)).await??;
        self.events.emit(DomainEvent::TokensChanged);
        Ok(NewToken { row, token })
    }

    pub async fn list(&self) -> Result<Vec<TokenRow>, AppError> {
        let tokens = self.tokens.clone();
        Ok(tokio::task::spawn_blocking(move || tokens.list_tokens()).await??)
    }

    /// Revokes an active token by id or name; the next request with it is refused.
    pub async fn revoke(&self, id_or_name: String) -> Result<TokenRow, AppError> {
        let me = self.clone();
        let row = tokio::task::spawn_blocking(move || {
            let row = me
                .tokens
                .revoke_token(&id_or_name)?
                .ok_or(AppError::NotFound("Token"))?;
            me.index.reload(&me.tokens)?;
            tracing::info!(token = %row.name, "gateway token revoked");
            Ok::<_, AppError>(row)
        })
        .await??;
        self.events.emit(DomainEvent::TokensChanged);
        Ok(row)
    }

    /// A token valid in this process only, for its own requests through the gateway (the MCP
    /// server's `ask`): never stored, not listed, gone when the process exits. Its requests are
    /// recorded under `name`.
    pub fn for_this_process(&self, name: &str) -> SecretString {
        let token = format!(
            "{TOKEN_PREFIX}{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        self.index
            .process
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(
                digest,
                Caller {
                    token_id: format!("process:{name}"),
                    name: name.to_string(),
                    scope: TokenScope::Gateway,
                    owner: None,
                    subscription: None,
                },
            );
        SecretString::new(token)
    }

    /// The index the gateway checks tokens against.
    pub fn index(&self) -> TokenIndex {
        self.index.clone()
    }

    /// Creates and indexes a token of `scope` named `name` (checked by the caller or
    /// [`Tokens::create`]). Blocking, for a feature's own blocking work (connecting a tool: a
    /// connected tool's token, [`TokenScope::Generate`]); no event is sent.
    pub fn insert_scoped(
        &self,
        name: &str,
        scope: TokenScope,
    ) -> Result<(TokenRow, SecretString), AppError> {
        let token = format!(
            "{TOKEN_PREFIX}{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let hash = switchyard_domain::hex::encode(&Sha256::digest(token.as_bytes()));
        let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
        let row = self
            .tokens
            .insert_scoped_token(&crate::new_id(), name, &hash, &prefix, scope)
            .map_err(|e| {
                if e.is_unique_violation() {
                    AppError::field(
                        switchyard_domain::Field::Name,
                        switchyard_domain::IssueCode::Duplicate,
                        format!("A token named “{name}” already exists."),
                    )
                } else {
                    AppError::Store(e)
                }
            })?;
        self.index.reload(&self.tokens)?;
        tracing::info!(token = %row.name, scope = scope.as_str(), "gateway token created");
        Ok((row, SecretString::new(token)))
    }

    /// Takes in a tool's token another of the user's machines made (the `sync` module): its id
    /// and hash as they are, so the same value works here. What comes in is always a tool's
    /// token, whole or a connected tool's ([`Adopted::scope`]: no synced record can make a
    /// panel, admin or scrape token here). A token of that id already here only narrows to a
    /// connected tool's, never widens; it is only revoked when the other machine revoked it,
    /// and never un-revoked: a revocation here is permanent. An
    /// active token of the same name here keeps its name; the newcomer's gets `from` after it.
    /// Blocking; no event is sent. Returns the token when it is new here and can call the
    /// gateway (the change path lists it).
    pub(crate) fn adopt(
        &self,
        token: &Adopted,
        from: &str,
    ) -> Result<Option<TokenAdded>, AppError> {
        let here = self.tokens.list_tokens()?;
        let mut new = None;
        if !here.iter().any(|t| t.id == token.id) {
            let clash = here
                .iter()
                .any(|t| t.revoked_at.is_none() && t.name.eq_ignore_ascii_case(&token.name));
            let name = if clash {
                format!("{} ({from})", token.name)
            } else {
                token.name.clone()
            };
            let name: String = name.chars().take(MAX_NAME_CHARS).collect();
            let scope = TokenScope::from(token.scope);
            self.tokens
                .insert_scoped_token(&token.id, &name, &token.hash, &token.prefix, scope)?;
            new = Some(TokenAdded { name, scope });
        } else if token.scope == ToolScope::Connected {
            self.tokens.narrow_to_generate(&token.id)?;
        }
        if token.revoked {
            self.tokens.revoke_token(&token.id)?;
            new = None;
        }
        self.index.reload(&self.tokens)?;
        Ok(new)
    }

    /// Revokes a token by id and drops it from the index. Blocking; no event is sent.
    pub fn revoke_now(&self, id: &str) -> Result<(), AppError> {
        self.tokens.revoke_token(id)?;
        self.index.reload(&self.tokens).map(drop)
    }
}

fn check_name(name: &str) -> Result<(), AppError> {
    use switchyard_domain::{Field::Name, IssueCode};
    if name.is_empty() {
        return Err(AppError::field(
            Name,
            IssueCode::Required,
            "Give the token a name, such as the tool that will use it.",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::field(
            Name,
            IssueCode::TooLong,
            format!("Token names are at most {MAX_NAME_CHARS} characters."),
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
    {
        return Err(AppError::field(
            Name,
            IssueCode::Format,
            "Use letters, digits, spaces, '-', '_' and '.' in token names.",
        ));
    }
    if switchyard_domain::looks_like_key(name, true) {
        return Err(AppError::field(
            Name,
            IssueCode::LooksLikeKey,
            "That looks like a key, not a name.",
        ));
    }
    Ok(())
}
