//! The circuit-breaker drill: for every enabled backend, on a shadow whose gateway runs on a
//! manual clock, its provider starts answering 500 — the breaker must open after the configured
//! number of consecutive failures, requests must skip the backend while it is open, the open
//! period (stepped over on the clock, not waited out) must lead to half-open, and the configured
//! number of successful trials must close it. The observed state sequence, with its times on
//! the gateway's clock, is compared with the expected one.

use super::criteria::{measurement as m, Findings};
use super::shadow::Shadow;
use super::Plan;
use std::sync::Arc;
use std::time::Instant;
use switchyard_app::AppError;
use switchyard_app::BackendView;
use switchyard_domain::Circuit;
use switchyard_gateway::{Clock, ManualClock};
use switchyard_mock::{Fault, MockConfig};
use switchyard_report::Case;

/// At most this many backends are drilled (the first ones, in the user's order).
const MAX_BACKENDS: usize = 8;

/// At most this many failing requests are sent to open a breaker: a breaker that needs more
/// lets a dead provider waste that many requests (and their retries and time) before it is
/// skipped, which the drill reports as a failure.
const MAX_FAILING_REQUESTS: u32 = 40;

fn word(c: Circuit) -> &'static str {
    match c {
        Circuit::Closed => "closed",
        Circuit::Open => "open",
        Circuit::HalfOpen => "half-open",
    }
}

/// How a state reads on a timeline.
fn tone(c: Circuit) -> &'static str {
    match c {
        Circuit::Closed => "ok",
        Circuit::Open => "bad",
        Circuit::HalfOpen => "warn",
    }
}

/// One backend's drill on its own shadow.
struct Observed {
    /// (ms on the gateway clock since the start, state) at each change.
    sequence: Vec<(u64, Circuit)>,
    /// Failed upstream attempts when the breaker opened.
    opened_after: Option<u64>,
    /// Upstream attempts made while it was open (should be 0).
    attempts_while_open: u64,
    /// Successful trials that closed it.
    closed_after: Option<u32>,
}

async fn observe(
    plan: &Plan,
    backend: &BackendView,
    breaker: &switchyard_policy::BreakerConfig,
    to_open: u32,
) -> Result<Observed, AppError> {
    let clock = Arc::new(ManualClock::default());
    let shared: Arc<dyn Clock> = clock.clone();
    let shadow = Shadow::build(plan, MockConfig::instant(), Some(shared)).await?;
    let Some(target) = shadow.backends.get(&backend.row.id) else {
        shadow.stop().await;
        return Err(AppError::Internal("the shadow lost a backend".into()));
    };
    let model = format!("{}/{}", backend.row.name, backend.row.default_model);
    let ask = || async { shadow.ask(&model).await.is_some() };
    let state = || shadow.breaker(&target.id);
    let t0: Instant = clock.now();
    let mut seen = Observed {
        sequence: vec![(0, Circuit::Closed)],
        opened_after: None,
        attempts_while_open: 0,
        closed_after: None,
    };
    let note = |seen: &mut Observed, s: Circuit| {
        if seen.sequence.last().map(|(_, last)| *last) != Some(s) {
            let ms = u64::try_from(clock.now().duration_since(t0).as_millis()).unwrap_or(u64::MAX);
            seen.sequence.push((ms, s));
        }
    };
    target.mock.set_steady_fault(Some(Fault::Status(500)));
    for _ in 0..to_open.saturating_mul(3).clamp(3, MAX_FAILING_REQUESTS) {
        ask().await;
        let s = state();
        note(&mut seen, s);
        if s == Circuit::Open {
            seen.opened_after = Some(target.mock.faults_used());
            break;
        }
    }
    if seen.opened_after.is_some() {
        let before = target.mock.faults_used();
        for _ in 0..3 {
            ask().await;
        }
        seen.attempts_while_open = target.mock.faults_used() - before;
        target.mock.set_steady_fault(None);
        clock.advance(breaker.open_for);
        note(&mut seen, state());
        for trial in 1..=breaker.close_after.saturating_mul(3).max(3) {
            let ok = ask().await;
            let s = state();
            note(&mut seen, s);
            if ok && s == Circuit::Closed {
                seen.closed_after = Some(trial);
                break;
            }
        }
    }
    shadow.stop().await;
    Ok(seen)
}

/// The drill's cases and measurements for every enabled backend.
pub(crate) async fn run(plan: &Plan) -> Result<Findings, AppError> {
    let mut config = switchyard_gateway::GatewayConfig::default();
    plan.resilience.apply(&mut config);
    let breaker = config.breaker;
    let to_open = switchyard_app::Resilience::failures_to_open(&config);
    let expected = "closed → open → half-open → closed";
    let mut found = Findings::default();
    let (cases, measurements) = (&mut found.cases, &mut found.measurements);
    for b in plan
        .backends
        .iter()
        .filter(|b| b.row.enabled)
        .take(MAX_BACKENDS)
    {
        let seen = observe(plan, b, &breaker, to_open).await?;
        let name = &b.row.name;
        let timeline: Vec<String> = seen
            .sequence
            .iter()
            .map(|(ms, s)| format!("{} at {:.1} s", word(*s), *ms as f64 / 1000.0))
            .collect();
        let got: Vec<&str> = seen.sequence.iter().map(|(_, s)| word(*s)).collect();
        let last = seen.sequence.last().map_or(0, |(ms, _)| *ms);
        let events: Vec<(u64, &str, &str)> = seen
            .sequence
            .iter()
            .map(|(ms, s)| (*ms, word(*s), tone(*s)))
            .collect();
        found.timelines.push(super::criteria::timeline(
            &format!("{name}: breaker"),
            last + (last / 20).max(500),
            &events,
        ));
        let opened = seen.opened_after == Some(u64::from(to_open));
        let too_high = to_open > MAX_FAILING_REQUESTS;
        cases.push(super::criteria::critical(
            &format!("{}:open", b.row.id),
            &format!(
                "{name}: opens after {to_open} failures"
            ),
            opened,
            match seen.opened_after {
                Some(n) => format!("Opened after {n} failed attempts."),
                None if too_high => format!(
                    "Never opened in {MAX_FAILING_REQUESTS} failing requests: with a threshold of {to_open} failures and the failure-rate rule off, a dead provider is sent {to_open} failed requests before it is skipped."
                ),
                None => "Never opened while every attempt failed.".into(),
            },
            if too_high { TOO_HIGH } else { FIX },
        ));
        let fix = if too_high { TOO_HIGH } else { FIX };
        cases.push(case(
            fix,
            &format!("{}:skip", b.row.id),
            &format!("{name}: skipped while open"),
            seen.opened_after.is_some() && seen.attempts_while_open == 0,
            format!(
                "{} attempts reached the provider during 3 requests while open.",
                seen.attempts_while_open
            ),
        ));
        let closed = seen.closed_after == Some(breaker.close_after);
        cases.push(case(
            fix,
            &format!("{}:close", b.row.id),
            &format!(
                "{name}: half-open after {} s, closed after {} good trials",
                breaker.open_for.as_secs(),
                breaker.close_after
            ),
            closed && got.join(" → ") == expected,
            format!("Observed {}; expected {expected}.", timeline.join(", ")),
        ));
        if let Some(n) = seen.opened_after {
            measurements.push(m(
                &format!("{name} failures to open"),
                n as f64,
                "attempts",
                Some(&to_open.to_string()),
            ));
        }
        if let Some(n) = seen.closed_after {
            measurements.push(m(
                &format!("{name} trials to close"),
                f64::from(n),
                "requests",
                Some(&breaker.close_after.to_string()),
            ));
        }
    }
    if cases.is_empty() {
        cases.push(super::criteria::info(
            "backends",
            "Backends to drill",
            "No enabled backend.",
        ));
    }
    Ok(found)
}

const TOO_HIGH: &str =
    "Lower “Failures to open a breaker” in Gateway → Resilience (3 to 10 is usual).";

const FIX: &str =
    "Report it: the breaker did not follow its settings (the report has the sequence).";

fn case(fix: &str, id: &str, name: &str, passed: bool, detail: String) -> Case {
    super::criteria::critical(id, name, passed, detail, fix)
}
