//! Reading what was appended to a file since the last pass: from the byte after the last complete
//! line read, line by line through a fixed buffer (a 2 GB file never sits in memory). A last line
//! without its newline (the tool is still writing it) is left for the next pass. A file that is
//! shorter than that byte, or another file under the same name, is read again from the start.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

/// Longest line read; a longer one is skipped whole.
pub(crate) const MAX_LINE: usize = 64 * 1024 * 1024;
const BUFFER: usize = 256 * 1024;

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
    Complete(&'a [u8]),
    /// Over [`MAX_LINE`]: skipped.
    TooLong,
}

/// Reads the complete lines from `offset`; returns the offset after the last one. `each`
/// returning `false` stops the read there (the offset stays before that line).
pub(crate) fn read_lines(
    path: &Path,
    offset: u64,
    each: &mut dyn FnMut(Line<'_>) -> bool,
) -> std::io::Result<u64> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(offset))?;
    let mut r = BufReader::with_capacity(BUFFER, f);
    let mut pos = offset;
    let mut line: Vec<u8> = Vec::new();
    let mut too_long = false;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(pos); // what is left in `line` has no newline yet
        }
        let (take, end) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if !too_long {
            if line.len() + take > MAX_LINE {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(&buf[..take]);
            }
        }
        r.consume(take);
        if end {
            let consumed = line.len() as u64;
            let go = if too_long {
                each(Line::TooLong)
            } else {
                let l = line.strip_suffix(b"\n").unwrap_or(&line);
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                l.is_empty() || each(Line::Complete(l))
            };
            if !go {
                return Ok(pos);
            }
            pos = if too_long {
                r.stream_position()?
            } else {
                pos + consumed
            };
            too_long = false;
            line.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(path: &Path, from: u64) -> (Vec<String>, u64) {
        let mut got = Vec::new();
        let end = read_lines(path, from, &mut |l| {
            got.push(match l {
                Line::Complete(b) => String::from_utf8_lossy(b).into_owned(),
                Line::TooLong => "<too long>".into(),
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
        let end = read_lines(&p, 0, &mut |_| {
            n += 1;
            n < 2
        })
        .unwrap();
        assert_eq!(end, 2);
    }
}
