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
    parts.extend(call_parts(reply, model));
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
    parts.extend(call_parts(reply, model));
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

/// Signature sent on the first function call for Gemini 3 models (opaque, ≥ 50 chars
/// like real ones so proxies that filter short signatures keep it).
const THOUGHT_SIGNATURE: &str =
    "bW9jay10aG91Z2h0LXNpZ25hdHVyZS1mb3ItZ2VtaW5pLTMtZnVuY3Rpb24tY2FsbHM=";

fn call_parts(reply: &Reply, model: &str) -> Vec<Value> {
    let is_signed = crate::validate::gemini::requires_signatures(model);
    reply
        .tool_calls
        .iter()
        .enumerate()
        .map(|(i, call)| {
            let mut part = json!({"functionCall": {"name": call.name, "args": call.arguments}});
            if is_signed && i == 0 {
                part["thoughtSignature"] = json!(THOUGHT_SIGNATURE);
            }
            part
        })
        .collect()
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
