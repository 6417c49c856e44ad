use super::*;
use std::time::Duration;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

const NOW: u64 = 1_795_600_000;

#[test]
fn openai_and_groq_counts_with_go_duration_resets() {
    let h = Headroom::parse(
        &[
            ("x-ratelimit-limit-requests", "60"),
            ("X-RateLimit-Remaining-Requests", "59"),
            ("x-ratelimit-reset-requests", "1s"),
            ("x-ratelimit-limit-tokens", "150000"),
            ("x-ratelimit-remaining-tokens", "149984"),
            ("x-ratelimit-reset-tokens", "2m59.56s"),
            ("content-type", "application/json"),
        ],
        at(NOW),
    )
    .unwrap();
    assert_eq!(
        h.requests,
        Quota {
            limit: Some(60),
            remaining: Some(59),
            resets_at: Some(NOW as i64 + 1)
        }
    );
    assert_eq!(h.tokens.remaining, Some(149_984));
    assert_eq!(h.tokens.resets_at, Some(NOW as i64 + 179));
    let room = h.room(at(NOW)).unwrap();
    assert!((room - 59.0 / 60.0).abs() < 1e-9, "{room}");
    assert!(h.windows.is_empty() && h.plan_status.is_none());
}

#[test]
fn anthropic_counts_and_plan_windows() {
    let h = Headroom::parse(
        &[
            ("anthropic-ratelimit-requests-limit", "50"),
            ("anthropic-ratelimit-requests-remaining", "0"),
            ("anthropic-ratelimit-requests-reset", "2026-11-25T12:00:30Z"),
            ("anthropic-ratelimit-tokens-remaining", "1000"),
            ("anthropic-ratelimit-unified-status", "allowed_warning"),
            ("anthropic-ratelimit-unified-5h-utilization", "0.82"),
            ("anthropic-ratelimit-unified-5h-reset", "1795610000"),
            ("anthropic-ratelimit-unified-7d-utilization", "0.3"),
            ("anthropic-ratelimit-unified-7d-reset", "1796000000"),
        ],
        at(NOW),
    )
    .unwrap();
    assert_eq!(h.requests.remaining, Some(0));
    assert_eq!(h.requests.resets_at, Some(1_795_608_030));
    assert_eq!(h.tokens.limit, None);
    assert_eq!(h.plan_status.as_deref(), Some("allowed_warning"));
    let names: Vec<&str> = h.windows.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["5h", "7d"]);
    assert_eq!(h.windows[0].resets_at, Some(1_795_610_000));
    // No requests left: no room, until the requests' reset.
    assert_eq!(h.room(at(NOW)), Some(0.0));
    // After every reset the counts are full again; the 7d window is still 30 % used.
    let later = h.room(at(1_795_700_000)).unwrap();
    assert!((later - 0.7).abs() < 1e-9, "{later}");
}

#[test]
fn openrouter_counts_reset_in_milliseconds() {
    let h = Headroom::parse(
        &[
            ("x-ratelimit-limit", "20"),
            ("x-ratelimit-remaining", "5"),
            ("x-ratelimit-reset", "1795600060000"),
        ],
        at(NOW),
    )
    .unwrap();
    assert_eq!(h.requests.resets_at, Some(NOW as i64 + 60));
    assert_eq!(h.room(at(NOW)), Some(0.25));
}

#[test]
fn a_rejected_plan_has_no_room_and_garbage_is_ignored() {
    let h = Headroom::parse(
        &[
            ("anthropic-ratelimit-unified-status", "rejected"),
            ("anthropic-ratelimit-unified-5h-utilization", "NaN"),
            ("x-ratelimit-remaining-requests", "-3"),
        ],
        at(NOW),
    )
    .unwrap();
    assert!(h.windows.is_empty());
    assert_eq!(h.requests, Quota::default());
    assert_eq!(h.room(at(NOW)), Some(0.0));
    assert_eq!(Headroom::parse(&[("content-type", "x")], at(NOW)), None);
}

#[test]
fn rate_limit_headers_are_recognised_by_prefix() {
    for name in [
        "x-ratelimit-remaining-tokens",
        "Anthropic-RateLimit-Unified-5h-Reset",
        "retry-after",
        "retry-after-ms",
        "x-ratelimit-limit",
    ] {
        assert!(is_rate_limit_header(name), "{name}");
    }
    for name in [
        "x-request-id",
        "anthropic-version",
        "content-type",
        "x-rate",
    ] {
        assert!(!is_rate_limit_header(name), "{name}");
    }
}
