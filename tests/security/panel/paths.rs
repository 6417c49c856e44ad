//! A file is a handle, never a string (issue 69, fault 1): through the panel, every file command
//! took a path the page chose beside its upload and download ids. Each attack reproduced then is
//! tried here against the real `serve --ui`: files outside the data folder stay as they were, and
//! nothing of them reaches an answer.

use crate::harness::Panel;
use serde_json::{json, Value};

/// Files of the user's elsewhere on the machine, which no panel caller may reach.
struct Elsewhere {
    dir: tempfile::TempDir,
}

const PGPASS_LINE: &str = "db.internal:5432:*:admin:hunter2-very-secret";
const OTHER_KEY: &str = "sk-proj-ElsewhereKeyOfAnotherProject0123456789abcdef";

impl Elsewhere {
    fn new() -> Elsewhere {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".bashrc"), "export PS1='$ '\n").unwrap();
        std::fs::write(dir.path().join(".pgpass"), format!("{PGPASS_LINE}\n")).unwrap();
        std::fs::create_dir(dir.path().join("project")).unwrap();
        std::fs::write(
            dir.path().join("project/.env"),
            format!("OPENAI_API_KEY={OTHER_KEY}\n"),
        )
        .unwrap();
        Elsewhere { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// Every file and its bytes.
    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for name in [".bashrc", ".pgpass", "project/.env"] {
            out.push((
                name.to_string(),
                std::fs::read(self.dir.path().join(name)).unwrap(),
            ));
        }
        let count = walk(self.dir.path());
        out.push(("(files)".into(), count.to_string().into_bytes()));
        out
    }
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            if e.path().is_dir() {
                walk(&e.path())
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn no_file_command_reaches_a_path_the_page_names() {
    let panel = Panel::start();
    let token = panel.token(&["laptop", "--panel"]);
    let (session, csrf) = panel.sign_in(&token).unwrap();
    let origin = panel.origin();
    let elsewhere = Elsewhere::new();
    let before = elsewhere.snapshot();
    let bashrc = elsewhere.path(".bashrc");
    let pgpass = elsewhere.path(".pgpass");
    let env = elsewhere.path("project/.env");
    // A place the panel reserved: the attack sent a path beside it.
    let place = panel.call_with(
        &session,
        Some(&csrf),
        Some(&origin),
        "choose_file",
        json!({"purpose": "export", "fileName": "c.toml"}),
    );
    let place: Value = place.json().unwrap();
    let place = place["ok"]["id"].as_str().unwrap().to_string();
    let attacks = [
        ("export_config", json!({"file": place, "path": bashrc})),
        ("export_config", json!({"path": bashrc})),
        ("export_config", json!({"file": bashrc})),
        ("export_config", json!({"file": "../../.bashrc"})),
        (
            "import_config",
            json!({"file": pgpass, "dryRun": true, "approved": {"hostChanges": [], "exposureChanges": []}}),
        ),
        (
            "import_config",
            json!({"path": pgpass, "dryRun": true, "approved": {"hostChanges": [], "exposureChanges": []}}),
        ),
        ("scan_import", json!({"envFile": env})),
        ("scan_import", json!({"file": env})),
        ("import_keys", json!({"file": env, "ids": []})),
        ("find_keys", json!({"files": [env]})),
        ("find_keys", json!({"extraFiles": [env], "files": []})),
        (
            "move_key",
            json!({"id": "x", "files": [], "extraFiles": [env], "backendId": null}),
        ),
        (
            "move_key",
            json!({"id": "x", "files": [env], "backendId": null}),
        ),
        ("load_price_file", json!({"file": pgpass})),
        (
            "export_readiness_report",
            json!({"runId": "r", "format": "html", "file": bashrc}),
        ),
        (
            "export_drill_report",
            json!({"runId": "r", "format": "html", "file": bashrc}),
        ),
        (
            "export_usage",
            json!({"range": {"sinceMs": 0, "untilMs": 86400000, "offsetMinutes": 0}, "kind": "requests", "format": "csv", "file": bashrc}),
        ),
    ];
    for (command, args) in attacks {
        let resp = panel.call_with(&session, Some(&csrf), Some(&origin), command, args.clone());
        let status = resp.status().as_u16();
        let body = resp.text().unwrap();
        assert_ne!(
            status, 200,
            "{command} {args}: a path the page names is no file handle: {body}"
        );
        assert!(
            (400..500).contains(&status),
            "{command}: a typed refusal, not {status}: {body}"
        );
        for secret in [PGPASS_LINE, OTHER_KEY, &OTHER_KEY[OTHER_KEY.len() - 4..]] {
            assert!(
                !body.contains(secret),
                "{command} quoted a file of elsewhere: {body}"
            );
        }
        assert!(
            !body.contains(elsewhere.dir.path().to_str().unwrap()),
            "{command} named a folder of elsewhere: {body}"
        );
    }
    assert_eq!(
        elsewhere.snapshot(),
        before,
        "no file outside the data folder changed"
    );
    let ok = panel.call(&session, Some(&csrf), Some(&origin), "list_backends");
    assert_eq!(ok.status(), 200, "the panel is still up");
}

#[test]
fn an_upload_is_read_and_a_reserved_place_written_but_not_the_other_way_round() {
    let panel = Panel::start();
    let token = panel.token(&["laptop", "--panel"]);
    let (session, csrf) = panel.sign_in(&token).unwrap();
    let origin = panel.origin();
    let call = |command: &str, args: Value| {
        let resp = panel.call_with(&session, Some(&csrf), Some(&origin), command, args);
        (resp.status().as_u16(), resp.json::<Value>().unwrap())
    };
    let (_, place) = call(
        "choose_file",
        json!({"purpose": "export", "fileName": "c.toml"}),
    );
    let place = place["ok"]["id"].as_str().unwrap().to_string();
    let (status, written) = call("export_config", json!({"file": place}));
    assert_eq!(status, 200, "{written}");
    assert_eq!(
        written["ok"], "c.toml (downloaded)",
        "named as the browser knows it"
    );
    let (status, _) = call(
        "import_config",
        json!({"file": place, "dryRun": true, "approved": {"hostChanges": [], "exposureChanges": []}}),
    );
    assert_eq!(status, 422, "a place to save is not a file to read");
    let (status, _) = call(
        "choose_file",
        json!({"purpose": "envFile", "fileName": null}),
    );
    assert_eq!(status, 422, "a file to read is uploaded, never named");
}
