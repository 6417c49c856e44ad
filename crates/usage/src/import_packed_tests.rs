//! Codex's compressed rollouts through the whole import: the same records as the plain file,
//! held or streamed; a file over the decompressed cap named, what came before it counted, and
//! not read again until it changes.
use super::*;

/// The setup's Codex rollout, compressed beside where it was (the plain one removed).
fn pack_the_rollout(s: &Setup) -> PathBuf {
    let dir = s.sources.codex[0].join("2026/11/25");
    let plain = dir.join("rollout-2026-11-25T11-43-49-01a2.jsonl");
    let text = std::fs::read(&plain).unwrap();
    std::fs::remove_file(&plain).unwrap();
    crate::packed::tests::pack(&dir, "rollout-2026-11-25T11-43-49-01a2.jsonl.zst", &text)
}

fn codex_only(m: &Memory) -> Vec<(&String, &Record)> {
    m.records
        .iter()
        .filter(|(k, _)| k.starts_with("codex:"))
        .collect()
}

#[test]
fn a_compressed_rollout_gives_what_the_plain_one_gave_held_or_streamed() {
    let s = setup();
    let mut plain = Memory::default();
    import(&s.sources, &HashMap::new(), &mut plain);
    assert_eq!(codex_only(&plain).len(), 1, "the fixture's one answer");
    let packed = pack_the_rollout(&s);
    for hold in [crate::tail::IN_MEMORY, 0] {
        let mut m = Memory::default();
        let report = import_bounded(&s.sources, &HashMap::new(), &mut m, holding(hold));
        assert_eq!(codex_only(&m), codex_only(&plain), "hold {hold}");
        assert_eq!(
            m.windows, plain.windows,
            "hold {hold}: the plan's window too"
        );
        assert!(report.errors.is_empty(), "hold {hold}: {report:?}");
        assert_eq!(
            report.skipped_in["corrupt line"].len(),
            1,
            "its one broken line, in the compressed file: {report:?}"
        );
        let c = &m.cursors[&*packed.to_string_lossy()];
        assert_eq!(c.tool, Some(Tool::Codex));
        // Unchanged, it is not read again.
        let again = import_bounded(&s.sources, &m.cursors.clone(), &mut m, holding(hold));
        assert_eq!(again.records, 0);
        assert!(again.files_unchanged >= 1, "{again:?}");
    }
}

#[test]
fn a_file_over_the_decompressed_cap_is_named_its_first_part_counted_and_not_read_again() {
    let s = setup();
    let dir = s.sources.codex[1].join("2026/11/18");
    std::fs::create_dir_all(&dir).unwrap();
    let answer = r#"{"timestamp":"2026-11-18T11:43:52.500Z","type":"token_usage_record","payload":{"session_id":"0b","response_id":"resp_b","usage":{"input_tokens":7,"output_tokens":2,"total_tokens":9}}}"#;
    // One answer, then 64 MiB of a line without end.
    let mut text = format!("{answer}\n").into_bytes();
    text.extend(std::iter::repeat_n(b'x', 64 << 20));
    let big = crate::packed::tests::pack(&dir, "rollout-2026-11-18T00-00-00-0b.jsonl.zst", &text);
    let bounds = Bounds {
        hold: crate::tail::IN_MEMORY,
        unpacked: 8 << 20,
    };
    let mut m = Memory::default();
    let report = import_bounded(&s.sources, &HashMap::new(), &mut m, bounds);
    assert_eq!(
        m.records["codex:resp_b"].output_tokens, 2,
        "what came first"
    );
    let named = report.errors.iter().any(|e| {
        e.contains("rollout-2026-11-18T00-00-00-0b.jsonl.zst") && e.contains("over 8 MiB")
    });
    assert!(named, "the file is named, with why: {report:?}");
    let again = import_bounded(&s.sources, &m.cursors.clone(), &mut m, bounds);
    assert!(again.errors.is_empty(), "not read again: {again:?}");
    assert!(m.cursors.contains_key(&*big.to_string_lossy()));
}
