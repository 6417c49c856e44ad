//! Values longer than one keychain entry takes, split across several.
//!
//! Windows' Credential Manager holds at most 2560 bytes per credential
//! (`CRED_MAX_CREDENTIAL_BLOB_SIZE`), and a password is kept there as UTF-16: 1280 UTF-16 units.
//! A provider key is far shorter, but a tool's connection record (the values a connect replaced,
//! with the files' paths) can be longer — measured under Wine with a 300-character path. So a
//! value over [`MAX_UNITS`] goes into entries `<account>#1` … `<account>#n` and the entry
//! `<account>` holds [`HEADER`]`n`. The same split is used on every platform, so the Linux suites
//! (the real Secret Service included) exercise it.

/// The most UTF-16 units one entry holds (Windows' limit is 1280; some room kept).
pub const MAX_UNITS: usize = 1200;
/// What the first entry of a split value holds, followed by the number of parts.
pub const HEADER: &str = "switchyard-parts:";
/// More parts than any record needs: a damaged header cannot make a reader loop for long.
pub const MAX_PARTS: usize = 64;

/// The account of part `i` (from 1) of `account`.
pub fn part_account(account: &str, i: usize) -> String {
    format!("{account}#{i}")
}

/// `value` in pieces of at most [`MAX_UNITS`] UTF-16 units, whole characters each; `None` when
/// it fits in one entry.
pub fn split(value: &str) -> Option<Vec<&str>> {
    if value.encode_utf16().count() <= MAX_UNITS {
        return None;
    }
    let mut parts = Vec::new();
    let (mut start, mut units) = (0, 0);
    for (i, c) in value.char_indices() {
        if units + c.len_utf16() > MAX_UNITS {
            parts.push(&value[start..i]);
            (start, units) = (i, 0);
        }
        units += c.len_utf16();
    }
    parts.push(&value[start..]);
    Some(parts)
}

/// The number of parts a first entry announces; `None` when it holds a value of its own.
pub fn count(first: &str) -> Option<usize> {
    first.strip_prefix(HEADER)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_stay_whole() {
        assert_eq!(split("sk-ant-api03-abc"), None);
        assert_eq!(split(&"x".repeat(MAX_UNITS)), None);
    }

    #[test]
    fn long_values_split_on_characters_within_the_limit() {
        let value = format!("{}{}", "é".repeat(MAX_UNITS), "😀".repeat(700));
        let parts = split(&value).unwrap();
        assert!(parts.len() >= 3, "{}", parts.len());
        assert!(parts.iter().all(|p| p.encode_utf16().count() <= MAX_UNITS));
        assert_eq!(parts.concat(), value);
    }

    #[test]
    fn headers_are_read_back() {
        assert_eq!(count(&format!("{HEADER}3")), Some(3));
        assert_eq!(count("sk-proj-…"), None);
        assert_eq!(count(&format!("{HEADER}x")), None);
    }
}
