//! Between `serde_json` values and `toml_edit` items.

use serde_json::{Map, Value};
use toml_edit::{Array, InlineTable, Item, Table, Value as TomlValue};

use crate::edit::EditError;

/// A TOML item as JSON (date-times as strings).
pub(super) fn to_json(item: &Item) -> Option<Value> {
    match item {
        Item::None => None,
        Item::Value(v) => Some(value_to_json(v)),
        Item::Table(t) => Some(Value::Object(
            t.iter()
                .filter_map(|(k, v)| to_json(v).map(|v| (k.to_string(), v)))
                .collect(),
        )),
        Item::ArrayOfTables(a) => Some(Value::Array(
            a.iter()
                .map(|t| to_json(&Item::Table(t.clone())).unwrap_or(Value::Null))
                .collect(),
        )),
    }
}

fn value_to_json(value: &TomlValue) -> Value {
    match value {
        TomlValue::String(s) => Value::String(s.value().clone()),
        TomlValue::Integer(i) => Value::from(*i.value()),
        TomlValue::Float(f) => serde_json::Number::from_f64(*f.value())
            .map_or_else(|| Value::String(f.value().to_string()), Value::Number),
        TomlValue::Boolean(b) => Value::Bool(*b.value()),
        TomlValue::Datetime(d) => Value::String(d.value().to_string()),
        TomlValue::Array(a) => Value::Array(a.iter().map(value_to_json).collect()),
        TomlValue::InlineTable(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.to_string(), value_to_json(v)))
                .collect::<Map<_, _>>(),
        ),
    }
}

/// A JSON value as an inline TOML value.
pub(super) fn to_value(value: &Value, path: &[String]) -> Result<TomlValue, EditError> {
    Ok(match value {
        Value::Null => {
            return Err(EditError::Unsupported(format!(
                "`{}`: TOML has no null value",
                path.join(".")
            )))
        }
        Value::Bool(b) => TomlValue::from(*b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => TomlValue::from(i),
            (None, Some(f)) => TomlValue::from(f),
            (None, None) => {
                return Err(EditError::Unsupported(format!(
                    "`{}`: the number does not fit TOML",
                    path.join(".")
                )))
            }
        },
        Value::String(s) => TomlValue::from(s.as_str()),
        Value::Array(items) => {
            let mut array = Array::new();
            for item in items {
                array.push(to_value(item, path)?);
            }
            TomlValue::Array(array)
        }
        Value::Object(map) => {
            let mut table = InlineTable::new();
            for (k, v) in map {
                table.insert(k, to_value(v, path)?);
            }
            TomlValue::InlineTable(table)
        }
    })
}

/// A JSON value as an item under a normal table: objects become tables (dotted ones under a
/// dotted parent), everything else an inline value.
pub(super) fn to_item(value: &Value, path: &[String], dotted: bool) -> Result<Item, EditError> {
    let Value::Object(map) = value else {
        return Ok(Item::Value(to_value(value, path)?));
    };
    let mut table = Table::new();
    table.set_dotted(dotted);
    // A table holding only tables needs no `[header]` of its own.
    table.set_implicit(!map.is_empty() && map.values().all(Value::is_object));
    for (k, v) in map {
        table.insert(k, to_item(v, path, dotted)?);
    }
    Ok(Item::Table(table))
}

/// A value's own text, without the spaces and comment around it.
pub(super) fn bare_text(value: &TomlValue) -> String {
    let mut value = value.clone();
    value.decor_mut().clear();
    value.to_string()
}
