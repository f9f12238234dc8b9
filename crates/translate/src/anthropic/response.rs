//! Anthropic `message` body ↔ IR response, usage and stop-reason tables (step 9).

use cpa_protocol::Format;
use cpa_protocol::anthropic::{ContentBlock, KnownBlock, MessageResponse, Usage as WireUsage};
use cpa_protocol::ir::{self, Part, StopReason, Usage};

use super::request::decode_block;
use crate::context::ResponseContext;
use crate::error::TranslateError;
use crate::ids::synth_id;

/// Anthropic `stop_reason` → IR.
pub fn stop_reason(s: &str) -> StopReason {
    match s {
        "end_turn" => StopReason::EndTurn,
        "max_tokens" => StopReason::MaxTokens,
        "stop_sequence" => StopReason::StopSequence,
        "tool_use" => StopReason::ToolUse,
        "refusal" => StopReason::Refusal,
        "pause_turn" => StopReason::PauseTurn,
        other => StopReason::Other(other.to_owned()),
    }
}

/// IR → Anthropic `stop_reason` (content filtering is reported as `refusal`).
pub fn stop_reason_str(s: &StopReason) -> &'static str {
    match s {
        StopReason::EndTurn | StopReason::Other(_) => "end_turn",
        StopReason::MaxTokens => "max_tokens",
        StopReason::StopSequence => "stop_sequence",
        StopReason::ToolUse => "tool_use",
        StopReason::ContentFilter | StopReason::Refusal => "refusal",
        StopReason::PauseTurn => "pause_turn",
    }
}

/// Anthropic usage → IR (input = uncached + cache reads + cache writes).
pub fn usage_from_wire(u: &WireUsage) -> Usage {
    let read = u.cache_read_input_tokens.unwrap_or(0);
    let write = u.cache_creation_input_tokens.unwrap_or(0);
    Usage {
        input_tokens: u.input_tokens + read + write,
        cache_read_tokens: read,
        cache_write_tokens: write,
        output_tokens: u.output_tokens,
        reasoning_tokens: None,
    }
}

/// IR → Anthropic usage.
pub fn usage_to_wire(u: &Usage) -> WireUsage {
    WireUsage {
        input_tokens: u.uncached_input_tokens(),
        output_tokens: u.output_tokens,
        cache_creation_input_tokens: (u.cache_write_tokens > 0).then_some(u.cache_write_tokens),
        cache_read_input_tokens: (u.cache_read_tokens > 0).then_some(u.cache_read_tokens),
    }
}

pub(super) fn decode(body: &[u8]) -> Result<ir::Response, TranslateError> {
    let wire: MessageResponse = crate::error::parse(body)?;
    let content = wire
        .content
        .into_iter()
        .enumerate()
        .map(|(i, b)| decode_block(b, &format!("content[{i}]")))
        .collect::<Result<_, _>>()?;
    Ok(ir::Response {
        id: wire.id,
        model: wire.model,
        created: None,
        content,
        stop: wire.stop_reason.as_deref().map(stop_reason),
        stop_sequence: wire.stop_sequence,
        usage: Some(usage_from_wire(&wire.usage)),
    })
}

pub(super) fn encode(
    resp: &ir::Response,
    ctx: &ResponseContext,
) -> Result<Vec<u8>, TranslateError> {
    let mut has_calls = false;
    let content = resp
        .content
        .iter()
        .filter_map(|p| {
            let block = match p {
                Part::Text(t) => KnownBlock::Text {
                    text: t.text.clone(),
                    cache_control: None,
                },
                Part::Thinking(t) => KnownBlock::Thinking {
                    thinking: t.text.clone(),
                    signature: Some(anthropic_signature(t)),
                },
                Part::RedactedThinking { data } => {
                    KnownBlock::RedactedThinking { data: data.clone() }
                }
                Part::ToolCall(c) => {
                    has_calls = true;
                    KnownBlock::ToolUse {
                        id: c.id.clone(),
                        name: ctx.client_tool_name(&c.name).to_owned(),
                        input: crate::args::object(&c.arguments),
                        cache_control: None,
                    }
                }
                Part::Opaque(o) if o.format == Format::AnthropicMessages => {
                    return Some(ContentBlock::Other(o.raw.clone()));
                }
                _ => return None,
            };
            Some(ContentBlock::Known(block))
        })
        .collect();
    let stop = match &resp.stop {
        Some(StopReason::EndTurn) | None if has_calls => "tool_use",
        Some(s) => stop_reason_str(s),
        None => "end_turn",
    };
    let body = MessageResponse {
        id: message_id(&resp.id, ctx),
        kind: "message".into(),
        role: "assistant".into(),
        model: ctx.client_model.clone(),
        content,
        stop_reason: Some(stop.into()),
        stop_sequence: resp.stop_sequence.clone(),
        usage: usage_to_wire(&resp.usage.unwrap_or_default()),
    };
    crate::error::to_vec(&body)
}

/// The signature to show an Anthropic client: the real one when it came from Anthropic,
/// otherwise empty (the block then cannot be replayed to Anthropic, and is dropped if it is).
pub(super) fn anthropic_signature(t: &ir::Thinking) -> String {
    match &t.signature {
        Some(s) if s.origin == Format::AnthropicMessages => s.value.clone(),
        _ => String::new(),
    }
}

/// The upstream id, or a deterministic `msg_…` id.
pub(super) fn message_id(id: &str, ctx: &ResponseContext) -> String {
    if id.is_empty() {
        synth_id("msg_", ctx.id_seed, 0)
    } else {
        id.to_owned()
    }
}
