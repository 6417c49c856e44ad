use super::*;
use crate::tail::{self, IN_MEMORY};
use std::io::Write;

/// `text` compressed as Codex compresses a rollout (zstd, level 3) into `dir/name`.
pub(crate) fn pack(dir: &Path, name: &str, text: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, zstd::encode_all(text, 3).unwrap()).unwrap();
    p
}

/// The lines (a large one marked) and what the read returned.
fn lines(path: &Path, hold: usize, cap: u64) -> (Vec<String>, io::Result<Unpacked>) {
    let mut got = Vec::new();
    let read = read_lines(path, hold, cap, &mut |l| {
        got.push(match l {
            Line::Complete(b) => String::from_utf8_lossy(b).into_owned(),
            Line::Large(r) => {
                let mut s = String::new();
                r.read_to_string(&mut s).unwrap();
                format!("<large>{s}")
            }
        });
        true
    });
    (got, read)
}

fn plain(got: &[String]) -> Vec<String> {
    got.iter()
        .map(|l| l.trim_start_matches("<large>").to_string())
        .collect()
}

#[test]
fn every_hold_gives_the_lines_a_plain_file_gives_and_the_last_one_too() {
    let d = tempfile::tempdir().unwrap();
    let text = "one\r\ntwo\n\n\r\nthree\r\nfour\nfi\rve\r\r\nsix";
    let packed = pack(d.path(), "f.jsonl.zst", text.as_bytes());
    let flat = d.path().join("f.jsonl");
    std::fs::write(&flat, text).unwrap();
    let mut from_plain = Vec::new();
    tail::read_lines(&flat, 0, IN_MEMORY, &mut |l| {
        if let Line::Complete(b) = l {
            from_plain.push(String::from_utf8_lossy(b).into_owned());
        }
        true
    })
    .unwrap();
    assert_eq!(from_plain, ["one", "two", "three", "four", "fi\rve\r"]);
    for hold in (0..12).chain([IN_MEMORY]) {
        let (got, read) = lines(&packed, hold, MAX_UNPACKED);
        let mut want = from_plain.clone();
        want.push("six".into()); // a compressed file is complete: its last line is a line
        assert_eq!(plain(&got), want, "holding {hold}: {got:?}");
        let read = read.unwrap();
        assert_eq!(read.end, text.len() as u64, "holding {hold}");
        assert!(!read.over_cap);
        let large = got.iter().filter(|l| l.starts_with("<large>")).count();
        assert_eq!(large > 0, hold < 8, "holding {hold}: {got:?}");
    }
}

#[test]
fn a_long_line_streams_through_whatever_the_parser_leaves_of_it() {
    let d = tempfile::tempdir().unwrap();
    let long = "x".repeat(3 * BUFFER + 7);
    let text = format!("a\n{long}\r\nb\n");
    let packed = pack(d.path(), "f.jsonl.zst", text.as_bytes());
    let (got, read) = lines(&packed, 1024, MAX_UNPACKED);
    assert_eq!(got, ["a".to_string(), format!("<large>{long}"), "b".into()]);
    assert_eq!(read.unwrap().end, text.len() as u64);
    // A parser that reads 10 bytes of the long line: the next line is still "b".
    let mut got = Vec::new();
    read_lines(&packed, 1024, MAX_UNPACKED, &mut |l| {
        got.push(match l {
            Line::Complete(b) => String::from_utf8_lossy(b).into_owned(),
            Line::Large(r) => {
                let mut ten = [0u8; 10];
                r.read_exact(&mut ten).unwrap();
                String::from_utf8_lossy(&ten).into_owned()
            }
        });
        true
    })
    .unwrap();
    assert_eq!(got, ["a", "xxxxxxxxxx", "b"]);
}

#[test]
fn a_stop_leaves_the_end_before_the_line() {
    let d = tempfile::tempdir().unwrap();
    let packed = pack(d.path(), "f.jsonl.zst", b"a\nbb\nc\n");
    let mut n = 0;
    let read = read_lines(&packed, IN_MEMORY, MAX_UNPACKED, &mut |_| {
        n += 1;
        n < 2
    })
    .unwrap();
    assert_eq!(read.end, 2, "after `a`, before `bb`");
}

/// A 100 KB file that decompresses to 1 GiB of one line (a "zip bomb"): read to the cap and
/// no further, nothing held; the cut line streams to its parser only up to the cap (where it
/// fails to parse) and the read's end stays before it.
#[test]
fn a_bomb_is_read_to_the_cap_and_no_further() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("bomb.jsonl.zst");
    let mut enc =
        zstd::stream::write::Encoder::new(std::fs::File::create(&path).unwrap(), 19).unwrap();
    enc.write_all(b"{\"type\":\"x\"}\n").unwrap();
    let block = vec![b'x'; 1 << 20];
    for _ in 0..1024 {
        enc.write_all(&block).unwrap();
    }
    enc.finish().unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 200_000, "the bomb is small: {size} bytes");
    let cap = 8 << 20;
    let mut seen = Vec::new();
    let mut streamed = 0u64;
    let read = read_lines(&path, IN_MEMORY, cap, &mut |l| {
        match l {
            Line::Complete(b) => seen.push(String::from_utf8_lossy(b).into_owned()),
            Line::Large(r) => streamed += io::copy(r, &mut io::sink()).unwrap(),
        }
        true
    })
    .unwrap();
    assert!(read.over_cap, "the file goes on past the cap");
    assert_eq!(seen, ["{\"type\":\"x\"}"]);
    assert!(
        streamed <= cap,
        "the long line streams only to the cap ({streamed} bytes)"
    );
    assert_eq!(read.end, 13, "the line cut by the cap is not a line");
}

#[test]
fn a_frame_asking_for_a_window_over_16_mib_and_a_damaged_file_are_errors() {
    let d = tempfile::tempdir().unwrap();
    let wide = d.path().join("wide.jsonl.zst");
    let mut enc =
        zstd::stream::write::Encoder::new(std::fs::File::create(&wide).unwrap(), 3).unwrap();
    enc.window_log(WINDOW_LOG_MAX + 1).unwrap();
    enc.write_all(b"{}\n").unwrap();
    enc.finish().unwrap();
    let (got, read) = lines(&wide, IN_MEMORY, MAX_UNPACKED);
    assert!(read.is_err(), "a 32 MiB window is refused: {got:?}");
    assert!(got.is_empty());

    let damaged = d.path().join("damaged.jsonl.zst");
    let mut bytes = zstd::encode_all(&b"{\"a\":1}\n".repeat(1000)[..], 3).unwrap();
    let mid = bytes.len() / 2;
    bytes.truncate(mid);
    std::fs::write(&damaged, bytes).unwrap();
    assert!(lines(&damaged, IN_MEMORY, MAX_UNPACKED).1.is_err());
    let junk = d.path().join("junk.jsonl.zst");
    std::fs::write(&junk, b"not zstd at all\n").unwrap();
    assert!(lines(&junk, IN_MEMORY, MAX_UNPACKED).1.is_err());
}
