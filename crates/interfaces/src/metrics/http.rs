//! `GET /metrics`: OpenMetrics when the scraper asks for it (Prometheus does), the Prometheus
//! text format otherwise (`curl`, `promtool`). Served on the gateway's address behind its guard;
//! the authorization table decides who reads it where (on a team replica it shows every person's
//! spend, so a tool's token is refused there). Without a token only when the user opened it to
//! this machine (the guard let the request through without a caller).

use super::text::{to_prometheus, wants_openmetrics, OPENMETRICS, PROMETHEUS};
use super::Metrics;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use std::sync::Arc;
use switchyard_domain::authz::{self, Entry, Place};
use switchyard_gateway::Caller;

/// The `/metrics` route at `place`, for [`switchyard_gateway::Deps::extra_routes`].
pub(crate) fn router(metrics: Arc<Metrics>, place: Place) -> Router {
    Router::new()
        .route(
            switchyard_domain::token_scope::METRICS_PATH,
            get(
                move |State(metrics): State<Arc<Metrics>>,
                      caller: Option<Extension<Caller>>,
                      headers: HeaderMap| async move {
                    let scope = caller.map(|Extension(c)| c.scope);
                    if scope.is_some_and(|s| !authz::verdict(Entry::Metrics, place, s).is_allowed())
                    {
                        return (
                            StatusCode::FORBIDDEN,
                            "A tool's token cannot read a team replica's /metrics (every person's spend): use a scrape token.\n",
                        )
                            .into_response();
                    }
                    scrape(metrics, &headers).await
                },
            ),
        )
        .with_state(metrics)
}

async fn scrape(metrics: Arc<Metrics>, headers: &HeaderMap) -> Response {
    let body = metrics.scrape().await;
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    if wants_openmetrics(accept) {
        ([(header::CONTENT_TYPE, OPENMETRICS)], body).into_response()
    } else {
        ([(header::CONTENT_TYPE, PROMETHEUS)], to_prometheus(&body)).into_response()
    }
}
