//! The newer agents' records from real runs (`tests/fixtures/usage/`), laid out where each tool
//! keeps them, read by a real import: every model call found once, with the provider's id (or
//! the gateway's request id) the ledger rows of the same runs hold, the hidden Qwen Code call
//! included, the folder and session, and whether it was the user's own provider.

use crate::{import, Cursor, PlanWindow, Record, Sink, Sources, Tool};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

#[path = "../../tests/common/opencode_db.rs"]
mod opencode_db;

#[derive(Default)]
struct Memory {
    records: BTreeMap<String, Record>,
    cursors: HashMap<String, Cursor>,
}

impl Sink for Memory {
    fn records(&mut self, batch: &mut [Record]) -> Result<(), String> {
        for r in batch {
            self.records.insert(r.key.clone(), r.clone());
        }
        Ok(())
    }
    fn windows(&mut self, _: &[PlanWindow]) -> Result<(), String> {
        Ok(())
    }
    fn cursor(&mut self, c: &Cursor) -> Result<(), String> {
        self.cursors.insert(c.path.clone(), c.clone());
        Ok(())
    }
}

fn fixture(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/usage")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn put(home: &Path, rel: &str, bytes: &[u8]) {
    let p: PathBuf = home.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// Imports `home` twice (the second pass finds nothing new); the records of `tool`.
fn records_of(home: &Path, tool: Tool) -> Vec<Record> {
    let sources = Sources::from_env(home, &|_| None);
    let mut sink = Memory::default();
    let report = import(&sources, &HashMap::new(), &mut sink);
    assert!(
        report.skipped.is_empty() && report.errors.is_empty(),
        "{report:?}"
    );
    let n = sink.records.len();
    // (A database is read again from its last update time: the same rows, upserted.)
    import(&sources, &sink.cursors.clone(), &mut sink);
    assert_eq!(sink.records.len(), n, "a second pass adds nothing");
    let mut out: Vec<Record> = sink
        .records
        .into_values()
        .filter(|r| r.tool == Some(tool))
        .collect();
    out.sort_by_key(|r| (r.at_ms, r.key.clone()));
    out
}

fn ids(records: &[Record]) -> Vec<&str> {
    records
        .iter()
        .map(|r| r.provider_id.as_deref().unwrap_or("-"))
        .collect()
}

#[test]
fn copilot_cli_calls_with_the_providers_ids() {
    let home = tempfile::tempdir().unwrap();
    for (i, name) in [
        "demo-hello",
        "anthropic-tool",
        "anthropic-native-tool",
        "responses-tool",
    ]
    .iter()
    .enumerate()
    {
        let file = format!(".copilot/session-state/s{i}/events.jsonl");
        put(
            home.path(),
            &file,
            &fixture(&format!("copilot-cli/{name}.jsonl")),
        );
    }
    let r = records_of(home.path(), Tool::CopilotCli);
    assert_eq!(
        ids(&r),
        [
            "chatcmpl-demo-11687282517",
            "msg_demo_661652583655",
            "msg_demo_661652583656",
            "msg_demo_661652583657",
            "msg_demo_661652583658",
            "resp_demo_661652583659",
            "resp_demo_661652583660"
        ]
    );
    assert!(r
        .iter()
        .all(|x| x.provider.is_some() && x.project.as_deref() == Some("/home/user/work")));
    assert!(r
        .iter()
        .all(|x| x.session.is_some() && x.input_tokens > 0 && x.output_tokens > 0));
    assert_eq!(r[0].model, "demo-chat");
}

#[test]
fn qwen_code_calls_the_hidden_memory_request_included() {
    let home = tempfile::tempdir().unwrap();
    for name in [
        "demo-hello",
        "demo-hello-no-memory",
        "anthropic-tool",
        "anthropic-native-tool",
    ] {
        let file = format!(".qwen/projects/-home-user-work/chats/{name}.jsonl");
        put(
            home.path(),
            &file,
            &fixture(&format!("qwen-code/{name}.jsonl")),
        );
    }
    let r = records_of(home.path(), Tool::QwenCode);
    let mut got = ids(&r);
    got.sort();
    assert_eq!(
        got,
        [
            "chatcmpl-demo-11687282519",
            "chatcmpl-demo-11687282520",
            "chatcmpl-demo-11687282521",
            "msg_demo_661652583661",
            "msg_demo_661652583662",
            "msg_demo_661652583663",
            "msg_demo_661652583664"
        ],
        "two calls for the plain answer (the memory extractor's too), two per tool round trip"
    );
    assert!(r
        .iter()
        .all(|x| x.provider.is_some() && x.project.as_deref() == Some("/home/user/work")));
}

#[test]
fn pi_answers_with_the_providers_ids() {
    let home = tempfile::tempdir().unwrap();
    for name in [
        "demo-hello",
        "anthropic-tool",
        "anthropic-native-tool",
        "responses-tool",
    ] {
        let file = format!(".pi/agent/sessions/--home-user-work--/{name}.jsonl");
        put(home.path(), &file, &fixture(&format!("pi/{name}.jsonl")));
    }
    let r = records_of(home.path(), Tool::Pi);
    let mut got = ids(&r);
    got.sort();
    assert_eq!(
        got,
        [
            "chatcmpl-demo-11687282525",
            "msg_demo_661652583665",
            "msg_demo_661652583666",
            "msg_demo_661652583667",
            "msg_demo_661652583668",
            "resp_demo_661652583669",
            "resp_demo_661652583670"
        ]
    );
    assert!(r.iter().all(|x| x
        .provider
        .as_deref()
        .is_some_and(|p| p.starts_with("switchyard"))
        && x.session.is_some()));
}

/// The ledger rows of the same runs: (scenario, gateway id, input tokens, output tokens).
fn ledger(tool: &str) -> Vec<(String, String, u64, u64)> {
    let rows: serde_json::Value =
        serde_json::from_slice(&fixture(&format!("{tool}/ledger-rows.json"))).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["scenario"].as_str().unwrap().to_string(),
                r["id"].as_str().unwrap().to_string(),
                r["inputTokens"].as_u64().unwrap(),
                r["outputTokens"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Kilo's database rebuilt from the rows its real run wrote (`<scenario>.rows.json`).
fn kilo_db(home: &Path, scenario: &str) {
    let path = home.join(".local/share/kilo/kilo.db");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    opencode_db::database(&path, &fixture(&format!("kilo/{scenario}.rows.json")));
}

#[test]
fn kilo_reads_its_own_database_with_the_ledgers_counts() {
    let want = ledger("kilo");
    for scenario in ["demo-hello", "anthropic-tool"] {
        let home = tempfile::tempdir().unwrap();
        kilo_db(home.path(), scenario);
        let r = records_of(home.path(), Tool::Kilo);
        let got: Vec<(u64, u64)> = r
            .iter()
            .map(|x| (x.input_tokens, x.output_tokens))
            .collect();
        let rows: Vec<(u64, u64)> = want
            .iter()
            .filter(|w| w.0 == scenario)
            .map(|w| (w.2, w.3))
            .collect();
        assert_eq!(
            got, rows,
            "{scenario}: one record per call, the gateway's counts"
        );
        assert!(r
            .iter()
            .all(|x| x.provider.as_deref() == Some("switchyard")));
    }
}

#[test]
fn droid_calls_carry_the_gateways_request_id() {
    let home = tempfile::tempdir().unwrap();
    let scenarios = [
        "demo-hello",
        "anthropic-tool",
        "anthropic-native-hello",
        "responses-hello",
    ];
    let mut log = Vec::new();
    for name in scenarios {
        log.extend(fixture(&format!("droid/{name}.log-excerpt.txt")));
        let session = fixture(&format!("droid/{name}.jsonl"));
        let first: serde_json::Value =
            serde_json::from_slice(session.split(|b| *b == b'\n').next().unwrap()).unwrap();
        let id = first["id"].as_str().unwrap();
        put(
            home.path(),
            &format!(".factory/sessions/-home-user-work/{id}.jsonl"),
            &session,
        );
    }
    put(home.path(), ".factory/logs/droid-log-single.log", &log);
    put(
        home.path(),
        ".factory/settings.json",
        br#"{"customModels":[{"model":"claude-sonnet-4-5","displayName":"Switchyard Claude","baseUrl":"x","apiKey":"sy-0000000000000000","provider":"generic-chat-completion-api"}]}"#,
    );
    let r = records_of(home.path(), Tool::Droid);
    let got: Vec<(&str, u64, u64)> = r
        .iter()
        .map(|x| {
            (
                x.request_id.as_deref().unwrap_or("-"),
                x.input_tokens,
                x.output_tokens,
            )
        })
        .collect();
    let want = ledger("droid");
    let want: Vec<(&str, u64, u64)> = want.iter().map(|w| (w.1.as_str(), w.2, w.3)).collect();
    assert_eq!(
        got, want,
        "each call once, with the ledger row's id and counts"
    );
    assert!(r
        .iter()
        .all(|x| x.project.as_deref() == Some("/home/user/work") && x.provider.is_some()));
    assert!(
        r.iter().any(|x| x.model == "claude-sonnet-4-5"),
        "a custom model's id maps to its model"
    );
}
