//! Issue 53, finding 5: data from the team never deletes what the user keeps, and a reading
//! command stays a read. A desktop with the team's variables set has its own backend "Main"
//! (with a key in its keychain); the team's space holds a tombstone of the same name (an admin
//! added and deleted a "Main" of the team's). `key list` there reads only, and `key add` — which
//! takes the team's backends first — neither deletes nor replaces the desktop's own backend,
//! and no keychain entry is removed.

use crate::args::add_main_args;
use crate::holding::Folder;
use std::io::Write;
use switchyard_team::testing::TempPostgres;

const KEY: &str = "sk-TOMBSTONEtombst0neT0MBST0NE5353";

/// `switchyard-serve ARGS…` on `f`, `team` the team database's address when set, `stdin` piped
/// in: (exit code, stdout, stderr).
fn sy(f: &Folder, team: Option<&str>, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut cmd = f.command(args);
    cmd.env_remove("SWITCHYARD_TEAM_REDIS_URL");
    match team {
        Some(url) => cmd.env("SWITCHYARD_TEAM_DATABASE_URL", url),
        None => cmd.env_remove("SWITCHYARD_TEAM_DATABASE_URL"),
    };
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// The desktop's own keys of backend "Main", as `key list --json` reads them (no team).
fn main_keys(desk: &Folder) -> Vec<serde_json::Value> {
    let (code, out, err) = sy(desk, None, &["key", "list", "Main", "--json"], "");
    assert_eq!(
        code, 0,
        "the desktop's own backend Main is still there: {err}"
    );
    serde_json::from_str(&out).unwrap()
}

#[test]
fn a_team_tombstone_deletes_no_backend_or_key_made_on_this_machine() {
    let pg = TempPostgres::start();
    let (desk, shell) = (Folder::new(), Folder::new());
    let add = add_main_args("http://127.0.0.1:9/v1");
    let (code, _, err) = sy(&desk, None, &[&add[..], &["--key-stdin"]].concat(), KEY);
    assert_eq!(code, 0, "{err}");
    // An admin adds the team's own "Main" and deletes it: the team's space holds a tombstone.
    let team = Some(pg.url());
    let (code, _, err) = sy(&shell, team.as_deref(), &add, "");
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = sy(&shell, team.as_deref(), &["backend", "remove", "Main"], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(main_keys(&desk).len(), 1);

    let (code, _, err) = sy(&desk, team.as_deref(), &["key", "list"], "");
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        main_keys(&desk).len(),
        1,
        "`key list` with the team's variables set deleted the desktop's backend or its key"
    );

    let (code, _, err) = sy(
        &desk,
        team.as_deref(),
        &["key", "add", "Main", "--label", "second"],
        "sk-second-0123456789abcdefghij",
    );
    assert_eq!(code, 0, "{err}");
    let keys = main_keys(&desk);
    assert_eq!(
        keys.len(),
        2,
        "taking the team's records before `key add` deleted the desktop's own Main or its key: {keys:?}"
    );
}
