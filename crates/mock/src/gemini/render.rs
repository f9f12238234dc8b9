//! Gemini response bodies: one `GenerateContentResponse`, or the chunks of a stream.
//!
//! Usage follows Gemini's fields: `candidatesTokenCount` excludes reasoning, which is
//! reported as `thoughtsTokenCount`; `totalTokenCount` is the sum. Stream chunks carry
//! a partial `usageMetadata` (prompt only) and the last one the full counts and the
//! `finishReason`, as Google's servers do. Must not frame bytes (that is `gemini`).

use serde_json::{Value, json};

use crate::reply::{Reply, Usage};

/// The non-streaming response.
pub(super) fn response(reply: &Reply, model: &str) -> Value {
    let mut parts = Vec::new();
    if let Some(thinking) = &reply.thinking {
        parts.push(json!({"text": thinking, "thought": true}));
    }
    if !reply.text.is_empty() {
        parts.push(json!({"text": reply.text}));
    }
    parts.extend(reply.tool_calls.iter().map(call_part));
    chunk(reply, model, parts, Some(&reply.usage))
}

/// The streamed chunks: reasoning deltas, text deltas, one chunk per function call;
/// the last chunk carries `finishReason` and the full usage.
pub(super) fn chunks(reply: &Reply, model: &str) -> Vec<Value> {
    let mut parts: Vec<Value> = reply
        .thinking_deltas()
        .into_iter()
        .map(|piece| json!({"text": piece, "thought": true}))
        .collect();
    parts.extend(
        reply
            .text_deltas()
            .into_iter()
            .map(|piece| json!({"text": piece})),
    );
    parts.extend(reply.tool_calls.iter().map(call_part));
    if parts.is_empty() {
        parts.push(json!({"text": ""}));
    }
    let last = parts.len() - 1;
    parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let usage = (i == last).then_some(&reply.usage);
            chunk(reply, model, vec![part], usage)
        })
        .collect()
}

fn call_part(call: &crate::reply::ToolCall) -> Value {
    json!({"functionCall": {"name": call.name, "args": call.arguments}})
}

/// One response object; `usage` set means this is the final chunk.
fn chunk(reply: &Reply, model: &str, parts: Vec<Value>, usage: Option<&Usage>) -> Value {
    let mut candidate = json!({"content": {"parts": parts, "role": "model"}, "index": 0});
    let usage_metadata = match usage {
        Some(usage) => {
            candidate["finishReason"] = json!(if reply.is_truncated {
                "MAX_TOKENS"
            } else {
                "STOP"
            });
            let mut metadata = json!({
                "promptTokenCount": usage.input,
                "candidatesTokenCount": usage.output - usage.reasoning,
                "totalTokenCount": usage.total(),
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": usage.input}],
            });
            if usage.reasoning > 0 {
                metadata["thoughtsTokenCount"] = json!(usage.reasoning);
            }
            metadata
        }
        None => {
            json!({"promptTokenCount": reply.usage.input, "totalTokenCount": reply.usage.input})
        }
    };
    json!({
        "candidates": [candidate],
        "usageMetadata": usage_metadata,
        "modelVersion": model,
        "responseId": format!("mock-{}", reply.serial),
    })
}
