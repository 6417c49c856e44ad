//! `switchyard tools | connect | disconnect | statusline | keys`: the Tools page on the command
//! line. Nothing printed holds a key or a gateway token (findings are masked; a connect prints
//! the files it changed and the token's name).
#![allow(
    clippy::print_stdout,
    reason = "this module is the command-line interface"
)]

use crate::cli_io::Io;
use crate::tools::{ConnectChoice, ToolId, ToolStatus};
use crate::Switchyard;
use std::path::PathBuf;

pub const USAGE: &str = "usage:
  switchyard tools [--json]                 the coding tools on this machine and their state
  switchyard connect TOOL [--model M] [--opus M] [--sonnet M] [--haiku M]
                                            point TOOL at the gateway (its own token; reversible)
  switchyard disconnect TOOL                undo it: only Switchyard's keys go, the token is revoked
  switchyard statusline                     one status line for Claude Code (spend, budget, health)
  switchyard statusline install|uninstall   set Claude Code's statusLine to it / restore the old one
  switchyard keys find [--file F]… [--json] provider keys left in profiles, tool configs, .env files
  switchyard keys move ID [--file F]… [--backend BACKEND_ID]
                                            move one into the keychain and out of its file
  switchyard keys restore MOVE_ID           put a moved key's line back
TOOL: claude-code, codex, gemini-cli, opencode, aider";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolsCommand {
    List {
        json: bool,
    },
    Connect {
        tool: ToolId,
        choice: ConnectChoice,
    },
    Disconnect {
        tool: ToolId,
    },
    Statusline {
        install: bool,
    },
    KeysFind {
        files: Vec<PathBuf>,
        json: bool,
    },
    KeysMove {
        id: String,
        files: Vec<PathBuf>,
        backend: Option<String>,
    },
    KeysRestore {
        id: String,
    },
}

fn tool(s: &str) -> Result<ToolId, String> {
    ToolId::parse(s).ok_or_else(|| format!("unknown tool “{s}”\n{USAGE}"))
}

impl ToolsCommand {
    pub fn parse(args: &[&str]) -> Result<ToolsCommand, String> {
        Ok(match args {
            ["tools"] => ToolsCommand::List { json: false },
            ["tools", "--json"] => ToolsCommand::List { json: true },
            ["connect", name, rest @ ..] => {
                let mut choice = ConnectChoice::default();
                let mut it = rest.iter();
                while let Some(flag) = it.next() {
                    let value = it.next().map(|v| v.to_string());
                    let slot = match *flag {
                        "--model" => &mut choice.model,
                        "--opus" => &mut choice.tiers.opus,
                        "--sonnet" => &mut choice.tiers.sonnet,
                        "--haiku" => &mut choice.tiers.haiku,
                        _ => return Err(USAGE.into()),
                    };
                    *slot = Some(value.ok_or(USAGE)?);
                }
                ToolsCommand::Connect {
                    tool: tool(name)?,
                    choice,
                }
            }
            ["disconnect", name] => ToolsCommand::Disconnect { tool: tool(name)? },
            ["statusline", "install"] => ToolsCommand::Statusline { install: true },
            ["statusline", "uninstall"] => ToolsCommand::Statusline { install: false },
            ["keys", "find", rest @ ..] => {
                let (files, flags) = files_and_flags(rest)?;
                match flags.as_slice() {
                    [] => ToolsCommand::KeysFind { files, json: false },
                    ["--json"] => ToolsCommand::KeysFind { files, json: true },
                    _ => return Err(USAGE.into()),
                }
            }
            ["keys", "move", id, rest @ ..] => {
                let (files, flags) = files_and_flags(rest)?;
                let backend = match flags.as_slice() {
                    [] => None,
                    ["--backend", b] => Some(b.to_string()),
                    _ => return Err(USAGE.into()),
                };
                ToolsCommand::KeysMove {
                    id: id.to_string(),
                    files,
                    backend,
                }
            }
            ["keys", "restore", id] => ToolsCommand::KeysRestore { id: id.to_string() },
            _ => return Err(USAGE.into()),
        })
    }

    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        match self.run_inner(app, io).await {
            Ok(()) => 0,
            Err(e) => {
                let _ = writeln!(io.stderr, "switchyard: {e}");
                1
            }
        }
    }

    async fn run_inner(&self, app: &Switchyard, io: &mut Io<'_>) -> Result<(), String> {
        let out = &mut *io.stdout;
        let e = |e: crate::AppError| e.to_string();
        match self {
            ToolsCommand::List { json } => {
                let tools = app.tools().list().await.map_err(e)?;
                if *json {
                    let rows: Vec<_> = tools.iter().map(tool_json).collect();
                    let _ = writeln!(out, "{}", serde_json::Value::Array(rows));
                } else {
                    for t in &tools {
                        let _ = writeln!(out, "{}", tool_line(t));
                    }
                }
            }
            ToolsCommand::Connect { tool, choice } => {
                let r = app
                    .tools()
                    .connect(*tool, choice.clone())
                    .await
                    .map_err(e)?;
                for f in &r.files.changed {
                    let _ = writeln!(out, "changed {f}");
                }
                if r.files.changed.is_empty() {
                    let _ = writeln!(out, "already connected; nothing to change");
                }
                let _ = writeln!(
                    out,
                    "{} → Switchyard (token “{}”{})",
                    tool.label(),
                    r.token_name.unwrap_or_default(),
                    r.model
                        .as_ref()
                        .map(|m| format!(", model {m}"))
                        .unwrap_or_default()
                );
                // Flagged where it is chosen: a model the ledger cannot price, or nothing serves.
                if let Some(m) = r.model {
                    if let Ok(crate::ModelCheck {
                        warning: Some(w), ..
                    }) = app.catalogue().check(m).await
                    {
                        let _ = writeln!(out, "note: {w}");
                    }
                }
            }
            ToolsCommand::Disconnect { tool } => {
                let r = app.tools().disconnect(*tool).await.map_err(e)?;
                for f in &r.files.changed {
                    let _ = writeln!(out, "restored {f}");
                }
                for k in &r.files.kept {
                    let _ = writeln!(out, "kept {k} (changed since connecting)");
                }
                if let Some(t) = r.token_name {
                    let _ = writeln!(out, "revoked token “{t}”");
                }
            }
            ToolsCommand::Statusline { install } => {
                let r = if *install {
                    app.tools().install_statusline().await
                } else {
                    app.tools().uninstall_statusline().await
                }
                .map_err(e)?;
                for f in &r.changed {
                    let _ = writeln!(out, "changed {f}");
                }
            }
            ToolsCommand::KeysFind { files, json } => {
                let scan = app.tools().find_keys(files.clone()).await.map_err(e)?;
                for p in &scan.problems {
                    let _ = writeln!(io.stderr, "skipped: {p}");
                }
                for f in &scan.findings {
                    if *json {
                        let v = serde_json::json!({
                            "id": f.id, "path": f.path, "line": f.line, "variable": f.variable,
                            "kind": f.kind.as_str(), "masked": f.masked, "inKeychain": f.in_keychain,
                        });
                        let _ = writeln!(out, "{v}");
                    } else {
                        let _ = writeln!(
                            out,
                            "{}:{}  {}  {} {}{}\n  id: {}",
                            f.path,
                            f.line,
                            f.variable,
                            f.kind.spec().label,
                            f.masked,
                            if f.in_keychain {
                                "  (already in the keychain)"
                            } else {
                                ""
                            },
                            f.id
                        );
                    }
                }
            }
            ToolsCommand::KeysMove { id, files, backend } => {
                let m = app
                    .tools()
                    .move_key(id.clone(), files.clone(), backend.clone())
                    .await
                    .map_err(e)?;
                let _ = writeln!(
                    out,
                    "moved {} from {}:{} into the keychain as {}/{} (test: {}); move id {}",
                    m.masked, m.path, m.line, m.backend, m.key_label, m.tested, m.id
                );
            }
            ToolsCommand::KeysRestore { id } => {
                let m = app.tools().restore_key(id.clone()).await.map_err(e)?;
                let _ = writeln!(out, "put {} back in {}:{}", m.variable, m.path, m.line);
            }
        }
        Ok(())
    }
}

fn files_and_flags<'a>(args: &[&'a str]) -> Result<(Vec<PathBuf>, Vec<&'a str>), String> {
    let (mut files, mut flags) = (Vec::new(), Vec::new());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if *a == "--file" {
            files.push(PathBuf::from(it.next().ok_or(USAGE)?));
        } else {
            flags.push(*a);
        }
    }
    Ok((files, flags))
}

fn tool_line(t: &ToolStatus) -> String {
    let installed = match (&t.installed, &t.version) {
        (true, Some(v)) => format!("installed {v}"),
        (true, None) => "installed".into(),
        (false, _) => "not installed".into(),
    };
    let state = match (t.connected, t.needs_reconnect) {
        (true, false) => "connected".to_string(),
        (true, true) => "connected, needs reconnect".to_string(),
        (false, _) => "not connected".to_string(),
    };
    format!(
        "{:<12} {:<20} {:<28} {} req ${:.4} today  {}",
        t.tool.as_str(),
        installed,
        state,
        t.requests_today,
        t.cost_today_usd,
        t.config_files.join(", ")
    )
}

fn tool_json(t: &ToolStatus) -> serde_json::Value {
    serde_json::json!({
        "id": t.tool.as_str(), "label": t.tool.label(), "installed": t.installed,
        "version": t.version, "program": t.program, "connected": t.connected,
        "needsReconnect": t.needs_reconnect, "pointsAt": t.points_at,
        "configFiles": t.config_files, "model": t.model, "tokenName": t.token_name,
        "requestsToday": t.requests_today, "costTodayUsd": t.cost_today_usd,
        "statusline": t.statusline,
    })
}
