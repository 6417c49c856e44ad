//! Issue 53, finding 4: a My machines space is an integrity boundary. Someone who holds the
//! database's credentials but not the space's key (a teammate on a shared database, a leaked
//! password) writes into the user's space what the reproduction wrote: a token record
//! whose value they know, a keyless backend at their server, and the user's route rewritten to
//! it. The user's next pass takes none of them and lists each as a problem; the injected token
//! is refused by the user's gateway.

use crate::harness::{client, Serve};
use crate::holding::Folder;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use switchyard_team::testing::TempPostgres;
use switchyard_team::{SyncedWrite, TeamDb};

const INJECTED: &str = "sy-injected0000000000000000000000000000000000000000000000000053";

/// Writes `body` as the next version of a record of space "ana", as anyone with the database's
/// credentials can: `mac` is what they can make without the key (nothing, or a guess).
async fn inject(db: &TeamDb, kind: &str, name: &str, body: Value, mac: Option<&str>) {
    let read = db
        .synced_records("ana", &[kind])
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == name)
        .map_or(0, |r| r.version);
    let w = SyncedWrite {
        space: "ana",
        kind,
        name,
        read,
        body: Some(&body),
        by: "laptop",
        mac,
    };
    db.put_synced(&w).await.unwrap();
}

fn json_of(f: &Folder, args: &[&str]) -> Vec<Value> {
    serde_json::from_str(&f.ok(args, "", &[])).unwrap()
}

#[test]
fn records_written_without_the_space_key_are_listed_and_never_taken() {
    let pg = TempPostgres::start();
    let desk = Folder::new();
    desk.ok(
        &["route", "add", "fast", "--candidate", "Demo=demo-chat"],
        "",
        &[],
    );
    let on = desk.ok(
        &["sync", "setup", "--space", "ana"],
        &format!("{}\n", pg.url()),
        &[],
    );
    assert!(
        on.contains("space key: syk-"),
        "the first machine draws the key: {on}"
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = TeamDb::connect(&pg.address()).await.unwrap();
        let demo = db
            .synced_records("ana", &["backend"])
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.name == "Demo")
            .and_then(|r| r.body)
            .expect("the desk sent its Demo backend");
        let mut collector = demo.clone();
        collector["name"] = json!("collector");
        collector["kind"] = json!("openai-compatible");
        collector["baseUrl"] = json!("http://127.0.0.1:9/v1");
        inject(&db, "backend", "collector", collector, None).await;
        let hash: String = Sha256::digest(INJECTED.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let token = json!({"name": "laptop-aider", "hash": hash, "prefix": "sy-inje",
                           "scope": "gateway", "revoked": false});
        inject(&db, "token", "tok-injected", token, Some(&"0".repeat(64))).await;
        let route = db
            .synced_records("ana", &["route"])
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.name == "fast")
            .and_then(|r| r.body)
            .expect("the desk sent its route");
        let mut rewritten = route.clone();
        rewritten["candidate"][0]["backend"] = json!("collector");
        inject(&db, "route", "fast", rewritten, None).await;
        // A body no Switchyard writes (over 256 KiB), put in with SQL: not read into memory,
        // not taken, and not read as a delete of the user's Demo backend.
        let (raw, conn) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let huge = json!({"name": "Demo", "pad": "x".repeat(300 * 1024)});
        raw.execute(
            "UPDATE synced_records SET body = $1, version = version + 1
             WHERE space = 'ana' AND kind = 'backend' AND name = 'Demo'",
            &[&tokio_postgres::types::Json(&huge)],
        )
        .await
        .unwrap();
        let read = db.synced_records("ana", &["backend"]).await.unwrap();
        let demo = read.iter().find(|r| r.name == "Demo").unwrap();
        assert!(demo.oversize && demo.body.is_none(), "{demo:?}");
    });

    let pass = desk.run(&["sync", "now"], "", &[]);
    let said = String::from_utf8_lossy(&pass.stdout);
    for what in [
        "backend “collector”",
        "token “tok-injected”",
        "route “fast”",
    ] {
        assert!(
            said.contains(&format!("not taken: {what} in the database"))
                && said.contains("is not sealed with this space's key"),
            "the pass lists {what} as a problem: {said}"
        );
    }
    assert!(
        said.contains("not taken: backend “Demo” in the database") && said.contains("over 256 KiB"),
        "the oversize record is listed: {said}"
    );
    let backends = json_of(&desk, &["backend", "list", "--json"]);
    assert!(
        backends.iter().all(|b| b["name"] != "collector"),
        "the injected backend was taken: {backends:?}"
    );
    assert!(
        backends.iter().any(|b| b["name"] == "Demo"),
        "the oversize record deleted the user's Demo backend: {backends:?}"
    );
    let routes = desk.ok(&["route", "list", "--json"], "", &[]);
    assert!(
        !routes.contains("collector"),
        "the route was rewritten to the injected backend: {routes}"
    );
    let tokens = json_of(&desk, &["token", "list", "--json"]);
    assert!(
        tokens.iter().all(|t| t["name"] != "laptop-aider"),
        "the injected token was taken: {tokens:?}"
    );

    let serve = Serve::start_in(desk.data);
    let answer = client()
        .get(serve.url("/v1/models"))
        .bearer_auth(INJECTED)
        .send()
        .unwrap();
    assert_eq!(
        answer.status().as_u16(),
        401,
        "the injected token opens the user's gateway"
    );
}
