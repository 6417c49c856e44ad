//! The ledger beside each provider's books as last read: per backend with books or an admin
//! key, the gateway's rows on its keys and the tools' own records of its provider.

use crate::{Reconcile, ReconcileError};
use switchyard_books::compare::{reconcile, DirectLine, Input, LedgerLine, UserKey};
use switchyard_books::Span;
use switchyard_domain::books::{Books, BooksProvider};
use switchyard_domain::reconcile::{Reconciliation, Side};
use switchyard_store::LedgerDay;

/// The name a tool's record gives the provider (`usage::price`'s).
fn tool_provider(p: BooksProvider) -> &'static str {
    match p {
        BooksProvider::OpenAi => "openai",
        BooksProvider::Anthropic => "anthropic",
        BooksProvider::OpenRouter => "openrouter",
    }
}

fn side(d: &LedgerDay) -> Side {
    Side {
        requests: Some(d.requests),
        tokens: d.tokens,
        cost_usd: Some(d.cost_usd),
    }
}

impl Reconcile {
    /// Every backend's reconciliation for `span`, from the books last read.
    pub async fn report(&self, span: Span) -> Result<Vec<Reconciliation>, ReconcileError> {
        let (first, last) = (
            switchyard_books::span::day(span.first),
            switchyard_books::span::day(span.last),
        );
        // A team replica's requests are in the team's ledger, with their people.
        let team = match &self.team {
            Some(db) => Some(
                db.books_days(&first, &last)
                    .await
                    .map_err(|e| ReconcileError::Team(e.to_string()))?,
            ),
            None => None,
        };
        self.blocking(move |me| {
            let reads = me.books.reads()?;
            let admin = me.books.admin_keys()?;
            let mut ledger = me.books.ledger_days(&first, &last)?;
            if let Some(rows) = &team {
                ledger.retain(|d| d.backend.is_none());
                ledger.extend(rows.iter().map(crate::team::ledger_day));
            }
            let choices = me.books.key_choices()?;
            let mut out = vec![];
            for b in me.backends.list_backends()? {
                let Some(provider) = BooksProvider::of(b.kind) else {
                    continue;
                };
                let read = reads.iter().find(|r| r.backend_id == b.id);
                if read.is_none() && !admin.iter().any(|k| k.backend_id == b.id) {
                    continue;
                }
                let keys: Vec<UserKey> = me
                    .keys
                    .keys_of(&b.id)?
                    .into_iter()
                    .map(|k| UserKey {
                        id: k.id,
                        label: k.label,
                        hint: k.hint,
                    })
                    .collect();
                let gateway: Vec<LedgerLine> = ledger
                    .iter()
                    .filter(|d| d.backend.as_deref() == Some(b.name.as_str()))
                    .map(|d| LedgerLine {
                        day: d.day.clone(),
                        key_id: keys
                            .iter()
                            .find(|k| Some(k.label.as_str()) == d.key_label.as_deref())
                            .map(|k| k.id.clone()),
                        model: d.model.clone(),
                        side: side(d),
                    })
                    .collect();
                let direct: Vec<DirectLine> = ledger
                    .iter()
                    .filter(|d| d.backend.is_none())
                    .filter(|d| d.provider.as_deref() == Some(tool_provider(provider)))
                    .map(|d| DirectLine {
                        day: d.day.clone(),
                        model: d.model.clone(),
                        side: side(d),
                    })
                    .collect();
                let mine: Vec<(String, String)> = choices
                    .iter()
                    .filter(|(backend, ..)| *backend == b.id)
                    .map(|(_, p, k)| (p.clone(), k.clone()))
                    .collect();
                let empty = Books::default();
                let books = read.and_then(|r| r.books.as_ref()).unwrap_or(&empty);
                let mut r = reconcile(&Input {
                    backend_id: &b.id,
                    backend: &b.name,
                    provider,
                    span,
                    books,
                    ledger: &gateway,
                    direct: &direct,
                    keys: &keys,
                    choices: &mine,
                });
                if let Some(rows) = &team {
                    r.people = crate::team::people(rows, &b.name);
                }
                r.read_at_ms = read.and_then(|r| r.read_at_ms);
                r.stale = read.and_then(|r| r.error.clone());
                out.push(r);
            }
            Ok(out)
        })
        .await
    }

    /// The user's choice: the provider's key `provider_key_id` on `backend` is their key `key_id`.
    pub async fn choose_key(
        &self,
        backend: String,
        provider_key_id: String,
        key_id: String,
    ) -> Result<(), ReconcileError> {
        self.blocking(move |me| {
            let (b, _) = me.backend_named(&backend)?;
            Ok(me.books.choose_key(&b.id, &provider_key_id, &key_id)?)
        })
        .await
    }
}
