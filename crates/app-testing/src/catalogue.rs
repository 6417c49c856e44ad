//! Model lists and routes to choose from: a mock listing given models (with listed prices), a
//! backend added over it, a route saved over given candidates.

use crate::{draft, key, Harness};
use switchyard_app::{RouteCandidate, RouteDraft, Strategy};
use switchyard_domain::BackendKind;
use switchyard_mock::{MockConfig, MockServer};

/// A mock that lists `models`, with `prices` (model, input, output per million) listed.
pub async fn mock(models: &[&str], prices: &[(&str, f64, f64)]) -> MockServer {
    let mut cfg = MockConfig::instant();
    cfg.models = models.iter().map(|m| (*m).to_string()).collect();
    cfg.listed_prices = prices
        .iter()
        .map(|(m, i, o)| ((*m).to_string(), *i, *o))
        .collect();
    MockServer::start(cfg).await.unwrap()
}

/// Adds a backend of `kind` at `base` (with key "main" when `k` is given); its id.
pub async fn add(
    h: &Harness,
    kind: BackendKind,
    name: &str,
    base: &str,
    k: Option<&str>,
) -> String {
    h.add(draft(kind, name, base), k.map(|v| key("main", v)))
        .await
        .row
        .id
}

/// Saves route `name` with `strategy` over `candidates`; it must be accepted.
pub async fn save_route(
    h: &Harness,
    name: &str,
    strategy: Strategy,
    candidates: Vec<RouteCandidate>,
) {
    let route = RouteDraft {
        name: name.into(),
        strategy,
        candidates,
        cache: Default::default(),
    };
    h.app.routes().save(None, route).await.unwrap();
}

/// A route candidate of weight 1.
pub fn cand(backend_id: &str, model: &str) -> RouteCandidate {
    RouteCandidate {
        backend_id: backend_id.into(),
        model: model.into(),
        weight: 1,
    }
}
