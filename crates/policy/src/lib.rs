//! Switchyard's routing and resilience policies: how long to back off, how long a provider asked
//! us to wait, whether a retry is affordable, whether a backend's circuit is open, and in which
//! order to try candidate backends.
//!
//! Invariants for every module: pure logic, no I/O, no async, no clock reads and no hidden
//! randomness. Time always arrives as an argument (`Instant`, or `SystemTime` where HTTP dates
//! need wall-clock time) and randomness arrives as draws in `[0, 1)` (a single `f64`, or a
//! `&mut dyn FnMut() -> f64` when several are needed), so every decision is reproducible in
//! tests. Memory is bounded: windows are fixed rings of buckets.

pub mod backoff;
pub mod breaker;
pub mod budget;
pub mod ewma;
pub mod headroom;
pub mod parse;
pub mod rng;
mod serde_ms;
pub mod strategy;
mod window;

pub use backoff::{retry_after, Backoff, MAX_RETRY_AFTER};
pub use breaker::{
    Breaker, BreakerConfig, BreakerState, Permit, Rejected, Transition, TransitionReason,
    HALF_OPEN_RETRY_HINT,
};
pub use budget::{RetryBudget, RetryBudgetConfig};
pub use ewma::Ewma;
pub use headroom::{is_rate_limit_header, Headroom, PlanWindow, Quota};
pub use parse::{parse_go_duration, parse_http_date, parse_rfc3339};
pub use rng::SplitMix64;
pub use strategy::{order, CandidateStats, Choice, CompositeWeights, Strategy, DRAINED};
