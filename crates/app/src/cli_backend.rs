//! `switchyard backend add|list`: backends without a window, through the same service methods
//! the Backends page uses (`validate_backend`, `create_backend`, `list_backends`).
//!
//! Invariants:
//! - `add` prints exactly one line to stdout, the new backend's id, and only on success; every
//!   other word goes to stderr;
//! - a key is read only from stdin (never an argument, which would land in shell history and
//!   `ps`), travels as a `SecretString`, and is never printed: issues are shown by field and
//!   message only (a suggested fix can echo an input, so fixes are not shown);
//! - the backend and its first key are created together (`create_backend` with the key, keychain
//!   first): a refused key leaves no backend behind;
//! - warnings are shown and do not block; errors exit 1, usage errors exit 2 before anything is
//!   opened.

use crate::cli_io::Io;
use crate::{AppError, NewKey, Switchyard};
use serde::Serialize;
use switchyard_core::{BackendDraft, BackendKind, Field, Issue, Severity, Validation};
use switchyard_secrets::SecretString;

pub const USAGE: &str = "usage:
  switchyard backend add NAME --kind KIND --base-url URL [--model MODEL] [--key-stdin] [--key-label LABEL]
  switchyard backend list [--json]
KIND: openai, anthropic, gemini, mistral, groq, openrouter, ollama, openai-compatible";

/// `backend add`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddArgs {
    pub name: String,
    pub kind: BackendKind,
    pub base_url: String,
    /// `None`: the kind's default model.
    pub model: Option<String>,
    /// Read the backend's first key from one line of stdin.
    pub key_stdin: bool,
    /// The key's label (`default` when not given); only with `key_stdin`.
    pub key_label: Option<String>,
}

/// A kind by its command-line name (`openai`, `openai-compatible`, …) or its stable id
/// (`openAi`, `openAiCompatible`, …): case, `-` and `_` do not matter.
pub fn parse_kind(s: &str) -> Option<BackendKind> {
    let norm = |t: &str| -> String {
        t.chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = norm(s);
    BackendKind::ALL
        .into_iter()
        .find(|k| norm(k.as_str()) == wanted)
}

impl AddArgs {
    /// Parses the words after `backend add`; `Err` is a usage message.
    pub fn parse(args: &[&str]) -> Result<AddArgs, String> {
        let usage = |problem: String| format!("switchyard backend add: {problem}\n{USAGE}");
        let mut name = None;
        let (mut kind, mut base_url, mut model, mut label) = (None, None, None, None);
        let mut key_stdin = false;
        let mut words = args.iter().copied();
        let mut options_done = false;
        while let Some(word) = words.next() {
            if options_done || !word.starts_with("--") {
                if name.replace(word.to_string()).is_some() {
                    return Err(usage(format!("unexpected argument “{word}”")));
                }
                continue;
            }
            if word == "--" {
                options_done = true;
                continue;
            }
            if word == "--key-stdin" {
                if std::mem::replace(&mut key_stdin, true) {
                    return Err(usage("--key-stdin is given twice".into()));
                }
                continue;
            }
            let (flag, inline) = match word.split_once('=') {
                Some((f, v)) => (f, Some(v)),
                None => (word, None),
            };
            let slot = match flag {
                "--kind" => &mut kind,
                "--base-url" => &mut base_url,
                "--model" => &mut model,
                "--key-label" => &mut label,
                _ => return Err(usage(format!("unknown option “{flag}”"))),
            };
            let Some(value) = inline.or_else(|| words.next()) else {
                return Err(usage(format!("{flag} needs a value")));
            };
            if slot.replace(value.to_string()).is_some() {
                return Err(usage(format!("{flag} is given twice")));
            }
        }
        let name = name.ok_or_else(|| usage("the backend needs a NAME".into()))?;
        let kind = kind.ok_or_else(|| usage("--kind is required".into()))?;
        let kind = parse_kind(&kind).ok_or_else(|| usage(format!("unknown kind “{kind}”")))?;
        let base_url = base_url.ok_or_else(|| usage("--base-url is required".into()))?;
        if label.is_some() && !key_stdin {
            return Err(usage("--key-label goes with --key-stdin".into()));
        }
        Ok(AddArgs {
            name,
            kind,
            base_url,
            model,
            key_stdin,
            key_label: label,
        })
    }

    fn draft(&self) -> BackendDraft {
        BackendDraft {
            name: self.name.clone(),
            kind: self.kind,
            base_url: self.base_url.clone(),
            default_model: self
                .model
                .clone()
                .unwrap_or_else(|| self.kind.spec().default_model.to_string()),
        }
    }
}

/// Reads one line and trims it, in place: the only copy of the key moves into the secret, which
/// wipes it on drop (the buffer is sized so that a key never makes it grow and move).
fn read_key(stdin: &mut dyn std::io::BufRead) -> std::io::Result<SecretString> {
    let mut line = String::with_capacity(4096);
    if let Err(e) = stdin.read_line(&mut line) {
        drop(SecretString::from(line));
        return Err(e);
    }
    let end = line.trim_end().len();
    line.truncate(end);
    let start = line.len() - line.trim_start().len();
    line.drain(..start);
    Ok(SecretString::from(line))
}

/// `switchyard backend add`: exit 0 (the id on stdout), 1 refused or failed.
pub(crate) async fn add(app: &Switchyard, args: &AddArgs, io: &mut Io<'_>) -> u8 {
    let key = match args.key_stdin.then(|| read_key(io.stdin)).transpose() {
        Ok(value) => value.map(|value| NewKey {
            label: args.key_label.clone().unwrap_or_else(|| "default".into()),
            value,
        }),
        Err(e) => return refuse(io, &format!("could not read the key from stdin: {e}")),
    };
    let draft = args.draft();
    let checked = app
        .backends()
        .validate(draft.clone(), None, key.clone())
        .await;
    match checked {
        Ok(v) if v.is_ok() => print_issues(io, &v),
        Ok(v) => {
            print_issues(io, &v);
            let no_model = v.issues.iter().any(|i| i.field == Field::DefaultModel);
            if no_model && args.model.is_none() {
                let _ = writeln!(
                    io.stderr,
                    "switchyard: hint: {} has no default model; pass --model MODEL",
                    args.kind.as_str()
                );
            }
            return 1;
        }
        Err(e) => return report(io, &e),
    }
    match app.backends().create(draft, key).await {
        Ok(view) => match writeln!(io.stdout, "{}", view.row.id) {
            Ok(()) => 0,
            Err(_) => 1,
        },
        Err(e) => report(io, &e),
    }
}

/// One backend as `backend list --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendLine {
    pub id: String,
    pub name: String,
    /// The stable id (`openAi`, `openAiCompatible`, …), accepted by `--kind`.
    pub kind: &'static str,
    /// As saved (`""` for the built-in Demo backend, whose address changes every run).
    pub base_url: String,
    pub default_model: String,
    pub enabled: bool,
    pub key_count: u32,
}

/// `switchyard backend list [--json]`.
pub(crate) async fn list(app: &Switchyard, json: bool, io: &mut Io<'_>) -> u8 {
    let lines: Vec<BackendLine> = match app.backends().list().await {
        Ok(list) => list
            .into_iter()
            .map(|b| BackendLine {
                key_count: u32::try_from(b.keys.len()).unwrap_or(u32::MAX),
                id: b.row.id,
                name: b.row.name,
                kind: b.row.kind.as_str(),
                base_url: b.row.base_url,
                default_model: b.row.default_model,
                enabled: b.row.enabled,
            })
            .collect(),
        Err(e) => return report(io, &e),
    };
    let text = if json {
        match serde_json::to_string_pretty(&lines) {
            Ok(s) => s + "\n",
            Err(e) => return refuse(io, &e.to_string()),
        }
    } else {
        table(&lines)
    };
    match io.stdout.write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// The human listing: a header, then one aligned line per backend.
pub fn table(lines: &[BackendLine]) -> String {
    let url = |l: &BackendLine| match l.base_url.as_str() {
        "" => "(built in)".to_string(),
        u => u.to_string(),
    };
    let wn = lines
        .iter()
        .map(|l| l.name.chars().count())
        .max()
        .unwrap_or(0);
    let wu = lines
        .iter()
        .map(|l| url(l).chars().count())
        .max()
        .unwrap_or(0);
    let (wn, wu) = (wn.max(4), wu.max(8));
    let mut out = format!(
        "{:<wn$}  {:<16}  {:<wu$}  {:<8}  KEYS\n",
        "NAME", "KIND", "BASE URL", "ENABLED"
    );
    for l in lines {
        let enabled = if l.enabled { "yes" } else { "no" };
        out.push_str(&format!(
            "{:<wn$}  {:<16}  {:<wu$}  {enabled:<8}  {}\n",
            l.name,
            l.kind,
            url(l),
            l.key_count
        ));
    }
    out
}

/// `switchyard: warning: keyValue: …` per issue (field ids as in the UI's IPC).
fn print_issues(io: &mut Io<'_>, v: &Validation) {
    for issue in &v.issues {
        let _ = writeln!(io.stderr, "{}", issue_line(issue));
    }
}

/// An issue as one line: severity, field and message, never the fix (it can echo input).
pub fn issue_line(issue: &Issue) -> String {
    let field = serde_json::to_value(issue.field)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let severity = match issue.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!("switchyard: {severity}: {field}: {}", issue.message)
}

/// Prints a service error (its issues, or its message and hint) and returns exit code 1.
pub(crate) fn report(io: &mut Io<'_>, e: &AppError) -> u8 {
    match e {
        AppError::Validation(v) => print_issues(io, v),
        AppError::Keychain(k) => {
            let _ = writeln!(io.stderr, "switchyard: {k}\n  hint: {}", k.fix_hint());
        }
        other => {
            let _ = writeln!(io.stderr, "switchyard: {other}");
        }
    }
    1
}

fn refuse(io: &mut Io<'_>, msg: &str) -> u8 {
    let _ = writeln!(io.stderr, "switchyard: {msg}");
    1
}

#[cfg(test)]
#[path = "cli_backend_tests.rs"]
mod tests;
