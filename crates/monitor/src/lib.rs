//! Switchyard's health monitor engine, without Tauri and without network or disk I/O.
//!
//! * [`scheduler`] probes every enabled backend and key on its own jittered interval through an
//!   injected [`Prober`] (the app's zero-cost model-list probe), with timeouts, warm-up, live
//!   target changes, on-demand refreshes, a TTL cache and graceful shutdown.
//! * [`state`] merges probe samples and passive gateway [`Signal`]s into a per-backend
//!   [`Status`] with human reasons, reporting a [`Transition`] only on change.
//! * [`alerts`] turns the same signals into alerts that open, deduplicate, hold down through a
//!   cooldown, resolve, and stay silent in quiet hours; new kinds plug in as [`Condition`]s.
//! * [`stats`] computes uptime, error rate, HDR latency percentiles, minute/hour rollups that
//!   merge exactly, and SLA breaches.
//!
//! Invariants for the whole crate: the only I/O is tokio timers in the scheduler; wall-clock
//! time is injected (a clock function for the scheduler, `at_unix_ms`/[`Moment`] everywhere
//! else), so every behaviour is reproducible under `#[tokio::test(start_paused = true)]` or with
//! plain numbers; randomness is a seeded SplitMix64.

pub mod alerts;
mod fmt;
pub mod sample;
pub mod scheduler;
pub mod signal;
pub mod state;
pub mod stats;

pub use alerts::{
    Aggregation, Alert, AlertConfig, AlertEngine, AlertError, AlertEvent, AlertEventKind,
    AlertRule, Compare, Condition, Firing, MetricRule, Moment, QuietHours, RuleKind, RuleText,
    Source, ThresholdText, BALANCE_METRIC, BUDGET_METRIC, CACHE_HIT_METRIC, LIMIT_METRIC,
    TEAM_REDIS_METRIC, UNROUTED_METRIC,
};
pub use sample::{
    Outcome, ProbeReport, ProbeSample, ProbeTarget, TargetId, DEFAULT_INTERVAL, DEFAULT_TIMEOUT,
};
pub use scheduler::{BoxFuture, Prober, Scheduler, SchedulerConfig, SchedulerError, WallClock};
pub use signal::{BreakerSignal, MetricPoint, Passive, RequestOutcome, Signal};
pub use state::{BackendHealth, HealthBoard, Snapshot, StateConfig, Status, Transition};
pub use stats::{
    nearest_rank, rollup, rollup_samples, summarize, Aggregate, Bucket, Percentiles, Rollup,
    SlaReport, SlaTarget, SlaTargets, StatsError, Uptime,
};

#[cfg(test)]
#[path = "test_support.rs"]
mod test_support;
