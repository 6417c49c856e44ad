//! This machine's side of a sync: its records as JSON by kind and name
//! ([`MachineSync::snapshot`]), and another machine's records taken in ([`apply`]) through the
//! same checks as `config import`.
//! A backend's record has no keys, not even their labels: keys stay in each machine's keychain,
//! and another machine's delete never removes them (a backend that holds keys here is left for
//! the user to delete, with a problem saying so).

use super::{Kind, MachineSync};
use crate::changes::Effects;
use crate::config_file::{self, ConfigFile, ImportOptions, Writer};
use crate::events::DomainEvent;
use crate::{AppError, TokenRow, TokenScope};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A record's identity.
pub type Key = (Kind, String);

/// A gateway token as it travels: its hash, never its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TokenRecord {
    name: String,
    hash: String,
    prefix: String,
    scope: TokenScope,
    revoked: bool,
}

fn json<T: Serialize>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(e.to_string()))
}

impl MachineSync {
    /// This machine's records of `kinds`.
    pub async fn snapshot(&self, kinds: &[Kind]) -> Result<BTreeMap<Key, Value>, AppError> {
        records(self, kinds).await
    }
}

async fn records(sync: &MachineSync, kinds: &[Kind]) -> Result<BTreeMap<Key, Value>, AppError> {
    let file = sync.files.export().await?;
    let mut out = BTreeMap::new();
    if kinds.contains(&Kind::Backend) {
        for b in &file.backends {
            let mut body = json(b)?;
            if let Some(o) = body.as_object_mut() {
                o.remove("keys");
            }
            out.insert((Kind::Backend, b.name.clone()), body);
        }
    }
    if kinds.contains(&Kind::Route) {
        for r in &file.routes {
            out.insert((Kind::Route, r.name.clone()), json(r)?);
        }
    }
    if kinds.contains(&Kind::Budget) {
        for b in &file.budgets {
            out.insert((Kind::Budget, b.name.clone()), json(b)?);
        }
    }
    if kinds.contains(&Kind::Token) {
        for t in sync.tokens.list().await? {
            let record = TokenRecord {
                name: t.name,
                hash: t.hash,
                prefix: t.prefix,
                scope: t.scope,
                revoked: t.revoked_at.is_some(),
            };
            out.insert((Kind::Token, t.id), json(&record)?);
        }
    }
    Ok(out)
}

pub(super) fn parse<T: serde::de::DeserializeOwned>(
    kind: Kind,
    body: &Value,
) -> Result<T, AppError> {
    serde_json::from_value(body.clone()).map_err(|e| {
        AppError::Synced(format!(
            "this version cannot read that {}: {e}",
            kind.as_str()
        ))
    })
}

/// Takes in another machine's copy of one record (`None`: it deleted it). `from` names that
/// machine, `writer` the unattended writer taking it (My machines, or a replica following its
/// team). Returns what the user should see of it besides the record's name (a route that now
/// sends requests to another backend).
pub(crate) async fn apply(
    sync: &MachineSync,
    (kind, name): &Key,
    body: Option<&Value>,
    from: &str,
    writer: Writer,
) -> Result<Vec<String>, AppError> {
    match (kind, body) {
        (Kind::Token, body) => apply_token(sync, name, body, from).await,
        (_, Some(body)) => {
            let mut file = ConfigFile {
                version: config_file::file::VERSION,
                gateway: Default::default(),
                cache: Default::default(),
                alerts: None,
                backends: Vec::new(),
                routes: Vec::new(),
                budgets: Vec::new(),
                prices: Vec::new(),
                team: None,
            };
            match kind {
                Kind::Backend => file.backends.push(parse(*kind, body)?),
                Kind::Route => file.routes.push(parse(*kind, body)?),
                _ => file.budgets.push(parse(*kind, body)?),
            }
            // The one change path, as an unattended writer: what needs approval is refused,
            // with the reason in the pass's problems; a route move is listed with the pull.
            let options = ImportOptions {
                records_only: true,
                writer,
                ..ImportOptions::default()
            };
            let outcome = sync.files.import(&file, &options).await?;
            if let Some(issue) = outcome.issues.first() {
                return Err(AppError::Synced(issue.message.clone()));
            }
            if let Some(why) = outcome.refused {
                return Err(AppError::Synced(why));
            }
            Ok(outcome.effects().lines())
        }
        (Kind::Backend, None) => match sync
            .backends
            .list()
            .await?
            .into_iter()
            .find(|b| &b.row.name == name)
        {
            // Keys are deleted only by the user's own action on this machine.
            Some(b) if !b.keys.is_empty() => Err(AppError::Synced(format!(
                "{from} deleted it, but it holds {} key(s) on this machine: delete it here \
                 yourself to remove them (switchyard backend delete \"{name}\")",
                b.keys.len()
            ))),
            Some(b) => sync.backends.delete(b.row.id).await.map(|()| Vec::new()),
            None => Ok(Vec::new()),
        },
        (Kind::Route, None) => match sync
            .routes
            .list()
            .await?
            .into_iter()
            .find(|r| &r.name == name)
        {
            Some(r) => sync.routes.delete(r.id).await.map(|()| Vec::new()),
            None => Ok(Vec::new()),
        },
        (Kind::Budget, None) => {
            let mut budgets = sync.costs.budgets().await?;
            let before = budgets.len();
            budgets.retain(|b| &b.name != name);
            if budgets.len() != before {
                sync.costs.set_budgets(budgets).await?;
            }
            Ok(Vec::new())
        }
    }
}

/// Takes in a token record; lists a token that can call this gateway from now on.
async fn apply_token(
    sync: &MachineSync,
    id: &str,
    body: Option<&Value>,
    from: &str,
) -> Result<Vec<String>, AppError> {
    let tokens = sync.tokens.clone();
    let mut effects = Effects::default();
    match body {
        Some(body) => {
            let t: TokenRecord = parse(Kind::Token, body)?;
            let row = TokenRow {
                id: id.to_string(),
                name: t.name,
                hash: t.hash,
                prefix: t.prefix,
                created_at: String::new(),
                last_used_at: None,
                revoked_at: None,
                scope: t.scope,
            };
            let from = from.to_string();
            let new =
                tokio::task::spawn_blocking(move || tokens.adopt(&row, t.revoked, &from)).await??;
            effects.tokens.extend(new);
        }
        None => {
            let id = id.to_string();
            tokio::task::spawn_blocking(move || tokens.revoke_now(&id)).await??;
        }
    }
    sync.events.emit(DomainEvent::TokensChanged);
    Ok(effects.lines())
}
