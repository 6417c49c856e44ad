//! Owns request-body parsing: JSON syntax, required fields and typed decoding, with provider-shaped 400s.

use axum::body::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{ApiError, Shape};

/// Parses `body` as a JSON object, checks that every `(field, message)` in `required` is present
/// (and not null), then decodes it as `T`. Messages never include request headers or keys.
pub(crate) fn parse<T: DeserializeOwned>(
    body: &Bytes,
    shape: Shape,
    required: &[(&str, &str)],
) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(
            shape,
            format!("We could not parse the JSON body of your request: {e}"),
        )
    })?;
    let object: &Map<String, Value> = value
        .as_object()
        .ok_or_else(|| ApiError::bad_request(shape, "The request body must be a JSON object."))?;
    if let Some((_, message)) = required
        .iter()
        .find(|(field, _)| object.get(*field).is_none_or(Value::is_null))
    {
        return Err(ApiError::bad_request(shape, *message));
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(shape, format!("Invalid request body: {e}")))
}
