//! Owns request-body parsing: JSON syntax, required fields and typed decoding, with provider-shaped 400s.

use axum::body::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, Shape};

/// Parses `body` as a JSON object, checks that every `(field, message)` in `required` is present
/// (and not null), then decodes it as `T`. Messages never include request headers or keys.
pub(crate) fn parse<T: DeserializeOwned>(
    body: &Bytes,
    shape: Shape,
    required: &[(&str, &str)],
) -> Result<T, ApiError> {
    let value = object(body, shape)?;
    if let Some((_, message)) = required.iter().find(|(field, _)| missing(&value, field)) {
        return Err(ApiError::bad_request(shape, *message));
    }
    decode(value, shape)
}

/// Parses `body` as a JSON object (400 in `shape` when it is not JSON or not an object).
pub(crate) fn object(body: &Bytes, shape: Shape) -> Result<Value, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(
            shape,
            format!("We could not parse the JSON body of your request: {e}"),
        )
    })?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            shape,
            "The request body must be a JSON object.",
        ));
    }
    Ok(value)
}

/// True when `field` of the object `value` is absent or null.
pub(crate) fn missing(value: &Value, field: &str) -> bool {
    value.get(field).is_none_or(Value::is_null)
}

/// Decodes a parsed body as `T` (400 in `shape` on a type mismatch).
pub(crate) fn decode<T: DeserializeOwned>(value: Value, shape: Shape) -> Result<T, ApiError> {
    serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(shape, format!("Invalid request body: {e}")))
}
