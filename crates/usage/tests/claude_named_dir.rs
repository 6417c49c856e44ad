//! Claude Code 2.1.332's `CLAUDE_CODE_PROJECT_DIR_NAME` (with `CLAUDE_CONFIG_DIR` set): its
//! transcripts go under `<config>/projects/<that name>/`, not `<cwd as dashes>/`. The fixture is
//! what the real program wrote so (`tests/fixtures/usage/claude-code/`): its answers are found,
//! their project is their working folder (never the folder's name), and the same session seen
//! under both folder names counts once.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use switchyard_usage::{import, Record, Sources};

mod common;
use common::Memory;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/usage/claude-code/named-project-dir.jsonl")
}

const SESSION: &str = "0e265986-9b73-43a1-b0f8-4f093cef5ad4";

#[test]
fn a_transcript_under_a_named_project_folder_is_counted_under_its_working_folder() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("cfg");
    let named = config.join("projects/my-proj_1");
    std::fs::create_dir_all(&named).unwrap();
    std::fs::copy(fixture(), named.join(format!("{SESSION}.jsonl"))).unwrap();
    let env = |k: &str| (k == "CLAUDE_CONFIG_DIR").then(|| config.to_string_lossy().into_owned());
    let sources = Sources::from_env(home.path(), &env);
    let mut sink = Memory::default();
    let report = import(&sources, &HashMap::new(), &mut sink);
    assert!(report.skipped.is_empty(), "{report:?}");
    let records: Vec<&Record> = sink.records.values().collect();
    assert_eq!(records.len(), 2, "the run's two answers: {records:?}");
    for r in &records {
        assert_eq!(r.model, "claude-sonnet-4-5");
        assert_eq!(
            r.project.as_deref(),
            Some("/home/user/work"),
            "not `my-proj_1`"
        );
        assert_eq!(r.session.as_deref(), Some(SESSION));
    }
    let input: u64 = records.iter().map(|r| r.input_tokens).sum();
    let output: u64 = records.iter().map(|r| r.output_tokens).sum();
    // The transcript's own `cost-state` line says 23,288 in and 72 out for the session.
    assert_eq!((input, output), (23_288, 72));

    // The same session also under the folder the older naming gives: counted once.
    let dashed = config.join("projects/-home-user-work");
    std::fs::create_dir_all(&dashed).unwrap();
    std::fs::copy(fixture(), dashed.join(format!("{SESSION}.jsonl"))).unwrap();
    let mut again = Memory::default();
    import(&sources, &HashMap::new(), &mut again);
    assert_eq!(
        again.records.len(),
        2,
        "one session, two folders: counted once"
    );
}
