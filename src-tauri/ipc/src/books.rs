//! The providers' own books (issue 75): the Costs page's Reconcile card (the ledger beside each
//! provider's books, read now or as last read) and the Backends page's organization admin keys.
//! The reconciliation travels as the domain's own type; an admin key and a read's outcome get
//! views here (`switchyard-reconcile` compiles no specta). An admin key's value comes in as a
//! [`KeyInput`], as a backend key's does, and never goes out.

use crate::backends::dto::KeyInput;
use crate::{dtos, Core, IpcError};
use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_domain::books::BooksProvider;
use switchyard_domain::reconcile::Reconciliation;
use switchyard_reconcile::{ReadOutcome, Span};

type Res<T> = Result<T, IpcError>;

impl From<switchyard_reconcile::ReconcileError> for IpcError {
    fn from(e: switchyard_reconcile::ReconcileError) -> Self {
        switchyard_app::AppError::from(e).into()
    }
}

/// An organization admin key as shown: its label, masked hint and the one origin it is sent to
/// (its backend's when it was added). Never its value.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AdminKey {
    pub id: String,
    pub backend_id: String,
    pub backend: String,
    pub label: String,
    pub hint: String,
    pub origin: String,
}

impl From<switchyard_reconcile::AdminKey> for AdminKey {
    fn from(k: switchyard_reconcile::AdminKey) -> Self {
        let (id, backend_id, backend) = (k.id, k.backend_id, k.backend);
        let (label, hint, origin) = (k.label, k.hint, k.origin);
        AdminKey {
            id,
            backend_id,
            backend,
            label,
            hint,
            origin,
        }
    }
}

/// What reading one backend's books came to: the lines read, or why not.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BooksRead {
    pub backend: String,
    pub provider: BooksProvider,
    pub lines: Option<u32>,
    pub error: Option<String>,
}

impl From<ReadOutcome> for BooksRead {
    fn from(r: ReadOutcome) -> Self {
        BooksRead {
            backend: r.backend,
            provider: r.provider,
            lines: r.lines.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            error: r.error,
        }
    }
}

/// The last `days` whole UTC days up to today (at most a year).
fn span(days: u16) -> Span {
    Span::last_days(days.clamp(1, 366), time::OffsetDateTime::now_utc())
}

/// Every backend with books or an admin key: the ledger beside the books as last read (no network).
#[tracing::instrument(skip(core))]
pub async fn books_report(core: &Core, since_days: u16) -> Res<Vec<Reconciliation>> {
    Ok(core.books()?.report(span(since_days)).await?)
}

/// Reads every backend's books with its admin key now; each failure is in its outcome.
#[tracing::instrument(skip(core))]
pub async fn books_read(core: &Core, since_days: u16) -> Res<Vec<BooksRead>> {
    Ok(dtos(core.books()?.read(span(since_days), None).await?))
}

#[tracing::instrument(skip(core))]
pub async fn admin_keys_list(core: &Core) -> Res<Vec<AdminKey>> {
    Ok(dtos(core.books()?.admin_keys().await?))
}

/// Stores an organization admin key for `backend_id` in the keychain (used only to read the
/// provider's usage and cost reports, never for a request).
#[tracing::instrument(skip(core, key))]
pub async fn admin_key_add(core: &Core, backend_id: String, key: KeyInput) -> Res<AdminKey> {
    let books = core.books()?;
    let added = books.add_admin_key(backend_id, key.label, key.value.into());
    Ok(added.await?.into())
}

#[tracing::instrument(skip(core))]
pub async fn admin_key_remove(core: &Core, id: String) -> Res<()> {
    Ok(core.books()?.remove_admin_key(id).await?)
}

/// The user's choice: the provider's key `provider_key_id` is their key `key_id`.
#[tracing::instrument(skip(core))]
pub async fn books_choose_key(
    core: &Core,
    backend_id: String,
    provider_key_id: String,
    key_id: String,
) -> Res<()> {
    let books = core.books()?;
    Ok(books
        .choose_key(backend_id, provider_key_id, key_id)
        .await?)
}
