use super::*;

#[test]
fn a_proof_verifies_under_its_key_and_nowhere_else() {
    let (a, b) = (Identity::random(), Identity::random());
    let nonce = fresh_nonce();
    let proof = a.prove(&nonce);
    assert!(a.verifies(&nonce, &proof), "the key's own proof");
    assert!(
        !b.verifies(&nonce, &proof),
        "another key's proof is no proof"
    );
    assert!(
        !a.verifies(&fresh_nonce(), &proof),
        "an old answer replayed to a new nonce is no proof"
    );
    assert!(!a.verifies(&nonce, "not hex"), "garbage is no proof");
}

#[test]
fn the_record_is_the_owners_only_and_reads_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let id = Identity::random();
    publish(dir.path(), 4141, &id).expect("publish");
    let (pid, port, key) = read(dir.path()).expect("read back");
    assert_eq!((pid, port), (std::process::id(), 4141));
    let nonce = fresh_nonce();
    assert!(key.verifies(&nonce, &id.prove(&nonce)), "the same key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(RECORD_FILE))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "no other account may read the key");
    }
}

/// A squatter: answers every request with a 200 and a made-up proof, as a program that read
/// the documentation (but not the key) would.
async fn squatter() -> (tokio::net::TcpListener, u16) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = l.local_addr().expect("addr").port();
    (l, port)
}

#[tokio::test]
async fn a_program_that_answers_without_the_key_is_not_this_folders_gateway() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (l, port) = squatter().await;
    publish(dir.path(), port, &Identity::random()).expect("publish");
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await;
            let body = format!("{{\"proof\":\"{}\"}}", "ab".repeat(32));
            let _ = s
                .write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                )
                .await;
        }
    });
    assert!(
        matches!(examine(port, dir.path()).await, PortState::Other(_)),
        "a made-up proof must not pass"
    );
    assert_eq!(
        find(dir.path()).await,
        None,
        "the record's port is not ours: no guess"
    );
}

#[tokio::test]
async fn a_squatter_that_never_answers_costs_at_most_the_deadline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (l, port) = squatter().await;
    publish(dir.path(), port, &Identity::random()).expect("publish");
    let held = tokio::spawn(async move {
        let mut kept = Vec::new();
        while let Ok((s, _)) = l.accept().await {
            kept.push(s);
        }
    });
    let started = std::time::Instant::now();
    assert!(matches!(
        examine(port, dir.path()).await,
        PortState::Other(_)
    ));
    assert!(
        started.elapsed() < ASK_DEADLINE * 2,
        "a stalling squatter is given up on after the deadline"
    );
    held.abort();
}

#[tokio::test]
async fn a_free_port_is_free_and_is_claimed_as_it_is() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    assert_eq!(examine(port, dir.path()).await, PortState::Free);
    let wanted: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let c = claim(wanted, false, dir.path()).await;
    assert_eq!((c.bind, c.squat), (wanted, None));
}

#[tokio::test]
async fn a_held_port_moves_unless_fixed_and_the_squat_is_reported_either_way() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_held, port) = squatter().await;
    let wanted: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let moved = claim(wanted, false, dir.path()).await;
    assert_eq!(moved.bind.port(), 0, "not fixed: a free port");
    assert_eq!(moved.squat.as_ref().map(|s| s.port), Some(port));
    #[cfg(target_os = "linux")]
    assert_eq!(
        moved
            .squat
            .as_ref()
            .and_then(|s| s.holder.as_ref())
            .and_then(|h| h.pid),
        Some(std::process::id()),
        "this user's own process holding it is named"
    );
    let fixed = claim(wanted, true, dir.path()).await;
    assert_eq!(fixed.bind, wanted, "a fixed port is not moved");
    assert!(fixed.squat.is_some(), "and the squat is still reported");
}
