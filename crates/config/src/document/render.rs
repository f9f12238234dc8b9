//! Renders JSON values as YAML text for insertion into a document.
//!
//! Block style with 2-space steps for new collections, `[]`/`{}` for empty ones,
//! flow style (`{a: 1, b: [x, y]}`) inside existing flow collections. Strings are
//! written plain when that reads back as the same string, else double-quoted
//! (JSON escaping is valid YAML). An existing scalar's quoting style is kept.

use saphyr_parser::ScalarStyle;
use serde_json::Value;

/// Whether a value renders on one line after `key:` or `-`.
pub(crate) fn is_inline(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => true,
    }
}

/// One-line rendering of a scalar or empty collection, in block context.
pub(crate) fn inline(value: &Value, keep: Option<ScalarStyle>) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, keep, false),
        Value::Array(items) if items.is_empty() => "[]".to_owned(),
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        other => flow(other),
    }
}

/// Flow rendering of any value.
pub(crate) fn flow(value: &Value) -> String {
    match value {
        Value::String(s) => string(s, None, true),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", string(k, None, true), flow(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => inline(other, None),
    }
}

/// `key: value` (and nested lines) at indentation `indent`, without a trailing newline.
pub(crate) fn entry(key: &str, value: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let key = string(key, None, false);
    if is_inline(value) {
        format!("{pad}{key}: {}", inline(value, None))
    } else {
        format!("{pad}{key}:\n{}", block(value, indent + 2))
    }
}

/// `- item` (and nested lines) with the dash at `indent`, without a trailing newline.
pub(crate) fn item(value: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    if is_inline(value) {
        format!("{pad}- {}", inline(value, None))
    } else {
        format!("{pad}- {}", block(value, indent + 2).trim_start())
    }
}

/// A non-empty collection in block style, every line indented by `indent`.
pub(crate) fn block(value: &Value, indent: usize) -> String {
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| entry(k, v, indent))
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Array(items) => items
            .iter()
            .map(|v| item(v, indent))
            .collect::<Vec<_>>()
            .join("\n"),
        other => format!("{}{}", " ".repeat(indent), inline(other, None)),
    }
}

/// A string scalar, keeping a quoting style where it can represent the value.
pub(crate) fn string(s: &str, keep: Option<ScalarStyle>, in_flow: bool) -> String {
    match keep {
        Some(ScalarStyle::SingleQuoted) if !s.chars().any(char::is_control) => {
            format!("'{}'", s.replace('\'', "''"))
        }
        Some(ScalarStyle::DoubleQuoted) => double_quoted(s),
        _ if is_plain_safe(s, in_flow) => s.to_owned(),
        _ => double_quoted(s),
    }
}

fn double_quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.escape_default()))
}

/// Whether `s` can be written as a plain scalar and read back as the same string.
pub(crate) fn is_plain_safe(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || s.chars().any(char::is_control) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if in_flow && s.contains([',', '[', ']', '{', '}', ':']) {
        return false;
    }
    let lower = s.to_lowercase();
    if matches!(
        lower.as_str(),
        "yes" | "no" | "on" | "off" | "y" | "n" | ".inf" | "-.inf" | ".nan"
    ) {
        return false;
    }
    super::tree::resolve_plain(s) == Value::String(s.to_owned()) && !looks_numeric(s)
}

/// Catches number spellings other YAML readers accept (`0x1F`, `1_000`, `0o7`).
fn looks_numeric(s: &str) -> bool {
    let t = s.trim_start_matches(['-', '+']);
    t.starts_with(|c: char| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, '_' | '.' | 'x' | 'o' | 'X' | 'O'))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn plain_safety() {
        for s in ["abc", "sk-123", "https://x.y/z", "~/.cli-proxy-api", "a b"] {
            assert!(is_plain_safe(s, false), "{s}");
        }
        for s in [
            "", " a", "true", "null", "123", "1.5", "yes", "a: b", "#x", "-x", "0x1F", "a #b", "*",
        ] {
            assert!(!is_plain_safe(s, false), "{s}");
        }
        assert!(!is_plain_safe("https://x", true));
    }

    #[test]
    fn block_rendering() {
        let v = json!({"a": 1, "b": ["x", {"c": true, "d": []}], "e": {}});
        assert_eq!(
            block(&v, 2),
            "  a: 1\n  b:\n    - x\n    - c: true\n      d: []\n  e: {}"
        );
        assert_eq!(flow(&json!({"k": ["a,b", 1]})), "{k: [\"a,b\", 1]}");
        assert_eq!(
            string("it's", Some(ScalarStyle::SingleQuoted), false),
            "'it''s'"
        );
        assert_eq!(string("x", Some(ScalarStyle::DoubleQuoted), false), "\"x\"");
    }
}
