//! What one record needs, from three views of it: a machine's copy, what that machine last
//! agreed with the database ([`Known`]: the version and the hash of the copy then), and the
//! database's copy. Pure, so every case is a unit test. (The app's My machines decides with it.)

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What this machine last agreed with the database about one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Known {
    pub kind: String,
    pub name: String,
    pub version: i64,
    /// The hash of this machine's copy then; `None`: it was deleted.
    pub hash: Option<String>,
}

/// How a pass treats this machine's changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Both ways: this machine's changes go up, the others' come down, both changed is a
    /// conflict ("my machines", and the command line administering a team).
    Both,
    /// Down only, the database always right (a team replica follows the team's records; its
    /// own records that the team does not have stay as they are).
    Follow,
}

/// What a record needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Nothing,
    /// Write this machine's copy (`None`: a delete) over the database's version `read`.
    Push {
        read: i64,
        body: Option<Value>,
    },
    /// Take the database's copy (`None`: delete it here) at `version`.
    Pull {
        version: i64,
        body: Option<Value>,
    },
    /// Both sides hold the same thing: remember `version`.
    Agree {
        version: i64,
    },
    /// Both sides changed it differently since they last agreed: neither is touched.
    Conflict,
}

/// The hash of a record's JSON (serde_json writes object keys in order, so equal records hash
/// equal).
pub fn hash(body: &Value) -> String {
    let digest = Sha256::digest(body.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a record needs, given this machine's copy, what was last agreed, and the database's
/// version and copy.
pub fn decide(
    local: Option<&Value>,
    known: Option<&Known>,
    remote: Option<(i64, Option<&Value>)>,
    direction: Direction,
) -> Step {
    let local_hash = local.map(hash);
    let known_version = known.map_or(0, |k| k.version);
    let local_changed = match known {
        Some(k) => local_hash != k.hash,
        None => local.is_some(),
    };
    let (remote_version, remote_body) = remote.unwrap_or((0, None));
    let remote_changed = remote_version > known_version;
    if known.is_none() && local.is_some() && remote_changed {
        // This machine's own record, never agreed with the space: a copy of the same name
        // there (or its tombstone) neither replaces nor deletes it, whichever way the pass runs.
        return if local_hash == remote_body.map(hash) {
            Step::Agree {
                version: remote_version,
            }
        } else {
            Step::Conflict
        };
    }
    match (local_changed, remote_changed, direction) {
        (_, true, Direction::Follow) | (false, true, Direction::Both) => Step::Pull {
            version: remote_version,
            body: remote_body.cloned(),
        },
        (true, false, Direction::Both) => {
            if local.is_none() && remote_body.is_none() {
                // Deleted here, and never there (or deleted there too).
                return Step::Agree {
                    version: remote_version,
                };
            }
            Step::Push {
                read: remote_version,
                body: local.cloned(),
            }
        }
        (true, true, Direction::Both) => {
            if local_hash == remote_body.map(hash) {
                Step::Agree {
                    version: remote_version,
                }
            } else {
                Step::Conflict
            }
        }
        (false, false, _) | (true, false, Direction::Follow) => Step::Nothing,
    }
}

/// Whether this machine last agreed with exactly `r` (its version and its copy's hash).
pub fn agreed(known: Option<&Known>, r: &crate::SyncedRecord) -> bool {
    known.is_some_and(|k| k.version == r.version && k.hash == r.body.as_ref().map(hash))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use serde_json::json;
    use Direction::{Both, Follow};

    fn known(version: i64, body: Option<&Value>) -> Known {
        Known {
            kind: "backend".into(),
            name: "a".into(),
            version,
            hash: body.map(hash),
        }
    }

    #[test]
    fn each_combination_of_changes_gets_its_step() {
        let (a, b) = (json!({"url": "a"}), json!({"url": "b"}));
        let k1 = known(1, Some(&a));
        // Nobody changed anything.
        assert_eq!(
            decide(Some(&a), Some(&k1), Some((1, Some(&a))), Both),
            Step::Nothing
        );
        // A new record here goes up from nothing.
        assert_eq!(
            decide(Some(&a), None, None, Both),
            Step::Push {
                read: 0,
                body: Some(a.clone())
            }
        );
        // Changed here only: up, over the version read.
        assert_eq!(
            decide(Some(&b), Some(&k1), Some((1, Some(&a))), Both),
            Step::Push {
                read: 1,
                body: Some(b.clone())
            }
        );
        // Deleted here: a tombstone goes up.
        assert_eq!(
            decide(None, Some(&k1), Some((1, Some(&a))), Both),
            Step::Push {
                read: 1,
                body: None
            }
        );
        // Changed there only: down.
        assert_eq!(
            decide(Some(&a), Some(&k1), Some((2, Some(&b))), Both),
            Step::Pull {
                version: 2,
                body: Some(b.clone())
            }
        );
        // Deleted there: deleted here.
        assert_eq!(
            decide(Some(&a), Some(&k1), Some((2, None)), Both),
            Step::Pull {
                version: 2,
                body: None
            }
        );
        // Changed on both sides, differently: a conflict; the same way: agreed.
        assert_eq!(
            decide(Some(&b), Some(&k1), Some((2, Some(&a))), Both),
            Step::Conflict
        );
        assert_eq!(
            decide(Some(&b), Some(&k1), Some((2, Some(&b))), Both),
            Step::Agree { version: 2 }
        );
        // Two machines that made the same record before ever syncing agree; different ones
        // conflict.
        assert_eq!(
            decide(Some(&a), None, Some((1, Some(&a))), Both),
            Step::Agree { version: 1 }
        );
        assert_eq!(
            decide(Some(&b), None, Some((1, Some(&a))), Both),
            Step::Conflict
        );
        // Deleted on both sides.
        assert_eq!(
            decide(None, Some(&k1), Some((2, None)), Both),
            Step::Agree { version: 2 }
        );
    }

    #[test]
    fn a_follower_takes_every_newer_version_and_sends_nothing() {
        let (a, b) = (json!({"url": "a"}), json!({"url": "b"}));
        let k1 = known(1, Some(&a));
        assert_eq!(
            decide(Some(&b), Some(&k1), Some((2, Some(&a))), Follow),
            Step::Pull {
                version: 2,
                body: Some(a.clone())
            }
        );
        assert_eq!(
            decide(Some(&b), Some(&k1), Some((1, Some(&a))), Follow),
            Step::Nothing
        );
        assert_eq!(decide(Some(&b), None, None, Follow), Step::Nothing);
    }

    #[test]
    fn a_record_made_here_is_never_replaced_or_deleted_by_one_the_space_never_shared() {
        let (a, b) = (json!({"url": "a"}), json!({"url": "b"}));
        for direction in [Both, Follow] {
            assert_eq!(
                decide(Some(&a), None, Some((3, None)), direction),
                Step::Conflict,
                "a tombstone of the same name deletes nothing made here ({direction:?})"
            );
            assert_eq!(
                decide(Some(&a), None, Some((3, Some(&b))), direction),
                Step::Conflict,
                "another copy of the same name replaces nothing made here ({direction:?})"
            );
            assert_eq!(
                decide(Some(&a), None, Some((3, Some(&a))), direction),
                Step::Agree { version: 3 },
                "the same copy is agreed ({direction:?})"
            );
        }
    }
}
