//! Field access for inbound Gemini bodies, whose fields the REST API (proto3 JSON) accepts in
//! either spelling: `systemInstruction` or `system_instruction`, `inlineData` or `inline_data`.
//!
//! Invariants: callers always name a field by its camelCase name; the snake_case spelling is
//! derived from it and used only when the camelCase one is absent (or `null`), so a body that
//! mixes both reads the camelCase field. Errors name the spelling the body actually used (the
//! camelCase one when neither is present) and, as everywhere in the crate, never a value.

use std::borrow::Cow;

use serde_json::Value;

use crate::error::WireError;
use crate::json::Obj;

/// A JSON object of a Gemini request, with its path, read by camelCase field names.
#[derive(Clone)]
pub(super) struct Fields<'a> {
    obj: Obj<'a>,
    value: &'a Value,
    here: String,
}

impl<'a> Fields<'a> {
    /// Views `value` as an object, or fails with the path of `value` itself.
    pub(super) fn new(value: &'a Value, path: impl Into<String>) -> Result<Self, WireError> {
        let here = path.into();
        Ok(Fields {
            obj: Obj::new(value, here.clone())?,
            value,
            here,
        })
    }

    /// The path of this object itself.
    pub(super) fn here(&self) -> String {
        self.here.clone()
    }

    /// The key under which the body holds the field `camel` (see the module docs).
    fn key(&self, camel: &'static str) -> Cow<'static, str> {
        if self.obj.get(camel).is_some() {
            return Cow::Borrowed(camel);
        }
        let snake = snake_case(camel);
        if snake != camel && self.obj.get(&snake).is_some() {
            Cow::Owned(snake)
        } else {
            Cow::Borrowed(camel)
        }
    }

    /// The path of a child field, in the spelling the body used.
    pub(super) fn path(&self, camel: &'static str) -> String {
        self.obj.path(&self.key(camel))
    }

    /// A field, `None` when absent or `null`.
    pub(super) fn get(&self, camel: &'static str) -> Option<&'a Value> {
        self.obj.get(&self.key(camel))
    }

    /// An optional string field.
    pub(super) fn str(&self, camel: &'static str) -> Result<Option<&'a str>, WireError> {
        self.obj.str(&self.key(camel))
    }

    /// A required string field.
    pub(super) fn req_str(&self, camel: &'static str) -> Result<&'a str, WireError> {
        self.obj.req_str(&self.key(camel))
    }

    /// An optional boolean field.
    pub(super) fn bool(&self, camel: &'static str) -> Result<Option<bool>, WireError> {
        self.obj.bool(&self.key(camel))
    }

    /// An optional number field.
    pub(super) fn f64(&self, camel: &'static str) -> Result<Option<f64>, WireError> {
        self.obj.f64(&self.key(camel))
    }

    /// An optional non-negative integer field that fits in `u32`.
    pub(super) fn u32(&self, camel: &'static str) -> Result<Option<u32>, WireError> {
        self.obj.u32(&self.key(camel))
    }

    /// An optional integer field, possibly negative.
    pub(super) fn i64(&self, camel: &'static str) -> Result<Option<i64>, WireError> {
        match self.get(camel) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| WireError::invalid(self.path(camel), "expected an integer")),
        }
    }

    /// An optional array field.
    pub(super) fn arr(&self, camel: &'static str) -> Result<Option<&'a Vec<Value>>, WireError> {
        self.obj.arr(&self.key(camel))
    }

    /// An optional object field.
    pub(super) fn obj(&self, camel: &'static str) -> Result<Option<Fields<'a>>, WireError> {
        match self.get(camel) {
            None => Ok(None),
            Some(v) => Fields::new(v, self.path(camel)).map(Some),
        }
    }

    /// The names of the fields present and not `null`, as the body spelled them.
    pub(super) fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.value
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, _)| k.as_str())
    }
}

/// `mimeType` → `mime_type` (Gemini's REST API takes both spellings).
pub fn snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
