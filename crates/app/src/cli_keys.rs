//! `switchyard backend show|remove|enable|disable|test NAME` and `switchyard key
//! add|list|remove|test`: a backend and its keys without a window, through the services the
//! Backends page uses. A backend is named by its name or id.
//!
//! Invariants: a key is read only from stdin (one line; never an argument) and never printed
//! (listings show the masked hint); errors go to stderr with exit 1, usage errors exit 2 before
//! anything is opened; `--json` prints one JSON document and nothing else on stdout.

use crate::cli_io::{find, pretty, Io};
use crate::{AppError, BackendView, NewKey, Switchyard};
use serde_json::json;
use switchyard_secrets::SecretString;

pub const USAGE: &str = "usage:
  switchyard backend show|remove|enable|disable|test NAME [--json]
  switchyard key add BACKEND [--label LABEL]     (the key is read from stdin)
  switchyard key list [BACKEND] [--json]
  switchyard key remove BACKEND LABEL
  switchyard key test BACKEND [LABEL]
  switchyard backend edit NAME [--name NEW] [--base-url URL] [--model MODEL]
  switchyard import-env [--dotenv FILE] [--dry-run]   (keys from the environment and a .env file)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyCommand {
    Show {
        backend: String,
        json: bool,
    },
    Remove {
        backend: String,
    },
    Enable {
        backend: String,
        on: bool,
    },
    Test {
        backend: String,
        label: Option<String>,
    },
    KeyAdd {
        backend: String,
        label: String,
    },
    KeyList {
        backend: Option<String>,
        json: bool,
    },
    KeyRemove {
        backend: String,
        label: String,
    },
    Edit {
        backend: String,
        name: Option<String>,
        base_url: Option<String>,
        model: Option<String>,
    },
    ImportEnv {
        dotenv: Option<std::path::PathBuf>,
        dry_run: bool,
    },
}

impl KeyCommand {
    /// Parses `backend show|remove|enable|disable|test …` and `key …`; `Err` is the usage.
    pub fn parse(args: &[&str]) -> Result<KeyCommand, String> {
        let usage = |p: &str| format!("switchyard: {p}\n{USAGE}");
        let json = args.contains(&"--json");
        let words: Vec<&str> = args.iter().copied().filter(|w| *w != "--json").collect();
        let s = |w: &&str| (*w).to_string();
        Ok(match words.as_slice() {
            ["backend", "show", name] => KeyCommand::Show {
                backend: s(name),
                json,
            },
            ["backend", "remove", name] => KeyCommand::Remove { backend: s(name) },
            ["backend", "enable", name] => KeyCommand::Enable {
                backend: s(name),
                on: true,
            },
            ["backend", "disable", name] => KeyCommand::Enable {
                backend: s(name),
                on: false,
            },
            ["backend", "test", name] => KeyCommand::Test {
                backend: s(name),
                label: None,
            },
            ["key", "add", backend] => KeyCommand::KeyAdd {
                backend: s(backend),
                label: "default".into(),
            },
            ["key", "add", backend, "--label", label] => KeyCommand::KeyAdd {
                backend: s(backend),
                label: s(label),
            },
            ["key", "list"] => KeyCommand::KeyList {
                backend: None,
                json,
            },
            ["key", "list", backend] => KeyCommand::KeyList {
                backend: Some(s(backend)),
                json,
            },
            ["key", "remove", backend, label] => KeyCommand::KeyRemove {
                backend: s(backend),
                label: s(label),
            },
            ["key", "test", backend] => KeyCommand::Test {
                backend: s(backend),
                label: None,
            },
            ["key", "test", backend, label] => KeyCommand::Test {
                backend: s(backend),
                label: Some(s(label)),
            },
            ["backend", "edit", name, rest @ ..] => {
                let (mut new_name, mut base_url, mut model) = (None, None, None);
                let mut it = rest.iter();
                while let Some(flag) = it.next() {
                    let value = it.next().map(|v| (*v).to_string());
                    let slot = match *flag {
                        "--name" => &mut new_name,
                        "--base-url" => &mut base_url,
                        "--model" => &mut model,
                        other => return Err(usage(&format!("unexpected “{other}”"))),
                    };
                    *slot = Some(value.ok_or_else(|| usage(&format!("{flag} needs a value")))?);
                }
                KeyCommand::Edit {
                    backend: s(name),
                    name: new_name,
                    base_url,
                    model,
                }
            }
            ["import-env", rest @ ..] => {
                let (mut dotenv, mut dry_run) = (None, false);
                let mut it = rest.iter();
                while let Some(w) = it.next() {
                    match *w {
                        "--dotenv" => {
                            dotenv = Some(std::path::PathBuf::from(
                                it.next().ok_or_else(|| usage("--dotenv needs a file"))?,
                            ))
                        }
                        "--dry-run" => dry_run = true,
                        other => return Err(usage(&format!("unexpected “{other}”"))),
                    }
                }
                KeyCommand::ImportEnv { dotenv, dry_run }
            }
            ["key", "add", _, ..] if words.iter().any(|w| w.starts_with("sk-")) => {
                return Err(usage(
                    "a key is never given as an argument (it would stay in your shell history): pipe it in",
                ))
            }
            _ => return Err(usage("unknown command or wrong arguments")),
        })
    }

    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        match self.go(app, io).await {
            Ok(out) => {
                let _ = io.stdout.write_all(out.as_bytes());
                0
            }
            Err(e) => {
                let _ = writeln!(io.stderr, "switchyard: {e}");
                1
            }
        }
    }

    async fn go(&self, app: &Switchyard, io: &mut Io<'_>) -> Result<String, AppError> {
        match self {
            KeyCommand::Show { backend, json } => {
                let b = find(app, backend).await?;
                let v = backend_json(&b);
                Ok(if *json {
                    pretty(&v)
                } else {
                    let keys: Vec<String> = b
                        .keys
                        .iter()
                        .map(|k| format!("{} ({})", k.row.label, k.row.hint))
                        .collect();
                    format!(
                        "{}\n  id: {}\n  kind: {}\n  base URL: {}\n  model: {}\n  enabled: {}\n  status: {}\n  keys: {}\n",
                        b.row.name, b.row.id, b.row.kind.as_str(), b.row.base_url,
                        b.row.default_model, b.row.enabled, status(&b),
                        if keys.is_empty() { "none".into() } else { keys.join(", ") }
                    )
                })
            }
            KeyCommand::Remove { backend } => {
                let b = find(app, backend).await?;
                app.backends().delete(b.row.id.clone()).await?;
                Ok(format!("removed {} and its keys\n", b.row.name))
            }
            KeyCommand::Enable { backend, on } => {
                let b = find(app, backend).await?;
                let b = app.backends().set_enabled(b.row.id, *on).await?;
                let word = if *on { "enabled" } else { "disabled" };
                Ok(format!("{} {word}\n", b.row.name))
            }
            KeyCommand::Test { backend, label } => {
                let b = find(app, backend).await?;
                let key = match label {
                    Some(l) => Some(key_id(&b, l)?),
                    None => None,
                };
                let r = app.keys().test(&b.row.id, key.as_deref()).await?;
                let ok = matches!(r.outcome, switchyard_core::CheckOutcome::Valid);
                let line = format!("{}: {}\n", b.row.name, r.message);
                if ok {
                    Ok(line)
                } else {
                    Err(AppError::Invalid(line.trim_end().to_string()))
                }
            }
            KeyCommand::KeyAdd { backend, label } => {
                let b = find(app, backend).await?;
                let value = read_key(io)?;
                let row = app
                    .keys()
                    .add(
                        b.row.id.clone(),
                        NewKey {
                            label: label.clone(),
                            value,
                        },
                    )
                    .await?;
                Ok(format!(
                    "added key {} ({}) to {}\n",
                    row.label, row.hint, b.row.name
                ))
            }
            KeyCommand::KeyList { backend, json } => {
                let list = match backend {
                    Some(name) => vec![find(app, name).await?],
                    None => app.backends().list().await?,
                };
                let rows: Vec<_> = list
                    .iter()
                    .flat_map(|b| {
                        b.keys.iter().map(move |k| {
                            json!({"backend": b.row.name, "label": k.row.label, "hint": k.row.hint,
                                "checked": k.check.as_ref().map(|c| format!("{:?}", c.outcome).to_lowercase())})
                        })
                    })
                    .collect();
                Ok(if *json {
                    pretty(&json!(rows))
                } else {
                    rows.iter()
                        .map(|r| {
                            format!(
                                "{}\t{}\t{}\n",
                                r["backend"].as_str().unwrap_or(""),
                                r["label"].as_str().unwrap_or(""),
                                r["hint"].as_str().unwrap_or("")
                            )
                        })
                        .collect()
                })
            }
            KeyCommand::Edit {
                backend,
                name,
                base_url,
                model,
            } => {
                let b = find(app, backend).await?;
                let draft = switchyard_core::BackendDraft {
                    name: name.clone().unwrap_or(b.row.name.clone()),
                    kind: b.row.kind,
                    base_url: base_url.clone().unwrap_or(b.row.base_url.clone()),
                    default_model: model.clone().unwrap_or(b.row.default_model.clone()),
                };
                let hosts: Vec<Vec<String>> = b.keys.iter().map(|k| k.row.hosts.clone()).collect();
                let approves =
                    switchyard_core::unapproved_move(&hosts, &b.row.base_url, &draft.base_url);
                let saved = app
                    .backends()
                    .update(b.row.id, draft, crate::HostApproval::Approve)
                    .await?;
                let mut out = format!("saved {}\n", saved.row.name);
                if let Some(moved) = approves {
                    // The user's own edit is their approval: say what it approved.
                    out += &format!(
                        "its {} key(s) will now be sent to {} (approved by this edit)\n",
                        saved.keys.len(),
                        moved.to
                    );
                }
                Ok(out)
            }
            KeyCommand::ImportEnv { dotenv, dry_run } => {
                let scan = app.backends().scan_import(dotenv.clone()).await?;
                let mut out = String::new();
                for p in &scan.problems {
                    out += &format!("line {}: {}\n", p.line, p.message);
                }
                let new: Vec<_> = scan
                    .findings
                    .iter()
                    .filter(|f| !f.already_imported)
                    .collect();
                for f in &scan.findings {
                    let state = if f.already_imported {
                        "already imported"
                    } else if *dry_run {
                        "would import"
                    } else {
                        "importing"
                    };
                    out += &format!(
                        "{} ({}): {} {}\n",
                        f.variable,
                        f.display,
                        kind_label(f.kind),
                        state
                    );
                }
                if new.is_empty() || *dry_run {
                    if scan.findings.is_empty() {
                        out += "no provider keys found\n";
                    }
                    return Ok(out);
                }
                let ids = new.iter().map(|f| f.id.clone()).collect();
                let report = app.backends().import_keys(dotenv.clone(), ids).await?;
                for s in &report.skipped {
                    out += &format!("skipped {s}\n");
                }
                out += &format!("imported {} key(s) into the keychain\n", report.imported);
                Ok(out)
            }
            KeyCommand::KeyRemove { backend, label } => {
                let b = find(app, backend).await?;
                app.keys().delete(key_id(&b, label)?).await?;
                Ok(format!("removed key {label} from {}\n", b.row.name))
            }
        }
    }
}

fn key_id(b: &BackendView, label: &str) -> Result<String, AppError> {
    b.keys
        .iter()
        .find(|k| k.row.label == label)
        .map(|k| k.row.id.clone())
        .ok_or_else(|| AppError::Invalid(format!("{} has no key labelled “{label}”.", b.row.name)))
}

/// One line of stdin, trimmed; never echoed.
fn read_key(io: &mut Io<'_>) -> Result<SecretString, AppError> {
    let mut line = String::new();
    io.stdin
        .read_line(&mut line)
        .map_err(|e| AppError::Invalid(format!("The key could not be read from stdin: {e}.")))?;
    let key = line.trim();
    if key.is_empty() {
        return Err(AppError::Invalid(
            "No key on stdin: pipe it in, e.g. printf %s \"$KEY\" | switchyard key add NAME."
                .into(),
        ));
    }
    Ok(SecretString::new(key.to_string()))
}

fn kind_label(kind: switchyard_core::BackendKind) -> &'static str {
    kind.spec().label
}

fn status(b: &BackendView) -> String {
    format!("{:?}", b.status).to_lowercase()
}

pub(crate) fn backend_json(b: &BackendView) -> serde_json::Value {
    json!({
        "id": b.row.id,
        "name": b.row.name,
        "kind": b.row.kind.as_str(),
        "baseUrl": b.row.base_url,
        "defaultModel": b.row.default_model,
        "enabled": b.row.enabled,
        "status": status(b),
        "keys": b.keys.iter().map(|k| json!({"label": k.row.label, "hint": k.row.hint})).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
#[path = "cli_keys_tests.rs"]
mod tests;
