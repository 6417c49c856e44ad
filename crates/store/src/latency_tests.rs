use super::*;
use crate::hour_of;
use crate::Store;

const ALL: (i64, i64) = (0, i64::MAX);
const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;
/// The documented relative error bound, `2^(1/4) − 1`, rounded up.
const BOUND: f64 = 0.1893;

pub(super) fn req(
    id: usize,
    at: &str,
    backend: Option<&str>,
    status: u16,
    latency_ms: u32,
) -> RequestRecord {
    RequestRecord {
        id: format!("r{id}"),
        started_at: at.into(),
        inbound: "openai".into(),
        requested_model: "m".into(),
        backend: backend.map(str::to_string),
        model: Some("m".into()),
        status,
        attempts: 1,
        latency_ms,
        ..Default::default()
    }
}

/// Answered requests of backend "A" with these latencies, spread over the hours of a day.
fn answered(latencies: &[u32]) -> Vec<RequestRecord> {
    latencies
        .iter()
        .enumerate()
        .map(|(i, &ms)| {
            let at = format!("2026-11-20T{:02}:{:02}:00Z", i % 24, i % 60);
            req(i, &at, Some("A"), 200, ms)
        })
        .collect()
}

/// Nearest-rank percentile of raw values, the definition the histogram approximates.
fn exact(sorted: &[u32], per_mille: u64) -> f64 {
    let rank = (sorted.len() as u64 * per_mille).div_ceil(1000).max(1);
    f64::from(sorted[rank as usize - 1])
}

fn within_bound(estimate: f64, exact: f64) -> bool {
    let allowed = if exact <= 1.0 { 1.0 } else { BOUND * exact };
    (estimate - exact).abs() <= allowed
}

/// xorshift64*: reproducible spreads of latencies without a dependency.
fn spread(n: usize, seed: u64, f: impl Fn(u64) -> u32) -> Vec<u32> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            f(x.wrapping_mul(0x2545_F491_4F6C_DD1D))
        })
        .collect()
}

/// `(hour, backend, bucket, count)` of every non-empty stored bucket, in that order.
pub(super) fn histogram_rows(s: &Store) -> Vec<(i64, String, i64, i64)> {
    let sql = "SELECT hour_ms, backend, counts FROM latency_hours ORDER BY 1, 2";
    let packed: Vec<(i64, String, String)> = s
        .with(|c| {
            Ok(c.prepare(sql)?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?)
        })
        .unwrap();
    let cells = |(h, b, counts): (i64, String, String)| {
        let hist = unpack(&counts).unwrap();
        (0..=LAST_BUCKET)
            .filter(move |&k| hist[k] > 0)
            .map(move |k| (h, b.clone(), k as i64, hist[k] as i64))
    };
    packed.into_iter().flat_map(cells).collect()
}

#[test]
fn edges_are_the_ceiling_of_quarter_powers_of_two() {
    assert_eq!(EDGES_MS[0], 0, "bucket 0 starts at 0 ms");
    for (b, &lo) in EDGES_MS.iter().enumerate().skip(1) {
        let (lo, pow) = (u128::from(lo), 1u128 << b);
        assert!(
            lo.pow(4) >= pow && (lo - 1).pow(4) < pow,
            "edge {b} must be ⌈2^({b}/4)⌉, got {lo}"
        );
    }
    assert_eq!((bucket_of(0), bucket_of(1), bucket_of(2)), (0, 0, 4));
    assert_eq!(bucket_of(623_487), LAST_BUCKET - 1);
    assert_eq!(
        bucket_of(623_488),
        LAST_BUCKET,
        "≈ 10.4 min opens the last bucket"
    );
    assert_eq!(bucket_of(u32::MAX), LAST_BUCKET);
}

#[test]
fn every_bucket_is_narrower_than_the_documented_bound() {
    for ms in 2..623_488u32 {
        let (lo, hi) = span(bucket_of(ms));
        let v = f64::from(ms);
        assert!(
            lo <= v && v <= hi,
            "{ms} ms lies in its bucket's span {lo}–{hi}"
        );
        assert!(
            hi - lo <= BOUND * v,
            "{ms} ms: bucket {lo}–{hi} is wider than the bound"
        );
    }
    assert_eq!(
        span(LAST_BUCKET),
        (623_488.0, 623_488.0),
        "open: reads as its lower edge"
    );
}

#[test]
fn percentiles_are_within_the_bound_of_exact_ones() {
    let shapes: [(&str, Vec<u32>); 4] = [
        ("uniform", spread(2000, 7, |x| 80 + (x % 3000) as u32)),
        // 1 ms to 8.7 min, as many per doubling: 2^e plus a uniform part of the next 2^e.
        (
            "heavy tail",
            spread(3000, 11, |x| {
                ((1 << (x % 19)) + (x >> 32) % (1 << (x % 19))) as u32
            }),
        ),
        ("tiny", spread(500, 17, |x| (x % 6) as u32)),
        ("one value", vec![1234; 50]),
    ];
    for (name, raw) in shapes {
        let s = Store::open_in_memory().unwrap();
        s.ledger().insert_requests(&answered(&raw)).unwrap();
        let mut sorted = raw.clone();
        sorted.sort_unstable();
        let got = s
            .ledger()
            .latency_percentiles(ALL.0, ALL.1, None, 0, None)
            .unwrap();
        assert_eq!(got.len(), 1, "{name}: one point for the whole range");
        let p = got[0];
        assert_eq!((p.bucket_ms, p.count), (ALL.0, raw.len() as u64));
        for (est, per_mille) in [(p.p50, 500), (p.p90, 900), (p.p95, 950), (p.p99, 990)] {
            let want = exact(&sorted, per_mille);
            assert!(
                within_bound(est, want),
                "{name}: p{} is {est}, exact {want}",
                per_mille / 10
            );
        }
        assert!(p.p50 <= p.p90 && p.p90 <= p.p95 && p.p95 <= p.p99);
    }
}

#[test]
fn a_repeated_batch_is_not_counted_twice() {
    let s = Store::open_in_memory().unwrap();
    let rows = answered(&spread(400, 3, |x| 50 + (x % 500) as u32));
    s.ledger().insert_requests(&rows[..300]).unwrap();
    let before = histogram_rows(&s);
    s.ledger().insert_requests(&rows[..300]).unwrap();
    assert_eq!(histogram_rows(&s), before, "same ids: nothing added");
    s.ledger().insert_requests(&rows[200..]).unwrap();
    let p = s
        .ledger()
        .latency_percentiles(ALL.0, ALL.1, None, 0, None)
        .unwrap();
    assert_eq!(p[0].count, 400, "100 repeated ids skipped, 100 new counted");
}

#[test]
fn errors_are_left_out_and_backends_kept_apart() {
    let s = Store::open_in_memory().unwrap();
    let at = "2026-11-20T10:00:00Z";
    let mut rows: Vec<RequestRecord> = (0..100)
        .map(|i| req(i, at, Some("A"), 200, 100 + i as u32))
        .collect();
    // Timeouts, refusals and rate limits: their latency is a limit, not the service.
    rows.extend((100..150).map(|i| req(i, at, Some("A"), 504, 60_000)));
    rows.extend((150..160).map(|i| req(i, at, Some("A"), 0, 30_000)));
    rows.extend((160..170).map(|i| req(i, at, Some("A"), 429, 1)));
    rows.extend((170..180).map(|i| req(i, at, Some("A"), 304, 150)));
    rows.extend((180..190).map(|i| req(i, at, None, 200, 5)));
    rows.extend((190..200).map(|i| req(i, at, Some("B"), 200, 2000)));
    s.ledger().insert_requests(&rows).unwrap();
    let a = s
        .ledger()
        .latency_percentiles(ALL.0, ALL.1, None, 0, Some("A"))
        .unwrap();
    assert_eq!(
        a[0].count, 110,
        "100 answered + 10 status 304; 70 errors left out"
    );
    assert!(a[0].p99 < 250.0, "no timeout reaches p99: {}", a[0].p99);
    let none = s
        .ledger()
        .latency_percentiles(ALL.0, ALL.1, None, 0, Some(""))
        .unwrap();
    assert_eq!((none[0].count, none[0].p50.round()), (10, 5.0));
    let all = s
        .ledger()
        .latency_percentiles(ALL.0, ALL.1, None, 0, None)
        .unwrap();
    assert_eq!(all[0].count, 130);
    let unknown = s
        .ledger()
        .latency_percentiles(ALL.0, ALL.1, None, 0, Some("C"))
        .unwrap();
    assert!(unknown.is_empty(), "no answered request: no point");
}

#[test]
fn day_buckets_follow_the_user_offset() {
    let s = Store::open_in_memory().unwrap();
    let groups = [
        ("2026-11-20T02:00:00Z", 100),
        ("2026-11-20T10:00:00Z", 1000),
        ("2026-11-21T03:00:00Z", 1000),
        ("2026-11-21T20:00:00Z", 5000),
    ];
    let rows: Vec<RequestRecord> = (0..40)
        .map(|i| {
            let (at, ms) = groups[i / 10];
            req(i, at, Some("A"), 200, ms)
        })
        .collect();
    s.ledger().insert_requests(&rows).unwrap();
    let utc = s
        .ledger()
        .latency_percentiles(ALL.0, ALL.1, Some(DAY), 0, None)
        .unwrap();
    assert_eq!(
        utc.iter()
            .map(|p| (p.bucket_ms, p.count))
            .collect::<Vec<_>>(),
        [
            (hour_of("2026-11-20T00:00:00Z").unwrap(), 20),
            (hour_of("2026-11-21T00:00:00Z").unwrap(), 20)
        ]
    );
    // Seen from UTC-5, local midnight is 05:00 UTC: 02:00 belongs to the day before.
    let local = s
        .ledger()
        .latency_percentiles(ALL.0, ALL.1, Some(DAY), -5 * HOUR, None)
        .unwrap();
    let series = s
        .ledger()
        .usage_series(ALL.0, ALL.1, DAY, -5 * HOUR, None)
        .unwrap();
    assert_eq!(
        local.iter().map(|p| p.bucket_ms).collect::<Vec<_>>(),
        series.iter().map(|u| u.0).collect::<Vec<_>>(),
        "the same buckets as usage_series"
    );
    assert_eq!(local[0].bucket_ms, hour_of("2026-11-19T05:00:00Z").unwrap());
    let medians: Vec<(u64, f64)> = local.iter().map(|p| (p.count, p.p50)).collect();
    assert_eq!(medians.len(), 3);
    for ((count, p50), want) in medians
        .iter()
        .zip([(10, 100.0), (20, 1000.0), (10, 5000.0)])
    {
        assert_eq!(*count, want.0);
        assert!(
            within_bound(*p50, want.1),
            "median {p50}, want ≈ {}",
            want.1
        );
    }
    let first_day = s
        .ledger()
        .latency_percentiles(
            ALL.0,
            hour_of("2026-11-21T00:00:00Z").unwrap(),
            Some(DAY),
            0,
            None,
        )
        .unwrap();
    assert_eq!(first_day.len(), 1, "until_ms bounds the hours read");
}

#[test]
fn a_bucket_that_is_not_whole_hours_is_invalid() {
    let s = Store::open_in_memory().unwrap();
    for bucket in [1000, 0, -HOUR, HOUR + 1] {
        assert!(
            matches!(
                s.ledger()
                    .latency_percentiles(ALL.0, ALL.1, Some(bucket), 0, None),
                Err(StoreError::Invalid(_))
            ),
            "{bucket} ms must be refused like usage_series refuses it"
        );
    }
    assert!(s
        .ledger()
        .latency_percentiles(ALL.0, ALL.1, Some(HOUR), 0, None)
        .unwrap()
        .is_empty());
}
