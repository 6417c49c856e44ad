use super::*;

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Fails `n` requests in a row at `now`, returning the last transition.
fn fail_n(b: &mut Breaker, n: u32, now: Instant) -> Option<Transition> {
    (0..n).fold(None, |_, _| {
        let p = b.try_acquire(now).unwrap();
        b.on_failure(p, now)
    })
}

fn succeed(b: &mut Breaker, now: Instant) -> Option<Transition> {
    let p = b.try_acquire(now).unwrap();
    b.on_success(p, now)
}

/// Opens a default breaker at `t0` and returns it.
fn opened(t0: Instant) -> Breaker {
    let mut b = Breaker::default();
    fail_n(&mut b, 3, t0).unwrap();
    b
}

#[test]
fn closed_breaker_admits_every_request() {
    let t0 = Instant::now();
    let mut b = Breaker::default();
    for _ in 0..100 {
        assert!(
            succeed(&mut b, t0).is_none(),
            "successes never transition a closed breaker"
        );
    }
    assert_eq!(b.state(t0), BreakerState::Closed, "still closed");
}

#[test]
fn full_lifecycle_closed_open_half_open_closed() {
    let t0 = Instant::now();
    let mut b = Breaker::default();

    assert_eq!(fail_n(&mut b, 2, t0), None, "two failures are not enough");
    let opened = fail_n(&mut b, 1, t0).unwrap();
    let open = BreakerState::Open {
        until: t0 + secs(60),
    };
    assert_eq!(
        opened,
        Transition {
            from: BreakerState::Closed,
            to: open,
            reason: TransitionReason::ConsecutiveFailures(3)
        },
        "the third consecutive failure opens for open_for"
    );

    let t1 = t0 + secs(20);
    assert_eq!(b.state(t1), open, "still open before open_for elapses");
    assert_eq!(
        b.try_acquire(t1).unwrap_err(),
        Rejected { retry_in: secs(40) },
        "retry_in counts down"
    );

    let t2 = t0 + secs(60);
    assert_eq!(
        b.state(t2),
        BreakerState::HalfOpen,
        "reads half-open once the period elapses"
    );
    let trial = b.try_acquire(t2).unwrap();
    assert!(
        trial.is_trial(),
        "the first request after the pause is a trial"
    );
    assert_eq!(
        trial.transition(),
        Some(&Transition {
            from: open,
            to: BreakerState::HalfOpen,
            reason: TransitionReason::OpenElapsed
        }),
        "the acquisition reports open → half-open"
    );
    assert_eq!(
        b.on_success(trial, t2),
        None,
        "one trial success is not enough"
    );
    assert_eq!(succeed(&mut b, t2), None, "two are not enough");
    assert_eq!(
        succeed(&mut b, t2),
        Some(Transition {
            from: BreakerState::HalfOpen,
            to: BreakerState::Closed,
            reason: TransitionReason::TrialsSucceeded(3)
        }),
        "close_after = 3 consecutive trial successes close the breaker"
    );
    assert_eq!(b.state(t2), BreakerState::Closed, "closed again");
}

#[test]
fn success_resets_the_consecutive_failure_count() {
    let t0 = Instant::now();
    let mut b = Breaker::default();
    fail_n(&mut b, 2, t0);
    succeed(&mut b, t0);
    assert_eq!(
        fail_n(&mut b, 2, t0),
        None,
        "2 + 2 failures split by a success stay closed"
    );
}

#[test]
fn failure_rate_opens_once_min_requests_is_reached() {
    let t0 = Instant::now();
    let mut b = Breaker::default();
    // Alternate S F … : never 3 in a row; the rate sits at ~50%.
    for _ in 0..4 {
        succeed(&mut b, t0);
        assert_eq!(
            fail_n(&mut b, 1, t0),
            None,
            "below min_requests the rate cannot open"
        );
    }
    succeed(&mut b, t0);
    let t = fail_n(&mut b, 1, t0).unwrap();
    assert_eq!(
        t.reason,
        TransitionReason::FailureRate {
            failures: 5,
            requests: 10
        },
        "10 requests at 50% failure reach both thresholds"
    );
    assert_eq!(
        t.reason.to_string(),
        "5 of 10 recent requests failed (50%)",
        "human reason"
    );
}

#[test]
fn failure_rate_forgets_requests_older_than_the_window() {
    let t0 = Instant::now();
    let mut b = Breaker::default();
    for _ in 0..4 {
        succeed(&mut b, t0);
        fail_n(&mut b, 1, t0);
    }
    let later = t0 + secs(31);
    succeed(&mut b, later);
    assert_eq!(
        fail_n(&mut b, 1, later),
        None,
        "the old 8 requests have slid out of the window"
    );
}

#[test]
fn half_open_admits_only_the_configured_trials() {
    let t0 = Instant::now();
    let mut b = opened(t0);
    let t = t0 + secs(60);
    let trial = b.try_acquire(t).unwrap();
    assert_eq!(
        b.try_acquire(t).unwrap_err(),
        Rejected {
            retry_in: HALF_OPEN_RETRY_HINT
        },
        "half_open_trials = 1: a second concurrent trial is refused"
    );
    b.on_success(trial, t);
    assert!(
        b.try_acquire(t).is_ok(),
        "the reported trial freed its slot"
    );
}

#[test]
fn half_open_trial_limit_is_configurable() {
    let t0 = Instant::now();
    let config = BreakerConfig {
        half_open_trials: 2,
        ..BreakerConfig::default()
    };
    let mut b = Breaker::new(config);
    fail_n(&mut b, 3, t0);
    let t = t0 + secs(60);
    let _first = b.try_acquire(t).unwrap();
    let _second = b.try_acquire(t).unwrap();
    assert!(
        b.try_acquire(t).is_err(),
        "a third concurrent trial exceeds the limit of 2"
    );
}

#[test]
fn dropped_trial_permit_frees_its_slot() {
    let t0 = Instant::now();
    let mut b = opened(t0);
    let t = t0 + secs(60);
    drop(b.try_acquire(t).unwrap());
    assert!(
        b.try_acquire(t).is_ok(),
        "a cancelled trial must not wedge the breaker half-open"
    );
}

#[test]
fn trial_failure_reopens_with_doubled_duration() {
    let t0 = Instant::now();
    let mut b = opened(t0);
    let t = t0 + secs(60);
    let trial = b.try_acquire(t).unwrap();
    let reopened = b.on_failure(trial, t).unwrap();
    assert_eq!(
        (reopened.from, reopened.to, reopened.reason),
        (
            BreakerState::HalfOpen,
            BreakerState::Open {
                until: t + secs(120)
            },
            TransitionReason::TrialFailed
        ),
        "60 s × backoff_factor 2"
    );
}

#[test]
fn reopen_duration_is_capped_at_max_open_for() {
    let mut now = Instant::now();
    let mut b = opened(now);
    let mut periods = Vec::new();
    for _ in 0..6 {
        let BreakerState::Open { until } = b.state(now) else {
            panic!("expected open")
        };
        now = until;
        let trial = b.try_acquire(now).unwrap();
        let t = b.on_failure(trial, now).unwrap();
        let BreakerState::Open { until } = t.to else {
            panic!("expected re-open")
        };
        periods.push((until - now).as_secs());
    }
    assert_eq!(
        periods,
        [120, 240, 480, 600, 600, 600],
        "doubling stops at 10 min"
    );
}

#[test]
fn closing_resets_the_open_duration() {
    let t0 = Instant::now();
    let mut b = opened(t0);
    let t1 = t0 + secs(60);
    let trial = b.try_acquire(t1).unwrap();
    b.on_failure(trial, t1); // re-open for 120 s
    let t2 = t1 + secs(120);
    (0..3).for_each(|_| _ = succeed(&mut b, t2));
    assert_eq!(
        b.state(t2),
        BreakerState::Closed,
        "closed after three trial successes"
    );
    let t = fail_n(&mut b, 3, t2).unwrap();
    assert_eq!(
        t.to,
        BreakerState::Open {
            until: t2 + secs(60)
        },
        "back to the base 60 s"
    );
}

#[test]
fn late_reports_from_an_earlier_state_are_ignored() {
    let t0 = Instant::now();
    let mut b = Breaker::default();
    let slow_ok = b.try_acquire(t0).unwrap();
    let slow_fail = b.try_acquire(t0).unwrap();
    fail_n(&mut b, 3, t0).unwrap();
    assert_eq!(
        b.on_failure(slow_fail, t0),
        None,
        "a stale failure cannot re-open"
    );
    let t = t0 + secs(60);
    let trial = b.try_acquire(t).unwrap();
    assert_eq!(
        b.on_success(slow_ok, t),
        None,
        "a stale success is not a trial"
    );
    assert!(
        b.try_acquire(t).is_err(),
        "the real trial still holds the only slot"
    );
    drop(trial);
}

#[test]
fn zero_counts_in_config_are_treated_as_one() {
    let config = BreakerConfig {
        consecutive_failures: 0,
        half_open_trials: 0,
        close_after: 0,
        ..BreakerConfig::default()
    };
    let b = Breaker::new(config);
    let c = b.config();
    assert_eq!(
        (c.consecutive_failures, c.half_open_trials, c.close_after),
        (1, 1, 1),
        "no dead config"
    );
}

#[test]
fn rejection_displays_the_wait() {
    let r = Rejected {
        retry_in: Duration::from_millis(1_500),
    };
    assert_eq!(
        r.to_string(),
        "circuit open; retry in 1500 ms",
        "message for logs and 503s"
    );
}

#[test]
fn config_serialises_as_camel_case() {
    let json = serde_json::to_value(BreakerConfig::default()).unwrap();
    assert_eq!(json["openForMs"], 60_000, "durations in milliseconds");
    assert_eq!(json["consecutiveFailures"], 3, "camelCase names");
    let parsed: BreakerConfig = serde_json::from_str(r#"{"closeAfter":5}"#).unwrap();
    assert_eq!(parsed.close_after, 5, "given field kept");
    assert_eq!(parsed.window, secs(30), "missing fields take defaults");
}
