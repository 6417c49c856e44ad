//! No key outside `Found::value`: not in `Debug`, `Display`, errors or the `Moved` record.

use super::*;

#[test]
fn no_key_in_debug_display_errors_or_records() {
    for name in FIXTURES {
        let src = source(name);
        let text = fixture(name);
        let found = scan(&text, src);
        let debug = format!("{found:?}");
        assert!(
            !debug.contains("CANARY"),
            "{name}: Debug of findings leaks a key: {debug}"
        );
        for f in &found {
            match take(&text, src, f) {
                Ok((out, moved)) => {
                    let shown = format!(
                        "{moved:?} {}",
                        serde_json::to_string(&moved).unwrap_or_default()
                    );
                    assert!(
                        !shown.contains("CANARY"),
                        "{name}: the Moved record leaks a key"
                    );
                    let gone = out.replace(&moved.inserted, "");
                    let err = err(restore(&gone, src, &moved, f.value.expose()));
                    assert!(
                        !format!("{err:?} {err}").contains("CANARY"),
                        "{name}: restore error leaks"
                    );
                }
                Err(e) => assert!(
                    !format!("{e:?} {e}").contains("CANARY"),
                    "{name}: error leaks"
                ),
            }
        }
    }
    let changed = err(take_out(
        OPENAI,
        SourceKind::Shell,
        1,
        OPENAI,
        OPENAI,
        OPENAI,
    ));
    assert!(
        !format!("{changed:?} {changed}").contains("CANARY"),
        "errors never echo their inputs"
    );
}

#[test]
fn moved_serializes_camel_case_and_round_trips() {
    let text = format!("OPENAI_API_KEY={OPENAI}\n");
    let (_, moved) = take_openai(&text, SourceKind::Dotenv, 1).unwrap();
    let json = serde_json::to_value(&moved).unwrap_or_default();
    assert_eq!(json["line"], 1);
    assert_eq!(json["template"], format!("OPENAI_API_KEY={PLACEHOLDER}"));
    let back: Moved = serde_json::from_value(json).unwrap();
    assert_eq!(back, moved);
}
