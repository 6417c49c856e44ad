//! The real prober: the zero-cost probe of `probe.rs` against a backend (with one of its keys),
//! looked up fresh for every probe so edits apply at once.

use crate::service::Inner;
use std::sync::{Arc, Weak};
use switchyard_core::BackendKind;
use switchyard_gateway::KeySource;
use switchyard_monitor::{BoxFuture, Outcome, ProbeReport, Prober, TargetId};

pub struct AppProber(pub Weak<Inner>);

fn report(outcome: Outcome, message: impl Into<String>) -> ProbeReport {
    ProbeReport {
        outcome,
        latency_ms: None,
        http_status: None,
        message: message.into(),
    }
}

impl Prober for AppProber {
    fn probe(&self, target: &TargetId) -> BoxFuture<ProbeReport> {
        let inner = self.0.clone();
        let target = target.clone();
        Box::pin(async move {
            let Some(inner) = inner.upgrade() else {
                return report(Outcome::Unreachable, "Switchyard is shutting down");
            };
            let lookup = {
                let inner = Arc::clone(&inner);
                let id = target.backend_id.clone();
                tokio::task::spawn_blocking(move || inner.store.get_backend(&id)).await
            };
            let Ok(Ok(Some(backend))) = lookup else {
                return report(Outcome::Unreachable, "backend not found");
            };
            let secret = match &target.key_id {
                Some(key_id) => match inner.key_cache.cached(key_id) {
                    Some(k) => Some(k),
                    None => {
                        let cache = Arc::clone(&inner.key_cache);
                        let id = key_id.clone();
                        match tokio::task::spawn_blocking(move || cache.load(&id)).await {
                            Ok(Ok(k)) => Some(k),
                            _ => {
                                return report(
                                    Outcome::Invalid,
                                    "the key could not be read from the keychain",
                                )
                            }
                        }
                    }
                },
                None => None,
            };
            let base = match backend.kind {
                BackendKind::Demo => format!("{}/v1", inner.demo.base_url()),
                _ => backend.base_url.clone(),
            };
            // The scheduler applies its own timeout; this one only bounds the HTTP call.
            let r = if backend.monitor.deep_probe {
                crate::probe::deep_probe(
                    &inner.http,
                    backend.kind,
                    &base,
                    secret.as_ref(),
                    &backend.default_model,
                    inner.probe_timeout,
                )
                .await
            } else {
                crate::probe::probe(
                    &inner.http,
                    backend.kind,
                    &base,
                    secret.as_ref(),
                    inner.probe_timeout,
                )
                .await
            };
            ProbeReport {
                outcome: r.outcome.into(),
                latency_ms: r.latency_ms,
                http_status: r.http_status,
                message: r.message,
            }
        })
    }
}
