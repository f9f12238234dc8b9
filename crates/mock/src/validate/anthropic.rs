//! Anthropic Messages request validation.
//!
//! Mirrors `POST /v1/messages` and `/v1/messages/count_tokens`: required fields, roles
//! that start with `user` and alternate, every `tool_use` answered by a `tool_result`
//! in the very next user message, every `tool_result` naming a `tool_use` of the message
//! before, and the extended-thinking budget rules. Messages use the API's
//! `<path>: <problem>` style. Must not inspect anything a reply depends on.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::errors::MockError;
use crate::validate::{is_valid_tool_name, unknown_part};

/// Smallest thinking budget the API accepts.
const MIN_THINKING_BUDGET: u64 = 1024;
/// Content block types the Messages API accepts.
const BLOCK_TYPES: &[&str] = &[
    "text",
    "image",
    "document",
    "search_result",
    "tool_use",
    "tool_result",
    "thinking",
    "redacted_thinking",
    "server_tool_use",
    "web_search_tool_result",
    "web_fetch_tool_result",
    "code_execution_tool_result",
    "bash_code_execution_tool_result",
    "text_editor_code_execution_tool_result",
    "mcp_tool_use",
    "mcp_tool_result",
    "container_upload",
];
/// Longest custom tool name.
const MAX_TOOL_NAME: usize = 64;
/// Body fields `POST /v1/messages` accepts; anything else is "Extra inputs are not
/// permitted" (e.g. a `betas` field the proxy should have moved into a header).
const MESSAGES_FIELDS: &[&str] = &[
    "model",
    "messages",
    "max_tokens",
    "system",
    "metadata",
    "stop_sequences",
    "stream",
    "temperature",
    "top_p",
    "top_k",
    "tools",
    "tool_choice",
    "thinking",
    "service_tier",
    "container",
    "mcp_servers",
    "context_management",
    "output_format",
    "output_config",
];

/// Which Messages endpoint a body was sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `POST /v1/messages`.
    Messages,
    /// `POST /v1/messages/count_tokens`: no `max_tokens`, extra fields tolerated.
    CountTokens,
}

/// Validates a body sent to `endpoint`.
pub(crate) fn messages(body: &Value, endpoint: Endpoint) -> Result<(), MockError> {
    let is_count = endpoint == Endpoint::CountTokens;
    let required: &[&str] = if is_count {
        &["model", "messages"]
    } else {
        &["model", "max_tokens", "messages"]
    };
    for name in required {
        if body.get(*name).is_none_or(Value::is_null) {
            return Err(MockError::invalid(format!("{name}: Field required")));
        }
    }
    let Some(messages) = body.get("messages").and_then(Value::as_array) else {
        return Err(MockError::invalid("messages: Input should be a valid list"));
    };
    if messages.is_empty() {
        return Err(MockError::invalid(
            "messages: at least one message is required",
        ));
    }
    if !is_count {
        check_known_fields(body)?;
    }
    check_roles(messages)?;
    check_content(messages)?;
    check_tool_pairs(messages)?;
    check_tool_names(body)?;
    check_signatures(messages)?;
    if !is_count {
        check_thinking(body)?;
    }
    Ok(())
}

fn check_known_fields(body: &Value) -> Result<(), MockError> {
    let unknown = body.as_object().and_then(|object| {
        object
            .keys()
            .find(|k| !MESSAGES_FIELDS.contains(&k.as_str()))
    });
    match unknown {
        Some(name) => Err(MockError::invalid(format!(
            "{name}: Extra inputs are not permitted"
        ))),
        None => Ok(()),
    }
}

/// Every message but a final assistant one needs content, and text blocks need text.
fn check_content(messages: &[Value]) -> Result<(), MockError> {
    let last = messages.len() - 1;
    for (i, message) in messages.iter().enumerate() {
        let is_final_assistant =
            i == last && message.get("role").and_then(Value::as_str) == Some("assistant");
        let is_empty = match message.get("content") {
            Some(Value::String(text)) => text.is_empty(),
            Some(Value::Array(blocks)) => blocks.is_empty(),
            _ => true,
        };
        if is_empty && !is_final_assistant {
            return Err(MockError::invalid(format!(
                "messages.{i}: all messages must have non-empty content except for the optional final assistant message"
            )));
        }
        if let Some((j, kind)) = unknown_part(message.get("content"), BLOCK_TYPES) {
            let expected: Vec<String> = BLOCK_TYPES.iter().map(|t| format!("'{t}'")).collect();
            return Err(MockError::invalid(format!(
                "messages.{i}.content.{j}: Input tag '{kind}' found using 'type' does not match any of the expected tags: {}",
                expected.join(", ")
            )));
        }
        let blocks = message.get("content").and_then(Value::as_array);
        let has_empty_text = blocks.into_iter().flatten().any(|block| {
            block.get("type").and_then(Value::as_str) == Some("text")
                && block
                    .get("text")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
        });
        if has_empty_text {
            return Err(MockError::invalid(
                "messages: text content blocks must be non-empty",
            ));
        }
    }
    Ok(())
}

/// Custom tools (no `type`, or `type: "custom"`) need names matching `^[a-zA-Z0-9_-]{1,64}$`.
fn check_tool_names(body: &Value) -> Result<(), MockError> {
    let tools = body.get("tools").and_then(Value::as_array);
    for (i, tool) in tools.into_iter().flatten().enumerate() {
        let kind = tool.get("type").and_then(Value::as_str).unwrap_or("custom");
        if kind != "custom" {
            continue;
        }
        let name = tool.get("name").and_then(Value::as_str).unwrap_or("");
        if !is_valid_tool_name(name, &[], MAX_TOOL_NAME) {
            return Err(MockError::invalid(format!(
                "tools.{i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{{1,{MAX_TOOL_NAME}}}$'"
            )));
        }
    }
    Ok(())
}

fn check_roles(messages: &[Value]) -> Result<(), MockError> {
    let mut previous = "";
    for (i, message) in messages.iter().enumerate() {
        let role = message.get("role").and_then(Value::as_str).unwrap_or("");
        if role != "user" && role != "assistant" {
            return Err(MockError::invalid(format!(
                "messages.{i}.role: Input should be 'user' or 'assistant'"
            )));
        }
        if i == 0 && role != "user" {
            return Err(MockError::invalid(
                "messages: first message must use the \"user\" role",
            ));
        }
        if role == previous {
            return Err(MockError::invalid(format!(
                "messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"{role}\" roles in a row"
            )));
        }
        previous = role;
    }
    Ok(())
}

fn check_tool_pairs(messages: &[Value]) -> Result<(), MockError> {
    let mut open: BTreeSet<String> = BTreeSet::new();
    let mut opened_at = 0;
    for (i, message) in messages.iter().enumerate() {
        let role = message.get("role").and_then(Value::as_str).unwrap_or("");
        if role == "user" {
            let answered = block_ids(message, "tool_result", "tool_use_id");
            if let Some((j, id)) = answered.iter().find(|(_, id)| !open.contains(id)) {
                return Err(MockError::invalid(format!(
                    "messages.{i}.content.{j}: unexpected `tool_use_id` found in `tool_result` blocks: {id}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
                )));
            }
            for (_, id) in &answered {
                open.remove(id);
            }
        }
        if !open.is_empty() {
            return Err(unanswered(opened_at, &open));
        }
        if role == "assistant" {
            open = block_ids(message, "tool_use", "id")
                .into_iter()
                .map(|(_, id)| id)
                .collect();
            opened_at = i;
        }
    }
    if open.is_empty() {
        Ok(())
    } else {
        Err(unanswered(opened_at, &open))
    }
}

fn unanswered(index: usize, open: &BTreeSet<String>) -> MockError {
    let ids: Vec<&str> = open.iter().map(String::as_str).collect();
    MockError::invalid(format!(
        "messages.{index}: `tool_use` ids were found without `tool_result` blocks immediately after: {}. Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
        ids.join(", ")
    ))
}

/// `(block index, id)` of every content block of type `kind`.
fn block_ids(message: &Value, kind: &str, field: &str) -> Vec<(usize, String)> {
    let Some(blocks) = message.get("content").and_then(Value::as_array) else {
        return Vec::new();
    };
    blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.get("type").and_then(Value::as_str) == Some(kind))
        .map(|(j, b)| {
            let id = b.get(field).and_then(Value::as_str).unwrap_or("");
            (j, id.to_owned())
        })
        .collect()
}

/// Replayed thinking blocks must carry a signature the mock issued, as Anthropic
/// rejects thinking whose signature it cannot verify.
fn check_signatures(messages: &[Value]) -> Result<(), MockError> {
    for (i, message) in messages.iter().enumerate() {
        let blocks = message.get("content").and_then(Value::as_array);
        for (j, block) in blocks.into_iter().flatten().enumerate() {
            if block.get("type").and_then(Value::as_str) != Some("thinking") {
                continue;
            }
            if block.get("signature").and_then(Value::as_str) != Some(crate::anthropic::SIGNATURE) {
                return Err(MockError::invalid(format!(
                    "messages.{i}.content.{j}: Invalid `signature` in `thinking` block"
                )));
            }
        }
    }
    Ok(())
}

fn check_thinking(body: &Value) -> Result<(), MockError> {
    let Some(thinking) = body.get("thinking") else {
        return Ok(());
    };
    if thinking.get("type").and_then(Value::as_str) != Some("enabled") {
        return Ok(());
    }
    let budget = thinking
        .get("budget_tokens")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if budget < MIN_THINKING_BUDGET {
        return Err(MockError::invalid(format!(
            "thinking.enabled.budget_tokens: Input should be greater than or equal to {MIN_THINKING_BUDGET}"
        )));
    }
    let max_tokens = body.get("max_tokens").and_then(Value::as_u64).unwrap_or(0);
    if max_tokens <= budget {
        return Err(MockError::invalid(
            "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size",
        ));
    }
    let forced = body
        .get("tool_choice")
        .and_then(|c| c.get("type"))
        .and_then(Value::as_str)
        .is_some_and(|t| t == "any" || t == "tool");
    if forced {
        return Err(MockError::invalid(
            "Thinking may not be enabled when tool_choice forces tool use.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unanswered_tool_use_is_rejected() {
        let body = json!({"model": "m", "max_tokens": 10, "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "f", "input": {}}]},
            {"role": "user", "content": "no result"}]});
        assert!(messages(&body, Endpoint::Messages).is_err());
    }

    #[test]
    fn answered_tool_use_passes_and_roles_must_alternate() {
        let body = json!({"model": "m", "max_tokens": 10, "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "f", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "ok"}]}]});
        assert!(messages(&body, Endpoint::Messages).is_ok());
        let empty = json!({"model": "m", "max_tokens": 10, "messages": [
            {"role": "user", "content": [{"type": "text", "text": ""}]}]});
        assert!(messages(&empty, Endpoint::Messages).is_err());
        let betas = json!({"model": "m", "max_tokens": 10, "betas": ["x"],
            "messages": [{"role": "user", "content": "a"}]});
        assert!(messages(&betas, Endpoint::Messages).is_err());
        let openai_part = json!({"model": "m", "max_tokens": 10, "messages": [{"role": "user",
            "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]});
        assert!(messages(&openai_part, Endpoint::Messages).is_err());
        let twice = json!({"model": "m", "max_tokens": 10, "messages": [
            {"role": "user", "content": "a"}, {"role": "user", "content": "b"}]});
        assert!(messages(&twice, Endpoint::Messages).is_err());
    }
}
