//! This machine's side of a sync: its records as JSON by kind and name
//! ([`MachineSync::snapshot`]), and another machine's records taken in ([`apply`]) through the
//! same checks as `config import`. Only a tool's gateway token travels: a panel's or a scrape
//! token stays on the machine that made it ([`MachineSync::kept_here`]).
//! A backend's record has no keys, not even their labels: keys stay in each machine's keychain,
//! and another machine's delete never removes them (a backend that holds keys here is left for
//! the user to delete, with a problem saying so).

use super::kinds::{Change, Setup, TeamKind, ToolScope, ToolToken};
use super::{Kind, MachineSync};
use crate::changes::Effects;
use crate::config_file::{self, ConfigFile, ImportOptions, Writer};
use crate::events::DomainEvent;
use crate::tokens::Adopted;
use crate::AppError;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A record's identity.
pub type Key = (Kind, String);

fn json<T: Serialize>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(e.to_string()))
}

impl MachineSync {
    /// This machine's records of `kinds`.
    pub async fn snapshot(&self, kinds: &[Kind]) -> Result<BTreeMap<Key, Value>, AppError> {
        records(self, kinds).await
    }

    /// This machine's tokens that never travel: every one but a tool's.
    pub(crate) async fn kept_here(&self) -> Result<BTreeSet<Key>, AppError> {
        Ok(self
            .tokens
            .list()
            .await?
            .into_iter()
            .filter(|t| ToolScope::of(t.scope).is_none())
            .map(|t| (Kind::Token, t.id))
            .collect())
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
        let tools = sync.tokens.list().await?.into_iter();
        for t in tools {
            let Some(scope) = ToolScope::of(t.scope) else {
                continue;
            };
            let record = ToolToken {
                name: t.name,
                hash: t.hash,
                prefix: t.prefix,
                scope,
                revoked: t.revoked_at.is_some(),
            };
            out.insert((Kind::Token, t.id), json(&record)?);
        }
    }
    Ok(out)
}

/// Takes in another machine's copy of one record as its space's type made it ([`Change`]).
/// `from` names that machine, `writer` the unattended writer taking it (My machines, or a
/// replica following its team). Returns what the user should see of it besides the record's
/// name (a route that now sends requests to another backend).
pub(crate) async fn apply(
    sync: &MachineSync,
    (_, name): &Key,
    change: Change,
    from: &str,
    writer: Writer,
) -> Result<Vec<String>, AppError> {
    match change {
        Change::Token(t) => adopt_token(sync, name, t, from).await,
        Change::TokenGone => {
            let (tokens, id) = (sync.tokens.clone(), name.to_string());
            tokio::task::spawn_blocking(move || tokens.revoke_now(&id)).await??;
            sync.events.emit(DomainEvent::TokensChanged);
            Ok(Vec::new())
        }
        Change::Setup(setup) => {
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
            match setup {
                Setup::Backend(b) => file.backends.push(b),
                Setup::Route(r) => file.routes.push(r),
                Setup::Budget(b) => file.budgets.push(b),
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
        Change::Forget(TeamKind::Backend) => match sync
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
        Change::Forget(TeamKind::Route) => match sync
            .routes
            .list()
            .await?
            .into_iter()
            .find(|r| &r.name == name)
        {
            Some(r) => sync.routes.delete(r.id).await.map(|()| Vec::new()),
            None => Ok(Vec::new()),
        },
        Change::Forget(TeamKind::Budget) => {
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

/// Takes in a tool's token another of the user's machines made; lists a token that can call
/// this gateway from now on.
async fn adopt_token(
    sync: &MachineSync,
    id: &str,
    t: ToolToken,
    from: &str,
) -> Result<Vec<String>, AppError> {
    let tokens = sync.tokens.clone();
    let mut effects = Effects::default();
    let adopted = Adopted {
        id: id.to_string(),
        name: t.name,
        hash: t.hash,
        prefix: t.prefix,
        scope: t.scope,
        revoked: t.revoked,
    };
    let from = from.to_string();
    let new = tokio::task::spawn_blocking(move || tokens.adopt(&adopted, &from)).await??;
    effects.tokens.extend(new);
    sync.events.emit(DomainEvent::TokensChanged);
    Ok(effects.lines())
}
