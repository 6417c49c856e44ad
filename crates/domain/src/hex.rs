//! Lower-case hex for the 32-byte token hashes the stores keep (the desktop's SQLite and the
//! team's PostgreSQL write and read them the same way).

/// `bytes` as lower-case hex.
pub fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 64 hex digits as 32 bytes; `None` for anything else.
pub fn decode32(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_read_back_is_the_hash_written_and_anything_else_is_refused() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i * 8) as u8);
        assert_eq!(decode32(&encode(&bytes)), Some(bytes));
        assert_eq!(decode32("ab"), None);
        assert_eq!(decode32(&"zz".repeat(32)), None);
        assert_eq!(decode32(&"é".repeat(32)), None);
    }
}
