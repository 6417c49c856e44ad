//! Property tests of the four parsers of the tools' records, which read untrusted input:
//! arbitrary bytes, and real line shapes whose counts are any number-like text (huge, negative,
//! fractional, out of range, not a number) and then cut or changed at one byte. Whatever the
//! line, the parser does not panic (debug builds panic on an overflowing `+`), and what the
//! import keeps (a parser's record after [`bounded`]) has every count within
//! [`MAX_TOKENS`](crate::MAX_TOKENS); real counts are always kept. A line read streamed from its
//! file (one over the in-memory cap) gives what it gives read in memory.
//!
//! The case counts are set here (not by `PROPTEST_CASES`) so `cargo test` stays within seconds.

use crate::import::bounded;
use crate::skip::Skip;
use crate::stream::tests::{claude_both, codex_both, gemini_both};
use crate::{claude, codex, gemini, opencode, plausible, Record, MAX_TOKENS};
use proptest::prelude::*;

/// Cases per property: 11 properties run in about a second in a debug build.
const CASES: u32 = 256;

/// What a count in a line can be written as: mostly a u64 (so that a whole line often parses
/// and its counts reach the bound), else any other number-like text.
fn number() -> impl Strategy<Value = String> {
    let odd = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        Just("9223372036854775808".to_string()),
        Just("18446744073709551615".to_string()),
        Just("18446744073709551616".to_string()),
        Just("1e30".to_string()),
        Just("-1".to_string()),
        Just("null".to_string()),
        Just("\"7\"".to_string()),
    ];
    prop_oneof![
        5 => any::<u64>().prop_map(|n| n.to_string()),
        4 => (0..=2 * MAX_TOKENS).prop_map(|n| n.to_string()),
        1 => odd,
    ]
}

/// A real count, as large as a record may plausibly sum several of.
fn real() -> impl Strategy<Value = String> {
    (0..=MAX_TOKENS / 8).prop_map(|n| n.to_string())
}

/// One change to a line: none, cut at, replace a byte at, insert a byte at.
fn mutation() -> impl Strategy<Value = (u8, usize, u8)> {
    (0u8..4, any::<usize>(), any::<u8>())
}

/// `template` with each `#` replaced by the next of `numbers`, then changed by `m`.
fn line(template: &str, numbers: &[String], m: (u8, usize, u8)) -> Vec<u8> {
    let mut out = String::new();
    let mut n = numbers.iter();
    for c in template.chars() {
        if c == '#' {
            if let Some(v) = n.next() {
                out.push_str(v);
                continue;
            }
        }
        out.push(c);
    }
    let mut bytes = out.into_bytes();
    let at = m.1 % bytes.len().max(1);
    match m.0 {
        1 => bytes.truncate(at),
        2 if !bytes.is_empty() => bytes[at] = m.2,
        3 => bytes.insert(at, m.2),
        _ => {}
    }
    bytes
}

/// What the import keeps of a parser's answer is bounded.
fn kept(found: Result<Option<Record>, Skip>) -> Result<Option<Record>, TestCaseError> {
    let kept = bounded(found).ok().flatten();
    if let Some(r) = &kept {
        prop_assert!(plausible(r), "a count over the bound was kept: {r:?}");
    }
    Ok(kept)
}

pub(crate) const CLAUDE: &str = r##"{"type":"assistant","timestamp":"2026-11-25T11:30:34.304Z","requestId":"r","message":{"id":"m","model":"c","usage":{"input_tokens":#,"output_tokens":#,"cache_read_input_tokens":#,"cache_creation_input_tokens":#,"cache_creation":{"ephemeral_5m_input_tokens":#,"ephemeral_1h_input_tokens":#}}}}"##;
pub(crate) const CODEX_META: &str = r#"{"timestamp":"2026-11-25T11:43:49.000Z","type":"session_meta","payload":{"id":"01a2","cwd":"/p"}}"#;
pub(crate) const CODEX_RECORD: &str = r##"{"timestamp":"2026-11-25T11:43:52.500Z","type":"token_usage_record","payload":{"response_id":"resp","usage":{"input_tokens":#,"cached_input_tokens":#,"cache_write_input_tokens":#,"output_tokens":#,"reasoning_output_tokens":#,"total_tokens":#}}}"##;
pub(crate) const CODEX_COUNT: &str = r##"{"timestamp":"2026-11-25T11:43:52.600Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"total_tokens":#},"last_token_usage":{"input_tokens":#,"cached_input_tokens":#,"output_tokens":#,"reasoning_output_tokens":#,"total_tokens":#}},"rate_limits":{"primary":{"used_percent":#,"window_minutes":#,"resets_at":#}}}}"##;
pub(crate) const GEMINI_META: &str = r#"{"sessionId":"6a5e","projectHash":"ab"}"#;
pub(crate) const GEMINI: &str = r##"{"id":"m1","timestamp":"2026-11-25T11:41:14.693Z","type":"gemini","tokens":{"input":#,"output":#,"cached":#,"thoughts":#},"model":"g"}"##;
const OPENCODE: &str = r##"{"role":"assistant","modelID":"m","providerID":"p","tokens":{"input":#,"output":#,"reasoning":#,"cache":{"read":#,"write":#}},"time":{"completed":1795606903801}}"##;
const OPENCODE_STEP: &str = r##"{"type":"step-finish","tokens":{"input":#,"output":#,"reasoning":#,"cache":{"read":#,"write":#}}}"##;

fn claude(bytes: &[u8]) -> Result<Option<Record>, TestCaseError> {
    kept(claude::line(bytes))
}

/// A Codex line after the file's meta: a usage record, or a token count of an older file.
fn codex(bytes: &[u8]) -> Result<Option<Record>, TestCaseError> {
    let mut state = codex::State::default();
    let _ = codex::line(CODEX_META.as_bytes(), &mut state);
    let found = codex::line(bytes, &mut state).map(|f| {
        for w in &f.windows {
            assert!((0.0..=100.0).contains(&w.used_percent), "{w:?}");
        }
        f.record
    });
    kept(found)
}

fn gemini(bytes: &[u8]) -> Result<Option<Record>, TestCaseError> {
    let mut state = gemini::State::default();
    let _ = gemini::line(GEMINI_META.as_bytes(), &mut state, None);
    kept(gemini::line(bytes, &mut state, None))
}

fn opencode(data: &[u8], steps: &[Vec<u8>]) -> Result<Option<Record>, TestCaseError> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut steps_of = || {
        steps
            .iter()
            .filter_map(|s| opencode::step(&text(s)))
            .collect()
    };
    kept(opencode::message(
        crate::Tool::Opencode,
        "a",
        "s".into(),
        &text(data),
        &mut steps_of,
    ))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn claude_lines_never_panic_and_keep_only_bounded_counts(
        numbers in proptest::collection::vec(number(), 6), m in mutation(),
    ) {
        claude(&line(CLAUDE, &numbers, m))?;
    }

    #[test]
    fn codex_lines_never_panic_and_keep_only_bounded_counts(
        numbers in proptest::collection::vec(number(), 9), m in mutation(), count in any::<bool>(),
    ) {
        codex(&line(if count { CODEX_COUNT } else { CODEX_RECORD }, &numbers, m))?;
    }

    #[test]
    fn gemini_lines_never_panic_and_keep_only_bounded_counts(
        numbers in proptest::collection::vec(number(), 4), m in mutation(),
    ) {
        gemini(&line(GEMINI, &numbers, m))?;
    }

    #[test]
    fn opencode_messages_never_panic_and_keep_only_bounded_counts(
        numbers in proptest::collection::vec(number(), 5),
        steps in proptest::collection::vec(proptest::collection::vec(number(), 5), 0..4),
        m in mutation(),
    ) {
        let steps: Vec<Vec<u8>> = steps.iter().map(|n| line(OPENCODE_STEP, n, (0, 0, 0))).collect();
        opencode(&line(OPENCODE, &numbers, m), &steps)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic_any_parser(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        claude(&bytes)?;
        codex(&bytes)?;
        gemini(&bytes)?;
        opencode(&bytes, std::slice::from_ref(&bytes))?;
    }

    #[test]
    fn real_counts_are_always_kept(
        numbers in proptest::collection::vec(real(), 9),
        steps in proptest::collection::vec(proptest::collection::vec(real(), 5), 0..4),
    ) {
        let none = (0, 0, 0);
        prop_assert!(claude(&line(CLAUDE, &numbers, none))?.is_some(), "Claude Code");
        prop_assert!(codex(&line(CODEX_RECORD, &numbers, none))?.is_some(), "Codex");
        prop_assert!(gemini(&line(GEMINI, &numbers, none))?.is_some(), "Gemini CLI");
        let steps: Vec<Vec<u8>> = steps.iter().map(|n| line(OPENCODE_STEP, n, none)).collect();
        prop_assert!(opencode(&line(OPENCODE, &numbers, none), &steps)?.is_some(), "opencode");
    }

    #[test]
    fn a_line_streamed_from_its_file_reads_as_it_does_in_memory(
        numbers in proptest::collection::vec(number(), 9), m in mutation(), which in 0usize..4,
    ) {
        let template = [CLAUDE, CODEX_RECORD, CODEX_COUNT, GEMINI][which];
        let bytes = line(template, &numbers, m);
        match which {
            0 => {
                let (held, streamed) = claude_both(&bytes);
                prop_assert_eq!(held, streamed);
            }
            1 | 2 => {
                let mut state = codex::State::default();
                let _ = codex::line(CODEX_META.as_bytes(), &mut state);
                let (held, streamed) = codex_both(&state, &bytes);
                prop_assert_eq!(held, streamed);
            }
            _ => {
                let mut state = gemini::State::default();
                let _ = gemini::line(GEMINI_META.as_bytes(), &mut state, None);
                let (held, streamed) = gemini_both(&state, &bytes);
                prop_assert_eq!(held, streamed);
            }
        }
    }
}
