//! Routes: user-defined model names (`fast`, `cheap`, `best`) that map to candidates (backend +
//! model, with a weight) and a strategy. Saved routes are published to the gateway at once.
//! Also the live gateway state the Routes page shows: each backend's and key's breaker,
//! cool-down, invalid flag, latency and success ratio.

use crate::blocking::OffThread;
use crate::changes::RouteMove;
use crate::events::EventSink;
use crate::gateway::{parse_cache, Routing};
use crate::{AppError, DomainEvent};
use std::collections::HashSet;
use switchyard_core::{looks_like_key, Field, IssueCode};
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

/// Route names become model names in every tool: short, no spaces, no `/` (that means
/// `backend/model`), not a key, unique.
fn check(me: &Routes, mut d: RouteDraft, editing: Option<&str>) -> Result<RouteDraft, AppError> {
    check_shape(&mut d)?;
    let taken = me
        .routes
        .list_routes()?
        .into_iter()
        .any(|r| r.name.eq_ignore_ascii_case(&d.name) && Some(r.id.as_str()) != editing);
    if taken {
        return Err(AppError::field(
            Field::Name,
            IssueCode::Duplicate,
            format!("A route named “{}” already exists.", d.name),
        ));
    }
    let backends = me.backends.list_backends()?;
    let mut seen = HashSet::new();
    for (i, c) in d.candidates.iter_mut().enumerate() {
        let n = i + 1;
        let Some(b) = backends.iter().find(|b| b.id == c.backend_id) else {
            return Err(AppError::field_at(
                Field::Candidate,
                i,
                IssueCode::Missing,
                format!("Candidate {n}: that backend no longer exists."),
            ));
        };
        if c.model.is_empty() {
            c.model = b.default_model.clone();
        }
        if !seen.insert((c.backend_id.clone(), c.model.clone())) {
            return Err(AppError::field_at(
                Field::Candidate,
                i,
                IssueCode::Duplicate,
                format!(
                    "Candidate {n}: {} with {} is already in the list.",
                    b.name, c.model
                ),
            ));
        }
    }
    Ok(d)
}

/// Everything about a route that needs no other data: its name, how many candidates, each
/// candidate's model and weight, the strategy's weights and the cache lifetime. Trims the name
/// and models. Also what a configuration import checks before it writes anything.
pub(crate) fn check_shape(d: &mut RouteDraft) -> Result<(), AppError> {
    use IssueCode::{Format, LooksLikeKey, OutOfRange, Required, TooLong};
    let bad = |f: Field, c: IssueCode, m: &str| Err(AppError::field(f, c, m));
    d.name = d.name.trim().to_string();
    if d.name.is_empty() {
        return bad(
            Field::Name,
            Required,
            "Give the route a name, e.g. “fast”: tools ask for it as their model.",
        );
    }
    if looks_like_key(&d.name, true) {
        return bad(
            Field::Name,
            LooksLikeKey,
            "That looks like an API key, not a route name. Keys belong on the Backends page.",
        );
    }
    if d.name.chars().count() > 64 {
        return bad(
            Field::Name,
            TooLong,
            "A route name can be at most 64 characters.",
        );
    }
    if !d
        .name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
    {
        return bad(
            Field::Name,
            Format,
            "A route name may use letters, digits, “-”, “_”, “.” and “:” (no spaces or “/”).",
        );
    }
    if d.candidates.is_empty() {
        return bad(
            Field::Candidate,
            Required,
            "Add at least one candidate: a backend and the model to ask it for.",
        );
    }
    if d.candidates.len() > MAX_CANDIDATES {
        return bad(
            Field::Candidate,
            OutOfRange,
            "A route can have at most 20 candidates.",
        );
    }
    for (i, c) in d.candidates.iter_mut().enumerate() {
        let n = i + 1;
        c.model = c.model.trim().to_string();
        let at = |f: Field, c: IssueCode, m: String| Err(AppError::field_at(f, i, c, m));
        if looks_like_key(&c.model, false) {
            return at(
                Field::Candidate,
                LooksLikeKey,
                format!("Candidate {n}: the model looks like an API key."),
            );
        }
        if c.model.chars().count() > 200 {
            return at(
                Field::Candidate,
                TooLong,
                format!("Candidate {n}: the model name is too long."),
            );
        }
        if c.weight > MAX_WEIGHT {
            return at(
                Field::Weight,
                OutOfRange,
                format!("Candidate {n}: a weight can be at most {MAX_WEIGHT}."),
            );
        }
    }
    if matches!(d.strategy, Strategy::Weighted) && d.candidates.iter().all(|c| c.weight == 0) {
        return bad(
            Field::Weight,
            OutOfRange,
            "With the weighted strategy, at least one candidate needs a weight above 0.",
        );
    }
    if let Some(ttl) = d.cache.ttl_secs {
        if !(1..=crate::cache::MAX_TTL_SECS).contains(&ttl) {
            return bad(
                Field::CacheTtl,
                OutOfRange,
                "The route's cache lifetime must be between 1 second and 30 days.",
            );
        }
    }
    if let Strategy::Composite(w) = d.strategy {
        let parts = [w.cost, w.latency, w.availability];
        if parts
            .iter()
            .any(|x| !x.is_finite() || *x < 0.0 || *x > 100.0)
        {
            return bad(
                Field::Strategy,
                OutOfRange,
                "Composite weights must be numbers from 0 to 100.",
            );
        }
        if parts.iter().sum::<f64>() <= 0.0 {
            return bad(
                Field::Strategy,
                OutOfRange,
                "At least one composite weight must be above 0.",
            );
        }
    }
    Ok(())
}

impl crate::blocking::OffThread for Routes {}
