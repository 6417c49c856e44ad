//! A sealed space's index (issue 69): one row (kind [`KIND`]) naming each record's newest version
//! and a digest of its body, sealed with the space's key like the records, and written in the
//! same transaction as every record this version writes ([`crate::TeamDb::put_indexed`]), so in the
//! database the index and the records never disagree.
//!
//! A record's seal proves a machine of the user's wrote it, not that it is still the newest: an
//! old row, genuinely sealed, can be written back by anyone with the database's credentials. The
//! index is what tells. A row below what the index names (a lower version, or the same version
//! with another body) is an old row written back: never taken, never written over. A row above
//! it means the index itself was removed or rolled back: nothing is taken until the machine that
//! wrote the row syncs again (its own memory puts the row back in the index).
//!
//! Each machine remembers the newest index it has seen, per database and space (the app's
//! `sync::index::load_seen`),
//! and joins it with the database's ([`Index::join`]: per record the higher version), so what a
//! machine once saw never goes backwards, whatever the database later says.
//!
//! What stays possible: someone with the database's credentials and an old copy of the whole
//! space (every row, the index with them) can put that older state back; a machine that joins
//! then takes it as it was. A machine that had seen newer refuses every row it knows newer of.

use super::plan::hash;
use crate::{SyncedRecord, MAX_SPACE_RECORDS};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The index row's kind and name.
pub const KIND: &str = "index";
pub const NAME: &str = "index";

/// One record as the index names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Line {
    kind: String,
    name: String,
    version: i64,
    /// The SHA-256 of the body's JSON; `None`: a tombstone.
    digest: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    records: Vec<Line>,
}

/// Each record's newest version and body digest, by (kind, name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index(BTreeMap<(String, String), (i64, Option<String>)>);

/// Where a row stands against the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Exactly the version and body the index names.
    Named,
    /// Newer than the index names, or not in it.
    Ahead,
    /// Older than the index names (or the same version with another body).
    Behind { newest: i64 },
}

impl Index {
    /// The index a row's body holds; `None`: it is not one.
    pub fn parse(body: &Value) -> Option<Index> {
        let b = Body::deserialize(body).ok()?;
        if b.records.len() > MAX_SPACE_RECORDS {
            return None;
        }
        let mut index = Index::default();
        for l in b.records {
            index.put(&l.kind, &l.name, l.version, l.digest);
        }
        Some(index)
    }

    /// The body the index row holds.
    pub fn to_body(&self) -> Value {
        let records = self
            .0
            .iter()
            .map(|((kind, name), (version, digest))| Line {
                kind: kind.clone(),
                name: name.clone(),
                version: *version,
                digest: digest.clone(),
            })
            .collect();
        serde_json::to_value(Body { records }).unwrap_or(Value::Null)
    }

    /// Adds that `kind` `name` is at `version` with `body` (`None`: a tombstone), unless a
    /// newer version is named already.
    pub fn note(&mut self, kind: &str, name: &str, version: i64, body: Option<&Value>) {
        self.put(kind, name, version, body.map(hash));
    }

    fn put(&mut self, kind: &str, name: &str, version: i64, digest: Option<String>) {
        let slot = (kind.to_string(), name.to_string());
        // At one version, the higher digest: two bodies under one version exist only when
        // someone wrote around Switchyard, and every machine must settle on the same one (a
        // join the same either way round), or two machines would rewrite the index in turn.
        if self
            .0
            .get(&slot)
            .is_none_or(|had| (version, &digest) > (had.0, &had.1))
        {
            self.0.insert(slot, (version, digest));
        }
    }

    /// Joins `other` in: per record, the higher version.
    pub fn join(&mut self, other: &Index) {
        for ((kind, name), (version, digest)) in &other.0 {
            self.put(kind, name, *version, digest.clone());
        }
    }

    /// The newest version named of `kind` `name` (0: none).
    pub fn newest(&self, kind: &str, name: &str) -> i64 {
        self.0
            .get(&(kind.to_string(), name.to_string()))
            .map_or(0, |(v, _)| *v)
    }

    /// Where `r` stands.
    pub fn standing(&self, r: &SyncedRecord) -> Standing {
        match self.0.get(&(r.kind.clone(), r.name.clone())) {
            None => Standing::Ahead,
            Some((v, _)) if r.version > *v => Standing::Ahead,
            Some((v, d)) if r.version == *v && *d == r.body.as_ref().map(hash) => Standing::Named,
            Some((v, _)) => Standing::Behind { newest: *v },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(version: i64, body: Option<Value>) -> SyncedRecord {
        SyncedRecord {
            kind: "token".into(),
            name: "t1".into(),
            version,
            body,
            updated_by: "laptop".into(),
            updated_at_ms: 0,
            mac: None,
            oversize: false,
        }
    }

    #[test]
    fn a_row_older_than_the_index_names_is_behind_and_a_newer_one_ahead() {
        let (active, revoked) = (json!({"revoked": false}), json!({"revoked": true}));
        let mut index = Index::default();
        index.note("token", "t1", 2, Some(&revoked));
        assert_eq!(
            index.standing(&row(2, Some(revoked.clone()))),
            Standing::Named
        );
        assert_eq!(
            index.standing(&row(1, Some(active.clone()))),
            Standing::Behind { newest: 2 },
            "the old active row written back"
        );
        assert_eq!(
            index.standing(&row(2, Some(active.clone()))),
            Standing::Behind { newest: 2 },
            "the same version with another body"
        );
        assert_eq!(index.standing(&row(3, None)), Standing::Ahead);
        let back = Index::parse(&index.to_body()).unwrap();
        assert_eq!(back, index, "the index reads back as it was written");
    }

    #[test]
    fn joining_never_goes_backwards() {
        let (a, b) = (json!(1), json!(2));
        let mut mine = Index::default();
        mine.note("backend", "x", 3, Some(&a));
        let mut old = Index::default();
        old.note("backend", "x", 2, Some(&b));
        old.note("route", "y", 1, None);
        mine.join(&old);
        assert_eq!(mine.newest("backend", "x"), 3);
        assert_eq!(mine.newest("route", "y"), 1);
        let mut other = old.clone();
        other.join(&mine);
        assert_eq!(other, mine, "a join is the same either way round");
    }
}
