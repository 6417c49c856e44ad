//! Reading a space: every row of `synced_records` judged as hostile input before a pass looks at
//! it (anyone with the database's credentials writes any row). A row becomes a record of the
//! pass only when it is of a kind the space carries ([`super::kinds`]), names itself as
//! Switchyard names records, is of a size Switchyard writes, carries the space's seal (a sealed
//! space), is not older than what this machine agreed with nor than the space's index names
//! ([`super::index`]), and parses into its space's record type. Every other row is listed as a
//! problem and is neither taken nor written over; the pass goes on with the rest.

use super::index::{self, Index, Standing};
use super::kinds::{check_name, label, shown, Carries};
use super::local::Key;
use super::plan::{agreed, Known};
use super::seal::{Scheme, SpaceKey};
use super::MachineSync;
use crate::AppError;
use std::collections::{BTreeMap, BTreeSet};
use switchyard_team::{SyncedRecord, TeamDb};

/// A row that became a record: its kind, the row as stored and its parsed record (`None`: a
/// tombstone).
pub(super) struct Remote<S: Carries> {
    pub kind: S::Kind,
    pub row: SyncedRecord,
    pub record: Option<S>,
}

/// What a sealed space's pass knows of its index.
pub(super) struct Sealing {
    pub key: SpaceKey,
    /// What this machine has seen, joined with the database's index: never less than either.
    pub index: Index,
    /// The database's index as it verified (`None`: none, or not sealed with this key).
    pub stored: Option<Index>,
    /// The index row's version in the database (0: none): the next write goes over it.
    pub row: i64,
    /// Whether the space has an index: its row, a row sealed with it, or one seen before.
    pub indexed: bool,
    /// Records newer than the index names (it was removed or rolled back): while there are
    /// any, the pass takes nothing.
    pub ahead: BTreeSet<Key>,
    /// Where this machine remembers the index.
    pub seen_at: String,
}

/// A space as a pass sees it.
pub(super) struct View<S: Carries> {
    pub remote: BTreeMap<Key, Remote<S>>,
    /// Records neither taken nor written over this pass.
    pub excluded: BTreeSet<Key>,
    pub problems: Vec<String>,
    /// Rows from before seals that this machine agreed with: the pass seals them.
    pub reseal: Vec<Key>,
    /// A sealed space's index; `None`: the team's space.
    pub sealing: Option<Sealing>,
}

/// Reads `space` for a pass over `kinds`: `seal`, the space's key (`None`: the team's space),
/// `known`, what this machine last agreed with the database.
pub(super) async fn read<S: Carries>(
    sync: &MachineSync,
    db: &TeamDb,
    space: &str,
    kinds: &[S::Kind],
    seal: Option<&SpaceKey>,
    known: &BTreeMap<Key, Known>,
) -> Result<View<S>, AppError> {
    let rows = db.synced_space(space).await?;
    let mut view = View {
        remote: BTreeMap::new(),
        excluded: BTreeSet::new(),
        problems: Vec::new(),
        reseal: Vec::new(),
        sealing: None,
    };
    if let Some(key) = seal {
        let seen_at = index::seen_key(&db.instance_id().await?, space);
        let sealing = sealing(sync, key, space, &rows, seen_at, &mut view.problems).await?;
        view.sealing = Some(sealing);
    }
    for r in rows {
        if view.sealing.is_some() && r.kind == index::KIND && r.name == index::NAME {
            continue;
        }
        let Some(kind) = S::kind(&r.kind) else {
            view.problems.push(format!(
                "{} “{}” in the database (written as {}): {}",
                shown(&r.kind),
                shown(&r.name),
                shown(&r.updated_by),
                S::CARRIES
            ));
            continue;
        };
        if !kinds.contains(&kind) {
            continue;
        }
        let key: Key = (kind.into(), r.name.clone());
        let at = format!(
            "{} in the database (version {}, written as {})",
            label(&key),
            r.version,
            shown(&r.updated_by)
        );
        if let Err(e) = judge(&r, &key, known, seal.zip(view.sealing.as_mut()), space) {
            match e {
                Verdict::Reseal => view.reseal.push(key.clone()),
                Verdict::Refused(why) => {
                    view.problems.push(format!("{at} {why}: not taken"));
                    view.excluded.insert(key);
                    continue;
                }
            }
        }
        let record = match (&r.body, check_name(&r.name)) {
            (_, Err(e)) => Err(e),
            (Some(body), Ok(())) => S::parse(kind, &r.name, body).map(Some),
            (None, Ok(())) => Ok(None),
        };
        match record {
            Ok(record) => {
                view.remote.insert(
                    key,
                    Remote {
                        kind,
                        row: r,
                        record,
                    },
                );
            }
            Err(e) => {
                view.problems.push(format!("{at}: not taken: {e}"));
                view.excluded.insert(key);
            }
        }
    }
    if let Some(s) = view.sealing.as_ref().filter(|s| !s.ahead.is_empty()) {
        let names: Vec<String> = s.ahead.iter().map(label).collect();
        view.problems.push(format!(
            "the space's index does not name the newest {}: it was removed or rolled back in the \
             database, or a machine stopped while writing. Nothing is taken until the machine \
             that wrote them syncs again",
            names.join(", ")
        ));
    }
    Ok(view)
}

/// Why a row is not simply a record.
enum Verdict {
    /// From before seals, exactly what this machine agreed with: it seals it.
    Reseal,
    Refused(String),
}

/// A row's size, seal and age; `Ok`: it may be a record.
fn judge(
    r: &SyncedRecord,
    key: &Key,
    known: &BTreeMap<Key, Known>,
    sealed: Option<(&SpaceKey, &mut Sealing)>,
    space: &str,
) -> Result<(), Verdict> {
    if r.oversize {
        return Err(Verdict::Refused(
            "is larger than anything Switchyard writes (a body over 256 KiB, or a name, writer \
             or seal too long)"
                .into(),
        ));
    }
    let Some((key_of_space, s)) = sealed else {
        return Ok(());
    };
    let scheme = key_of_space.scheme(space, r);
    let standing = s.index.standing(r);
    if scheme.is_none() {
        let behind = matches!(standing, Standing::Behind { .. });
        return Err(if r.mac.is_none() && agreed(known.get(key), r) && !behind {
            Verdict::Reseal
        } else {
            Verdict::Refused("is not sealed with this space's key".into())
        });
    }
    let floor = known.get(key).map_or(0, |k| k.version);
    if r.version < floor {
        return Err(Verdict::Refused(format!(
            "is older than version {floor}, which this machine already agreed with: an old row \
             written back"
        )));
    }
    match standing {
        Standing::Behind { newest } => Err(Verdict::Refused(format!(
            "is older than the newest the space's index names (version {newest}): an old row \
             written back"
        ))),
        Standing::Named => Ok(()),
        Standing::Ahead if !s.indexed => Ok(()),
        Standing::Ahead if scheme == Some(Scheme::Plain) => Err(Verdict::Refused(
            "was written by an earlier version of Switchyard after this space was indexed: \
             update that machine"
                .into(),
        )),
        Standing::Ahead => {
            s.ahead.insert(key.clone());
            Ok(())
        }
    }
}

/// The space's index as this machine may trust it: the database's (when sealed with the key)
/// joined with what this machine has seen.
async fn sealing(
    sync: &MachineSync,
    key: &SpaceKey,
    space: &str,
    rows: &[SyncedRecord],
    seen_at: String,
    problems: &mut Vec<String>,
) -> Result<Sealing, AppError> {
    let seen = index::load_seen(sync, &seen_at).await?;
    let mut stored = None;
    let mut row = 0;
    if let Some(r) = rows
        .iter()
        .find(|r| r.kind == index::KIND && r.name == index::NAME)
    {
        row = r.version;
        stored = verified(key, space, r);
        if stored.is_none() {
            problems.push(format!(
                "the space's index in the database (version {}, written as {}) is not sealed \
                 with this space's key: not used",
                r.version,
                shown(&r.updated_by)
            ));
        }
    }
    let indexed = stored.is_some()
        || !seen.is_empty()
        || rows
            .iter()
            .any(|r| key.scheme(space, r) == Some(Scheme::Indexed));
    let mut index = seen;
    if let Some(s) = &stored {
        index.join(s);
    }
    Ok(Sealing {
        key: key.clone(),
        index,
        stored,
        row,
        indexed,
        ahead: BTreeSet::new(),
        seen_at,
    })
}

/// The index `r` holds, when it is sealed with `key` by this version.
pub(super) fn verified(key: &SpaceKey, space: &str, r: &SyncedRecord) -> Option<Index> {
    if r.oversize || key.scheme(space, r) != Some(Scheme::Indexed) {
        return None;
    }
    Index::parse(r.body.as_ref()?)
}

impl<S: Carries> View<S> {
    /// Whether the pass may take records: not while the index is behind them.
    pub fn may_take(&self) -> bool {
        self.sealing.as_ref().is_none_or(|s| s.ahead.is_empty())
    }
}
