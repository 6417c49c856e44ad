//! Finding 11: a provider that quotes the key back (in an error body, a stream's error event or
//! an answer) never shows it to the caller: the gateway replaces it with the masked hint. A
//! provider error passed on carries the same served-by headers as a success.

use crate::harness::{client, echo_upstream, Echo, Serve};

const CANARY: &str = "sk-CANARYc4n4ryC4N4RYc4n4ry9876";

#[test]
fn a_key_quoted_back_by_the_provider_never_reaches_the_caller() {
    let s = Serve::start();
    let token = s.token("echo");
    let mut backends = Vec::new();
    for (name, kind, echo) in [
        ("EchoErr", "openai", Echo::Error),
        ("EchoAnthropic", "anthropic", Echo::Error),
        ("EchoStream", "openai", Echo::StreamError),
        ("EchoAnswer", "openai", Echo::Answer),
    ] {
        let up = echo_upstream(echo);
        let base = if kind == "openai" {
            format!("http://{up}/v1")
        } else {
            format!("http://{up}")
        };
        s.cli_with_input(
            &[
                "backend",
                "add",
                name,
                "--kind",
                kind,
                "--base-url",
                &base,
                "--key-stdin",
            ],
            &format!("{CANARY}\n"),
        );
        backends.push(name);
    }
    let http = client();
    let ask = |model: &str, stream: bool| {
        let body = serde_json::json!({"model": model, "stream": stream, "max_tokens": 8,
            "messages": [{"role": "user", "content": "hi"}]});
        s.post_until_routed(&http, &token, &body)
    };
    for (model, stream) in [
        ("EchoErr/m", false),
        ("EchoErr/m", true),
        ("EchoAnthropic/claude-x", false),
        ("EchoStream/m", true),
        ("EchoAnswer/m", false),
    ] {
        let resp = ask(model, stream);
        let status = resp.status();
        let headers = format!("{:?}", resp.headers());
        let body = resp.text().unwrap();
        assert!(
            !body.contains("CANARY"),
            "{model} (stream {stream}) leaked the key: {body}"
        );
        assert!(!headers.contains("CANARY"), "{model}: {headers}");
        assert!(
            body.contains("…9876"),
            "{model}: the hint stands in for the key: {body}"
        );
        if status == 400 {
            assert!(
                headers.contains("x-switchyard-backend"),
                "{model}: {headers}"
            );
            assert!(
                headers.contains("x-switchyard-request-id"),
                "{model}: {headers}"
            );
        }
    }
}
