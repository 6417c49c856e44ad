//! Issue 53, finding 8: one absurd count in a tool's records (2^63 tokens) broke `usage` for
//! good ("integer overflow" on every run, `usage windows` "Invalid column type Real"). Now the
//! line is a corrupt line of its file, the reads cannot overflow, and `--rescan` removes what
//! an older version stored.

use super::*;
use std::path::PathBuf;

/// 2^63: one more than `i64::MAX`, still a valid u64 in a tool's JSON.
const ABSURD: &str = "9223372036854775808";

/// An app whose tools' records are under `dir/home`, with no background import.
pub(super) async fn start_with_records(dir: &Path) -> Switchyard {
    let mut opts = Options::new(AppPaths::under(dir), Arc::new(MemoryStore::new()));
    opts.demo = MockConfig::instant();
    opts.environment = Environment::Fixed(Default::default());
    opts.monitor = false;
    opts.tools_home = Some(switchyard_toolconfig::Home {
        home: dir.join("home"),
        vars: Default::default(),
        env_store: None,
    });
    Switchyard::start(opts).await.unwrap()
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn claude_line(at: &str, msg: &str, input: &str) -> String {
    format!(
        r#"{{"type":"assistant","sessionId":"s","cwd":"/p","timestamp":"{at}","requestId":"req_{msg}","message":{{"id":"{msg}","model":"claude-sonnet-4-5","usage":{{"input_tokens":{input},"output_tokens":3}}}}}}"#
    )
}

/// A Claude Code transcript with one absurd answer and one real one; returns its path.
fn write_claude(home: &Path, at: &str) -> PathBuf {
    let dir = home.join(".claude/projects/-p");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("s.jsonl");
    let text = [
        claude_line(at, "msg_x", ABSURD),
        claude_line(at, "msg_ok", "7"),
    ]
    .join("\n");
    std::fs::write(&file, text + "\n").unwrap();
    file
}

/// A Codex rollout whose one usage record claims 2^63 output tokens; returns its path.
fn write_codex(home: &Path, at: &str) -> PathBuf {
    let dir = home.join(".codex/sessions/2026/11/25");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("rollout-2026-11-25T11-43-49-t2.jsonl");
    let line = format!(
        r#"{{"timestamp":"{at}","type":"token_usage_record","payload":{{"response_id":"resp_x","usage":{{"input_tokens":1,"output_tokens":{ABSURD},"total_tokens":1}}}}}}"#
    );
    std::fs::write(&file, line + "\n").unwrap();
    file
}

fn import_of(ran: &super::cli::Ran) -> serde_json::Value {
    assert_eq!(ran.code, 0, "usage must run: {}", ran.err);
    let v: serde_json::Value = serde_json::from_str(&ran.out).unwrap();
    v["import"].clone()
}

/// Issue 53, finding 8: a line with a count of 2^63 was stored capped at `i64::MAX`, and then
/// every `usage` failed with "integer overflow", `usage windows` with "Invalid column type
/// Real". Such a line is a corrupt line, named with its file, and usage goes on working.
#[tokio::test]
async fn a_count_of_2_to_the_63_in_a_tool_line_is_a_corrupt_line_and_usage_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let at = now_rfc3339();
    let claude = write_claude(&dir.path().join("home"), &at);
    let codex = write_codex(&dir.path().join("home"), &at);
    let app = start_with_records(dir.path()).await;

    let import = import_of(&super::cli::run(&app, &["usage", "--json"], "").await);
    assert_eq!(import["skipped"]["corrupt line"], 2, "{import}");
    let files = import["skipped_in"]["corrupt line"].to_string();
    for f in [&claude, &codex] {
        assert!(
            files.contains(&*f.to_string_lossy()),
            "the report names {f:?}: {import}"
        );
    }
    for args in [
        &["usage"][..],
        &["usage", "--by", "model"],
        &["usage", "--by", "day"],
        &["usage", "windows"],
        &["usage", "--rescan"],
    ] {
        let ran = super::cli::run(&app, args, "").await;
        assert_eq!(ran.code, 0, "{args:?} must keep working: {}", ran.err);
    }
    let rows = app
        .usage()
        .summary(0, i64::MAX, switchyard_app::UsageGroup::Tool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "only the real answer is counted: {rows:?}");
    assert_eq!((rows[0].requests, rows[0].input_tokens), (1, 7));
    app.shutdown(Duration::from_secs(5)).await;
}

/// A store written before the bound holds the absurd row: reads work anyway, and `--rescan`
/// removes it (its line is then reported as corrupt).
#[tokio::test]
async fn a_rescan_repairs_a_store_that_holds_an_absurd_count() {
    let dir = tempfile::tempdir().unwrap();
    let at = now_rfc3339();
    let claude = write_claude(&dir.path().join("home"), &at);
    let app = start_with_records(dir.path()).await;
    assert_eq!(super::cli::run(&app, &["usage"], "").await.code, 0);
    // As the import stored it before the bound: capped at i64::MAX, beside the real answer.
    let store = switchyard_store::Store::open(&app.paths().db_file).unwrap();
    let at_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let absurd = switchyard_usage::Record {
        key: "claude-code:msg_x:req_msg_x".into(),
        tool: Some(switchyard_usage::Tool::ClaudeCode),
        at_ms,
        model: "claude-sonnet-4-5".into(),
        input_tokens: u64::MAX,
        output_tokens: 3,
        ..Default::default()
    };
    store
        .tool_usage()
        .upsert_tool_usage(&[(&absurd, None)])
        .unwrap();

    for args in [&["usage"][..], &["usage", "windows"]] {
        let ran = super::cli::run(&app, args, "").await;
        assert_eq!(
            ran.code, 0,
            "{args:?}: stored absurd rows must not break reads: {}",
            ran.err
        );
    }
    let import = import_of(&super::cli::run(&app, &["usage", "--rescan", "--json"], "").await);
    assert_eq!(import["skipped"]["corrupt line"], 1, "{import}");
    assert!(
        import.to_string().contains(&*claude.to_string_lossy()),
        "{import}"
    );
    assert_eq!(
        store.tool_usage().tool_usage_count().unwrap(),
        (1, 0),
        "the rescan removed the absurd row and kept the real one"
    );
    app.shutdown(Duration::from_secs(5)).await;
}
