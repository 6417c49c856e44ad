use super::*;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

const RFC9110_EXAMPLE: u64 = 784_111_777; // Sun, 06 Nov 1994 08:49:37 GMT

#[test]
fn http_date_reads_the_rfc_9110_example() {
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(at(RFC9110_EXAMPLE)),
        "the canonical IMF-fixdate from RFC 9110"
    );
}

#[test]
fn http_date_handles_leap_day() {
    assert_eq!(
        parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
        Some(at(1_709_164_800)),
        "2024 is a leap year"
    );
}

#[test]
fn http_date_rejects_malformed_input() {
    for bad in [
        "",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun 06 Nov 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 30 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT extra",
        "Sunday, 06-Nov-94 08:49:37 GMT",
    ] {
        assert_eq!(parse_http_date(bad), None, "{bad:?} is not an IMF-fixdate");
    }
}

#[test]
fn rfc3339_reads_utc_timestamp() {
    assert_eq!(
        parse_rfc3339("1994-11-06T08:49:37Z"),
        Some(at(RFC9110_EXAMPLE)),
        "Z = UTC"
    );
}

#[test]
fn rfc3339_applies_numeric_offset() {
    assert_eq!(
        parse_rfc3339("1994-11-06T10:49:37+02:00"),
        Some(at(RFC9110_EXAMPLE)),
        "+02:00 local time is two hours ahead of UTC"
    );
    assert_eq!(
        parse_rfc3339("1994-11-06T03:19:37-05:30"),
        Some(at(RFC9110_EXAMPLE)),
        "negative offsets add time"
    );
}

#[test]
fn rfc3339_keeps_fractional_seconds() {
    assert_eq!(
        parse_rfc3339("1994-11-06T08:49:37.25Z"),
        Some(at(RFC9110_EXAMPLE) + Duration::from_millis(250)),
        "fraction is sub-second precision"
    );
    assert_eq!(
        parse_rfc3339("1994-11-06T08:49:37.1234567891Z"),
        Some(at(RFC9110_EXAMPLE) + Duration::from_nanos(123_456_789)),
        "digits beyond nanoseconds are truncated"
    );
}

#[test]
fn rfc3339_accepts_lowercase_and_space_separator() {
    let want = Some(at(RFC9110_EXAMPLE));
    assert_eq!(
        parse_rfc3339("1994-11-06t08:49:37z"),
        want,
        "RFC 3339 §5.6 allows lowercase"
    );
    assert_eq!(
        parse_rfc3339("1994-11-06 08:49:37Z"),
        want,
        "§5.6 note allows a space"
    );
}

#[test]
fn rfc3339_handles_dates_before_the_epoch() {
    assert_eq!(
        parse_rfc3339("1969-12-31T23:59:59Z"),
        UNIX_EPOCH.checked_sub(Duration::from_secs(1)),
        "one second before 1970"
    );
}

#[test]
fn rfc3339_rejects_malformed_input() {
    for bad in [
        "",
        "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-01-01T00:00:00",
        "2024-01-01T00:00:00+2:00",
        "2024-01-01T00:00:00.Z",
        "2024-01-01X00:00:00Z",
        "2024/01/01T00:00:00Z",
        "2024-01-01T00:60:00Z",
        "２０２４-01-01T00:00:00Z",
    ] {
        assert_eq!(parse_rfc3339(bad), None, "{bad:?} is not RFC 3339");
    }
}

#[test]
fn go_duration_reads_openai_reset_values() {
    let cases = [
        ("1s", Duration::from_secs(1)),
        ("6m0s", Duration::from_secs(360)),
        ("120ms", Duration::from_millis(120)),
        ("1h2m3.5s", Duration::from_millis(3_723_500)),
        ("0", Duration::ZERO),
        ("1.5h", Duration::from_secs(5_400)),
        ("250us", Duration::from_micros(250)),
        ("7µs", Duration::from_micros(7)),
        ("30ns", Duration::from_nanos(30)),
        ("17.316s", Duration::from_millis(17_316)),
    ];
    for (text, want) in cases {
        assert_eq!(parse_go_duration(text), Some(want), "{text:?}");
    }
}

#[test]
fn go_duration_rejects_malformed_input() {
    for bad in [
        "", "s", "1", "1x", "-1s", "+1s", "1h2", "1..5s", "ms", "1 s",
    ] {
        assert_eq!(parse_go_duration(bad), None, "{bad:?} is not a Go duration");
    }
}
