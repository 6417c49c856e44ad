//! Why an alert configuration was refused (as a form issue: see `refusal`).

use switchyard_domain::Field;

/// Why an alert configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlertError {
    /// Two rules (or a rule and a custom condition) share an id.
    #[error("two alert rules are called “{0}”")]
    DuplicateRule(String),
    /// A threshold is out of range.
    #[error("alert rule “{id}”: {reason}")]
    InvalidRule {
        /// The rule.
        id: String,
        /// The input that is wrong: the rule as a whole ([`Field::Rule`]: its id, a custom
        /// rule's metric) or one of its thresholds.
        field: Field,
        /// What is wrong, in words that follow a rule's name ("failures must be at least 1").
        reason: &'static str,
    },
    /// Quiet hours outside 00:00–23:59.
    #[error("quiet hours must be minutes between 0 and 1439")]
    InvalidQuietHours,
    /// A cooldown over a day.
    #[error("the cooldown must be at most a day (86400 s)")]
    InvalidCooldown,
}
