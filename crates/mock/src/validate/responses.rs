//! OpenAI Responses (and Codex) request validation.
//!
//! Mirrors `POST /v1/responses`: `model` and `input` are required (the mock does not
//! keep server-side state, so `previous_response_id` cannot stand in for `input`),
//! message roles must be valid, and `function_call` / `function_call_output` items must
//! pair up by `call_id`. Must not inspect anything a reply depends on.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::errors::MockError;
use crate::validate::{openai_tool_name, quoted_list, unknown_part};

const ROLES: [&str; 4] = ["user", "assistant", "system", "developer"];
/// Content part types the Responses API accepts in input messages.
const PART_TYPES: &[&str] = &[
    "input_text",
    "input_image",
    "output_text",
    "refusal",
    "input_file",
    "computer_screenshot",
    "summary_text",
    "input_audio",
];

/// Validates a Responses request body.
pub(crate) fn request(body: &Value) -> Result<(), MockError> {
    for name in ["model", "input"] {
        if body.get(name).is_none_or(Value::is_null) {
            return Err(
                MockError::invalid(format!("Missing required parameter: '{name}'."))
                    .param(name)
                    .code("missing_required_parameter"),
            );
        }
    }
    let tools = body.get("tools").and_then(Value::as_array);
    for (i, tool) in tools.into_iter().flatten().enumerate() {
        if tool.get("type").and_then(Value::as_str) == Some("function") {
            let name = tool.get("name").and_then(Value::as_str).unwrap_or("");
            openai_tool_name(name, format!("tools[{i}].name"))?;
        }
    }
    let Some(items) = body.get("input").and_then(Value::as_array) else {
        return Ok(());
    };
    let mut calls = BTreeSet::new();
    let mut outputs = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let kind = item
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("message");
        let call_id = item.get("call_id").and_then(Value::as_str).unwrap_or("");
        match kind {
            "function_call" => {
                calls.insert(call_id.to_owned());
            }
            "function_call_output" => {
                if !calls.contains(call_id) {
                    return Err(MockError::invalid(format!(
                        "No tool call found for function call output with call_id {call_id}."
                    ))
                    .param("input"));
                }
                outputs.insert(call_id.to_owned());
            }
            "message" => check_role(item, i)?,
            _ => {}
        }
    }
    match calls.difference(&outputs).next() {
        Some(id) => Err(MockError::invalid(format!(
            "No tool output found for function call {id}."
        ))
        .param("input")),
        None => Ok(()),
    }
}

/// Parameters the ChatGPT Codex backend refuses (the proxy must strip them).
const CODEX_UNSUPPORTED: &[&str] = &[
    "max_output_tokens",
    "max_completion_tokens",
    "temperature",
    "top_p",
    "service_tier",
];

/// The ChatGPT Codex backend: streams only, never stores, always has instructions.
pub(crate) fn codex(body: &Value) -> Result<(), MockError> {
    if body.get("stream").and_then(Value::as_bool) != Some(true) {
        return Err(MockError::invalid("Stream must be set to true"));
    }
    if body.get("store").and_then(Value::as_bool) != Some(false) {
        return Err(MockError::invalid("Store must be set to false"));
    }
    if !body.get("instructions").is_some_and(Value::is_string) {
        return Err(MockError::invalid("Instructions are required"));
    }
    if let Some(name) = CODEX_UNSUPPORTED.iter().find(|n| body.get(**n).is_some()) {
        return Err(MockError::invalid(format!("Unsupported parameter: {name}")));
    }
    request(body)
}

fn check_role(item: &Value, index: usize) -> Result<(), MockError> {
    if let Some((j, kind)) = unknown_part(item.get("content"), PART_TYPES) {
        let message = format!(
            "Invalid value: '{kind}'. Supported values are: {}.",
            quoted_list(PART_TYPES)
        );
        return Err(MockError::invalid(message)
            .param(format!("input[{index}].content[{j}].type"))
            .code("invalid_value"));
    }
    match item.get("role").and_then(Value::as_str) {
        Some(role) if ROLES.contains(&role) => Ok(()),
        other => Err(MockError::invalid(format!(
            "Invalid value: '{}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
            other.unwrap_or("")
        ))
        .param(format!("input[{index}].role"))
        .code("invalid_value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn output_without_call_is_rejected() {
        let body = json!({"model": "m", "input": [
            {"type": "function_call_output", "call_id": "c1", "output": "x"}]});
        assert!(request(&body).is_err());
    }

    #[test]
    fn paired_call_and_plain_string_pass() {
        let body = json!({"model": "m", "input": [
            {"role": "user", "content": "hi"},
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "x"}]});
        assert!(request(&body).is_ok());
        assert!(request(&json!({"model": "m", "input": "hi"})).is_ok());
        let chat_part = json!({"model": "m", "input": [{"role": "user",
            "content": [{"type": "text", "text": "hi"}]}]});
        assert!(request(&chat_part).is_err());
        assert!(codex(&json!({"model": "m", "input": "hi"})).is_err());
        let good = json!({"model": "m", "input": "hi", "stream": true, "store": false,
            "instructions": "x"});
        assert!(codex(&good).is_ok());
        let mut limited = good.clone();
        limited["temperature"] = json!(0.5);
        assert!(codex(&limited).is_err());
    }
}
