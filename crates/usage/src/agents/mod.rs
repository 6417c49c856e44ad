//! The newer agents' records, one JSON value per line: Copilot CLI's session events, Qwen Code's
//! chat log, Pi's session log, and Factory Droid's debug log (its per-call lines; its session
//! files keep only running totals). Each parser reads an owned struct of the fields it uses:
//! serde skips every other field without building it, so a line read from the file as it is
//! read ([`crate::tail::Line::Large`]) gives the same result as one held in memory.

pub(crate) mod copilot;
pub(crate) mod droid;
pub(crate) mod pi;
pub(crate) mod qwen;

use crate::skip::Skip;
use serde::de::DeserializeOwned;
use std::io::BufRead;

/// One line as `T` (a line that is not JSON of that shape is corrupt).
pub(crate) fn from_line<T: DeserializeOwned>(line: Line<'_>) -> Result<T, Skip> {
    match line {
        Line::Held(b) => serde_json::from_slice(b).map_err(|_| Skip::Corrupt),
        Line::Read(r) => serde_json::from_reader(r).map_err(|_| Skip::Corrupt),
    }
}

/// A line in memory, or one read from its file.
pub(crate) enum Line<'a> {
    Held(&'a [u8]),
    Read(&'a mut dyn BufRead),
}

impl<'a> From<crate::tail::Line<'a>> for Line<'a> {
    fn from(l: crate::tail::Line<'a>) -> Self {
        match l {
            crate::tail::Line::Complete(b) => Line::Held(b),
            crate::tail::Line::Large(r) => Line::Read(r),
        }
    }
}

/// Unix milliseconds of an RFC 3339 time; a record without one is not counted.
pub(crate) fn time(t: Option<&str>) -> Result<i64, Skip> {
    t.and_then(crate::rfc3339_ms).ok_or(Skip::NoTime)
}

/// `total` with the cache tokens it includes taken out, when it does include them (a total
/// smaller than its cache tokens counts them apart already).
pub(crate) fn without_cache(total: u64, cache: u64) -> u64 {
    total.checked_sub(cache).unwrap_or(total)
}

#[cfg(test)]
mod tests;
