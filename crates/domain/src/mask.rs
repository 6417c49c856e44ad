//! Masked hints for keys: enough to recognise a key (`sk-…abcd`), never enough to use it.

/// A display hint for a key: its recognisable prefix and last four characters.
///
/// Short keys reveal less: under 12 characters only the last two are shown, under 6 nothing.
pub fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let n = chars.len();
    if n < 6 {
        return "…".to_string();
    }
    let tail_len = if n < 12 { 2 } else { 4 };
    let tail: String = chars[n - tail_len..].iter().collect();
    let prefix = known_prefix(key).unwrap_or("");
    // Keep at least eight characters hidden, or show only the tail.
    if prefix.chars().count() + tail_len + 8 > n {
        return format!("…{tail}");
    }
    format!("{prefix}…{tail}")
}

fn known_prefix(key: &str) -> Option<&'static str> {
    const PREFIXES: [&str; 9] = [
        "sk-ant-",
        "sk-or-",
        "sk-proj-",
        "sk-admin-",
        "sk-svcacct-",
        "sk-",
        "gsk_",
        "AIza",
        "xai-",
    ];
    PREFIXES.into_iter().find(|p| key.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::mask_key;

    #[test]
    fn openai_key_shows_prefix_and_last_four() {
        assert_eq!(mask_key("sk-1234567890abcdefabcd"), "sk-…abcd");
        assert_eq!(mask_key("sk-proj-AAAABBBBCCCCDDDDwxyz"), "sk-proj-…wxyz");
    }

    #[test]
    fn anthropic_and_google_prefixes_are_kept() {
        assert_eq!(mask_key("sk-ant-api03-zzzzzzzzzzzz9876"), "sk-ant-…9876");
        assert_eq!(mask_key("AIzaSyD-0000000000000000000001"), "AIza…0001");
    }

    #[test]
    fn unknown_formats_show_only_the_tail() {
        assert_eq!(mask_key("0123456789abcdef0123"), "…0123");
    }

    #[test]
    fn short_keys_reveal_almost_nothing() {
        assert_eq!(mask_key("abc"), "…");
        assert_eq!(mask_key("abcdefgh"), "…gh");
        assert_eq!(
            mask_key("sk-abcdefg"),
            "…fg",
            "prefix plus tail would reveal most of it"
        );
    }

    #[test]
    fn mask_never_contains_the_middle_of_the_key() {
        let key = "sk-proj-SECRETMIDDLEPART-tail9999";
        let masked = mask_key(key);
        assert!(!masked.contains("SECRET"), "{masked} leaks the key body");
    }

    #[test]
    fn multibyte_keys_do_not_panic() {
        assert_eq!(mask_key("ééééééééééééé€€€€"), "…€€€€");
    }
}
