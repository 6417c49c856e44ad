//! Finding 6: the `Host` check (DNS-rebinding defence), parsed strictly; finding of the review:
//! browser origins.

use crate::harness::{client, status_of, Canary, Serve};

fn get_models(s: &Serve, token: &str, host: &str) -> String {
    s.raw(
        format!(
            "GET /v1/models HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
}

#[test]
fn only_names_of_this_machine_are_answered() {
    let s = Serve::start();
    let token = s.token("host-check");
    let port = s.addr.port();
    for bad in [
        "evil.example.com".to_string(),
        "127.0.0.1.evil.com".into(),
        "localhost:4141@evil".into(),
        "localhost.evil.com".into(),
        "2130706433".into(),
        "[::1]evil.com".into(),
        format!("[::1]:{port}@x"),
        String::new(),
    ] {
        let answer = get_models(&s, &token, &bad);
        assert_eq!(
            status_of(&answer),
            403,
            "Host {bad:?} must be refused: {answer}"
        );
    }
    for good in [
        format!("127.0.0.1:{port}"),
        "LOCALHOST".into(),
        format!("[::1]:{port}"),
        format!("[::ffff:127.0.0.1]:{port}"),
        format!("[0:0:0:0:0:0:0:1]:{port}"),
    ] {
        let answer = get_models(&s, &token, &good);
        assert_eq!(
            status_of(&answer),
            200,
            "Host {good:?} is this machine: {answer}"
        );
    }
}

#[test]
fn no_host_two_hosts_and_absolute_uris_are_refused_and_never_followed() {
    let s = Serve::start();
    let token = s.token("host-forms");
    let port = s.addr.port();
    let http10 = s.raw(
        format!("GET /v1/models HTTP/1.0\r\nAuthorization: Bearer {token}\r\n\r\n").as_bytes(),
    );
    assert_eq!(status_of(&http10), 403, "HTTP/1.0 without Host: {http10}");
    let twice = s.raw(
        format!("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.com\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    assert_ne!(status_of(&twice), 200, "two Host headers: {twice}");

    let canary = Canary::start();
    let body = r#"{"model":"Demo/demo-chat","messages":[{"role":"user","content":"hi"}]}"#;
    let canary_host = canary.addr.to_string();
    for line in ["GET /v1/models", "POST /v1/chat/completions"] {
        let (method, path) = line.split_once(' ').unwrap();
        for (authority, refused) in [("evil.example.com", true), (canary_host.as_str(), false)] {
            let answer = s.raw(
                format!(
                    "{method} http://{authority}{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            );
            if refused {
                assert_eq!(
                    status_of(&answer),
                    403,
                    "{line} in absolute form naming {authority}: {answer}"
                );
            }
        }
    }
    assert_eq!(
        canary.hits(),
        0,
        "an absolute-form URI must never make an outbound connection"
    );
}

#[test]
fn browser_origins_are_refused_without_cors_headers() {
    let s = Serve::start();
    let token = s.token("origins");
    let http = client();
    for origin in ["https://evil.example.com", "null"] {
        for method in [
            reqwest::Method::GET,
            reqwest::Method::POST,
            reqwest::Method::OPTIONS,
        ] {
            let resp = http
                .request(method.clone(), s.url("/v1/models"))
                .bearer_auth(&token)
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .send()
                .unwrap();
            assert_eq!(resp.status(), 403, "{method} from {origin}");
            let cors: Vec<_> = resp
                .headers()
                .keys()
                .filter(|k| k.as_str().starts_with("access-control-"))
                .collect();
            assert!(
                cors.is_empty(),
                "{method} from {origin} got CORS headers {cors:?}"
            );
        }
    }
}
