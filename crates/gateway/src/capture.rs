//! The [`Capture`] of a request that went upstream: it holds the cache lease until the answer
//! is complete, then stores it (priced, so a later hit records what it saved). Dropping it —
//! a failed, cut or abandoned request — releases the lease, so concurrent identical requests
//! retry.

use std::sync::Arc;
use switchyard_cache::{CachedAnswer, Lease};
use switchyard_domain::BackendKind;
use switchyard_wire::canonical::{ChatResponse, Part, StopReason, StreamEvent, Usage};
use switchyard_wire::collect::StreamCollector;

/// The stop reason marking a stored answer whose single text part is a provider's raw body.
pub(crate) const RAW: &str = "switchyard-raw-body";

/// Holds the cache lease of a request that went upstream, until its answer is complete.
pub struct Capture {
    lease: Lease,
    route: String,
    /// Kind, backend name and model of the backend that answered.
    served_by: Option<(BackendKind, String, String)>,
    collector: StreamCollector,
    /// Prices the answer, so a later hit records what it saved.
    prices: Arc<switchyard_pricing::PriceTable>,
}

impl Capture {
    /// A capture holding `lease` for `route`, priced with `prices`.
    pub(crate) fn new(
        lease: Lease,
        route: String,
        prices: Arc<switchyard_pricing::PriceTable>,
    ) -> Self {
        Capture {
            lease,
            route,
            served_by: None,
            collector: StreamCollector::new(),
            prices,
        }
    }

    /// Notes which backend answers (known once an attempt succeeded).
    pub fn served_by(mut self, kind: BackendKind, backend: &str, model: &str) -> Self {
        self.served_by = Some((kind, backend.to_string(), model.to_string()));
        self
    }

    /// One decoded event of a streamed answer.
    pub fn feed(&mut self, event: &StreamEvent) {
        self.collector.feed(event);
    }

    /// The stream ended cleanly: store what was collected, if it is a complete answer.
    pub fn finish_stream(self) {
        let Capture {
            lease,
            route,
            served_by,
            collector,
            prices,
        } = self;
        if let Some(resp) = collector.finish() {
            store(lease, route, served_by, resp, &prices);
        }
    }

    /// A buffered answer that parsed: store it.
    pub fn finish_buffered(self, resp: ChatResponse) {
        store(self.lease, self.route, self.served_by, resp, &self.prices);
    }

    /// A provider body kept as it is (an embeddings answer), with its usage for pricing.
    pub fn finish_raw(self, body: &[u8], usage: Usage) {
        let Ok(text) = std::str::from_utf8(body) else {
            return;
        };
        let resp = ChatResponse {
            content: vec![Part::Text(text.to_owned())],
            stop: StopReason::Other(RAW.to_owned()),
            usage,
            ..ChatResponse::default()
        };
        store(self.lease, self.route, self.served_by, resp, &self.prices);
    }
}

fn store(
    lease: Lease,
    route: String,
    served_by: Option<(BackendKind, String, String)>,
    response: ChatResponse,
    prices: &switchyard_pricing::PriceTable,
) {
    let Some((kind, backend, model)) = served_by else {
        return;
    };
    let cost_usd = switchyard_pricing::cost_in(prices, Some(kind), Some(&model), &response.usage);
    let answer = CachedAnswer {
        response,
        stored_at_unix_ms: now_ms(),
        cost_usd,
        route,
        model,
        backend,
    };
    // Memory and waiters are updated at once; the disk write finishes in the background.
    lease.complete_in_background(answer);
}

/// The wall clock in Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
