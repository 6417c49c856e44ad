use super::*;
use crate::test_support::simple;

#[test]
fn round_trips_every_field() {
    let mut a = simple("hello");
    a.response
        .content
        .push(Part::Image(ImageSource::Url("https://x/y.png".into())));
    a.response.content.push(Part::ToolResult {
        call_id: "c".into(),
        content: "r".into(),
        is_error: true,
    });
    a.response.stop = StopReason::Other("weird".into());
    a.cost_usd = None;
    assert_eq!(CachedAnswer::decode(&a.encode()), Ok(a));
}

#[test]
fn every_single_flipped_byte_is_detected() {
    let bytes = simple("hello").encode();
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x01;
        assert!(
            CachedAnswer::decode(&bad).is_err(),
            "flip at {i} went unnoticed"
        );
    }
}

#[test]
fn every_truncation_is_detected() {
    let bytes = simple("hello").encode();
    for len in 0..bytes.len() {
        assert!(CachedAnswer::decode(&bytes[..len]).is_err(), "cut at {len}");
    }
    assert_eq!(CachedAnswer::decode(&[]), Err(DecodeError::Truncated));
    assert_eq!(
        CachedAnswer::decode(&bytes[..10]),
        Err(DecodeError::Truncated)
    );
}

#[test]
fn unknown_version_and_valid_checksum_over_garbage_are_rejected() {
    let mut bytes = simple("hello").encode();
    bytes[0] = 9;
    assert_eq!(CachedAnswer::decode(&bytes), Err(DecodeError::Version(9)));
    let garbage = b"not json";
    let mut forged = vec![ENCODING_VERSION];
    forged.extend_from_slice(&Sha256::digest(garbage));
    forged.extend_from_slice(garbage);
    assert_eq!(CachedAnswer::decode(&forged), Err(DecodeError::Payload));
}

#[test]
fn error_messages_do_not_quote_content() {
    for e in [
        DecodeError::Truncated,
        DecodeError::Version(3),
        DecodeError::Checksum,
        DecodeError::Payload,
    ] {
        assert!(!e.to_string().contains("hello"));
    }
}
