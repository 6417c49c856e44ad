use super::*;

#[test]
fn commands_parse_and_a_key_as_an_argument_is_refused() {
    assert_eq!(
        KeyCommand::parse(&["key", "add", "OpenAI", "--label", "work"]),
        Ok(KeyCommand::KeyAdd {
            backend: "OpenAI".into(),
            label: "work".into()
        })
    );
    assert_eq!(
        KeyCommand::parse(&["backend", "show", "Demo", "--json"]),
        Ok(KeyCommand::Show {
            backend: "Demo".into(),
            json: true
        })
    );
    let e = KeyCommand::parse(&["key", "add", "OpenAI", "sk-abc"]).unwrap_err();
    assert!(e.contains("never given as an argument"), "{e}");
    assert!(KeyCommand::parse(&["key", "frobnicate"]).is_err());
}
