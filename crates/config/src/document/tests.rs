//! Unit tests of the document editor: each edit kind, byte-identical elsewhere.

use pretty_assertions::assert_eq;
use serde_json::json;

use super::*;

const BASE: &str = "\
# top comment
host: \"127.0.0.1\" # keep me
port: 8317

tls:
  enable: false   # aligned comment
  cert: ''
unknown-key:
  nested: [1, 2]
api-keys:
  - a # first
  # between
  - b
claude-api-key:
  - api-key: k1
    base-url: https://one
  - api-key: k2   # second
    headers:
      X-A: 1
flow: {x: 1, list: [a, b]}
empty:
# trailing comment
";

#[track_caller]
fn check(edit: impl FnOnce(&mut ConfigDocument), want: &str) {
    let mut doc = ConfigDocument::parse(BASE).expect("parses");
    edit(&mut doc);
    assert_eq!(doc.text(), want);
    ConfigDocument::parse(doc.text()).expect("result re-parses");
}

fn replaced(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from:?} not in base");
    BASE.replacen(from, to, 1)
}

#[test]
fn set_scalar_keeps_quoting_and_comment() {
    check(
        |d| d.set_str("host", "0.0.0.0").expect("set"),
        &replaced("host: \"127.0.0.1\"", "host: \"0.0.0.0\""),
    );
    check(
        |d| d.set("port", &json!(9000)).expect("set"),
        &replaced("port: 8317", "port: 9000"),
    );
}

#[test]
fn set_nested_scalar() {
    check(
        |d| d.set("tls.enable", &json!(true)).expect("set"),
        &replaced("enable: false", "enable: true"),
    );
    check(
        |d| d.set_str("tls.cert", "it's").expect("set"),
        &replaced("cert: ''", "cert: 'it''s'"),
    );
}

#[test]
fn add_key_appends_to_its_mapping() {
    check(
        |d| d.set_str("tls.key", "k.pem").expect("set"),
        &replaced("  cert: ''\n", "  cert: ''\n  key: k.pem\n"),
    );
    check(
        |d| d.set_str("remote-management.secret-key", "x").expect("set"),
        &replaced("empty:\n", "empty:\nremote-management:\n  secret-key: x\n"),
    );
}

#[test]
fn set_on_empty_value_creates_mapping() {
    check(
        |d| d.set("empty.a", &json!(1)).expect("set"),
        &replaced("empty:\n", "empty:\n  a: 1\n"),
    );
}

#[test]
fn remove_key_removes_its_lines() {
    check(
        |d| assert!(d.remove("tls.cert").expect("remove")),
        &replaced("  cert: ''\n", ""),
    );
    check(
        |d| assert!(d.remove("unknown-key").expect("remove")),
        &replaced("unknown-key:\n  nested: [1, 2]\n", ""),
    );
    check(
        |d| assert!(d.remove("claude-api-key[1].headers.X-A").expect("remove")),
        &replaced("    headers:\n      X-A: 1\n", "    headers: {}\n"),
    );
}

#[test]
fn list_items_add_remove_patch() {
    check(
        |d| d.push("api-keys", &json!("c")).expect("push"),
        &replaced("  - b\n", "  - b\n  - c\n"),
    );
    check(
        |d| assert!(d.remove("api-keys[0]").expect("remove")),
        &replaced("  - a # first\n", ""),
    );
    check(
        |d| {
            d.set_str("claude-api-key[0].base-url", "https://two")
                .expect("set")
        },
        &replaced("https://one", "https://two"),
    );
    check(
        |d| {
            d.push("claude-api-key", &json!({"api-key": "k3", "priority": 2}))
                .expect("push")
        },
        &replaced(
            "      X-A: 1\n",
            "      X-A: 1\n  - api-key: k3\n    priority: 2\n",
        ),
    );
    check(
        |d| assert!(d.remove("claude-api-key[0]").expect("remove")),
        &replaced("  - api-key: k1\n    base-url: https://one\n", ""),
    );
    check(
        |d| assert!(d.remove("claude-api-key[1].api-key").expect("remove")),
        &replaced("  - api-key: k2   # second\n    headers:", "  - headers:"),
    );
}

#[test]
fn flow_collections_are_rerendered_in_flow_style() {
    check(
        |d| d.set_str("flow.list[1]", "c").expect("set"),
        &replaced("flow: {x: 1, list: [a, b]}", "flow: {x: 1, list: [a, c]}"),
    );
    check(
        |d| assert!(d.remove("flow.x").expect("remove")),
        &replaced("flow: {x: 1, list: [a, b]}", "flow: {list: [a, b]}"),
    );
}

#[test]
fn replace_whole_subtree() {
    check(
        |d| {
            d.set("tls", &json!({"enable": true, "cert": "c", "key": "k"}))
                .expect("set")
        },
        &replaced(
            "  enable: false   # aligned comment\n  cert: ''\n",
            "  cert: c\n  enable: true\n  key: k\n",
        ),
    );
}

#[test]
fn sync_applies_minimal_edits() {
    let mut doc = ConfigDocument::parse(BASE).expect("parses");
    let mut want = doc.to_json();
    want["port"] = json!(1234);
    want["api-keys"] = json!(["b", "z"]);
    want["claude-api-key"][1]["headers"] = json!({"X-A": 1, "X-B": "2"});
    want.as_object_mut().expect("object").remove("tls");
    want["new-key"] = json!(true);
    doc.sync(&want).expect("sync");
    let expected = BASE
        .replacen("port: 8317", "port: 1234", 1)
        .replacen("  - a # first\n", "", 1)
        .replacen("  - b\n", "  - b\n  - z\n", 1)
        .replacen("      X-A: 1\n", "      X-A: 1\n      X-B: \"2\"\n", 1)
        .replacen(
            "tls:\n  enable: false   # aligned comment\n  cert: ''\n",
            "",
            1,
        )
        .replacen("empty:\n", "empty:\nnew-key: true\n", 1);
    assert_eq!(doc.text(), expected);
    assert_eq!(doc.to_json(), want);
}

#[test]
fn sync_with_same_value_is_a_no_op() {
    let mut doc = ConfigDocument::parse(BASE).expect("parses");
    let want = doc.to_json();
    doc.sync(&want).expect("sync");
    assert_eq!(doc.text(), BASE);
}

#[test]
fn empty_document_gets_keys() {
    let mut doc = ConfigDocument::parse("# only a comment\n").expect("parses");
    doc.set_str("remote-management.secret-key", "h")
        .expect("set");
    assert_eq!(
        doc.text(),
        "# only a comment\nremote-management:\n  secret-key: h\n"
    );
}

#[test]
fn non_mapping_root_is_rejected() {
    let err = ConfigDocument::parse("- a\n").expect_err("list root");
    assert_eq!(err.to_string(), "cannot edit .: expected root mapping node");
}

#[test]
fn crlf_files_keep_crlf_line_endings() {
    let base = BASE.replace('\n', "\r\n");
    let mut doc = ConfigDocument::parse(base.as_str()).expect("parses");
    let mut want = doc.to_json();
    want["tls"]["key"] = json!("k.pem");
    want["claude-api-key"][0]["models"] = json!([{"name": "m", "alias": "a"}]);
    want["api-keys"] = json!(["b"]);
    doc.sync(&want).expect("sync");
    assert_eq!(doc.to_json(), want);
    let bare_lf = doc.text().replace("\r\n", "").contains('\n');
    assert!(!bare_lf, "no bare LF in:\n{}", doc.text());
}

#[test]
fn plain_scalars_resolve_like_the_yaml_core_schema() {
    for (text, want) in [
        ("a: 0x1F", json!({"a": 31})),
        ("a: 0o17", json!({"a": 15})),
        ("a: -3", json!({"a": -3})),
        ("a: 1.5", json!({"a": 1.5})),
        ("a: ~", json!({"a": null})),
        ("a: True", json!({"a": true})),
        ("a: yes", json!({"a": "yes"})),
        ("a: '1'", json!({"a": "1"})),
        ("a: 1.2.3", json!({"a": "1.2.3"})),
    ] {
        let doc = ConfigDocument::parse(text).expect("parses");
        assert_eq!(doc.to_json(), want, "{text}");
        let yaml: serde_json::Value = serde_yaml_ng::from_str(text).expect("serde_yaml_ng");
        assert_eq!(yaml, want, "serde_yaml_ng agrees on {text}");
    }
}
