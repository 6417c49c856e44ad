//! `GET /metrics`: OpenMetrics when the scraper asks for it (Prometheus does), the Prometheus
//! text format otherwise (`curl`, `promtool`). Served on the gateway's address behind its guard.

use super::text::{to_prometheus, wants_openmetrics, OPENMETRICS, PROMETHEUS};
use super::Metrics;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// The `/metrics` route, for [`switchyard_gateway::Deps::extra_routes`].
pub fn router(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(metrics)
}

async fn scrape(State(metrics): State<Arc<Metrics>>, headers: HeaderMap) -> Response {
    let body = metrics.scrape().await;
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    if wants_openmetrics(accept) {
        ([(header::CONTENT_TYPE, OPENMETRICS)], body).into_response()
    } else {
        ([(header::CONTENT_TYPE, PROMETHEUS)], to_prometheus(&body)).into_response()
    }
}
