//! Serde adapter that writes a `Duration` as whole milliseconds (`u64`), so configuration reads
//! `"openForMs": 60000` instead of serde's default `{ "secs": 60, "nanos": 0 }`.
//! Invariant: sub-millisecond precision is dropped on serialisation; huge values saturate.

use serde::{Deserialize, Deserializer, Serializer};
use std::time::Duration;

/// Serialises `d` as whole milliseconds, saturating at `u64::MAX`.
pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Reads whole milliseconds into a `Duration`.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    u64::deserialize(d).map(Duration::from_millis)
}
