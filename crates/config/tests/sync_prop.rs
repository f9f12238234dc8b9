//! Property test of the document writer: after `sync(desired)` the document reads
//! back as `desired`, whatever random edits produced it, and stays valid YAML.
#![expect(clippy::expect_used, reason = "test helpers outside #[test] functions")]

use cpa_config::{ConfigDocument, EXAMPLE_CONFIG, KeyPath};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const BASE: &str = r#"# header
host: "127.0.0.1" # c
port: 8317
tls:
  enable: false
  cert: ''
api-keys:
  - a # first
  # between
  - b
claude-api-key:
  - api-key: k1
    base-url: https://one
    models:
      - {name: m1, alias: a1}
  - api-key: k2   # second
    headers:
      X-A: "1"
flow: {x: 1, list: [a, b]}
literal: |
  line one
  line two
empty:
seq-at-key-column:
- p
- q
# trailing
"#;

const TRICKY: &str = r#"---
"quoted key": 'single'   # c
nested:
  - - a
    - b
  -
  - k: v
    # inner comment
    k2:
      - x
map-in-list:
  -   spaced: 1
      other: 2
block-folded: >-
  folded text
  continues
deep:
  a:
    b:
      c: [1, {d: e}]
after: end
"#;

/// One random edit of a JSON tree.
#[derive(Debug, Clone)]
struct Edit {
    target: usize,
    op: u8,
    seed: u16,
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        (any::<usize>(), 0u8..5, any::<u16>()).prop_map(|(target, op, seed)| Edit {
            target,
            op,
            seed,
        }),
        1..6,
    )
}

fn new_value(seed: u16) -> Value {
    match seed % 7 {
        0 => json!(seed),
        1 => json!(format!("v{seed}")),
        2 => json!(seed.is_multiple_of(2)),
        3 => json!({ format!("k{seed}"): format!("x{seed}"), "n": seed }),
        4 => json!([format!("i{seed}"), seed]),
        5 => json!("needs: quoting # here"),
        _ => json!([{ "name": format!("m{seed}"), "alias": "al" }]),
    }
}

/// Collects every container in `v` (pre-order), as pointers usable with `pointer_mut`.
fn containers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            out.push(at.clone());
            for (k, c) in map {
                containers(
                    c,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            out.push(at.clone());
            for (i, c) in items.iter().enumerate() {
                containers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn apply(root: &mut Value, edit: &Edit) {
    let mut list = Vec::new();
    containers(root, String::new(), &mut list);
    let Some(ptr) = list.get(edit.target % list.len()).cloned() else {
        return;
    };
    let is_root = ptr.is_empty();
    let Some(node) = root.pointer_mut(&ptr) else {
        return;
    };
    let value = new_value(edit.seed);
    match node {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let pick = keys.get(edit.seed as usize % keys.len().max(1)).cloned();
            match (edit.op, pick) {
                (0, Some(k)) if !(is_root && map.len() == 1) => {
                    map.remove(&k);
                }
                (1, Some(k)) => {
                    map.insert(k, value);
                }
                _ => {
                    let key = if edit.seed.is_multiple_of(5) {
                        format!("odd: key #{}", edit.seed)
                    } else {
                        format!("new-{}", edit.seed)
                    };
                    map.insert(key, value);
                }
            }
        }
        Value::Array(items) => {
            let i = edit.seed as usize % items.len().max(1);
            match edit.op {
                0 if !items.is_empty() => {
                    items.remove(i);
                }
                1 if !items.is_empty() => items[i] = value,
                2 => items.insert(i.min(items.len()), value),
                _ => items.push(value),
            }
        }
        _ => {}
    }
}

fn check_sync(base: &str, edits: &[Edit]) -> Result<(), TestCaseError> {
    let mut doc = ConfigDocument::parse(base).expect("base parses");
    let mut want = doc.to_json();
    for e in edits {
        apply(&mut want, e);
    }
    doc.sync(&want)
        .map_err(|e| TestCaseError::fail(format!("sync failed: {e}")))?;
    let reparsed = ConfigDocument::parse(doc.text()).expect("output parses");
    prop_assert_eq!(
        strip_nulls(&reparsed.to_json()),
        strip_nulls(&want),
        "text:\n{}",
        doc.text()
    );
    Ok(())
}

/// The writer treats a null mapping value and an absent key alike (a `key:` left
/// in the file is not deleted); compare without null-valued keys.
fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn sync_converges_on_handwritten_file(edits in edits()) {
        check_sync(BASE, &edits)?;
    }

    #[test]
    fn sync_converges_on_tricky_file(edits in edits()) {
        check_sync(TRICKY, &edits)?;
    }

    #[test]
    fn sync_converges_on_crlf_file(edits in edits()) {
        check_sync(&BASE.replace('\n', "\r\n"), &edits)?;
    }

    #[test]
    fn sync_converges_on_example_file(edits in edits()) {
        check_sync(EXAMPLE_CONFIG, &edits)?;
    }
}

#[test]
fn untouched_regions_stay_byte_identical() {
    let mut doc = ConfigDocument::parse(BASE).expect("parses");
    let mut want = doc.to_json();
    want["port"] = json!(1);
    doc.sync(&want).expect("sync");
    assert_eq!(doc.text(), BASE.replacen("port: 8317", "port: 1", 1));
}

/// Every container with its JSON pointer and document path.
fn container_paths(v: &Value, ptr: String, path: KeyPath, out: &mut Vec<(String, KeyPath)>) {
    match v {
        Value::Object(map) => {
            out.push((ptr.clone(), path.clone()));
            for (k, c) in map {
                let p = format!("{ptr}/{}", k.replace('~', "~0").replace('/', "~1"));
                container_paths(c, p, path.clone().key(k.clone()), out);
            }
        }
        Value::Array(items) => {
            out.push((ptr.clone(), path.clone()));
            for (i, c) in items.iter().enumerate() {
                container_paths(c, format!("{ptr}/{i}"), path.clone().index(i), out);
            }
        }
        _ => {}
    }
}

/// Applies one edit through the document's direct operations and to the JSON model.
fn apply_direct(doc: &mut ConfigDocument, want: &mut Value, edit: &Edit) -> Result<(), String> {
    let mut list = Vec::new();
    container_paths(want, String::new(), KeyPath::root(), &mut list);
    let Some((ptr, path)) = list.get(edit.target % list.len()).cloned() else {
        return Ok(());
    };
    let value = new_value(edit.seed);
    let node = want.pointer_mut(&ptr).ok_or("pointer")?;
    let err = |e: cpa_config::ConfigError| e.to_string();
    match node {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let pick = keys.get(edit.seed as usize % keys.len().max(1)).cloned();
            match (edit.op, pick) {
                (0, Some(k)) if !(ptr.is_empty() && map.len() == 1) => {
                    doc.remove(path.key(k.clone())).map_err(err)?;
                    map.remove(&k);
                    if map.is_empty() {
                        // Removing the last key of a nested mapping leaves `{}`.
                    }
                }
                (1, Some(k)) => {
                    doc.set(path.key(k.clone()), &value).map_err(err)?;
                    map.insert(k, value);
                }
                _ => {
                    let key = format!("new-{}", edit.seed);
                    doc.set(path.key(key.clone()).key("inner"), &value)
                        .map_err(err)?;
                    map.insert(key, json!({ "inner": value }));
                }
            }
        }
        Value::Array(items) => {
            let i = edit.seed as usize % items.len().max(1);
            match edit.op {
                0 if !items.is_empty() => {
                    doc.remove(path.index(i)).map_err(err)?;
                    items.remove(i);
                }
                1 if !items.is_empty() => {
                    doc.set(path.index(i), &value).map_err(err)?;
                    items[i] = value;
                }
                2 => {
                    let at = i.min(items.len());
                    doc.insert(path, at, &value).map_err(err)?;
                    items.insert(at, value);
                }
                _ => {
                    doc.push(path, &value).map_err(err)?;
                    items.push(value);
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_direct(base: &str, edits: &[Edit]) -> Result<(), TestCaseError> {
    let mut doc = ConfigDocument::parse(base).expect("base parses");
    let mut want = doc.to_json();
    for e in edits {
        apply_direct(&mut doc, &mut want, e)
            .map_err(|m| TestCaseError::fail(format!("{e:?}: {m}")))?;
        let reparsed = ConfigDocument::parse(doc.text()).expect("output parses");
        prop_assert_eq!(
            strip_nulls(&reparsed.to_json()),
            strip_nulls(&want),
            "after {:?}, text:\n{}",
            e,
            doc.text()
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn direct_edits_match_json_model(edits in edits()) {
        check_direct(BASE, &edits)?;
    }

    #[test]
    fn direct_edits_match_json_model_on_tricky_file(edits in edits()) {
        check_direct(TRICKY, &edits)?;
    }
}
