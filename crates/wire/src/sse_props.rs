//! Property tests of the SSE parser on what an upstream may send: event-stream pieces and
//! arbitrary bytes, split into chunks at arbitrary points. It never panics; the events, the
//! overflow and the final event do not depend on the split (the module's invariant); and what it
//! buffers never exceeds its limit, however the bytes arrive.

use super::*;
use proptest::prelude::*;

/// The limit the properties run with: small, so streams go past it often.
const LIMIT: usize = 64;

/// A stream built from the pieces the parser branches on, and arbitrary bytes between them.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"data:".to_vec()),
        Just(b"data: ".to_vec()),
        Just(b"data".to_vec()),
        Just(b"event: ".to_vec()),
        Just(b"event:".to_vec()),
        Just(b": comment".to_vec()),
        Just(b"id: 7".to_vec()),
        Just(b"retry: 10".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n\n".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"{\"x\":1}".to_vec()),
        "[ -~]{0,24}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..16),
    ];
    prop::collection::vec(piece, 0..48).prop_map(|ps| ps.concat())
}

/// `bytes` cut at `cuts` (positions taken modulo its length, in any order).
fn chunks(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    at.sort_unstable();
    let mut out = Vec::new();
    let mut from = 0;
    for to in at.into_iter().chain([bytes.len()]) {
        out.push(bytes[from..to].to_vec());
        from = to;
    }
    out
}

/// What a parser with `LIMIT` makes of `chunks`, checking its buffers after every chunk.
fn run(chunks: &[Vec<u8>]) -> Result<(Vec<SseEvent>, bool, Option<SseEvent>), TestCaseError> {
    let mut p = SseParser::with_limit(LIMIT);
    let mut events = Vec::new();
    for c in chunks {
        events.extend(p.feed(c));
        prop_assert!(
            p.line.len() + p.data.len() <= LIMIT,
            "buffered {} + {} bytes, over the limit {LIMIT}",
            p.line.len(),
            p.data.len()
        );
        prop_assert!(p.event.as_ref().map_or(0, String::len) <= LIMIT);
    }
    let overflowed = p.overflowed();
    let last = p.finish();
    Ok((events, overflowed, last))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_events_do_not_depend_on_how_the_stream_is_split(
        bytes in stream(),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        let whole = run(std::slice::from_ref(&bytes))?;
        let split = run(&chunks(&bytes, &cuts))?;
        prop_assert_eq!(&split, &whole, "the same stream split differently");
        for e in whole.0.iter().chain(whole.2.iter()) {
            prop_assert!(e.data.len() <= LIMIT, "an event larger than the limit was dispatched");
        }
    }

    #[test]
    fn arbitrary_bytes_byte_by_byte_keep_the_bound(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let singles: Vec<Vec<u8>> = bytes.iter().map(|b| vec![*b]).collect();
        prop_assert_eq!(run(&singles)?, run(&[bytes])?);
    }

    #[test]
    fn feeding_to_each_event_gives_the_events_of_one_feed(bytes in stream()) {
        let mut whole = SseParser::with_limit(LIMIT);
        let want = whole.feed(&bytes);
        let mut p = SseParser::with_limit(LIMIT);
        let mut got = Vec::new();
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            let (event, used) = p.feed_to_event(rest);
            prop_assert!(used > 0 && used <= rest.len(), "progress on every call");
            got.extend(event);
            rest = &rest[used..];
        }
        prop_assert_eq!(got, want);
        prop_assert_eq!(p.overflowed(), whole.overflowed());
    }
}
