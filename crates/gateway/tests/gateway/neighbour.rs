//! A neighbour cannot crowd out the user (issue 70, fault 4). Every account on the machine can
//! connect to the gateway's loopback port; 1,100 connections that say nothing or send half a
//! request head, re-opened as soon as the gateway closes them, slowed every request of the user
//! to 4–6 s: the connection cap (1,024) was full of them, so the user's new connection waited in
//! the kernel's accept queue until the header-read timeout (10 s) freed a slot. Now, at the cap,
//! the gateway closes the connection that has sent the least (no complete request head, oldest
//! first; then the longest-idle kept-alive one) and never one with a request in flight.
//!
//! The crowd is held by this process here; `a_second_accounts_crowd_…` holds it as a throw-away
//! second account (root only).

use super::*;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

/// The neighbour's connections: more than the gateway's default cap of 1,024.
const CROWD: usize = 1_100;

/// The user's requests, one after another.
const ASKS: usize = 20;

/// Generous: the fault took 4–6 s per request; unhindered, one takes milliseconds.
const BOUND: Duration = Duration::from_millis(1_500);

/// What connection `i` of the crowd sends before going quiet: nothing, half a request line, a
/// request line and half the headers, or a whole request without a token (answered 401, then
/// kept alive and idle).
fn sends(i: usize, addr: SocketAddr) -> Vec<u8> {
    match i % 4 {
        0 => Vec::new(),
        1 => b"POST /v1/chat/compl".to_vec(),
        2 => b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: applic"
            .to_vec(),
        _ => format!("GET /v1/models HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes(),
    }
}

/// Holds connection `i` of the crowd open, re-opening it whenever the gateway closes it, until
/// `stop`. `opened` counts connections made (re-opened ones included).
async fn hold(addr: SocketAddr, i: usize, opened: Arc<AtomicUsize>, stop: CancellationToken) {
    let mut buf = [0u8; 512];
    loop {
        let tcp = tokio::select! {
            () = stop.cancelled() => return,
            tcp = tokio::net::TcpStream::connect(addr) => tcp,
        };
        let Ok(mut tcp) = tcp else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let said = sends(i, addr);
        if !said.is_empty() && tcp.write_all(&said).await.is_err() {
            continue;
        }
        opened.fetch_add(1, Ordering::Relaxed);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                read = tcp.read(&mut buf) => match read {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                },
            }
        }
    }
}

/// Starts the crowd against `h`'s gateway; returns once every connection of it is open and the
/// gateway is at its cap.
async fn crowd(h: &Harness, stop: &CancellationToken) {
    let opened = Arc::new(AtomicUsize::new(0));
    for i in 0..CROWD {
        tokio::spawn(hold(h.gateway.addr(), i, Arc::clone(&opened), stop.clone()));
    }
    let started = Instant::now();
    while opened.load(Ordering::Relaxed) < CROWD {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the neighbour could not open its {CROWD} connections ({} open)",
            opened.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    at_the_cap(h, &opened).await;
}

/// Waits until the gateway serves as many connections as its cap allows (1,024 by default),
/// so the user's requests come when the neighbour holds every slot.
async fn at_the_cap(h: &Harness, opened: &AtomicUsize) {
    let cap = h.gateway.config().connections.max;
    let started = Instant::now();
    loop {
        let open: usize = h.gateway.connections().iter().sum();
        // One below: at the cap a connection's slot changes hands (closed, then the new one
        // counted).
        if open + 1 >= cap {
            return;
        }
        // Or the gateway has closed some of the crowd to make room (only done at the cap), and
        // what is missing is no more than the crowd's excess being handed over: each closed
        // connection re-opens at once, so on a busy machine several slots are between their
        // old holder and the new one at any moment (a CI run saw 1,011 of 1,024 for 30 s).
        if opened.load(Ordering::Relaxed) > CROWD && open + CROWD.saturating_sub(cap) >= cap {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the gateway never filled its {cap} connection slots ({open} open)"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The user's `ASKS` requests, each on a new connection (as a command-line tool makes them):
/// how long each took, or why it failed.
async fn user_asks(h: &Harness) -> Vec<Result<Duration, String>> {
    let mut took = Vec::with_capacity(ASKS);
    for _ in 0..ASKS {
        let fresh = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap();
        let started = Instant::now();
        let resp = fresh
            .post(format!("{}/v1/chat/completions", h.base))
            .bearer_auth(TOKEN)
            .json(&openai_chat("demo-chat", false))
            .send()
            .await;
        let outcome = match resp {
            Ok(r) if r.status() == 200 => match r.text().await {
                Ok(_) => Ok(started.elapsed()),
                Err(e) => Err(format!("body: {e}")),
            },
            Ok(r) => Err(format!("status {}", r.status())),
            Err(e) => Err(format!("{e}")),
        };
        took.push(outcome);
    }
    took
}

fn assert_unhindered(took: &[Result<Duration, String>], crowd: &str) {
    eprintln!("the user's requests beside {crowd}: {took:?}");
    for (i, t) in took.iter().enumerate() {
        match t {
            Ok(d) => assert!(
                *d < BOUND,
                "request {i} took {d:?} beside {crowd}: a neighbour's idle and half-sent \
                 connections must not delay the user's requests by seconds ({took:?})"
            ),
            Err(e) => panic!(
                "request {i} failed beside {crowd}: {e}; the user's requests are answered \
                 ({took:?})"
            ),
        }
    }
}

#[tokio::test]
async fn a_neighbours_idle_and_half_sent_connections_do_not_slow_the_users_requests() {
    let (mock, h) = start_demo().await;
    let stop = CancellationToken::new();
    crowd(&h, &stop).await;
    let took = user_asks(&h).await;
    stop.cancel();
    assert_unhindered(&took, "1,100 idle, half-sent and kept-alive connections");
    assert_eq!(
        mock.calls("chat"),
        ASKS as u64,
        "every request reached the upstream"
    );
}

/// A backend that streams one word every `per_token`.
async fn slow_mock(per_token: Duration) -> switchyard_mock::MockServer {
    let config = switchyard_mock::MockConfig {
        latency: switchyard_mock::Latency {
            first_byte: Duration::ZERO,
            per_token,
        },
        ..switchyard_mock::MockConfig::instant()
    };
    switchyard_mock::MockServer::start(config).await.unwrap()
}

fn backend(name: &str, mock: &switchyard_mock::MockServer) -> Target {
    let url = format!("{}/v1", mock.base_url());
    target(name, BackendKind::OpenAi, &url, &[(name, name)])
}

#[tokio::test]
async fn a_stream_in_flight_and_the_users_kept_alive_connection_outlast_a_neighbours_crowd() {
    // The stream asks Slow (45 words, 200 ms each); the other requests ask Spare, which
    // answers at once.
    let slow = slow_mock(Duration::from_millis(200)).await;
    let spare = switchyard_mock::MockServer::start(switchyard_mock::MockConfig::instant())
        .await
        .unwrap();
    let h = start(
        vec![backend("Slow", &slow), backend("Spare", &spare)],
        &[("Slow", "sk-slow"), ("Spare", "sk-spare")],
    )
    .await;
    let stream = h
        .post(
            "/v1/chat/completions",
            &openai_chat("Slow/gpt-4.1-mini", true),
        )
        .await;
    assert_eq!(stream.status(), 200);
    let stop = CancellationToken::new();
    crowd(&h, &stop).await;
    // One pooled client, as a tool keeps its connection alive between requests.
    let pooled = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let mut took = Vec::with_capacity(ASKS);
    for _ in 0..ASKS {
        let started = Instant::now();
        let resp = pooled
            .post(format!("{}/v1/chat/completions", h.base))
            .bearer_auth(TOKEN)
            .json(&openai_chat("Spare/gpt-4.1-mini", false))
            .send()
            .await;
        took.push(match resp {
            Ok(r) if r.status() == 200 => r
                .text()
                .await
                .map(|_| started.elapsed())
                .map_err(|e| e.to_string()),
            Ok(r) => Err(format!("status {}", r.status())),
            Err(e) => Err(e.to_string()),
        });
    }
    let streaming = h.gateway.handle().in_flight();
    let body = stream.text().await;
    stop.cancel();
    assert_unhindered(&took, "1,100 connections, on a kept-alive connection");
    assert!(
        streaming >= 1,
        "the stream was still in flight while the neighbour held the gateway at its cap"
    );
    let body = body.expect("the stream in flight was not cut to make room");
    let (text, done, _) = openai_stream_text(&body);
    assert!(
        done && text.contains("Switchyard demo backend"),
        "a request in flight is never the one closed at the cap: the stream ends whole ({body})"
    );
}

/// The throw-away second account the crowd is held by (root only: `useradd`, `runuser`).
#[cfg(target_os = "linux")]
fn neighbour_account() -> &'static str {
    const NAME: &str = "sy-nb-gateway";
    let _ = std::process::Command::new("useradd")
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

/// The crowd as a program of another account: `CROWD` connections to the port in argv[1],
/// sending what [`sends`] says, each re-opened when the gateway closes it; "held" once all
/// are open; it ends when its stdin closes.
#[cfg(target_os = "linux")]
const CROWD_PY: &str = r#"
import resource, selectors, socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
sends = [b"", b"POST /v1/chat/compl",
         b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: applic",
         ("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port).encode()]
sel = selectors.DefaultSelector()
sel.register(sys.stdin, selectors.EVENT_READ, None)
def hold(i):
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port))
            break
        except OSError:
            time.sleep(0.02)
    try:
        if sends[i % 4]:
            s.sendall(sends[i % 4])
    except OSError:
        pass
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, i)
for i in range(n):
    hold(i)
print("held", flush=True)
while True:
    for key, _ in sel.select():
        if key.data is None:
            if not sys.stdin.buffer.read1(64):
                sys.exit(0)
            continue
        try:
            data = key.fileobj.recv(512)
        except BlockingIOError:
            continue
        except OSError:
            data = b""
        if not data:
            sel.unregister(key.fileobj)
            key.fileobj.close()
            hold(key.data)
"#;

#[cfg(target_os = "linux")]
#[tokio::test]
#[ignore = "needs root: acts as a second account (./dev test runs ignored tests)"]
async fn a_second_accounts_idle_and_half_sent_connections_do_not_slow_the_users_requests() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let (mock, h) = start_demo().await;
    let who = neighbour_account();
    let port = h.gateway.addr().port().to_string();
    let mut held = Command::new("runuser")
        .args(["-u", who, "--", "python3", "-c", CROWD_PY, &port])
        .arg(CROWD.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("runuser and python3 run the neighbour's program");
    let said = tokio::task::spawn_blocking({
        let out = held.stdout.take().unwrap();
        move || {
            let mut line = String::new();
            std::io::BufReader::new(out)
                .read_line(&mut line)
                .map(|_| line)
        }
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        said.trim(),
        "held",
        "the other account holds its {CROWD} connections"
    );
    let took = user_asks(&h).await;
    drop(held.stdin.take()); // the neighbour's program ends when its stdin closes
    let _ = held.wait();
    assert_unhindered(
        &took,
        "another account's 1,100 idle and half-sent connections",
    );
    assert_eq!(
        mock.calls("chat"),
        ASKS as u64,
        "every request reached the upstream"
    );
}
