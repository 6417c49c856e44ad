//! Display formatting for USD amounts. The only place money is rounded.

/// Formats USD for display: two decimals from $1 ("$12.34"), four below ("$0.0042"),
/// "<$0.0001" for tiny non-zero amounts, "$0.00" for zero, "n/a" for non-finite input.
pub fn format_usd(usd: f64) -> String {
    if !usd.is_finite() {
        return "n/a".to_owned();
    }
    let sign = if usd < 0.0 { "-" } else { "" };
    let abs = usd.abs();
    if abs == 0.0 {
        "$0.00".to_owned()
    } else if abs < 0.0001 {
        format!("{sign}<$0.0001")
    } else if abs < 0.99995 {
        // Below this, four decimals would not round up to "1.0000".
        format!("{sign}${abs:.4}")
    } else {
        format!("{sign}${abs:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::format_usd;

    #[test]
    fn amounts_get_precision_that_suits_their_size() {
        assert_eq!(format_usd(0.0042), "$0.0042");
        assert_eq!(format_usd(12.3449), "$12.34");
        assert_eq!(format_usd(0.00004), "<$0.0001");
        assert_eq!(format_usd(0.0), "$0.00");
        assert_eq!(format_usd(0.25), "$0.2500");
        assert_eq!(format_usd(0.99999), "$1.00");
        assert_eq!(format_usd(1234.5), "$1234.50");
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        assert_eq!(format_usd(f64::NAN), "n/a");
        assert_eq!(format_usd(f64::INFINITY), "n/a");
        assert_eq!(format_usd(-0.5), "-$0.5000");
    }
}
