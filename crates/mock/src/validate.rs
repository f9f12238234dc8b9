//! Request validation: the checks real providers make, with their error messages.
//!
//! Each submodule checks one format and returns a [`MockError`] the handler renders in
//! that format's shape. The point is to catch proxy bugs the real service would catch
//! (a dangling tool call, a role out of order, a schema keyword Gemini rejects), so the
//! checks follow the providers' documented rules rather than being lenient. Validation
//! must not build replies and must not depend on injected faults.

pub(crate) mod anthropic;
pub(crate) mod gemini;
pub(crate) mod openai;
pub(crate) mod responses;

use serde_json::Value;

/// A short JSON type name for error messages, as OpenAI words them.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether `name` is 1 to `max` characters of ASCII letters, digits, `_`, `-` and the
/// `extra` characters (the tool-name rule every provider applies, with variations).
pub(crate) fn is_valid_tool_name(name: &str, extra: &[char], max: usize) -> bool {
    !name.is_empty()
        && name.chars().count() <= max
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || extra.contains(&c))
}

/// OpenAI's tool-name check (Chat and Responses), naming the field as `param`.
pub(crate) fn openai_tool_name(name: &str, param: String) -> Result<(), crate::errors::MockError> {
    const MAX: usize = 64;
    let length = name.chars().count();
    if length > MAX {
        let message = format!(
            "Invalid '{param}': string too long. Expected a string with maximum length {MAX}, but got a string with length {length} instead."
        );
        return Err(crate::errors::MockError::invalid(message)
            .param(param)
            .code("string_above_max_length"));
    }
    if !is_valid_tool_name(name, &[], MAX) {
        let message = format!(
            "Invalid '{param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."
        );
        return Err(crate::errors::MockError::invalid(message)
            .param(param)
            .code("invalid_value"));
    }
    Ok(())
}

/// The first content part whose `type` is not in `allowed`: `(index, type)`.
/// String content and parts without a `type` are left to other checks.
pub(crate) fn unknown_part<'v>(
    content: Option<&'v Value>,
    allowed: &[&str],
) -> Option<(usize, &'v str)> {
    content?
        .as_array()?
        .iter()
        .enumerate()
        .filter_map(|(i, part)| Some((i, part.get("type")?.as_str()?)))
        .find(|(_, kind)| !allowed.contains(kind))
}

/// `'a', 'b', and 'c'`, as OpenAI lists supported values.
pub(crate) fn quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}, and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}
