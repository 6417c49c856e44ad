//! One import pass over every tool's records, from where the last pass stopped.

use crate::agents::{self, droid};
pub use crate::sink::{Cursor, Sink};
use crate::skip::Skip;
use crate::tail::{read_lines, stamp, Line, Stamp, IN_MEMORY};
use crate::{bound, claude, codex, files, gemini, opencode, packed};
use crate::{PlanWindow, Record, Sources, Tool};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Records handed to the sink at a time.
const BATCH: usize = 2000;
/// The cursor names of opencode's and Kilo's databases (their `time_updated` in `offset`).
const OPENCODE: &str = "opencode.db";
const KILO: &str = "kilo.db";

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub files_read: u64,
    /// Files whose size, time and identity had not changed: not opened.
    pub files_unchanged: u64,
    pub bytes_read: u64,
    pub records: u64,
    /// Lines (or rows) not counted, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// The files those lines are in, by reason (opencode's: its database).
    pub skipped_in: BTreeMap<String, BTreeSet<String>>,
    /// Files or folders that could not be read, with why.
    pub errors: Vec<String>,
}

impl Report {
    fn skip(&mut self, reason: &str, file: &Path) {
        *self.skipped.entry(reason.to_string()).or_insert(0) += 1;
        let files = self.skipped_in.entry(reason.to_string()).or_default();
        let file = file.to_string_lossy();
        if !files.contains(file.as_ref()) {
            files.insert(file.into_owned());
        }
    }
}

/// What a line gave, checked against the sanity bound: the one place every tool's records
/// pass before they are counted.
pub(crate) fn bounded(found: Result<Option<Record>, Skip>) -> Result<Option<Record>, Skip> {
    found?.map(bound::check).transpose()
}

/// Reads what is new in every source; `cursors` by path, as the sink kept them.
pub fn import(sources: &Sources, cursors: &HashMap<String, Cursor>, sink: &mut dyn Sink) -> Report {
    let bounds = Bounds {
        hold: IN_MEMORY,
        unpacked: packed::MAX_UNPACKED,
    };
    import_bounded(sources, cursors, sink, bounds)
}

/// What one file's read may hold and read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    /// The longest line held in memory (longer ones are parsed as they are read).
    pub hold: usize,
    /// The most a compressed file is read to, decompressed.
    pub unpacked: u64,
}

/// [`import`] under `bounds` (tests give smaller ones).
pub(crate) fn import_bounded(
    sources: &Sources,
    cursors: &HashMap<String, Cursor>,
    sink: &mut dyn Sink,
    bounds: Bounds,
) -> Report {
    // Each record's project is its folder's repository.
    let mut rooted = crate::project::Rooted {
        inner: sink,
        roots: HashMap::new(),
    };
    let sink: &mut dyn Sink = &mut rooted;
    let mut report = Report::default();
    let mut jsonl: Vec<(Tool, PathBuf, Option<String>)> = Vec::new();
    let walk = |tool: Tool, root: &Path, report: &mut Report| {
        let found = match tool {
            // Codex compresses a rollout idle for a week (`….jsonl.zst`).
            Tool::Codex => files::files_under(root, &["jsonl", "jsonl.zst"]),
            _ => files::jsonl_under(root),
        };
        for (dir, why) in found.refused {
            report.errors.push(format!("{}: {why}", dir.display()));
        }
        found
            .files
            .into_iter()
            .map(move |f| (tool, f))
            .collect::<Vec<_>>()
    };
    for root in &sources.claude {
        jsonl.extend(
            walk(Tool::ClaudeCode, root, &mut report)
                .into_iter()
                .map(|(t, f)| (t, f, None)),
        );
    }
    for root in &sources.codex {
        jsonl.extend(
            walk(Tool::Codex, root, &mut report)
                .into_iter()
                .map(|(t, f)| (t, f, None)),
        );
    }
    let projects = gemini_projects(&sources.gemini);
    for (t, f) in walk(Tool::GeminiCli, &sources.gemini, &mut report) {
        // …/tmp/<project>/chats/…: the project's path from projects.json, else its name.
        let slug = f
            .strip_prefix(&sources.gemini)
            .ok()
            .and_then(|r| r.iter().next())
            .map(|s| s.to_string_lossy().into_owned());
        let project = slug.map(|s| projects.get(&s).cloned().unwrap_or(s));
        jsonl.push((t, f, project));
    }
    let agents = [
        (Tool::CopilotCli, &sources.copilot, "jsonl"),
        (Tool::QwenCode, &sources.qwen, "jsonl"),
        (Tool::Pi, &sources.pi, "jsonl"),
        (Tool::Droid, &sources.factory.join("logs"), "log"),
    ];
    for (tool, root, ext) in agents {
        let found = files::files_under(root, &[ext]);
        for (dir, why) in found.refused {
            report.errors.push(format!("{}: {why}", dir.display()));
        }
        jsonl.extend(found.files.into_iter().map(|f| (tool, f, None)));
    }
    // Droid's sessions' folders and custom models, read once when one of its logs changed.
    let mut known: Option<droid::Known> = None;
    for (tool, path, project) in jsonl {
        let key = path.to_string_lossy().into_owned();
        let last = cursors.get(&key);
        if tool == Tool::Droid && known.is_none() && !unchanged(&path, last) {
            known = Some(droid::known(&sources.factory));
        }
        let file = File {
            tool,
            path: &path,
            project: project.as_deref(),
            bounds,
            known: known.as_ref(),
        };
        if let Err(e) = one_file(&file, last, sink, &mut report) {
            report.errors.push(format!("{}: {e}", path.display()));
        }
    }
    for (tool, db, name) in [
        (Tool::Opencode, &sources.opencode, OPENCODE),
        (Tool::Kilo, &sources.kilo, KILO),
    ] {
        if db.is_file() {
            if let Err(e) = database(tool, db, name, cursors.get(name), sink, &mut report) {
                report.errors.push(format!("{}: {e}", db.display()));
            }
        }
    }
    report
}

/// Per-file parser state.
#[derive(Default, Serialize, Deserialize)]
struct State {
    #[serde(default)]
    codex: codex::State,
    #[serde(default)]
    gemini: gemini::State,
    #[serde(default, skip_serializing_if = "is_default")]
    copilot: agents::copilot::State,
    #[serde(default, skip_serializing_if = "is_default")]
    pi: agents::pi::State,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// Whether `path` is as the last pass left it (size, time and identity).
fn unchanged(path: &Path, last: Option<&Cursor>) -> bool {
    let seen = last.map(|c| Stamp {
        size: c.size,
        mtime_ms: c.mtime_ms,
        id: c.file_id,
    });
    stamp(path).is_ok_and(|now| seen == Some(now))
}

/// A JSON Lines file to read, and how.
struct File<'a> {
    tool: Tool,
    path: &'a Path,
    /// Gemini CLI's project.
    project: Option<&'a str>,
    bounds: Bounds,
    /// What Droid's other files say (Droid's logs only).
    known: Option<&'a droid::Known>,
}

fn one_file(
    file: &File<'_>,
    last: Option<&Cursor>,
    sink: &mut dyn Sink,
    report: &mut Report,
) -> Result<(), String> {
    let File {
        tool,
        path,
        project,
        bounds,
        known,
    } = *file;
    let now = stamp(path).map_err(|e| e.to_string())?;
    let seen = last.map(|c| Stamp {
        size: c.size,
        mtime_ms: c.mtime_ms,
        id: c.file_id,
    });
    if seen == Some(now) {
        report.files_unchanged += 1;
        return Ok(());
    }
    // Shorter than where we were, or another file under this name: read it all again. A
    // compressed file is read whole each time it changed (its records keyed as they were).
    let packed = packed::is_packed(path);
    let resume = last.filter(|c| !packed && c.offset <= now.size && c.file_id == now.id);
    let (offset, mut state) = match resume {
        Some(c) => (
            c.offset,
            serde_json::from_str::<State>(&c.state).unwrap_or_default(),
        ),
        None => (0, State::default()),
    };
    report.files_read += 1;
    let mut batch: Vec<Record> = Vec::new();
    let mut windows: Vec<PlanWindow> = Vec::new();
    let mut failed: Option<String> = None;
    let mut each = |l: Line<'_>| -> bool {
        let mut codex = |found: Result<codex::Found, Skip>| {
            found.map(|f| {
                windows.extend(f.windows);
                f.record
            })
        };
        // A line over the in-memory cap is parsed as it is read from the file: the same result.
        let mut parse = |l: Line<'_>| match (tool, l) {
            (Tool::Opencode | Tool::Kilo, _) => Ok(None),
            (Tool::CopilotCli, l) => agents::copilot::line(l.into(), &mut state.copilot),
            (Tool::QwenCode, l) => agents::qwen::line(l.into()),
            (Tool::Pi, l) => agents::pi::line(l.into(), &mut state.pi),
            (Tool::Droid, l) => droid::line(l.into(), known.unwrap_or(&droid::Known::default())),
            (Tool::ClaudeCode, Line::Complete(b)) => claude::line(b),
            (Tool::ClaudeCode, Line::Large(r)) => claude::line_from(r),
            (Tool::Codex, Line::Complete(b)) => codex(codex::line(b, &mut state.codex)),
            (Tool::Codex, Line::Large(r)) => codex(codex::line_from(r, &mut state.codex)),
            (Tool::GeminiCli, Line::Complete(b)) => gemini::line(b, &mut state.gemini, project),
            (Tool::GeminiCli, Line::Large(r)) => gemini::line_from(r, &mut state.gemini, project),
        };
        // A stray byte that is not UTF-8 (in a path, an id) is read as U+FFFD: the line counts.
        // A line in memory is checked only when its parse failed (most lines are UTF-8); a line
        // read from the file is decoded as it is read.
        let found = match l {
            Line::Complete(b) => match parse(Line::Complete(b)) {
                Err(Skip::Corrupt) if std::str::from_utf8(b).is_err() => {
                    parse(Line::Complete(&crate::lossy::line(b)))
                }
                found => found,
            },
            Line::Large(r) => parse(Line::Large(&mut crate::lossy::Lossy::new(r))),
        };
        match bounded(found) {
            Ok(Some(r)) => batch.push(r),
            Ok(None) => {}
            Err(s) => report.skip(s.reason(), path),
        }
        if batch.len() >= BATCH {
            report.records += batch.len() as u64;
            if let Err(e) = sink.records(&mut batch) {
                failed = Some(e);
                return false;
            }
            batch.clear();
        }
        true
    };
    let end = if packed {
        let read = packed::read_lines(path, bounds.hold, bounds.unpacked, &mut each);
        let read = read.map_err(|e| format!("cannot decompress it: {e}"))?;
        if read.over_cap {
            let mib = bounds.unpacked >> 20;
            let why = format!("over {mib} MiB once decompressed: only the first {mib} MiB read");
            report.errors.push(format!("{}: {why}", path.display()));
        }
        read.end
    } else {
        read_lines(path, offset, bounds.hold, &mut each).map_err(|e| e.to_string())?
    };
    if let Some(e) = failed {
        return Err(e);
    }
    report.records += batch.len() as u64;
    report.bytes_read += end.saturating_sub(offset);
    sink.records(&mut batch)?;
    if let Some(latest) = latest_windows(windows) {
        sink.windows(&latest)?;
    }
    sink.cursor(&Cursor {
        path: path.to_string_lossy().into_owned(),
        tool: Some(tool),
        offset: end,
        size: now.size,
        mtime_ms: now.mtime_ms,
        file_id: now.id,
        state: serde_json::to_string(&state).unwrap_or_default(),
    })
}

/// The last report of each window.
fn latest_windows(all: Vec<PlanWindow>) -> Option<Vec<PlanWindow>> {
    let mut by: BTreeMap<(Tool, String), PlanWindow> = BTreeMap::new();
    for w in all {
        let k = (w.tool, w.name.clone());
        if by.get(&k).is_none_or(|o| o.seen_at_ms <= w.seen_at_ms) {
            by.insert(k, w);
        }
    }
    (!by.is_empty()).then(|| by.into_values().collect())
}

/// opencode's database, or Kilo's (opencode's format).
fn database(
    tool: Tool,
    db: &Path,
    name: &str,
    last: Option<&Cursor>,
    sink: &mut dyn Sink,
    report: &mut Report,
) -> Result<(), String> {
    let mut since = last.map_or(0, |c| i64::try_from(c.offset).unwrap_or(i64::MAX));
    loop {
        let read = opencode::read(db, tool, since, 5000)?;
        report.files_read += 1;
        let rows = read.records.len() + read.skipped.len();
        let mut records = Vec::with_capacity(read.records.len());
        let checked = read.records.into_iter().map(|r| bounded(Ok(Some(r))));
        for found in read.skipped.into_iter().map(Err).chain(checked) {
            match found {
                Ok(Some(r)) => records.push(r),
                Ok(None) => {}
                Err(s) => report.skip(s.reason(), db),
            }
        }
        report.records += records.len() as u64;
        sink.records(&mut records)?;
        let more = read.cursor > since && rows >= 5000;
        since = read.cursor;
        if !more {
            break;
        }
    }
    sink.cursor(&Cursor {
        path: name.into(),
        tool: Some(tool),
        offset: u64::try_from(since).unwrap_or(0),
        ..Cursor::default()
    })
}

/// Gemini CLI's `projects.json` (`{"projects": {"/abs/path": "slug"}}`), by slug.
fn gemini_projects(tmp: &Path) -> HashMap<String, String> {
    let Some(file) = tmp.parent().map(|g| g.join("projects.json")) else {
        return HashMap::new();
    };
    let Ok(text) = std::fs::read_to_string(file) else {
        return HashMap::new();
    };
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    v.get("projects")
        .and_then(|p| p.as_object())
        .map(|m| {
            m.iter()
                .filter_map(|(path, slug)| Some((slug.as_str()?.to_string(), path.clone())))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
