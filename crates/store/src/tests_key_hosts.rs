//! Keys bound to the origins the user approved: a new key to its backend's origin, an upgraded
//! database's keys to their backend's origin as it was, approvals added per backend.

use super::*;
use crate::migrations::{KEY_HOSTS_STEP, MIGRATIONS};
use switchyard_domain::{BackendDraft, BackendKind};

fn draft(name: &str, url: &str) -> BackendDraft {
    BackendDraft {
        name: name.into(),
        kind: BackendKind::OpenAi,
        base_url: url.into(),
        default_model: "gpt-4o-mini".into(),
    }
}

/// A store with backend `b` ("Main", api.openai.com) holding key `k1`.
fn with_one_key() -> Store {
    let s = Store::open_in_memory().unwrap();
    s.backends()
        .insert_backend_with_key(
            "b",
            &draft("Main", "https://api.openai.com/v1"),
            true,
            Some(("k1", "main", "sk-…1")),
        )
        .unwrap();
    s
}

#[test]
fn a_new_key_is_approved_for_its_backends_origin_only() {
    let s = with_one_key();
    assert_eq!(
        s.keys().get_key("k1").unwrap().unwrap().hosts,
        ["https://api.openai.com"]
    );
    s.backends()
        .update_backend("b", &draft("Main", "https://eu.example.com/v1"))
        .unwrap();
    let k2 = s.keys().insert_key("k2", "b", "second", "sk-…2").unwrap();
    assert_eq!(
        k2.hosts,
        ["https://eu.example.com"],
        "added while the backend points there"
    );
    assert_eq!(
        s.keys().get_key("k1").unwrap().unwrap().hosts,
        ["https://api.openai.com"],
        "adding a key approves nothing for the others"
    );
    assert!(s
        .keys()
        .approve_backend_host("b", "https://eu.example.com")
        .unwrap());
    let hosts: Vec<_> = s
        .keys()
        .keys_of("b")
        .unwrap()
        .into_iter()
        .map(|k| k.hosts)
        .collect();
    assert_eq!(
        hosts,
        [
            vec![
                "https://api.openai.com".to_string(),
                "https://eu.example.com".into()
            ],
            vec!["https://eu.example.com".to_string()]
        ]
    );
    assert!(!s
        .keys()
        .approve_backend_host("nope", "https://x.example")
        .unwrap());
}

#[test]
fn deleting_a_key_forgets_its_hosts() {
    let s = with_one_key();
    s.keys().delete_key("k1").unwrap();
    let left: i64 = s
        .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM key_hosts", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn upgrading_approves_each_stored_key_for_its_backends_host_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v13.sqlite");
    {
        let mut c = rusqlite::Connection::open(&path).unwrap();
        let tx = c.transaction().unwrap();
        for m in &MIGRATIONS[..KEY_HOSTS_STEP - 1] {
            tx.execute_batch(m).unwrap();
        }
        tx.execute_batch(
            "INSERT INTO backends (id, name, kind, base_url, default_model, position, created_at, updated_at)
             VALUES ('a', 'A', 'openai', 'https://API.openai.com/v1', 'm', 0, 't', 't'),
                    ('o', 'O', 'ollama', 'http://localhost:11434', 'm', 1, 't', 't');
             INSERT INTO backend_keys (id, backend_id, label, hint, position, created_at)
             VALUES ('k1', 'a', 'one', 'h', 0, 't'), ('k2', 'a', 'two', 'h', 1, 't'),
                    ('k3', 'o', 'local', 'h', 0, 't');",
        )
        .unwrap();
        tx.pragma_update(None, "user_version", (KEY_HOSTS_STEP - 1) as u32)
            .unwrap();
        tx.commit().unwrap();
    }
    let s = Store::open(&path).unwrap();
    let hosts: Vec<_> = s
        .keys()
        .list_keys()
        .unwrap()
        .into_iter()
        .map(|k| (k.id, k.hosts))
        .collect();
    assert_eq!(
        hosts,
        [
            ("k1".to_string(), vec!["https://api.openai.com".to_string()]),
            ("k2".into(), vec!["https://api.openai.com".into()]),
            ("k3".into(), vec!["http://localhost:11434".into()]),
        ],
        "keys that worked before the upgrade keep working where they were sent"
    );
}
