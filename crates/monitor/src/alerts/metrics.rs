//! The metrics the built-in `metric` rules read, and the range each one's threshold must stay in.

/// The metric budgets report: percent of the period's limit spent.
pub const BUDGET_METRIC: &str = "budgetPercent";
/// The metric the provider's limits report: percent of a subscription window (Codex's, Claude's
/// plan) or of a key's rate limit used, as the provider said it.
pub const LIMIT_METRIC: &str = "limitPercent";
/// The metric a key's credits report: USD left, as the provider said (OpenRouter).
pub const BALANCE_METRIC: &str = "balanceUsd";
/// The metric the providers' books report (issue 75): per user key, the tokens its provider
/// billed over the last two days that neither the gateway nor a tool's own records account for.
pub const UNROUTED_METRIC: &str = "unroutedTokens";
/// The metric a team replica reports every few seconds: 1 while it shares through the team's
/// Redis, 0 in the degraded state (Redis away).
pub const TEAM_REDIS_METRIC: &str = "teamRedisUp";

/// The metric the response cache reports: the share (0–1) of the last hour's lookups answered
/// from the cache.
pub const CACHE_HIT_METRIC: &str = "cacheHitRate";

/// Why a known metric's threshold is out of its range (words that follow the rule's name), if it
/// is. Every threshold must be a finite number; see `RuleText::threshold` for each range.
pub(super) fn threshold_error(metric: &str, t: f64) -> Option<&'static str> {
    if !t.is_finite() {
        return Some("the threshold must be a number");
    }
    let above_0_to = |max: f64| t > 0.0 && t <= max;
    match metric {
        BUDGET_METRIC if !above_0_to(1000.0) => {
            Some("the percentage must be above 0 and at most 1000")
        }
        LIMIT_METRIC if !above_0_to(100.0) => {
            Some("the percentage must be above 0 and at most 100")
        }
        CACHE_HIT_METRIC if !above_0_to(1.0) => Some("the hit rate must be above 0 and at most 1"),
        TEAM_REDIS_METRIC if !above_0_to(1.0) => {
            Some("the threshold must be above 0 and at most 1")
        }
        BALANCE_METRIC if !above_0_to(1_000_000.0) => {
            Some("the amount must be above $0 and at most $1,000,000")
        }
        UNROUTED_METRIC if !(1.0..=1e9).contains(&t) || t.fract() != 0.0 => {
            Some("the token count must be a whole number from 1 to 1,000,000,000")
        }
        _ => None,
    }
}
