//! Each rule kind fires at its threshold and window; custom conditions plug in; rules are
//! serde-editable and validated.

use super::*;
use crate::sample::Outcome::{self, Invalid, Ok as Up, RateLimited, Timeout, Unreachable};
use crate::signal::{BreakerSignal, Passive};
use crate::test_support::*;

/// An engine with only `kind` (id "r") and no cooldown, so clears resolve at once.
fn only(kind: RuleKind) -> AlertEngine {
    AlertEngine::new(AlertConfig {
        rules: vec![AlertRule {
            id: "r".into(),
            enabled: true,
            kind,
        }],
        cooldown_secs: 0,
        quiet_hours: None,
    })
    .unwrap()
}

fn feed(e: &mut AlertEngine, signal: Signal) -> Vec<AlertEvent> {
    let at = signal.at_unix_ms();
    e.ingest(&signal, Moment::utc(at))
}

/// The single event's kind and summary, or `None` without events.
fn one(events: Vec<AlertEvent>) -> Option<(AlertEventKind, String)> {
    assert!(events.len() <= 1, "at most one event expected: {events:#?}");
    events.into_iter().next().map(|e| (e.kind, e.alert.summary))
}

fn opened(summary: &str) -> Option<(AlertEventKind, String)> {
    Some((AlertEventKind::Opened, summary.to_string()))
}

fn resolved(summary: &str) -> Option<(AlertEventKind, String)> {
    Some((AlertEventKind::Resolved, summary.to_string()))
}

#[test]
fn backend_down_fires_at_its_failure_count_and_only_for_backend_faults() {
    let mut e = only(RuleKind::BackendDown { failures: 4 });
    for (i, o) in [Unreachable, Timeout, Outcome::ProviderError]
        .into_iter()
        .enumerate()
    {
        assert_eq!(
            one(feed(&mut e, probe("a", o, T0 + i as i64 * SEC))),
            None,
            "{} < 4",
            i + 1
        );
    }
    assert_eq!(
        one(feed(&mut e, key_probe("a", "k", Invalid, T0 + 3 * SEC))),
        None,
        "an answer resets"
    );
    for i in 4..7 {
        assert_eq!(one(feed(&mut e, probe("a", Timeout, T0 + i * SEC))), None);
    }
    let ev = one(feed(&mut e, key_probe("a", "k", Timeout, T0 + 7 * SEC)));
    assert_eq!(ev, opened("a is down"), "4 faults in a row, keys included");
    assert_eq!(
        one(feed(&mut e, probe("a", Up, T0 + 8 * SEC))),
        resolved("a is down")
    );
}

#[test]
fn circuit_opened_fires_while_a_breaker_is_not_closed() {
    let mut e = only(RuleKind::CircuitOpened);
    let brk = |state| Passive::Breaker {
        key_id: Some("work".into()),
        state,
    };
    let half = feed(&mut e, passive("a", T0, brk(BreakerSignal::HalfOpen)));
    assert!(
        half.is_empty(),
        "half-open without a prior open is not an opening"
    );
    let ev = one(feed(
        &mut e,
        passive("a", T0 + SEC, brk(BreakerSignal::Open)),
    ));
    assert_eq!(ev, opened("a key “work”: circuit opened"));
    assert!(
        feed(&mut e, passive("a", T0 + MIN, brk(BreakerSignal::HalfOpen))).is_empty(),
        "still held"
    );
    let ev = one(feed(
        &mut e,
        passive("a", T0 + MIN, brk(BreakerSignal::Closed)),
    ));
    assert_eq!(ev, resolved("a key “work”: circuit opened"));
}

fn error_rate(source: Source) -> RuleKind {
    RuleKind::ErrorRate {
        percent: 20.0,
        window_secs: 300,
        min_samples: 20,
        source,
    }
}

#[test]
fn error_rate_fires_over_its_percentage_with_enough_requests() {
    let mut e = only(error_rate(Source::Requests));
    for i in 0..4 {
        feed(&mut e, request("a", false, 100, T0 + i * SEC));
    }
    for i in 4..19 {
        assert!(feed(&mut e, request("a", true, 100, T0 + i * SEC)).is_empty());
    }
    let at_20 = feed(&mut e, request("a", true, 100, T0 + 19 * SEC));
    assert!(at_20.is_empty(), "4 of 20 is exactly 20 %, not over");
    let events = feed(&mut e, request("a", false, 100, T0 + 20 * SEC));
    assert_eq!(events[0].alert.summary, "a: error rate 23.8 % over 20 %");
    assert_eq!(
        events[0].alert.detail,
        "5 of 21 requests failed in the last 5 min"
    );
    let later = e.evaluate(Moment::utc(T0 + 20 * SEC + 300 * SEC));
    assert_eq!(
        one(later),
        resolved("a: error rate 23.8 % over 20 %"),
        "all out of the window"
    );
}

#[test]
fn error_rate_needs_its_minimum_sample_count_and_source() {
    let mut e = only(error_rate(Source::Requests));
    for i in 0..19 {
        assert!(
            feed(&mut e, request("a", false, 100, T0 + i * SEC)).is_empty(),
            "19 < 20"
        );
    }
    for i in 0..30 {
        assert!(
            feed(&mut e, probe("b", Timeout, T0 + i * SEC)).is_empty(),
            "probes not counted"
        );
    }
    let mut p = only(error_rate(Source::Probes));
    for i in 0..19 {
        feed(&mut p, probe("b", Timeout, T0 + i * SEC));
    }
    assert!(
        one(feed(&mut p, probe("b", Timeout, T0 + 19 * SEC))).is_some(),
        "source = probes"
    );
}

#[test]
fn latency_p95_fires_over_its_threshold_within_its_window() {
    let mut e = only(RuleKind::LatencyP95 {
        threshold_ms: 2000,
        window_secs: 300,
        min_samples: 5,
        source: Source::Probes,
    });
    for i in 0..19 {
        feed(&mut e, ok_in("a", 300, T0 + i * 10 * SEC));
    }
    let ev = feed(&mut e, ok_in("a", 9000, T0 + 190 * SEC));
    assert!(
        ev.is_empty(),
        "one slow of 20: the p95 is the 19th value, 300 ms"
    );
    let ev = one(feed(&mut e, ok_in("a", 2500, T0 + 200 * SEC)));
    assert_eq!(
        ev,
        opened("a: p95 latency 2.5 s over 2 s"),
        "two slow of 21: ⌈19.95⌉ = 20th value"
    );
    let gone = e.evaluate(Moment::utc(T0 + 200 * SEC + 300 * SEC));
    assert_eq!(
        one(gone),
        resolved("a: p95 latency 2.5 s over 2 s"),
        "the window emptied"
    );
}

#[test]
fn key_invalid_fires_on_401_until_the_key_answers_again() {
    let mut e = only(RuleKind::KeyInvalid);
    let events = feed(&mut e, key_probe("a", "work", Invalid, T0));
    assert_eq!(events[0].alert.summary, "a: key “work” invalid");
    assert_eq!(
        events[0].alert.detail,
        "the provider refused it on a probe (401): key invalid"
    );
    assert_eq!(
        events[0].alert.key_id.as_deref(),
        Some("work"),
        "deduplicated per key"
    );
    assert!(
        feed(&mut e, key_probe("a", "work", Timeout, T0 + MIN)).is_empty(),
        "no answer proves nothing"
    );
    let ev = one(feed(
        &mut e,
        key_probe("a", "work", RateLimited, T0 + 2 * MIN),
    ));
    assert_eq!(
        ev,
        resolved("a: key “work” invalid"),
        "a 429 means the key is accepted"
    );
    let rejected = Passive::KeyRejected {
        key_id: "home".into(),
    };
    let ev = one(feed(&mut e, passive("a", T0 + 3 * MIN, rejected)));
    assert_eq!(
        ev,
        opened("a: key “home” invalid"),
        "a gateway rejection counts too"
    );
}

#[test]
fn rate_limited_for_fires_after_more_than_its_minutes_of_probes() {
    let mut e = only(RuleKind::RateLimitedFor { minutes: 5 });
    for i in 0..=10 {
        let ev = feed(&mut e, key_probe("a", "k", RateLimited, T0 + i * 30 * SEC));
        assert!(ev.is_empty(), "{} s is not more than 5 min", i * 30);
    }
    let ev = one(feed(
        &mut e,
        key_probe("a", "k", RateLimited, T0 + 330 * SEC),
    ));
    assert_eq!(ev, opened("a key “k”: rate-limited for 6 min"));
    let ev = one(feed(&mut e, key_probe("a", "k", Up, T0 + 360 * SEC)));
    assert_eq!(ev, resolved("a key “k”: rate-limited for 6 min"));
}

#[test]
fn rate_limited_for_counts_the_announced_wait() {
    let mut e = only(RuleKind::RateLimitedFor { minutes: 5 });
    let short = Passive::RateLimited {
        key_id: None,
        until_unix_ms: T0 + 2 * MIN,
    };
    assert!(
        feed(&mut e, passive("a", T0, short)).is_empty(),
        "2 min announced"
    );
    assert!(e.evaluate(Moment::utc(T0 + 2 * MIN)).is_empty(), "and over");
    let long = Passive::RateLimited {
        key_id: None,
        until_unix_ms: T0 + 13 * MIN,
    };
    let ev = one(feed(&mut e, passive("a", T0 + 3 * MIN, long)));
    assert_eq!(
        ev,
        opened("a: rate-limited for 10 min"),
        "a new episode, 10 min announced"
    );
    let ev = one(e.evaluate(Moment::utc(T0 + 13 * MIN)));
    assert_eq!(
        ev,
        resolved("a: rate-limited for 10 min"),
        "the wait ran out"
    );
}

#[test]
fn a_generic_metric_rule_fires_on_its_aggregate() {
    let mut e = only(RuleKind::Metric(MetricRule {
        metric: "cacheHitRate".into(),
        aggregate: Aggregation::Mean,
        compare: Compare::Below,
        threshold: 0.5,
        window_secs: 600,
        min_samples: 3,
    }));
    assert!(feed(&mut e, metric("cacheHitRate", "a", 0.4, T0)).is_empty());
    assert!(
        feed(&mut e, metric("spendUsd", "a", 0.0, T0)).is_empty(),
        "other metrics ignored"
    );
    assert!(
        feed(&mut e, metric("cacheHitRate", "a", 0.45, T0 + MIN)).is_empty(),
        "2 < 3 values"
    );
    let events = feed(&mut e, metric("cacheHitRate", "a", 0.5, T0 + 2 * MIN));
    assert_eq!(events[0].alert.summary, "a: cacheHitRate 0.45 below 0.5");
    assert_eq!(
        events[0].alert.detail,
        "mean of 3 values in the last 10 min"
    );
    let ev = one(feed(&mut e, metric("cacheHitRate", "a", 0.9, T0 + 3 * MIN)));
    assert_eq!(
        ev,
        resolved("a: cacheHitRate 0.45 below 0.5"),
        "mean 0.5625"
    );
}

#[test]
fn budget_thresholds_fire_once_each_and_resolve_when_a_new_period_starts() {
    let budget_rules: Vec<AlertRule> = AlertRule::defaults()
        .into_iter()
        .filter(AlertRule::is_budget_rule)
        .collect();
    assert_eq!(budget_rules.len(), 3);
    let mut e = AlertEngine::new(AlertConfig {
        rules: budget_rules,
        cooldown_secs: 0,
        quiet_hours: None,
    })
    .unwrap();
    let pct = |v: f64, at: i64| metric(BUDGET_METRIC, "budget:m", v, at);
    assert!(feed(&mut e, pct(49.9, T0)).is_empty());
    let ids = |events: Vec<AlertEvent>| -> Vec<(AlertEventKind, String)> {
        events.into_iter().map(|e| (e.kind, e.alert.rule)).collect()
    };
    assert_eq!(
        ids(feed(&mut e, pct(50.0, T0 + MIN))),
        [(AlertEventKind::Opened, "budget50".to_string())],
        "50 % reached exactly"
    );
    assert!(feed(&mut e, pct(70.0, T0 + 2 * MIN)).is_empty(), "once");
    let events = ids(feed(&mut e, pct(100.0, T0 + 3 * MIN)));
    assert_eq!(
        events,
        [
            (AlertEventKind::Opened, "budget80".to_string()),
            (AlertEventKind::Opened, "budget100".to_string())
        ]
    );
    assert!(feed(&mut e, pct(130.0, T0 + 4 * MIN)).is_empty(), "once");
    let events = ids(feed(&mut e, pct(0.0, T0 + 5 * MIN)));
    assert_eq!(
        events.len(),
        3,
        "the new period resolves all three: {events:?}"
    );
    assert!(events.iter().all(|(k, _)| *k == AlertEventKind::Resolved));
}

/// A custom kind written against the trait: total spend per backend over a budget.
struct Budget {
    limit: f64,
    spent: std::collections::BTreeMap<String, f64>,
}

impl Condition for Budget {
    fn observe(&mut self, signal: &Signal) {
        if let Signal::Metric(m) = signal {
            if m.name == "spendUsd" {
                *self.spent.entry(m.backend_id.clone()).or_default() += m.value;
            }
        }
    }

    fn firing(&mut self, _now: i64) -> Vec<Firing> {
        let over = self.spent.iter().filter(|(_, s)| **s > self.limit);
        over.map(|(b, s)| Firing {
            target: crate::TargetId::backend(b.clone()),
            summary: format!("{b}: budget exceeded"),
            detail: format!("spent ${s:.2} of ${:.2}", self.limit),
        })
        .collect()
    }
}

#[test]
fn a_custom_condition_plugs_into_the_same_lifecycle() {
    let mut e = AlertEngine::new(AlertConfig::default()).unwrap();
    let budget = Budget {
        limit: 10.0,
        spent: Default::default(),
    };
    e.add_condition("budget", Box::new(budget)).unwrap();
    assert!(feed(&mut e, metric("spendUsd", "a", 6.0, T0)).is_empty());
    let events = feed(&mut e, metric("spendUsd", "a", 6.0, T0 + MIN));
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].alert.id, format!("budget:a:{}", T0 + MIN));
    assert_eq!(events[0].alert.detail, "spent $12.00 of $10.00");
    assert!(
        feed(&mut e, metric("spendUsd", "a", 1.0, T0 + 2 * MIN)).is_empty(),
        "deduplicated"
    );
    let dup = e.add_condition(
        "backendDown",
        Box::new(Budget {
            limit: 1.0,
            spent: Default::default(),
        }),
    );
    assert_eq!(dup, Err(AlertError::DuplicateRule("backendDown".into())));
}
