//! Header names the gateway sets on answers, made once: a name given as a `&str` that is not one
//! of HTTP's standard headers is copied into a new buffer on every insert.

use axum::http::HeaderName;

pub const BACKEND: HeaderName = HeaderName::from_static("x-switchyard-backend");
pub const MODEL: HeaderName = HeaderName::from_static("x-switchyard-model");
pub const REASON: HeaderName = HeaderName::from_static("x-switchyard-reason");
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-switchyard-request-id");
/// The ids the official SDKs surface (`_request_id`, `requestID`).
pub const SDK_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
pub const SDK_REQUEST_ID_SHORT: HeaderName = HeaderName::from_static("request-id");
pub const CACHE: HeaderName = HeaderName::from_static("x-switchyard-cache");
pub const ERROR: HeaderName = HeaderName::from_static("x-switchyard-error");
pub const KEEP_ALIVE: HeaderName = HeaderName::from_static("keep-alive");

/// A new request id: a UUIDv7 (time-ordered, so the ledger's id index grows at its end) whose
/// random bits come from a generator per thread, seeded once from the OS. `Uuid::now_v7` asks
/// the OS for fresh random bytes twice per id (two system calls per request).
pub fn request_id() -> String {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new(uuid::Uuid::new_v4().as_u64_pair().0);
    }
    // SplitMix64, seeded at a random point per thread. The id keeps 74 of the 80 bits drawn
    // (the version and variant take 6): unique by chance, as any random UUID, with about
    // 2^-74 odds for two ids of one millisecond, not by a counter as `now_v7`'s shared context
    // is (the ledger orders by `started_at`, not by id).
    let next = || {
        STATE.with(|s| {
            let x = s.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
            s.set(x);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
    };
    let (a, b) = (next().to_le_bytes(), next().to_le_bytes());
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&a);
    random[8..].copy_from_slice(&b[..2]);
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    uuid::Builder::from_unix_timestamp_millis(millis, &random)
        .into_uuid()
        .simple()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_version_7_distinct_and_time_ordered_by_millisecond() {
        let ids: Vec<String> = (0..10_000).map(|_| request_id()).collect();
        let unique: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        for id in &ids {
            let u = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(u.get_version_num(), 7, "{id}");
            assert_eq!(id.len(), 32);
        }
        // The first 12 hex digits are the millisecond: never decreasing.
        assert!(ids.windows(2).all(|w| w[0][..12] <= w[1][..12]));
        let other = std::thread::spawn(request_id).join().unwrap();
        assert!(!ids.contains(&other));
    }
}
