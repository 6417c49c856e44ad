//! The SSE parser yields the same events however the bytes are chunked.

use switchyard_wire::{SseEvent, SseParser};

use crate::transcripts::{ANTHROPIC_TEXT, ANTHROPIC_TOOLS, OPENAI_TEXT, OPENAI_TOOLS};

fn parse_whole(bytes: &[u8]) -> Vec<SseEvent> {
    SseParser::new().feed(bytes)
}

fn with_line_endings(transcript: &str, ending: &str) -> Vec<u8> {
    transcript.replace('\n', ending).into_bytes()
}

fn variants() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (name, t) in [
        ("openai text", OPENAI_TEXT),
        ("openai tools", OPENAI_TOOLS),
        ("anthropic text", ANTHROPIC_TEXT),
        ("anthropic tools", ANTHROPIC_TOOLS),
    ] {
        for (ending_name, ending) in [("LF", "\n"), ("CRLF", "\r\n"), ("CR", "\r")] {
            out.push((
                format!("{name} / {ending_name}"),
                with_line_endings(t, ending),
            ));
        }
    }
    out
}

#[test]
fn transcripts_parse_to_the_expected_number_of_events() {
    assert_eq!(parse_whole(OPENAI_TEXT.as_bytes()).len(), 7);
    assert_eq!(
        parse_whole(ANTHROPIC_TEXT.as_bytes()).len(),
        9,
        "ping included"
    );
}

#[test]
fn line_endings_do_not_change_the_events() {
    for (name, bytes) in variants() {
        let base = name.split(" / ").next().unwrap();
        let lf = variants()
            .into_iter()
            .find(|(n, _)| n == &format!("{base} / LF"))
            .unwrap()
            .1;
        assert_eq!(parse_whole(&bytes), parse_whole(&lf), "{name}");
    }
}

#[test]
fn splitting_at_every_byte_boundary_yields_the_same_events() {
    for (name, bytes) in variants() {
        let whole = parse_whole(&bytes);
        for cut in 0..=bytes.len() {
            let mut p = SseParser::new();
            let mut got = p.feed(&bytes[..cut]);
            got.extend(p.feed(&bytes[cut..]));
            assert_eq!(got, whole, "{name}: split at byte {cut}");
        }
    }
}

#[test]
fn feeding_byte_by_byte_yields_the_same_events() {
    for (name, bytes) in variants() {
        let mut p = SseParser::new();
        let got: Vec<SseEvent> = bytes
            .iter()
            .flat_map(|b| p.feed(std::slice::from_ref(b)))
            .collect();
        assert_eq!(got, parse_whole(&bytes), "{name}");
    }
}
