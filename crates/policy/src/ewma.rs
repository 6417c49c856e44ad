//! An exponentially weighted moving average of latency, the signal behind
//! [`Strategy::LowestLatency`](crate::Strategy::LowestLatency).
//!
//! Invariants: `alpha` lies in `(0, 1]`; the first observation seeds the average (no bias
//! toward zero); non-finite or negative observations are ignored.

/// `value ← alpha × sample + (1 − alpha) × value`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ewma {
    alpha: f64,
    value: Option<f64>,
}

impl Default for Ewma {
    fn default() -> Self {
        Self::new(Self::DEFAULT_ALPHA)
    }
}

impl Ewma {
    /// Weight of the newest sample when none is given: about the last 10 samples dominate.
    pub const DEFAULT_ALPHA: f64 = 0.2;

    /// An empty average; `alpha` outside `(0, 1]` (or NaN) falls back to [`Self::DEFAULT_ALPHA`].
    pub fn new(alpha: f64) -> Self {
        let alpha = if alpha > 0.0 && alpha <= 1.0 {
            alpha
        } else {
            Self::DEFAULT_ALPHA
        };
        Self { alpha, value: None }
    }

    /// The smoothing factor in force.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Folds in one sample, in milliseconds.
    pub fn observe(&mut self, ms: f64) {
        if !(ms.is_finite() && ms >= 0.0) {
            return;
        }
        self.value = Some(match self.value {
            None => ms,
            Some(v) => self.alpha * ms + (1.0 - self.alpha) * v,
        });
    }

    /// The average so far; `None` before the first sample.
    pub fn value(&self) -> Option<f64> {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_average_has_no_value() {
        assert_eq!(Ewma::default().value(), None, "unknown, not zero");
    }

    #[test]
    fn first_sample_seeds_the_average() {
        let mut e = Ewma::new(0.5);
        e.observe(120.0);
        assert_eq!(e.value(), Some(120.0), "no bias toward zero");
    }

    #[test]
    fn later_samples_blend_by_alpha() {
        let mut e = Ewma::new(0.25);
        e.observe(100.0);
        e.observe(200.0);
        assert_eq!(e.value(), Some(125.0), "0.25 × 200 + 0.75 × 100");
    }

    #[test]
    fn invalid_samples_are_ignored() {
        let mut e = Ewma::new(0.5);
        e.observe(100.0);
        for bad in [f64::NAN, f64::INFINITY, -5.0] {
            e.observe(bad);
        }
        assert_eq!(
            e.value(),
            Some(100.0),
            "garbage must not poison the average"
        );
    }

    #[test]
    fn invalid_alpha_falls_back_to_default() {
        for bad in [0.0, -1.0, 1.5, f64::NAN] {
            assert_eq!(Ewma::new(bad).alpha(), Ewma::DEFAULT_ALPHA, "alpha {bad}");
        }
    }
}
