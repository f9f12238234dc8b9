//! Tool-call argument repair for targets that need a JSON object (steps 5 and 9).
//!
//! Anthropic `tool_use.input` must be an object, while OpenAI-style arguments are free
//! text that some providers emit with single-quoted strings (CLIProxyAPI's `FixJSON`,
//! spec §6.2). We parse, retry once with single quotes turned into double quotes, and fall
//! back to `{}`. Pure; never panics.

use serde_json::{Map, Value};

use cpa_protocol::ir::ToolArguments;

/// The arguments as a JSON object: parsed, single-quote-repaired, or `{}`.
pub fn object(args: &ToolArguments) -> Value {
    if let Some(v) = args.parse().filter(Value::is_object) {
        return v;
    }
    let repaired = single_to_double_quotes(args.as_str());
    serde_json::from_str::<Value>(&repaired)
        .ok()
        .filter(Value::is_object)
        .unwrap_or_else(|| Value::Object(Map::new()))
}

/// Rewrites single-quoted strings as double-quoted ones, escaping inner double quotes and
/// leaving double-quoted strings untouched.
fn single_to_double_quotes(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'') => {
                quote = Some('\'');
                out.push('"');
            }
            (None, '"') => {
                quote = Some('"');
                out.push('"');
            }
            (Some(q), '\\') => match chars.next() {
                Some('\'') if q == '\'' => out.push('\''),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            (Some('\''), '\'') | (Some('"'), '"') => {
                quote = None;
                out.push('"');
            }
            (Some('\''), '"') => out.push_str("\\\""),
            (_, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(s: &str) -> String {
        object(&ToolArguments(s.to_owned())).to_string()
    }

    #[test]
    fn arguments_are_parsed_repaired_or_emptied() {
        assert_eq!(obj(r#"{"a":1}"#), r#"{"a":1}"#);
        assert_eq!(obj("{'path': 'it\\'s \"x\"'}"), r#"{"path":"it's \"x\""}"#);
        assert_eq!(obj(""), "{}");
        assert_eq!(obj("[1]"), "{}");
        assert_eq!(obj("{broken"), "{}");
    }
}
