//! Where keys go inside a table: an inline table's closing space, and a key put back by
//! revert returning to its old place with its comment.

use std::cmp::Ordering;
use std::collections::HashMap;

use toml_edit::{InlineTable, Item, Value as TomlValue};

use crate::edit::{Anchor, Layout};

fn suffix_of(value: &TomlValue) -> String {
    value
        .decor()
        .suffix()
        .and_then(|r| r.as_str())
        .unwrap_or("")
        .to_string()
}

/// Adds `key` at the end of an inline table; the space before `}` moves from the old last
/// value to the new one (`{ a = 1, b = 2 }`, not `{ a = 1 , b = 2 }`).
pub(super) fn append_inline(table: &mut InlineTable, key: &str, mut value: TomlValue) {
    if let Some((_, last)) = table.iter_mut().last() {
        value.decor_mut().set_suffix(suffix_of(last));
        last.decor_mut().set_suffix("");
    }
    table.insert(key, value);
}

/// Removes `key` from the table `parent`, undoing [`append_inline`] in an inline table.
pub(super) fn remove_key(parent: &mut Item, key: &str) {
    if let Item::Value(TomlValue::InlineTable(table)) = parent {
        let was_last = table.iter().last().is_some_and(|(k, _)| k == key);
        if let Some(removed) = table.remove(key) {
            if was_last {
                if let Some((_, last)) = table.iter_mut().last() {
                    last.decor_mut().set_suffix(suffix_of(&removed));
                }
            }
        }
    } else if let Some(table) = parent.as_table_like_mut() {
        table.remove(key);
    }
}

/// Gives a key put back by revert its comment and place.
pub(super) fn reinsert_layout(parent: &mut Item, key: &str, layout: &Layout) {
    let Some(table) = parent.as_table_like_mut() else {
        return;
    };
    if let Some(took) = &layout.took {
        if let Some(mut k) = table.key_mut(key) {
            k.leaf_decor_mut().set_prefix(took.before.as_str());
        }
        if let Some(Item::Value(v)) = table.get_mut(key) {
            v.decor_mut().set_suffix(took.after.as_str());
        }
    }
    let mut order: Vec<String> = table
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| k != key)
        .collect();
    let at = match &layout.anchor {
        Some(Anchor::After(a)) => order
            .iter()
            .position(|k| k == a)
            .map_or(order.len(), |i| i + 1),
        Some(Anchor::First) => 0,
        _ => order.len(),
    };
    order.insert(at, key.to_string());
    let rank: HashMap<String, usize> = order.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
    let by_rank = |a: &str, b: &str| -> Ordering {
        let ra = rank.get(a).copied().unwrap_or(usize::MAX);
        let rb = rank.get(b).copied().unwrap_or(usize::MAX);
        ra.cmp(&rb)
    };
    match parent {
        Item::Table(t) => t.sort_values_by(|a, _, b, _| by_rank(a.get(), b.get())),
        Item::Value(TomlValue::InlineTable(t)) => {
            t.sort_values_by(|a, _, b, _| by_rank(a.get(), b.get()))
        }
        _ => {}
    }
}
