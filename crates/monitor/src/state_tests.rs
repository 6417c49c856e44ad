use super::*;
use crate::sample::Outcome::*;
use crate::signal::{BreakerSignal, Passive, Signal};
use crate::test_support::*;

fn board() -> HealthBoard {
    HealthBoard::new(StateConfig::default())
}

fn status(b: &HealthBoard, backend: &str) -> Status {
    b.snapshot(backend).unwrap().status
}

fn reasons(b: &HealthBoard, backend: &str) -> Vec<String> {
    b.snapshot(backend).unwrap().reasons
}

/// Asserts that `t` is the transition `from → to` with exactly `reasons`.
fn assert_transition(t: Option<Transition>, from: Status, to: Status, reasons: &[&str]) {
    let t = t.unwrap_or_else(|| panic!("expected {from:?} → {to:?}, got no transition"));
    assert_eq!((t.from, t.to), (from, to), "wrong transition");
    assert_eq!(t.reasons, reasons, "reasons of {from:?} → {to:?}");
}

/// Asserts that `signal` takes `b` from Healthy to Degraded with exactly `reasons`.
fn assert_degrades(b: &mut HealthBoard, signal: Signal, reasons: &[&str]) {
    let t = b.observe(&signal);
    assert_transition(t, Status::Healthy, Status::Degraded, reasons);
}

/// A board where backend "a" is healthy: its key "home" probed ok at `T0`.
fn board_with_a_working_key() -> HealthBoard {
    let mut b = board();
    b.observe(&key_probe("a", "home", Ok, T0));
    b
}

/// Asserts that key "work" probing ok a minute in takes backend "a" back to Healthy.
fn assert_work_probes_ok_and_heals(b: &mut HealthBoard) {
    let t = b.observe(&key_probe("a", "work", Ok, T0 + MIN));
    assert_transition(t, Status::Degraded, Status::Healthy, &[]);
}

fn breaker(key: Option<&str>, state: BreakerSignal) -> Passive {
    Passive::Breaker {
        key_id: key.map(str::to_string),
        state,
    }
}

#[test]
fn a_backend_is_unknown_until_its_first_probe_result() {
    let mut b = board();
    assert!(b.snapshot("openai").is_none(), "never seen");
    let closed = passive("openai", T0, breaker(None, BreakerSignal::Closed));
    assert!(
        b.observe(&closed).is_none(),
        "a closed breaker is no result"
    );
    let snap = b.snapshot("openai").unwrap();
    assert_eq!(snap.status, Status::Unknown);
    assert_eq!(snap.reasons, ["no probe result yet"]);
    let t = b.observe(&probe("openai", Ok, T0 + SEC));
    assert_transition(t, Status::Unknown, Status::Healthy, &[]);
}

#[test]
fn healthy_degraded_down_and_back_with_exact_reasons() {
    let mut b = board();
    assert_transition(
        b.observe(&probe("a", Ok, T0)),
        Status::Unknown,
        Status::Healthy,
        &[],
    );
    let t = b.observe(&probe("a", Unreachable, T0 + 30 * SEC));
    assert_transition(
        t,
        Status::Healthy,
        Status::Degraded,
        &["last probe failed: unreachable"],
    );
    let t = b.observe(&probe("a", Unreachable, T0 + 60 * SEC));
    assert!(t.is_none(), "still Degraded: no transition");
    assert_eq!(reasons(&b, "a"), ["2 probes in a row failed: unreachable"]);
    let t = b.observe(&probe("a", Timeout, T0 + 90 * SEC));
    assert_transition(
        t,
        Status::Degraded,
        Status::Down,
        &["3 probes in a row failed: timeout"],
    );
    assert!(
        b.observe(&probe("a", Timeout, T0 + 120 * SEC)).is_none(),
        "still Down"
    );
    let t = b.observe(&probe("a", Ok, T0 + 150 * SEC));
    let t = t.unwrap();
    assert_eq!(
        (t.from, t.to, t.at_unix_ms),
        (Status::Down, Status::Healthy, T0 + 150 * SEC)
    );
    assert!(t.reasons.is_empty(), "Healthy has no reasons");
}

#[test]
fn an_invalid_key_degrades_while_another_key_works() {
    let mut b = board_with_a_working_key();
    let invalid = key_probe("a", "work", Invalid, T0);
    assert_degrades(&mut b, invalid, &["key “work” invalid"]);
    assert_work_probes_ok_and_heals(&mut b);
}

#[test]
fn a_key_rejected_by_the_gateway_is_invalid_until_it_probes_ok() {
    let mut b = board_with_a_working_key();
    let rejected = Passive::KeyRejected {
        key_id: "work".into(),
    };
    let rejected = passive("a", T0 + SEC, rejected);
    assert_degrades(&mut b, rejected, &["key “work” invalid"]);
    assert_work_probes_ok_and_heals(&mut b);
}

#[test]
fn the_backend_is_down_when_every_key_failed_n_times_in_a_row() {
    let mut b = board();
    for i in 0..2 {
        b.observe(&key_probe("a", "work", Invalid, T0 + i * MIN));
        b.observe(&key_probe("a", "home", Timeout, T0 + i * MIN));
    }
    assert_eq!(status(&b, "a"), Status::Degraded, "2 < 3 failures");
    b.observe(&key_probe("a", "work", Invalid, T0 + 2 * MIN));
    assert_eq!(
        status(&b, "a"),
        Status::Degraded,
        "home has failed only twice"
    );
    let t = b.observe(&key_probe("a", "home", Timeout, T0 + 2 * MIN));
    assert_transition(
        t,
        Status::Degraded,
        Status::Down,
        &[
            "every key failed at least 3 probes in a row",
            "key “home”: 3 probes in a row failed: timeout",
            "key “work” invalid",
        ],
    );
}

#[test]
fn a_rate_limited_key_degrades_until_the_limit_runs_out() {
    let mut b = board_with_a_working_key();
    let limited = Passive::RateLimited {
        key_id: Some("work".into()),
        until_unix_ms: T0 + 210 * SEC,
    };
    let limited = passive("a", T0, limited);
    assert_degrades(&mut b, limited, &["key “work” rate-limited for 4 min"]);
    assert!(
        b.tick(T0 + 150 * SEC).is_empty(),
        "still limited: no transition"
    );
    assert_eq!(
        reasons(&b, "a"),
        ["key “work” rate-limited for 1 min"],
        "reasons follow the clock"
    );
    let ts = b.tick(T0 + 210 * SEC);
    assert_eq!(ts.len(), 1, "the limit ran out");
    assert_transition(
        ts.into_iter().next(),
        Status::Degraded,
        Status::Healthy,
        &[],
    );
}

#[test]
fn a_rate_limited_probe_is_not_a_failure() {
    let mut b = board();
    b.observe(&probe("a", Timeout, T0));
    b.observe(&probe("a", Timeout, T0 + SEC));
    b.observe(&probe("a", RateLimited, T0 + 2 * SEC));
    assert_eq!(reasons(&b, "a"), ["rate-limited"], "throttled, not failing");
    let t = b.observe(&probe("a", Timeout, T0 + 3 * SEC));
    assert!(
        t.is_none(),
        "the streak restarted, so one more timeout is not Down"
    );
    assert_eq!(reasons(&b, "a"), ["last probe failed: timeout"]);
}

#[test]
fn breaker_signals_drive_down_degraded_and_healthy() {
    let mut b = board();
    b.observe(&probe("a", Ok, T0));
    let t = b.observe(&passive("a", T0 + SEC, breaker(None, BreakerSignal::Open)));
    assert_transition(t, Status::Healthy, Status::Down, &["circuit open"]);
    let t = b.observe(&passive(
        "a",
        T0 + MIN,
        breaker(None, BreakerSignal::HalfOpen),
    ));
    assert_transition(t, Status::Down, Status::Degraded, &["circuit half-open"]);
    let t = b.observe(&passive(
        "a",
        T0 + MIN,
        breaker(None, BreakerSignal::Closed),
    ));
    assert_transition(t, Status::Degraded, Status::Healthy, &[]);
}

#[test]
fn an_open_key_breaker_only_degrades() {
    let mut b = board_with_a_working_key();
    let open = passive("a", T0, breaker(Some("work"), BreakerSignal::Open));
    assert_degrades(&mut b, open, &["key “work”: circuit open"]);
}

#[test]
fn an_open_breaker_before_any_probe_is_down_not_unknown() {
    let mut b = board();
    let t = b.observe(&passive("a", T0, breaker(None, BreakerSignal::Open)));
    assert_transition(t, Status::Unknown, Status::Down, &["circuit open"]);
}

#[test]
fn down_reasons_come_before_degraded_ones() {
    let mut b = board();
    b.observe(&key_probe("a", "work", Invalid, T0));
    let t = b.observe(&passive("a", T0, breaker(None, BreakerSignal::Open)));
    assert_transition(
        t,
        Status::Degraded,
        Status::Down,
        &["circuit open", "key “work” invalid"],
    );
}

#[test]
fn p95_probe_latency_over_the_threshold_degrades() {
    let mut b = board();
    for i in 0..4 {
        b.observe(&ok_in("a", 2300, T0 + i * 30 * SEC));
    }
    assert_eq!(status(&b, "a"), Status::Healthy, "4 < 5 latencies needed");
    let fifth = ok_in("a", 2300, T0 + 120 * SEC);
    assert_degrades(&mut b, fifth, &["p95 latency 2.3 s over the 2 s threshold"]);
    for i in 5..25 {
        b.observe(&ok_in("a", 400, T0 + i * 30 * SEC));
    }
    assert_eq!(
        status(&b, "a"),
        Status::Healthy,
        "slow ones left the window"
    );
}

#[test]
fn a_gateway_error_rate_over_the_threshold_degrades_given_enough_requests() {
    let mut b = board();
    b.observe(&probe("a", Ok, T0));
    let few = Passive::ErrorRate {
        failures: 7,
        requests: 10,
    };
    assert!(
        b.observe(&passive("a", T0, few)).is_none(),
        "10 < 20 requests"
    );
    let many = Passive::ErrorRate {
        failures: 7,
        requests: 20,
    };
    let many = passive("a", T0, many);
    assert_degrades(
        &mut b,
        many,
        &["gateway error rate 35 % over the 25 % threshold"],
    );
}

#[test]
fn a_backend_wide_rate_limit_reads_in_whole_minutes_rounded_up() {
    let mut b = board();
    b.observe(&probe("a", Ok, T0));
    let limited = Passive::RateLimited {
        key_id: None,
        until_unix_ms: T0 + 181 * SEC,
    };
    let limited = passive("a", T0, limited);
    assert_degrades(&mut b, limited, &["rate-limited for 4 min"]);
}

#[test]
fn the_board_keeps_backends_apart_and_forgets_deleted_keys() {
    let mut b = board();
    b.observe(&probe("a", Ok, T0));
    b.observe(&key_probe("b", "k1", Ok, T0));
    b.observe(&key_probe("b", "k2", Invalid, T0));
    assert_eq!(status(&b, "a"), Status::Healthy, "b's key is not a's");
    let t = b.remove_key("b", "k2", T0 + SEC);
    assert_transition(t, Status::Degraded, Status::Healthy, &[]);
    let ids: Vec<String> = b.snapshots().into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["a", "b"]);
    b.remove("a");
    assert!(b.snapshot("a").is_none(), "removed");
}
