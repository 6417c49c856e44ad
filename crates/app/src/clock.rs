//! Wall-clock time as the app stores and shows it: Unix milliseconds, and RFC 3339 (UTC) text.
//! A leaf module every feature may use; policy time inside the gateway has its own `Clock`.

/// Now, as Unix milliseconds.
pub fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0),
    )
    .unwrap_or(i64::MAX)
}

/// Unix milliseconds as RFC 3339 (UTC); empty when out of range.
pub(crate) use switchyard_store::rfc3339;
