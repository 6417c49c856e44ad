//! Routes: user-defined model names (`fast`, `cheap`, `best`) that map to candidates (backend +
//! model, with a weight) and a strategy. Saved routes are published to the gateway at once.
//! Also the live gateway state the Routes page shows: each backend's and key's breaker,
//! cool-down, invalid flag, latency and success ratio.

mod check;

use crate::blocking::OffThread;
use crate::changes::RouteMove;
use crate::events::EventSink;
use crate::gateway::{parse_cache, Routing};
use crate::{AppError, DomainEvent};
use check::check;
pub(crate) use check::check_shape;
use switchyard_gateway::{GatewayHandle, RouteCache, RouteCandidate, TrackState};
use switchyard_policy::Strategy;
use switchyard_store::{BackendsTable, RouteRow, RoutesTable, Store};

pub const MAX_CANDIDATES: usize = 20;
pub const MAX_WEIGHT: u32 = 1000;

/// What the route editor submits.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteDraft {
    pub name: String,
    pub strategy: Strategy,
    pub candidates: Vec<RouteCandidate>,
    /// How the response cache treats the route's requests.
    pub cache: RouteCache,
}

/// A saved route as the UI shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Route"))]
pub struct RouteView {
    pub id: String,
    pub name: String,
    pub strategy: Strategy,
    pub candidates: Vec<CandidateView>,
    pub cache: RouteCache,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Candidate"))]
pub struct CandidateView {
    pub backend_id: String,
    /// `None` when the backend was deleted since (the candidate is skipped).
    pub backend_name: Option<String>,
    pub backend_enabled: bool,
    pub model: String,
    pub weight: u32,
}

/// A saved route, and the backends the save sent its requests to that it did not use before.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedRoute {
    pub view: RouteView,
    pub moved: Option<RouteMove>,
}

/// Live state of one backend and its keys, from the gateway's traffic.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendLive {
    pub backend_id: String,
    pub state: TrackState,
    pub keys: Vec<(String, TrackState)>,
}

/// The Routes feature. Cheap to clone.
#[derive(Clone)]
pub struct Routes {
    /// The routes, and the backends their candidates name: all this feature reads or writes.
    routes: RoutesTable,
    backends: BackendsTable,
    routing: Routing,
    gateway: Option<GatewayHandle>,
    events: EventSink,
}

impl Routes {
    /// Needs the store (routes, backend names), the routing publisher (a saved route is served
    /// at once), the gateway's live health (absent without a gateway) and the event sink
    /// (`RoutesChanged`).
    pub(crate) fn new(
        store: Store,
        routing: Routing,
        gateway: Option<GatewayHandle>,
        events: EventSink,
    ) -> Routes {
        Routes {
            routes: store.routes(),
            backends: store.backends(),
            routing,
            gateway,
            events,
        }
    }

    pub async fn list(&self) -> Result<Vec<RouteView>, AppError> {
        self.blocking(|me| {
            let rows = me.routes.list_routes()?;
            rows.into_iter().map(|r| view(&me.backends, r)).collect()
        })
        .await
    }

    /// Creates (`id` = `None`) or replaces a route. Validates everything first; nothing is saved
    /// on error. Also says where the save sends the route's requests that they did not go
    /// before (the change path lists it; a new route is an addition, not a move).
    pub async fn save(
        &self,
        id: Option<String>,
        draft: RouteDraft,
    ) -> Result<SavedRoute, AppError> {
        let saved = self
            .blocking(move |me| {
                let draft = check(me, draft, id.as_deref())?;
                let (id, moved) = match id {
                    Some(id) => {
                        let Some(now) = me.routes.list_routes()?.into_iter().find(|r| r.id == id)
                        else {
                            return Err(AppError::NotFound("Route"));
                        };
                        let moved = new_backends(&view(&me.backends, now)?, &draft, &me.backends)?;
                        (id, moved)
                    }
                    None => (crate::new_id(), None),
                };
                let strategy = to_json(&draft.strategy)?;
                let candidates = to_json(&draft.candidates)?;
                let cache = to_json(&draft.cache)?;
                me.routes
                    .save_route(&id, &draft.name, &strategy, &candidates, &cache)?;
                let row = me.routes.list_routes()?.into_iter().find(|r| r.id == id);
                let view = view(&me.backends, row.ok_or(AppError::NotFound("Route"))?)?;
                Ok(SavedRoute { view, moved })
            })
            .await?;
        self.changed().await;
        Ok(saved)
    }

    pub async fn delete(&self, id: String) -> Result<(), AppError> {
        let deleted = self
            .blocking(move |me| Ok(me.routes.delete_route(&id)?))
            .await?;
        if !deleted {
            return Err(AppError::NotFound("Route"));
        }
        self.changed().await;
        Ok(())
    }

    async fn changed(&self) {
        self.routing.refresh().await;
        self.events.emit(DomainEvent::RoutesChanged);
    }

    /// Breaker, cool-down and latency of every enabled backend and its keys. Backends the gateway
    /// has not used yet show as closed, available, unmeasured.
    pub fn live_health(&self) -> Vec<BackendLive> {
        let Some(g) = &self.gateway else {
            return Vec::new();
        };
        let seen = g.health().snapshot(g.now());
        let state = |id: &str| {
            seen.iter()
                .find(|t| t.id == id)
                .cloned()
                .unwrap_or_else(|| TrackState::untouched(id))
        };
        self.routing
            .current()
            .targets
            .iter()
            .map(|t| BackendLive {
                backend_id: t.id.clone(),
                state: state(&t.id),
                keys: t
                    .keys
                    .iter()
                    .map(|k| (k.id.clone(), state(&k.id)))
                    .collect(),
            })
            .collect()
    }
}

/// The backends `draft` sends requests to that the route `now` does not use.
fn new_backends(
    now: &RouteView,
    draft: &RouteDraft,
    backends: &BackendsTable,
) -> Result<Option<RouteMove>, AppError> {
    let all = backends.list_backends()?;
    let used: Vec<&str> = now
        .candidates
        .iter()
        .filter_map(|c| c.backend_name.as_deref())
        .collect();
    let next = draft.candidates.iter().filter_map(|c| {
        all.iter()
            .find(|b| b.id == c.backend_id)
            .map(|b| b.name.as_str())
    });
    Ok(RouteMove::between(&now.name, &used, next))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, AppError> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

fn view(backends: &BackendsTable, row: RouteRow) -> Result<RouteView, AppError> {
    let backends = backends.list_backends()?;
    let strategy: Strategy = serde_json::from_str(&row.strategy).unwrap_or_default();
    let candidates: Vec<RouteCandidate> = serde_json::from_str(&row.candidates).unwrap_or_default();
    Ok(RouteView {
        id: row.id,
        name: row.name,
        strategy,
        candidates: candidates
            .into_iter()
            .map(|c| {
                let b = backends.iter().find(|b| b.id == c.backend_id);
                CandidateView {
                    backend_name: b.map(|b| b.name.clone()),
                    backend_enabled: b.is_some_and(|b| b.enabled),
                    backend_id: c.backend_id,
                    model: c.model,
                    weight: c.weight,
                }
            })
            .collect(),
        cache: parse_cache(&row.cache),
        updated_at: row.updated_at,
    })
}

impl crate::blocking::OffThread for Routes {}
