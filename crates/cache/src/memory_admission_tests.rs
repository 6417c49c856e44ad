//! Frequency-based admission: the sketch, who gets in, and the bounds under a random workload.

use super::super::*;
use super::{cache, put};
use crate::test_support::{key, simple, T0};

/// A lookup (counted by the sketch) followed, on a miss, by a store — what `Cache` does.
fn ask(c: &mut MemoryCache, n: u64, bytes: usize, now: i64) -> bool {
    c.get(&key(n), now).is_some() || {
        put(c, n, bytes, now);
        false
    }
}

#[test]
fn a_hot_set_survives_a_scan_of_one_off_keys() {
    let mut c = cache(100, 1_000_000);
    for _ in 0..4 {
        for n in 0..50 {
            ask(&mut c, n, 10, T0);
        }
    }
    // 5,000 one-off keys, with one hot lookup every fourth: a hot key comes back only after
    // ~200 other keys, so plain LRU (100 slots) would have evicted it every time. The scan is
    // long enough for the sketch to age several times (every 2,000 lookups here).
    let mut hot_hits = 0;
    for n in 0..5_000u64 {
        ask(&mut c, 1_000 + n, 10, T0);
        if n % 4 == 0 {
            hot_hits += usize::from(ask(&mut c, n / 4 % 50, 10, T0));
        }
    }
    assert_eq!(hot_hits, 1_250, "every hot lookup during the scan is a hit");
    assert!((0..50).all(|n| c.get(&key(n), T0).is_some()));
    assert_eq!(c.len(), 100, "one-off keys still use the spare room");
}

#[test]
fn admission_rejects_a_key_asked_for_less_than_the_victim_and_changes_nothing() {
    let mut c = cache(2, 1000);
    for n in [1, 2] {
        for _ in 0..3 {
            ask(&mut c, n, 10, T0);
        }
    }
    // Lookups so far: 1 and 2 three times each; LRU order 1, 2.
    assert!(c.get(&key(3), T0).is_none());
    assert!(
        !put(&mut c, 3, 10, T0),
        "asked for once, against 3 times: not stored"
    );
    assert_eq!((c.len(), c.bytes()), (2, 20), "nothing evicted");
    assert!(c.get(&key(3), T0).is_none(), "not held");
    assert!(c.get(&key(1), T0).is_some() && c.get(&key(2), T0).is_some());
    // Lookups: 1 and 2 four times, 3 twice; two more make a tie, which is rejected.
    assert!(c.get(&key(3), T0).is_none() && c.get(&key(3), T0).is_none());
    assert_eq!(
        [1, 2, 3].map(|n| c.sketch.estimate(&key(n))),
        [4, 4, 4],
        "three-way tie"
    );
    assert!(!put(&mut c, 3, 10, T0), "a tie is rejected");
    // One lookup more than the least recently used entry (1) wins.
    assert!(c.get(&key(3), T0).is_none());
    assert!(put(&mut c, 3, 10, T0), "5 lookups against 4");
    assert!(c.get(&key(1), T0).is_none(), "1 was least recently used");
    assert!(c.get(&key(2), T0).is_some() && c.get(&key(3), T0).is_some());
}

#[test]
fn a_key_already_held_is_always_replaced() {
    let mut c = cache(2, 100);
    put(&mut c, 1, 10, T0);
    for _ in 0..5 {
        ask(&mut c, 2, 10, T0);
    }
    // 1 was never looked up, yet replacing it is not subject to admission, even when the new
    // answer needs room: the extra bytes come from plain LRU eviction (here: 2).
    assert!(c.insert(key(1), Arc::new(simple("new")), 95, T0, None));
    assert_eq!(c.get(&key(1), T0).as_deref(), Some(&simple("new")));
    assert!(c.get(&key(2), T0).is_none());
    assert_eq!((c.len(), c.bytes()), (1, 95));
}

#[test]
fn admission_weighs_every_victim_the_byte_bound_needs() {
    let mut c = cache(100, 100);
    // LRU order 1, 2, 3, 4; 1 and 3 are asked for often, 2 and 4 once.
    for n in 1..=4 {
        ask(&mut c, n, 25, T0);
    }
    for _ in 0..4 {
        assert!(c.get(&key(1), T0).is_some() && c.get(&key(3), T0).is_some());
    }
    // Now LRU order 2, 4, 1, 3. 50 bytes of room evict 2 and 4 (1 lookup each).
    c.get(&key(5), T0);
    c.get(&key(5), T0);
    assert!(put(&mut c, 5, 50, T0), "more often than 2 and 4");
    assert_eq!((c.len(), c.bytes()), (3, 100));
    // 75 bytes would also need 1 (5 lookups): rejected, nothing evicted.
    c.get(&key(6), T0);
    c.get(&key(6), T0);
    assert!(!put(&mut c, 6, 75, T0));
    assert_eq!((c.len(), c.bytes()), (3, 100));
    for n in [1, 3, 5] {
        assert!(c.get(&key(n), T0).is_some());
    }
}

#[test]
fn an_expired_victim_never_blocks_admission() {
    let mut c = cache(1, 1000);
    c.insert(
        key(1),
        Arc::new(simple("x")),
        10,
        T0,
        Some(Duration::from_secs(1)),
    );
    for _ in 0..5 {
        c.get(&key(1), T0);
    }
    assert!(put(&mut c, 2, 10, T0 + 1_000), "1 is expired: free room");
    assert!(c.get(&key(2), T0 + 1_000).is_some());
    assert_eq!(c.len(), 1);
}

#[test]
fn the_sketch_ages_so_a_key_no_longer_asked_for_gives_way() {
    let mut c = cache(2, 1000);
    // 1 was very popular (saturating its counters at 15); 2 stays in use.
    for _ in 0..20 {
        ask(&mut c, 1, 10, T0);
        ask(&mut c, 2, 10, T0);
    }
    // Now 3 is the popular one and 1 is never asked for again.
    let mut rounds = 0;
    while !ask(&mut c, 3, 10, T0) {
        ask(&mut c, 2, 10, T0);
        rounds += 1;
        assert!(rounds < 200, "3 never got in");
    }
    // Without the halving, 3 could at best tie 1's saturated 15 and would be rejected forever.
    assert!(
        rounds > 10,
        "1's past popularity held 3 off for a while ({rounds})"
    );
    assert!(c.get(&key(1), T0).is_none(), "1 gave way");
    assert!(c.get(&key(2), T0).is_some(), "2, still in use, stayed");
}

#[test]
fn the_sketch_counts_saturates_and_halves() {
    let mut s = sketch::FrequencySketch::new(100);
    for n in 0..100 {
        for _ in 0..(n % 7) {
            s.increment(&key(n));
        }
    }
    for n in 0..100 {
        assert!(
            s.estimate(&key(n)) >= (n % 7) as u8,
            "never an underestimate"
        );
    }
    let exact = (0..100)
        .filter(|&n| s.estimate(&key(n)) == (n % 7) as u8)
        .count();
    assert!(
        exact >= 95,
        "collisions are rare at this width ({exact}/100)"
    );
    for _ in 0..40 {
        s.increment(&key(1_000));
    }
    assert_eq!(s.estimate(&key(1_000)), 15, "4-bit counters saturate");
    // The halving comes with the 100 × 20 = 2,000th increment that changed a counter: 295 + 15
    // are done (the 25 beyond saturation changed nothing).
    for n in 0..1_689 {
        s.increment(&key(2_000 + n));
    }
    assert_eq!(s.estimate(&key(1_000)), 15, "not yet");
    s.increment(&key(9_999));
    assert_eq!(s.estimate(&key(1_000)), 7, "halved");
    assert!(s.estimate(&key(6)) <= 3);
}

/// The bounds, the byte accounting, expiry and `insert`'s answer, under a random workload.
#[test]
fn bounds_hold_under_a_random_workload() {
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }
    let (max_entries, max_bytes) = (16, 400);
    let mut c = cache(max_entries, max_bytes);
    let mut rng = Rng(42);
    let mut now = T0;
    let (mut stored, mut not_admitted, mut hits) = (0, 0, 0);
    for step in 0..50_000u64 {
        now += rng.below(50) as i64;
        // Skewed keys: a few hot ones, many cold ones.
        let n = if rng.below(10) < 6 {
            rng.below(8)
        } else {
            rng.below(200)
        };
        let k = key(n);
        match rng.below(100) {
            0..=54 => {
                let held = c.map.get(&k).filter(|s| s.expires_at > now);
                let expected = held.map(|s| Arc::clone(&s.answer));
                let got = c.get(&k, now);
                assert_eq!(got.is_some(), expected.is_some(), "step {step}");
                if let (Some(g), Some(e)) = (got, expected) {
                    assert!(Arc::ptr_eq(&g, &e));
                    hits += 1;
                }
                assert!(c.map.get(&k).is_none_or(|s| s.expires_at > now));
            }
            55..=89 => {
                let bytes = match rng.below(20) {
                    0 => max_bytes + 1,
                    1..=3 => 100 + rng.below(200) as usize,
                    _ => 1 + rng.below(60) as usize,
                };
                let ttl = match rng.below(10) {
                    0 => Some(Duration::ZERO),
                    1..=4 => Some(Duration::from_millis(1 + rng.below(3_000))),
                    _ => None,
                };
                let text = format!("{n}@{step}");
                let ok = c.insert(k, Arc::new(simple(&text)), bytes, now, ttl);
                assert_eq!(ok, c.map.contains_key(&k), "`true` means stored");
                if ok {
                    stored += 1;
                    assert_eq!(c.get(&k, now).as_deref(), Some(&simple(&text)));
                } else if bytes <= max_bytes && ttl != Some(Duration::ZERO) {
                    not_admitted += 1;
                }
            }
            90..=94 => {
                let held = c.map.contains_key(&k);
                assert_eq!(c.remove(&k), held);
            }
            95..=97 => {
                c.purge_expired(now);
                assert!(c.map.values().all(|s| s.expires_at > now));
            }
            98 => {
                c.remove_where(|a| a.response.id.len() % 2 == 0);
            }
            _ => {
                if rng.below(20) == 0 {
                    c.clear();
                }
            }
        }
        assert!(
            c.len() <= max_entries && c.bytes() <= max_bytes,
            "step {step}"
        );
        assert_eq!(c.bytes(), c.map.values().map(|s| s.bytes).sum::<usize>());
        assert_eq!(c.order.len(), c.map.len());
        assert!(c.order.iter().all(|(t, k)| c.map[k].tick == *t));
    }
    // The workload exercised every path.
    assert!(
        stored > 1_000 && not_admitted > 1_000 && hits > 1_000,
        "{stored} {not_admitted} {hits}"
    );
}
