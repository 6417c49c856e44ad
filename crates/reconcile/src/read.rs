//! Reading each provider's books with its admin key and keeping them: a read that fails keeps
//! the books read before (shown as stale) with why.

use crate::admin::base_of;
use crate::{Reconcile, ReconcileError};
use switchyard_books::{BooksError, Span};
use switchyard_domain::books::{Books, BooksProvider};
use switchyard_gateway::Cleared;
use switchyard_store::{AdminKeyRow, BackendRow};

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
    /// Reads the books of every backend with an admin key (or only `backend`) for `span`, and
    /// keeps them.
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
                Ok(chosen
                    .into_iter()
                    .filter_map(|b| {
                        let provider = switchyard_domain::books::BooksProvider::of(b.kind)?;
                        let key = admin.iter().find(|k| k.backend_id == b.id)?.clone();
                        Some((b, provider, key))
                    })
                    .collect::<Vec<_>>())
            })
            .await?;
        let mut out = vec![];
        for (backend, provider, key) in targets {
            let read = self.read_one(&backend, provider, &key, span).await;
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
        Ok(out)
    }

    async fn read_one(
        &self,
        backend: &BackendRow,
        provider: BooksProvider,
        key: &AdminKeyRow,
        span: Span,
    ) -> Result<Books, ReconcileError> {
        let base = base_of(backend);
        // The gate before the key is read: only the origin the key was approved for.
        let approval = Cleared::approval(std::slice::from_ref(&key.origin), &base)
            .map_err(BooksError::from)?;
        let id = key.id.clone();
        let value = self.blocking(move |me| Ok(me.secrets.get(&id)?)).await?;
        let admin = approval.clear(value);
        let http = &self.http;
        Ok(match provider {
            BooksProvider::OpenAi => {
                switchyard_books::openai::read(http, &base, &admin, span).await?
            }
            BooksProvider::Anthropic => {
                switchyard_books::anthropic::read(http, &base, &admin, span).await?
            }
            BooksProvider::OpenRouter => {
                switchyard_books::openrouter::read_activity(http, &base, &admin, span).await?
            }
        })
    }
}
