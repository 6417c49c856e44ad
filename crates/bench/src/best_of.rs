//! The micro-benchmarks' one timing loop (`headroom-bench`, `egress-bench`): nanoseconds per
//! call, the best of three runs.

use std::time::Instant;

/// Nanoseconds per call of `f`, the best of three runs of `rounds` calls.
pub fn ns(rounds: u32, mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..rounds {
                f();
            }
            started.elapsed().as_nanos() as f64 / f64::from(rounds)
        })
        .fold(f64::INFINITY, f64::min)
}
