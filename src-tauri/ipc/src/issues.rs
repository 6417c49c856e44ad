//! Input problems as the UI gets them: each [`FieldIssue`] names its form field, its code, which
//! entry of a list field, a sentence and an optional one-click fix. Mirrors
//! `switchyard_core::issue` (the core derives no specta); each mirror is written once, by
//! [`mirror!`], with an exhaustive match, so a new core field fails to build here until it is
//! named for the UI too.

use crate::kinds::Kind;
use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_core::validate::{Field, Fix, Issue, IssueCode, Severity, Validation};

/// A camelCase enum mirroring a core enum of unit variants, and the conversion from it.
macro_rules! mirror {
    ($(#[$doc:meta])* $name:ident from $core:ident { $($v:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
        #[serde(rename_all = "camelCase")]
        pub enum $name { $($v),+ }

        impl From<$core> for $name {
            fn from(v: $core) -> Self {
                match v { $($core::$v => $name::$v),+ }
            }
        }
    };
}

mirror! {
    /// Which form field an issue belongs to (one id per field across the forms).
    FieldName from Field {
        Name, Kind, BaseUrl, DefaultModel, KeyLabel, KeyValue, MaxInFlight, Rpm, Tpm, Interval,
        Sla, Strategy, Candidate, Weight, CacheTtl, Limit, Scope, From, To, Currency, Rate, Model,
        Input, Output, CacheRead, CacheWrite, Ttl, MemoryEntries, DiskMb, Port, Origins, Networks,
        BreakerFailures, BreakerFailureRatePct, BreakerOpenSecs, BreakerCloseAfter,
        RetriesPerCandidate, FirstByteTimeoutSecs, RevealSeconds, RetentionDays, Days, Url, Token, Rule,
        Failures, Percent, Window, MinSamples, Threshold, Minutes, Cooldown, QuietStart, QuietEnd,
    }
}

mirror! {
    /// What kind of problem it is.
    IssueCodeName from IssueCode {
        Required, TooLong, Format, OutOfRange, Duplicate, Missing, LooksLikeKey, Unsafe, Other,
    }
}

mirror! {
    IssueSeverity from Severity { Error, Warning }
}

/// A one-click correction. Never carries a key.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum FixAction {
    Replace { value: String },
    TrimKey,
    SwitchKind { kind: Kind },
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldIssue {
    pub field: FieldName,
    /// Which entry of a list field (a route's candidates), from 0.
    pub index: Option<u32>,
    pub code: IssueCodeName,
    pub severity: IssueSeverity,
    pub message: String,
    pub fix: Option<FixAction>,
}

impl From<Issue> for FieldIssue {
    fn from(i: Issue) -> Self {
        FieldIssue {
            field: i.field.into(),
            index: i.index,
            code: i.code.into(),
            severity: i.severity.into(),
            message: i.message,
            fix: i.fix.map(|f| match f {
                Fix::Replace { value } => FixAction::Replace { value },
                Fix::TrimKey => FixAction::TrimKey,
                Fix::SwitchKind { kind } => FixAction::SwitchKind { kind: kind.into() },
            }),
        }
    }
}

/// Every problem with a draft. `ok` is false when an error blocks saving.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport {
    pub ok: bool,
    pub issues: Vec<FieldIssue>,
}

impl From<Validation> for ValidationReport {
    fn from(v: Validation) -> Self {
        ValidationReport {
            ok: v.is_ok(),
            issues: v.issues.into_iter().map(Into::into).collect(),
        }
    }
}
