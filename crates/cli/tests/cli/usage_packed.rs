//! Issue 71: Codex keeps a rollout idle for a week as `rollout-….jsonl.zst`, and moves it to
//! `archived_sessions`. A rollout `usage` counted as 1 request and $2.25 counted 0 once
//! compressed, and a fresh install missed every older session. Now a compressed rollout is read
//! (streamed), and a rollout counts once however many of its forms the import has seen.

use super::usage_bounds::start_with_records;
use super::*;
use std::path::PathBuf;

/// One Codex session: its meta, its turn's model, one answer of 1M tokens in and 100k out.
fn rollout_text() -> String {
    let at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    [
        format!(r#"{{"timestamp":"{at}","type":"session_meta","payload":{{"id":"0199-t7","cwd":"/home/u/p"}}}}"#),
        format!(r#"{{"timestamp":"{at}","type":"turn_context","payload":{{"cwd":"/home/u/p","model":"gpt-5"}}}}"#),
        format!(r#"{{"timestamp":"{at}","type":"token_usage_record","payload":{{"response_id":"resp_t7","session_id":"0199-t7","usage":{{"input_tokens":1000000,"cached_input_tokens":0,"output_tokens":100000,"reasoning_output_tokens":0,"total_tokens":1100000}}}}}}"#),
    ]
    .join("\n")
        + "\n"
}

const NAME: &str = "rollout-2026-11-20T09-00-00-0199-t7.jsonl";

fn day(home: &Path, under: &str) -> PathBuf {
    let dir = home.join(".codex").join(under).join("2026/11/20");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The rollout, compressed as Codex compresses it (zstd level 3), at `dir/NAME.zst`.
fn write_packed(dir: &Path) -> PathBuf {
    let file = dir.join(format!("{NAME}.zst"));
    let bytes = zstd::encode_all(rollout_text().as_bytes(), 3).unwrap();
    std::fs::write(&file, bytes).unwrap();
    file
}

/// Codex's row of `usage --by tool --json`: (requests, cost), and the import's errors.
async fn codex_row(app: &Switchyard) -> ((u64, f64), String) {
    let ran = super::cli::run(app, &["usage", "--by", "tool", "--json"], "").await;
    assert_eq!(ran.code, 0, "usage must run: {}", ran.err);
    let v: serde_json::Value = serde_json::from_str(&ran.out).unwrap();
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "codex")
        .cloned()
        .unwrap_or_default();
    let got = (
        row["requests"].as_u64().unwrap_or(0),
        row["costUsd"].as_f64().unwrap_or(0.0),
    );
    (got, v["import"]["errors"].to_string())
}

#[tokio::test]
async fn a_compressed_rollout_counts_once_plain_compressed_and_archived() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let sessions = day(&home, "sessions");
    let plain = sessions.join(NAME);
    std::fs::write(&plain, rollout_text()).unwrap();
    let app = start_with_records(dir.path()).await;
    let (first, errors) = codex_row(&app).await;
    assert_eq!(first.0, 1, "the plain rollout is one request: {errors}");
    assert!(
        (first.1 - 2.25).abs() < 1e-9,
        "1M in and 100k out of gpt-5 is $2.25: {first:?}"
    );

    // A week idle: Codex compresses it (the plain file goes).
    write_packed(&sessions);
    std::fs::remove_file(&plain).unwrap();
    let (got, errors) = codex_row(&app).await;
    assert_eq!(
        got, first,
        "compressed, the rollout still counts once: {errors}"
    );
    // Both forms at once (Codex decompresses a rollout it resumes): still once.
    std::fs::write(&plain, rollout_text()).unwrap();
    assert_eq!(codex_row(&app).await.0, first, "both forms: once");
    std::fs::remove_file(&plain).unwrap();
    // Archived: moved to `archived_sessions`.
    let archived = day(&home, "archived_sessions");
    std::fs::rename(
        sessions.join(format!("{NAME}.zst")),
        archived.join(format!("{NAME}.zst")),
    )
    .unwrap();
    let (got, errors) = codex_row(&app).await;
    assert_eq!(got, first, "archived, it still counts once: {errors}");
    app.shutdown(Duration::from_secs(5)).await;

    // A fresh install whose only Codex record is the compressed, archived rollout.
    let fresh = tempfile::tempdir().unwrap();
    write_packed(&day(&fresh.path().join("home"), "archived_sessions"));
    let app = start_with_records(fresh.path()).await;
    let (got, errors) = codex_row(&app).await;
    assert_eq!(
        got, first,
        "a fresh install counts the older, compressed session: {errors}"
    );
    app.shutdown(Duration::from_secs(5)).await;
}

/// A compressed file that is not zstd (or is damaged) is an error naming it, and the other
/// records are counted; `usage` keeps working.
#[tokio::test]
async fn a_damaged_compressed_rollout_is_named_and_the_rest_counted() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let sessions = day(&home, "sessions");
    std::fs::write(sessions.join(NAME), rollout_text()).unwrap();
    let bad = sessions.join("rollout-2026-11-20T10-00-00-0199-t8.jsonl.zst");
    std::fs::write(&bad, b"\x28\xb5\x2f\xfd damaged").unwrap();
    let app = start_with_records(dir.path()).await;
    let ((requests, _), errors) = codex_row(&app).await;
    assert_eq!(requests, 1, "the good rollout is counted: {errors}");
    assert!(
        errors.contains("t8.jsonl.zst") && errors.contains("cannot decompress"),
        "the damaged file is named, with why: {errors}"
    );
    app.shutdown(Duration::from_secs(5)).await;
}
