//! Another account on the same machine (issue 70): the loopback port is everyone's, so where a
//! tool is pointed must be where this user's gateway is, proven; a port someone else holds is an
//! alarm, never "healthy". Real `switchyard-serve` processes on throw-away data folders; the
//! neighbour is a listener in this process, or (as root) a program of a throw-away account.

use super::harness::{home_command, Serve, BIN};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use switchyard_app_testing::process::{free_port, text, Running};

/// `switchyard-serve ARGS…` on `data` with HOME `home` (see [`home_command`]).
fn cli(data: &Path, home: &Path, service: &str, args: &[&str]) -> Output {
    home_command(data, home, service)
        .args(args)
        .output()
        .unwrap()
}

fn claude_settings(home: &Path) -> String {
    std::fs::read_to_string(home.join(".claude/settings.json")).unwrap_or_default()
}

/// Saves `port` as the gateway's port through the CLI's one checked path (`config import`).
fn save_port(data: &Path, home: &Path, service: &str, port: u16) {
    let file = data.join("exported.toml");
    let out = cli(
        data,
        home,
        service,
        &["config", "export", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    let toml = std::fs::read_to_string(&file).unwrap();
    let toml = toml.replace("port = 4141", &format!("port = {port}"));
    std::fs::write(&file, toml).unwrap();
    let out = cli(
        data,
        home,
        service,
        &["config", "import", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
}

/// `serve` with the saved settings (no port in the environment); its first stdout line and
/// the child.
fn serve_saved(data: &Path, home: &Path, service: &str) -> (String, Running) {
    use std::io::BufRead;
    let mut child = home_command(data, home, service)
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    std::thread::spawn(move || lines.for_each(drop));
    (first, Running(child))
}

#[test]
fn connect_from_the_command_line_writes_the_port_the_running_gateway_holds() {
    // The gateway runs on a port of its own (`serve --port` / the environment), the saved
    // setting still says 4141: a neighbour holding 4141 got every request before.
    let serve = Serve::start();
    let home = tempfile::tempdir().unwrap();
    let port = serve.addr.port();
    let out = cli(
        serve.data.path(),
        home.path(),
        serve.service(),
        &["connect", "claude-code"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let settings = claude_settings(home.path());
    assert!(
        settings.contains(&format!("http://127.0.0.1:{port}")),
        "Claude Code must point at the running gateway's port {port}: {settings}"
    );
    assert!(
        !settings.contains(":4141"),
        "never the saved port: {settings}"
    );
    let out = cli(
        serve.data.path(),
        home.path(),
        serve.service(),
        &["token", "create", "browser", "--panel"],
    );
    assert!(
        text(&out).contains(&format!("127.0.0.1:{port}/panel/")),
        "a new token's advice names the running gateway: {}",
        text(&out)
    );
}

#[test]
fn with_no_gateway_of_this_data_folder_running_connect_writes_nothing_and_says_so() {
    let (data, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let service = format!("switchyard-security-{}", uuid::Uuid::new_v4().simple());
    // Someone answers on the saved port: not this data folder's gateway.
    let squatter = TcpListener::bind("127.0.0.1:0").unwrap();
    save_port(
        data.path(),
        home.path(),
        &service,
        squatter.local_addr().unwrap().port(),
    );
    let out = cli(
        data.path(),
        home.path(),
        &service,
        &["connect", "claude-code"],
    );
    assert!(!out.status.success(), "no guess: {}", text(&out));
    assert!(
        text(&out).contains("No Switchyard gateway is running"),
        "the user is told why: {}",
        text(&out)
    );
    assert_eq!(claude_settings(home.path()), "", "nothing was written");
}

#[test]
fn a_squatted_port_moves_the_gateway_re_points_the_tools_and_check_names_the_holder() {
    let (data, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let service = format!("switchyard-security-{}", uuid::Uuid::new_v4().simple());
    let wanted = free_port();
    save_port(data.path(), home.path(), &service, wanted);
    {
        let (first, _gateway) = serve_saved(data.path(), home.path(), &service);
        assert!(first.contains(&format!("127.0.0.1:{wanted}")), "{first}");
        let out = cli(
            data.path(),
            home.path(),
            &service,
            &["connect", "claude-code"],
        );
        assert!(out.status.success(), "{}", text(&out));
    }
    assert!(claude_settings(home.path()).contains(&format!(":{wanted}")));

    // The app is closed; a neighbour takes the port.
    let squatter = TcpListener::bind(("127.0.0.1", wanted)).unwrap();
    let out = cli(data.path(), home.path(), &service, &["check"]);
    let said = text(&out);
    assert!(!out.status.success(), "a held port is not healthy: {said}");
    assert!(
        said.contains("Another program (") && said.contains(&format!("127.0.0.1:{wanted}")),
        "check names the port and what holds it: {said}"
    );
    #[cfg(target_os = "linux")]
    assert!(
        said.contains(&format!("pid {}", std::process::id())),
        "this user's own holder is named by its process: {said}"
    );

    // The gateway starts elsewhere, and the connected tool follows it at once.
    let (first, _gateway) = serve_saved(data.path(), home.path(), &service);
    let moved: u16 = first
        .rsplit(':')
        .next()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("serve did not start: {first}"));
    assert_ne!(moved, wanted, "not on the held port");
    let settings = claude_settings(home.path());
    assert!(
        settings.contains(&format!("http://127.0.0.1:{moved}")),
        "the connected tool was re-pointed at the gateway's new port: {settings}"
    );
    let exported = data.path().join("after.toml");
    let out = cli(
        data.path(),
        home.path(),
        &service,
        &["config", "export", exported.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        std::fs::read_to_string(&exported)
            .unwrap()
            .contains(&format!("port = {moved}")),
        "the new port is kept, so the next start does not go back to the neighbour's"
    );
    let out = cli(data.path(), home.path(), &service, &["check", "--json"]);
    assert!(
        text(&out).contains(&format!("127.0.0.1:{moved} is this app's gateway")),
        "{}",
        text(&out)
    );
    drop(squatter);
}

#[test]
fn a_fixed_port_another_program_holds_stops_serve_with_the_reason() {
    let data = tempfile::tempdir().unwrap();
    let squatter = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = squatter.local_addr().unwrap().port().to_string();
    let out = Command::new(BIN)
        .args(["serve", "--port", &port])
        .env("SWITCHYARD_DATA_DIR", data.path())
        .env("SWITCHYARD_KEYRING_SERVICE", "switchyard-security-fixed")
        .env_remove("SWITCHYARD_GATEWAY_PORT")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = text(&out);
    assert!(
        said.contains("Another program") && said.contains("your tools are talking to it"),
        "{said}"
    );
}

/// The throw-away second account the tests act as (root only: `useradd`, `runuser`).
#[cfg(target_os = "linux")]
fn neighbour_account() -> &'static str {
    const NAME: &str = "sy-nb-port";
    let _ = Command::new("useradd")
        .args([
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            NAME,
        ])
        .output();
    NAME
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root: acts as a second account (./dev test runs ignored tests)"]
fn check_names_the_other_account_holding_the_port() {
    let (data, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let service = format!("switchyard-security-{}", uuid::Uuid::new_v4().simple());
    let port = free_port();
    save_port(data.path(), home.path(), &service, port);
    let who = neighbour_account();
    let script = format!(
        "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',{port}))\ns.listen()\nprint('up',flush=True)\ntime.sleep(60)"
    );
    let mut held = Command::new("runuser")
        .args(["-u", who, "--", "python3", "-c", &script])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut up = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(held.stdout.take().unwrap()),
        &mut up,
    )
    .unwrap();
    assert_eq!(up.trim(), "up", "the neighbour holds the port");
    let out = cli(data.path(), home.path(), &service, &["check"]);
    let _ = held.kill();
    let _ = held.wait();
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains(&format!("account {who}")),
        "the other account is named: {said}"
    );
}
