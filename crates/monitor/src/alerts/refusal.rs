//! An alert configuration's refusal as a form issue: which rule (by its place in the list) and
//! which of its inputs, so the UI marks that input without reading the message.

use super::error::AlertError;
use super::rule::AlertConfig;
use switchyard_domain::{Field, Issue, IssueCode};

impl AlertError {
    /// The refusal as a form issue about `config` (the configuration that was refused): a rule's
    /// issue carries the rule's index (the last rule with that id, for a duplicate).
    pub fn issue(&self, config: &AlertConfig) -> Issue {
        let index_of = |id: &str| config.rules.iter().rposition(|r| r.id == id);
        let (issue, index) = match self {
            AlertError::DuplicateRule(id) => (
                Issue::error(
                    Field::Rule,
                    IssueCode::Duplicate,
                    sentence(&self.to_string()),
                ),
                index_of(id),
            ),
            AlertError::InvalidRule { id, field, reason } => (
                Issue::error(*field, IssueCode::OutOfRange, sentence(reason)),
                index_of(id),
            ),
            AlertError::InvalidQuietHours => {
                let start_ok = config
                    .quiet_hours
                    .is_none_or(|q| super::QuietHours { end: 0, ..q }.is_valid());
                let field = if start_ok {
                    Field::QuietEnd
                } else {
                    Field::QuietStart
                };
                let message = "Quiet hours must be times of day, from 00:00 to 23:59.";
                (Issue::error(field, IssueCode::OutOfRange, message), None)
            }
            AlertError::InvalidCooldown => (
                Issue::error(
                    Field::Cooldown,
                    IssueCode::OutOfRange,
                    "The cooldown must be at most a day.",
                ),
                None,
            ),
        };
        match index {
            Some(i) => issue.at(i),
            None => issue,
        }
    }
}

/// "failures must be at least 1" → "Failures must be at least 1."
fn sentence(reason: &str) -> String {
    let mut chars = reason.chars();
    let first = chars.next().map(|c| c.to_uppercase().to_string());
    format!("{}{}.", first.unwrap_or_default(), chars.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::{AlertRule, QuietHours, RuleKind};

    fn config(rules: Vec<AlertRule>) -> AlertConfig {
        AlertConfig {
            rules,
            ..AlertConfig::default()
        }
    }

    #[test]
    fn a_rule_refusal_names_the_rule_by_index_and_its_input() {
        let mut rules = AlertRule::defaults();
        let at = rules
            .iter()
            .position(|r| matches!(r.kind, RuleKind::BackendDown { .. }))
            .expect("a backend-down rule by default");
        rules[at].kind = RuleKind::BackendDown { failures: 0 };
        let cfg = config(rules);
        let issue = cfg.validate().expect_err("0 failures refused").issue(&cfg);
        assert_eq!(
            (issue.field, issue.index, issue.message.as_str()),
            (
                Field::Failures,
                Some(u32::try_from(at).expect("small")),
                "Failures must be at least 1."
            )
        );
    }

    #[test]
    fn a_duplicate_names_the_second_rule_and_quiet_hours_their_wrong_end() {
        let mut rules = AlertRule::defaults();
        rules.push(rules[0].clone());
        let cfg = config(rules);
        let issue = cfg.validate().expect_err("duplicate").issue(&cfg);
        assert_eq!(
            (issue.field, issue.index),
            (
                Field::Rule,
                Some(u32::try_from(cfg.rules.len() - 1).expect("small"))
            )
        );

        let cfg = AlertConfig {
            quiet_hours: Some(QuietHours {
                start: 60,
                end: 1440,
            }),
            ..AlertConfig::default()
        };
        let issue = cfg
            .validate()
            .expect_err("1440 is no minute of a day")
            .issue(&cfg);
        assert_eq!((issue.field, issue.index), (Field::QuietEnd, None));
        let cfg = AlertConfig {
            quiet_hours: Some(QuietHours {
                start: 2000,
                end: 60,
            }),
            ..AlertConfig::default()
        };
        let issue = cfg
            .validate()
            .expect_err("2000 is no minute of a day")
            .issue(&cfg);
        assert_eq!(issue.field, Field::QuietStart);
    }
}
