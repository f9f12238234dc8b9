//! Gemini non-streaming responses ↔ IR (lifecycle step 9), plus the finish-reason and
//! usage tables shared with the stream codecs.
//!
//! | Gemini `finishReason` | IR [`StopReason`] |
//! |---|---|
//! | `STOP` (no call) / (with a `functionCall`) | `EndTurn` / `ToolUse` |
//! | `MAX_TOKENS` | `MaxTokens` |
//! | `SAFETY`, `RECITATION`, `BLOCKLIST`, `PROHIBITED_CONTENT`, `SPII`, `IMAGE_SAFETY` | `ContentFilter` |
//! | anything else | `Other(raw)` |
//! | no candidate, `promptFeedback.blockReason` set | `ContentFilter` |
//!
//! Usage: IR `input_tokens` = `promptTokenCount` (includes cached), `cache_read_tokens` =
//! `cachedContentTokenCount`, `output_tokens` = `candidatesTokenCount + thoughtsTokenCount`,
//! `reasoning_tokens` = `thoughtsTokenCount` (quirk §12.19 "thoughts counted as prompt"
//! fixed). Text parts are concatenated rather than "last one wins".

use serde_json::{Map, Value};

use cpa_protocol::Format;
use cpa_protocol::gemini::{
    self, Blob, Candidate, Content, FunctionCall, GenerateContentResponse, UsageMetadata,
};
use cpa_protocol::ir::{
    self, Image, ImageSource, Part, Signature, StopReason, Text, Thinking, ToolArguments, ToolCall,
};

use crate::context::ResponseContext;
use crate::ids::IdGenerator;

use super::time::{format_rfc3339, parse_rfc3339};

/// Decodes a complete Gemini response.
pub fn to_ir(resp: GenerateContentResponse, origin: Format, id_seed: u64) -> ir::Response {
    let mut ids = IdGenerator::new(id_seed);
    let mut out = ir::Response {
        id: resp.response_id.unwrap_or_default(),
        model: resp.model_version.unwrap_or_default(),
        created: resp.create_time.as_deref().and_then(parse_rfc3339),
        usage: resp.usage_metadata.as_ref().map(usage_to_ir),
        ..ir::Response::default()
    };
    let is_blocked = is_prompt_blocked(resp.prompt_feedback.as_ref());
    let candidate = resp.candidates.into_iter().next().unwrap_or_default();
    let finish = candidate
        .finish_reason
        .or_else(|| is_blocked.then(|| "SAFETY".to_owned()));
    for part in candidate.content.map(|c| c.parts).unwrap_or_default() {
        push_part(&mut out.content, part, origin, &mut ids);
    }
    let has_call = out.content.iter().any(|p| matches!(p, Part::ToolCall(_)));
    out.stop = finish.as_deref().map(|f| stop_to_ir(f, has_call));
    out
}

fn push_part(out: &mut Vec<Part>, part: gemini::Part, origin: Format, ids: &mut IdGenerator) {
    let signature = part
        .thought_signature
        .filter(|s| !s.is_empty() && s != gemini::SKIP_THOUGHT_SIGNATURE)
        .map(|value| Signature { value, origin });
    if part.thought == Some(true) {
        let text = part.text.unwrap_or_default();
        if let Some(Part::Thinking(last)) = out.last_mut() {
            last.text.push_str(&text);
            if signature.is_some() {
                last.signature = signature;
            }
            return;
        }
        out.push(Part::Thinking(Thinking { text, signature }));
        return;
    }
    if signature.is_some() {
        out.push(Part::Thinking(Thinking {
            text: String::new(),
            signature,
        }));
    }
    if let Some(call) = part.function_call {
        out.push(Part::ToolCall(tool_call(call, ids)));
    } else if let Some(text) = part.text {
        match out.last_mut() {
            Some(Part::Text(last)) => last.text.push_str(&text),
            _ => out.push(Part::Text(Text::new(text))),
        }
    } else if let Some(blob) = part.inline_data {
        out.push(Part::Image(Image {
            source: ImageSource::Base64 {
                media_type: blob.mime_type,
                data: blob.data,
            },
            detail: None,
            cache_control: None,
        }));
    }
}

/// A Gemini call as an IR call; Gemini ids are kept, missing ones synthesised.
pub(super) fn tool_call(call: FunctionCall, ids: &mut IdGenerator) -> ToolCall {
    ToolCall {
        id: call.id.unwrap_or_else(|| ids.next("call_")),
        name: call.name,
        arguments: call
            .args
            .as_ref()
            .map_or_else(|| ToolArguments("{}".into()), ToolArguments::from_value),
    }
}

/// Whether `promptFeedback` says the prompt was blocked (no candidates follow).
pub(super) fn is_prompt_blocked(feedback: Option<&Value>) -> bool {
    feedback
        .and_then(|f| f.get("blockReason"))
        .and_then(Value::as_str)
        .is_some_and(|r| !r.is_empty() && r != "BLOCK_REASON_UNSPECIFIED")
}

/// Gemini `finishReason` → IR (see the table in the module docs).
pub(super) fn stop_to_ir(reason: &str, has_call: bool) -> StopReason {
    match reason {
        "STOP" if has_call => StopReason::ToolUse,
        "STOP" => StopReason::EndTurn,
        "MAX_TOKENS" => StopReason::MaxTokens,
        "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY" => {
            StopReason::ContentFilter
        }
        other => StopReason::Other(other.to_owned()),
    }
}

/// IR → Gemini `finishReason`.
pub(super) fn stop_from_ir(stop: &StopReason) -> String {
    match stop {
        StopReason::MaxTokens => "MAX_TOKENS".into(),
        StopReason::ContentFilter | StopReason::Refusal => "SAFETY".into(),
        StopReason::Other(raw) if raw.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') => {
            raw.clone()
        }
        _ => "STOP".into(),
    }
}

/// Gemini `usageMetadata` → IR usage.
pub(super) fn usage_to_ir(u: &UsageMetadata) -> ir::Usage {
    let thoughts = u.thoughts_token_count.unwrap_or(0);
    ir::Usage {
        input_tokens: u.prompt_token_count.unwrap_or(0),
        cache_read_tokens: u.cached_content_token_count.unwrap_or(0),
        cache_write_tokens: 0,
        output_tokens: u
            .candidates_token_count
            .unwrap_or(0)
            .saturating_add(thoughts),
        reasoning_tokens: u.thoughts_token_count,
    }
}

/// IR usage → Gemini `usageMetadata`.
pub(super) fn usage_from_ir(u: &ir::Usage) -> UsageMetadata {
    let reasoning = u.reasoning_tokens.unwrap_or(0);
    UsageMetadata {
        prompt_token_count: Some(u.input_tokens),
        candidates_token_count: Some(u.output_tokens.saturating_sub(reasoning)),
        thoughts_token_count: (reasoning > 0).then_some(reasoning),
        cached_content_token_count: (u.cache_read_tokens > 0).then_some(u.cache_read_tokens),
        total_token_count: Some(u.total_tokens()),
        extra: Map::new(),
    }
}

/// Encodes a complete IR response as a Gemini response for the client.
pub fn from_ir(resp: &ir::Response, ctx: &ResponseContext) -> GenerateContentResponse {
    let mut parts = Vec::with_capacity(resp.content.len());
    let mut pending_signature = None;
    for part in &resp.content {
        let mut encoded = match part {
            Part::Thinking(t) if t.text.is_empty() => {
                pending_signature = gemini_signature(t);
                continue;
            }
            Part::Thinking(t) => gemini::Part {
                text: Some(t.text.clone()),
                thought: Some(true),
                thought_signature: gemini_signature(t),
                ..gemini::Part::default()
            },
            Part::Text(t) => gemini::Part {
                text: Some(t.text.clone()),
                ..gemini::Part::default()
            },
            Part::ToolCall(call) => function_call_part(&call.name, &call.arguments),
            Part::Image(Image {
                source: ImageSource::Base64 { media_type, data },
                ..
            }) => gemini::Part {
                inline_data: Some(Blob {
                    mime_type: media_type.clone(),
                    data: data.clone(),
                }),
                ..gemini::Part::default()
            },
            _ => continue,
        };
        if let Some(sig) = pending_signature.take() {
            encoded.thought_signature = Some(sig);
        }
        parts.push(encoded);
    }
    GenerateContentResponse {
        candidates: vec![Candidate {
            content: Some(model_content(parts)),
            finish_reason: Some(
                resp.stop
                    .as_ref()
                    .map_or_else(|| "STOP".into(), stop_from_ir),
            ),
            index: Some(0),
            extra: Map::new(),
        }],
        usage_metadata: resp.usage.as_ref().map(usage_from_ir),
        model_version: Some(model_name(&resp.model, ctx)),
        response_id: Some(resp.id.clone()),
        create_time: Some(format_rfc3339(resp.created.unwrap_or(ctx.created))),
        ..GenerateContentResponse::default()
    }
}

/// The model name shown to the client: the alias it asked for, else the upstream's.
pub(super) fn model_name(upstream: &str, ctx: &ResponseContext) -> String {
    if ctx.client_model.is_empty() {
        upstream.to_owned()
    } else {
        ctx.client_model.clone()
    }
}

/// A `{"role":"model","parts":[…]}` content.
pub(super) fn model_content(parts: Vec<gemini::Part>) -> Content {
    Content {
        role: Some("model".into()),
        parts,
        extra: Map::new(),
    }
}

/// A `functionCall` part; arguments that are not a JSON object become `{}`.
pub(super) fn function_call_part(name: &str, arguments: &ToolArguments) -> gemini::Part {
    let args = match arguments.parse() {
        Some(v @ Value::Object(_)) => v,
        _ => Value::Object(Map::new()),
    };
    gemini::Part {
        function_call: Some(FunctionCall {
            id: None,
            name: name.to_owned(),
            args: Some(args),
            extra: Map::new(),
        }),
        ..gemini::Part::default()
    }
}

fn gemini_signature(t: &Thinking) -> Option<String> {
    t.signature
        .as_ref()
        .filter(|s| s.origin.family() == Format::Gemini.family())
        .map(|s| s.value.clone())
}
