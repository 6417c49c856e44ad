//! Small, exact formatters for human reasons and summaries ("2.3 s", "4 min", "35 %").
//! Invariant: output is deterministic and locale-free, so tests can pin whole sentences.

/// Milliseconds as seconds with at most one decimal, trailing ".0" dropped: 2300 → "2.3 s",
/// 2000 → "2 s", 5 → "0 s".
pub(crate) fn secs(ms: u64) -> String {
    let tenths = (ms + 50) / 100;
    if tenths.is_multiple_of(10) {
        format!("{} s", tenths / 10)
    } else {
        format!("{}.{} s", tenths / 10, tenths % 10)
    }
}

/// Milliseconds as whole minutes, rounded up, at least 1: 61 000 → "2 min".
pub(crate) fn minutes_ceil(ms: i64) -> String {
    let m = (ms.max(0) + 59_999) / 60_000;
    format!("{} min", m.max(1))
}

/// A ratio in `[0, 1]` as a percentage with at most one decimal: 0.35 → "35 %", 0.125 → "12.5 %".
pub(crate) fn percent(ratio: f64) -> String {
    let tenths = (ratio * 1000.0).round();
    if tenths % 10.0 == 0.0 {
        format!("{} %", tenths / 10.0)
    } else {
        format!("{:.1} %", tenths / 10.0)
    }
}

/// A number with at most three decimals, trailing zeros dropped: 0.42000001 → "0.42", 3.0 → "3".
pub(crate) fn number(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}
