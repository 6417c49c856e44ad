use serde_json::json;

use super::*;
use crate::edit::{EditError, Reverted};

const SECRET: &str = "sy-test-very-secret";

#[test]
fn debug_never_shows_a_secret_value() {
    let change = set_secret(&["env", "ANTHROPIC_AUTH_TOKEN"], SECRET);
    assert!(!format!("{change:?}").contains(SECRET));
    let text = format!("{{\"env\": {{\"ANTHROPIC_API_KEY\": \"{SECRET}-old\"}}}}\n");
    let changes = [
        change,
        Change::Remove {
            path: path(&["env", "ANTHROPIC_API_KEY"]),
            secret: true,
        },
    ];
    let a = applied(Some(&text), Format::Json, &changes);
    for shown in [
        format!("{a:?}"),
        format!("{:?}", a.record),
        format!("{:#?}", a.record.edits),
    ] {
        assert!(!shown.contains(SECRET), "Debug leaks: {shown}");
    }
    let r = revert(Some(&a.text), Format::Json, &a.record).unwrap();
    assert!(!format!("{r:?}").contains(SECRET));
    let plain = set(&["a"], "visible");
    assert!(
        format!("{plain:?}").contains("visible"),
        "non-secret values are shown"
    );
}

#[test]
fn the_layout_never_holds_a_secret_value() {
    for (format, text) in [
        (Format::Json, "{\"k\": \"sy-test-old\"}\n"),
        (Format::Toml, "k = 'sy-test-old'\n"),
        (Format::Yaml, "k: 'sy-test-old'\n"),
        (Format::Dotenv, "k=\"sy-test-old\"\n"),
    ] {
        for change in [
            set_secret(&["k"], SECRET),
            Change::Remove {
                path: path(&["k"]),
                secret: true,
            },
        ] {
            let a = applied(Some(text), format, &[change]);
            let layout = serde_json::to_string(&a.record.edits[0].layout).unwrap();
            assert!(!layout.contains("sy-test"), "{format:?}: {layout}");
            let back = revert(Some(&a.text), format, &a.record).unwrap();
            assert_eq!(
                back.text.as_deref(),
                Some(text),
                "{format:?}: the quoting comes back"
            );
        }
    }
}

#[test]
fn errors_never_quote_values() {
    let e = apply(
        Some("{\"env\": \"sy-test-secret\"}"),
        Format::Json,
        &[set(&["env", "A"], "x")],
    )
    .unwrap_err();
    assert!(
        matches!(&e, EditError::Shape { path, .. } if path == "env"),
        "{e:?}"
    );
    assert!(!e.to_string().contains("sy-test"), "{e}");
    let e = apply(Some("A=\"sy-test-secret\n"), Format::Dotenv, &[]).unwrap_err();
    assert!(!format!("{e} {e:?}").contains("sy-test"), "{e}");
    let e = apply(Some("{\"a\": \"\\uZZZZ sy-test\"}"), Format::Json, &[]).unwrap_err();
    assert!(!format!("{e} {e:?}").contains("sy-test"), "{e}");
}

#[test]
fn removing_an_absent_key_records_nothing() {
    let a = applied(
        Some("{\"a\": 1}\n"),
        Format::Json,
        &[remove(&["b"]), remove(&["a", "x"])],
    );
    assert!(a.record.edits.is_empty());
    assert!(!a.changed);
}

#[test]
fn setting_the_value_a_key_has_leaves_the_text_alone() {
    let text = "{\"a\": \"x\",   \"n\": 1.0}\n";
    let a = applied(
        Some(text),
        Format::Json,
        &[set(&["a"], "x"), set(&["n"], json!(1.0))],
    );
    assert_eq!(a.text, text);
    assert!(!a.changed);
    assert_eq!(a.record.edits.len(), 2, "still recorded");
    let back = revert(Some(text), Format::Json, &a.record).unwrap();
    assert_eq!(
        back,
        Reverted {
            text: Some(text.into()),
            kept: vec![]
        }
    );
}

#[test]
fn an_empty_path_is_refused() {
    let e = apply(None, Format::Json, &[set(&[], "x")]).unwrap_err();
    assert!(matches!(e, EditError::Shape { .. }));
}

#[test]
fn a_deleted_file_stays_deleted() {
    let a = applied(
        Some("{\"a\": 1}\n"),
        Format::Json,
        &[set(&["a"], 2), set(&["b"], 3)],
    );
    let back = revert(None, Format::Json, &a.record).unwrap();
    assert_eq!(back.text, None);
    assert_eq!(
        back.kept,
        vec![path(&["a"])],
        "the value we could not put back"
    );
}

#[test]
fn a_file_we_created_stays_when_the_user_added_to_it() {
    for (format, extra) in [
        (Format::Json, None),
        (Format::Toml, Some("other = 1\n")),
        (Format::Yaml, Some("other: 1\n")),
        (Format::Dotenv, Some("other=1\n")),
    ] {
        let a = applied(None, format, &[set(&["k"], "v")]);
        let live = match extra {
            Some(line) => format!("{}{line}", a.text),
            None => a
                .text
                .replace("\"k\": \"v\"", "\"k\": \"v\",\n  \"other\": 1"),
        };
        let back = revert(Some(&live), format, &a.record).unwrap();
        let text = back
            .text
            .unwrap_or_else(|| panic!("{format:?}: the user's key keeps the file"));
        assert_eq!(get(&text, format, &["k"]), None, "{format:?}: ours goes");
        assert!(
            get(&text, format, &["other"]).is_some(),
            "{format:?}: theirs stays:\n{text}"
        );
    }
}

#[test]
fn a_key_the_user_removed_is_reported_as_kept() {
    let a = applied(Some("{\n  \"a\": 1\n}\n"), Format::Json, &[set(&["b"], 2)]);
    let live = "{\n  \"a\": 1\n}\n";
    let back = revert(Some(live), Format::Json, &a.record).unwrap();
    assert_eq!(back.text.as_deref(), Some(live));
    assert_eq!(back.kept, vec![path(&["b"])]);
}

#[test]
fn a_removed_key_the_user_put_back_is_kept() {
    let a = applied(Some("A=1\nB=2\n"), Format::Dotenv, &[remove(&["A"])]);
    assert_eq!(a.text, "B=2\n");
    let back = revert(Some("B=2\nA=9\n"), Format::Dotenv, &a.record).unwrap();
    assert_eq!(back.text.as_deref(), Some("B=2\nA=9\n"));
    assert_eq!(back.kept, vec![path(&["A"])]);
}

#[test]
fn a_broken_live_file_is_not_reverted() {
    let a = applied(Some("{}"), Format::Json, &[set(&["a"], 1)]);
    let e = revert(Some("{\"a\": 1,,}"), Format::Json, &a.record).unwrap_err();
    assert!(matches!(e, EditError::Parse { line: 1, .. }), "{e:?}");
}
