//! The one error type of the crate: why a request or response body could not be read.
//!
//! Invariant: every message is safe to hand back to an HTTP client and to write to a log. A
//! message names a location (a JSON path such as `messages[2].content`, or a line and column) and
//! a reason built from static text and JSON type names only. It never contains any part of the
//! body: bodies carry prompts and, occasionally, secrets pasted into them.

use serde_json::Value;

/// A body that does not follow the wire format it claims to follow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The body is not JSON at all. Position only; serde's own message may quote the input.
    #[error("body is not valid JSON: {problem} at line {line}, column {column}")]
    InvalidJson {
        /// A fixed description such as "syntax error" or "unexpected end of input".
        problem: &'static str,
        /// 1-based line of the first error.
        line: usize,
        /// 1-based column of the first error.
        column: usize,
    },
    /// A field the format requires is absent (or `null`).
    #[error("missing required field `{field}`")]
    MissingField {
        /// JSON path of the field, e.g. `messages` or `messages[0].tool_call_id`.
        field: String,
    },
    /// A field is present but has the wrong type or an unknown value.
    #[error("invalid field `{field}`: {reason}")]
    InvalidField {
        /// JSON path of the field.
        field: String,
        /// What was expected, e.g. "expected string or array, got number".
        reason: String,
    },
    /// Valid in the source format, but the canonical model cannot carry it across formats.
    #[error("unsupported content at `{field}`: {reason}")]
    Unsupported {
        /// JSON path of the offending element.
        field: String,
        /// What is not supported, e.g. "content part type is not supported".
        reason: String,
    },
}

impl WireError {
    /// Wraps a serde_json parse error, keeping only its category and position.
    pub fn from_json(err: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let problem = match err.classify() {
            Category::Eof => "unexpected end of input",
            Category::Syntax => "syntax error",
            Category::Data => "data does not match the expected shape",
            Category::Io => "read error",
        };
        WireError::InvalidJson {
            problem,
            line: err.line(),
            column: err.column(),
        }
    }

    /// The HTTP status a gateway should answer with: these are all client errors (400).
    pub fn status(&self) -> u16 {
        400
    }

    pub(crate) fn missing(field: impl Into<String>) -> Self {
        WireError::MissingField {
            field: field.into(),
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        WireError::InvalidField {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// "expected {expected}, got {type of value}": the value itself is never quoted.
    pub(crate) fn wrong_type(field: impl Into<String>, expected: &str, got: &Value) -> Self {
        Self::invalid(
            field,
            format!("expected {expected}, got {}", type_name(got)),
        )
    }

    pub(crate) fn unsupported(field: impl Into<String>, reason: impl Into<String>) -> Self {
        WireError::Unsupported {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// The JSON type of a value, for error messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_json_reports_position_without_quoting_the_body() {
        let body = r#"{"secret": "sk-live-123" oops}"#;
        let err = serde_json::from_str::<Value>(body).unwrap_err();
        let msg = WireError::from_json(&err).to_string();
        assert!(msg.contains("line 1"), "position is reported: {msg}");
        assert!(!msg.contains("sk-live"), "body must not leak: {msg}");
        assert!(!msg.contains("oops"), "body must not leak: {msg}");
    }

    #[test]
    fn truncated_json_is_reported_as_end_of_input() {
        let err = serde_json::from_str::<Value>(r#"{"a": ["#).unwrap_err();
        let msg = WireError::from_json(&err).to_string();
        assert!(msg.contains("unexpected end of input"), "got: {msg}");
    }

    #[test]
    fn wrong_type_names_the_type_not_the_value() {
        let err = WireError::wrong_type("messages[0].content", "string or array", &Value::from(42));
        assert_eq!(
            err.to_string(),
            "invalid field `messages[0].content`: expected string or array, got number"
        );
    }

    #[test]
    fn every_error_maps_to_bad_request() {
        assert_eq!(WireError::missing("model").status(), 400);
    }
}
