//! Property tests of what a sync pass reads from the database, which anyone with its
//! credentials can write: any JSON as a record's body is parsed into its kind or refused
//! without a panic, and no record verifies without the space's key — whatever its kind, name,
//! version, body and seal. The case count is set here so `cargo test` stays fast.

use super::kinds::{Carries, MachineRecord, TeamKind, TeamRecord};
use super::seal::SpaceKey;
use super::Kind;
use proptest::prelude::*;
use serde_json::Value;
use switchyard_team::SyncedRecord;

const CASES: u32 = 256;

/// Any JSON value a few levels deep, with the field names records use among the keys.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
    ];
    let key = prop_oneof![
        Just("name".to_string()),
        Just("kind".to_string()),
        Just("baseUrl".to_string()),
        Just("candidate".to_string()),
        Just("hash".to_string()),
        Just("scope".to_string()),
        "[a-zA-Z]{1,8}",
    ];
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn any_body_is_parsed_or_refused_without_a_panic(body in json(), name in ".{0,12}") {
        for kind in TeamKind::ALL {
            let _ = TeamRecord::parse(kind, &name, &body);
        }
        for kind in Kind::ALL {
            let _ = MachineRecord::parse(kind, &name, &body);
        }
    }

    #[test]
    fn no_record_verifies_without_the_space_key(
        kind in "[a-z]{1,8}", name in ".{0,30}", version in any::<i64>(),
        body in proptest::option::of(json()), mac in proptest::option::of("[0-9a-f]{0,70}"),
    ) {
        let record = SyncedRecord {
            kind, name, version, body,
            updated_by: "someone".into(),
            updated_at_ms: 0,
            mac,
            oversize: false,
        };
        prop_assert!(!SpaceKey::generate().verifies("ana", &record));
    }
}
