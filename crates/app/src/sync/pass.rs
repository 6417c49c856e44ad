//! One sync pass over a space: every record of the chosen kinds compared three ways
//! ([`super::plan::decide`]), this machine's changes written with the version they were based
//! on, the others' taken in, conflicts listed and left alone on both sides.

use super::local::{self, Key};
use super::plan::{decide, hash, Direction, Known, Step};
use super::seal::{Sealed, SpaceKey};
use super::MachineSync;
use super::{Kind, SyncConflict, SyncReport};
use crate::blocking::OffThread;
use crate::AppError;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use switchyard_team::{Put, SyncedRecord, SyncedWrite, TeamDb};

/// Where what this machine agreed with one database about one space is kept: under the
/// database's identity, so another database (or the same address serving a new one) starts
/// from nothing known.
pub(super) async fn known_key(db: &TeamDb, space: &str) -> Result<String, AppError> {
    Ok(format!("sync:known:{}:{space}", db.instance_id().await?))
}

pub(super) async fn load_known(
    sync: &MachineSync,
    key: &str,
) -> Result<BTreeMap<Key, Known>, AppError> {
    let key = key.to_string();
    let list: Vec<Known> = sync
        .table
        .blocking(move |s| Ok(s.setting_or_default(&key)?))
        .await?;
    Ok(list
        .into_iter()
        .filter_map(|k| Some(((Kind::parse(&k.kind)?, k.name.clone()), k)))
        .collect())
}

pub(super) async fn save_known(
    sync: &MachineSync,
    key: &str,
    known: &BTreeMap<Key, Known>,
) -> Result<(), AppError> {
    let key = key.to_string();
    let value = serde_json::to_value(known.values().collect::<Vec<_>>())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    sync.table
        .blocking(move |s| Ok(s.set_setting(&key, &value)?))
        .await
}

pub(super) fn remember(
    known: &mut BTreeMap<Key, Known>,
    key: &Key,
    version: i64,
    body: Option<&Value>,
) {
    known.insert(
        key.clone(),
        Known {
            kind: key.0.as_str().into(),
            name: key.1.clone(),
            version,
            hash: body.map(hash),
        },
    );
}

/// The order pulled records go in: additions by dependency (backends before the routes and
/// budgets that name them), deletions the other way round.
fn order((kind, _): &Key, body: Option<&Value>) -> (bool, i8) {
    let rank = kind.rank();
    match body {
        Some(_) => (false, rank),
        None => (true, -rank),
    }
}

/// Runs one pass. `only`: consider these records alone (the command line pushes what its
/// command changed and nothing else). `seal`: the space's key — every record written is sealed
/// with it, and a record in the database that does not carry its seal is listed as a problem
/// and neither taken nor written over; `None` for the team's space, which its admins write.
pub(crate) async fn run(
    sync: &MachineSync,
    db: &TeamDb,
    space: &str,
    kinds: &[Kind],
    direction: Direction,
    only: Option<&BTreeSet<Key>>,
    seal: Option<&SpaceKey>,
) -> Result<SyncReport, AppError> {
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let mut report = SyncReport::new(space);
    let known_at = known_key(db, space).await?;
    let mut known = load_known(sync, &known_at).await?;
    let (mut unsealed, mut reseal) = (BTreeSet::new(), Vec::new());
    let mut remote: BTreeMap<Key, SyncedRecord> = BTreeMap::new();
    for r in db.synced_records(space, &names).await? {
        let Some(kind) = Kind::parse(&r.kind) else {
            continue;
        };
        let key = (kind, r.name.clone());
        if r.oversize {
            report.problems.push(format!(
                "{} in the database (version {}, written as {}) is over 256 KiB, more than \
                 Switchyard writes: not taken",
                label(&key),
                r.version,
                r.updated_by
            ));
            unsealed.insert(key);
            continue;
        }
        if seal.is_some_and(|k| !k.verifies(space, &r)) {
            if r.mac.is_none() && agreed(known.get(&key), &r) {
                // Written before seals, and exactly what this machine agreed with: it vouches
                // for it by sealing it now.
                reseal.push((key.clone(), r.version, r.body.clone()));
                remote.insert(key, r);
                continue;
            }
            report.problems.push(format!(
                "{} in the database (version {}, written as {}) is not sealed with this space's key: not taken",
                label(&key),
                r.version,
                r.updated_by
            ));
            unsealed.insert(key);
            continue;
        }
        remote.insert(key, r);
    }
    let here = sync.snapshot(kinds).await?;
    let keys: BTreeSet<Key> = here
        .keys()
        .chain(remote.keys())
        .chain(known.keys().filter(|k| kinds.contains(&k.0)))
        .filter(|k| only.is_none_or(|o| o.contains(*k)) && !unsealed.contains(*k))
        .cloned()
        .collect();
    let machine = super::machine_name();
    let mut pulls = Vec::new();
    for key in keys {
        let mine = here.get(&key);
        let theirs = remote.get(&key);
        let step = decide(
            mine,
            known.get(&key),
            theirs.map(|r| (r.version, r.body.as_ref())),
            direction,
        );
        match step {
            Step::Nothing => {}
            Step::Agree { version } => remember(&mut known, &key, version, mine),
            Step::Pull { version, body } => {
                pulls.push((key, version, body, theirs.map(|r| r.updated_by.clone())))
            }
            Step::Push { read, body } => {
                match put(db, space, &key, read, body.as_ref(), &machine, seal).await? {
                    Put::Written { version } => {
                        remember(&mut known, &key, version, mine);
                        report.pushed.push(label(&key));
                    }
                    Put::Conflict { current } => {
                        report
                            .conflicts
                            .push(conflict(&key, mine, current.as_ref()))
                    }
                }
            }
            Step::Conflict => report.conflicts.push(conflict(&key, mine, theirs)),
        }
    }
    for (key, read, body) in reseal {
        // A record pushed meanwhile in this pass is sealed already (this is then a conflict).
        if let Put::Written { version } =
            put(db, space, &key, read, body.as_ref(), &machine, seal).await?
        {
            remember(&mut known, &key, version, body.as_ref());
        }
    }
    pulls.sort_by_key(|(key, _, body, _)| order(key, body.as_ref()));
    let mut taken = Vec::new();
    for (key, version, body, from) in pulls {
        let from = from.unwrap_or_default();
        match local::apply(sync, &key, body.as_ref(), &from, writer(space)).await {
            Ok(notes) if notes.is_empty() => {
                report.pulled.push(label(&key));
                taken.push((key, version));
            }
            Ok(notes) => {
                report
                    .pulled
                    .push(format!("{} ({})", label(&key), notes.join("; ")));
                taken.push((key, version));
            }
            Err(e) => report
                .problems
                .push(format!("{} from {from} was not taken: {e}", label(&key))),
        }
    }
    if !taken.is_empty() {
        // What this machine holds now, as it holds it (a backend without keys, a token renamed
        // beside one of the same name): the next pass sees no change here.
        let now = sync.snapshot(kinds).await?;
        for (key, version) in taken {
            remember(&mut known, &key, version, now.get(&key));
        }
    }
    save_known(sync, &known_at, &known).await?;
    Ok(report)
}

/// Whether this machine last agreed with exactly `r` (its version and its copy's hash).
fn agreed(known: Option<&Known>, r: &SyncedRecord) -> bool {
    known.is_some_and(|k| k.version == r.version && k.hash == r.body.as_ref().map(hash))
}

/// Writes `body` over version `read` of `key`, sealed with `seal` when the space has one.
pub(super) async fn put(
    db: &TeamDb,
    space: &str,
    key: &Key,
    read: i64,
    body: Option<&Value>,
    machine: &str,
    seal: Option<&SpaceKey>,
) -> Result<Put, AppError> {
    let mac = match seal {
        Some(k) => Some(k.seal(&Sealed {
            space,
            kind: key.0.as_str(),
            name: &key.1,
            version: read + 1,
            body,
        })?),
        None => None,
    };
    let write = SyncedWrite {
        space,
        kind: key.0.as_str(),
        name: &key.1,
        read,
        body,
        by: machine,
        mac: mac.as_deref(),
    };
    Ok(db.put_synced(&write).await?)
}

/// The unattended writer that takes records of `space`.
pub(super) fn writer(space: &str) -> crate::config_file::Writer {
    crate::config_file::Writer::Unattended(if space == super::TEAM_SPACE {
        "The team's configuration"
    } else {
        "My machines"
    })
}

pub(super) fn label((kind, name): &Key) -> String {
    format!("{} “{name}”", kind.as_str())
}

fn conflict(key: &Key, mine: Option<&Value>, theirs: Option<&SyncedRecord>) -> SyncConflict {
    SyncConflict {
        kind: key.0,
        name: key.1.clone(),
        mine: mine.cloned(),
        theirs: theirs.and_then(|r| r.body.clone()),
        their_version: theirs.map_or(0, |r| r.version),
        their_machine: theirs.map(|r| r.updated_by.clone()).unwrap_or_default(),
    }
}
