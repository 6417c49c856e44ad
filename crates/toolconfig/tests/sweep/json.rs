//! JSON has no comments, so a key's member is removed: the comma before a last member goes with
//! it, the record anchors on a neighbouring line that holds no other key, and the file stays
//! valid JSON throughout.

use super::*;

#[test]
fn json_last_member_is_removed_with_the_comma_before_it() {
    let text = fixture("settings.json");
    let (out, moved) = take_openai(&text, SourceKind::Json, 6).unwrap();
    let expected = text.replace(&format!(",\n    \"OPENAI_API_KEY\": \"{OPENAI}\""), "");
    assert_eq!(out, expected, "the member and the comma before it are gone");
    assert!(
        serde_json::from_str::<serde_json::Value>(&out).is_ok(),
        "still valid JSON"
    );
    assert_eq!(moved.line, 6);
    assert_eq!(
        moved.inserted, "    \"ANTHROPIC_BASE_URL\": \"http://127.0.0.1:4141\"",
        "the record anchors on the line that lost its comma"
    );
}

#[test]
fn json_member_removal_keeps_valid_json_everywhere() {
    for name in ["settings.json", "opencode.json"] {
        let text = fixture(name);
        for f in scan(&text, SourceKind::Json) {
            if let Ok((out, _)) = take(&text, SourceKind::Json, &f) {
                assert!(
                    serde_json::from_str::<serde_json::Value>(&out).is_ok(),
                    "{name} line {}: valid JSON after the removal",
                    f.line
                );
            }
        }
    }
}

#[test]
fn json_member_sharing_its_line_is_unsupported() {
    let text = format!("{{ \"env\": {{ \"OPENAI_API_KEY\": \"{OPENAI}\" }} }}\n");
    let err = err(take_openai(&text, SourceKind::Json, 1));
    assert!(matches!(err, SweepError::Unsupported(_)), "{err:?}");
}

#[test]
fn json_comma_fix_skips_comments_between_members() {
    let text = format!(
        "{{\r\n  \"a\": \"1\", // first\r\n  // the key:\r\n  \"OPENAI_API_KEY\": \"{OPENAI}\"\r\n}}"
    );
    let (out, moved) = take_openai(&text, SourceKind::Json, 4).unwrap();
    assert_eq!(out, "{\r\n  \"a\": \"1\" // first\r\n  // the key:\r\n}");
    assert_eq!(
        restore(&out, SourceKind::Json, &moved, OPENAI).unwrap(),
        text
    );
}

#[test]
fn json_keys_moved_from_one_object_come_back_in_either_order() {
    let text = fixture("settings.json");
    let src = SourceKind::Json;
    let (one, first) = take_out(&text, src, 4, "ANTHROPIC_API_KEY", "sk-ant-…QAh6", NOTE).unwrap();
    let (two, second) = take_openai(&one, src, 5).unwrap();
    let back = restore(&two, src, &first, ANTHROPIC).unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&back).is_ok(),
        "valid in between"
    );
    let back = restore(&back, src, &second, OPENAI).unwrap();
    assert!(back == text, "first taken, first restored");
}

#[test]
fn json_key_next_to_another_key_anchors_on_the_other_side_or_waits() {
    let k1 = format!("    \"ANTHROPIC_API_KEY\": \"{ANTHROPIC}\",");
    let k2 = format!("    \"OPENAI_API_KEY\": \"{OPENAI}\"");
    let src = SourceKind::Json;

    // A key above, a plain line below: the line below is the anchor.
    let text = format!("{{\n  \"env\": {{\n{k1}\n{k2},\n    \"BASE\": \"x\"\n  }}\n}}\n");
    let (out, moved) = take_openai(&text, src, 4).unwrap();
    assert_eq!(moved.inserted, "    \"BASE\": \"x\"");
    assert!(
        !format!("{moved:?}").contains("CANARY"),
        "the neighbouring key is not recorded"
    );
    assert!(restore(&out, src, &moved, OPENAI).unwrap() == text);

    // The last member below a key: its comma cannot go without recording that key.
    let text = format!("{{\n  \"env\": {{\n{k1}\n{k2}\n  }}\n}}\n");
    let refused = err(take_openai(&text, src, 4));
    assert!(matches!(refused, SweepError::Unsupported(_)), "{refused:?}");
    let (one, first) = take_out(&text, src, 3, "ANTHROPIC_API_KEY", "sk-ant-…QAh6", NOTE).unwrap();
    let (two, second) = take_openai(&one, src, 3).unwrap();
    assert_eq!(two, "{\n  \"env\": {\n  }\n}\n");
    let back = restore(
        &restore(&two, src, &second, OPENAI).unwrap(),
        src,
        &first,
        ANTHROPIC,
    );
    assert!(
        back.unwrap() == text,
        "the other key first, then this one, and back"
    );
}

#[test]
fn a_gateway_token_or_unknown_secret_next_to_the_key_is_never_recorded() {
    for neighbour in [
        "sy-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    ] {
        let key = "sk-proj-CANARYc4n4ryC4N4RYc4n4ryC4N4RYc4n4ryC4N4RY01";
        let text = format!(
            "{{\n  \"env\": {{\n    \"OTHER_TOKEN\": \"{neighbour}\",\n    \"OPENAI_API_KEY\": \"{key}\"\n  }}\n}}\n"
        );
        let found = scan(&text, SourceKind::Json);
        assert_eq!(found.len(), 1, "{found:?}");
        let err = take(&text, SourceKind::Json, &found[0]).unwrap_err();
        assert!(err.to_string().contains("next to it"), "{err}");
    }
}
