//! Golden files: each tool's realistic config before connecting (`fixtures/<tool>/before/`),
//! the exact text after (`fixtures/<tool>/after/`, reviewed by hand: only our keys differ), and
//! the way back (byte for byte, or with the user's edits in between kept).
//!
//! `SWITCHYARD_BLESS=1` rewrites the after-files from the current output, for review.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::fs;
use std::path::{Path, PathBuf};

use switchyard_toolconfig::edit::{apply, read, revert, Applied, Format, Record};
use switchyard_toolconfig::plans::{
    config_files, plan, ConnectParams, FilePlan, Home, TierModels, ToolId,
};

const ROOT: &str = "http://127.0.0.1:4141";
const TOKEN: &str = "sy-test-0123456789abcdef";

fn params() -> ConnectParams {
    ConnectParams {
        gateway_root: ROOT.into(),
        token: TOKEN.into(),
        model: Some("claude-sonnet-4-5".into()),
        tiers: TierModels {
            opus: Some("claude-opus-4-1".into()),
            sonnet: Some("claude-sonnet-4-5".into()),
            haiku: Some("claude-haiku-4-5".into()),
        },
        models: vec!["claude-sonnet-4-5".into(), "gpt-5".into()],
        websockets: true,
        codex_catalogue: true,
        plan: false,
    }
}

fn fixtures(tool: ToolId) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(tool.as_str())
}

/// A fixture's name: the config file's name without a leading dot (`.env` → `env`), and a
/// `.env` ending spelled `-env` (no `*.env` file is kept in the repository).
fn name(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = file.trim_start_matches('.');
    match file.strip_suffix(".env") {
        Some(stem) => format!("{stem}-env"),
        None => file.to_string(),
    }
}

/// Where the tool keeps the file the fixture `name` stands for.
fn location(tool: ToolId, home: &Path, name: &str) -> PathBuf {
    match (tool, name) {
        (ToolId::ClaudeCode, _) => home.join(".claude").join(name),
        (ToolId::Codex, _) => home.join(".codex").join(name),
        (ToolId::GeminiCli, "env") => home.join(".gemini/.env"),
        (ToolId::GeminiCli, _) => home.join(".gemini").join(name),
        (ToolId::Opencode, _) => home.join(".config/opencode").join(name),
        (ToolId::Aider, _) => home.join(format!(".{name}")),
        (ToolId::CopilotCli, "bashrc") => home.join(".bashrc"),
        (ToolId::CopilotCli, _) => home.join(".copilot").join(name),
        (ToolId::QwenCode, _) => home.join(".qwen").join(name),
        (ToolId::Pi, _) => home.join(".pi/agent").join(name),
        (ToolId::Kilo, _) => home.join(".config/kilo").join(name),
        (ToolId::Droid, _) => home.join(".factory").join(name),
    }
}

/// Files a connect creates (no before-file): Copilot CLI's own env file.
fn created(tool: ToolId, path: &Path) -> bool {
    tool == ToolId::CopilotCli && path.extension().is_some_and(|e| e == "env")
}

/// A home holding the tool's before-files, and the plans for it.
fn setup(tool: ToolId) -> (tempfile::TempDir, Vec<FilePlan>) {
    let dir = tempfile::tempdir().unwrap();
    let home = Home {
        home: dir.path().to_path_buf(),
        vars: Default::default(),
        env_store: None,
    };
    for entry in fs::read_dir(fixtures(tool).join("before")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let to = location(tool, dir.path(), &name);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(entry.path(), &to).unwrap();
    }
    let files: Vec<PathBuf> = config_files(tool, &home)
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    for path in files.iter().filter(|p| !created(tool, p)) {
        assert!(
            path.is_file(),
            "{tool}: config_files points at the fixture's place: {}",
            path.display()
        );
    }
    let plans = plan(tool, &home, &params());
    let planned: Vec<PathBuf> = plans.iter().map(|p| p.path.clone()).collect();
    assert_eq!(
        planned, files,
        "{tool}: the plan covers exactly its config files"
    );
    (dir, plans)
}

fn connect(plan: &FilePlan) -> (String, Applied) {
    let before = fs::read_to_string(&plan.path).ok();
    let applied = apply(before.as_deref(), plan.format, &plan.changes).unwrap();
    (before.unwrap_or_default(), applied)
}

fn golden(tool: ToolId) {
    let (_home, plans) = setup(tool);
    for plan in &plans {
        let (before, applied) = connect(plan);
        let file = fixtures(tool).join("after").join(name(&plan.path));
        if std::env::var_os("SWITCHYARD_BLESS").is_some() {
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(&file, &applied.text).unwrap();
        }
        let expected = fs::read_to_string(&file).unwrap();
        assert_eq!(
            applied.text,
            expected,
            "{tool}: connecting gives {}",
            file.display()
        );
        assert!(applied.changed);
        assert!(
            !format!("{:?}", applied).contains(TOKEN),
            "Debug hides the token"
        );

        // The record survives the journal (JSON) and undoes everything, byte for byte.
        let journal = serde_json::to_string(&applied.record).unwrap();
        let record: Record = serde_json::from_str(&journal).unwrap();
        assert_eq!(record, applied.record);
        let reverted = revert(Some(&applied.text), plan.format, &record).unwrap();
        assert_eq!(
            reverted.text.as_deref().unwrap_or_default(),
            before.as_str(),
            "{tool}: revert gives back the before-file (none: the file goes)"
        );
        if created(tool, &plan.path) {
            assert_eq!(
                reverted.text, None,
                "{tool}: a file connect made is removed"
            );
        }
        assert!(reverted.kept.is_empty());
    }
}

#[test]
fn claude_code_golden() {
    golden(ToolId::ClaudeCode);
}

#[test]
fn codex_golden() {
    golden(ToolId::Codex);
}

#[test]
fn gemini_cli_golden() {
    golden(ToolId::GeminiCli);
}

#[test]
fn opencode_golden() {
    golden(ToolId::Opencode);
}

#[test]
fn aider_golden() {
    golden(ToolId::Aider);
}

#[test]
fn copilot_cli_golden() {
    golden(ToolId::CopilotCli);
}

#[test]
fn qwen_code_golden() {
    golden(ToolId::QwenCode);
}

#[test]
fn pi_golden() {
    golden(ToolId::Pi);
}

#[test]
fn kilo_golden() {
    golden(ToolId::Kilo);
}

#[test]
fn droid_golden() {
    golden(ToolId::Droid);
}

mod edits;
