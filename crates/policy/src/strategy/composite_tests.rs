//! Specification of the composite score (see the module header for the formula).

use crate::strategy::tests::{cand, indices, never, reasons};
use crate::strategy::{order, CandidateStats, CompositeWeights, Strategy};

fn worked_example() -> [CandidateStats; 3] {
    let stat = |usd, ms, availability| CandidateStats {
        cost_per_mtok: Some(usd),
        latency_ewma_ms: Some(ms),
        availability,
        ..cand()
    };
    [
        stat(1.0, 400.0, 1.0),
        stat(3.0, 100.0, 0.9),
        stat(2.0, 200.0, 0.5),
    ]
}

#[test]
fn composite_scores_the_worked_example() {
    // Cost marks (1 − normalised over $1..$3): 1.0, 0.0, 0.5.
    // Latency marks (1 − normalised over 100..400 ms): 0.0, 1.0, 0.667.
    // Scores at 0.5/0.3/0.2: A = 0.5 + 0 + 0.2 = 0.70; B = 0 + 0.3 + 0.18 = 0.48;
    // C = 0.25 + 0.2 + 0.1 = 0.55.
    let w = CompositeWeights {
        cost: 0.5,
        latency: 0.3,
        availability: 0.2,
    };
    let got = order(&Strategy::Composite(w), &worked_example(), &mut never());
    assert_eq!(indices(&got), [0, 2, 1], "descending score");
    assert_eq!(
        reasons(&got),
        [
            "best score 0.70 (cost 1.0, latency 0.0, availability 1.0)",
            "score 0.55 (cost 0.5, latency 0.7, availability 0.5)",
            "score 0.48 (cost 0.0, latency 1.0, availability 0.9)",
        ],
        "reasons show the score and its parts"
    );
}

#[test]
fn composite_weights_are_normalised_by_their_sum() {
    let w = CompositeWeights {
        cost: 5.0,
        latency: 3.0,
        availability: 2.0,
    };
    let got = order(&Strategy::Composite(w), &worked_example(), &mut never());
    assert_eq!(
        got[0].reason, "best score 0.70 (cost 1.0, latency 0.0, availability 1.0)",
        "same as 0.5/0.3/0.2"
    );
}

#[test]
fn composite_scores_unknown_cost_worst_and_unknown_latency_best() {
    let c = [
        CandidateStats {
            cost_per_mtok: Some(9.0),
            latency_ewma_ms: Some(900.0),
            ..cand()
        },
        CandidateStats {
            cost_per_mtok: None,
            latency_ewma_ms: None,
            ..cand()
        },
    ];
    let cost_only = CompositeWeights {
        cost: 1.0,
        latency: 0.0,
        availability: 0.0,
    };
    let got = order(&Strategy::Composite(cost_only), &c, &mut never());
    assert_eq!(indices(&got), [0, 1], "a known price beats an unknown one");
    let latency_only = CompositeWeights {
        cost: 0.0,
        latency: 1.0,
        availability: 0.0,
    };
    let got = order(&Strategy::Composite(latency_only), &c, &mut never());
    assert_eq!(
        got[1].reason, "score 1.00 (cost 0.0, latency 1.0, availability 1.0)",
        "untried latency scores full marks"
    );
}
