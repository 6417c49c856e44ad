//! What each rule is called and means, in the user's words: one source for the rules form, the
//! webhooks list and anything else that names a rule. The hand-written kinds are named by kind;
//! `metric` rules by the metric they read (so `budget50`, `budget80` and `budget100` share a
//! text, worded with each one's threshold), and a metric this version does not know by its name.
//! Each known metric's threshold range is checked by `metrics::threshold_error`.

use super::metrics::{
    BALANCE_METRIC, BUDGET_METRIC, CACHE_HIT_METRIC, LIMIT_METRIC, TEAM_REDIS_METRIC,
    UNROUTED_METRIC,
};
use super::rule::{AlertRule, MetricRule, RuleKind};
use serde::{Deserialize, Serialize};

/// A rule in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RuleText {
    /// "Backend down", "Budget 80 % spent", "Unrouted usage".
    pub name: String,
    /// One or two sentences: when it opens (and resolves).
    pub help: String,
    /// The `metric` rule's threshold input, when the user may change it (a yes/no metric such
    /// as the team's Redis has none).
    pub threshold: Option<ThresholdText>,
}

/// How a `metric` rule's threshold input reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ThresholdText {
    /// "Spent at least".
    pub label: String,
    /// "%", "USD", "tokens"; may be empty.
    pub unit: String,
    /// What the number means and the range it must stay in.
    pub help: String,
}

fn text(name: impl Into<String>, help: &str, threshold: Option<ThresholdText>) -> RuleText {
    RuleText {
        name: name.into(),
        help: help.to_string(),
        threshold,
    }
}

fn input(label: &str, unit: &str, help: &str) -> Option<ThresholdText> {
    Some(ThresholdText {
        label: label.to_string(),
        unit: unit.to_string(),
        help: help.to_string(),
    })
}

impl AlertRule {
    /// The rule in words.
    pub fn text(&self) -> RuleText {
        match &self.kind {
            RuleKind::BackendDown { .. } => text(
                "Backend down",
                "Opens when a backend fails this many probes in a row (unreachable, timeout or provider error).",
                None,
            ),
            RuleKind::CircuitOpened => text(
                "Circuit opened",
                "Opens while the gateway has stopped sending requests to a backend or key after repeated failures.",
                None,
            ),
            RuleKind::ErrorRate { .. } => text(
                "Error rate",
                "Opens when more than this share of requests (or probes) failed within the window.",
                None,
            ),
            RuleKind::LatencyP95 { .. } => text(
                "Slow responses (p95)",
                "Opens when 5 % of successful requests (or probes) within the window took longer than the threshold.",
                None,
            ),
            RuleKind::KeyInvalid => text(
                "Key refused",
                "Opens when a provider refuses a key (401 or 403), until the key works again.",
                None,
            ),
            RuleKind::RateLimitedFor { .. } => text(
                "Rate-limited too long",
                "Opens when a backend or key stays rate-limited for longer than this.",
                None,
            ),
            RuleKind::Metric(m) => metric_text(m),
        }
    }
}

/// "50", "12.5".
fn number(n: f64) -> String {
    format!("{n}")
}

fn metric_text(m: &MetricRule) -> RuleText {
    match m.metric.as_str() {
        BUDGET_METRIC => text(
            if m.threshold == 100.0 {
                "Budget spent".to_string()
            } else {
                format!("Budget {} % spent", number(m.threshold))
            },
            "Opens when a budget has spent this share of its limit for the day or month; once per period.",
            input("Spent at least", "%", "Percent of the budget's limit, above 0 and at most 1000."),
        ),
        LIMIT_METRIC => text(
            if m.threshold >= 100.0 {
                "Plan or rate limit reached".to_string()
            } else {
                format!("Plan or rate limit {} % used", number(m.threshold))
            },
            "Opens when a subscription window (Codex's, Claude's plan) or a key's rate limit is this far used, as the provider reports it; resolves when the window resets.",
            input("Used at least", "%", "Percent of the limit, above 0 and at most 100."),
        ),
        CACHE_HIT_METRIC => text(
            "Cache hit rate low",
            "Opens when fewer of the last hour's cache lookups than this were answered from the response cache (checked every 5 minutes, once there were 20 lookups).",
            input("Hit rate below", "of 1", "A share from 0 to 1: 0.5 is half the lookups. Above 0 and at most 1."),
        ),
        BALANCE_METRIC => text(
            "Credits running low",
            "Opens when a key's credits, as its provider reports them (OpenRouter), fall below this amount; resolves after a top-up.",
            input("Credits below", "USD", "Dollars left on the key, above 0 and at most 1,000,000."),
        ),
        UNROUTED_METRIC => text(
            "Unrouted usage",
            "Opens when a provider bills a key you keep for tokens over the last two days that neither the gateway nor a tool's own records account for (a tool left unconnected, a copied key, a leak).",
            input("Unrouted at least", "tokens", "A whole number of tokens, from 1 to 1,000,000,000."),
        ),
        TEAM_REDIS_METRIC => text(
            "Team Redis unreachable",
            "Opens when this replica of a team stops reaching the team's Redis (each replica then limits, breaks and caches on its own); resolves when it is back. A desktop without a team never opens it.",
            None,
        ),
        other => text(
            other,
            "Opens when the metric over the window crosses the threshold.",
            input("Threshold", "", "Any number."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::{AlertConfig, AlertError};
    use switchyard_domain::{Field, IssueCode};

    fn metric_rule(id: &str, config: &AlertConfig) -> usize {
        config
            .rules
            .iter()
            .position(|r| r.id == id)
            .unwrap_or_else(|| panic!("no built-in rule {id}"))
    }

    #[test]
    fn every_built_in_rule_has_a_name_of_its_own_and_help() {
        let rules = AlertRule::defaults();
        let mut names = std::collections::HashSet::new();
        for rule in &rules {
            let t = rule.text();
            assert_ne!(t.name, rule.id, "{} is named by its id", rule.id);
            assert!(!t.help.trim().is_empty(), "{} has no help", rule.id);
            assert!(
                names.insert(t.name.clone()),
                "two rules are called {}",
                t.name
            );
        }
        let metric_names: Vec<(String, String)> = rules
            .iter()
            .filter(|r| matches!(r.kind, RuleKind::Metric(_)))
            .map(|r| (r.id.clone(), r.text().name))
            .collect();
        let expected = [
            ("cacheHitRate", "Cache hit rate low"),
            ("budget50", "Budget 50 % spent"),
            ("budget80", "Budget 80 % spent"),
            ("budget100", "Budget spent"),
            ("limit80", "Plan or rate limit 80 % used"),
            ("limit95", "Plan or rate limit 95 % used"),
            ("limit100", "Plan or rate limit reached"),
            ("teamRedisDown", "Team Redis unreachable"),
            ("balanceLow", "Credits running low"),
            ("unroutedUsage", "Unrouted usage"),
        ]
        .map(|(id, name)| (id.to_string(), name.to_string()));
        assert_eq!(metric_names, expected);
    }

    #[test]
    fn a_metric_rules_threshold_input_has_a_label_and_unit_unless_it_is_yes_or_no() {
        let config = AlertConfig::default();
        let unrouted = config.rules[metric_rule("unroutedUsage", &config)].text();
        let input = unrouted.threshold.expect("an editable threshold");
        assert_eq!(
            (input.label.as_str(), input.unit.as_str()),
            ("Unrouted at least", "tokens")
        );
        let team = config.rules[metric_rule("teamRedisDown", &config)].text();
        assert_eq!(team.threshold, None);
        // A metric this version does not know is named by the metric, its threshold still editable.
        let custom = AlertRule {
            id: "custom".into(),
            enabled: true,
            kind: RuleKind::Metric(MetricRule {
                metric: "queueDepth".into(),
                ..match &config.rules[metric_rule("balanceLow", &config)].kind {
                    RuleKind::Metric(m) => m.clone(),
                    _ => unreachable!("balanceLow is a metric rule"),
                }
            }),
        };
        assert_eq!(custom.text().name, "queueDepth");
        assert!(custom.text().threshold.is_some());
        assert_eq!(custom.validate(), Ok(()));
    }

    fn with_threshold(id: &str, threshold: f64) -> (AlertConfig, usize) {
        let mut config = AlertConfig::default();
        let at = metric_rule(id, &config);
        match &mut config.rules[at].kind {
            RuleKind::Metric(m) => m.threshold = threshold,
            _ => unreachable!("{id} is a metric rule"),
        }
        (config, at)
    }

    #[test]
    fn an_out_of_range_metric_threshold_is_a_typed_refusal_on_that_rules_threshold() {
        assert_eq!(AlertConfig::default().validate(), Ok(()));
        for (id, bad) in [
            ("budget80", 0.0),
            ("budget80", 1500.0),
            ("limit95", 101.0),
            ("cacheHitRate", 50.0),
            ("balanceLow", -1.0),
            ("unroutedUsage", 0.0),
            ("unroutedUsage", 10.5),
            ("teamRedisDown", 2.0),
            ("budget50", f64::NAN),
        ] {
            let (config, at) = with_threshold(id, bad);
            let err = config.validate().expect_err("refused");
            let AlertError::InvalidRule {
                id: rule, field, ..
            } = &err
            else {
                panic!("{id} {bad}: {err:?}");
            };
            assert_eq!((rule.as_str(), *field), (id, Field::Threshold), "{bad}");
            let issue = err.issue(&config);
            assert_eq!(issue.index, Some(at as u32));
            assert_eq!(issue.code, IssueCode::OutOfRange);
        }
        for (id, good) in [
            ("budget80", 90.0),
            ("limit95", 99.5),
            ("unroutedUsage", 5000.0),
        ] {
            assert_eq!(with_threshold(id, good).0.validate(), Ok(()), "{id} {good}");
        }
    }

    #[test]
    fn a_metric_window_over_a_week_is_refused() {
        let mut config = AlertConfig::default();
        let at = metric_rule("unroutedUsage", &config);
        if let RuleKind::Metric(m) = &mut config.rules[at].kind {
            m.window_secs = 8 * 86_400;
        }
        assert!(matches!(
            config.validate(),
            Err(AlertError::InvalidRule {
                field: Field::Window,
                ..
            })
        ));
    }
}
