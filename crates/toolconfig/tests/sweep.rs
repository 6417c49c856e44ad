//! The plaintext-key sweep, against fixture files shaped like real shell profiles, `.env` files
//! and tool configs (`tests/fixtures/sweep/`). Every key here is fake and contains `CANARY`, so a
//! leak is easy to spot.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

#[path = "sweep/finding.rs"]
mod finding;
#[path = "sweep/json.rs"]
mod json;
#[path = "sweep/leaks.rs"]
mod leaks;
#[path = "sweep/moving.rs"]
mod moving;
#[path = "sweep/platforms.rs"]
mod platforms;

use std::path::Path;

use switchyard_domain::BackendKind;
use switchyard_toolconfig::sweep::{
    restore, scan, scan_variable, take_out, Found, Moved, SourceKind, SweepError, PLACEHOLDER,
};

const OPENAI: &str = "sk-proj-CANARYWKbsDE5kGZoDiPCFdcERFmdD5nHQrroDnobDQCm7";
const ANTHROPIC: &str = "sk-ant-api03-CANARYqHhDP2UJyRbb8hFLebmT9J5d8mTwcY-u9aQKFMK_QtQAh6";
const OPENROUTER: &str = "sk-or-v1-CANARYjVs8Fv7SjZLY2Qkk2iXrQq43z7N4R5by4QNjhYxBB3TgSNvp";
const GROQ: &str = "gsk_CANARYBE8PqaKrSYpZgHH7hfggVFKGyXySg6vLjBPjZKvkBz";
const MISTRAL: &str = "CANARYYe4xYZFQGQgNXPgqq6AgsY4sF6";
const NOTE: &str = "on 2025-06-01";

const FIXTURES: [&str; 11] = [
    ".bashrc",
    ".zshrc",
    ".zprofile",
    "Microsoft.PowerShell_profile.ps1",
    ".profile",
    "config.fish",
    "project.env",
    "aider.conf.yml",
    "settings.json",
    "opencode.json",
    "config.toml",
];

/// Findings on lines where other settings share the line: found, but not moved automatically.
const SHARED_LINES: [(&str, u32); 6] = [
    (".bashrc", 19),
    (".zshrc", 14),
    (".zprofile", 5),
    ("Microsoft.PowerShell_profile.ps1", 9),
    ("opencode.json", 14),
    ("config.toml", 10),
];

type Row = (u32, &'static str, BackendKind, &'static str);

/// The fixture `name`. A `.env` file is kept as `NAME.env.txt`, so the repository holds no
/// `.env` file with keys in it (fake ones included) for a scanner of it to flag.
fn fixture(name: &str) -> String {
    let stored = match name.ends_with(".env") {
        true => format!("{name}.txt"),
        false => name.to_string(),
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sweep")
        .join(stored);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn source(name: &str) -> SourceKind {
    SourceKind::for_path(Path::new(name))
}

fn rows(found: &[Found]) -> Vec<(u32, String, BackendKind, String)> {
    found
        .iter()
        .map(|f| (f.line, f.variable.clone(), f.kind, f.masked.clone()))
        .collect()
}

fn assert_findings(name: &str, expected: &[Row]) {
    let found = scan(&fixture(name), source(name));
    let expected: Vec<_> = expected
        .iter()
        .map(|&(l, v, k, m)| (l, v.to_string(), k, m.to_string()))
        .collect();
    assert_eq!(rows(&found), expected, "findings in {name}");
}

fn kinds(text: &str, source: SourceKind) -> Vec<BackendKind> {
    scan(text, source).iter().map(|f| f.kind).collect()
}

/// The fixture as written and re-encoded the ways real files differ.
fn variants(text: &str) -> Vec<(&'static str, String)> {
    let crlf = text.replace('\n', "\r\n");
    vec![
        ("lf", text.to_string()),
        ("crlf", crlf.clone()),
        ("no final newline", text.trim_end_matches('\n').to_string()),
        ("bom + crlf", format!("\u{feff}{crlf}")),
    ]
}

fn err<T>(result: Result<T, SweepError>) -> SweepError {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

fn take(text: &str, source: SourceKind, f: &Found) -> Result<(String, Moved), SweepError> {
    take_out(text, source, f.line, &f.variable, &f.masked, NOTE)
}

/// [`OPENAI`] as the sweep masks it.
const OPENAI_MASKED: &str = "sk-proj-…QCm7";

/// Takes `OPENAI_API_KEY` (masked as [`OPENAI`] is) out of line `line` of `text`, noted [`NOTE`].
fn take_openai(text: &str, src: SourceKind, line: u32) -> Result<(String, Moved), SweepError> {
    take_out(text, src, line, "OPENAI_API_KEY", OPENAI_MASKED, NOTE)
}
