use super::*;
use std::io::Write;

/// Keeps records by key (the larger output wins, as the store's upsert) and the cursors.
#[derive(Default)]
struct Memory {
    records: BTreeMap<String, Record>,
    windows: Vec<PlanWindow>,
    cursors: HashMap<String, Cursor>,
}

impl Sink for Memory {
    fn records(&mut self, batch: &mut [Record]) -> Result<(), String> {
        for r in batch {
            let keep = self
                .records
                .get(&r.key)
                .is_none_or(|old| r.output_tokens >= old.output_tokens);
            if keep {
                self.records.insert(r.key.clone(), r.clone());
            }
        }
        Ok(())
    }
    fn windows(&mut self, w: &[PlanWindow]) -> Result<(), String> {
        self.windows.extend_from_slice(w);
        Ok(())
    }
    fn cursor(&mut self, c: &Cursor) -> Result<(), String> {
        self.cursors.insert(c.path.clone(), c.clone());
        Ok(())
    }
}

/// The bounds of [`import`], holding lines of up to `hold` bytes.
fn holding(hold: usize) -> Bounds {
    Bounds {
        hold,
        unpacked: packed::MAX_UNPACKED,
    }
}

fn claude_line(msg: &str, req: &str, out: u64) -> String {
    format!(
        r#"{{"type":"assistant","sessionId":"s1","cwd":"/p","timestamp":"2026-11-25T11:30:34.304Z","requestId":"{req}","message":{{"id":"{msg}","model":"claude-sonnet-4-5","usage":{{"input_tokens":10,"output_tokens":{out},"cache_read_input_tokens":0,"cache_creation_input_tokens":0}}}}}}"#
    )
}

struct Setup {
    _dir: tempfile::TempDir,
    sources: Sources,
    claude: PathBuf,
}

/// Finishes the unfinished `msg_2` line (the first 40 bytes of it were written) and appends
/// `msg_3`, that one ending in `eol`.
fn finish_and_append(path: &std::path::Path, eol: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    let whole = claude_line("msg_2", "req_2", 5);
    write!(
        f,
        "{}\n{}{eol}",
        &whole[40..],
        claude_line("msg_3", "req_3", 7)
    )
    .unwrap();
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().to_path_buf();
    let sources = Sources::from_env(&home, &|_| None);
    let proj = home.join(".claude/projects/-p");
    std::fs::create_dir_all(&proj).unwrap();
    let claude = proj.join("s1.jsonl");
    // Two blocks of one answer (the first with an unfinished count), a user line, an unfinished line.
    let text = format!(
        "{}\n{}\n{}\n{}",
        claude_line("msg_1", "req_1", 1),
        claude_line("msg_1", "req_1", 42),
        r#"{"type":"user","message":{"content":"hi"}}"#,
        &claude_line("msg_2", "req_2", 5)[..40]
    );
    std::fs::write(&claude, text).unwrap();
    let codex = home.join(".codex/sessions/2026/11/25");
    std::fs::create_dir_all(&codex).unwrap();
    std::fs::write(
        codex.join("rollout-2026-11-25T11-43-49-01a2.jsonl"),
        [
            r#"{"timestamp":"2026-11-25T11:43:49.000Z","type":"session_meta","payload":{"id":"01a2","cwd":"/q"}}"#,
            r#"{"timestamp":"2026-11-25T11:43:50.000Z","type":"turn_context","payload":{"model":"gpt-5-codex"}}"#,
            r#"{"timestamp":"2026-11-25T11:43:52.500Z","type":"token_usage_record","payload":{"session_id":"01a2","response_id":"resp_1","usage":{"input_tokens":100,"cached_input_tokens":60,"output_tokens":5,"reasoning_output_tokens":2,"total_tokens":105}}}"#,
            r#"{"timestamp":"2026-11-25T11:43:52.600Z","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{"primary":{"used_percent":40.0,"window_minutes":300,"resets_at":1795620000}}}}"#,
            "not json at all",
            "",
        ]
        .join("\n"),
    )
    .unwrap();
    let chats = home.join(".gemini/tmp/proj/chats");
    std::fs::create_dir_all(&chats).unwrap();
    std::fs::write(
        home.join(".gemini/projects.json"),
        r#"{"projects":{"/home/u/proj":"proj"}}"#,
    )
    .unwrap();
    std::fs::write(
        chats.join("session-2026-11-25T11-41-6a5e.jsonl"),
        [
            r#"{"sessionId":"6a5e","kind":"main"}"#,
            r#"{"id":"m1","timestamp":"2026-11-25T11:41:14.693Z","type":"gemini","content":"","model":"gemini-2.5-flash"}"#,
            r#"{"id":"m1","timestamp":"2026-11-25T11:41:14.693Z","type":"gemini","content":"hi","tokens":{"input":10,"output":3,"cached":0,"thoughts":1},"model":"gemini-2.5-flash"}"#,
            "",
        ]
        .join("\n"),
    )
    .unwrap();
    Setup {
        _dir: dir,
        sources,
        claude,
    }
}

#[test]
fn a_pass_reads_each_tool_once_and_the_next_reads_only_what_is_new() {
    let s = setup();
    let mut m = Memory::default();
    let r = import(&s.sources, &m.cursors.clone(), &mut m);
    assert_eq!(r.errors, Vec::<String>::new());
    let keys: Vec<&str> = m.records.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "claude-code:msg_1:req_1",
            "codex:resp_1",
            "gemini-cli:6a5e:m1"
        ]
    );
    assert_eq!(
        m.records["claude-code:msg_1:req_1"].output_tokens, 42,
        "the final count kept"
    );
    assert_eq!(
        m.records["gemini-cli:6a5e:m1"].project.as_deref(),
        Some("/home/u/proj")
    );
    assert_eq!(m.records["codex:resp_1"].model, "gpt-5-codex");
    assert_eq!(r.skipped.get("corrupt line"), Some(&1));
    assert_eq!(m.windows.len(), 1);
    assert_eq!(m.windows[0].used_percent, 40.0);

    // Nothing changed: no file is opened.
    let again = import(&s.sources, &m.cursors.clone(), &mut m);
    assert_eq!(
        (again.files_read, again.files_unchanged, again.bytes_read),
        (0, 3, 0)
    );

    // The unfinished line is finished and one more appended: only those are read.
    finish_and_append(&s.claude, "\n");
    let r = import(&s.sources, &m.cursors.clone(), &mut m);
    assert_eq!((r.files_read, r.records), (1, 2));
    assert_eq!(m.records.len(), 5);
}

#[test]
fn a_file_that_shrank_is_read_again_from_the_start() {
    let s = setup();
    let mut m = Memory::default();
    import(&s.sources, &m.cursors.clone(), &mut m);
    // Claude Code rewrites a transcript's tail when it drops a message: shorter now.
    std::fs::write(&s.claude, format!("{}\n", claude_line("msg_9", "req_9", 3))).unwrap();
    let r = import(&s.sources, &m.cursors.clone(), &mut m);
    assert_eq!(r.records, 1);
    assert!(m.records.contains_key("claude-code:msg_9:req_9"));
}

#[test]
fn a_file_that_vanishes_is_an_error_of_that_file_only() {
    let s = setup();
    let mut m = Memory::default();
    let mut sources = s.sources.clone();
    sources.claude.push(PathBuf::from("/nonexistent/projects"));
    std::fs::remove_file(&s.claude).unwrap();
    let r = import(&sources, &HashMap::new(), &mut m);
    assert!(
        r.errors.is_empty(),
        "an absent folder is no error: {:?}",
        r.errors
    );
    assert_eq!(m.records.len(), 2);
}

/// Issue 53, finding 8: a count of 2^63 fits a u64 but not the store's integers (it was kept
/// capped, and every sum overflowed). Over the bound, the line is corrupt, named with its file.
#[test]
fn a_count_over_the_bound_is_a_corrupt_line_of_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let sources = Sources::from_env(dir.path(), &|_| None);
    let proj = dir.path().join(".claude/projects/-p");
    std::fs::create_dir_all(&proj).unwrap();
    let claude = proj.join("s1.jsonl");
    let absurd = claude_line("msg_9", "req_9", 1 << 63);
    let text = format!("{absurd}\n{}\n", claude_line("msg_8", "req_8", 5));
    std::fs::write(&claude, text).unwrap();
    let mut sink = Memory::default();
    let report = import(&sources, &HashMap::new(), &mut sink);
    assert_eq!(report.skipped.get("corrupt line"), Some(&1), "{report:?}");
    let file = claude.to_string_lossy().into_owned();
    assert!(
        report.skipped_in["corrupt line"].contains(&file),
        "the report names the file: {report:?}"
    );
    let keys: Vec<&String> = sink.records.keys().collect();
    assert_eq!(
        keys,
        ["claude-code:msg_8:req_8"],
        "only the real answer is kept"
    );
}

/// Every line of the fixtures read from the file as it is read (none held in memory) gives the
/// same records, windows, cursors and report as read whole, in a first pass and the next.
#[test]
fn lines_read_from_the_file_give_what_they_give_held() {
    let s = setup();
    let (mut held, mut streamed) = (Memory::default(), Memory::default());
    let pass = |held: &mut Memory, streamed: &mut Memory| {
        let a = import(&s.sources, &held.cursors.clone(), held);
        let b = import_bounded(&s.sources, &streamed.cursors.clone(), streamed, holding(0));
        assert_eq!(a, b);
        assert_eq!(held.records, streamed.records);
        assert_eq!(held.windows, streamed.windows);
        assert_eq!(held.cursors, streamed.cursors);
    };
    pass(&mut held, &mut streamed);
    finish_and_append(&s.claude, "\r\n");
    pass(&mut held, &mut streamed);
    assert_eq!(held.records.len(), 5);
}

/// Issue 56: a line over 64 MiB was skipped (its tokens lost), and a byte that is not UTF-8 in
/// `cwd` or `message.id` dropped the whole line. Both now count, held or streamed.
#[test]
fn a_huge_line_and_a_line_with_stray_bytes_both_count() {
    let dir = tempfile::tempdir().unwrap();
    let sources = Sources::from_env(dir.path(), &|_| None);
    let proj = dir.path().join(".claude/projects/-p");
    std::fs::create_dir_all(&proj).unwrap();
    // 65 MiB of tool output before the usage: streamed from the file (it is over 1 MiB).
    let pad = "x".repeat(65 << 20);
    let huge = claude_line("msg_big", "req_big", 3).replacen(
        '{',
        &format!(r#"{{"toolUseResult":"{pad}","#),
        1,
    );
    std::fs::write(proj.join("big.jsonl"), format!("{huge}\n")).unwrap();
    // A Latin-1 "é" (0xE9) where UTF-8 was expected, in the message id and in cwd.
    let stray: Vec<u8> = claude_line("msg_#", "req_s", 4)
        .replace("/p", "/p#")
        .bytes()
        .map(|b| if b == b'#' { 0xE9 } else { b })
        .chain([b'\n'])
        .collect();
    std::fs::write(proj.join("stray.jsonl"), stray).unwrap();
    for hold in [crate::tail::IN_MEMORY, 0] {
        let mut sink = Memory::default();
        let report = import_bounded(&sources, &HashMap::new(), &mut sink, holding(hold));
        assert!(report.skipped.is_empty(), "hold {hold}: {report:?}");
        let r = &sink.records["claude-code:msg_\u{FFFD}:req_s"];
        assert_eq!(
            (r.output_tokens, r.project.as_deref()),
            (4, Some("/p\u{FFFD}"))
        );
        if hold > 0 {
            assert_eq!(sink.records["claude-code:msg_big:req_big"].output_tokens, 3);
            // The huge line is streamed either way: once is enough.
            std::fs::remove_file(proj.join("big.jsonl")).unwrap();
        }
    }
}

#[path = "import_packed_tests.rs"]
mod packed_import;
