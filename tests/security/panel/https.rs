//! The panel beyond this machine: only over HTTPS (a certificate and key the user gives) and
//! only with the gateway's own exposure settings on (`allowNonLoopback`). Another machine is
//! this machine's own non-loopback address (the connection's peer is then not loopback); the
//! TLS client is reqwest's rustls, trusting only the test's certificate authority.

use crate::harness::{Panel, Setup};
use reqwest::blocking::Client;
use serde_json::{json, Value};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// This machine's address on its default route (no packet is sent: a UDP connect only picks
/// the source address).
fn lan_address() -> IpAddr {
    let probe = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    probe
        .connect("192.0.2.1:9")
        .or_else(|_| probe.connect("8.8.8.8:53"))
        .expect("this machine has a non-loopback route");
    let ip = probe.local_addr().unwrap().ip();
    assert!(!ip.is_loopback(), "no non-loopback interface to test on");
    ip
}

/// A throw-away authority and a server certificate it signed for `names`, written as PEM files.
struct Pki {
    dir: tempfile::TempDir,
    ca: String,
}

impl Pki {
    fn new(names: &[String]) -> Pki {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(names.to_vec())
            .unwrap()
            .signed_by(&key, &ca)
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cert.pem"), cert.pem()).unwrap();
        std::fs::write(dir.path().join("key.pem"), key.serialize_pem()).unwrap();
        Pki { dir, ca: ca.pem() }
    }

    fn cert(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    fn key(&self) -> PathBuf {
        self.dir.path().join("key.pem")
    }

    fn args(&self) -> Vec<String> {
        let path = |p: PathBuf| p.to_str().unwrap().to_string();
        vec![
            "--tls-cert".into(),
            path(self.cert()),
            "--tls-key".into(),
            path(self.key()),
        ]
    }

    /// A client that trusts this authority only.
    fn client(&self) -> Client {
        Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(self.ca.as_bytes()).unwrap()])
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap()
    }
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// `serve --ui` with the gateway open to other machines and `pki`'s certificate, if any.
fn open_to_other_machines(pki: Option<&Pki>) -> Panel {
    let setup = Setup::new();
    setup.import("version = 1\n[gateway]\nallowNonLoopback = true\n");
    let args = pki.map(Pki::args).unwrap_or_default();
    Panel::start_with(setup, &strs(&args))
}

#[test]
fn another_machine_gets_the_panel_over_https_and_only_over_https() {
    let lan = lan_address();
    let pki = Pki::new(&[lan.to_string(), "127.0.0.1".into()]);
    let panel = open_to_other_machines(Some(&pki));
    assert!(
        panel.printed[0].contains("and https://"),
        "{:?}",
        panel.printed
    );
    let there = SocketAddr::new(lan, panel.addr.port());
    let https = |path: &str| format!("https://{there}{path}");
    let client = pki.client();

    let page = client.get(https("/panel/")).send().unwrap();
    assert_eq!(page.status(), 200, "the panel's page over HTTPS");
    assert!(page.headers().contains_key("content-security-policy"));

    let plain = Client::new()
        .get(format!("http://{there}/panel/"))
        .send()
        .unwrap();
    assert_eq!(plain.status(), 403, "plain HTTP from another machine");
    let why: Value = plain.json().unwrap();
    let why = why["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        why.contains("only over HTTPS") && why.contains("ssh -L"),
        "the refusal says why and the ways in: {why}"
    );

    let token = panel.token(&["laptop", "--panel"]);
    let sign_in = |origin: String| {
        client
            .post(https("/panel/api/session"))
            .header("origin", origin)
            .json(&json!({ "token": token }))
            .send()
            .unwrap()
    };
    let downgraded = sign_in(format!("http://{there}"));
    assert_eq!(downgraded.status(), 403, "an Origin of the other scheme");
    let signed = sign_in(format!("https://{there}"));
    assert_eq!(signed.status(), 200);
    let cookies: Vec<String> = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    assert!(
        cookies.iter().all(|c| c.contains("; Secure")),
        "cookies set over HTTPS are Secure: {cookies:?}"
    );
    let value = |name: &str| {
        cookies
            .iter()
            .find_map(|c| c.strip_prefix(&format!("{name}=")))
            .and_then(|c| c.split(';').next())
            .unwrap()
            .to_string()
    };
    let call = client
        .post(https("/panel/api/call/list_backends"))
        .header("origin", format!("https://{there}"))
        .header(
            "cookie",
            format!("switchyard_session={}", value("switchyard_session")),
        )
        .header("x-switchyard-csrf", value("switchyard_csrf"))
        .json(&json!({}))
        .send()
        .unwrap();
    assert_eq!(
        call.status(),
        200,
        "a command from another machine over HTTPS"
    );
    let listed: Value = call.json().unwrap();
    assert!(listed["ok"].as_array().is_some_and(|b| !b.is_empty()));

    // The gateway's port speaks both: tools keep plain HTTP on loopback, and HTTPS works for
    // them too.
    let tool = panel.token(&["tool"]);
    for url in [
        panel.url("/v1/models"),
        format!("https://127.0.0.1:{}/v1/models", panel.addr.port()),
        https("/v1/models"),
    ] {
        let status = client.get(&url).bearer_auth(&tool).send().unwrap().status();
        assert_eq!(status, 200, "{url}");
    }
    // A client that does not trust the certificate's authority is refused by its own check:
    // the certificate served is the one given.
    assert!(Client::new().get(https("/panel/")).send().is_err());
}

#[test]
fn https_alone_does_not_open_the_panel_to_other_machines() {
    let pki = Pki::new(&["127.0.0.1".into()]);
    let panel = Panel::start_with(Setup::new(), &strs(&pki.args()));
    assert!(
        panel
            .printed
            .iter()
            .any(|l| l.contains("only this machine can connect") && l.contains("allowNonLoopback")),
        "{:?}",
        panel.printed
    );
    assert!(panel.addr.ip().is_loopback(), "it listens on loopback only");
    let there = SocketAddr::new(lan_address(), panel.addr.port());
    assert!(
        std::net::TcpStream::connect_timeout(&there, Duration::from_secs(2)).is_err(),
        "another machine cannot even connect"
    );
    let here = format!("https://127.0.0.1:{}/panel/", panel.addr.port());
    assert_eq!(pki.client().get(here).send().unwrap().status(), 200);
}

#[test]
fn other_machines_without_https_are_told_how_to_get_in() {
    let panel = open_to_other_machines(None);
    assert!(
        panel
            .printed
            .iter()
            .any(|l| l.contains("only over HTTPS") && l.contains("--tls-cert")),
        "{:?}",
        panel.printed
    );
    let there = SocketAddr::new(lan_address(), panel.addr.port());
    let refused = Client::new()
        .get(format!("http://{there}/panel/"))
        .send()
        .unwrap();
    assert_eq!(refused.status(), 403);
    let token = panel.token(&["laptop", "--panel"]);
    let sign_in = Client::new()
        .post(format!("http://{there}/panel/api/session"))
        .header("origin", format!("http://{there}"))
        .json(&json!({ "token": token }))
        .send()
        .unwrap();
    assert_eq!(
        sign_in.status(),
        403,
        "no token crosses the network in the clear"
    );
    let here = Client::new().get(panel.url("/panel/")).send().unwrap();
    assert_eq!(here.status(), 200, "this machine still gets it");
}

#[test]
fn a_certificate_that_cannot_be_used_stops_the_start_with_the_reason() {
    let pki = Pki::new(&["127.0.0.1".into()]);
    let other = Pki::new(&["127.0.0.1".into()]);
    let missing = pki.dir.path().join("missing.pem");
    let not_pem = pki.dir.path().join("notes.txt");
    std::fs::write(&not_pem, "not a certificate").unwrap();
    let p = |p: &PathBuf| p.to_str().unwrap().to_string();
    let cases = [
        (
            p(&missing),
            p(&pki.key()),
            "cannot read the TLS certificate",
        ),
        (p(&not_pem), p(&pki.key()), "holds no PEM certificate"),
        (p(&pki.cert()), p(&not_pem), "holds no PEM key"),
        (p(&pki.cert()), p(&other.key()), "cannot be used together"),
    ];
    for (cert, key, says) in cases {
        let setup = Setup::new();
        let out = setup
            .command(&["serve", "--ui", "--tls-cert", &cert, "--tls-key", &key])
            .env("SWITCHYARD_GATEWAY_PORT", "0")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{says}: {err}");
        assert!(err.contains(says), "expected “{says}”: {err}");
        assert!(
            !err.contains("PRIVATE KEY-----\n"),
            "no key material is shown"
        );
    }
    let setup = Setup::new();
    let half = setup
        .command(&["serve", "--ui", "--tls-cert", &p(&pki.cert())])
        .output()
        .unwrap();
    assert_eq!(half.status.code(), Some(2), "a certificate without its key");
    assert!(String::from_utf8_lossy(&half.stderr).contains("--tls-key"));
}
