//! The request record: one JSON line per request received, refused ones and unknown paths
//! included, with the headers verbatim.

use super::*;
use std::path::PathBuf;

/// A fresh path in the temp folder for `name` (removed first).
fn temp_file(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "switchyard-mock-{}-{name}.jsonl",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    path
}

fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn every_request_appends_one_line_with_its_headers() {
    let path = temp_file("record");
    std::fs::write(&path, "{\"earlier\":true}\n").unwrap();
    let mut config = MockConfig::instant();
    config.accepted_keys = Some(vec!["good".into()]);
    config.record = Some(path.clone());
    let s = MockServer::start(config).await.unwrap();
    let b = s.base_url();
    let secret = "sk-SECRET-never-log-me";

    let ok = client()
        .get(format!("{b}/v1/models?limit=5"))
        .bearer_auth("good")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let refused = client()
        .post(format!("{b}/v1/messages"))
        .header("x-api-key", secret)
        .json(&json!({"model": "demo-chat", "max_tokens": 5, "messages": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let unknown = client()
        .put(format!("{b}/nowhere"))
        .header("x-custom", "one")
        .body(vec![0xffu8, 0x00, 0x01])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        s.total_calls(),
        3,
        "recording leaves the answers and counts alone"
    );

    let all = lines(&path);
    assert_eq!(all.len(), 4, "appended to what was there: {all:?}");
    assert_eq!(all[0], json!({"earlier": true}));
    let (models, messages, nowhere) = (&all[1], &all[2], &all[3]);
    assert_eq!(models["method"], "GET");
    assert_eq!(models["path"], "/v1/models");
    assert_eq!(models["query"], "limit=5");
    assert_eq!(models["headers"]["authorization"], "Bearer good");
    assert_eq!(models["body_bytes"], 0);
    assert_eq!(messages["method"], "POST");
    assert_eq!(messages["headers"]["x-api-key"], secret);
    assert!(messages["query"].is_null());
    let body = messages["body"].as_str().unwrap();
    assert_eq!(messages["body_bytes"], body.len());
    assert!(body.contains("\"max_tokens\":5"));
    assert_eq!(nowhere["path"], "/nowhere");
    assert_eq!(nowhere["headers"]["x-custom"], "one");
    assert_eq!(nowhere["body_bytes"], 3);
    assert!(nowhere.get("body").is_none(), "not UTF-8");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(secret).count(), 1, "searchable for a secret");
    s.shutdown().await;
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn a_record_file_that_cannot_be_opened_stops_the_start() {
    let mut config = MockConfig::instant();
    config.record = Some(std::env::temp_dir().join("no-such-dir-switchyard/record.jsonl"));
    let err = MockServer::start(config).await.unwrap_err();
    assert!(err.to_string().contains("record file"), "{err}");
}
