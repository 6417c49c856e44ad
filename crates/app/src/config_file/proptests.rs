//! Property tests of the configuration file's parser, which reads files from anyone: arbitrary
//! text, and the documented example cut or changed at one place. Whatever the text, reading it
//! does not panic, a refusal quotes no line past [`MAX_QUOTED_CHARS`], and a file that parses
//! writes out and reads back as itself. The case count is set here so `cargo test` stays fast.

use super::file::{from_toml, to_toml, MAX_QUOTED_CHARS};
use proptest::prelude::*;

const CASES: u32 = 256;

fn example() -> &'static str {
    let doc = include_str!("../../../../docs/CONFIG.md");
    doc.split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap_or_default()
}

/// The documented example with `len` bytes at `at` (both taken modulo its length) replaced by
/// `with`, cut at a character boundary.
fn mutated(at: usize, len: usize, with: &str) -> String {
    let text = example();
    let mut start = at % text.len().max(1);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + len % 64).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    format!("{}{with}{}", &text[..start], &text[end..])
}

fn read(text: &str) -> Result<(), TestCaseError> {
    match from_toml(text) {
        Ok(file) => {
            let written = to_toml(&file).map_err(TestCaseError::fail)?;
            let again = from_toml(&written).map_err(TestCaseError::fail)?;
            prop_assert_eq!(again, file, "a file that parses reads back as itself");
        }
        Err(message) => {
            for line in message.lines() {
                prop_assert!(
                    line.chars().count() <= MAX_QUOTED_CHARS + 200,
                    "a refusal quotes at most {MAX_QUOTED_CHARS} characters of a line: {} chars",
                    line.chars().count()
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn any_text_is_read_or_refused_without_a_panic(text in ".{0,400}") {
        read(&text)?;
    }

    #[test]
    fn the_example_changed_anywhere_is_read_or_refused_cleanly(
        at in any::<usize>(), len in any::<usize>(),
        with in prop_oneof![
            Just(String::new()), Just("\"".to_string()), Just("[[".to_string()),
            Just("99999999999999999999".to_string()), Just("-1".to_string()),
            Just("=".to_string()), "[a-z =\\[\\]\"0-9\n]{1,12}".prop_map(|s| s),
        ],
    ) {
        read(&mutated(at, len, &with))?;
    }
}
