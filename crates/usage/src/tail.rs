//! Reading what was appended to a file since the last pass: from the byte after the last complete
//! line read, line by line through a fixed buffer (a 2 GB file never sits in memory); a line over
//! [`IN_MEMORY`] is not held either, but handed over as a reader of it in the file, however long
//! it is (no line is skipped for its length: the parsers stream it). A last line
//! without its newline (the tool is still writing it) is left for the next pass. A file that is
//! shorter than that byte, or another file under the same name, is read again from the start.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Longest line held in memory (its line end included); a longer one is parsed from the file
/// as it is read again ([`Line::Large`]), so a 60 MB line costs a few MB, not 60.
pub(crate) const IN_MEMORY: usize = 1024 * 1024;
const BUFFER: usize = 256 * 1024;
/// The buffer a long line is read again through.
const PART_BUFFER: usize = 64 * 1024;

/// What identifies a file's version: a change to any of these means there may be more to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Stamp {
    pub size: u64,
    pub mtime_ms: i64,
    /// The inode on Unix (0 elsewhere): a file replaced under the same name is a new one.
    pub id: u64,
}

pub(crate) fn stamp(path: &Path) -> std::io::Result<Stamp> {
    let m = std::fs::metadata(path)?;
    let mtime_ms = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Ok(Stamp {
        size: m.len(),
        mtime_ms,
        id: file_id(&m),
    })
}

#[cfg(unix)]
fn file_id(m: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(m)
}

#[cfg(not(unix))]
fn file_id(_: &std::fs::Metadata) -> u64 {
    0
}

/// One line handed to the reader's callback.
pub(crate) enum Line<'a> {
    /// Up to [`IN_MEMORY`] bytes, without its line end.
    Complete(&'a [u8]),
    /// Longer, of any length: its bytes without the line end, read again from the file, never
    /// held whole.
    Large(&'a mut dyn BufRead),
}

/// What is known of the line being read.
enum Held {
    /// Its bytes so far are in the buffer (with its line end once found).
    Bytes,
    /// Over the in-memory cap: only its length so far, its last byte and the one before.
    Large { len: u64, last: u8, before: u8 },
}

/// Reads the complete lines from `offset`, holding those of up to `hold` bytes (their line end
/// included) in memory; returns the offset after the last one. `each` returning `false` stops
/// the read there (the offset stays before that line).
pub(crate) fn read_lines(
    path: &Path,
    offset: u64,
    hold: usize,
    each: &mut dyn FnMut(Line<'_>) -> bool,
) -> std::io::Result<u64> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(offset))?;
    let mut r = BufReader::with_capacity(BUFFER, f);
    let mut pos = offset;
    let mut line: Vec<u8> = Vec::new();
    let mut held = Held::Bytes;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(pos); // what is left of the line has no newline yet
        }
        let (take, end) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let before = |prev: u8| if take >= 2 { buf[take - 2] } else { prev };
        held = match held {
            Held::Bytes if line.len() + take > hold => Held::Large {
                len: (line.len() + take) as u64,
                last: buf[take - 1],
                before: before(line.last().copied().unwrap_or(0)),
            },
            Held::Bytes => {
                line.extend_from_slice(&buf[..take]);
                Held::Bytes
            }
            Held::Large { len, last, .. } => Held::Large {
                len: len + take as u64,
                last: buf[take - 1],
                before: before(last),
            },
        };
        if !matches!(held, Held::Bytes) {
            line.clear();
        }
        r.consume(take);
        if !end {
            continue;
        }
        let (go, next) = match held {
            Held::Bytes => {
                let l = line.strip_suffix(b"\n").unwrap_or(&line);
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                let go = l.is_empty() || each(Line::Complete(l));
                (go, pos + line.len() as u64)
            }
            Held::Large { len, before, .. } => {
                // Without its `\n`, and a `\r` before it.
                let bytes = len - 1 - u64::from(before == b'\r');
                let go = bytes == 0 || {
                    let file = r.get_mut();
                    file.seek(SeekFrom::Start(pos))?;
                    let mut part = BufReader::with_capacity(PART_BUFFER, (&mut *file).take(bytes));
                    each(Line::Large(&mut part))
                };
                // Back after the line (the main reader's buffer is dropped).
                r.seek(SeekFrom::Start(pos + len))?;
                (go, pos + len)
            }
        };
        if !go {
            return Ok(pos);
        }
        pos = next;
        held = Held::Bytes;
        line.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(path: &Path, from: u64) -> (Vec<String>, u64) {
        lines_holding(path, from, IN_MEMORY)
    }

    /// The lines (a held one as is, a large one marked) and the offset after them.
    fn lines_holding(path: &Path, from: u64, hold: usize) -> (Vec<String>, u64) {
        let mut got = Vec::new();
        let end = read_lines(path, from, hold, &mut |l| {
            got.push(match l {
                Line::Complete(b) => String::from_utf8_lossy(b).into_owned(),
                Line::Large(r) => {
                    let mut s = String::new();
                    r.read_to_string(&mut s).unwrap();
                    format!("<large>{s}")
                }
            });
            true
        })
        .unwrap();
        (got, end)
    }

    #[test]
    fn complete_lines_only_and_the_rest_on_the_next_pass() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.jsonl");
        std::fs::write(&p, "one\r\ntwo\n\nthr").unwrap();
        let (got, end) = lines(&p, 0);
        assert_eq!(got, ["one", "two"]);
        assert_eq!(end, 10, "after the empty line, before the unfinished one");
        std::fs::write(&p, "one\r\ntwo\n\nthree\n").unwrap();
        assert_eq!(lines(&p, end), (vec!["three".to_string()], 16));
        assert_eq!(lines(&p, 16), (vec![], 16), "nothing new");
    }

    #[test]
    fn a_stop_leaves_the_offset_before_the_line() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.jsonl");
        std::fs::write(&p, "a\nb\n").unwrap();
        let mut n = 0;
        let end = read_lines(&p, 0, IN_MEMORY, &mut |_| {
            n += 1;
            n < 2
        })
        .unwrap();
        assert_eq!(end, 2);
    }

    #[test]
    fn a_line_over_the_cap_is_read_from_the_file_with_the_same_bytes_and_offsets() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.jsonl");
        let text = "one\r\ntwo\n\n\r\nthree\r\nfour\nfi";
        std::fs::write(&p, text).unwrap();
        let held = lines_holding(&p, 0, IN_MEMORY);
        assert_eq!(held.0, ["one", "two", "three", "four"]);
        for hold in 0..8 {
            let (got, end) = lines_holding(&p, 0, hold);
            let plain: Vec<String> = got
                .iter()
                .map(|l| l.trim_start_matches("<large>").to_string())
                .collect();
            assert_eq!((&plain, end), (&held.0, held.1), "holding {hold}");
            let large = got.iter().filter(|l| l.starts_with("<large>")).count();
            assert_eq!(large > 0, hold < 7, "holding {hold}: {got:?}");
            for from in [4, 5, 9, 15] {
                assert_eq!(
                    lines_holding(&p, from, hold).1,
                    lines(&p, from).1,
                    "from {from}"
                );
            }
        }
        // A large line still being written is left for the next pass, then read whole.
        let long = "x".repeat(3 * BUFFER);
        std::fs::write(&p, format!("a\n{long}")).unwrap();
        assert_eq!(lines(&p, 0), (vec!["a".to_string()], 2));
        std::fs::write(&p, format!("a\n{long}\r\nb\n")).unwrap();
        let (got, end) = lines_holding(&p, 2, 1024);
        assert_eq!(got, [format!("<large>{long}"), "b".to_string()]);
        assert_eq!(end, 2 + long.len() as u64 + 4);
        // A stop at a large line leaves the offset before it.
        let mut n = 0;
        let end = read_lines(&p, 0, 1024, &mut |_| {
            n += 1;
            n < 2
        })
        .unwrap();
        assert_eq!(end, 2);
    }
}
