//! Keys in the browser panel: as in the window, every list shows them masked, and a key's value
//! reaches the browser only when the signed-in operator asks to reveal it (`reveal_key`, the
//! window's own command: the page masks it again after the same "Reveal keys for" time). No
//! team token, even an admin's, can call it (`commands::Role`, its unit test).

use crate::args::add_main_args;
use crate::harness::Panel;
use reqwest::blocking::Client;
use serde_json::{json, Value};
use std::io::Read;
use std::time::Duration;

const KEY: &str = "sk-panel-secret-0123456789abcdefXYZ";

#[test]
fn a_key_reaches_the_browser_only_when_revealed() {
    let panel = Panel::start();
    panel.cli_stdin(
        &[
            &add_main_args("http://127.0.0.1:9/v1")[..],
            &["--key-stdin"],
        ]
        .concat(),
        &format!("{KEY}\n"),
    );
    let token = panel.token(&["laptop", "--panel"]);
    let (session, csrf) = panel.sign_in(&token).unwrap();
    let origin = panel.origin();
    let call = |cmd: &str, args: Value| {
        let resp = panel.call_with(&session, Some(&csrf), Some(&origin), cmd, args);
        let status = resp.status();
        (status, resp.text().unwrap())
    };

    // The event stream is open while the reads below run; whatever it carries is checked too.
    let mut events = Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap()
        .get(panel.url("/panel/api/events"))
        .header("cookie", format!("switchyard_session={session}"))
        .send()
        .unwrap();
    assert_eq!(events.status(), 200);

    let (status, listed) = call("list_backends", json!({}));
    assert_eq!(status, 200, "{listed}");
    assert!(!listed.contains(KEY), "list_backends sent the key");
    let backends: Value = serde_json::from_str(&listed).unwrap();
    let main = backends["ok"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["name"] == "Main"))
        .unwrap_or_else(|| panic!("{listed}"));
    let key = &main["keys"][0];
    assert!(
        key["hint"].as_str().is_some_and(|h| h.contains('…')),
        "{key}"
    );
    let key_id = key["id"].as_str().unwrap().to_string();
    for cmd in [
        "gateway_status",
        "health_overview",
        "list_routes",
        "get_settings",
        "get_gateway_settings",
        "keychain_status",
        "list_tokens",
    ] {
        let (_, body) = call(cmd, json!({}));
        assert!(!body.contains(KEY), "{cmd} sent the key");
    }
    let (status, tested) = call(
        "test_key",
        json!({ "backendId": main["id"], "keyId": key_id }),
    );
    assert_eq!(status, 200, "{tested}");
    assert!(!tested.contains(KEY), "a key's test sent the key");

    let (status, revealed) = call("reveal_key", json!({ "keyId": key_id }));
    assert_eq!(status, 200, "{revealed}");
    let revealed: Value = serde_json::from_str(&revealed).unwrap();
    assert_eq!(revealed["ok"], KEY, "the operator's reveal shows the key");

    // What the stream carried up to here (it is cut by its timeout): no key value.
    let mut streamed = Vec::new();
    let _ = events.read_to_end(&mut streamed);
    assert!(
        !String::from_utf8_lossy(&streamed).contains(KEY),
        "the event stream sent the key"
    );
}
