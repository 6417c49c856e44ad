//! A line gives the same result read in memory (`line`) and streamed (`line_from`): every
//! fixture line of the parsers' tests, each of them cut at every byte and changed at every byte,
//! and the shapes serde accepts or refuses (a struct as an array, duplicate and escaped keys,
//! `type` after `payload`, invalid UTF-8 in a skipped field, wrong types).

use crate::skip::Skip;
use crate::{claude, codex, gemini, proptests, Record};

/// Claude Code: (in memory, streamed).
pub(crate) type Claude = Result<Option<Record>, Skip>;
/// Codex: the result and the state after, (in memory, streamed).
pub(crate) type Codex = (Result<codex::Found, Skip>, codex::State);
/// Gemini CLI: the result and the state after, (in memory, streamed).
pub(crate) type Gemini = (Result<Option<Record>, Skip>, gemini::State);

pub(crate) fn claude_both(l: &[u8]) -> (Claude, Claude) {
    let mut r = l;
    (claude::line(l), claude::line_from(&mut r))
}

pub(crate) fn codex_both(before: &codex::State, l: &[u8]) -> (Codex, Codex) {
    let (mut a, mut b) = (before.clone(), before.clone());
    let mut r = l;
    let held = codex::line(l, &mut a);
    let streamed = codex::line_from(&mut r, &mut b);
    ((held, a), (streamed, b))
}

pub(crate) fn gemini_both(before: &gemini::State, l: &[u8]) -> (Gemini, Gemini) {
    let (mut a, mut b) = (before.clone(), before.clone());
    let mut r = l;
    let held = gemini::line(l, &mut a, Some("/p"));
    let streamed = gemini::line_from(&mut r, &mut b, Some("/p"));
    ((held, a), (streamed, b))
}

/// A proptest template with its numbers filled in.
fn filled(template: &str) -> String {
    template.replace('#', "7")
}

/// `line`, cut at every byte, and changed at every byte to a few that matter to JSON.
fn variants(line: &str, changes: bool) -> Vec<Vec<u8>> {
    let b = line.as_bytes();
    let mut out = vec![b.to_vec()];
    out.extend((0..b.len()).map(|i| b[..i].to_vec()));
    if changes {
        for i in 0..b.len() {
            for c in [b'"', b'[', b'{', b'}', b',', b'0', b'\\', 0xff] {
                let mut v = b.to_vec();
                v[i] = c;
                out.push(v);
            }
        }
    }
    out
}

fn claude_lines() -> (Vec<String>, Vec<String>) {
    let fixtures = vec![claude::tests::LINE.to_string(), filled(proptests::CLAUDE)];
    let shapes = [
        r#"{"pad":"xxxx","type":"assistant","timestamp":"2026-11-25T11:30:34.304Z","message":{"id":"m","model":"c","content":[{"x":1}],"usage":{"input_tokens":1,"service_tier":"s"}}}"#,
        r#"["assistant","2026-11-25T11:30:34.304Z","r","s","/p",{"id":"m","model":"c","usage":{"input_tokens":1}}]"#,
        r#"["assistant","2026-11-25T11:30:34.304Z","r","s","/p",{"id":"m","model":"c","usage":{"input_tokens":1}},7]"#,
        r#"["assistant","2026-11-25T11:30:34.304Z","r","s","/p",["m","c",[1,2,3,4,[5,6]]]]"#,
        r#"["assistant","2026-11-25T11:30:34.304Z","r","s","/p",["m","c",[1,2,3,4,null,9]]]"#,
        r#"["assistant","usage"]"#,
        r#"{"type":"assistant","timestamp":"2026-11-25T11:30:34.304Z","cwd":"/a","cwd":"/b","message":{"id":"m","model":"c","usage":{}}}"#,
        r#"{"type":"assistant","timestamp":"2026-11-25T11:30:34.304Z","message":{"id":"m","model":"c","usage":{"input_tokens":1,"input_tokens":2}}}"#,
        r#"{"t\u0079pe":"assistant","timestamp":"2026-11-25T11:30:34.304Z","c\u0077d":"/\u00e9","message":{"id":"m","model":"c","usage":{}}}"#,
        r#"{"type":"assistant","timestamp":"2026-11-25T11:30:34.304\u005a","message":{"id":"m","model":"c","usage":{}}}"#,
        r#"{"type":"user","x":{"usage":1},"message":{"content":"\"usage\""}}"#,
        r#"{"type":"user","message":{"content":"\"usage\""}}"#,
        r#"{"type":"assistant","message":"usage"}"#,
        r#"{"type":"assistant","message":5,"usage":1}"#,
        r#"{"type":"assistant","message":null,"usage":1}"#,
        r#"{"type":"assistant","message":{"usage":true,"model":"c"}}"#,
        r#"{"type":"assistant","message":{"id":"m","model":"c","usage":{"cache_creation":[1,2,3]}},"timestamp":"2026-11-25T11:30:34.304Z"}"#,
        r#"{"type":"assistant","usage":[[[[[[{"a":[]}]]]]]]} x"#,
        r#""usage""#,
        r#"{"type":"assistant","message":{"id":"m","model":"c","usage":{}},"timestamp":"2026-11-25T11:30:34.304Z"}   "#,
    ];
    (fixtures, shapes.iter().map(|s| s.to_string()).collect())
}

fn codex_lines() -> (Vec<String>, Vec<String>) {
    use codex::tests::{COUNT, META, RECORD, TURN};
    let fixtures = [META, TURN, RECORD, COUNT]
        .map(str::to_string)
        .into_iter()
        .chain([
            filled(proptests::CODEX_META),
            filled(proptests::CODEX_RECORD),
            filled(proptests::CODEX_COUNT),
        ])
        .collect();
    let shapes = [
        r#"{"payload":{"response_id":"r","usage":{"input_tokens":3}},"type":"token_usage_record","timestamp":"2026-11-25T11:43:52.500Z"}"#,
        r#"{"type":"session_meta","payload":{"id":"x","instructions":"\u00e9 long text","cwd":"/q"}}"#,
        r#"{"type":"session_meta","payload":["x",null,"/q","m"]}"#,
        r#"{"type":"session_meta","payload":["x",null,"/q","m",5]}"#,
        r#"{"type":"turn_context","payload":[null,null,"/q","m"]}"#,
        r#"{"timestamp":"2026-11-25T11:43:52.500Z","type":"token_usage_record","payload":["r","s",{"input_tokens":3}]}"#,
        r#"{"timestamp":"2026-11-25T11:43:52.500Z","type":"token_usage_record","payload":["r","s",[4,1,0,2,1,6]]}"#,
        r#"{"timestamp":"2026-11-25T11:43:52.600Z","type":"event_msg","payload":["token_count",{"last_token_usage":{"total_tokens":2}},{"primary":{"used_percent":5}}]}"#,
        r#"{"type":"session_meta","payload":null}"#,
        r#"{"type":"session_meta"}"#,
        r#"{"type":"session_meta","payload":"x"}"#,
        r#"{"type":"world","payload":"x"}"#,
        r#"{"type":"world","payload":[1,2,3,4,5,6,7]}"#,
        r#"{"type":"session_meta","payload":{"id":"a","id":"b"}}"#,
        r#"{"type":"session_meta","payload":{"id":"a","usage":1,"usage":2}}"#,
        r#"{"type":"session\u005fmeta","payload":{"id":"a"}}"#,
        r#"{"type":"session_meta","payload":{"\u0069d":"a","cwd":5,"model":[1]}}"#,
        r#"{"timestamp":"2026-11-25T11:43:52.600Z","type":"event_msg","payload":{"type":"token_count","rate_limits":[null,{"used_percent":5},"x"]}}"#,
        r#"{"timestamp":"2026-11-25T11:43:52.600Z","type":"event_msg","payload":{"type":"token_count","rate_limits":{"primary":"x","secondary":[1,2,3,4]}}}"#,
        r#"{"timestamp":"2026-11-25T11:43:52.600Z","type":"event_msg","payload":{"info":{"last_token_usage":{"total_tokens":2},"total_token_usage":[9]},"type":"token_count"}}"#,
        r#"{"timestamp":"2026-11-25T11:43:52.600Z","type":"event_msg","payload":{"type":"token_count","info":7}}"#,
        r#"[null,"session_meta",{"id":"a"}]"#,
        r#"[null,"session_meta",{"id":"a"},4]"#,
    ];
    (fixtures, shapes.iter().map(|s| s.to_string()).collect())
}

fn gemini_lines() -> (Vec<String>, Vec<String>) {
    use gemini::tests::{MESSAGE, META};
    let fixtures = vec![
        META.to_string(),
        MESSAGE.to_string(),
        filled(proptests::GEMINI_META),
        filled(proptests::GEMINI),
    ];
    let shapes = [
        r#"{"$set":{"messages":[1,2,3]}}"#,
        r#"{"$rewindTo":"m1"}"#,
        r#"{"$ broken"#,
        r#" {"$set":1}"#,
        r#"["s","m1","gemini","2026-11-25T11:41:14.693Z","g",[10,3,0,1]]"#,
        r#"["s","m1","gemini","2026-11-25T11:41:14.693Z","g",[10,3,0,1,5]]"#,
        r#"{"id":"m1","id":"m2","type":"gemini","tokens":{}}"#,
        r#"{"id":"m1","type":"gemini","timestamp":"2026-11-25T11:41:14.693Z","tokens":{"input":1,"input":2}}"#,
        r#"{"id":"m1","type":"gemini","timestamp":"2026-11-25T11:41:14.693Z","tokens":"x"}"#,
        r#"{"sessionId":"s2","content":"long"}"#,
    ];
    (fixtures, shapes.iter().map(|s| s.to_string()).collect())
}

/// Every line of `lines` and its variants.
fn all(lines: (Vec<String>, Vec<String>)) -> Vec<Vec<u8>> {
    let (fixtures, shapes) = lines;
    let mut out: Vec<Vec<u8>> = fixtures.iter().flat_map(|l| variants(l, true)).collect();
    out.extend(shapes.iter().flat_map(|l| variants(l, false)));
    out
}

#[test]
fn invalid_utf8_in_a_skipped_field_is_as_the_in_memory_parse_says() {
    // Codex borrows its payload as text: invalid UTF-8 anywhere in it makes the line corrupt.
    let bad = b"{\"type\":\"session_meta\",\"payload\":{\"id\":\"a\",\"x\":\"\xff\"}}";
    let (held, streamed) = codex_both(&codex::State::default(), bad);
    assert_eq!(held.0, Err(Skip::Corrupt));
    assert_eq!(held, streamed);
    // Outside it, a skipped string is not checked.
    let fine = b"{\"x\":\"\xff\",\"type\":\"session_meta\",\"payload\":{\"id\":\"a\"}}";
    let (held, streamed) = codex_both(&codex::State::default(), fine);
    assert_eq!(held.0, Ok(codex::Found::default()));
    assert_eq!(held, streamed);
    let claude =
        b"{\"type\":\"assistant\",\"x\":\"\xff\",\"message\":{\"usage\":{\"a\":\"\xe2\x82\"}}}";
    let (held, streamed) = claude_both(claude);
    assert_eq!(held, Ok(None));
    assert_eq!(held, streamed);
}

#[test]
fn every_claude_line_reads_the_same_streamed() {
    for l in all(claude_lines()) {
        let (held, streamed) = claude_both(&l);
        assert_eq!(held, streamed, "{}", String::from_utf8_lossy(&l));
    }
}

#[test]
fn every_codex_line_reads_the_same_streamed_from_every_state() {
    use codex::tests::{META, RECORD, TURN};
    let mut states = vec![codex::State::default()];
    let mut s = codex::State::default();
    for l in [META, TURN, RECORD] {
        let _ = codex::line(l.as_bytes(), &mut s);
        states.push(s.clone());
    }
    for l in all(codex_lines()) {
        for before in &states {
            let (held, streamed) = codex_both(before, &l);
            assert_eq!(held, streamed, "{}", String::from_utf8_lossy(&l));
        }
    }
}

#[test]
fn every_gemini_line_reads_the_same_streamed() {
    let session = gemini::State {
        session: Some("6a5e".into()),
    };
    for l in all(gemini_lines()) {
        for before in [&gemini::State::default(), &session] {
            let (held, streamed) = gemini_both(before, &l);
            assert_eq!(held, streamed, "{}", String::from_utf8_lossy(&l));
        }
    }
}
