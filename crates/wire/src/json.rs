//! Typed, path-aware reads from a `serde_json::Value`, shared by every format's parser, and the
//! small helpers the stream decoders share.
//!
//! Invariants: `null` counts as absent everywhere (the APIs use `null` and omission
//! interchangeably); every error names the JSON path of the field and never its value.

use serde_json::{Map, Value};

use crate::canonical::StreamEvent;
use crate::error::WireError;

/// Parses a body into a JSON value, mapping syntax errors to [`WireError::InvalidJson`].
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, WireError> {
    serde_json::from_slice(body).map_err(|e| WireError::from_json(&e))
}

/// Joins a parent path and a key: `""` + `model` → `model`, `messages[0]` + `role` → `messages[0].role`.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// `messages` + 2 → `messages[2]`.
pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// A JSON object together with its path, for error messages.
#[derive(Clone)]
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    /// Views `value` as an object, or fails with the path of `value` itself.
    pub(crate) fn new(value: &'a Value, path: impl Into<String>) -> Result<Self, WireError> {
        let path = path.into();
        match value {
            Value::Object(map) => Ok(Obj { map, path }),
            other if path.is_empty() => Err(WireError::wrong_type("(body)", "object", other)),
            other => Err(WireError::wrong_type(path, "object", other)),
        }
    }

    /// The path of a child field.
    pub(crate) fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// A field, `None` when absent or `null`.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A field that must be present and non-null.
    pub(crate) fn req(&self, key: &str) -> Result<&'a Value, WireError> {
        self.get(key)
            .ok_or_else(|| WireError::missing(self.path(key)))
    }

    /// An optional string field.
    pub(crate) fn str(&self, key: &str) -> Result<Option<&'a str>, WireError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(WireError::wrong_type(self.path(key), "string", other)),
        }
    }

    /// A required string field.
    pub(crate) fn req_str(&self, key: &str) -> Result<&'a str, WireError> {
        self.str(key)?
            .ok_or_else(|| WireError::missing(self.path(key)))
    }

    /// An optional boolean field.
    pub(crate) fn bool(&self, key: &str) -> Result<Option<bool>, WireError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(WireError::wrong_type(self.path(key), "boolean", other)),
        }
    }

    /// An optional number field.
    pub(crate) fn f64(&self, key: &str) -> Result<Option<f64>, WireError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| WireError::wrong_type(self.path(key), "number", v)),
        }
    }

    /// An optional non-negative integer field that fits in `u32`.
    pub(crate) fn u32(&self, key: &str) -> Result<Option<u32>, WireError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| {
                    WireError::invalid(self.path(key), "expected a non-negative integer")
                }),
        }
    }

    /// A string field as an owned `String`, empty when absent or not a string.
    pub(crate) fn string_or_empty(&self, key: &str) -> String {
        self.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    /// A token count: absent, `null` or malformed all read as 0 (usage is advisory, never fatal).
    pub(crate) fn count(&self, key: &str) -> u64 {
        self.get(key).and_then(Value::as_u64).unwrap_or(0)
    }

    /// An optional array field.
    pub(crate) fn arr(&self, key: &str) -> Result<Option<&'a Vec<Value>>, WireError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(other) => Err(WireError::wrong_type(self.path(key), "array", other)),
        }
    }

    /// An optional object field.
    pub(crate) fn obj(&self, key: &str) -> Result<Option<Obj<'a>>, WireError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => Obj::new(v, self.path(key)).map(Some),
        }
    }
}

/// Decodes one SSE event's payload with `decode` when it is a JSON object: unreadable JSON is an
/// `Error` event (naming the position, never quoting the payload), any other JSON no event.
pub(crate) fn decode_object(
    data: &str,
    decode: impl FnOnce(&Obj<'_>) -> Vec<StreamEvent>,
) -> Vec<StreamEvent> {
    let value = match serde_json::from_str(data) {
        Ok(v) => v,
        Err(e) => return vec![unreadable(&WireError::from_json(&e))],
    };
    match Obj::new(&value, "") {
        Ok(obj) => decode(&obj),
        Err(_) => Vec::new(),
    }
}

/// Decodes one payload of a stream whose chunks are whole responses (OpenAI, Gemini): an
/// `{"error": …}` chunk is the provider's `Error` event, any other object goes to `decode`.
pub(crate) fn decode_chunk(
    data: &str,
    decode: impl FnOnce(&Obj<'_>) -> Vec<StreamEvent>,
) -> Vec<StreamEvent> {
    decode_object(data, |chunk| match chunk.get("error") {
        Some(error) => vec![provider_error(error.get("message"))],
        None => decode(chunk),
    })
}

/// The `Start` event naming the id and model that `obj` carries under these keys (`""` if not).
pub(crate) fn start_event(obj: &Obj<'_>, id_key: &str, model_key: &str) -> StreamEvent {
    StreamEvent::Start {
        id: obj.string_or_empty(id_key),
        model: obj.string_or_empty(model_key),
    }
}

/// A stream event's kind: the payload's `type`, else the SSE event name, else `""`.
pub(crate) fn event_type<'a>(obj: &Obj<'a>, event: Option<&'a str>) -> &'a str {
    obj.get("type")
        .and_then(Value::as_str)
        .or(event)
        .unwrap_or_default()
}

/// The `Error` event for a stream payload that is not what its format promises.
pub(crate) fn unreadable(err: &WireError) -> StreamEvent {
    StreamEvent::Error {
        message: format!("provider sent an unreadable stream event ({err})"),
    }
}

/// The `Error` event for an error a provider reports mid-stream, with its `message` if a string.
pub(crate) fn provider_error(message: Option<&Value>) -> StreamEvent {
    let message = message
        .and_then(Value::as_str)
        .unwrap_or("provider reported an error")
        .to_owned();
    StreamEvent::Error { message }
}

/// Top-level keys of a JSON object that are not in `read`, in the body's order.
pub(crate) fn unknown_keys(value: &Value, read: &[&str]) -> Vec<String> {
    value
        .as_object()
        .map(|o| {
            o.keys()
                .filter(|k| !read.contains(&k.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// Reads a list of strings given either as one string or as an array of strings (`stop`).
pub(crate) fn string_or_list(value: Option<&Value>, path: &str) -> Result<Vec<String>, WireError> {
    match value {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(WireError::wrong_type(index(path, i), "string", other)),
            })
            .collect(),
        Some(other) => Err(WireError::wrong_type(path, "string or array", other)),
    }
}

/// Parses a tool call's argument string into an object, for formats that carry objects.
/// Empty or non-object arguments become `{}`: the target format requires an object.
pub(crate) fn arguments_object(arguments_json: &str) -> Value {
    match serde_json::from_str::<Value>(arguments_json) {
        Ok(v @ Value::Object(_)) => v,
        _ => Value::Object(Map::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_fields_read_as_absent() {
        let v = json!({"content": null});
        let o = Obj::new(&v, "").unwrap();
        assert_eq!(o.str("content").unwrap(), None, "null is treated as absent");
    }

    #[test]
    fn nested_paths_appear_in_errors() {
        let v = json!({"role": 7});
        let o = Obj::new(&v, "messages[3]").unwrap();
        let err = o.req_str("role").unwrap_err().to_string();
        assert!(err.contains("messages[3].role"), "path is reported: {err}");
    }

    #[test]
    fn arguments_that_are_not_an_object_become_empty_object() {
        assert_eq!(arguments_object(""), json!({}), "empty string");
        assert_eq!(arguments_object("[1]"), json!({}), "array");
        assert_eq!(
            arguments_object(r#"{"a":1}"#),
            json!({"a": 1}),
            "object kept"
        );
    }
}
