use super::*;
use crate::sample::Outcome;
use crate::test_support::{sample, SEC, T0};

/// An hour-aligned origin, so 120 samples at 30 s fill exactly one hour bucket.
const H0: i64 = 1_699_999_200_000;

/// One backend-level sample every 30 s from `T0`, with the given outcome and latency.
fn history(script: impl IntoIterator<Item = (Outcome, u32)>) -> Vec<ProbeSample> {
    script
        .into_iter()
        .zip(0i64..)
        .map(|((o, ms), i)| sample("a", None, o, ms, H0 + i * 30 * SEC))
        .collect()
}

/// A deterministic spread of latencies, 1 ms to ~30 s, with some failures.
fn scripted(n: u32) -> Vec<ProbeSample> {
    history((0..n).map(|i| {
        let outcome = match i % 50 {
            7 => Outcome::Timeout,
            19 => Outcome::ProviderError,
            _ => Outcome::Ok,
        };
        (outcome, 1 + (i * 7919) % 30_000)
    }))
}

#[test]
fn three_failures_in_a_thousand_is_exactly_99_7_percent_uptime() {
    let samples = history((0..1000).map(|i| {
        let o = if [10, 500, 999].contains(&i) {
            Outcome::Unreachable
        } else {
            Outcome::Ok
        };
        (o, 100)
    }));
    let up = Aggregate::of(&samples).unwrap().uptime();
    assert_eq!(
        up,
        Uptime {
            up: 997,
            total: 1000
        },
        "uptime is a count of Ok samples"
    );
    assert!(
        (up.percent().unwrap() - 99.7).abs() < 1e-9,
        "{:?}",
        up.percent()
    );
    assert!(
        (up.error_rate().unwrap() - 0.003).abs() < 1e-12,
        "error rate = 1 − uptime"
    );
    assert_eq!(up.failures(), 3);
}

#[test]
fn every_non_ok_outcome_counts_as_down() {
    use Outcome::*;
    let samples = history(
        [
            Ok,
            Invalid,
            RateLimited,
            Unreachable,
            Timeout,
            ProviderError,
        ]
        .map(|o| (o, 50)),
    );
    assert_eq!(
        Aggregate::of(&samples).unwrap().uptime(),
        Uptime { up: 1, total: 6 }
    );
}

#[test]
fn no_samples_means_no_uptime_and_no_percentiles() {
    let agg = Aggregate::of(&[]).unwrap();
    assert_eq!(agg.uptime().percent(), None);
    assert_eq!(agg.percentiles(), None);
}

#[test]
fn percentiles_of_1_to_100_ms_are_exact() {
    // Recorded out of order on purpose.
    let samples = history((1..=100).rev().map(|ms| (Outcome::Ok, ms)));
    let p = Aggregate::of(&samples).unwrap().percentiles().unwrap();
    let expected = Percentiles {
        count: 100,
        p50_ms: 50,
        p95_ms: 95,
        p99_ms: 99,
        max_ms: 100,
    };
    assert_eq!(p, expected, "nearest rank: ⌈q·100⌉-th smallest");
}

#[test]
fn percentiles_ignore_the_latency_of_failed_probes() {
    let mut samples = history((1..=100).map(|ms| (Outcome::Ok, ms)));
    samples.push(sample("a", None, Outcome::ProviderError, 0, H0));
    samples.last_mut().unwrap().latency_ms = Some(60_000);
    let p = Aggregate::of(&samples).unwrap().percentiles().unwrap();
    assert_eq!(
        (p.count, p.max_ms),
        (100, 100),
        "a slow 500 is not serving latency"
    );
}

#[test]
fn large_latencies_stay_within_hdr_precision() {
    let samples = history((1..=100).map(|i| (Outcome::Ok, i * 10_007)));
    let p = Aggregate::of(&samples).unwrap().percentiles().unwrap();
    for (got, exact) in [
        (p.p50_ms, 50 * 10_007),
        (p.p95_ms, 95 * 10_007),
        (p.p99_ms, 99 * 10_007),
    ] {
        let err = (got as f64 - exact as f64).abs() / exact as f64;
        assert!(err <= 0.001, "{got} vs {exact}: 3 significant digits");
    }
}

#[test]
fn nearest_rank_matches_the_hdr_definition_on_raw_values() {
    let mut v: Vec<u64> = (1..=100).rev().collect();
    assert_eq!(nearest_rank(&mut v, 0.95), Some(95));
    assert_eq!(nearest_rank(&mut v, 0.0), Some(1), "q = 0 is the smallest");
    assert_eq!(nearest_rank(&mut v, 1.0), Some(100), "q = 1 is the largest");
    let mut twenty: Vec<u64> = (1..=20).collect();
    assert_eq!(
        nearest_rank(&mut twenty, 0.95),
        Some(19),
        "⌈0.95 × 20⌉ = 19"
    );
    assert_eq!(nearest_rank(&mut [], 0.5), None);
}

#[test]
fn buckets_start_on_whole_minutes_and_hours_also_before_1970() {
    assert_eq!(
        Bucket::Minute.start_of(T0),
        1_699_999_980_000,
        "T0 is 20 s into its minute"
    );
    assert_eq!(Bucket::Hour.start_of(T0), H0, "and 800 s into its hour");
    assert_eq!(Bucket::Hour.start_of(7_199_999), 3_600_000);
    assert_eq!(
        Bucket::Minute.start_of(-1),
        -60_000,
        "floor, not truncation"
    );
}

#[test]
fn merged_rollups_equal_the_raw_samples() {
    let samples = scripted(720); // 6 hours at 30 s
    let raw = Aggregate::of(&samples).unwrap();
    let minutes = rollup_samples(&samples, Bucket::Minute).unwrap();
    assert_eq!(minutes.len(), 360, "two samples per minute");
    let hours = rollup(&minutes, Bucket::Hour).unwrap();
    assert_eq!(hours.len(), 6);
    assert!(hours.iter().all(|h| h.probes == 120), "120 probes per hour");
    for merged in [
        summarize(&minutes, i64::MIN, i64::MAX),
        summarize(&hours, i64::MIN, i64::MAX),
    ] {
        let merged = merged.unwrap();
        assert_eq!(merged.uptime(), raw.uptime(), "counts add up exactly");
        assert_eq!(
            merged.percentiles(),
            raw.percentiles(),
            "percentiles of the merge = of the raw"
        );
        assert_eq!(
            merged.histogram(),
            raw.histogram(),
            "the very same histogram"
        );
    }
    // Failures at i % 50 ∈ {7, 19}: 15 of each in 720 samples.
    assert_eq!(
        raw.uptime(),
        Uptime {
            up: 690,
            total: 720
        }
    );
}

#[test]
fn a_window_takes_the_buckets_starting_inside_it() {
    let samples = scripted(240); // 2 hours
    let hours = rollup(
        &rollup_samples(&samples, Bucket::Minute).unwrap(),
        Bucket::Hour,
    )
    .unwrap();
    let first = hours[0].bucket_start_unix_ms;
    let one = summarize(&hours, first, first + 3_600_000).unwrap();
    assert_eq!(one.probes(), 120, "[from, to) holds exactly the first hour");
    let none = summarize(&hours, first + 1, first + 3_600_000).unwrap();
    assert_eq!(
        none.probes(),
        0,
        "a bucket starting before `from` is left out"
    );
}

#[test]
fn rollups_survive_encoding_and_json() {
    let samples = scripted(100);
    let r = rollup_samples(&samples, Bucket::Hour).unwrap().remove(0);
    let json = serde_json::to_string(&r).unwrap();
    assert!(
        json.contains("\"bucketStartUnixMs\""),
        "camelCase for the app: {json}"
    );
    let back: Rollup = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    let agg = back.decode().unwrap();
    assert_eq!(
        agg.percentiles(),
        Aggregate::of(&samples).unwrap().percentiles()
    );
}

#[test]
fn rolling_up_into_narrower_buckets_is_refused() {
    let hours = rollup_samples(&scripted(10), Bucket::Hour).unwrap();
    let err = rollup(&hours, Bucket::Minute).unwrap_err();
    assert!(matches!(err, StatsError::Granularity { .. }), "{err}");
}

#[test]
fn garbage_histogram_bytes_are_a_decode_error() {
    let mut r = rollup_samples(&scripted(10), Bucket::Hour)
        .unwrap()
        .remove(0);
    r.histogram = vec![1, 2, 3];
    assert!(matches!(r.decode(), Err(StatsError::Decode(_))));
}

#[test]
fn sla_is_met_at_exactly_the_target_and_breached_below() {
    let target = SlaTarget::default();
    let met = target
        .check(Uptime {
            up: 999,
            total: 1000,
        })
        .unwrap();
    assert!(!met.breached, "99.9 % meets 99.9 %");
    assert_eq!((met.allowed_failures, met.budget_left), (1, 0));
    let breached = target
        .check(Uptime {
            up: 997,
            total: 1000,
        })
        .unwrap();
    assert!(breached.breached, "99.7 % breaches 99.9 %");
    assert_eq!(breached.budget_left, -2, "two failures over budget");
    assert_eq!(
        target.check(Uptime::default()),
        None,
        "no samples, no verdict"
    );
}

#[test]
fn sla_targets_read_basis_points_exactly() {
    let t = SlaTarget::from_basis_points(9990);
    assert!(
        !t.check(Uptime {
            up: 999,
            total: 1000
        })
        .unwrap()
        .breached
    );
    assert!(
        t.check(Uptime {
            up: 998,
            total: 1000
        })
        .unwrap()
        .breached
    );
    let all = SlaTarget::from_basis_points(10_000);
    assert_eq!(
        all.check(Uptime {
            up: 999,
            total: 1000
        })
        .unwrap()
        .allowed_failures,
        0
    );
}

#[test]
fn sla_targets_apply_per_backend() {
    let targets = SlaTargets {
        default: SlaTarget(99.9),
        per_backend: [("local".to_string(), SlaTarget(99.0))].into(),
    };
    let up = Uptime {
        up: 995,
        total: 1000,
    };
    assert!(
        targets.for_backend("openai").check(up).unwrap().breached,
        "default 99.9 %"
    );
    assert!(
        !targets.for_backend("local").check(up).unwrap().breached,
        "override 99 %"
    );
}
