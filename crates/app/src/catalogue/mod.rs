//! The Models feature: each backend's model catalogue, from its provider's own list (see
//! `switchyard_domain::catalogue`), cached with the time read, refreshed on demand and daily, and
//! each model's price as the ledger will record it, so a model with no known price is flagged
//! where it is chosen (the model pickers, `connect --model`, `switchyard models`), not found at
//! $0 later. A failed refresh keeps the last good list and says why.
//!
//! Bounded: a list keeps at most `switchyard_domain::catalogue::MAX_MODELS` (20,000) models, the
//! first listed; a longer one is kept cut, with its `error` saying "… lists more than 20000
//! models; the first 20000 are kept" (a keyless backend added by import or sync may point at any
//! server). Reading, parsing and merging are linear and off the async threads (see `fetch`).

mod check;

pub use check::{ModelCheck, ModelTarget, Pricing};

use crate::blocking::OffThread;
use crate::costs::Costs;
use crate::AppError;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use switchyard_domain::catalogue::{ListedModel, ListedPrice};
use switchyard_domain::BackendKind;
use switchyard_gateway::Cleared;
use switchyard_pricing::PriceTable;
use switchyard_secrets::SecretStore;
use switchyard_store::{BackendRow, BackendsTable, CatalogueRow, CatalogueTable, KeysTable, Store};

/// How old a catalogue may get before the daily refresh reads it again.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 3600);
/// How often the daily refresh looks for old catalogues.
const LOOK_EVERY: Duration = Duration::from_secs(3600);

/// A backend's models as the pickers show them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelList {
    pub backend_id: String,
    pub backend_name: String,
    pub kind: BackendKind,
    /// When the list was read (Unix ms); `None`: never read.
    pub fetched_at_ms: Option<i64>,
    /// Why the last refresh failed (the list shown is the last good one).
    pub error: Option<String>,
    pub models: Vec<ModelView>,
}

/// One listed model with its price as the ledger will record it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelView {
    pub id: String,
    pub name: Option<String>,
    pub context_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    /// The provider's own prices (OpenRouter's list).
    pub listed_price: Option<ListedPrice>,
    pub pricing: Pricing,
    /// Blended USD per million tokens (3 input : 1 output) from the price table, when known.
    pub price_per_mtok: Option<f64>,
}

/// Cheap to clone.
#[derive(Clone)]
pub struct Catalogue {
    backends: BackendsTable,
    /// A backend's keys, for the one its list is fetched with.
    keys: KeysTable,
    /// The lists, as last fetched.
    catalogue: CatalogueTable,
    secrets: Arc<dyn SecretStore>,
    /// How a list is fetched from its backend.
    reach: switchyard_gateway::probe::Reach,
    /// The price table in force.
    costs: Costs,
    /// The gateway's routing table, to resolve a chosen model as the gateway will.
    routing: crate::gateway::Routing,
}

impl Catalogue {
    /// Needs the store (backends, keys, the cached lists), the keychain (a backend's key for
    /// its list), how a list is fetched, the prices and the routing table.
    pub(crate) fn new(
        store: Store,
        secrets: Arc<dyn SecretStore>,
        reach: switchyard_gateway::probe::Reach,
        costs: Costs,
        routing: crate::gateway::Routing,
    ) -> Catalogue {
        Catalogue {
            backends: store.backends(),
            keys: store.keys(),
            catalogue: store.catalogue(),
            secrets,
            reach,
            costs,
            routing,
        }
    }

    /// A backend's cached list (empty and never read if no refresh ran yet).
    pub async fn list(&self, backend_id: String) -> Result<ModelList, AppError> {
        let (backend, row) = self
            .blocking(move |me| {
                let backend = me
                    .backends
                    .get_backend(&backend_id)?
                    .ok_or(AppError::NotFound("Backend"))?;
                let row = me.catalogue.catalogue(&backend.id)?;
                Ok((backend, row))
            })
            .await?;
        let table = self.costs.table().await?;
        Ok(view(&backend, row, &table))
    }

    /// Reads a backend's list from its provider now. A failure is kept with the list (the last
    /// good models stay) rather than returned, so the caller shows both.
    pub async fn refresh(&self, backend_id: String) -> Result<ModelList, AppError> {
        let id = backend_id.clone();
        let (backend, key) = self
            .blocking(move |me| {
                let backend = me
                    .backends
                    .get_backend(&id)?
                    .ok_or(AppError::NotFound("Backend"))?;
                let key = me.key_for(&backend)?;
                Ok((backend, key))
            })
            .await?;
        let at = self.reach.address(backend.kind, &backend.base_url);
        let fetched = match key {
            Ok(key) => {
                switchyard_gateway::probe::models::fetch(
                    &self.reach.http,
                    &at,
                    key.as_ref(),
                    self.reach.timeout,
                )
                .await
            }
            Err(why) => Err(why),
        };
        let now = crate::clock::now_ms();
        match &fetched {
            Ok(f) => {
                tracing::info!(backend = %backend.name, models = f.models.len(), "model list read")
            }
            Err(e) => tracing::warn!(backend = %backend.name, error = %e, "model list not read"),
        }
        self.blocking(move |me| {
            match fetched {
                Ok(f) => {
                    me.catalogue.save_catalogue(&backend_id, &f.models, now)?;
                    // A list cut at the cap is kept, and says so where a failure would.
                    if let Some(note) = f.cut {
                        me.catalogue.save_catalogue_error(&backend_id, &note, now)?;
                    }
                }
                Err(e) => me.catalogue.save_catalogue_error(&backend_id, &e, now)?,
            }
            Ok(())
        })
        .await?;
        self.list(backend.id).await
    }

    /// Refreshes every enabled backend whose list is older than `max_age` (or was never read).
    /// Returns how many were refreshed.
    pub async fn refresh_stale(&self, max_age: Duration) -> Result<usize, AppError> {
        let stale = self
            .blocking(move |me| {
                let tried = me.catalogue.catalogues()?;
                let cutoff =
                    crate::clock::now_ms() - i64::try_from(max_age.as_millis()).unwrap_or(i64::MAX);
                Ok(me
                    .backends
                    .list_backends()?
                    .into_iter()
                    .filter(|b| b.enabled)
                    .filter(|b| {
                        !tried
                            .iter()
                            .any(|c| c.backend_id == b.id && c.tried_at_ms > cutoff)
                    })
                    .map(|b| b.id)
                    .collect::<Vec<_>>())
            })
            .await?;
        // One backend's failure (deleted meanwhile, a store error) does not stop the pass.
        for id in &stale {
            if let Err(e) = self.refresh(id.clone()).await {
                tracing::warn!(backend = %id, error = %e, "model list not refreshed");
            }
        }
        Ok(stale.len())
    }

    /// Every enabled backend's listed models as `Backend/model`, for the tools' pickers.
    pub fn choices_in(
        catalogue: &CatalogueTable,
        backends: &BackendsTable,
    ) -> Result<Vec<String>, AppError> {
        let lists = catalogue.catalogues()?;
        let mut out = Vec::new();
        for b in backends.list_backends()?.into_iter().filter(|b| b.enabled) {
            if let Some(list) = lists.iter().find(|c| c.backend_id == b.id) {
                out.extend(
                    list.models
                        .iter()
                        .filter(|m| switchyard_domain::catalogue::chats(&m.id))
                        .map(|m| format!("{}/{}", b.name, m.id)),
                );
            }
        }
        Ok(out)
    }

    /// The daily refresh, under the supervisor (with the monitor: the app and `serve`).
    pub(crate) fn start(&self, tasks: &switchyard_runtime::Supervisor) {
        let this = self.clone();
        tasks.every("model catalogue refresh", LOOK_EVERY, move || {
            let this = this.clone();
            async move {
                if let Err(e) = this.refresh_stale(MAX_AGE).await {
                    tracing::warn!(error = %e, "model lists not refreshed");
                }
            }
        });
    }

    /// The key a backend's list is read with: its first key approved for its host; `Ok(None)`
    /// for a kind that needs none; `Err` (a sentence) when it needs one and has none usable.
    fn key_for(&self, b: &BackendRow) -> Result<Result<Option<Cleared>, String>, AppError> {
        if b.kind == BackendKind::Demo {
            return Ok(Ok(None)); // the built-in server takes no key
        }
        let keys = self.keys.keys_of(&b.id)?;
        let usable = keys
            .iter()
            .find(|k| switchyard_domain::approved_for(&k.hosts, &b.base_url));
        Ok(match usable {
            Some(k) => Ok(Some(crate::egress::stored(&*self.secrets, k, &b.base_url)?)),
            None if !b.kind.spec().needs_key => Ok(None),
            None if keys.is_empty() => Err("add a key to this backend to read its model list".into()),
            None => Err("this backend's keys are not approved for its current address; approve one on the Backends page".into()),
        })
    }
}

/// A cached row as the pickers show it, each model priced with `table`.
fn view(backend: &BackendRow, row: Option<CatalogueRow>, table: &PriceTable) -> ModelList {
    let (models, fetched_at_ms, error) = match row {
        Some(r) => (r.models, r.fetched_at_ms, r.error),
        None => (Vec::new(), None, None),
    };
    ModelList {
        backend_id: backend.id.clone(),
        backend_name: backend.name.clone(),
        kind: backend.kind,
        fetched_at_ms,
        error,
        models: models
            .into_iter()
            .map(|m| model_view(table, backend.kind, m))
            .collect(),
    }
}

fn model_view(table: &PriceTable, kind: BackendKind, m: ListedModel) -> ModelView {
    let (pricing, price_per_mtok) = check::pricing(table, kind, &m.id, m.listed_price.is_some());
    ModelView {
        id: m.id,
        name: m.name,
        context_tokens: m.context_tokens,
        output_tokens: m.output_tokens,
        listed_price: m.listed_price,
        pricing,
        price_per_mtok,
    }
}

impl OffThread for Catalogue {}
