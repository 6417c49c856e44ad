use super::*;
use std::time::UNIX_EPOCH;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A fixed "now": 2024-05-01T12:00:00Z.
fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_714_564_800)
}

#[test]
fn defaults_are_200ms_base_and_10s_max() {
    let b = Backoff::default();
    assert_eq!(
        (b.base, b.max),
        (ms(200), ms(10_000)),
        "documented defaults"
    );
}

#[test]
fn cap_doubles_per_attempt_from_base() {
    let b = Backoff::default();
    let caps: Vec<_> = (0..4).map(|a| b.cap(a)).collect();
    assert_eq!(
        caps,
        [ms(200), ms(400), ms(800), ms(1_600)],
        "base × 2^attempt"
    );
}

#[test]
fn cap_is_monotone_and_never_exceeds_max() {
    let b = Backoff::default();
    for attempt in 0..200 {
        assert!(
            b.cap(attempt) <= b.cap(attempt + 1),
            "cap never shrinks ({attempt})"
        );
        assert!(b.cap(attempt) <= b.max, "cap never exceeds max ({attempt})");
    }
    assert_eq!(
        b.cap(6),
        ms(10_000),
        "200 ms × 64 = 12.8 s is clamped to 10 s"
    );
}

#[test]
fn huge_attempt_numbers_do_not_overflow() {
    let b = Backoff::default();
    for attempt in [31, 32, 63, 64, 100, u32::MAX] {
        assert_eq!(b.cap(attempt), b.max, "attempt {attempt} saturates at max");
        assert!(b.delay(attempt, 0.999_999) <= b.max, "delay stays bounded");
    }
}

#[test]
fn delay_is_the_draw_times_the_cap() {
    let b = Backoff::default();
    assert_eq!(
        b.delay(2, 0.0),
        Duration::ZERO,
        "full jitter starts at zero"
    );
    assert_eq!(b.delay(2, 0.5), ms(400), "half of the 800 ms cap");
    assert!(
        b.delay(2, 0.999) < ms(800),
        "below the cap for draws below 1"
    );
}

#[test]
fn out_of_range_draws_are_clamped() {
    let b = Backoff::default();
    assert_eq!(
        b.delay(0, -3.0),
        Duration::ZERO,
        "negative draws count as 0"
    );
    assert_eq!(b.delay(0, f64::NAN), Duration::ZERO, "NaN counts as 0");
    assert_eq!(b.delay(0, 7.0), ms(200), "draws above 1 count as 1");
}

#[test]
fn retry_after_ms_is_float_milliseconds() {
    let h = [("retry-after-ms", "1500.5")];
    assert_eq!(
        retry_after(&h, now()),
        Some(Duration::from_micros(1_500_500)),
        "float ms"
    );
}

#[test]
fn retry_after_integer_seconds() {
    assert_eq!(
        retry_after(&[("Retry-After", "7")], now()),
        Some(ms(7_000)),
        "delta-seconds"
    );
}

#[test]
fn retry_after_http_date_counts_from_now() {
    let h = [("retry-after", "Wed, 01 May 2024 12:00:30 GMT")];
    assert_eq!(
        retry_after(&h, now()),
        Some(ms(30_000)),
        "date 30 s after now"
    );
}

#[test]
fn retry_after_date_in_the_past_means_now() {
    let h = [("retry-after", "Wed, 01 May 2024 11:00:00 GMT")];
    assert_eq!(
        retry_after(&h, now()),
        Some(Duration::ZERO),
        "already passed: retry now"
    );
}

#[test]
fn header_names_are_case_insensitive() {
    let h = [("RETRY-AFTER-MS", "10"), ("Content-Type", "text/plain")];
    assert_eq!(
        retry_after(&h, now()),
        Some(ms(10)),
        "HTTP header names ignore case"
    );
}

#[test]
fn retry_after_ms_beats_retry_after() {
    let h = [("retry-after", "5"), ("retry-after-ms", "250")];
    assert_eq!(
        retry_after(&h, now()),
        Some(ms(250)),
        "the more precise header wins"
    );
}

#[test]
fn retry_after_beats_rate_limit_headers() {
    let h = [
        ("x-ratelimit-remaining-requests", "0"),
        ("x-ratelimit-reset-requests", "6m0s"),
        ("retry-after", "2"),
    ];
    assert_eq!(
        retry_after(&h, now()),
        Some(ms(2_000)),
        "explicit Retry-After wins"
    );
}

#[test]
fn unparsable_header_falls_through_to_the_next_source() {
    let h = [("retry-after-ms", "soon"), ("retry-after", "3")];
    assert_eq!(
        retry_after(&h, now()),
        Some(ms(3_000)),
        "garbage is skipped, not fatal"
    );
}

#[test]
fn openai_reset_takes_the_larger_exhausted_limit() {
    let h = [
        ("x-ratelimit-remaining-requests", "0"),
        ("x-ratelimit-reset-requests", "120ms"),
        ("x-ratelimit-remaining-tokens", "0"),
        ("x-ratelimit-reset-tokens", "1m30s"),
    ];
    assert_eq!(
        retry_after(&h, now()),
        Some(ms(90_000)),
        "wait for both limits to reset"
    );
}

#[test]
fn openai_reset_ignored_when_limit_not_exhausted() {
    let h = [
        ("x-ratelimit-remaining-requests", "0"),
        ("x-ratelimit-reset-requests", "1s"),
        ("x-ratelimit-remaining-tokens", "1200"),
        ("x-ratelimit-reset-tokens", "6m0s"),
    ];
    assert_eq!(
        retry_after(&h, now()),
        Some(ms(1_000)),
        "tokens remain: their reset is moot"
    );
    let none_left = [("x-ratelimit-reset-tokens", "6m0s")];
    assert_eq!(
        retry_after(&none_left, now()),
        None,
        "no remaining header: not exhausted"
    );
}

#[test]
fn openai_beats_anthropic() {
    let h = [
        ("anthropic-ratelimit-requests-remaining", "0"),
        ("anthropic-ratelimit-requests-reset", "2024-05-01T12:00:20Z"),
        ("x-ratelimit-remaining-requests", "0"),
        ("x-ratelimit-reset-requests", "5s"),
    ];
    assert_eq!(
        retry_after(&h, now()),
        Some(ms(5_000)),
        "documented precedence"
    );
}

#[test]
fn anthropic_reset_is_an_rfc3339_instant() {
    let h = [
        ("anthropic-ratelimit-requests-remaining", "0"),
        ("anthropic-ratelimit-requests-reset", "2024-05-01T12:00:20Z"),
    ];
    assert_eq!(retry_after(&h, now()), Some(ms(20_000)), "20 s after now");
}

#[test]
fn anthropic_takes_the_latest_exhausted_limit() {
    let h = [
        ("anthropic-ratelimit-input-tokens-remaining", "0"),
        (
            "anthropic-ratelimit-input-tokens-reset",
            "2024-05-01T12:00:10Z",
        ),
        ("anthropic-ratelimit-output-tokens-remaining", "0"),
        (
            "anthropic-ratelimit-output-tokens-reset",
            "2024-05-01T14:00:45+02:00",
        ),
        ("anthropic-ratelimit-tokens-remaining", "5000"),
        ("anthropic-ratelimit-tokens-reset", "2024-05-01T12:05:00Z"),
    ];
    assert_eq!(
        retry_after(&h, now()),
        Some(ms(45_000)),
        "latest exhausted reset wins"
    );
}

#[test]
fn anthropic_reset_ignored_when_limit_not_exhausted() {
    let h = [
        ("anthropic-ratelimit-requests-remaining", "3"),
        ("anthropic-ratelimit-requests-reset", "2024-05-01T12:00:20Z"),
    ];
    assert_eq!(
        retry_after(&h, now()),
        None,
        "requests remain: not a reason to wait"
    );
}

#[test]
fn provider_waits_are_clamped_to_ten_minutes() {
    for h in [
        [("retry-after", "86400")],
        [("retry-after", "99999999999999999999999")],
        [("retry-after-ms", "1e12")],
    ] {
        assert_eq!(
            retry_after(&h, now()),
            Some(MAX_RETRY_AFTER),
            "{h:?} clamped"
        );
    }
}

#[test]
fn no_usable_header_means_none() {
    assert_eq!(retry_after(&[], now()), None, "no headers");
    let h = [("retry-after", "tomorrow"), ("retry-after-ms", "-5")];
    assert_eq!(retry_after(&h, now()), None, "nothing parses");
}

#[test]
fn config_serialises_as_camel_case_milliseconds() {
    let json = serde_json::to_string(&Backoff::default()).unwrap();
    assert_eq!(json, r#"{"baseMs":200,"maxMs":10000}"#, "UI-friendly shape");
    let partial: Backoff = serde_json::from_str(r#"{"maxMs":500}"#).unwrap();
    assert_eq!(partial.base, ms(200), "missing fields take defaults");
}
