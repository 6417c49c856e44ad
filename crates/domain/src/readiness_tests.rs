use super::*;

fn ok(i: Importance) -> CheckResult {
    CheckResult::pass("x", "X", i, "fine")
}

fn bad(i: Importance) -> CheckResult {
    CheckResult::fail("y", "Y", i, "broken", "fix it")
}

fn comp(name: &str, required: bool, checks: Vec<CheckResult>) -> Component {
    Component::new(name, name, ComponentKind::Backend, required, checks)
}

#[test]
fn component_scores_weigh_critical_checks_three_times() {
    let c = comp(
        "a",
        true,
        vec![ok(Importance::Critical), bad(Importance::Normal)],
    );
    assert_eq!(c.score, 7.5);
    assert_eq!(c.status, ComponentStatus::Degraded);
    let c = comp(
        "b",
        true,
        vec![bad(Importance::Critical), ok(Importance::Normal)],
    );
    assert_eq!(c.score, 2.5);
    assert_eq!(c.status, ComponentStatus::Down);
    let c = comp("c", true, vec![bad(Importance::Info)]);
    assert_eq!(
        (c.score, c.status),
        (10.0, ComponentStatus::Operational),
        "info never counts"
    );
    let c = comp("d", true, vec![bad(Importance::Critical)]);
    assert_eq!(
        format!("{:.1}", c.score),
        "0.0",
        "a zero score is never negative zero"
    );
}

#[test]
fn verdicts_follow_required_and_optional_components() {
    let all_ok = scorecard(vec![comp("a", true, vec![ok(Importance::Critical)])]);
    assert_eq!((all_ok.verdict, all_ok.score), (Verdict::Ready, 10.0));

    let optional_down = scorecard(vec![
        comp("a", true, vec![ok(Importance::Critical)]),
        comp("b", false, vec![bad(Importance::Critical)]),
    ]);
    assert_eq!(optional_down.verdict, Verdict::Degraded);
    assert!(optional_down.blockers.is_empty());
    assert_eq!(optional_down.score, 5.0);

    let required_down = scorecard(vec![comp("a", true, vec![bad(Importance::Critical)])]);
    assert_eq!(required_down.verdict, Verdict::Blocked);
    assert_eq!(
        required_down.blockers,
        [Blocker {
            component: "a".into(),
            message: "Y: broken".into(),
            fix: Some("fix it".into()),
        }]
    );
    assert_eq!(Verdict::Blocked.exit_code(), 2);
}

#[test]
fn a_scorecard_round_trips_as_json() {
    let card = scorecard(vec![comp("a", false, vec![bad(Importance::Normal)])]);
    let json = serde_json::to_string(&card).unwrap();
    assert!(json.contains("\"verdict\":\"degraded\""), "{json}");
    let back: Scorecard = serde_json::from_str(&json).unwrap();
    assert_eq!(back, card);
}
