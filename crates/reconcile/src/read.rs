//! Reading each provider's books and keeping them: a read that fails keeps the books read
//! before (shown as stale) with why. OpenAI and Anthropic are read with the backend's admin
//! key; OpenRouter with each of the user's keys itself (what it spent today), and with its
//! management key (the admin key) when there is one, the completed days' activity per key.

use crate::admin::base_of;
use crate::{Reconcile, ReconcileError};
use switchyard_books::openrouter::OwnKey;
use switchyard_books::{BooksError, Span};
use switchyard_domain::books::{Books, BooksProvider};
use switchyard_gateway::Cleared;
use switchyard_store::{AdminKeyRow, BackendRow, KeyRow};

/// What one backend's read came to.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadOutcome {
    pub backend: String,
    pub provider: BooksProvider,
    /// Lines read, or why not.
    pub lines: Option<usize>,
    pub error: Option<String>,
}

impl Reconcile {
    /// Reads the books of every backend with an admin key, and of every OpenRouter backend with
    /// a key (or only `backend`), for `span`, and keeps them.
    pub async fn read(
        &self,
        span: Span,
        backend: Option<String>,
    ) -> Result<Vec<ReadOutcome>, ReconcileError> {
        let targets = self
            .blocking(move |me| {
                let admin = me.books.admin_keys()?;
                let chosen = match &backend {
                    Some(name) => vec![me.backend_named(name)?.0],
                    None => me.backends.list_backends()?,
                };
                let mut targets = vec![];
                for b in chosen {
                    let Some(provider) = BooksProvider::of(b.kind) else {
                        continue;
                    };
                    let key = admin.iter().find(|k| k.backend_id == b.id).cloned();
                    let own = match provider {
                        BooksProvider::OpenRouter => me.keys.keys_of(&b.id)?,
                        _ => vec![],
                    };
                    if key.is_some() || !own.is_empty() {
                        targets.push((b, provider, key, own));
                    }
                }
                Ok(targets)
            })
            .await?;
        let mut out = vec![];
        for (backend, provider, key, own) in targets {
            let read = self
                .read_one(&backend, provider, key.as_ref(), &own, span)
                .await;
            let at = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
            let days = (
                switchyard_books::span::day(span.first),
                switchyard_books::span::day(span.last),
            );
            let message = read.as_ref().err().map(ToString::to_string);
            let books = self.books.clone();
            let id = backend.id.clone();
            let saved = read.as_ref().ok().cloned();
            let why = message.clone();
            self.blocking(move |_| {
                let result = match (&saved, &why) {
                    (Some(b), _) => Ok(b),
                    (None, Some(m)) => Err(m.as_str()),
                    (None, None) => return Ok(()),
                };
                books.save_read(&id, (&days.0, &days.1), result, at)?;
                Ok(())
            })
            .await?;
            if let Some(m) = &message {
                tracing::warn!(backend = %backend.name, error = %m, "the provider's books could not be read");
            }
            out.push(ReadOutcome {
                backend: backend.name,
                provider,
                lines: read.as_ref().ok().map(|b| b.lines.len()),
                error: message,
            });
        }
        // What the books now say goes to the alert rules (unrouted usage per key).
        if !out.is_empty() {
            match self.report(span).await {
                Ok(report) => crate::follow::feed(&self.health, &report, now_ms()),
                Err(e) => tracing::warn!(error = %e, "the providers' books could not be compared"),
            }
        }
        Ok(out)
    }

    async fn read_one(
        &self,
        backend: &BackendRow,
        provider: BooksProvider,
        admin: Option<&AdminKeyRow>,
        own: &[KeyRow],
        span: Span,
    ) -> Result<Books, ReconcileError> {
        let base = base_of(backend);
        let admin = match admin {
            Some(key) => Some(self.admin_cleared(key, &base).await?),
            None => None,
        };
        let http = &self.http;
        Ok(match (provider, admin) {
            (BooksProvider::OpenRouter, management) => {
                let own = self.own_cleared(backend, own, &base).await?;
                if own.is_empty() && management.is_none() {
                    return Err(ReconcileError::KeysWithheld {
                        backend: backend.name.clone(),
                        origin: origin_shown(&base),
                    });
                }
                let today = time::OffsetDateTime::now_utc().date();
                switchyard_books::openrouter::read(
                    http,
                    &base,
                    &own,
                    management.as_ref(),
                    span,
                    today,
                )
                .await?
            }
            (BooksProvider::OpenAi, Some(admin)) => {
                switchyard_books::openai::read(http, &base, &admin, span).await?
            }
            (BooksProvider::Anthropic, Some(admin)) => {
                switchyard_books::anthropic::read(http, &base, &admin, span).await?
            }
            (_, None) => return Err(ReconcileError::NoAdminKeyFor(backend.name.clone())),
        })
    }

    /// The admin key, cleared for `base`: the gate's approval against the origin stored with it
    /// before it is read.
    async fn admin_cleared(
        &self,
        key: &AdminKeyRow,
        base: &str,
    ) -> Result<Cleared, ReconcileError> {
        let approval =
            Cleared::approval(std::slice::from_ref(&key.origin), base).map_err(BooksError::from)?;
        let id = key.id.clone();
        let value = self.blocking(move |me| Ok(me.secrets.get(&id)?)).await?;
        Ok(approval.clear(value))
    }

    /// The backend's keys to read with themselves, each cleared for `base` as the app clears a
    /// stored key (`switchyard_app`'s `egress::stored`): only when the key row's approved hosts
    /// hold that origin, and only then read from the keychain. A key not approved there is
    /// left out (said in the log, by label), as the gateway leaves it out of its routes there.
    async fn own_cleared(
        &self,
        backend: &BackendRow,
        keys: &[KeyRow],
        base: &str,
    ) -> Result<Vec<OwnKey>, ReconcileError> {
        let mut out = vec![];
        for key in keys {
            let approval = match Cleared::approval(&key.hosts, base) {
                Ok(approval) => approval,
                Err(_) => {
                    tracing::info!(backend = %backend.name, key = %key.label, origin = %origin_shown(base),
                        "key not approved for the backend's address: its books are not read");
                    continue;
                }
            };
            let id = key.id.clone();
            let value = self.blocking(move |me| Ok(me.secrets.get(&id)?)).await?;
            out.push(OwnKey {
                id: key.id.clone(),
                label: key.label.clone(),
                hint: key.hint.clone(),
                key: approval.clear(value),
            });
        }
        Ok(out)
    }
}

/// `url`'s origin as shown in a message.
fn origin_shown(url: &str) -> String {
    switchyard_domain::origin_of(url).unwrap_or_else(|| url.trim().to_string())
}

fn now_ms() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp() * 1000
}
