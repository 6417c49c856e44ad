use super::*;

fn ev(event: Option<&str>, data: &str) -> SseEvent {
    SseEvent {
        event: event.map(str::to_owned),
        data: data.to_owned(),
    }
}

fn parse_all(input: &[u8]) -> Vec<SseEvent> {
    SseParser::new().feed(input)
}

#[test]
fn lf_terminated_events_are_dispatched_on_blank_lines() {
    let got = parse_all(b"data: one\n\ndata: two\n\n");
    assert_eq!(got, vec![ev(None, "one"), ev(None, "two")]);
}

#[test]
fn crlf_and_lone_cr_terminate_lines_too() {
    let got = parse_all(b"event: a\r\ndata: x\r\n\r\nevent: b\rdata: y\r\r");
    assert_eq!(got, vec![ev(Some("a"), "x"), ev(Some("b"), "y")]);
}

#[test]
fn multiple_data_lines_are_joined_with_newlines() {
    let got = parse_all(b"data: first\ndata:second\ndata:  third\n\n");
    assert_eq!(
        got,
        vec![ev(None, "first\nsecond\n third")],
        "one space stripped"
    );
}

#[test]
fn comments_and_unknown_fields_are_ignored() {
    let got = parse_all(b": keep-alive\nid: 7\nretry: 100\nfoo: bar\ndata: x\n\n");
    assert_eq!(got, vec![ev(None, "x")]);
}

#[test]
fn events_without_data_are_not_dispatched_and_reset_the_event_name() {
    let got = parse_all(b"event: ping\n\ndata: x\n\n");
    assert_eq!(
        got,
        vec![ev(None, "x")],
        "the name must not leak into the next event"
    );
}

#[test]
fn a_field_without_colon_has_an_empty_value() {
    let got = parse_all(b"data\n\n");
    assert_eq!(got, vec![ev(None, "")]);
}

#[test]
fn a_leading_byte_order_mark_is_skipped() {
    let got = parse_all(b"\xEF\xBB\xBFdata: x\n\n");
    assert_eq!(got, vec![ev(None, "x")]);
}

#[test]
fn incomplete_event_waits_for_the_next_chunk() {
    let mut p = SseParser::new();
    assert!(p.feed(b"data: hel").is_empty(), "no blank line yet");
    assert_eq!(p.feed(b"lo\n\n"), vec![ev(None, "hello")]);
}

#[test]
fn cr_at_chunk_end_followed_by_lf_is_one_line_break() {
    let mut p = SseParser::new();
    let mut got = p.feed(b"data: x\r");
    got.extend(p.feed(b"\n\r"));
    got.extend(p.feed(b"\ndata: y\r\n\r\n"));
    assert_eq!(
        got,
        vec![ev(None, "x"), ev(None, "y")],
        "CRLF split across chunks"
    );
}

#[test]
fn utf8_sequence_split_across_chunks_is_reassembled() {
    let text = "data: h\u{e9}llo \u{1F600}\n\n".as_bytes();
    let mut p = SseParser::new();
    let mut got = Vec::new();
    for b in text {
        got.extend(p.feed(std::slice::from_ref(b)));
    }
    assert_eq!(got, vec![ev(None, "h\u{e9}llo \u{1F600}")]);
}

#[test]
fn invalid_utf8_becomes_replacement_characters_and_the_rest_is_kept() {
    let got = parse_all(b"event: e\xff\ndata: a\xc3 b\ndata: ok\n\n");
    assert_eq!(got, vec![ev(Some("e\u{FFFD}"), "a\u{FFFD} b\nok")]);
}

#[test]
fn finish_flushes_an_event_missing_its_blank_line() {
    let mut p = SseParser::new();
    assert!(p.feed(b"data: [DONE]").is_empty());
    assert_eq!(p.finish(), Some(ev(None, "[DONE]")));
    assert_eq!(p.finish(), None, "nothing left after flushing");
}

#[test]
fn frame_writes_event_and_data_lines() {
    assert_eq!(
        frame(Some("message_stop"), r#"{"type":"message_stop"}"#),
        Bytes::from_static(b"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
    );
    assert_eq!(
        frame(None, "[DONE]"),
        Bytes::from_static(b"data: [DONE]\n\n")
    );
}

#[test]
fn frame_splits_multiline_data_and_parses_back() {
    let bytes = frame(Some("e"), "a\nb");
    assert_eq!(parse_all(&bytes), vec![ev(Some("e"), "a\nb")]);
}

#[test]
fn an_event_over_the_limit_stops_the_parser_without_buffering_more() {
    let mut p = SseParser::with_limit(64);
    assert_eq!(p.feed(b"data: small\n\n").len(), 1);
    let flood = vec![b'x'; 1000];
    assert!(p.feed(b"data: ").is_empty());
    assert!(p.feed(&flood).is_empty());
    assert!(p.overflowed());
    assert!(
        p.feed(b"\n\ndata: later\n\n").is_empty(),
        "nothing after an overflow"
    );
    assert_eq!(p.finish(), None);
    // Many data lines add up to the same limit.
    let mut lines = SseParser::with_limit(64);
    for _ in 0..20 {
        lines.feed(b"data: 0123456789\n");
    }
    assert!(lines.overflowed());
}

#[test]
fn any_split_of_the_stream_gives_the_same_events() {
    let input: &[u8] = b"\xEF\xBB\xBFevent: a\r\ndata: one\r\n\r\n: note\rdata: t\xC3\xA9\rdata: two\r\rid: 7\n\ndata: [DONE]\n\n";
    let whole = parse_all(input);
    assert_eq!(whole.len(), 3, "{whole:?}");
    for cut in 0..=input.len() {
        for second in cut..=input.len() {
            let mut p = SseParser::new();
            let mut got = p.feed(&input[..cut]);
            got.extend(p.feed(&input[cut..second]));
            got.extend(p.feed(&input[second..]));
            assert_eq!(got, whole, "split at {cut} and {second}");
        }
    }
}

#[test]
fn feeding_one_event_at_a_time_gives_the_same_events_as_any_split() {
    let input: &[u8] = b"\xEF\xBB\xBFevent: a\r\ndata: one\r\n\r\n: note\rdata: t\xC3\xA9\rdata: two\r\rid: 7\n\ndata: [DONE]\n\n";
    let whole = parse_all(input);
    for cut in 0..=input.len() {
        let mut p = SseParser::new();
        let mut got = Vec::new();
        for piece in [&input[..cut], &input[cut..]] {
            let mut at = 0;
            while at < piece.len() {
                let (event, used) = p.feed_to_event(&piece[at..]);
                assert!(used > 0, "no progress at {at} of a piece split at {cut}");
                got.extend(event);
                at += used;
            }
        }
        assert_eq!(got, whole, "split at {cut}");
    }
    // It stops right after the line that completed an event: the rest is left unparsed.
    let mut p = SseParser::new();
    let (first, used) = p.feed_to_event(b"data: a\n\ndata: b\n\n");
    assert_eq!((first, used), (Some(ev(None, "a")), 9));
    // A CR ending the first event's blank line swallows the LF starting the rest.
    let mut p = SseParser::new();
    let (first, used) = p.feed_to_event(b"data: a\r\r\ndata: b\r\n\r\n");
    assert_eq!((first, used), (Some(ev(None, "a")), 9));
    assert_eq!(p.feed(b"\ndata: b\r\n\r\n"), vec![ev(None, "b")]);
}

#[test]
fn a_value_that_is_not_utf8_is_held_to_the_limit_as_it_is_kept() {
    // 40 bad bytes arrive within a limit of 64 but would be kept as 40 × 3 bytes of U+FFFD.
    for field in [&b"event: "[..], &b"data: "[..]] {
        let mut p = SseParser::with_limit(64);
        let line = [field, &[0xFF; 40][..], b"\n"].concat();
        assert!(p.feed(&line).is_empty());
        assert!(
            p.overflowed(),
            "{}: what is kept counts, not what arrived",
            String::from_utf8_lossy(field)
        );
        assert_eq!(p.feed(b"data: after\n\n"), vec![], "nothing more is parsed");
    }
    let mut fits = SseParser::with_limit(64);
    assert_eq!(
        fits.feed(b"data: \xFF\xFF\n\n"),
        vec![ev(None, "\u{FFFD}\u{FFFD}")],
        "a few bad bytes within the limit still make an event"
    );
}
