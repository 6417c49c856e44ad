//! Typed errors for loading a price file. Loading never panics: every malformed input maps to
//! one of these variants, naming the model and field at fault where there is one.

/// Why a price file (bundled format or full LiteLLM map) was rejected.
#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    /// The bytes are not JSON (includes `NaN`, which JSON cannot express).
    #[error("price file is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The JSON is valid but not shaped like a price file.
    #[error("price file has an unexpected shape: {0}")]
    Shape(&'static str),
    /// One model's entry is not shaped like a price entry.
    #[error("model {model:?}: {reason}")]
    InvalidEntry {
        /// The model key as written in the file.
        model: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A required price (input or output) is absent from a bundled-format entry.
    #[error("model {model:?}: required price {field} is missing")]
    MissingPrice {
        /// The model key as written in the file.
        model: String,
        /// The LiteLLM field name.
        field: &'static str,
    },
    /// A price field holds something other than a number (e.g. `"abc"`).
    #[error("model {model:?}: {field} is not a number")]
    NotANumber {
        /// The model key as written in the file.
        model: String,
        /// The LiteLLM field name.
        field: &'static str,
    },
    /// A price is negative, not finite, or absurd (≥ $1 per token).
    #[error("model {model:?}: {field} = {value} is outside 0 ≤ price < $1 per token")]
    OutOfRange {
        /// The model key as written in the file.
        model: String,
        /// The LiteLLM field name.
        field: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The header's entry count disagrees with the models present (truncated or edited file).
    #[error("price file declares {declared} models but contains {actual}")]
    CountMismatch {
        /// `header.entries`.
        declared: u64,
        /// Models actually present.
        actual: usize,
    },
    /// Nothing in the file prices a text model Switchyard supports.
    #[error("price file contains no priced chat models")]
    NoModels,
}
