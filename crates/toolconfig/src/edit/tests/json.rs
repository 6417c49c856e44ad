use serde_json::json;

use super::*;
use crate::edit::EditError;

const F: Format = Format::Json;

#[test]
fn a_new_file_is_pretty_with_two_spaces_and_a_final_newline() {
    let a = applied(
        None,
        F,
        &[
            set(&["env", "A"], "x"),
            set(&["n"], json!([1, {"b": true}])),
        ],
    );
    assert_eq!(
        a.text,
        "{\n  \"env\": {\n    \"A\": \"x\"\n  },\n  \"n\": [\n    1,\n    {\n      \"b\": true\n    }\n  ]\n}\n"
    );
    assert_eq!(
        a.record.created,
        vec![path(&[]), path(&["env"])],
        "the root and `env` are ours"
    );
}

#[test]
fn new_keys_follow_the_file_layout() {
    assert_eq!(
        round_trip("{\"a\":1}", F, &[set(&["b"], json!({"c": 2}))]),
        "{\"a\":1,\"b\":{\"c\":2}}"
    );
    assert_eq!(
        round_trip("{\n    \"a\": 1\n}\n", F, &[set(&["b", "c"], 2)]),
        "{\n    \"a\": 1,\n    \"b\": {\n        \"c\": 2\n    }\n}\n"
    );
    assert_eq!(
        round_trip("{\r\n\t\"a\": {}\r\n}\r\n", F, &[set(&["a", "b"], 2)]),
        "{\r\n\t\"a\": {\r\n\t\t\"b\": 2\r\n\t}\r\n}\r\n"
    );
}

#[test]
fn a_comment_ending_the_last_line_stays_with_its_key() {
    assert_eq!(
        round_trip("{\n  \"a\": 1 // why\n}\n", F, &[set(&["b"], 2)]),
        "{\n  \"a\": 1, // why\n  \"b\": 2\n}\n"
    );
    assert_eq!(
        round_trip("{\n  \"a\": 1, /* why */\n}\n", F, &[set(&["b"], 2)]),
        "{\n  \"a\": 1, /* why */\n  \"b\": 2\n}\n"
    );
}

/// A comment between the previous key and a removed one goes with the removed key (and comes
/// back with it on revert).
#[test]
fn removing_takes_the_comma_that_belongs_to_the_key() {
    let text = "{\n  \"a\": 1,\n  \"b\": 2, // b\n  \"c\": 3\n}\n";
    assert_eq!(
        round_trip(text, F, &[remove(&["a"])]),
        "{\n  \"b\": 2, // b\n  \"c\": 3\n}\n"
    );
    assert_eq!(
        round_trip(text, F, &[remove(&["b"])]),
        "{\n  \"a\": 1, // b\n  \"c\": 3\n}\n"
    );
    assert_eq!(
        round_trip(text, F, &[remove(&["c"])]),
        "{\n  \"a\": 1,\n  \"b\": 2\n}\n"
    );
    assert_eq!(round_trip("{\"only\": 1}", F, &[remove(&["only"])]), "{}");
}

#[test]
fn a_replaced_value_comes_back_as_it_was_written() {
    let text = "{\n  \"a\": [1,2],\n  \"b\": 1.50,\n  \"s\": \"\\u0041\"\n}\n";
    round_trip(
        text,
        F,
        &[set(&["a"], "x"), set(&["b"], 2), set(&["s"], "B")],
    );
}

#[test]
fn a_removed_key_returns_to_its_place_after_other_edits() {
    let a = applied(
        Some("{\n  \"a\": 1,\n  \"k\": \"v\",\n  \"z\": 2\n}\n"),
        F,
        &[remove(&["k"])],
    );
    let live = a.text.replace("\"z\": 2", "\"z\": 3,\n  \"new\": true");
    let back = revert(Some(&live), F, &a.record).unwrap();
    assert_eq!(
        back.text.as_deref(),
        Some("{\n  \"a\": 1,\n  \"k\": \"v\",\n  \"z\": 3,\n  \"new\": true\n}\n")
    );
}

#[test]
fn keys_added_next_to_ours_survive_revert() {
    let a = applied(
        Some("{\n  \"env\": {}\n}\n"),
        F,
        &[set(&["env", "A"], "1"), set(&["p", "q", "r"], "2")],
    );
    let live = a
        .text
        .replace("\"A\": \"1\"", "\"A\": \"1\",\n    \"MINE\": \"x\"")
        .replace("\"r\": \"2\"", "\"r\": \"2\",\n      \"s\": 0");
    let back = revert(Some(&live), F, &a.record).unwrap();
    let text = back.text.unwrap();
    assert_eq!(get(&text, F, &["env"]), Some(json!({"MINE": "x"})));
    assert_eq!(
        get(&text, F, &["p"]),
        Some(json!({"q": {"s": 0}})),
        "containers holding user keys stay"
    );
    assert!(back.kept.is_empty());
}

#[test]
fn a_parent_that_is_not_an_object_is_a_shape_error() {
    let e = apply(Some("{\"env\": [1]}"), F, &[set(&["env", "A"], "x")]).unwrap_err();
    assert_eq!(
        e,
        EditError::Shape {
            path: "env".into(),
            message: "is not an object".into()
        }
    );
    let e = apply(Some("[1, 2]"), F, &[set(&["a"], "x")]).unwrap_err();
    assert!(matches!(e, EditError::Shape { .. }), "{e:?}");
}

#[test]
fn duplicate_keys_read_as_the_last() {
    assert_eq!(get("{\"a\": 1, \"a\": 2}", F, &["a"]), Some(json!(2)));
}

#[test]
fn json5_extras_are_refused() {
    for text in ["{a: 1}", "{'a': 1}", "{\"a\": 0x10}", "{\"a\": 1 \"b\": 2}"] {
        assert!(
            matches!(apply(Some(text), F, &[]), Err(EditError::Parse { .. })),
            "{text}"
        );
    }
}

#[test]
fn a_removed_key_whose_old_place_no_longer_fits_is_added_as_new() {
    let a = applied(
        Some("{\n  \"a\": 1,\n  \"k\": 2 // note\n}\n"),
        F,
        &[remove(&["k"])],
    );
    assert_eq!(a.text, "{\n  \"a\": 1\n}\n");
    let live = "{\n  \"a\": 1, \"b\": 3\n}\n";
    let text = revert(Some(live), F, &a.record).unwrap().text.unwrap();
    assert_eq!(get(&text, F, &["k"]), Some(json!(2)), "{text}");
    assert_eq!(get(&text, F, &["b"]), Some(json!(3)), "{text}");
}
