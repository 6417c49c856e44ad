//! The sanity bound on what a tool's record may claim. A count read from a tool's files is
//! untrusted input: one absurd number (a bug in the tool, a damaged file, a hand edit) must not
//! reach the store, where it would make every sum overflow. The import applies [`check`] to
//! every record of every tool, in one place; a record over the bound is skipped as a corrupt
//! line, like a negative count.

use crate::skip::Skip;
use crate::Record;

/// The largest token count one record may have in any of its counts.
///
/// Why 10^12: one record is one model answer, and no model reads or writes more than its
/// context window, today at most a few million tokens (10^7 with a wide margin); 10^12 is
/// five orders of magnitude above that, so no real answer is refused. And it keeps every sum
/// exact in the store's 64-bit integers: 9 million records at the bound still sum under
/// `i64::MAX` (9.2 × 10^18), so only a store that already holds absurd rows can overflow, and
/// its reads guard against that (`switchyard_store`'s summaries) until a rescan removes them.
pub const MAX_TOKENS: u64 = 1_000_000_000_000;

/// Whether every count of `r` is within [`MAX_TOKENS`].
pub fn plausible(r: &Record) -> bool {
    [
        r.input_tokens,
        r.output_tokens,
        r.cache_read_tokens,
        r.cache_write_5m_tokens,
        r.cache_write_1h_tokens,
        r.reasoning_tokens,
    ]
    .iter()
    .all(|&n| n <= MAX_TOKENS)
}

/// `r` when [`plausible`], else a corrupt line.
pub(crate) fn check(r: Record) -> Result<Record, Skip> {
    if plausible(&r) {
        Ok(r)
    } else {
        Err(Skip::Corrupt)
    }
}

/// `a + b`, or a corrupt line when the sum does not fit (a parser adding two counts).
pub(crate) fn add(a: u64, b: u64) -> Result<u64, Skip> {
    a.checked_add(b).ok_or(Skip::Corrupt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_at_the_bound_passes_and_one_above_it_is_corrupt() {
        let at = Record {
            reasoning_tokens: MAX_TOKENS,
            ..Record::default()
        };
        assert!(check(at).is_ok(), "the bound itself is a possible count");
        let over = Record {
            cache_write_1h_tokens: MAX_TOKENS + 1,
            ..Record::default()
        };
        assert_eq!(
            check(over),
            Err(Skip::Corrupt),
            "any count over it makes the record corrupt"
        );
    }
}
