//! Input problems as data: an [`Issue`] names the form field it is about ([`Field`]), what kind
//! of problem it is ([`IssueCode`]), says it in a sentence, and may offer a one-click [`Fix`].
//! Every service that refuses input says which field, so the UI puts the message under that
//! field without reading the text; the CLI prints `field: message`.
//!
//! Invariants: a message and a fix never carry a key's value; field ids are camelCase and stable
//! (they are the UI's form field names and the CLI's output).

use crate::kind::BackendKind;
use serde::{Deserialize, Serialize};

/// The form field an issue is about. One id names the same thing in every form that has it
/// (`name` is a backend's, a route's, a budget's or a token's name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "FieldName"))]
#[serde(rename_all = "camelCase")]
pub enum Field {
    /// A name: a backend's, key label aside; a route's, budget's or token's.
    Name,
    // A backend and its keys.
    Kind,
    BaseUrl,
    DefaultModel,
    KeyLabel,
    KeyValue,
    // A backend's traffic limits and monitoring.
    MaxInFlight,
    Rpm,
    Tpm,
    /// How often a backend is probed.
    Interval,
    /// A backend's uptime target.
    Sla,
    // A route.
    Strategy,
    /// One of a route's candidates (`Issue::index` says which, from 0).
    Candidate,
    /// A candidate's weight (`Issue::index` says which).
    Weight,
    /// A route's cache lifetime.
    CacheTtl,
    // A budget.
    Limit,
    Scope,
    // A custom date range.
    From,
    To,
    // The display currency.
    Currency,
    Rate,
    // A price override.
    Model,
    Input,
    Output,
    CacheRead,
    CacheWrite,
    // The response cache's settings.
    Ttl,
    MemoryEntries,
    DiskMb,
    // The gateway's settings.
    Port,
    /// The web origins allowed to call the gateway.
    Origins,
    /// The networks allowed to call the gateway.
    Networks,
    BreakerFailures,
    BreakerFailureRatePct,
    BreakerOpenSecs,
    BreakerCloseAfter,
    RetriesPerCandidate,
    FirstByteTimeoutSecs,
    // The app's settings.
    RevealSeconds,
    RetentionDays,
    /// A number of days (repricing).
    Days,
    /// An address to fetch (a price file, a webhook, a team gateway).
    Url,
    /// A token to present (a team gateway's admin token).
    Token,
    // The alert settings: a rule as a whole (its id), and a rule's thresholds (`Issue::index`
    // says which rule, from 0).
    Rule,
    Failures,
    Percent,
    Window,
    MinSamples,
    Threshold,
    Minutes,
    /// How long a cleared alert waits before it resolves.
    Cooldown,
    QuietStart,
    QuietEnd,
}

/// What kind of problem an issue is: for code that acts on it (tests, the CLI's JSON), never
/// shown instead of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "IssueCodeName")]
#[serde(rename_all = "camelCase")]
pub enum IssueCode {
    /// Empty where a value is needed.
    Required,
    TooLong,
    /// Not the shape asked for (not a number, an address, a currency code…).
    Format,
    /// A number outside the allowed range.
    OutOfRange,
    /// The same name or entry twice.
    Duplicate,
    /// Refers to something that does not exist (any more).
    Missing,
    /// A secret where none belongs.
    LooksLikeKey,
    /// Works, but not safely (plain http to another machine…).
    Unsafe,
    /// Anything else; the message says what.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "IssueSeverity")]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// Blocks saving.
    Error,
    /// Shown, but the user may save anyway.
    Warning,
}

/// A correction the user can accept. Never carries a key's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "FixAction"))]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Fix {
    /// Replace the field's value with this one.
    Replace { value: String },
    /// Trim whitespace around the key (the UI holds the key; it is not sent back).
    TrimKey,
    /// The key belongs to another kind: switch the backend to it.
    SwitchKind { kind: BackendKind },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "FieldIssue"))]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    pub field: Field,
    /// Which entry of a list field (a route's candidates), from 0.
    pub index: Option<u32>,
    pub code: IssueCode,
    pub severity: Severity,
    pub message: String,
    pub fix: Option<Fix>,
}

impl Issue {
    /// A problem that blocks saving.
    pub fn error(field: Field, code: IssueCode, message: impl Into<String>) -> Self {
        Issue {
            field,
            index: None,
            code,
            severity: Severity::Error,
            message: message.into(),
            fix: None,
        }
    }

    /// A problem shown, which the user may save anyway.
    pub fn warning(field: Field, code: IssueCode, message: impl Into<String>) -> Self {
        Issue {
            severity: Severity::Warning,
            ..Issue::error(field, code, message)
        }
    }

    /// About entry `index` of a list field.
    pub fn at(mut self, index: usize) -> Self {
        self.index = u32::try_from(index).ok();
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub(crate) fn replace_with(self, value: impl Into<String>) -> Self {
        self.with_fix(Fix::Replace {
            value: value.into(),
        })
    }
}

/// Everything wrong (or suspicious) with a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    pub issues: Vec<Issue>,
}

impl Validation {
    /// One issue.
    pub fn one(issue: Issue) -> Validation {
        Validation {
            issues: vec![issue],
        }
    }

    /// True when nothing blocks saving.
    pub fn is_ok(&self) -> bool {
        !self.issues.iter().any(|i| i.severity == Severity::Error)
    }

    /// The first blocking message, for a one-line error.
    pub fn first_error(&self) -> Option<&Issue> {
        self.issues.iter().find(|i| i.severity == Severity::Error)
    }

    pub fn merge(mut self, other: Validation) -> Validation {
        self.issues.extend(other.issues);
        self
    }
}
