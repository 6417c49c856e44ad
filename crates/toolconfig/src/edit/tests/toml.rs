use serde_json::json;

use super::*;
use crate::edit::EditError;

const F: Format = Format::Toml;

#[test]
fn an_object_becomes_a_normal_table_at_the_end() {
    let text = round_trip(
        "model = \"o3\"\n\n[tui]\nx = 1\n",
        F,
        &[set(
            &["model_providers", "switchyard"],
            json!({"name": "Switchyard", "base_url": "http://h/v1"}),
        )],
    );
    // serde_json's maps are sorted (the workspace does not turn on `preserve_order`).
    assert_eq!(
        text,
        "model = \"o3\"\n\n[tui]\nx = 1\n\n[model_providers.switchyard]\nbase_url = \"http://h/v1\"\nname = \"Switchyard\"\n"
    );
}

#[test]
fn root_keys_land_before_the_first_table() {
    let text = round_trip("a = 1\n\n[t]\nb = 2\n", F, &[set(&["z"], "new")]);
    assert_eq!(text, "a = 1\nz = \"new\"\n\n[t]\nb = 2\n");
}

#[test]
fn a_replaced_value_keeps_its_comment_and_comes_back_as_written() {
    let text = round_trip("model = 'o3'   # mine\n", F, &[set(&["model"], "gpt-5")]);
    assert_eq!(text, "model = \"gpt-5\"   # mine\n");
}

#[test]
fn inline_and_dotted_tables_stay_what_they_are() {
    let text = round_trip("p = { a = 1 }\n", F, &[set(&["p", "b"], 2)]);
    assert_eq!(text, "p = { a = 1, b = 2 }\n");
    let text = round_trip("p.a = 1\n", F, &[set(&["p", "b"], 2)]);
    assert_eq!(text, "p.a = 1\np.b = 2\n");
}

#[test]
fn crlf_files_keep_crlf() {
    let text = round_trip(
        "a = 1\r\n\r\n[t]\r\nb = 2\r\n",
        F,
        &[set(&["z"], 1), set(&["n", "k"], "v")],
    );
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "every line ends in CRLF: {text:?}"
    );
}

#[test]
fn a_removed_key_comes_back_with_its_comment_in_its_place() {
    let text = "a = 1\n# about b\nb = \"x\" # trailing\nc = 3\n";
    assert_eq!(round_trip(text, F, &[remove(&["b"])]), "a = 1\nc = 3\n");
    let a = applied(Some(text), F, &[remove(&["b"])]);
    let back = revert(Some("a = 1\nc = 4\nd = 5\n"), F, &a.record).unwrap();
    assert_eq!(
        back.text.as_deref(),
        Some("a = 1\n# about b\nb = \"x\" # trailing\nc = 4\nd = 5\n")
    );
}

#[test]
fn what_toml_cannot_hold_is_refused() {
    let e = apply(None, F, &[set(&["a"], serde_json::Value::Null)]).unwrap_err();
    assert!(matches!(e, EditError::Unsupported(_)), "{e:?}");
    let e = apply(Some("[t]\nx = 1\n"), F, &[set(&["t"], "flat")]).unwrap_err();
    assert!(matches!(e, EditError::Shape { .. }), "{e:?}");
    let e = apply(Some("t = 1\n"), F, &[set(&["t", "x"], "v")]).unwrap_err();
    assert!(matches!(e, EditError::Shape { .. }), "{e:?}");
}

#[test]
fn a_new_file_is_minimal() {
    let a = applied(
        None,
        F,
        &[
            set(&["model_provider"], "switchyard"),
            set(&["model_providers", "switchyard", "name"], "S"),
        ],
    );
    assert_eq!(
        a.text,
        "model_provider = \"switchyard\"\n\n[model_providers.switchyard]\nname = \"S\"\n"
    );
    assert_eq!(
        a.record.created,
        vec![
            path(&["model_providers"]),
            path(&["model_providers", "switchyard"])
        ]
    );
}

#[test]
fn unusual_layouts_are_kept_around_an_edit() {
    for text in [
        "a . b = 1\n\"quoted key\" = 'lit'\n[ t . u ]\t# c\nx = [\n  1, # one\n  2,\n]\n",
        "s = \"\"\"\nmulti \\\n  line\"\"\"\nt = '''\nraw'''\n[[arr]]\nq = 1\n[[arr]]\nq = 2\n",
        "x = { a = 1,b=2 }\n\n\n# end\n",
        "d = 1979-05-27T07:32:00Z\nf = 1e3\nh = 0xff\n",
    ] {
        let out = round_trip(text, F, &[set(&["zz"], "v"), set(&["new", "k"], 1)]);
        let first = text.lines().next().unwrap();
        assert!(
            out.starts_with(&format!("{first}\n")),
            "the first line is untouched:\n{out}"
        );
    }
}
