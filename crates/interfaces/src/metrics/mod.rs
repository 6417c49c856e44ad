//! Prometheus / OpenMetrics metrics at `GET /metrics` on the gateway: counters fed by every
//! finished request on its way to the ledger (so they match the ledger exactly), and gauges read
//! when scraped (breakers, backend health and uptime, requests in flight, the ledger's queue).
//! Labels are backend, model, route and tool, each bounded ([`labels::Bounded`]): past the bound
//! a value is counted as `other`, and each value is cut to a bounded length with its control
//! characters replaced ([`labels::clean`]). The route is served behind the gateway's guard: a
//! gateway or scrape token is needed unless the user opened it to this machine.
//!
//! Cost on the request path: a few hash lookups under read locks, no allocation for known label
//! sets beyond the label strings.

/// Registers metrics under their names and help texts, one `name, help[, unit] => metric;` each
/// (a unit adds its suffix, as OpenMetrics asks).
macro_rules! register {
    ($r:expr, $($name:literal, $help:literal $(, $unit:expr)? => $metric:expr;)*) => {
        $(register!(@one $r, $name, $help $(, $unit)?, $metric.clone());)*
    };
    (@one $r:expr, $name:literal, $help:literal, $metric:expr) => {
        $r.register($name, $help, $metric)
    };
    (@one $r:expr, $name:literal, $help:literal, $unit:expr, $metric:expr) => {
        $r.register_with_unit($name, $help, $unit, $metric)
    };
}

mod books;
mod http;
mod labels;
mod limits;
mod team;
mod text;

pub(crate) use http::router;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use std::sync::atomic::AtomicU64;
use std::sync::OnceLock;
use switchyard_app::{Switchyard, WeakSwitchyard};
use switchyard_domain::RequestRecord;

/// Distinct models counted by name; the rest are `other`.
pub const MAX_MODELS: usize = 100;
/// Distinct backends, routes and tools counted by name each.
pub const MAX_NAMES: usize = 200;

type FloatCounter = Counter<f64, AtomicU64>;
type FloatGauge = Gauge<f64, AtomicU64>;

/// A label value: shared, so a label set is made per request without copying its strings.
type Label = labels::Interned;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    backend: Label,
    model: Label,
    route: Label,
    tool: Label,
    /// `2xx`, `4xx`, `5xx`.
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    backend: Label,
    class: Label,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BackendLabel {
    backend: Label,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ModelLabels {
    backend: Label,
    model: Label,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    backend: Label,
    model: Label,
    /// `input`, `output`, `cache_read`, `cache_write`.
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    /// `hit`, `shared`, `miss`, `refresh`, `bypass`, `skip`.
    result: Label,
}

/// The metrics. Cheap to share behind an `Arc`.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    errors: Family<ErrorLabels, Counter>,
    duration: Family<BackendLabel, Histogram, fn() -> Histogram>,
    tokens: Family<TokenLabels, Counter>,
    cost: Family<ModelLabels, FloatCounter>,
    cache: Family<CacheLabels, Counter>,
    cache_saved: FloatCounter,
    breaker: Family<BackendLabel, Gauge>,
    up: Family<BackendLabel, Gauge>,
    uptime: Family<BackendLabel, FloatGauge>,
    in_flight: Gauge,
    ledger_queue: Gauge,
    ledger_lost: Gauge,
    models: labels::Bounded,
    names: labels::Bounded,
    limits: limits::Limits,
    team: team::TeamGauges,
    books: books::BooksGauges,
    /// The providers' books, made at the first scrape.
    reconcile: OnceLock<switchyard_reconcile::Reconcile>,
    /// The core the scrape reads the gauges from (not kept alive by the metrics).
    core: OnceLock<WeakSwitchyard>,
}

fn duration_histogram() -> Histogram {
    // 5 ms to about 82 s.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.005, 2.0, 15,
    ))
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut m = Metrics {
            registry: Registry::with_prefix("switchyard"),
            requests: Family::default(),
            errors: Family::default(),
            duration: Family::new_with_constructor(duration_histogram),
            tokens: Family::default(),
            cost: Family::default(),
            cache: Family::default(),
            cache_saved: FloatCounter::default(),
            breaker: Family::default(),
            up: Family::default(),
            uptime: Family::default(),
            in_flight: Gauge::default(),
            ledger_queue: Gauge::default(),
            ledger_lost: Gauge::default(),
            models: labels::Bounded::new(MAX_MODELS),
            names: labels::Bounded::new(MAX_NAMES),
            limits: limits::Limits::default(),
            team: team::TeamGauges::default(),
            books: books::BooksGauges::default(),
            reconcile: OnceLock::new(),
            core: OnceLock::new(),
        };
        let r = &mut m.registry;
        m.limits.register(r);
        m.team.register(r);
        m.books.register(r);
        let usd = || Unit::Other("usd".into());
        register!(r,
            "requests", "Requests answered by the gateway" => m.requests;
            "errors", "Requests that failed, by error class" => m.errors;
            "request_duration", "Time from a request's arrival to its last byte", Unit::Seconds => m.duration;
            "tokens", "Tokens used, by kind" => m.tokens;
            "cost", "Cost of the requests at the price table in force", usd() => m.cost;
            "cache_lookups", "Requests by how they met the response cache" => m.cache;
            "cache_saved", "What answers from the cache would have cost", usd() => m.cache_saved;
            "breaker_state", "Circuit breaker of each backend: 0 closed, 1 half-open, 2 open" => m.breaker;
            "backend_up", "1 when the health monitor sees the backend healthy or degraded, 0 when down (absent before its first probe)" => m.up;
            "backend_uptime_ratio", "Share of the last 24 h of probes that succeeded" => m.uptime;
            "in_flight_requests", "Requests admitted and not yet finished" => m.in_flight;
            "ledger_queue_depth", "Finished requests waiting to be written" => m.ledger_queue;
            "ledger_lost_requests", "Requests that could not be written to the ledger" => m.ledger_lost;
        );
        m
    }

    /// Connects the core the gauges are read from (once; later calls are ignored).
    pub(crate) fn attach(&self, core: WeakSwitchyard) {
        let _ = self.core.set(core);
    }

    /// Counts one finished request (called with every record on its way to the ledger).
    pub fn observe(&self, r: &RequestRecord) {
        let backend = self.names.label(r.backend.as_deref().unwrap_or("none"));
        let model = self
            .models
            .label(r.model.as_deref().unwrap_or(r.requested_model.as_str()));
        let status = match r.status {
            200..=299 => "2xx",
            400..=499 => "4xx",
            500..=599 => "5xx",
            _ => "other",
        };
        self.requests
            .get_or_create(&RequestLabels {
                backend: backend.clone(),
                model: model.clone(),
                route: self.names.label(r.route.as_deref().unwrap_or("none")),
                tool: self.names.label(r.token_name.as_deref().unwrap_or("none")),
                status,
            })
            .inc();
        if let Some(class) = &r.error_class {
            self.errors
                .get_or_create(&ErrorLabels {
                    backend: backend.clone(),
                    class: self.names.label(class.as_str()),
                })
                .inc();
        }
        self.duration
            .get_or_create(&BackendLabel {
                backend: backend.clone(),
            })
            .observe(f64::from(r.latency_ms) / 1000.0);
        for (kind, n) in [
            ("input", r.input_tokens),
            ("output", r.output_tokens),
            ("cache_read", r.cache_read_tokens),
            ("cache_write", r.cache_write_tokens),
        ] {
            if n > 0 {
                self.tokens
                    .get_or_create(&TokenLabels {
                        backend: backend.clone(),
                        model: model.clone(),
                        kind,
                    })
                    .inc_by(n);
            }
        }
        if let Some(usd) = r.cost_usd.filter(|c| *c > 0.0) {
            self.cost
                .get_or_create(&ModelLabels { backend, model })
                .inc_by(usd);
        }
        if let Some(result) = &r.cache {
            self.cache
                .get_or_create(&CacheLabels {
                    result: self.names.label(result),
                })
                .inc();
        }
        if let Some(saved) = r.saved_usd.filter(|s| *s > 0.0) {
            self.cache_saved.inc_by(saved);
        }
    }

    /// Reads the gauges from their sources and encodes everything as OpenMetrics text.
    pub(crate) async fn scrape(&self) -> String {
        if let Some(app) = self.core.get().and_then(WeakSwitchyard::upgrade) {
            self.read_gauges(&app).await;
        }
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::warn!(error = %e, "metrics could not be encoded");
        }
        out
    }

    async fn read_gauges(&self, app: &Switchyard) {
        self.in_flight.set(app.gateway_control().in_flight());
        let (depth, lost) = app.ledger_queue();
        self.ledger_queue
            .set(i64::try_from(depth).unwrap_or(i64::MAX));
        self.ledger_lost
            .set(i64::try_from(lost).unwrap_or(i64::MAX));
        self.team
            .read(app.team().map(|t| t.state()).as_ref(), &self.names);
        let live = app.routes().live_health();
        let windows = app.usage().windows().await.unwrap_or_default();
        let backends = app.health().overview().await;
        let names = backends.as_deref().unwrap_or_default();
        self.limits.read(&windows, names, &live, &self.names);
        self.read_books(app).await;
        // Without the monitor's view the backends' gauges keep their last values.
        let Ok(backends) = backends else {
            return;
        };
        self.breaker.clear();
        self.up.clear();
        self.uptime.clear();
        for b in backends {
            let label = BackendLabel {
                backend: self.names.label(&b.name),
            };
            let breaker = live
                .iter()
                .find(|l| l.backend_id == b.backend_id)
                .map_or(0, |l| match l.state.breaker {
                    switchyard_domain::Circuit::Closed => 0,
                    switchyard_domain::Circuit::HalfOpen => 1,
                    switchyard_domain::Circuit::Open => 2,
                });
            self.breaker.get_or_create(&label).set(breaker);
            // No probe yet: no claim either way.
            if b.status != switchyard_app::HealthStatus::Unknown {
                let up = matches!(
                    b.status,
                    switchyard_app::HealthStatus::Healthy | switchyard_app::HealthStatus::Degraded
                );
                self.up.get_or_create(&label).set(i64::from(up));
            }
            if let Some(pct) = b.uptime_24h {
                self.uptime.get_or_create(&label).set(pct / 100.0);
            }
        }
    }
}

impl Metrics {
    /// The providers' books for yesterday and today, as last read (no network).
    async fn read_books(&self, app: &Switchyard) {
        let books = match self.reconcile.get() {
            Some(b) => b,
            None => match switchyard_reconcile::Reconcile::new(app) {
                Ok(b) => self.reconcile.get_or_init(|| b),
                Err(e) => return tracing::warn!(error = %e, "no books on /metrics"),
            },
        };
        let now = time::OffsetDateTime::now_utc();
        match books
            .report(switchyard_reconcile::Span::last_days(2, now))
            .await
        {
            Ok(report) => {
                let now_ms = now.unix_timestamp() * 1000;
                self.books.read(&report, &self.names, now_ms);
            }
            Err(e) => {
                tracing::warn!(error = %e, "the providers' books could not be read for /metrics")
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests;

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod escaping_tests;
