//! `usage-bench [MB]`: importing the coding tools' own records (issue 42). Generates MB
//! (default 200) of Claude Code, Codex and Gemini CLI files in their real formats in a temp
//! HOME, then measures, side by side in one run:
//!
//! - the floor: reading the same files line by line and doing nothing with the lines;
//! - a full import into a SQLite store on disk (parse, key, price, upsert, cursors), as the
//!   app's import does, and its peak memory (the process's high-water mark, VmHWM);
//! - an incremental pass with nothing changed (stat calls only);
//! - an incremental pass after one file grew by one answer;
//! - the Codex rollouts alone, plain and then compressed as Codex keeps them idle
//!   (`.jsonl.zst`, zstd level 3): the full import of each, side by side (issue 71).
#![allow(clippy::print_stdout, reason = "a benchmark prints its numbers")]

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use switchyard_pricing::PriceTable;
use switchyard_store::Store;
use switchyard_usage::{Cursor, PlanWindow, Record, Sink, Sources};

/// The app's sink (`crates/app/src/usage`): price each record, upsert, keep the cursors.
struct StoreSink<'a> {
    store: &'a Store,
    prices: &'a PriceTable,
}

impl Sink for StoreSink<'_> {
    fn records(&mut self, batch: &mut [Record]) -> Result<(), String> {
        let priced: Vec<_> = batch
            .iter()
            .map(|r| (r, switchyard_usage::price(self.prices, r)))
            .collect();
        self.store
            .tool_usage()
            .upsert_tool_usage(&priced)
            .map_err(|e| e.to_string())
    }
    fn windows(&mut self, w: &[PlanWindow]) -> Result<(), String> {
        self.store
            .tool_usage()
            .save_plan_windows(w)
            .map_err(|e| e.to_string())
    }
    fn cursor(&mut self, c: &Cursor) -> Result<(), String> {
        self.store
            .tool_usage()
            .save_tool_usage_cursor(c)
            .map_err(|e| e.to_string())
    }
}

/// One import pass of `sources` past `cursors` into `store`, priced with `prices`, as the
/// app's import runs.
fn import_into(
    store: &Store,
    prices: &PriceTable,
    sources: &Sources,
    cursors: &HashMap<String, Cursor>,
) -> switchyard_usage::Report {
    switchyard_usage::import(sources, cursors, &mut StoreSink { store, prices })
}

fn filler(n: usize) -> String {
    "lorem ipsum dolor sit amet ".repeat(n / 27 + 1)[..n].to_string()
}

/// Writes about `bytes` of records; returns the files and how many answers they hold.
fn generate(home: &Path, bytes: u64) -> std::io::Result<(Vec<PathBuf>, u64)> {
    let text = filler(1500);
    let mut files = Vec::new();
    let (mut written, mut answers, mut n) = (0u64, 0u64, 0u64);
    while written < bytes {
        n += 1;
        let (path, body) = match n % 3 {
            0 => {
                let dir = home.join(format!(".claude/projects/-home-u-p{}", n % 20));
                std::fs::create_dir_all(&dir)?;
                let mut s = String::new();
                for i in 0..400 {
                    s += &format!("{{\"type\":\"user\",\"sessionId\":\"s{n}\",\"cwd\":\"/home/u/p\",\"timestamp\":\"2026-11-25T11:30:34.304Z\",\"message\":{{\"role\":\"user\",\"content\":\"{text}\"}}}}\n");
                    for block in 0..2 {
                        s += &format!("{{\"type\":\"assistant\",\"uuid\":\"u{i}{block}\",\"sessionId\":\"s{n}\",\"cwd\":\"/home/u/p\",\"version\":\"2.1.197\",\"timestamp\":\"2026-11-25T11:30:3{block}.304Z\",\"requestId\":\"req_{n}_{i}\",\"message\":{{\"id\":\"msg_{n}_{i}\",\"model\":\"claude-sonnet-4-5\",\"content\":[{{\"type\":\"text\",\"text\":\"{}\"}}],\"usage\":{{\"input_tokens\":11,\"cache_creation_input_tokens\":200,\"cache_read_input_tokens\":3000,\"output_tokens\":{},\"cache_creation\":{{\"ephemeral_5m_input_tokens\":150,\"ephemeral_1h_input_tokens\":50}}}}}}}}\n", &text[..400], 40 + block);
                    }
                    answers += 1;
                }
                (dir.join(format!("s{n}.jsonl")), s)
            }
            1 => {
                let dir = home.join(format!(".codex/sessions/2026/11/{:02}", 1 + n % 28));
                std::fs::create_dir_all(&dir)?;
                let mut s = format!("{{\"timestamp\":\"2026-11-25T11:43:49.000Z\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"t{n}\",\"cwd\":\"/home/u/q\"}}}}\n{{\"timestamp\":\"2026-11-25T11:43:50.000Z\",\"type\":\"turn_context\",\"payload\":{{\"model\":\"gpt-5-codex\"}}}}\n");
                for i in 0..400 {
                    s += &format!("{{\"timestamp\":\"2026-11-25T11:43:51.000Z\",\"type\":\"response_item\",\"payload\":{{\"type\":\"message\",\"content\":[{{\"type\":\"output_text\",\"text\":\"{text}\"}}]}}}}\n");
                    s += &format!("{{\"timestamp\":\"2026-11-25T11:43:52.500Z\",\"type\":\"token_usage_record\",\"payload\":{{\"session_id\":\"t{n}\",\"response_id\":\"resp_{n}_{i}\",\"usage\":{{\"input_tokens\":1000,\"cached_input_tokens\":600,\"output_tokens\":50,\"reasoning_output_tokens\":20,\"total_tokens\":1050}}}}}}\n");
                    s += &format!("{{\"timestamp\":\"2026-11-25T11:43:52.600Z\",\"type\":\"event_msg\",\"payload\":{{\"type\":\"token_count\",\"info\":{{\"total_token_usage\":{{\"total_tokens\":{}}},\"last_token_usage\":{{\"input_tokens\":1000,\"total_tokens\":1050}}}},\"rate_limits\":{{\"primary\":{{\"used_percent\":12.5,\"window_minutes\":300,\"resets_at\":1795620000}}}}}}}}\n", 1050 * (i + 1));
                    answers += 1;
                }
                (
                    dir.join(format!("rollout-2026-11-25T11-43-49-t{n}.jsonl")),
                    s,
                )
            }
            _ => {
                let dir = home.join(format!(".gemini/tmp/p{}/chats", n % 20));
                std::fs::create_dir_all(&dir)?;
                let mut s = format!("{{\"sessionId\":\"g{n}\",\"kind\":\"main\"}}\n");
                for i in 0..400 {
                    s += &format!("{{\"id\":\"u{i}\",\"timestamp\":\"2026-11-25T11:41:14.000Z\",\"type\":\"user\",\"content\":\"{text}\"}}\n");
                    for _ in 0..2 {
                        s += &format!("{{\"id\":\"m{i}\",\"timestamp\":\"2026-11-25T11:41:14.693Z\",\"type\":\"gemini\",\"content\":\"{}\",\"tokens\":{{\"input\":1000,\"output\":50,\"cached\":600,\"thoughts\":40,\"tool\":0,\"total\":1090}},\"model\":\"gemini-2.5-flash\"}}\n", &text[..400]);
                    }
                    answers += 1;
                }
                (dir.join(format!("session-2026-11-25T11-41-g{n}.jsonl")), s)
            }
        };
        std::fs::write(&path, &body)?;
        written += body.len() as u64;
        files.push(path);
    }
    Ok((files, answers))
}

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mb: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir()?;
    let home = dir.path().join("home");
    let t = Instant::now();
    let (files, answers) = generate(&home, mb * 1024 * 1024)?;
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    println!(
        "generated {} files, {:.1} MB, {answers} answers in {:.1} s",
        files.len(),
        bytes as f64 / 1048576.0,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let mut lines = 0u64;
    for f in &files {
        let r = std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(f)?);
        for l in r.split(b'\n') {
            lines += u64::from(!l?.is_empty());
        }
    }
    let floor = t.elapsed().as_secs_f64();
    println!(
        "floor: read {lines} lines in {floor:.2} s ({:.0} MB/s)",
        bytes as f64 / 1048576.0 / floor
    );

    let store = Store::open(&dir.path().join("bench.sqlite"))?;
    let prices = PriceTable::bundled();
    let sources = Sources::from_env(&home, &|_| None);
    let before = vm_hwm_kb();
    let t = Instant::now();
    let report = import_into(&store, prices, &sources, &HashMap::new());
    let full = t.elapsed().as_secs_f64();
    let (kept, _) = store.tool_usage().tool_usage_count()?;
    println!(
        "full import: {} records read, {kept} kept (one per answer), {:.2} s ({:.0} MB/s), {:.1}× the floor; peak RSS {} MB (before it {} MB)",
        report.records, full, bytes as f64 / 1048576.0 / full, full / floor, vm_hwm_kb() / 1024, before / 1024
    );
    assert_eq!(kept, answers, "every answer once");

    let cursors = store.tool_usage().tool_usage_cursors()?;
    let t = Instant::now();
    let again = import_into(&store, prices, &sources, &cursors);
    let idle = t.elapsed().as_secs_f64();
    println!(
        "incremental pass, nothing changed: {:.1} ms for {} files ({} opened), {:.4} of the full import",
        idle * 1000.0, again.files_unchanged, again.files_read, idle / full
    );

    if let Some(f) = files
        .iter()
        .find(|f| f.to_string_lossy().contains(".claude"))
    {
        let mut h = std::fs::OpenOptions::new().append(true).open(f)?;
        writeln!(h, "{{\"type\":\"assistant\",\"sessionId\":\"x\",\"timestamp\":\"2026-11-25T12:00:00Z\",\"requestId\":\"req_new\",\"message\":{{\"id\":\"msg_new\",\"model\":\"claude-sonnet-4-5\",\"usage\":{{\"input_tokens\":1,\"output_tokens\":1}}}}}}")?;
    }
    let cursors = store.tool_usage().tool_usage_cursors()?;
    let t = Instant::now();
    let grew = import_into(&store, prices, &sources, &cursors);
    let one = t.elapsed().as_secs_f64();
    println!(
        "incremental pass, one file grew by one answer: {:.1} ms, {} bytes read, {} record",
        one * 1000.0,
        grew.bytes_read,
        grew.records
    );
    codex_packed(dir.path(), &files)
}

/// The Codex rollouts alone in a HOME, plain: the full import's seconds and records kept.
fn import_once(home: &Path, db: &Path) -> Result<(f64, u64), Box<dyn std::error::Error>> {
    let store = Store::open(db)?;
    let sources = Sources::from_env(home, &|_| None);
    let t = Instant::now();
    let report = import_into(&store, PriceTable::bundled(), &sources, &HashMap::new());
    let secs = t.elapsed().as_secs_f64();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    Ok((secs, store.tool_usage().tool_usage_count()?.0))
}

/// The Codex rollouts imported plain, then compressed (the plain files removed).
fn codex_packed(dir: &Path, files: &[PathBuf]) -> Result<(), Box<dyn std::error::Error>> {
    let home = dir.join("codex-home");
    let sessions = home.join(".codex/sessions");
    let (mut plain, mut packed) = (0u64, 0u64);
    let mut copies = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.to_string_lossy().contains(".codex"))
    {
        let name = f.file_name().ok_or("a file has a name")?;
        std::fs::create_dir_all(&sessions)?;
        let to = sessions.join(name);
        std::fs::copy(f, &to)?;
        plain += std::fs::metadata(&to)?.len();
        copies.push(to);
    }
    let (plain_s, plain_kept) = import_once(&home, &dir.join("codex-plain.sqlite"))?;
    for f in &copies {
        let bytes = zstd::encode_all(std::fs::File::open(f)?, 3)?;
        packed += bytes.len() as u64;
        let mut to = f.clone().into_os_string();
        to.push(".zst");
        std::fs::write(&to, bytes)?;
        std::fs::remove_file(f)?;
    }
    let (packed_s, packed_kept) = import_once(&home, &dir.join("codex-packed.sqlite"))?;
    assert_eq!(packed_kept, plain_kept, "the same answers, once");
    let mb = |b: u64| b as f64 / 1048576.0;
    println!(
        "codex rollouts: {} files, {:.1} MB plain, {:.1} MB compressed; full import plain {plain_s:.2} s, compressed {packed_s:.2} s ({:.2}× plain), {packed_kept} answers both",
        copies.len(), mb(plain), mb(packed), packed_s / plain_s
    );
    Ok(())
}
