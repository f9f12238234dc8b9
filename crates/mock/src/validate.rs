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
