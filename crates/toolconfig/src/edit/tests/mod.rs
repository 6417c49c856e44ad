//! Unit tests of the edit engines: behaviours one at a time. The corpus-wide invariant and the
//! tools' golden files live in the crate's `tests/`.

mod common;
mod json;
mod lines;
mod toml;

use serde_json::Value;

use super::{apply, read, revert, Applied, Change, Format};

pub(super) fn path(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

pub(super) fn set(keys: &[&str], value: impl Into<Value>) -> Change {
    Change::Set {
        path: path(keys),
        value: value.into(),
        secret: false,
    }
}

pub(super) fn set_secret(keys: &[&str], value: &str) -> Change {
    Change::Set {
        path: path(keys),
        value: value.into(),
        secret: true,
    }
}

pub(super) fn remove(keys: &[&str]) -> Change {
    Change::Remove {
        path: path(keys),
        secret: false,
    }
}

pub(super) fn applied(text: Option<&str>, format: Format, changes: &[Change]) -> Applied {
    apply(text, format, changes).unwrap()
}

pub(super) fn get(text: &str, format: Format, keys: &[&str]) -> Option<Value> {
    read(text, format, &path(keys)).unwrap()
}

/// Applies, checks the exact round trip, returns the applied text.
pub(super) fn round_trip(text: &str, format: Format, changes: &[Change]) -> String {
    let a = applied(Some(text), format, changes);
    let back = revert(Some(&a.text), format, &a.record).unwrap();
    assert_eq!(
        back.text.as_deref(),
        Some(text),
        "revert(apply(x)) == x\n{}",
        a.text
    );
    a.text
}
