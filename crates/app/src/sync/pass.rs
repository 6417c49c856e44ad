//! One sync pass over a space: every record of the chosen kinds compared three ways
//! ([`super::plan::decide`]), this machine's changes written with the version they were based
//! on, the others' taken in, conflicts listed and left alone on both sides.

use super::index;
use super::kinds::{label, shown, Carries};
use super::local::{self, Key};
use super::plan::{decide, hash, Direction, Known, Step};
use super::read;
use super::seal::SpaceKey;
use super::write;
use super::MachineSync;
use super::{Kind, SyncConflict, SyncReport};
use crate::blocking::OffThread;
use crate::AppError;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use switchyard_team::{Put, SyncedRecord, TeamDb};

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

/// Runs one pass over `space`, whose records are of type `S` ([`super::kinds`]). `only`:
/// consider these records alone (the command line pushes what its command changed and nothing
/// else). `seal`: the space's key — every record written is sealed with it and written with the
/// space's index, and a row that does not carry its seal, or is older than the index names, is
/// listed as a problem and neither taken nor written over ([`super::read`]); `None` for the
/// team's space, which its admins write.
pub(crate) async fn run<S: Carries>(
    sync: &MachineSync,
    db: &TeamDb,
    space: &str,
    kinds: &[S::Kind],
    direction: Direction,
    only: Option<&BTreeSet<Key>>,
    seal: Option<&SpaceKey>,
) -> Result<SyncReport, AppError> {
    let mut report = SyncReport::new(space);
    let known_at = known_key(db, space).await?;
    let mut known = load_known(sync, &known_at).await?;
    let mut view = read::read::<S>(sync, db, space, kinds, seal, &known).await?;
    report.problems.append(&mut view.problems);
    let kinds: Vec<Kind> = kinds.iter().map(|k| (*k).into()).collect();
    let here = sync.snapshot(&kinds).await?;
    // This machine's own tokens that never travel (a panel's, a scrape's): no record of them is
    // written, nor deleted because they are not in the snapshot.
    let kept = sync.kept_here().await?;
    let keys: BTreeSet<Key> = here
        .keys()
        .chain(view.remote.keys())
        .chain(known.keys().filter(|k| kinds.contains(&k.0)))
        .filter(|k| only.is_none_or(|o| o.contains(*k)))
        .filter(|k| !view.excluded.contains(*k) && !kept.contains(*k))
        .cloned()
        .collect();
    let machine = super::machine_name();
    let mut pulls = Vec::new();
    for key in keys {
        let mine = here.get(&key);
        let theirs = view.remote.get(&key);
        let step = decide(
            mine,
            known.get(&key),
            theirs.map(|r| (r.row.version, r.row.body.as_ref())),
            direction,
        );
        match step {
            Step::Nothing => {}
            Step::Agree { version } => remember(&mut known, &key, version, mine),
            Step::Pull { version, .. } => pulls.push((key, version)),
            Step::Push { read, body } => {
                let floor = known.get(&key).map_or(0, |k| k.version);
                let sealing = view.sealing.as_mut();
                match write::put(
                    db,
                    space,
                    &key,
                    (read, floor),
                    body.as_ref(),
                    &machine,
                    sealing,
                )
                .await?
                {
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
            Step::Conflict => report
                .conflicts
                .push(conflict(&key, mine, theirs.map(|r| &r.row))),
        }
    }
    for key in std::mem::take(&mut view.reseal) {
        let Some(r) = view.remote.get(&key) else {
            continue;
        };
        let (read, body) = (r.row.version, r.row.body.clone());
        // A record pushed meanwhile in this pass is sealed already (this is then a conflict).
        let sealing = view.sealing.as_mut();
        if let Put::Written { version } = write::put(
            db,
            space,
            &key,
            (read, read),
            body.as_ref(),
            &machine,
            sealing,
        )
        .await?
        {
            remember(&mut known, &key, version, body.as_ref());
        }
    }
    if !pulls.is_empty() && !view.may_take() {
        let names: Vec<String> = pulls.iter().map(|(k, _)| label(k)).collect();
        report.problems.push(format!(
            "waiting, not taken: {} (the space's index is behind its records)",
            names.join(", ")
        ));
        pulls.clear();
    }
    pulls
        .sort_by_key(|(key, _)| order(key, view.remote.get(key).and_then(|r| r.row.body.as_ref())));
    if let Some(s) = view.sealing.as_mut() {
        // Every record read as the newest goes into the index this machine holds (records
        // from before the index are indexed by the first machine of this version that agreed).
        let newest = view
            .remote
            .iter()
            .filter(|(k, _)| !s.ahead.contains(*k))
            .map(|(_, r)| &r.row);
        write::note_taken(&mut s.index, newest);
    }
    let mut taken = Vec::new();
    for (key, version) in pulls {
        let Some(remote) = view.remote.remove(&key) else {
            continue;
        };
        let from = remote.row.updated_by.clone();
        let change = S::change(remote.kind, remote.record);
        match local::apply(sync, &key, change, &from, writer(space)).await {
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
            Err(e) => report.problems.push(format!(
                "{} from {} was not taken: {e}",
                label(&key),
                shown(&from)
            )),
        }
    }
    if !taken.is_empty() {
        // What this machine holds now, as it holds it (a backend without keys, a token renamed
        // beside one of the same name): the next pass sees no change here.
        let now = sync.snapshot(&kinds).await?;
        for (key, version) in taken {
            remember(&mut known, &key, version, now.get(&key));
        }
    }
    if let Some(s) = view.sealing.as_mut() {
        if s.ahead.is_empty() {
            write::index(db, space, &machine, s).await?;
        }
        index::save_seen(sync, &s.seen_at, &s.index).await?;
    }
    save_known(sync, &known_at, &known).await?;
    Ok(report)
}

/// The unattended writer that takes records of `space`.
pub(super) fn writer(space: &str) -> crate::config_file::Writer {
    crate::config_file::Writer::Unattended(if space == super::TEAM_SPACE {
        "The team's configuration"
    } else {
        "My machines"
    })
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
