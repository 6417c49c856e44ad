//! opencode's SQLite database (`$XDG_DATA_HOME/opencode/opencode.db`, WAL mode; opened read-only
//! through SQLite, so rows still in the WAL are seen). Assistant `message` rows are updated in
//! place: read those updated since the cursor, counted once `time.completed` is set, keyed by the
//! message id. opencode already splits cache reads/writes out of its input and reasoning out of
//! its output; a message of several steps overwrites its tokens with the last step's, so the
//! `step-finish` parts are summed when there are any. The `event` table (a copy) is not read.

use crate::skip::Skip;
use crate::{bound, Record, Tool};
use rusqlite::{Connection, OpenFlags};
use serde::Deserialize;
use std::path::Path;
use std::time::Duration;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Data {
    role: String,
    #[serde(rename = "modelID")]
    model_id: String,
    #[serde(rename = "providerID")]
    provider_id: String,
    tokens: Tokens,
    time: Times,
    path: Paths,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(default)]
pub(crate) struct Tokens {
    input: u64,
    output: u64,
    reasoning: u64,
    cache: Cache,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(default)]
struct Cache {
    read: u64,
    write: u64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Times {
    completed: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Paths {
    cwd: Option<String>,
}

#[derive(Deserialize)]
struct Part {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    tokens: Option<Tokens>,
}

/// What one read of the database found: records, skipped rows, and the new cursor (the latest
/// `time_updated` read).
pub(crate) struct Read {
    pub records: Vec<Record>,
    pub skipped: Vec<Skip>,
    pub cursor: i64,
}

pub(crate) fn read(db: &Path, tool: Tool, since: i64, limit: u32) -> Result<Read, String> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let c = Connection::open_with_flags(db, flags).map_err(|e| e.to_string())?;
    c.busy_timeout(Duration::from_secs(2))
        .map_err(|e| e.to_string())?;
    let mut rows = c
        .prepare(
            "SELECT id, session_id, time_updated, data FROM message
             WHERE time_updated >= ?1 ORDER BY time_updated LIMIT ?2",
        )
        .map_err(|e| format!("not an opencode database this version knows: {e}"))?;
    let mut parts = c
        .prepare("SELECT data FROM part WHERE message_id = ?1")
        .ok();
    let mut out = Read {
        records: Vec::new(),
        skipped: Vec::new(),
        cursor: since,
    };
    let found = rows
        .query_map(rusqlite::params![since, limit], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .map_err(|e| e.to_string())?;
    for row in found {
        let (id, session, updated, data) = row.map_err(|e| e.to_string())?;
        out.cursor = out.cursor.max(updated);
        let mut steps_of = || -> Vec<Tokens> {
            parts
                .as_mut()
                .and_then(|p| {
                    let steps = p
                        .query_map([&id], |r| r.get::<_, String>(0))
                        .ok()?
                        .filter_map(Result::ok)
                        .filter_map(|d| step(&d))
                        .collect();
                    Some(steps)
                })
                .unwrap_or_default()
        };
        match message(tool, &id, session, &data, &mut steps_of) {
            Ok(Some(r)) => out.records.push(r),
            Ok(None) => {}
            Err(s) => out.skipped.push(s),
        }
    }
    Ok(out)
}

/// The tokens of a `part` row (`data` its JSON) that is a step's end.
pub(crate) fn step(data: &str) -> Option<Tokens> {
    serde_json::from_str::<Part>(data)
        .ok()
        .filter(|p| p.kind == "step-finish")
        .and_then(|p| p.tokens)
}

/// The record of one `message` row (`data` its JSON), `Ok(None)` while it is not a completed
/// assistant answer; `steps` gives its parts' [`step`]s, asked only for such an answer.
pub(crate) fn message(
    tool: Tool,
    id: &str,
    session: String,
    data: &str,
    steps: &mut dyn FnMut() -> Vec<Tokens>,
) -> Result<Option<Record>, Skip> {
    let d = serde_json::from_str::<Data>(data).map_err(|_| Skip::Corrupt)?;
    let Some(done) = d.time.completed.filter(|_| d.role == "assistant") else {
        return Ok(None);
    };
    let steps = steps();
    let t = if steps.is_empty() {
        d.tokens
    } else {
        let mut sum = Tokens::default();
        for s in &steps {
            sum = Tokens {
                input: bound::add(sum.input, s.input)?,
                output: bound::add(sum.output, s.output)?,
                reasoning: bound::add(sum.reasoning, s.reasoning)?,
                cache: Cache {
                    read: bound::add(sum.cache.read, s.cache.read)?,
                    write: bound::add(sum.cache.write, s.cache.write)?,
                },
            };
        }
        sum
    };
    Ok(Some(Record {
        key: format!("{}:{id}", tool.name()),
        tool: Some(tool),
        at_ms: done,
        model: d.model_id,
        provider: (!d.provider_id.is_empty()).then_some(d.provider_id),
        project: d.path.cwd,
        session: Some(session),
        input_tokens: t.input,
        output_tokens: bound::add(t.output, t.reasoning)?,
        cache_read_tokens: t.cache.read,
        cache_write_5m_tokens: t.cache.write,
        reasoning_tokens: t.reasoning,
        ..Record::default()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(dir: &Path) -> std::path::PathBuf {
        let p = dir.join("opencode.db");
        let c = Connection::open(&p).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT, time_created INTEGER, time_updated INTEGER, data TEXT);
             CREATE TABLE part (id TEXT PRIMARY KEY, message_id TEXT, session_id TEXT, time_created INTEGER, time_updated INTEGER, data TEXT);",
        )
        .unwrap();
        let one = r#"{"role":"assistant","modelID":"claude-sonnet-4-5","providerID":"anthropic","path":{"cwd":"/home/u/p","root":"/home/u/p"},"cost":0.01,"tokens":{"total":1050,"input":400,"output":30,"reasoning":20,"cache":{"read":600,"write":0}},"time":{"created":1795606903018,"completed":1795606903801},"finish":"stop"}"#;
        let open = r#"{"role":"assistant","modelID":"m","providerID":"openai","tokens":{"input":5},"time":{"created":1795606903018}}"#;
        let steps = r#"{"role":"assistant","modelID":"gpt-5","providerID":"openai","tokens":{"input":7,"output":1,"reasoning":0,"cache":{"read":0,"write":0}},"time":{"created":1,"completed":1795606904000}}"#;
        for (id, t, d) in [
            ("a", 10, one),
            ("b", 11, open),
            ("c", 12, steps),
            ("d", 13, "{oops"),
        ] {
            c.execute(
                "INSERT INTO message VALUES (?1, 's1', 1, ?2, ?3)",
                rusqlite::params![id, t, d],
            )
            .unwrap();
        }
        for (pid, d) in [
            (
                "p1",
                r#"{"type":"step-finish","tokens":{"input":3,"output":2,"reasoning":1,"cache":{"read":4,"write":5}},"cost":0}"#,
            ),
            (
                "p2",
                r#"{"type":"step-finish","tokens":{"input":7,"output":1,"reasoning":0,"cache":{"read":0,"write":0}},"cost":0}"#,
            ),
            ("p3", r#"{"type":"text","text":"hi"}"#),
        ] {
            c.execute(
                "INSERT INTO part VALUES (?1, 'c', 's1', 1, 1, ?2)",
                rusqlite::params![pid, d],
            )
            .unwrap();
        }
        p
    }

    #[test]
    fn completed_assistant_messages_are_records_and_steps_are_summed() {
        let dir = tempfile::tempdir().unwrap();
        let p = db(dir.path());
        let r = read(&p, Tool::Opencode, 0, 100).unwrap();
        assert_eq!(r.cursor, 13);
        assert_eq!(r.skipped, [Skip::Corrupt]);
        let keys: Vec<&str> = r.records.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(
            keys,
            ["opencode:a", "opencode:c"],
            "the unfinished one waits"
        );
        let a = &r.records[0];
        assert_eq!(
            (
                a.input_tokens,
                a.output_tokens,
                a.reasoning_tokens,
                a.cache_read_tokens
            ),
            (400, 50, 20, 600)
        );
        assert_eq!(a.provider.as_deref(), Some("anthropic"));
        assert_eq!(a.project.as_deref(), Some("/home/u/p"));
        let c = &r.records[1];
        assert_eq!(
            (
                c.input_tokens,
                c.output_tokens,
                c.cache_read_tokens,
                c.cache_write_5m_tokens
            ),
            (10, 4, 4, 5)
        );
        // Read again from the cursor: only rows updated since.
        assert_eq!(read(&p, Tool::Opencode, 13, 100).unwrap().records.len(), 0);
    }
}
