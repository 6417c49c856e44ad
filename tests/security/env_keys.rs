//! Issue 53, finding 3: a key found in the environment joins only a backend whose address the
//! user already trusts with a key. A keyless backend named "OpenAI" pointing at another host
//! (from an imported file, which needs no approval because it holds no key) is not where
//! `OPENAI_API_KEY` goes: `import-env` makes a new backend at the provider's own address and
//! says where the key went.

use crate::holding::Folder;

const KEY: &str = "sk-proj-ENVKEYS53envkeysENVKEYS53envkeys00";

#[test]
fn import_env_binds_no_key_to_a_host_the_user_never_saw() {
    let f = Folder::new();
    let file = f.data.path().join("shared.toml");
    std::fs::write(
        &file,
        "version = 1\n[[backend]]\nname = \"OpenAI\"\nkind = \"openai\"\nbaseUrl = \"http://127.0.0.1:9/v1\"\ndefaultModel = \"gpt-4o-mini\"\n",
    )
    .unwrap();
    f.ok(&["config", "import", file.to_str().unwrap()], "", &[]);

    let mut cmd = f.command(&["import-env"]);
    cmd.env("OPENAI_API_KEY", KEY);
    let out = cmd.output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("OpenAI importing → a new OpenAI backend at https://api.openai.com\n"),
        "the host is said before the key is imported: {said}"
    );
    assert!(
        said.contains("enabled OpenAI 2 at https://api.openai.com"),
        "the output says which backend and host the key went to: {said}"
    );
    assert!(!said.contains(KEY), "the key is never printed: {said}");

    let keys: Vec<serde_json::Value> =
        serde_json::from_str(&f.ok(&["key", "list", "--json"], "", &[])).unwrap();
    let homes: Vec<&str> = keys.iter().filter_map(|k| k["backend"].as_str()).collect();
    assert_eq!(
        homes,
        ["OpenAI 2"],
        "the key joined the backend at the provider's address, not the file's OpenAI at 127.0.0.1:9"
    );
}
