//! The order the team servers' passwords are taken in, and what is refused (issue 70).

use super::*;
use switchyard_secrets::MemoryStore;

const DB: TeamServer = TeamServer::Database;
const REDIS: TeamServer = TeamServer::Redis;

fn secret(s: &str) -> Option<SecretString> {
    Some(SecretString::from(s))
}

/// A file holding `text`, with `mode`.
fn file(dir: &tempfile::TempDir, text: &str, mode: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.path().join(format!("pw-{mode:o}-{}", text.len()));
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

#[test]
fn an_argument_holding_a_password_is_refused_in_every_form_and_the_refusal_never_holds_it() {
    let forms = [
        (DB, "postgres://ana:hunter2@db:5432/team"),
        (DB, "postgres://ana@db:5432/team?password=hunter2"),
        (DB, "host=db user=ana password=hunter2 dbname=team"),
        (REDIS, "redis://:hunter2@cache:6379"),
        (REDIS, "redis://ana:hunter2@cache:6379/0"),
        (REDIS, "rediss://:hunter2@cache:6380"),
        (REDIS, "redis+unix:///run/redis.sock?pass=hunter2"),
        (DB, "postgres://ana:hunter2@db:port/team"),
        (DB, "postgres://ana@db/team?sslpassword=hunter2"),
    ];
    for (server, url) in forms {
        let e = resolve(server, url, Given::Flag, Sources::default())
            .err()
            .unwrap_or_else(|| panic!("{url}: a password in an argument every account reads"));
        assert!(matches!(e, CredentialError::InArgument(s) if s == server));
        let text = e.to_string();
        assert!(!text.contains("hunter2"), "never echoed: {text}");
        for way in [
            server.password_file_flag(),
            server.password_env(),
            "switchyard team login",
        ] {
            assert!(text.contains(way), "the refusal names {way}: {text}");
        }
    }
}

#[test]
fn a_bare_argument_and_an_environment_address_holding_its_password_are_taken() {
    for url in [
        "postgres://ana@db/team",
        "postgres://ana@db/team?sslmode=require&passfile=/x",
        "host=db user=ana dbname=team",
        "redis://cache:6379",
        "redis://ana@cache:6379/1",
    ] {
        let server = if url.starts_with("redis") { REDIS } else { DB };
        let bare = resolve(server, url, Given::Flag, Sources::default()).unwrap();
        assert_eq!(
            bare.password_from(),
            None,
            "{url}: no password, a server that trusts this host"
        );
    }
    let env = resolve(
        DB,
        "postgres://ana:hunter2@db/team",
        Given::Environment,
        Sources::default(),
    )
    .unwrap();
    assert_eq!(
        env.password_from(),
        Some(PasswordFrom::Address),
        "an environment is its own account's: its address may keep holding the password"
    );
}

#[test]
fn the_password_comes_from_the_file_then_the_environment_then_the_address_then_the_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let from_file = file(&dir, "from-file\n", 0o600);
    let store = MemoryStore::new();
    keep(
        DB,
        "postgres://ana@db/team",
        &SecretString::from("from-keychain"),
        &store,
    )
    .unwrap();
    let url = "postgres://ana:from-address@db/team";
    let all = || Sources {
        file: Some(&from_file),
        environment: secret("from-env"),
        keychain: Some(&store),
    };
    let order = [
        (all(), PasswordFrom::File, "from-file"),
        (
            Sources {
                file: None,
                ..all()
            },
            PasswordFrom::Environment,
            "from-env",
        ),
        (
            Sources {
                file: None,
                environment: None,
                ..all()
            },
            PasswordFrom::Address,
            "from-address",
        ),
    ];
    for (sources, from, password) in order {
        let a = resolve(DB, url, Given::Environment, sources).unwrap();
        assert_eq!(a.password_from(), Some(from));
        let config = a.postgres().unwrap();
        assert_eq!(config.get_password(), Some(password.as_bytes()), "{from:?}");
    }
    let bare = resolve(
        DB,
        "postgres://ana@db/team",
        Given::Flag,
        Sources {
            file: None,
            environment: None,
            ..all()
        },
    )
    .unwrap();
    assert_eq!(bare.password_from(), Some(PasswordFrom::Keychain));
    assert_eq!(
        bare.postgres().unwrap().get_password(),
        Some(&b"from-keychain"[..])
    );
}

#[test]
fn a_password_kept_for_one_server_is_never_sent_to_another() {
    let store = MemoryStore::new();
    keep(
        DB,
        "postgres://ana@db:5432/team",
        &SecretString::from("pw"),
        &store,
    )
    .unwrap();
    keep(
        REDIS,
        "redis://cache:6379",
        &SecretString::from("rpw"),
        &store,
    )
    .unwrap();
    let with = |server, url: &str| {
        let sources = Sources {
            keychain: Some(&store),
            ..Sources::default()
        };
        resolve(server, url, Given::Flag, sources)
            .unwrap()
            .password_from()
    };
    assert_eq!(
        with(DB, "postgres://ana@db/team"),
        Some(PasswordFrom::Keychain),
        "5432 is the default port"
    );
    for other in [
        "postgres://ana@evil:5432/team",
        "postgres://ana@db:5433/team",
        "postgres://bob@db:5432/team",
        "postgres://ana@db:5432/other",
    ] {
        assert_eq!(
            with(DB, other),
            None,
            "{other}: another server gets nothing"
        );
    }
    assert_eq!(
        with(REDIS, "redis://cache:6379"),
        Some(PasswordFrom::Keychain)
    );
    assert_eq!(with(REDIS, "redis://evil:6379"), None);
    assert_eq!(
        with(REDIS, "redis://cache:6379/1"),
        None,
        "another database number"
    );
    forget(DB, "postgres://ana@db:5432/team", &store).unwrap();
    assert_eq!(with(DB, "postgres://ana@db/team"), None, "forgotten");
}

#[test]
fn no_keychain_on_this_machine_is_no_password_from_it_but_a_broken_entry_is_said() {
    let store = MemoryStore::new();
    store.set_unavailable(true);
    let sources = Sources {
        keychain: Some(&store),
        ..Sources::default()
    };
    let a = resolve(DB, "postgres://ana@db/team", Given::Flag, sources).unwrap();
    assert_eq!(a.password_from(), None);

    struct Broken;
    impl SecretStore for Broken {
        fn set(&self, _: &str, _: &SecretString) -> Result<(), SecretError> {
            Err(SecretError::Corrupt)
        }
        fn get(&self, _: &str) -> Result<SecretString, SecretError> {
            Err(SecretError::Corrupt)
        }
        fn delete(&self, _: &str) -> Result<(), SecretError> {
            Err(SecretError::Corrupt)
        }
        fn service(&self) -> &str {
            "broken"
        }
    }
    let sources = Sources {
        keychain: Some(&Broken),
        ..Sources::default()
    };
    let e = resolve(DB, "postgres://ana@db/team", Given::Flag, sources).unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::Keychain {
                source: SecretError::Corrupt,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_password_file_gives_its_first_line_and_is_refused_when_others_can_read_it_or_it_is_no_password(
) {
    let dir = tempfile::tempdir().unwrap();
    let crlf = file(&dir, " sp ace d\r\nsecond line\n", 0o600);
    assert_eq!(
        read_file(DB, &crlf).unwrap().expose(),
        " sp ace d",
        "the first line, its spaces kept"
    );
    let group = file(&dir, "group-readable", 0o640);
    assert!(
        read_file(DB, &group).is_ok(),
        "a group the user chose may read it"
    );
    let cases = [
        (file(&dir, "seen-by-all", 0o644), "chmod 600"),
        (file(&dir, "\nseen-never", 0o600), "is empty"),
        (file(&dir, &"x".repeat(5000), 0o600), "over 4096 bytes"),
        (dir.path().join("missing"), "cannot be read"),
    ];
    for (path, why) in cases {
        let e = read_file(REDIS, &path).unwrap_err().to_string();
        assert!(
            e.contains(why) && e.contains(&path.display().to_string()),
            "{e}"
        );
        assert!(
            !e.contains("seen-"),
            "the file's content is never in the error: {e}"
        );
        assert!(e.contains("the team Redis"), "{e}");
    }
}

#[test]
fn keychain_entries_name_the_server_user_and_database_never_a_password() {
    assert_eq!(
        keychain_account(DB, "postgres://ana:pw@db.internal/team?sslmode=require").unwrap(),
        "team-database-password:ana@db.internal:5432/team"
    );
    assert_eq!(
        keychain_account(REDIS, "redis://ops:pw@cache:6380/2").unwrap(),
        "team-redis-password:ops@cache:6380/2"
    );
    assert!(matches!(
        keychain_account(DB, "mysql://nope"),
        Err(CredentialError::Address(TeamServer::Database))
    ));
}
