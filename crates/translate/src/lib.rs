//! cpa-translate: format ↔ IR conversions for requests, responses and streams.
//!
//! Lifecycle steps 5 (client format → provider format) and 9 (provider response or stream
//! → client format). Pure: no I/O, no clocks, no randomness, no HTTP status codes; every
//! input that would need those arrives in [`RequestContext`] / [`ResponseContext`]. Never
//! panics on any input: errors are [`TranslateError`] values the server renders as a 400.
//!
//! Routing of a pair (`from`, `to`):
//! - same format → the codec's passthrough (minimal byte-preserving edits, no IR);
//! - a registered direct converter ([`registry::direct_request`]);
//! - otherwise `from` codec decodes into [`cpa_protocol::ir`] and `to` codec encodes.
//!
//! Build the response side's context with [`ResponseContext::for_request`] (reads
//! `include_usage`, the Codex tool-name map and Responses echo fields from the client body).
//!
//! Stream contract ([`StreamTranslator`]): feed every upstream SSE event to `on_event`
//! (including an upstream `data: [DONE]`, which is consumed, never forwarded), call
//! `finish` once when the upstream closes, and write every returned event in order. For
//! OpenAI Chat / Completions clients the translator itself emits the final
//! `data: [DONE]` from `finish` (exactly once); handlers must not add another.

pub mod anthropic;
pub mod args;
pub mod codec;
pub mod completions;
pub mod context;
pub mod count_tokens;
pub mod data_url;
pub mod error;
#[doc(hidden)]
pub mod exercise;
pub mod fold;
pub mod gemini;
pub mod ids;
pub mod openai_chat;
pub mod raw_edit;
pub mod reasoning;
pub mod registry;
pub mod response_context;
pub mod responses;
pub mod stream;

use cpa_protocol::Format;

pub use codec::{FormatCodec, StreamDecoder, StreamEncoder};
pub use context::{ReasoningOverride, RequestContext, ResponseContext};
pub use count_tokens::{
    CountTokensPlan, count_tokens_body, translate_count_tokens_request,
    translate_count_tokens_response,
};
pub use cpa_protocol::SseEvent;
pub use error::TranslateError;
pub use stream::{StreamTranslator, stream_translator};

/// Translates a client request body (`from`) into the provider's format (`to`).
///
/// Same format: minimal edits only (model name, injected fields); everything else stays
/// byte-exact. Cross format: decode → IR → encode.
pub fn translate_request(
    from: Format,
    to: Format,
    body: &[u8],
    ctx: &RequestContext,
) -> Result<Vec<u8>, TranslateError> {
    if from == to {
        return registry::require(from, from, to, "request")?.passthrough_request(body, ctx);
    }
    if let Some(direct) = registry::direct_request(from, to) {
        return direct(body, ctx);
    }
    let source = registry::require(from, from, to, "request")?;
    let target = registry::require(to, from, to, "request")?;
    let mut ir = source.decode_request(body, ctx)?;
    ir.reasoning = reasoning::apply_override(ir.reasoning.take(), ctx.reasoning_override.as_ref());
    target.encode_request(&ir, ctx)
}

/// Translates a non-streaming provider response (`upstream`) into the client's format.
///
/// `body` is normally the provider's JSON; an SSE transcript (a provider that always
/// streams upstream) is accepted too and folded into one response. Same format: returned
/// unchanged.
pub fn translate_response(
    upstream: Format,
    client: Format,
    body: &[u8],
    ctx: &ResponseContext,
) -> Result<Vec<u8>, TranslateError> {
    let is_sse = fold::looks_like_sse(body);
    if upstream == client && !is_sse {
        return Ok(body.to_vec());
    }
    let source = registry::require(upstream, upstream, client, "response")?;
    let target = registry::require(client, upstream, client, "response")?;
    let ir = if is_sse {
        fold::fold_transcript(source, body, ctx)?
    } else {
        source.decode_response(body, ctx)?
    };
    target.encode_response(&ir, ctx)
}
