#![allow(clippy::unwrap_used, reason = "tests")]

use super::*;

fn case(id: &str, passed: bool, importance: &str) -> Case {
    Case {
        id: id.into(),
        name: format!("check {id}"),
        passed,
        importance: importance.into(),
        detail: if passed {
            "fine".into()
        } else {
            "broke <here> & \"there\"".into()
        },
        fix: (!passed).then(|| "do the thing".into()),
        duration_ms: Some(12),
    }
}

fn sample() -> Report {
    Report {
        schema: SCHEMA.into(),
        kind: ReportKind::Readiness,
        id: "r1".into(),
        started_at: "2026-11-23T05:00:00Z".into(),
        duration_ms: 1234,
        verdict: "degraded".into(),
        score: Some(8.5),
        exit_code: 1,
        app_version: "0.1.0".into(),
        machine: Machine {
            os: "linux".into(),
            arch: "x86_64".into(),
            hostname: "box".into(),
        },
        suites: vec![
            Suite {
                id: "keychain".into(),
                name: "Keychain".into(),
                kind: "keychain".into(),
                required: true,
                status: "operational".into(),
                score: Some(10.0),
                duration_ms: None,
                cases: vec![case("a", true, "critical"), case("b", false, "info")],
                measurements: vec![],
                timelines: vec![],
            },
            Suite {
                id: "backend:x".into(),
                name: "Back<end> \u{1}X".into(),
                kind: "backend".into(),
                required: false,
                status: "degraded".into(),
                score: Some(7.0),
                duration_ms: Some(40),
                cases: vec![case("c", false, "normal"), case("d", true, "normal")],
                measurements: vec![Measurement {
                    name: "latency p95".into(),
                    value: 182.0,
                    unit: "ms".into(),
                    target: Some("≤ 500 ms".into()),
                }],
                timelines: vec![Timeline {
                    name: "X breaker".into(),
                    end_ms: 1000,
                    events: vec![TimelineEvent {
                        at_ms: 0,
                        state: "closed".into(),
                        tone: "ok".into(),
                    }],
                }],
            },
        ],
        blockers: vec![],
        previous: Some(Previous {
            id: "r0".into(),
            started_at: "2026-11-22T05:00:00Z".into(),
            verdict: "ready".into(),
            score: Some(10.0),
        }),
        configuration: Some(Configuration {
            backends: vec![ConfigBackend {
                name: "Open<AI>".into(),
                kind: "openAi".into(),
                endpoint: "https://api.openai.com/v1".into(),
                default_model: "gpt-4o-mini".into(),
                keys: 2,
                enabled: true,
            }],
            routes: vec![ConfigRoute {
                name: "fast".into(),
                strategy: "priority".into(),
                candidates: vec!["Open<AI> / gpt-4o-mini".into(), "Demo / demo-chat".into()],
            }],
            settings: vec![ConfigSetting {
                name: "Failures to open a breaker".into(),
                value: "3".into(),
            }],
        }),
    }
}

#[test]
fn counts_leave_informational_cases_out() {
    let r = sample();
    assert_eq!(r.counts(), (3, 1));
    assert_eq!(r.suites[0].counts(), (1, 0));
}

#[test]
fn json_round_trips_and_names_its_schema() {
    let r = sample();
    let text = json(&r);
    let back: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, r);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], SCHEMA);
    assert_eq!(v["suites"][1]["measurements"][0]["unit"], "ms");
    assert!(v["suites"][0]["cases"][0]["fix"].is_null());
}

#[test]
fn junit_counts_match_and_text_is_escaped() {
    let x = junit(&sample());
    assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert!(
        x.contains("tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""),
        "{x}"
    );
    assert_eq!(x.matches("<testsuite ").count(), 2);
    assert_eq!(x.matches("<testcase ").count(), 4);
    assert_eq!(x.matches("<failure ").count(), 1);
    assert_eq!(x.matches("<skipped ").count(), 1);
    assert!(
        x.contains("Back&lt;end&gt; X"),
        "escaped, control character dropped: {x}"
    );
    assert!(x.contains("broke &lt;here&gt; &amp; &quot;there&quot;"));
    assert!(x.contains("Fix: do the thing</failure>"));
    assert!(!x.contains('\u{1}'));
}

#[test]
fn html_is_self_contained_and_escaped() {
    let h = html(&sample());
    assert!(h.starts_with("<!DOCTYPE html>"));
    assert!(h.contains("class=\"verdict v-degraded\">DEGRADED"));
    assert!(h.contains("<svg id=\"chart\""));
    assert_eq!(h.matches("class=\"bar\"").count(), 2, "one bar per suite");
    assert!(h.contains("Back&lt;end&gt;"));
    assert!(!h.contains("<end>"));
    // Nothing that could load: the configuration's endpoints are text, never a link or source.
    for remote in [
        "<script", "src=", "href=", "url(", "@import", "<link", "<img",
    ] {
        assert!(!h.contains(remote), "loads nothing: {remote}");
    }
    assert!(h.contains("<td>https://api.openai.com/v1</td>"));
    assert!(
        h.contains("content=\"default-src 'none'"),
        "and the CSP forbids it anyway"
    );
    assert!(h.contains("previous run 2026-11-22 05:00:00 UTC: ready, 10.0/10"));
    assert!(h.contains("started 2026-11-23 05:00:00 UTC"));
    assert!(h.contains("latency p95"));
    assert_eq!(
        h.matches("<svg class=\"timeline\"").count(),
        1,
        "the suite's timeline"
    );
}
