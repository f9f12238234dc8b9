//! Minimal-edit synchronisation of a document with a desired JSON value.
//!
//! Mappings: new keys are appended, existing keys synced recursively, keys missing
//! from the desired value removed (a key whose file value is null/empty and that is
//! absent from the desired value is left alone, since the raw config cannot tell
//! "absent" from "null"). Lists: items are matched by identity (the first of
//! `id`, `name`, `alias`, `api-key`, … for objects; the value for scalars) with a
//! longest-common-subsequence alignment, so removing one entry removes exactly its
//! lines and the comments of the others stay put; matched items are synced
//! recursively, unmatched ones inserted or removed. Anything else is replaced.

use serde_json::Value;

use super::{ConfigDocument, KeyPath, Segment, tree::Kind};
use crate::ConfigError;

/// Keys that identify an object inside a list, in order of preference.
const IDENTITY_KEYS: &[&str] = &[
    "id",
    "name",
    "alias",
    "api-key",
    "api_key",
    "apikey",
    "key",
    "provider",
    "model",
    "from",
    "upstream-api-key",
];

pub(super) fn sync(doc: &mut ConfigDocument, desired: &Value) -> Result<(), ConfigError> {
    if !desired.is_object() {
        return Err(ConfigError::edit(".", "desired config must be a mapping"));
    }
    sync_at(doc, &KeyPath::root(), desired)
}

fn sync_at(doc: &mut ConfigDocument, path: &KeyPath, desired: &Value) -> Result<(), ConfigError> {
    let Some(loc) = doc.locate(path) else {
        if path.segments().is_empty() {
            return doc.replace_root(desired);
        }
        return doc.set(path, desired);
    };
    let current = loc.node.to_json();
    if loose_eq(&current, desired) {
        return Ok(());
    }
    let is_block = loc.flow_at.is_none() && !loc.node.is_flow();
    match (&loc.node.kind, desired) {
        (Kind::Map { .. }, Value::Object(want)) if is_block => {
            let Value::Object(have) = current else {
                return doc.replace(path, desired);
            };
            // Add and update first so the mapping never becomes empty in between.
            for (key, value) in want {
                let child = path.child(Segment::Key(key.clone()));
                match have.get(key) {
                    Some(_) => sync_at(doc, &child, value)?,
                    None if value.is_null() => {}
                    None => doc.insert_entry(path, key, value)?,
                }
            }
            for (key, value) in &have {
                if !want.contains_key(key) && !value.is_null() {
                    doc.remove(path.child(Segment::Key(key.clone())))?;
                }
            }
            Ok(())
        }
        (Kind::Seq { .. }, Value::Array(want)) if is_block => {
            let Value::Array(have) = current else {
                return doc.replace(path, desired);
            };
            sync_list(doc, path, &have, want)
        }
        _ => doc.replace(path, desired),
    }
}

fn sync_list(
    doc: &mut ConfigDocument,
    path: &KeyPath,
    have: &[Value],
    want: &[Value],
) -> Result<(), ConfigError> {
    let have_ids: Vec<String> = have.iter().map(identity).collect();
    let want_ids: Vec<String> = want.iter().map(identity).collect();
    let pairs = lcs(&have_ids, &want_ids);
    if pairs.is_empty() {
        return doc.replace(path, &Value::Array(want.to_vec()));
    }
    let kept: Vec<usize> = pairs.iter().map(|(i, _)| *i).collect();
    for i in (0..have.len()).rev() {
        if !kept.contains(&i) {
            doc.remove(path.child(Segment::Index(i)))?;
        }
    }
    let matched: Vec<usize> = pairs.iter().map(|(_, j)| *j).collect();
    for (j, value) in want.iter().enumerate() {
        if matched.contains(&j) {
            sync_at(doc, &path.child(Segment::Index(j)), value)?;
        } else {
            doc.insert_item(path, j, value)?;
        }
    }
    Ok(())
}

/// Equality that treats a null/absent mapping value alike and a number or bool in
/// the file as equal to its spelling as a string (raw fields decode scalars into
/// strings leniently, so `X-Version: 2` comes back as `"2"`).
pub(super) fn loose_eq(have: &Value, want: &Value) -> bool {
    match (have, want) {
        (Value::Object(a), Value::Object(b)) => a.keys().chain(b.keys()).all(|k| {
            loose_eq(
                a.get(k).unwrap_or(&Value::Null),
                b.get(k).unwrap_or(&Value::Null),
            )
        }),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| loose_eq(x, y))
        }
        (Value::Number(n), Value::String(s)) => n.to_string() == *s,
        (Value::Bool(v), Value::String(s)) => v.to_string() == *s,
        _ => have == want,
    }
}

/// Identity of a list item for alignment.
fn identity(value: &Value) -> String {
    if let Value::Object(map) = value {
        for key in IDENTITY_KEYS {
            match map.get(*key) {
                Some(Value::String(s)) if !s.is_empty() => return format!("{key}={s}"),
                Some(Value::Number(n)) => return format!("{key}={n}"),
                _ => {}
            }
        }
    }
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Longest common subsequence of two id lists, as index pairs in order.
fn lcs(a: &[String], b: &[String]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Sets (`Some`) or removes (`None`) the value at `rel` inside a JSON value.
pub(super) fn apply_json(
    root: &mut Value,
    rel: &[Segment],
    value: Option<&Value>,
) -> Result<(), String> {
    let Some((last, parents)) = rel.split_last() else {
        if let Some(v) = value {
            *root = v.clone();
        }
        return Ok(());
    };
    let mut cur = root;
    for seg in parents {
        cur = match (cur, seg) {
            (Value::Object(map), Segment::Key(k)) => map
                .entry(k.clone())
                .or_insert_with(|| Value::Object(Default::default())),
            (Value::Array(items), Segment::Index(i)) => items
                .get_mut(*i)
                .ok_or_else(|| "index out of range".to_owned())?,
            _ => return Err("path does not match the document".into()),
        };
    }
    match (cur, last, value) {
        (Value::Object(map), Segment::Key(k), Some(v)) => {
            map.insert(k.clone(), v.clone());
        }
        (Value::Object(map), Segment::Key(k), None) => {
            map.remove(k);
        }
        (Value::Array(items), Segment::Index(i), Some(v)) if *i < items.len() => {
            if let Some(slot) = items.get_mut(*i) {
                *slot = v.clone();
            }
        }
        (Value::Array(items), Segment::Index(i), Some(v)) if *i == items.len() => {
            items.push(v.clone())
        }
        (Value::Array(items), Segment::Index(i), None) if *i < items.len() => {
            items.remove(*i);
        }
        (cur @ Value::Null, Segment::Key(k), Some(v)) => {
            let mut map = serde_json::Map::new();
            map.insert(k.clone(), v.clone());
            *cur = Value::Object(map);
        }
        _ => return Err("path does not match the document".into()),
    }
    Ok(())
}
