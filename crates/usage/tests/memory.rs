//! Peak memory of reading one huge line (from a plain rollout and from a compressed one): a Codex rollout line with a 60 MB field the import
//! does not need (a long `instructions` text, a pasted file) must cost a few MB: not a JSON tree
//! of it (that was 1.1 GB), nor the line itself (66 MB while it was held whole; a line over
//! 1 MiB is now parsed as it is read from the file). Measured in a child process (this test binary run
//! again with one test selected), whose `VmHWM` in `/proc/self/status` is its own peak alone.
//!
//! Ignored by default (it writes 60 MB and reads it in a debug build):
//! `cargo test -p switchyard-usage --test memory -- --ignored --nocapture`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "test helpers"
)]

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use switchyard_usage::{import, Cursor, PlanWindow, Record, Sink, Sources};

/// The child's environment variable: the home folder whose records it reads.
const CHILD: &str = "SWITCHYARD_MEMORY_CHILD";
/// The unneeded field's size.
const FIELD: usize = 60 * 1024 * 1024;

struct Discard(u64);

impl Sink for Discard {
    fn records(&mut self, batch: &mut [Record]) -> Result<(), String> {
        self.0 += batch.len() as u64;
        Ok(())
    }
    fn windows(&mut self, _: &[PlanWindow]) -> Result<(), String> {
        Ok(())
    }
    fn cursor(&mut self, _: &Cursor) -> Result<(), String> {
        Ok(())
    }
}

/// Peak resident memory of this process, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The shapes of the unneeded field: one long string, or many small values (the worst case for
/// a JSON tree: 32 bytes and more per two-byte value).
#[derive(Clone, Copy, Debug)]
enum Shape {
    Text,
    Array,
}

/// A rollout: a session_meta line with the huge field, then one usage record; compressed as
/// Codex compresses an idle one (`.jsonl.zst`, zstd level 3) when `packed`.
fn write_rollout(home: &Path, shape: Shape, packed: bool) {
    let dir = home.join(".codex/sessions/2026/11/25");
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::with_capacity(FIELD + 4096);
    text.push_str(r#"{"timestamp":"2026-11-25T11:43:49.000Z","type":"session_meta","payload":{"id":"01a2","cwd":"/p","instructions":"#);
    match shape {
        Shape::Text => {
            text.push('"');
            text.extend(std::iter::repeat_n('x', FIELD));
            text.push('"');
        }
        Shape::Array => {
            text.push('[');
            text.extend(std::iter::repeat_n("0,", FIELD / 2));
            text.push_str("0]");
        }
    }
    text.push_str("}}\n");
    text.push_str(r#"{"timestamp":"2026-11-25T11:43:52.500Z","type":"token_usage_record","payload":{"response_id":"resp_1","usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}}"#);
    text.push('\n');
    let name = "rollout-2026-11-25T11-43-49-01a2.jsonl";
    if packed {
        let bytes = zstd::encode_all(text.as_bytes(), 3).unwrap();
        std::fs::write(dir.join(format!("{name}.zst")), bytes).unwrap();
    } else {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// Runs the test again in a child process that reads a rollout of `shape`; its peak before and
/// after the import, in KiB.
fn child_peak(shape: Shape, packed: bool) -> (u64, u64) {
    let dir = tempfile::tempdir().unwrap();
    write_rollout(dir.path(), shape, packed);
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_60_mb_codex_line_is_read_in_a_few_mb",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| -> u64 {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .and_then(|v| v.parse().ok())
            .unwrap_or(u64::MAX)
    };
    assert!(
        text.contains("records=1"),
        "the usage record after the huge line is read: {text}"
    );
    (field("peak_before_kib="), field("peak_after_kib="))
}

#[test]
#[ignore = "writes and reads 60 MB four times; run with --ignored"]
fn a_60_mb_codex_line_is_read_in_a_few_mb() {
    if let Ok(home) = std::env::var(CHILD) {
        // The child: read the rollout, then report the peak.
        let sources = Sources::from_env(Path::new(&home), &|_| None);
        let before = peak_kib();
        let mut sink = Discard(0);
        let report = import(&sources, &HashMap::new(), &mut sink);
        println!("records={} skipped={:?}", sink.0, report.skipped);
        println!("peak_before_kib={before} peak_after_kib={}", peak_kib());
        return;
    }
    let line_kib = (FIELD / 1024) as u64;
    let shapes = [
        (Shape::Text, false),
        (Shape::Array, false),
        (Shape::Text, true),
        (Shape::Array, true),
    ];
    let peaks = shapes.map(|(shape, packed)| ((shape, packed), child_peak(shape, packed)));
    for (shape, (before, after)) in peaks {
        println!("{shape:?} (shape, compressed): peak {before} KiB before the import, {after} KiB after; the field is {line_kib} KiB");
    }
    for (shape, (before, after)) in peaks {
        // The line is never held (only its first MiB, then the readers' buffers): the whole
        // process, test harness included, stays under 16 MiB.
        assert!(
            after < 16 * 1024,
            "{shape:?}: reading a 60 MB line peaked at {after} KiB (from {before} KiB): it must be parsed from the file, never held or built as a tree"
        );
    }
}
