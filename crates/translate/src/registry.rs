//! The translator registry: which codec serves which format (lifecycle steps 5 and 9).
//!
//! Adding a format = one module implementing [`FormatCodec`] plus one line in [`codec`].
//! A pair whose IR round trip would lose information may register a direct converter in
//! [`direct_request`]. Nothing here performs I/O.

use cpa_protocol::Format;

use crate::codec::FormatCodec;
use crate::context::RequestContext;
use crate::error::TranslateError;
use crate::{anthropic, completions, openai_chat};

/// A direct request converter for one (from, to) pair.
pub type DirectRequest = fn(&[u8], &RequestContext) -> Result<Vec<u8>, TranslateError>;

/// The codec for `format`, or `None` if the format is not implemented yet.
pub fn codec(format: Format) -> Option<&'static dyn FormatCodec> {
    match format {
        Format::OpenAiChat => Some(&openai_chat::Codec),
        Format::OpenAiCompletions => Some(&completions::Codec),
        Format::AnthropicMessages => Some(&anthropic::Codec),
        Format::Gemini | Format::GeminiCli | Format::Antigravity => {
            Some(crate::gemini::codec(format)?)
        }
        Format::OpenAiResponses | Format::Codex => Some(crate::responses::codec(format)?),
    }
}

/// A direct (non-IR) request converter for a cross-format pair, if one is registered.
pub fn direct_request(from: Format, to: Format) -> Option<DirectRequest> {
    // One line per pair, e.g. (Format::Gemini, Format::GeminiCli) => Some(gemini::wrap_cli).
    match (from, to) {
        (Format::Gemini, Format::GeminiCli) => Some(crate::gemini::gemini_to_cli_request),
        (Format::Gemini, Format::Antigravity) => Some(crate::gemini::gemini_to_antigravity_request),
        (Format::GeminiCli, Format::Gemini) => Some(crate::gemini::cli_to_gemini_request),
        (Format::OpenAiResponses, Format::Codex) => Some(crate::responses::responses_to_codex),
        _ => None,
    }
}

/// The codec for `format`, or an `Unsupported` error for the pair.
pub(crate) fn require(
    format: Format,
    from: Format,
    to: Format,
    what: &'static str,
) -> Result<&'static dyn FormatCodec, TranslateError> {
    codec(format).ok_or(TranslateError::Unsupported { from, to, what })
}
