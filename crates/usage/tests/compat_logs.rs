//! The newest published agents' own usage records, from the last `./dev compat` run
//! (`tests/fixtures/usage/compat/`, made by `scripts/compat-logs.mjs`), read back with the
//! crate's public API: each run's files are laid out in a throw-away HOME where the agent wrote
//! them, [`import`] reads it, and the records of that agent must be exactly as many as the
//! manifest counted from the agent's own fields, each with a model and plausible tokens. So a
//! reader that stops finding a new version's records (a renamed field, a moved folder) fails
//! here once `./dev compat` has recorded that version.
//!
//! Invariant of the check itself: it fails on an empty HOME and on records whose lines are
//! corrupt (`the_check_fails_when_the_records_are_not_found`), so it cannot pass vacuously.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "test helpers"
)]

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use switchyard_usage::{import, plausible, Record, Sources, Tool};

mod common;
#[path = "common/opencode_db.rs"]
mod opencode_db;
use common::Memory;
use opencode_db::database;

fn compat_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/usage/compat")
}

fn manifest() -> Value {
    let p = compat_dir().join("manifest.json");
    let text = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_slice(&text).expect("the manifest is JSON")
}

/// How a run's files are laid out: as kept, or changed (the check's own tests).
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    AsKept,
    /// Nothing laid out: an empty HOME.
    Empty,
    /// Every line cut in half (a format the readers do not know).
    Corrupt,
    /// Codex's rollout replaced by its compressed copy (`….jsonl.zst`).
    Packed,
}

/// Every line of `bytes` cut to its first half.
fn corrupt(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        out.extend_from_slice(&line[..line.len() / 2]);
        out.push(b'\n');
    }
    out
}

/// Lays `run`'s files out under `home` as `layout` says.
fn lay_out(home: &Path, run: &Value, layout: Layout) {
    if layout == Layout::Empty {
        return;
    }
    let packed_of = run["packed"]["of"].as_str();
    for f in run["files"].as_array().expect("files") {
        let rel = f["path"].as_str().expect("path");
        let fixture = f["fixture"].as_str().expect("fixture");
        let (rel, fixture) = match (layout, packed_of) {
            (Layout::Packed, Some(of)) if of == rel => (
                format!("{rel}.zst"),
                run["packed"]["fixture"]
                    .as_str()
                    .expect("packed fixture")
                    .to_string(),
            ),
            _ => (rel.to_string(), fixture.to_string()),
        };
        let src = compat_dir().join(&fixture);
        let mut bytes = std::fs::read(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        if layout == Layout::Corrupt {
            bytes = match rel.strip_suffix(".rows.json") {
                // A database's rows: each message's data cut in half.
                Some(_) => {
                    let mut rows: Value = serde_json::from_slice(&bytes).unwrap();
                    for m in rows["message"].as_array_mut().into_iter().flatten() {
                        let d = m["data"].as_str().unwrap_or_default();
                        m["data"] = Value::from(&d[..d.len() / 2]);
                    }
                    serde_json::to_vec(&rows).unwrap()
                }
                None => corrupt(&bytes),
            };
        }
        let dest = home.join(rel.strip_suffix(".rows.json").unwrap_or(&rel));
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        if rel.ends_with(".rows.json") {
            database(&dest, &bytes);
        } else {
            std::fs::write(&dest, bytes).unwrap();
        }
    }
}

/// The records of `agent` an import of `run`'s files finds, or why they are not as the
/// manifest says.
fn check_run(agent: &str, run: &Value, layout: Layout) -> Result<Vec<Record>, String> {
    let tool = Tool::from_name(agent).ok_or(format!("{agent}: not a tool the crate reads"))?;
    let home = tempfile::tempdir().unwrap();
    lay_out(home.path(), run, layout);
    let sources = Sources::from_env(home.path(), &|_| None);
    let mut sink = Memory::default();
    let report = import(&sources, &HashMap::new(), &mut sink);
    let name = run["run"].as_str().unwrap_or("?");
    if !report.errors.is_empty() {
        return Err(format!("{agent} {name}: {:?}", report.errors));
    }
    let mut records: Vec<Record> = sink
        .records
        .into_values()
        .filter(|r| r.tool == Some(tool))
        .collect();
    records.sort_by(|a, b| (a.at_ms, &a.key).cmp(&(b.at_ms, &b.key)));
    let want = run["records"].as_u64().unwrap_or(0);
    if want == 0 || records.len() as u64 != want {
        return Err(format!(
            "{agent} {name}: the manifest counts {want} records, the reader found {} (skipped: {:?})",
            records.len(),
            report.skipped
        ));
    }
    for r in &records {
        let tokens = r.input_tokens + r.cache_read_tokens + r.cache_write_5m_tokens;
        if r.model.trim().is_empty() || tokens == 0 || r.output_tokens == 0 || !plausible(r) {
            return Err(format!("{agent} {name}: not a plausible answer: {r:?}"));
        }
    }
    Ok(records)
}

/// Each run of each agent in the manifest, with its version (for the messages).
fn runs() -> Vec<(String, String, Value)> {
    let m = manifest();
    let agents = m["agents"].as_object().expect("agents");
    let mut out = Vec::new();
    for (agent, entry) in agents {
        let version = entry["version"].as_str().unwrap_or("?").to_string();
        for run in entry["runs"].as_array().expect("runs") {
            out.push((agent.clone(), version.clone(), run.clone()));
        }
    }
    out
}

#[test]
fn every_agents_newest_records_are_found_as_the_manifest_counts() {
    let runs = runs();
    let mut failed = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (agent, version, run) in &runs {
        match check_run(agent, run, Layout::AsKept) {
            Ok(records) => {
                seen.insert(agent.clone());
                println!(
                    "{agent} {version} {}: {} records",
                    run["run"],
                    records.len()
                );
            }
            Err(e) => failed.push(format!("{e} (version {version})")),
        }
    }
    assert!(
        failed.is_empty(),
        "a reader no longer finds what the newest agents wrote:\n{}",
        failed.join("\n")
    );
    // Every tool the crate reads is run by the compat suites: each must have a run kept, or the
    // check is hollow for it.
    for agent in Tool::ALL.map(Tool::name) {
        assert!(
            seen.contains(agent),
            "{agent}: no run of its records in the manifest: ./dev compat must keep one"
        );
    }
}

#[test]
fn the_check_fails_when_the_records_are_not_found() {
    for (agent, _, run) in runs() {
        assert!(
            check_run(&agent, &run, Layout::Empty).is_err(),
            "{agent}: an empty HOME must fail the check, or it proves nothing"
        );
        assert!(
            check_run(&agent, &run, Layout::Corrupt).is_err(),
            "{agent}: records in a format the reader does not know must fail the check"
        );
    }
}

/// What a record says, without where it was read from.
fn counts(records: &[Record]) -> Vec<(String, String, u64, u64, u64)> {
    records
        .iter()
        .map(|r| {
            let k = r.key.clone();
            (
                k,
                r.model.clone(),
                r.input_tokens,
                r.output_tokens,
                r.cache_read_tokens,
            )
        })
        .collect()
}

#[test]
fn a_codex_rollout_compressed_as_codex_packs_it_gives_the_same_records() {
    let codex: Vec<_> = runs()
        .into_iter()
        .filter(|(a, _, run)| a == "codex" && run["packed"].is_object())
        .collect();
    assert!(
        !codex.is_empty(),
        "the manifest keeps a compressed Codex rollout"
    );
    for (agent, version, run) in codex {
        let plain = check_run(&agent, &run, Layout::AsKept).expect("the plain rollout");
        let packed = check_run(&agent, &run, Layout::Packed)
            .unwrap_or_else(|e| panic!("Codex {version}'s rollout as .jsonl.zst: {e}"));
        assert_eq!(
            counts(&packed),
            counts(&plain),
            "a compressed rollout is the same answers: counted once each, the same tokens"
        );
    }
}
