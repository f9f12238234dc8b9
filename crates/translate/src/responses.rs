//! OpenAI Responses and Codex codecs (lifecycle steps 5 and 9).
//!
//! [`RESPONSES`] serves Responses clients (`POST /v1/responses`) and Responses-speaking
//! upstreams; [`CODEX`] is the ChatGPT Codex backend dialect of the same API (spec §4):
//! encoded requests follow the Codex rules and function names are shortened to 64 bytes.
//! Responses → Codex requests skip the IR (`codex::responses_to_codex`, byte-preserving).
//! This module must not choose Codex `instructions` (official prompts are provider
//! resources) or perform I/O.

mod codex;
mod request_from_ir;
mod request_to_ir;
mod response;
mod stream_decode;
mod stream_encode;
pub mod tool_names;

use std::collections::HashMap;

use cpa_protocol::openai::responses::{Response, ResponsesRequest};
use cpa_protocol::{Format, ir};

use crate::codec::{FormatCodec, StreamDecoder, StreamEncoder};
use crate::context::{RequestContext, ResponseContext};
use crate::error::{TranslateError, parse, to_vec};

pub use codex::responses_to_codex;
pub use stream_decode::ResponsesStreamDecoder;
pub use stream_encode::ResponsesStreamEncoder;
pub use tool_names::ToolNameMap;

/// The codec for one Responses-family format.
#[derive(Debug, Clone, Copy)]
pub struct Codec {
    format: Format,
}

/// OpenAI Responses API.
pub static RESPONSES: Codec = Codec {
    format: Format::OpenAiResponses,
};
/// ChatGPT Codex backend.
pub static CODEX: Codec = Codec {
    format: Format::Codex,
};

/// The codec for a Responses-family format (`None` for other formats).
pub fn codec(format: Format) -> Option<&'static Codec> {
    match format {
        Format::OpenAiResponses => Some(&RESPONSES),
        Format::Codex => Some(&CODEX),
        _ => None,
    }
}

/// Short → original function names for a client request about to be sent to Codex, for
/// `ResponseContext::tool_names`. Costs one decode of the client body, so call it only when
/// the upstream is Codex; Responses clients are never shortened (§2.3.5), so their map is
/// empty without parsing.
pub fn codex_tool_names(
    client: Format,
    body: &[u8],
    ctx: &RequestContext,
) -> Result<HashMap<String, String>, TranslateError> {
    if client.family() == Format::OpenAiResponses.family() {
        return Ok(HashMap::new());
    }
    let source = crate::registry::require(client, client, Format::Codex, "tool names")?;
    let req = source.decode_request(body, ctx)?;
    Ok(ToolNameMap::for_request(&req).reverse())
}

/// Parses a response object, or the `response` of a `response.completed` event (what the
/// Codex provider hands over for non-stream clients). One text parse: an event's inner
/// object lands in `extra` and is converted from the already-parsed value.
fn parse_response(body: &[u8]) -> Result<Response, TranslateError> {
    let mut resp: Response = parse(body)?;
    let is_event = resp
        .extra
        .get("type")
        .and_then(|t| t.as_str())
        .is_some_and(|t| t.starts_with("response."));
    if is_event && let Some(inner) = resp.extra.remove("response") {
        resp = serde_json::from_value(inner)
            .map_err(|e| crate::error::from_json_error(&e, "response"))?;
    }
    Ok(resp)
}

impl FormatCodec for Codec {
    fn format(&self) -> Format {
        self.format
    }

    fn decode_request(
        &self,
        body: &[u8],
        ctx: &RequestContext,
    ) -> Result<ir::Request, TranslateError> {
        let req: ResponsesRequest = parse(body)?;
        let mut out = request_to_ir::to_ir(req, self.format);
        out.stream |= ctx.is_streaming;
        Ok(out)
    }

    fn encode_request(
        &self,
        req: &ir::Request,
        ctx: &RequestContext,
    ) -> Result<Vec<u8>, TranslateError> {
        let body = request_from_ir::from_ir(req, ctx, self.format == Format::Codex);
        to_vec(&body)
    }

    fn passthrough_request(
        &self,
        body: &[u8],
        ctx: &RequestContext,
    ) -> Result<Vec<u8>, TranslateError> {
        codex::passthrough(body, ctx)
    }

    fn decode_response(
        &self,
        body: &[u8],
        ctx: &ResponseContext,
    ) -> Result<ir::Response, TranslateError> {
        let resp = parse_response(body)?;
        Ok(response::to_ir(resp, self.format, ctx))
    }

    fn encode_response(
        &self,
        resp: &ir::Response,
        ctx: &ResponseContext,
    ) -> Result<Vec<u8>, TranslateError> {
        to_vec(&response::from_ir(resp, ctx))
    }

    fn stream_decoder(
        &self,
        ctx: &ResponseContext,
    ) -> Result<Box<dyn StreamDecoder + Send>, TranslateError> {
        Ok(Box::new(ResponsesStreamDecoder::new(ctx)))
    }

    fn stream_encoder(
        &self,
        ctx: &ResponseContext,
    ) -> Result<Box<dyn StreamEncoder + Send>, TranslateError> {
        Ok(Box::new(ResponsesStreamEncoder::new(ctx)))
    }
}
