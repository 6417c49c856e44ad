//! Finding 7: the data folder is 0700 and every file in it 0600, from creation on (umask 077 in
//! every Switchyard process), and a folder left open by an older version is closed on start.

use crate::harness::{client, Serve};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Every folder and regular file under `dir` whose mode gives the group or others anything.
fn open_to_others(dir: &Path, found: &mut Vec<String>) {
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    if mode != 0o700 {
        found.push(format!("{} is {mode:o}", dir.display()));
    }
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            open_to_others(&entry.path(), found);
        } else if kind.is_file() {
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                found.push(format!("{} is {mode:o}", entry.path().display()));
            }
        }
    }
}

#[test]
fn every_file_switchyard_writes_is_private() {
    let s = Serve::start();
    let token = s.token("files");
    let http = client();
    for _ in 0..3 {
        let resp = http
            .post(s.url("/v1/chat/completions"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"model": "Demo/demo-chat", "messages": [{"role": "user", "content": "hi"}]}))
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    s.cli(&["token", "list"]);
    let data = s.stop();
    let mut found = Vec::new();
    open_to_others(data.path(), &mut found);
    assert!(found.is_empty(), "open to others: {found:#?}");
}

#[test]
fn a_data_folder_left_open_is_made_private_on_start() {
    let data = tempfile::tempdir().unwrap();
    std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let old = data.path().join("old-export.csv");
    std::fs::write(&old, "a,b\n").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    let s = Serve::start_in(data);
    let mut found = Vec::new();
    open_to_others(s.data.path(), &mut found);
    assert!(found.is_empty(), "open to others: {found:#?}");
}
