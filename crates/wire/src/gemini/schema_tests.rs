use super::*;

#[test]
fn rejected_keywords_are_stripped_at_every_depth_but_property_names_are_kept() {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "additionalProperties": {"type": "string", "format": "uri", "examples": ["x"]},
            "when": {"type": "string", "format": "date-time"},
            "tags": {
                "type": "array",
                "items": {"type": "object", "additionalProperties": false,
                          "properties": {"k": {"type": "string", "$ref": "#/$defs/k"}}},
                "maxItems": 3,
            },
            "n": {"type": "integer", "exclusiveMinimum": 0, "minimum": 1},
        },
        "required": ["when", "ghost"],
        "$defs": {"k": {"type": "string"}},
        "strict": true,
    });
    assert_eq!(
        clean_schema(&schema),
        Some(json!({
            "type": "object",
            "properties": {
                "additionalProperties": {"type": "string"},
                "when": {"type": "string", "format": "date-time"},
                "tags": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"k": {"type": "string"}}},
                    "maxItems": 3,
                },
                "n": {"type": "integer", "minimum": 1},
            },
            "required": ["when"],
        }))
    );
}

#[test]
fn type_lists_const_and_one_of_are_rewritten() {
    let schema = json!({
        "type": "object",
        "properties": {
            "maybe": {"type": ["string", "null"]},
            "either": {"type": ["string", "integer"]},
            "fixed": {"const": "yes"},
            "level": {"type": "integer", "enum": [1, 2]},
            "shape": {"oneOf": [{"type": "string"}, {"type": "number", "default": 1}]},
        },
    });
    assert_eq!(
        clean_schema(&schema).unwrap()["properties"],
        json!({
            "maybe": {"type": "string", "nullable": true},
            "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "fixed": {"enum": ["yes"]},
            "level": {"type": "integer", "enum": ["1", "2"]},
            "shape": {"anyOf": [{"type": "string"}, {"type": "number", "default": 1}]},
        })
    );
}

#[test]
fn schemas_without_properties_declare_no_parameters() {
    for schema in [
        json!({"type": "object", "properties": {}}),
        json!({"type": "object"}),
        json!({}),
        json!(true),
    ] {
        assert_eq!(clean_schema(&schema), None, "{schema}");
    }
}

#[test]
fn openapi_schemas_become_json_schema_with_lowercase_types() {
    let openapi = json!({
        "type": "OBJECT",
        "properties": {
            "name": {"type": "STRING", "nullable": true, "description": "Who."},
            "tags": {"type": "ARRAY", "items": {"type": "STRING", "enum": ["a", "b"]}},
            "either": {"anyOf": [{"type": "INTEGER"}, {"type": "BOOLEAN"}]},
            "any": {"type": "TYPE_UNSPECIFIED"}
        },
        "required": ["name"],
        "propertyOrdering": ["name", "tags"]
    });
    assert_eq!(
        json_schema_from_openapi(&openapi),
        json!({
            "type": "object",
            "properties": {
                "name": {"type": ["string", "null"], "description": "Who."},
                "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
                "either": {"anyOf": [{"type": "integer"}, {"type": "boolean"}]},
                "any": {}
            },
            "required": ["name"],
            "propertyOrdering": ["name", "tags"]
        })
    );
    let lower = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    assert_eq!(
        json_schema_from_openapi(&lower),
        lower,
        "already JSON Schema: unchanged"
    );
}
