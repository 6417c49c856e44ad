use super::*;

fn grants() -> (tempfile::TempDir, FileGrants) {
    let tmp = tempfile::tempdir().unwrap();
    let grants = FileGrants::new(tmp.path().join("panel-files"));
    (tmp, grants)
}

fn handle(id: &str) -> FileHandle {
    serde_json::from_value(serde_json::json!(id)).unwrap()
}

fn session(id: &str) -> Holder {
    Holder::Session(id.into())
}

#[tokio::test]
async fn only_handles_someone_handed_out_name_a_file() {
    let (_tmp, grants) = grants();
    let mut up = grants.upload(session("s1"), ".env", Some(16)).unwrap();
    up.write(b"OPENAI_API_KEY=x").await.unwrap();
    let chosen = up.finish().await.unwrap();
    assert_eq!(
        chosen.path, ".env (uploaded)",
        "named as the browser knows it"
    );
    let granted = grants.resolve(&handle(&chosen.id), Access::Read).unwrap();
    assert_eq!(std::fs::read(granted.path()).unwrap(), b"OPENAI_API_KEY=x");
    for forged in ["/etc/passwd", "../../.bashrc", "upload-0", "file-1", ""] {
        let e = grants.resolve(&handle(forged), Access::Read).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Validation,
            "{forged} was handed out by no one"
        );
    }
}

#[test]
fn a_handle_is_good_only_for_what_it_was_minted_for() {
    let (_tmp, grants) = grants();
    let price = grants.chosen_in_dialog("/home/u/prices.json".into(), FilePurpose::PriceFile);
    assert!(grants.resolve(&handle(&price.id), Access::Read).is_ok());
    assert!(
        grants.resolve(&handle(&price.id), Access::Write).is_err(),
        "a file picked to be read is never written"
    );
    let place = grants
        .reserve(session("s1"), FilePurpose::Export, "usage.csv")
        .unwrap();
    assert!(grants.resolve(&handle(&place.id), Access::Write).is_ok());
    assert!(
        grants.resolve(&handle(&place.id), Access::Read).is_err(),
        "a place to save is not a file to read"
    );
    let env = grants.chosen_in_dialog("/home/u/p/.env".into(), FilePurpose::EnvFile);
    assert!(grants.resolve(&handle(&env.id), Access::ReadWrite).is_ok());
    assert!(
        grants
            .reserve(session("s1"), FilePurpose::EnvFile, ".env")
            .is_err(),
        "a file to read is uploaded, not reserved"
    );
}

#[test]
fn a_download_is_given_once_to_its_holder_after_a_command_wrote_it() {
    let (_tmp, grants) = grants();
    let place = grants
        .reserve(session("s1"), FilePurpose::Export, "usage.csv")
        .unwrap();
    assert!(place.id.starts_with(DOWNLOAD_PREFIX));
    assert_eq!(place.path, "usage.csv (downloaded)");
    assert!(
        grants.take_download(&session("s1"), &place.id).is_none(),
        "nothing written yet"
    );
    let granted = grants.resolve(&handle(&place.id), Access::Write).unwrap();
    std::fs::write(granted.path(), "a,b\n").unwrap();
    assert!(
        grants.take_download(&session("s2"), &place.id).is_none(),
        "another session's download is not this one's"
    );
    let (name, path) = grants.take_download(&session("s1"), &place.id).unwrap();
    assert_eq!(name, "usage.csv");
    assert_eq!(std::fs::read(path).unwrap(), b"a,b\n");
    assert!(
        grants.take_download(&session("s1"), &place.id).is_none(),
        "once"
    );
}

#[test]
fn a_name_holds_no_folder_and_no_control_character() {
    assert!(plain_name("switchyard-requests.csv").is_ok());
    for bad in [
        "",
        ".",
        "..",
        "../x.csv",
        "/tmp/x.csv",
        "a\\b",
        "a\0b",
        "a\u{1b}[31m",
    ] {
        assert!(plain_name(bad).is_err(), "{bad:?}");
    }
    assert!(plain_name(&"a".repeat(256)).is_err());
}

#[tokio::test]
async fn uploads_are_held_to_their_cap_and_quotas_and_an_unfinished_one_leaves_nothing() {
    let (tmp, grants) = grants();
    assert_eq!(
        grants
            .upload(session("s1"), "big", Some(UPLOAD_MAX + 1))
            .err(),
        Some(Refused::TooLarge),
        "a declared length over the cap is refused before a byte is read"
    );
    let chunk = vec![b'x'; 1 << 20];
    let mut kept = Vec::new();
    for _ in 0..(HOLDER_QUOTA / UPLOAD_MAX) {
        let mut up = grants.upload(session("s1"), "f", None).unwrap();
        for _ in 0..(UPLOAD_MAX >> 20) {
            up.write(&chunk).await.unwrap();
        }
        assert_eq!(
            up.write(b"x").await,
            Err(Refused::TooLarge),
            "one byte over the cap"
        );
        kept.push(up.finish().await.unwrap());
    }
    assert_eq!(grants.held(&session("s1")).0, HOLDER_QUOTA);
    let mut more = grants.upload(session("s1"), "f", None).unwrap();
    assert_eq!(
        more.write(b"x").await,
        Err(Refused::Quota),
        "a session's quota is its own limit"
    );
    drop(more);
    let mut other = grants.upload(session("s2"), "f", None).unwrap();
    other.write(&chunk).await.unwrap();
    drop(other);
    assert_eq!(
        grants.held(&session("s2")),
        (0, HOLDER_QUOTA),
        "an unfinished upload gives its bytes back"
    );
    let folders = std::fs::read_dir(tmp.path().join("panel-files"))
        .unwrap()
        .count();
    assert_eq!(folders, kept.len(), "and leaves no file behind");
    grants.release(&session("s1"));
    assert_eq!(grants.held(&session("s1")), (0, 0));
    assert!(
        grants.resolve(&handle(&kept[0].id), Access::Read).is_err(),
        "a session's files go with it"
    );
    let folders = std::fs::read_dir(tmp.path().join("panel-files"))
        .unwrap()
        .count();
    assert_eq!(folders, 0);
}

#[test]
fn the_total_quota_holds_across_holders() {
    let (_tmp, grants) = grants();
    let per = HOLDER_QUOTA;
    let holders = TOTAL_QUOTA / per;
    for i in 0..holders {
        assert!(grants.take_bytes(&session(&format!("s{i}")), per));
    }
    assert!(
        !grants.take_bytes(&session("late"), 1),
        "past the total nobody uploads"
    );
    assert_eq!(
        grants.upload(session("late"), "f", Some(1)).err(),
        Some(Refused::Quota)
    );
}

#[test]
fn an_error_names_the_file_as_its_holder_knows_it() {
    let (_tmp, grants) = grants();
    let place = grants
        .reserve(session("s1"), FilePurpose::Report, "run.html")
        .unwrap();
    let granted = grants.resolve(&handle(&place.id), Access::Write).unwrap();
    let e = IpcError::new(
        ErrorKind::File,
        format!("cannot write {}: denied", granted.path().display()),
    );
    let scrubbed = granted.scrub(e);
    assert_eq!(
        scrubbed.message,
        "cannot write run.html (downloaded): denied"
    );
}
