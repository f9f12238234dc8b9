//! OpenAI Chat Completions request validation.
//!
//! Mirrors the errors of `POST /v1/chat/completions`: required `model` and `messages`,
//! valid roles, and the tool-call pairing rule (every assistant `tool_calls` id must be
//! answered by a `tool` message before the next non-tool message, and every `tool`
//! message must answer such an id). Must not inspect anything a reply depends on.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::errors::MockError;
use crate::validate::{openai_tool_name, quoted_list, type_name, unknown_part};

const ROLES: [&str; 6] = [
    "system",
    "developer",
    "user",
    "assistant",
    "tool",
    "function",
];
/// Content part types Chat Completions accepts.
const PART_TYPES: &[&str] = &[
    "text",
    "image_url",
    "input_audio",
    "refusal",
    "audio",
    "file",
];

/// Validates a Chat Completions request body.
pub(crate) fn chat(body: &Value) -> Result<(), MockError> {
    if !body.get("model").is_some_and(Value::is_string) {
        return Err(missing("model"));
    }
    let messages = match body.get("messages") {
        None | Some(Value::Null) => return Err(missing("messages")),
        Some(Value::Array(messages)) => messages,
        Some(other) => {
            let message = format!(
                "Invalid type for 'messages': expected an array of objects, but got {} instead.",
                type_name(other)
            );
            return Err(MockError::invalid(message)
                .param("messages")
                .code("invalid_type"));
        }
    };
    if messages.is_empty() {
        return Err(MockError::invalid(
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        )
        .param("messages")
        .code("empty_array"));
    }
    check_roles(messages)?;
    check_tool_pairs(messages)?;
    check_tools(body)?;
    let is_streaming = body.get("stream").and_then(Value::as_bool) == Some(true);
    if body.get("stream_options").is_some_and(|o| !o.is_null()) && !is_streaming {
        return Err(MockError::invalid(
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        )
        .param("stream_options"));
    }
    Ok(())
}

fn check_tools(body: &Value) -> Result<(), MockError> {
    let tools = body.get("tools").and_then(Value::as_array);
    for (i, tool) in tools.into_iter().flatten().enumerate() {
        if let Some(function) = tool.get("function") {
            let name = function.get("name").and_then(Value::as_str);
            let Some(name) = name else {
                return Err(missing(&format!("tools[{i}].function.name")));
            };
            openai_tool_name(name, format!("tools[{i}].function.name"))?;
        }
    }
    Ok(())
}

fn missing(name: &str) -> MockError {
    MockError::invalid(format!("Missing required parameter: '{name}'."))
        .param(name)
        .code("missing_required_parameter")
}

fn check_roles(messages: &[Value]) -> Result<(), MockError> {
    for (i, message) in messages.iter().enumerate() {
        let role = message.get("role").and_then(Value::as_str);
        match role {
            Some(role) if ROLES.contains(&role) => {}
            Some(role) => {
                let message = format!(
                    "Invalid value: '{role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'."
                );
                return Err(MockError::invalid(message)
                    .param(format!("messages[{i}].role"))
                    .code("invalid_value"));
            }
            None => return Err(missing(&format!("messages[{i}].role"))),
        }
        if let Some((j, kind)) = unknown_part(message.get("content"), PART_TYPES) {
            let message = format!(
                "Invalid value: '{kind}'. Supported values are: {}.",
                quoted_list(PART_TYPES)
            );
            return Err(MockError::invalid(message)
                .param(format!("messages[{i}].content[{j}].type"))
                .code("invalid_value"));
        }
    }
    Ok(())
}

fn check_tool_pairs(messages: &[Value]) -> Result<(), MockError> {
    let mut pending = BTreeSet::new();
    let mut caller = 0;
    for (i, message) in messages.iter().enumerate() {
        let role = message.get("role").and_then(Value::as_str).unwrap_or("");
        if role == "tool" {
            let id = message
                .get("tool_call_id")
                .and_then(Value::as_str)
                .unwrap_or("");
            if !pending.remove(id) {
                return Err(MockError::invalid(
                    "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
                )
                .param(format!("messages.[{i}].role")));
            }
            continue;
        }
        if !pending.is_empty() {
            return Err(unanswered(caller, &pending));
        }
        if role == "assistant" {
            let calls = message.get("tool_calls").and_then(Value::as_array);
            for call in calls.into_iter().flatten() {
                if let Some(id) = call.get("id").and_then(Value::as_str) {
                    pending.insert(id.to_owned());
                }
            }
            caller = i;
        }
    }
    if pending.is_empty() {
        Ok(())
    } else {
        Err(unanswered(caller, &pending))
    }
}

fn unanswered(caller: usize, pending: &BTreeSet<String>) -> MockError {
    let ids: Vec<&str> = pending.iter().map(String::as_str).collect();
    MockError::invalid(format!(
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: {}",
        ids.join(", ")
    ))
    .param(format!("messages.[{caller}].role"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tool_message_without_call_is_rejected() {
        let body = json!({"model": "m", "messages": [
            {"role": "user", "content": "hi"},
            {"role": "tool", "tool_call_id": "call_1", "content": "x"}]});
        let err = chat(&body).expect_err("dangling tool message");
        assert!(
            err.body(crate::errors::Flavor::OpenAi)["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("role 'tool'"))
        );
    }

    #[test]
    fn bad_tool_name_and_stray_stream_options_are_rejected() {
        let user = json!([{"role": "user", "content": "hi"}]);
        let dotted = json!({"model": "m", "messages": user,
            "tools": [{"type": "function", "function": {"name": "a.b"}}]});
        assert!(chat(&dotted).is_err());
        let options =
            json!({"model": "m", "messages": user, "stream_options": {"include_usage": true}});
        assert!(chat(&options).is_err());
        let responses_part = json!({"model": "m", "messages": [{"role": "user",
            "content": [{"type": "input_text", "text": "hi"}]}]});
        assert!(chat(&responses_part).is_err());
    }

    #[test]
    fn answered_tool_calls_pass() {
        let body = json!({"model": "m", "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "tool_calls": [{"id": "a", "type": "function",
                "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "a", "content": "x"}]});
        assert!(chat(&body).is_ok());
    }
}
