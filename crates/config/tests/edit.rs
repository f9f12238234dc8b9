//! Load → modify → write: the file stays byte-identical except for the change,
//! through the same path the management API uses (`ConfigHandle::update`).
#![expect(clippy::expect_used, reason = "test helpers outside #[test] functions")]

use std::sync::Arc;

use cpa_config::{
    ConfigHandle, Env, LoadOptions,
    raw::{RawClaudeKey, RawConfig},
};
use pretty_assertions::assert_eq;

const FILE: &str = r#"# cli-proxy-api config
host: "127.0.0.1"   # loopback only
port: 8317

# a key this version does not know
future-feature:
  enabled: yes   # stays
  level: 3

remote-management:
  allow-remote: false
  secret-key: "$2a$10$abcdefghijklmnopqrstuv"   # already hashed

auth-dir: "~/.cli-proxy-api"   # tilde kept
api-keys:
  - "key-one"   # first client
  - 'key-two'
request-retry: 3

claude-api-key:
  - api-key: 12345
    base-url: "https://a.example"   # primary
    unknown-entry-key: keep
  # the second key
  - api-key: "sk-b"
    headers:
      X-One: "1"
      X-Two: 2

oauth-model-alias:
  claude:
    - {name: claude-opus, alias: opus}
  codex:
    - name: gpt-5
      alias: g5
# end of file
"#;

fn handle(dir: &tempfile::TempDir) -> Arc<ConfigHandle> {
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, FILE).expect("write");
    let opts = LoadOptions {
        env: Env {
            home_dir: Some("/home/u".into()),
            ..Env::default()
        },
        ..LoadOptions::default()
    };
    let (handle, warnings) = ConfigHandle::load(&path, opts).expect("loads");
    let paths: Vec<&str> = warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        paths,
        vec!["claude-api-key[0].unknown-entry-key", "future-feature"]
    );
    handle
}

#[track_caller]
fn check(edit: impl FnOnce(&mut RawConfig), want: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = handle(&dir);
    h.update(edit).expect("update");
    let on_disk = std::fs::read_to_string(h.path()).expect("read");
    assert_eq!(on_disk, want);
}

fn replaced(pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(FILE.to_owned(), |acc, (from, to)| {
        assert!(acc.contains(from), "{from:?} not in file");
        acc.replacen(from, to, 1)
    })
}

#[test]
fn no_change_writes_identical_bytes() {
    check(|_| {}, FILE);
}

#[test]
fn scalar_change() {
    check(
        |r| r.port = Some(9000),
        &replaced(&[("port: 8317", "port: 9000")]),
    );
}

#[test]
fn nested_scalar_change() {
    check(
        |r| {
            r.remote_management.get_or_insert_default().allow_remote = Some(true);
        },
        &replaced(&[("allow-remote: false", "allow-remote: true")]),
    );
}

#[test]
fn add_key() {
    check(
        |r| r.debug = Some(true),
        // New keys go to the end of their mapping, before trailing comments.
        &replaced(&[("      alias: g5\n", "      alias: g5\ndebug: true\n")]),
    );
}

#[test]
fn remove_key_sticks() {
    check(
        |r| r.request_retry = None,
        &replaced(&[("request-retry: 3\n", "")]),
    );
    // Removing one header while another remains (upstream kept it, spec §6).
    check(
        |r| {
            let list = r.claude_api_key.as_mut().expect("list");
            list[1].headers.as_mut().expect("headers").remove("X-One");
        },
        &replaced(&[("      X-One: \"1\"\n", "")]),
    );
    // Removing an oauth-model-alias channel.
    check(
        |r| {
            r.oauth_model_alias.as_mut().expect("alias").remove("codex");
        },
        &replaced(&[("  codex:\n    - name: gpt-5\n      alias: g5\n", "")]),
    );
}

#[test]
fn list_item_add_remove_patch() {
    check(
        |r| r.api_keys.as_mut().expect("keys").push("key-three".into()),
        &replaced(&[("  - 'key-two'\n", "  - 'key-two'\n  - key-three\n")]),
    );
    check(
        |r| {
            r.api_keys.as_mut().expect("keys").remove(0);
        },
        &replaced(&[("  - \"key-one\"   # first client\n", "")]),
    );
    check(
        |r| {
            r.claude_api_key.as_mut().expect("list")[0].base_url = Some("https://b.example".into());
        },
        &replaced(&[("https://a.example", "https://b.example")]),
    );
    check(
        |r| {
            r.claude_api_key.as_mut().expect("list").remove(0);
        },
        &replaced(&[(
            "  - api-key: 12345\n    base-url: \"https://a.example\"   # primary\n    unknown-entry-key: keep\n",
            "",
        )]),
    );
    check(
        |r| {
            r.claude_api_key.as_mut().expect("list").push(RawClaudeKey {
                api_key: Some("sk-c".into()),
                base_url: Some("https://c.example".into()),
                ..RawClaudeKey::default()
            });
        },
        &replaced(&[(
            "      X-Two: 2\n",
            "      X-Two: 2\n  - api-key: sk-c\n    base-url: https://c.example\n",
        )]),
    );
}

#[test]
fn plaintext_secret_through_update_is_hashed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = handle(&dir);
    let config = h
        .update(|r| {
            r.remote_management.get_or_insert_default().secret_key = Some("new-pw".into());
        })
        .expect("update");
    assert!(config.verify_management_key("new-pw"));
    let on_disk = std::fs::read_to_string(h.path()).expect("read");
    assert!(!on_disk.contains("new-pw"));
    assert!(
        on_disk.contains("\"$2b$10$") || on_disk.contains("\"$2a$10$"),
        "{on_disk}"
    );
    assert!(on_disk.contains("# already hashed") && on_disk.contains("# end of file"));
    assert!(on_disk.contains("auth-dir: \"~/.cli-proxy-api\""));
}

#[test]
fn invalid_update_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = handle(&dir);
    let err = h
        .update(|r| {
            r.claude_api_key.as_mut().expect("list")[1].base_url = Some("nope".into());
        })
        .expect_err("invalid");
    assert_eq!(err.to_string(), "claude-api-key[1].base-url: not a URL");
    assert_eq!(std::fs::read_to_string(h.path()).expect("read"), FILE);
    assert_eq!(h.current().claude_api_keys.len(), 2);
}

#[test]
fn replace_text_rejects_blank_body() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = handle(&dir);
    assert!(h.replace_text("  \n").is_err());
    assert_eq!(std::fs::read_to_string(h.path()).expect("read"), FILE);
    let config = h.replace_text("port: 1234\n").expect("replace");
    assert_eq!(config.port, 1234);
    assert_eq!(h.current().port, 1234);
}

#[test]
fn legacy_keys_are_migrated_and_removed_from_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.yaml");
    let text =
        "# c\nport: 1\ngenerative-language-api-key:\n  - g1\namp-upstream-url: https://amp\n";
    std::fs::write(&path, text).expect("write");
    let loaded = cpa_config::load_with(&path, &LoadOptions::default()).expect("loads");
    assert_eq!(loaded.config.gemini_api_keys.len(), 1);
    assert_eq!(
        loaded.config.ampcode.upstream_url.as_deref(),
        Some("https://amp")
    );
    let on_disk = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        on_disk,
        "# c\nport: 1\nampcode:\n  upstream-url: https://amp\ngemini-api-key:\n  - api-key: g1\n"
    );
}
