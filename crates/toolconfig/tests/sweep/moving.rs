//! Moving a key out of its file and back: byte-exact round trips over the corpus in every line
//! ending, the exact comment left behind, refusals, and finding the place again.

use super::*;

#[test]
fn take_out_then_restore_is_byte_exact_over_the_corpus() {
    let mut moved_count = 0;
    for name in FIXTURES {
        let src = source(name);
        for (variant, text) in variants(&fixture(name)) {
            for f in scan(&text, src) {
                let at = format!("{name} ({variant}) line {}", f.line);
                if SHARED_LINES.contains(&(name, f.line)) {
                    assert!(
                        matches!(take(&text, src, &f), Err(SweepError::Unsupported(_))),
                        "{at}: a line shared with other settings is left alone"
                    );
                    continue;
                }
                let (out, moved) = take(&text, src, &f).unwrap_or_else(|e| panic!("{at}: {e}"));
                let value = f.value.expose();
                assert!(!out.contains(value.as_str()), "{at}: the key left the file");
                assert!(
                    scan(&out, src).iter().all(|g| g.value.expose() != value),
                    "{at}: nothing left to find for this key"
                );
                let back =
                    restore(&out, src, &moved, value).unwrap_or_else(|e| panic!("{at}: {e}"));
                assert!(
                    back == text,
                    "{at}: restore must give back the original byte for byte"
                );
                moved_count += 1;
            }
        }
    }
    assert_eq!(
        moved_count,
        4 * 34,
        "every movable finding in every variant was exercised"
    );
}

#[test]
fn take_out_everything_then_restore_in_reverse_gives_the_original() {
    for name in FIXTURES {
        let src = source(name);
        let original = fixture(name).replace('\n', "\r\n");
        let mut text = original.clone();
        let mut undo = Vec::new();
        // Take out the first movable finding until none is left (line numbers shift as JSON
        // members go, so shared lines are recognised by the refusal, not by number).
        while let Some((out, moved, value)) = scan(&text, src).into_iter().find_map(|f| {
            take(&text, src, &f)
                .ok()
                .map(|(out, moved)| (out, moved, f.value.clone()))
        }) {
            undo.push((moved, value));
            text = out;
        }
        let left = scan(&text, src).len();
        let shared = SHARED_LINES.iter().filter(|(n, _)| *n == name).count();
        assert_eq!(left, shared, "{name}: only shared-line findings stay");
        for (moved, value) in undo.iter().rev() {
            text = restore(&text, src, moved, value.expose())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(text == original, "{name}: all keys back where they were");
    }
}

#[test]
fn a_taken_out_line_becomes_a_masked_comment() {
    let cases = [
        (
            SourceKind::Shell,
            format!("export OPENAI_API_KEY=\"{OPENAI}\" # work\n"),
            "# export OPENAI_API_KEY=\"sk-proj-…QCm7\" # work  # moved to the Switchyard keychain on 2025-06-01\n",
        ),
        (
            SourceKind::Fish,
            format!("    set -gx OPENAI_API_KEY {OPENAI}"),
            "    # set -gx OPENAI_API_KEY sk-proj-…QCm7  # moved to the Switchyard keychain on 2025-06-01",
        ),
        (
            SourceKind::Yaml,
            format!("  openai-api-key: '{OPENAI}'\r\n"),
            "  # openai-api-key: 'sk-proj-…QCm7'  # moved to the Switchyard keychain on 2025-06-01\r\n",
        ),
        (
            SourceKind::Toml,
            format!("api_key = \"{OPENAI}\"\n"),
            "# api_key = \"sk-proj-…QCm7\"  # moved to the Switchyard keychain on 2025-06-01\n",
        ),
    ];
    for (src, text, expected) in cases {
        let (out, moved) = take_out(
            &text,
            src,
            1,
            scan(&text, src)[0].variable.as_str(),
            OPENAI_MASKED,
            NOTE,
        )
        .unwrap_or_else(|e| panic!("{src:?}: {e}"));
        assert_eq!(out, expected, "{src:?}");
        assert_eq!(moved.line, 1);
        assert_eq!(
            moved.inserted,
            expected.trim_end(),
            "{src:?}: inserted is the new line"
        );
        assert!(
            moved.template.contains(PLACEHOLDER),
            "{src:?}: template marks the key"
        );
    }
}

#[test]
fn an_empty_note_leaves_no_trailing_space() {
    let text = format!("OPENAI_API_KEY={OPENAI}");
    let (out, _) = take_out(
        &text,
        SourceKind::Dotenv,
        1,
        "OPENAI_API_KEY",
        OPENAI_MASKED,
        "",
    )
    .unwrap();
    assert_eq!(
        out,
        "# OPENAI_API_KEY=sk-proj-…QCm7  # moved to the Switchyard keychain"
    );
}

#[test]
fn take_out_refuses_when_the_file_changed() {
    let text = fixture(".bashrc");
    let src = SourceKind::Shell;
    let f = scan(&text, src)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("a finding"));
    let edited = text.replace(
        OPENAI,
        "sk-proj-CANARYaNewKeyPastedIn7Xq2Lm9Rt4Wv8Yz3Bc6Df1Gh5",
    );
    let shifted = format!("# a new first line\n{text}");
    let cases = [
        (
            "value replaced",
            edited.as_str(),
            f.line,
            f.variable.as_str(),
            f.masked.as_str(),
        ),
        (
            "lines added above",
            shifted.as_str(),
            f.line,
            f.variable.as_str(),
            f.masked.as_str(),
        ),
        (
            "other variable",
            text.as_str(),
            f.line,
            "GROQ_API_KEY",
            f.masked.as_str(),
        ),
        (
            "other mask",
            text.as_str(),
            f.line,
            f.variable.as_str(),
            "sk-proj-…zzzz",
        ),
        (
            "line 0",
            text.as_str(),
            0,
            f.variable.as_str(),
            f.masked.as_str(),
        ),
        (
            "past the end",
            text.as_str(),
            999,
            f.variable.as_str(),
            f.masked.as_str(),
        ),
    ];
    for (why, text, line, variable, masked) in cases {
        assert_eq!(
            take_out(text, src, line, variable, masked, NOTE).map(|_| ()),
            Err(SweepError::Changed),
            "{why}"
        );
    }
}

#[test]
fn take_out_refuses_notes_that_break_the_line_or_hold_the_key() {
    let text = format!("OPENAI_API_KEY={OPENAI}\n");
    for note in ["two\nlines", &format!("was {OPENAI}")] {
        let result = take_out(
            &text,
            SourceKind::Dotenv,
            1,
            "OPENAI_API_KEY",
            OPENAI_MASKED,
            note,
        );
        assert!(
            matches!(result, Err(SweepError::Unsupported(_))),
            "note {:?}",
            note.len()
        );
    }
}

#[test]
fn restore_finds_the_line_after_lines_were_added_above() {
    let text = fixture(".profile");
    let (out, moved) = take_openai(&text, SourceKind::Shell, 10).unwrap();
    let edited = format!("# added\n# by the user\n{out}");
    let back = restore(&edited, SourceKind::Shell, &moved, OPENAI).unwrap();
    assert!(
        back == format!("# added\n# by the user\n{text}"),
        "the user's lines stay, the key returns"
    );
}

#[test]
fn restore_picks_the_occurrence_nearest_the_recorded_line() {
    let line = format!("export OPENAI_API_KEY={OPENAI}");
    let text = format!("{line}\n# 2\n# 3\n# 4\n{line}\n");
    let (once, first) = take_openai(&text, SourceKind::Shell, 1).unwrap();
    let (twice, second) = take_openai(&once, SourceKind::Shell, 5).unwrap();
    assert_eq!(
        first.inserted, second.inserted,
        "two identical comment lines"
    );
    let back = restore(&twice, SourceKind::Shell, &second, OPENAI).unwrap();
    assert!(
        back == once,
        "the line-5 record restores line 5, not line 1"
    );
}

#[test]
fn restore_reports_not_found_when_the_line_is_gone() {
    let text = format!("A=1\nOPENAI_API_KEY={OPENAI}\nB=2\n");
    let (out, moved) = take_openai(&text, SourceKind::Dotenv, 2).unwrap();
    let gone = out.replace(&format!("{}\n", moved.inserted), "");
    assert_eq!(
        restore(&gone, SourceKind::Dotenv, &moved, OPENAI),
        Err(SweepError::NotFound)
    );
    let partial = out.replace(&moved.inserted, &format!("{} edited", moved.inserted));
    assert_eq!(
        restore(&partial, SourceKind::Dotenv, &moved, OPENAI),
        Err(SweepError::NotFound),
        "only the whole line counts"
    );
}

#[test]
fn restore_writes_nothing_but_a_key() {
    let text = format!("export OPENAI_API_KEY=\"{OPENAI}\"\n");
    let (out, moved) = take_openai(&text, SourceKind::Shell, 1).unwrap();
    for bad in ["\"; rm -rf ~; echo \"", "sk-proj-abc\nexport X=1", ""] {
        assert!(
            matches!(
                restore(&out, SourceKind::Shell, &moved, bad),
                Err(SweepError::Unsupported(_))
            ),
            "a value that would not read back as a key is refused"
        );
    }
}

#[test]
fn a_key_on_the_first_line_after_a_bom_round_trips() {
    for text in [
        format!("\u{feff}export OPENAI_API_KEY={OPENAI}\r\nexport A=1\r\n"),
        format!("\u{feff}\texport\tOPENAI_API_KEY='{OPENAI}'\t# tabs"),
    ] {
        let (out, moved) = take_openai(&text, SourceKind::Shell, 1).unwrap();
        assert!(out.starts_with('\u{feff}'), "the BOM stays first: {out:?}");
        assert_eq!(
            restore(&out, SourceKind::Shell, &moved, OPENAI).unwrap(),
            text
        );
    }
}
