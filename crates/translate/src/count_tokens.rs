//! count_tokens translation (translation spec §10), lifecycle steps 5 and 9.
//!
//! A client count request either becomes an upstream count call in the provider's format
//! or, when the provider has no count endpoint (OpenAI-compatible, Codex), a local
//! estimate. The estimate is ~4 bytes per token over all prompt text (no tokenizer
//! tables are bundled); it is documented as an estimate in docs/translation.md.

use cpa_protocol::Format;
use cpa_protocol::ir::{self, Part, Tool, ToolResultContent};

use crate::context::{RequestContext, ResponseContext};
use crate::error::TranslateError;
use crate::registry;

/// What the pipeline should do for a count-tokens request.
#[derive(Debug, Clone, PartialEq)]
pub enum CountTokensPlan {
    /// Send this body to the provider's count endpoint, then call
    /// [`translate_count_tokens_response`].
    Upstream(Vec<u8>),
    /// No upstream call: answer with [`count_tokens_body`] for this estimate.
    Local {
        /// Estimated prompt tokens.
        input_tokens: u64,
    },
}

/// Plans a count-tokens request from `client` format for an `upstream` provider.
pub fn translate_count_tokens_request(
    client: Format,
    upstream: Format,
    body: &[u8],
    ctx: &RequestContext,
) -> Result<CountTokensPlan, TranslateError> {
    let source = registry::require(client, client, upstream, "count_tokens")?;
    if client == upstream {
        return Ok(CountTokensPlan::Upstream(
            source.passthrough_request(body, ctx)?,
        ));
    }
    let target = registry::require(upstream, client, upstream, "count_tokens")?;
    let ir = source.decode_request(body, ctx)?;
    match target.encode_count_tokens_request(&ir, ctx)? {
        Some(upstream_body) => Ok(CountTokensPlan::Upstream(upstream_body)),
        None => Ok(CountTokensPlan::Local {
            input_tokens: estimate_input_tokens(&ir),
        }),
    }
}

/// Converts a provider's count-tokens answer into the client's format.
pub fn translate_count_tokens_response(
    upstream: Format,
    client: Format,
    body: &[u8],
    _ctx: &ResponseContext,
) -> Result<Vec<u8>, TranslateError> {
    if upstream == client {
        return Ok(body.to_vec());
    }
    let n = registry::require(upstream, upstream, client, "count_tokens")?
        .decode_count_tokens_response(body)?;
    count_tokens_body(client, n)
}

/// The client's count-tokens answer for `input_tokens`
/// (Claude `{"input_tokens":N}`, Gemini `{"totalTokens":N,…}`).
pub fn count_tokens_body(client: Format, input_tokens: u64) -> Result<Vec<u8>, TranslateError> {
    registry::require(client, client, client, "count_tokens")?
        .encode_count_tokens_response(input_tokens)
}

/// A rough prompt-size estimate: bytes of all prompt text / 4, rounded up.
pub fn estimate_input_tokens(req: &ir::Request) -> u64 {
    let mut bytes: usize = req.system.iter().map(|s| s.text.len()).sum();
    for m in &req.messages {
        for p in &m.content {
            bytes += match p {
                Part::Text(t) => t.text.len(),
                Part::Thinking(t) => t.text.len(),
                Part::ToolCall(c) => c.name.len() + c.arguments.0.len(),
                Part::ToolResult(r) => match &r.content {
                    ToolResultContent::Text(t) => t.len(),
                    other => other.to_text().len(),
                },
                Part::Image(_) => 1024, // a typical image costs on the order of 1k tokens × 4
                Part::RedactedThinking { .. } | Part::Opaque(_) => 0,
            };
        }
    }
    for t in &req.tools {
        if let Tool::Function(f) = t {
            bytes += f.name.len()
                + f.description.as_ref().map_or(0, String::len)
                + f.parameters.as_ref().map_or(0, |p| p.to_string().len());
        }
    }
    (bytes as u64).div_ceil(4)
}
