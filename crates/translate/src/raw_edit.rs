//! Byte-preserving edits of a JSON object's top-level keys (same-format fast path, step 5).
//!
//! Same-format requests must stay byte-exact apart from the fields we change (unknown
//! fields, signatures, `cache_control`, key order, whitespace). Instead of a parse /
//! re-serialise round trip we locate top-level values with a small scanner and splice new
//! values in. The body is validated as JSON once (cheaply, without building a tree).
//! This module never interprets nested values.

use std::ops::Range;

use serde::de::IgnoredAny;

use crate::error::{TranslateError, from_json_error};

/// One top-level edit.
#[derive(Debug, Clone)]
pub struct Edit<'a> {
    key: &'a str,
    op: EditOp,
}

#[derive(Debug, Clone)]
enum EditOp {
    /// Replace the value, or append the key if absent.
    Set(String),
    /// Append the key only if absent.
    SetIfAbsent(String),
    /// Remove the key if present.
    Remove,
}

impl<'a> Edit<'a> {
    /// Sets `key` to the JSON string `value`.
    pub fn set_string(key: &'a str, value: &str) -> Self {
        let json = serde_json::Value::String(value.to_owned()).to_string();
        Edit {
            key,
            op: EditOp::Set(json),
        }
    }

    /// Sets `key` to raw JSON text (must be valid JSON).
    pub fn set_raw(key: &'a str, json: String) -> Self {
        Edit {
            key,
            op: EditOp::Set(json),
        }
    }

    /// Sets `key` to raw JSON text only when the key is absent.
    pub fn set_raw_if_absent(key: &'a str, json: String) -> Self {
        Edit {
            key,
            op: EditOp::SetIfAbsent(json),
        }
    }

    /// Removes `key`.
    pub fn remove(key: &'a str) -> Self {
        Edit {
            key,
            op: EditOp::Remove,
        }
    }
}

/// A located top-level member: the key and the byte ranges of the whole member
/// (key through value) and of the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Decoded key.
    pub key: String,
    /// From the key's opening quote to the end of the value.
    pub member: Range<usize>,
    /// The value.
    pub value: Range<usize>,
}

/// Applies `edits` to the top-level object in `body`.
pub fn edit_top_level(body: &[u8], edits: &[Edit<'_>]) -> Result<Vec<u8>, TranslateError> {
    let (members, close) = scan_object(body)?;
    let position = |key: &str| members.iter().position(|m| m.key == key);
    let mut removed: Vec<usize> = edits
        .iter()
        .filter(|e| matches!(e.op, EditOp::Remove))
        .filter_map(|e| position(e.key))
        .collect();
    removed.sort_unstable();
    removed.dedup();
    // (range to replace, replacement); appends go just before the closing brace.
    let mut splices: Vec<(Range<usize>, String)> = removal_ranges(&members, &removed)
        .into_iter()
        .map(|r| (r, String::new()))
        .collect();
    let mut appends = String::new();
    let mut has_members = removed.len() < members.len();
    for edit in edits {
        match (&edit.op, position(edit.key)) {
            (EditOp::Set(json), Some(i)) if !removed.contains(&i) => {
                splices.push((members[i].value.clone(), json.clone()));
            }
            (EditOp::Set(json) | EditOp::SetIfAbsent(json), None) => {
                if has_members {
                    appends.push(',');
                }
                appends.push_str(&serde_json::Value::String(edit.key.to_owned()).to_string());
                appends.push(':');
                appends.push_str(json);
                has_members = true;
            }
            _ => {}
        }
    }
    splices.sort_by_key(|(r, _)| r.start);
    let mut out = Vec::with_capacity(body.len() + appends.len() + 64);
    let mut pos = 0;
    for (range, text) in splices {
        if range.start < pos {
            continue; // a second edit of the same value: the first one wins
        }
        out.extend_from_slice(&body[pos..range.start]);
        out.extend_from_slice(text.as_bytes());
        pos = range.end;
    }
    out.extend_from_slice(&body[pos..close]);
    out.extend_from_slice(appends.as_bytes());
    out.extend_from_slice(&body[close..]);
    Ok(out)
}

/// Finds a top-level member by key.
pub fn find_member(body: &[u8], key: &str) -> Result<Option<Member>, TranslateError> {
    let (members, _) = scan_object(body)?;
    Ok(members.into_iter().find(|m| m.key == key))
}

/// Ranges to delete for the members at `removed` (sorted indexes). Each run of adjacent
/// removed members goes together with one separating comma, so the result stays valid.
fn removal_ranges(members: &[Member], removed: &[usize]) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < removed.len() {
        let first = removed[i];
        let mut last = first;
        while i + 1 < removed.len() && removed[i + 1] == last + 1 {
            i += 1;
            last = removed[i];
        }
        i += 1;
        let (Some(f), Some(l)) = (members.get(first), members.get(last)) else {
            continue;
        };
        ranges.push(
            match (
                first.checked_sub(1).and_then(|p| members.get(p)),
                members.get(last + 1),
            ) {
                (Some(prev), _) => prev.value.end..l.member.end,
                (None, Some(next)) => f.member.start..next.member.start,
                (None, None) => f.member.start..l.member.end,
            },
        );
    }
    ranges
}

/// Validates `body` as JSON and lists its top-level members plus the index of the closing
/// brace.
pub fn scan_object(body: &[u8]) -> Result<(Vec<Member>, usize), TranslateError> {
    serde_json::from_slice::<IgnoredAny>(body).map_err(|e| from_json_error(&e, "."))?;
    let mut s = Scanner { b: body, i: 0 };
    s.ws();
    if s.peek() != Some(b'{') {
        return Err(TranslateError::shape(".", "expected a JSON object"));
    }
    s.i += 1;
    let mut members = Vec::new();
    loop {
        s.ws();
        match s.peek() {
            Some(b'}') => return Ok((members, s.i)),
            Some(b',') => {
                s.i += 1;
                continue;
            }
            Some(b'"') => {}
            _ => return Err(TranslateError::shape(".", "unexpected byte in object")),
        }
        let key_start = s.i;
        s.string();
        let key_raw = &body[key_start..s.i];
        let key: String = serde_json::from_slice(key_raw).map_err(|e| from_json_error(&e, "."))?;
        s.ws();
        s.i += 1; // ':' (validated above)
        s.ws();
        let value_start = s.i;
        s.value();
        members.push(Member {
            key,
            member: key_start..s.i,
            value: value_start..s.i,
        });
    }
}

/// Minimal scanner over already-validated JSON.
struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    /// Skips a string starting at the opening quote.
    fn string(&mut self) {
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'\\' => self.i += 1,
                b'"' => return,
                _ => {}
            }
        }
    }

    /// Skips one value.
    fn value(&mut self) {
        match self.peek() {
            Some(b'"') => self.string(),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(c) = self.peek() {
                    match c {
                        b'"' => {
                            self.string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                self.i += 1;
                                return;
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        return;
                    }
                    self.i += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(body: &str, edits: &[Edit<'_>]) -> String {
        String::from_utf8(edit_top_level(body.as_bytes(), edits).expect("edit")).expect("utf8")
    }

    #[test]
    fn set_replaces_value_and_keeps_other_bytes() {
        let body = r#"{ "model" : "a", "x":{"m\"odel":[1, {"model":2}]} }"#;
        assert_eq!(
            edit(body, &[Edit::set_string("model", "b")]),
            r#"{ "model" : "b", "x":{"m\"odel":[1, {"model":2}]} }"#
        );
    }

    #[test]
    fn set_appends_missing_key_and_remove_drops_member() {
        assert_eq!(
            edit("{}", &[Edit::set_string("model", "b")]),
            r#"{"model":"b"}"#
        );
        assert_eq!(
            edit(
                r#"{"a":1,"b":2,"c":3}"#,
                &[Edit::remove("b"), Edit::remove("c")]
            ),
            r#"{"a":1}"#
        );
        assert_eq!(
            edit(
                r#"{"a":1,"b":2,"c":3}"#,
                &[Edit::remove("a"), Edit::remove("b")]
            ),
            r#"{"c":3}"#
        );
        assert_eq!(edit(r#"{"a":1}"#, &[Edit::remove("a")]), r#"{}"#);
        assert_eq!(
            edit(r#"{"a":1}"#, &[Edit::set_raw_if_absent("a", "2".into())]),
            r#"{"a":1}"#
        );
    }

    #[test]
    fn invalid_json_is_an_error() {
        assert!(edit_top_level(b"{\"a\":", &[]).is_err());
        assert!(edit_top_level(b"[1]", &[]).is_err());
    }
}
