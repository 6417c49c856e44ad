use super::*;
use crate::mask_key;

#[test]
fn a_redacted_value_matches_the_hint_of_its_own_key_only() {
    let key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789WXYZ";
    let hint = mask_key(key);
    assert!(redacted_matches("sk-proj-abc...WXYZ", &hint));
    assert!(redacted_matches("sk-pro…WXYZ", &hint));
    assert!(!redacted_matches("sk-proj-abc...WXYA", &hint));
    assert!(
        !redacted_matches("sk-svcacct-abc...WXYZ", &hint),
        "another prefix"
    );
    let ant = mask_key("sk-ant-api03-R2Dabcdefghijklmnopqrstuvwxyz-igAA");
    assert!(redacted_matches("sk-ant-api03-R2D...igAA", &ant));
    assert!(redacted_matches("sk-ant-api03-R2D********igAA", &ant));
    assert!(!redacted_matches("", &ant));
    assert!(
        !redacted_matches("sk-ant-api03-R2D...", &ant),
        "no tail shown"
    );
}

#[test]
fn tokens_add_and_subtract_by_category_never_below_zero() {
    let mut a = BookTokens {
        input: 10,
        cached_input: 5,
        cache_write: 2,
        output: 7,
    };
    a.add(&BookTokens {
        input: 1,
        cached_input: 1,
        cache_write: 1,
        output: 1,
    });
    assert_eq!(a.total(), 28);
    let left = a.less(&BookTokens {
        input: 20,
        cached_input: 1,
        cache_write: 0,
        output: 8,
    });
    assert_eq!(
        left,
        BookTokens {
            input: 0,
            cached_input: 5,
            cache_write: 3,
            output: 0
        }
    );
}

#[test]
fn only_openai_anthropic_and_openrouter_keep_books_here() {
    assert_eq!(
        BooksProvider::of(BackendKind::OpenAi),
        Some(BooksProvider::OpenAi)
    );
    assert_eq!(BooksProvider::of(BackendKind::Demo), None);
    assert!(!BooksProvider::OpenRouter.needs_admin_key());
}
