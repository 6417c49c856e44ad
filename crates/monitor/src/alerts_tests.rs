//! The alert lifecycle: open, dedupe, cooldown hold-down, resolve, re-open, quiet hours.

use super::*;
use crate::sample::Outcome::{self, Ok as Up, Unreachable};
use crate::test_support::*;

const COOLDOWN: i64 = 5 * MIN;

fn down_rule() -> AlertRule {
    AlertRule {
        id: "backendDown".into(),
        enabled: true,
        kind: RuleKind::BackendDown { failures: 3 },
    }
}

fn engine_with(cooldown_secs: u32, quiet_hours: Option<QuietHours>) -> AlertEngine {
    AlertEngine::new(AlertConfig {
        rules: vec![down_rule()],
        cooldown_secs,
        quiet_hours,
    })
    .unwrap()
}

fn engine() -> AlertEngine {
    engine_with(300, None)
}

/// Feeds one backend-level probe of "a" at `at` (UTC) and returns the events.
fn feed(e: &mut AlertEngine, outcome: Outcome, at: i64) -> Vec<AlertEvent> {
    e.ingest(&probe("a", outcome, at), Moment::utc(at))
}

/// Three failures 30 s apart from `from`; returns the events of the last one.
fn fail_three(e: &mut AlertEngine, from: i64) -> Vec<AlertEvent> {
    feed(e, Unreachable, from);
    feed(e, Unreachable, from + 30 * SEC);
    feed(e, Unreachable, from + 60 * SEC)
}

fn only(events: Vec<AlertEvent>) -> AlertEvent {
    assert_eq!(events.len(), 1, "expected exactly one event: {events:#?}");
    events.into_iter().next().unwrap()
}

#[test]
fn an_alert_opens_when_its_condition_first_fires() {
    let mut e = engine();
    assert!(feed(&mut e, Unreachable, T0).is_empty(), "1 failure");
    assert!(
        feed(&mut e, Unreachable, T0 + 30 * SEC).is_empty(),
        "2 failures"
    );
    let ev = only(feed(&mut e, Unreachable, T0 + 60 * SEC));
    assert_eq!(ev.kind, AlertEventKind::Opened);
    assert!(ev.notify, "outside quiet hours");
    let expected = Alert {
        id: format!("backendDown:a:{}", T0 + 60 * SEC),
        rule: "backendDown".into(),
        backend_id: "a".into(),
        key_id: None,
        opened_at_unix_ms: T0 + 60 * SEC,
        resolved_at_unix_ms: None,
        summary: "a is down".into(),
        detail: "3 probes in a row failed; last: unreachable (unreachable)".into(),
        flaps: 0,
    };
    assert_eq!(ev.alert, expected);
}

#[test]
fn the_same_condition_firing_again_opens_nothing_new() {
    let mut e = engine();
    fail_three(&mut e, T0);
    for i in 3..10 {
        assert!(
            feed(&mut e, Unreachable, T0 + i * 30 * SEC).is_empty(),
            "deduplicated"
        );
    }
    assert_eq!(
        e.open_alerts().len(),
        1,
        "one alert per (rule, backend, key)"
    );
}

#[test]
fn an_alert_resolves_once_clear_for_the_whole_cooldown() {
    let mut e = engine();
    let opened = only(fail_three(&mut e, T0)).alert;
    let clear = T0 + 90 * SEC;
    assert!(
        feed(&mut e, Up, clear).is_empty(),
        "clearing, not resolved yet"
    );
    assert!(
        e.evaluate(Moment::utc(clear + COOLDOWN - 1)).is_empty(),
        "1 ms short"
    );
    let ev = only(e.evaluate(Moment::utc(clear + COOLDOWN)));
    assert_eq!(ev.kind, AlertEventKind::Resolved);
    assert!(ev.notify);
    assert_eq!(ev.alert.id, opened.id, "the same alert resolves");
    assert_eq!(
        ev.alert.resolved_at_unix_ms,
        Some(clear),
        "resolved when it really cleared"
    );
    assert!(e.open_alerts().is_empty());
}

#[test]
fn a_re_open_inside_the_cooldown_is_merged_into_the_open_alert() {
    let mut e = engine();
    let opened = only(fail_three(&mut e, T0)).alert;
    feed(&mut e, Up, T0 + 90 * SEC);
    let again = fail_three(&mut e, T0 + 120 * SEC);
    assert!(
        again.is_empty(),
        "re-fire 1.5 min after clearing: merged, no event"
    );
    let open = e.open_alerts();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].id.as_str(), open[0].flaps),
        (opened.id.as_str(), 1)
    );
    let clear = T0 + 210 * SEC;
    feed(&mut e, Up, clear);
    let ev = only(e.evaluate(Moment::utc(clear + COOLDOWN)));
    assert_eq!(
        (ev.kind, ev.alert.id),
        (AlertEventKind::Resolved, opened.id)
    );
    assert_eq!(ev.alert.flaps, 1, "one flap merged");
}

#[test]
fn a_re_open_after_the_cooldown_is_a_new_alert() {
    let mut e = engine();
    let first = only(fail_three(&mut e, T0)).alert;
    let clear = T0 + 90 * SEC;
    feed(&mut e, Up, clear);
    only(e.evaluate(Moment::utc(clear + COOLDOWN)));
    let ev = only(fail_three(&mut e, clear + COOLDOWN + MIN));
    assert_eq!(ev.kind, AlertEventKind::Opened);
    assert!(ev.notify, "a genuinely new outage notifies");
    assert_ne!(ev.alert.id, first.id, "new id");
    assert_eq!(ev.alert.flaps, 0);
}

#[test]
fn a_zero_cooldown_resolves_on_the_first_clear_evaluation() {
    let mut e = engine_with(0, None);
    fail_three(&mut e, T0);
    let ev = only(feed(&mut e, Up, T0 + 90 * SEC));
    assert_eq!(ev.kind, AlertEventKind::Resolved);
}

#[test]
fn quiet_hours_span_midnight_half_open() {
    let night = QuietHours {
        start: 22 * 60,
        end: 7 * 60,
    };
    for (minute, quiet) in [
        (22 * 60, true),
        (23 * 60 + 30, true),
        (0, true),
        (7 * 60 - 1, true),
    ] {
        assert_eq!(night.contains(minute), quiet, "minute {minute}");
    }
    for minute in [7 * 60, 12 * 60, 22 * 60 - 1] {
        assert!(!night.contains(minute), "minute {minute} is not quiet");
    }
    let lunch = QuietHours {
        start: 720,
        end: 780,
    };
    assert!(lunch.contains(720) && lunch.contains(779) && !lunch.contains(780));
    let empty = QuietHours {
        start: 300,
        end: 300,
    };
    assert!(
        !(0..1440).any(|m| empty.contains(m)),
        "start == end is never quiet"
    );
}

#[test]
fn local_minute_of_day_applies_the_offset_and_wraps() {
    let midnight_utc = 1_699_920_000_000; // 2023-11-14 00:00 UTC
    let at = |offset, plus_min: i64| Moment {
        unix_ms: midnight_utc + plus_min * MIN,
        utc_offset_minutes: offset,
    };
    assert_eq!(at(0, 0).local_minute_of_day(), 0);
    assert_eq!(at(120, 0).local_minute_of_day(), 120, "CEST is 02:00");
    assert_eq!(
        at(-300, 0).local_minute_of_day(),
        19 * 60,
        "New York is 19:00 the day before"
    );
    assert_eq!(
        at(60, 23 * 60 + 30).local_minute_of_day(),
        30,
        "23:30 UTC is 00:30 CET"
    );
}

#[test]
fn during_quiet_hours_alerts_open_and_resolve_without_notifying() {
    let midnight_utc = 1_699_920_000_000;
    let quiet = QuietHours {
        start: 22 * 60,
        end: 7 * 60,
    };
    let mut e = engine_with(300, Some(quiet));
    // Local time is UTC+1: 22:30 UTC is 23:30 local.
    let local = |unix_ms| Moment {
        unix_ms,
        utc_offset_minutes: 60,
    };
    let night = midnight_utc + 22 * 60 * MIN + 30 * MIN;
    let fail_at = |e: &mut AlertEngine, at| e.ingest(&probe("a", Unreachable, at), local(at));
    fail_at(&mut e, night);
    fail_at(&mut e, night + 30 * SEC);
    let opened = only(fail_at(&mut e, night + 60 * SEC));
    assert_eq!(
        (opened.kind, opened.notify),
        (AlertEventKind::Opened, false),
        "stored, silent"
    );
    let clear = night + 2 * MIN;
    e.ingest(&probe("a", Up, clear), local(clear));
    let resolved = only(e.evaluate(local(clear + COOLDOWN)));
    assert_eq!(
        (resolved.kind, resolved.notify),
        (AlertEventKind::Resolved, false)
    );
    // 07:00 local (06:00 UTC the next day): quiet hours are over.
    let morning = midnight_utc + 30 * 60 * MIN;
    fail_at(&mut e, morning);
    fail_at(&mut e, morning + SEC);
    assert!(
        only(fail_at(&mut e, morning + 2 * SEC)).notify,
        "07:00 is the first loud minute"
    );
    assert!(
        e.quiet_at(local(morning - 1)),
        "06:59:59.999 is still quiet"
    );
    assert!(!e.quiet_at(local(morning)), "07:00 is not");
}

#[test]
fn disabling_a_rule_resolves_its_alerts_silently() {
    let mut e = engine();
    fail_three(&mut e, T0);
    let mut rule = down_rule();
    rule.enabled = false;
    let config = AlertConfig {
        rules: vec![rule],
        cooldown_secs: 300,
        quiet_hours: None,
    };
    let ev = only(e.set_config(config, Moment::utc(T0 + 2 * MIN)).unwrap());
    assert_eq!((ev.kind, ev.notify), (AlertEventKind::Resolved, false));
    assert_eq!(ev.alert.resolved_at_unix_ms, Some(T0 + 2 * MIN));
    assert!(
        fail_three(&mut e, T0 + 3 * MIN).is_empty(),
        "a disabled rule never fires"
    );
}

#[test]
fn an_unchanged_rule_keeps_its_state_across_a_config_change() {
    let mut e = engine();
    feed(&mut e, Unreachable, T0);
    feed(&mut e, Unreachable, T0 + 30 * SEC);
    let config = AlertConfig {
        rules: vec![down_rule()],
        cooldown_secs: 60,
        quiet_hours: None,
    };
    assert!(e
        .set_config(config, Moment::utc(T0 + MIN))
        .unwrap()
        .is_empty());
    let ev = only(feed(&mut e, Unreachable, T0 + 90 * SEC));
    assert_eq!(
        ev.kind,
        AlertEventKind::Opened,
        "the streak of two survived"
    );
}

#[test]
fn forgetting_a_backend_resolves_its_alerts_silently() {
    let mut e = engine();
    fail_three(&mut e, T0);
    let ev = only(e.forget_backend("a", Moment::utc(T0 + 2 * MIN)));
    assert_eq!((ev.kind, ev.notify), (AlertEventKind::Resolved, false));
    assert!(
        feed(&mut e, Unreachable, T0 + 3 * MIN).is_empty(),
        "the streak was forgotten"
    );
}

#[test]
fn alert_events_serialise_in_camel_case() {
    let mut e = engine();
    let ev = only(fail_three(&mut e, T0));
    let json = serde_json::to_value(&ev).unwrap();
    assert_eq!(json["kind"], "opened");
    assert_eq!(json["alert"]["backendId"], "a");
    assert_eq!(json["alert"]["openedAtUnixMs"], T0 + 60 * SEC);
    assert_eq!(json["notify"], true);
}
