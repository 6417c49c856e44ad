use serde_json::json;

use super::*;
use crate::edit::EditError;

const Y: Format = Format::Yaml;
const E: Format = Format::Dotenv;

#[test]
fn yaml_writes_plain_scalars_when_they_read_back_the_same() {
    let a = applied(
        None,
        Y,
        &[
            set(&["url"], "http://127.0.0.1:4141/v1"),
            set(&["model"], "openai/gpt-4o"),
            set(&["flag"], "true"),
            set(&["colon"], "a: b"),
            set(&["hash"], "x #y"),
            set(&["empty"], ""),
            set(&["num"], "1.5"),
        ],
    );
    assert_eq!(
        a.text,
        "url: http://127.0.0.1:4141/v1\nmodel: openai/gpt-4o\nflag: \"true\"\ncolon: \"a: b\"\nhash: \"x #y\"\nempty: \"\"\nnum: \"1.5\"\n"
    );
}

#[test]
fn yaml_reads_scalars_as_pyyaml_does() {
    let text = "a: yes\nb: ~\nc: 12\nd: 'it''s'\ne: \"tab\\there\"\nf: plain text # comment\ng:\n";
    assert_eq!(get(text, Y, &["a"]), Some(json!(true)));
    assert_eq!(get(text, Y, &["b"]), Some(json!(null)));
    assert_eq!(get(text, Y, &["c"]), Some(json!(12)));
    assert_eq!(get(text, Y, &["d"]), Some(json!("it's")));
    assert_eq!(get(text, Y, &["e"]), Some(json!("tab\there")));
    assert_eq!(get(text, Y, &["f"]), Some(json!("plain text")));
    assert_eq!(get(text, Y, &["g"]), Some(json!(null)));
}

#[test]
fn yaml_refuses_to_set_a_nested_value() {
    for text in [
        "read:\n  - a.md\n",
        "read:\n- a.md\n",
        "env:\n  A: 1\n",
        "msg: |\n  line\n",
        "x: &a 1\n",
        "l: [1, 2]\n",
    ] {
        let key = &text[..text.find(':').unwrap()];
        let e = apply(Some(text), Y, &[set(&[key], "v")]).unwrap_err();
        assert!(matches!(e, EditError::Unsupported(_)), "{text:?}: {e:?}");
    }
}

#[test]
fn yaml_sets_an_empty_value_in_place() {
    assert_eq!(
        round_trip("model:\nother: 1\n", Y, &[set(&["model"], "m")]),
        "model: m\nother: 1\n"
    );
    assert_eq!(
        round_trip("model: # pick one\n", Y, &[set(&["model"], "m")]),
        "model: m # pick one\n"
    );
}

#[test]
fn yaml_that_is_not_a_flat_mapping_is_refused() {
    assert!(matches!(
        apply(Some("- a\n- b\n"), Y, &[]),
        Err(EditError::Shape { .. })
    ));
    assert!(matches!(
        apply(Some("a: 1\n---\nb: 2\n"), Y, &[]),
        Err(EditError::Unsupported(_))
    ));
    assert!(matches!(
        apply(Some("  a: 1\n"), Y, &[]),
        Err(EditError::Parse { line: 1, .. })
    ));
    assert!(matches!(
        apply(Some("a: 1\n"), Y, &[set(&["a", "b"], "x")]),
        Err(EditError::Unsupported(_))
    ));
    assert!(matches!(
        apply(Some("a: 1\n"), Y, &[set(&["a"], 2)]),
        Err(EditError::Unsupported(_))
    ));
}

#[test]
fn dotenv_keeps_export_and_quotes_when_needed() {
    let text = "export A=1\nexport B='old value'\n";
    let out = round_trip(
        text,
        E,
        &[
            set(&["A"], "x y"),
            set(&["B"], "plain"),
            set(&["C"], "it's \"q\""),
        ],
    );
    assert_eq!(
        out,
        "export A='x y'\nexport B=plain\nexport C=\"it's \\\"q\\\"\"\n"
    );
    assert_eq!(get(&out, E, &["C"]), Some(json!("it's \"q\"")));
}

#[test]
fn dotenv_reads_the_last_occurrence_and_sets_it() {
    let text = "A=1\n# again\nA=2 # why\n";
    assert_eq!(get(text, E, &["A"]), Some(json!("2")));
    assert_eq!(
        round_trip(text, E, &[set(&["A"], "3")]),
        "A=1\n# again\nA=3 # why\n"
    );
}

#[test]
fn dotenv_remove_drops_dead_duplicates_and_revert_restores_the_live_one() {
    let a = applied(Some("A=1\nB=2\nA=3\n"), E, &[remove(&["A"])]);
    assert_eq!(a.text, "B=2\n");
    let back = revert(Some(&a.text), E, &a.record).unwrap();
    assert_eq!(back.text.as_deref(), Some("B=2\nA=3\n"));
}

#[test]
fn a_removed_line_returns_after_its_comment() {
    let text = "A=1\n\n# the key\nKEY='sy-test-x' # note\nZ=2\n";
    assert_eq!(
        round_trip(text, E, &[remove(&["KEY"])]),
        "A=1\n\n# the key\nZ=2\n"
    );
}

#[test]
fn dotenv_refuses_what_it_cannot_read() {
    for (text, line) in [
        ("A=1\nnot an assignment\n", 2),
        ("1A=x\n", 1),
        ("A='open\n", 1),
        ("A=\"x\" tail\n", 1),
    ] {
        match apply(Some(text), E, &[]) {
            Err(EditError::Parse { line: l, .. }) => assert_eq!(l, line, "{text:?}"),
            other => panic!("{text:?}: {other:?}"),
        }
    }
    assert!(matches!(
        apply(None, E, &[set(&["BAD NAME"], "x")]),
        Err(EditError::Shape { .. })
    ));
}

/// A shell profile: only the marked line is Switchyard's; the user's shell code around it (which
/// the `.env` rules could not read) is never parsed, and a revert gives the file back byte for
/// byte, a missing final newline included.
#[test]
fn a_profile_line_is_added_and_taken_back_leaving_the_users_code() {
    let line = r#"[ -f "/h/.copilot/switchyard.env" ] && . "/h/.copilot/switchyard.env""#;
    let set_line = || Change::Set {
        path: vec!["copilot-cli".into()],
        value: serde_json::json!(line),
        secret: false,
    };
    for before in [
        "",
        "if [ -n \"$PS1\" ]; then\n  alias ll='ls -l'\nfi\n",
        "export PATH=\"$HOME/bin:$PATH\" # mine",
    ] {
        let a = applied(Some(before), Format::Profile, &[set_line()]);
        let text = a.text.clone();
        assert!(text.starts_with(before.trim_end_matches('\n')), "{text:?}");
        // (A file without a final newline keeps none.)
        let want = format!("\n{line} # switchyard:copilot-cli");
        assert!(
            text.trim_end().ends_with(&want) || text.trim_end() == want.trim_start(),
            "{text:?}"
        );
        assert_eq!(
            read(&text, Format::Profile, &["copilot-cli".into()]).unwrap(),
            Some(serde_json::json!(line))
        );
        let back = revert(Some(&text), Format::Profile, &a.record).unwrap();
        assert_eq!(back.text.as_deref().unwrap_or(""), before, "byte for byte");
        // Connecting again over it changes nothing.
        let again = applied(Some(&text), Format::Profile, &[set_line()]);
        assert_eq!(again.text, text);
    }
}

/// A sourced env file gets `export` on every new line, so the shell passes them on.
#[test]
fn a_new_shell_env_file_exports_its_variables() {
    let a = applied(
        None,
        Format::ShellEnv,
        &[
            set(&["COPILOT_PROVIDER_BASE_URL"], "http://127.0.0.1:4141/v1"),
            set(&["COPILOT_MODEL"], "demo-chat"),
        ],
    );
    assert_eq!(
        a.text,
        "export COPILOT_PROVIDER_BASE_URL=http://127.0.0.1:4141/v1\nexport COPILOT_MODEL=demo-chat\n"
    );
}
