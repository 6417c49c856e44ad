use super::*;
use crate::SplitMix64;

pub(super) fn cand() -> CandidateStats {
    CandidateStats::default()
}

fn latency(ms: Option<f64>) -> CandidateStats {
    CandidateStats {
        latency_ewma_ms: ms,
        ..cand()
    }
}

fn cost(usd: Option<f64>) -> CandidateStats {
    CandidateStats {
        cost_per_mtok: usd,
        ..cand()
    }
}

fn weight(w: u32) -> CandidateStats {
    CandidateStats {
        weight: w,
        ..cand()
    }
}

fn down(mut c: CandidateStats) -> CandidateStats {
    c.available = false;
    c
}

/// Replays `draws` in a loop.
fn seq(draws: &[f64]) -> impl FnMut() -> f64 + '_ {
    let mut i = 0;
    move || {
        i += 1;
        draws[(i - 1) % draws.len()]
    }
}

pub(super) fn never() -> impl FnMut() -> f64 {
    || panic!("this strategy must not consume randomness")
}

pub(super) fn indices(choices: &[Choice]) -> Vec<usize> {
    choices.iter().map(|c| c.index).collect()
}

pub(super) fn reasons(choices: &[Choice]) -> Vec<&str> {
    choices.iter().map(|c| c.reason.as_str()).collect()
}

const ALL: [Strategy; 6] = [
    Strategy::Priority,
    Strategy::Headroom,
    Strategy::Weighted,
    Strategy::LowestLatency,
    Strategy::LowestCost,
    Strategy::Composite(CompositeWeights {
        cost: 0.4,
        latency: 0.4,
        availability: 0.2,
    }),
];

#[test]
fn priority_keeps_list_order() {
    let got = order(&Strategy::Priority, &[cand(), cand(), cand()], &mut never());
    assert_eq!(indices(&got), [0, 1, 2], "list order is the priority");
    assert_eq!(reasons(&got)[0], "priority 1 of 3", "reason names the rank");
}

fn room(r: Option<f64>) -> CandidateStats {
    CandidateStats { room: r, ..cand() }
}

#[test]
fn headroom_drains_in_list_order_and_puts_the_drained_after_those_with_room() {
    let c = [
        room(Some(0.0)),
        room(Some(0.5)),
        room(None),
        room(Some(0.01)),
    ];
    let got = order(&Strategy::Headroom, &c, &mut never());
    assert_eq!(indices(&got), [1, 2, 0, 3]);
    assert_eq!(
        reasons(&got),
        [
            "priority 2 of 4, 50% of its limit left",
            "priority 3 of 4, limit not reported",
            "priority 1 of 4, no room left until its reset",
            "priority 4 of 4, no room left until its reset",
        ]
    );
    assert!(
        got.iter().all(|c| c.available),
        "drained ones stay as failover"
    );
    // A first choice with any room keeps being drained first.
    let got = order(
        &Strategy::Headroom,
        &[room(Some(0.1)), room(Some(0.9))],
        &mut never(),
    );
    assert_eq!(indices(&got), [0, 1]);
}

#[test]
fn priority_skips_unavailable_to_the_next_rank() {
    let got = order(
        &Strategy::Priority,
        &[down(cand()), cand(), cand()],
        &mut never(),
    );
    assert_eq!(
        indices(&got),
        [1, 2, 0],
        "the downed first choice moves to the end"
    );
    assert_eq!(
        got[0].reason, "priority 2 of 3",
        "rank is the configured position"
    );
}

#[test]
fn unavailable_candidates_are_listed_last_and_flagged_by_every_strategy() {
    let c = [
        down(cost(Some(0.1))),
        latency(Some(5.0)),
        weight(3),
        down(cand()),
    ];
    for s in ALL {
        let got = order(&s, &c, &mut seq(&[0.3, 0.7]));
        assert_eq!(got.len(), 4, "{s:?}: every candidate listed once");
        assert_eq!(
            indices(&got[2..]),
            [0, 3],
            "{s:?}: unavailable last, in list order"
        );
        assert!(
            got[..2].iter().all(|c| c.available),
            "{s:?}: live ones flagged available"
        );
        assert!(
            got[2..].iter().all(|c| !c.available),
            "{s:?}: downed ones flagged"
        );
        assert_eq!(
            got[3].reason, UNAVAILABLE,
            "{s:?}: reason explains the skip"
        );
    }
}

#[test]
fn no_candidates_gives_empty_order() {
    for s in ALL {
        assert!(
            order(&s, &[], &mut never()).is_empty(),
            "{s:?}: nothing to order"
        );
    }
}

#[test]
fn weighted_pick_follows_the_cumulative_draw() {
    let got = order(
        &Strategy::Weighted,
        &[weight(2), weight(3)],
        &mut seq(&[0.5]),
    );
    assert_eq!(
        indices(&got),
        [1, 0],
        "draw 0.5 × 5 = 2.5 lands in the second weight"
    );
    assert_eq!(
        got[0].reason, "weighted pick (weight 3 of 5)",
        "reason names the odds"
    );
    assert_eq!(
        got[1].reason, "weighted pick (weight 2 of 2)",
        "then without replacement"
    );
}

#[test]
fn weighted_distribution_is_proportional_to_weight() {
    let c = [weight(1), weight(3), weight(6)];
    let mut rng = SplitMix64::new(42);
    let mut draw = || rng.next_f64();
    let mut firsts = [0u32; 3];
    for _ in 0..10_000 {
        firsts[order(&Strategy::Weighted, &c, &mut draw)[0].index] += 1;
    }
    for (i, want) in [0.1, 0.3, 0.6].into_iter().enumerate() {
        let share = f64::from(firsts[i]) / 10_000.0;
        assert!(
            (share - want).abs() < 0.02,
            "candidate {i}: {share} should be near {want}"
        );
    }
}

#[test]
fn weight_zero_is_failover_only() {
    let got = order(
        &Strategy::Weighted,
        &[weight(0), weight(1), weight(2)],
        &mut seq(&[0.0]),
    );
    assert_eq!(
        indices(&got),
        [1, 2, 0],
        "weight 0 is never picked while others are live"
    );
    assert_eq!(
        got[2].reason, "weight 0 (failover only)",
        "reason says why it is last"
    );
}

#[test]
fn p2c_picks_the_lower_of_the_two_sampled() {
    let c = [
        latency(Some(300.0)),
        latency(Some(100.0)),
        latency(Some(200.0)),
    ];
    // Draws 0.0 and 0.99 sample positions 0 and 2; the global best (1) is not sampled.
    let got = order(&Strategy::LowestLatency, &c, &mut seq(&[0.0, 0.99]));
    assert_eq!(
        got[0].index, 2,
        "200 ms beats 300 ms among the sampled pair"
    );
    assert_eq!(
        got[0].reason, "lower latency of two sampled (200 ms vs 300 ms)",
        "reason"
    );
    assert_eq!(indices(&got[1..]), [1, 0], "failover by ascending latency");
    assert_eq!(got[1].reason, "latency 100 ms", "failover reason");
}

#[test]
fn p2c_treats_unknown_latency_as_optimistic() {
    let c = [latency(Some(50.0)), latency(None)];
    let got = order(&Strategy::LowestLatency, &c, &mut seq(&[0.0]));
    assert_eq!(got[0].index, 1, "an untried backend gets tried");
    assert_eq!(
        got[0].reason, "lower latency of two sampled (untried vs 50 ms)",
        "reason"
    );
}

#[test]
fn p2c_with_one_available_candidate_does_not_draw() {
    let c = [down(latency(Some(10.0))), latency(Some(120.0))];
    let got = order(&Strategy::LowestLatency, &c, &mut never());
    assert_eq!(
        got[0].reason, "only available candidate (120 ms)",
        "nothing to compare"
    );
}

#[test]
fn lowest_cost_ascends_with_unknown_last() {
    let c = [
        cost(Some(0.6)),
        cost(None),
        cost(Some(0.15)),
        cost(Some(0.3)),
    ];
    let got = order(&Strategy::LowestCost, &c, &mut never());
    assert_eq!(
        indices(&got),
        [2, 3, 0, 1],
        "cheapest first, unknown cost last"
    );
    assert_eq!(
        reasons(&got),
        [
            "cheapest ($0.15/Mtok)",
            "next cheapest ($0.30/Mtok)",
            "next cheapest ($0.60/Mtok)",
            "cost unknown"
        ],
        "reasons quote the price"
    );
}

#[test]
fn lowest_cost_ties_keep_list_order() {
    let got = order(
        &Strategy::LowestCost,
        &[cost(Some(1.0)), cost(Some(1.0))],
        &mut never(),
    );
    assert_eq!(indices(&got), [0, 1], "stable for equal prices");
}

#[test]
fn strategy_serialises_as_a_camel_case_tagged_enum() {
    let json = serde_json::to_string(&Strategy::LowestLatency).unwrap();
    assert_eq!(json, r#"{"type":"lowestLatency"}"#, "tag names the variant");
    let json = serde_json::to_string(&Strategy::Composite(CompositeWeights::default())).unwrap();
    assert_eq!(
        json, r#"{"type":"composite","cost":0.4,"latency":0.4,"availability":0.2}"#,
        "weights inline"
    );
    let parsed: Strategy = serde_json::from_str(r#"{"type":"composite","cost":1.0}"#).unwrap();
    let want = CompositeWeights {
        cost: 1.0,
        ..CompositeWeights::default()
    };
    assert_eq!(
        parsed,
        Strategy::Composite(want),
        "missing weights take defaults"
    );
}
