//! JSON Schema → the OpenAPI 3.0 subset Gemini accepts in `functionDeclarations[].parameters`.
//!
//! Gemini rejects a declaration containing any keyword outside its `Schema` message, so this is
//! an allow-list, applied recursively through `properties`, `items` and `anyOf`:
//! - kept as sent: `type`, `title`, `description`, `nullable`, `enum`, `default`, `example`,
//!   `minimum`, `maximum`, `minLength`, `maxLength`, `pattern`, `minItems`, `maxItems`,
//!   `minProperties`, `maxProperties`, `propertyOrdering`;
//! - `format` only when Gemini supports it (`enum`, `date-time`, `float`, `double`, `int32`,
//!   `int64`);
//! - `required` only for names that are in `properties`;
//! - rewritten: a type list such as `["string", "null"]` becomes `type` + `nullable: true` (or
//!   `anyOf` for several non-null types), `oneOf` becomes `anyOf`, `const` becomes a one-value
//!   `enum`, and `enum` values that are not strings become their JSON text;
//! - dropped: everything else — `$schema`, `additionalProperties`, `$ref` / `$defs`, `allOf`,
//!   `not`, `exclusiveMinimum`, `examples`, `strict`, … Property *names* are never filtered,
//!   only keywords. `$ref` is not inlined: a referenced schema arrives empty.
//!
//! The other direction, for inbound requests: [`json_schema_from_openapi`] turns a Gemini
//! `Schema` (`parameters`, `responseSchema`) into JSON Schema other providers accept.

use serde_json::{json, Map, Value};

/// Keywords copied unchanged.
const KEPT: [&str; 17] = [
    "type",
    "title",
    "description",
    "nullable",
    "enum",
    "default",
    "example",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "propertyOrdering",
];

/// `format` values Gemini accepts.
const FORMATS: [&str; 6] = ["enum", "date-time", "float", "double", "int32", "int64"];

/// The cleaned `parameters` of a function declaration, or `None` when there is nothing to
/// declare: Gemini rejects an object schema with no properties, so a function without
/// arguments is declared without `parameters`.
pub(crate) fn clean_schema(parameters: &Value) -> Option<Value> {
    let cleaned = clean(parameters);
    let is_object = cleaned
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("object"));
    let has_properties = cleaned
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    (is_object && has_properties).then_some(cleaned)
}

/// Cleans one schema (see the module docs). A non-object schema (`true`) becomes `{}`.
fn clean(schema: &Value) -> Value {
    let Value::Object(source) = schema else {
        return Value::Object(Map::new());
    };
    let mut out = Map::new();
    for key in KEPT {
        if let Some(v) = source.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(format) = source
        .get("format")
        .and_then(Value::as_str)
        .filter(|f| FORMATS.contains(f))
    {
        out.insert("format".into(), json!(format));
    }
    if let Some(Value::Object(properties)) = source.get("properties") {
        let cleaned: Map<String, Value> = properties
            .iter()
            .map(|(name, s)| (name.clone(), clean(s)))
            .collect();
        if let Some(Value::Array(required)) = source.get("required") {
            let required: Vec<Value> = required
                .iter()
                .filter(|r| r.as_str().is_some_and(|n| cleaned.contains_key(n)))
                .cloned()
                .collect();
            if !required.is_empty() {
                out.insert("required".into(), Value::Array(required));
            }
        }
        out.insert("properties".into(), Value::Object(cleaned));
    }
    if let Some(items @ Value::Object(_)) = source.get("items") {
        out.insert("items".into(), clean(items));
    }
    let alternatives: Vec<Value> = ["anyOf", "oneOf"]
        .iter()
        .filter_map(|key| source.get(*key).and_then(Value::as_array))
        .flatten()
        .map(clean)
        .collect();
    if !alternatives.is_empty() {
        out.insert("anyOf".into(), Value::Array(alternatives));
    }
    if let (Some(constant), false) = (source.get("const"), out.contains_key("enum")) {
        out.insert("enum".into(), json!([constant]));
    }
    if let Some(Value::Array(values)) = out.get_mut("enum") {
        for v in values.iter_mut().filter(|v| !v.is_string()) {
            *v = Value::String(v.to_string());
        }
    }
    if let Some(Value::Array(types)) = out.get("type").cloned() {
        type_list(&types, &mut out);
    }
    Value::Object(out)
}

/// Rewrites `type: [..]` (which Gemini rejects) into a single type plus `nullable`, or `anyOf`.
fn type_list(types: &[Value], out: &mut Map<String, Value>) {
    out.remove("type");
    let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
    if names.contains(&"null") {
        out.insert("nullable".into(), json!(true));
    }
    let non_null: Vec<&str> = names.into_iter().filter(|t| *t != "null").collect();
    match non_null.as_slice() {
        [] => {}
        [only] => {
            out.insert("type".into(), json!(only));
        }
        several => {
            if !out.contains_key("anyOf") {
                let alternatives: Vec<Value> = several.iter().map(|t| json!({"type": t})).collect();
                out.insert("anyOf".into(), Value::Array(alternatives));
            }
        }
    }
}

/// A Gemini OpenAPI-subset `Schema` → JSON Schema, recursively through `properties`, `items` and
/// `anyOf`: the enum-style uppercase types (`OBJECT`, `STRING`, …) become JSON Schema's lowercase
/// ones (`TYPE_UNSPECIFIED` is dropped), and `nullable: true` becomes a type list with `"null"`.
/// Every other keyword is kept as sent (they are JSON Schema keywords too, or harmless
/// annotations such as `propertyOrdering`).
pub(crate) fn json_schema_from_openapi(schema: &Value) -> Value {
    let Value::Object(source) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in source {
        let converted = match (key.as_str(), value) {
            ("type", Value::String(t)) if t.eq_ignore_ascii_case("type_unspecified") => continue,
            ("type", Value::String(t)) => json!(t.to_ascii_lowercase()),
            ("nullable", _) => continue,
            ("properties", Value::Object(properties)) => Value::Object(
                properties
                    .iter()
                    .map(|(name, s)| (name.clone(), json_schema_from_openapi(s)))
                    .collect(),
            ),
            ("items", items) => json_schema_from_openapi(items),
            ("anyOf", Value::Array(alternatives)) => {
                Value::Array(alternatives.iter().map(json_schema_from_openapi).collect())
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if source.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(t)) = out.get("type").cloned() {
            out.insert("type".into(), json!([t, "null"]));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
