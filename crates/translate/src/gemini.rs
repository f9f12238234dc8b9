//! Gemini-family codecs: Gemini `generateContent`, the Gemini CLI envelope and Antigravity
//! (lifecycle steps 5 and 9).
//!
//! One [`Codec`] value per format implements [`FormatCodec`]; the CLI and Antigravity
//! codecs are thin wrappers that unwrap/wrap the `{"model","project","request"}` and
//! `{"response"}` envelopes around the plain Gemini conversions. Same-format traffic
//! passes through with minimal edits. This module must not fill provider identity
//! fields (project id, request ids, session ids): the providers own those.
//!
//! Decisions that differ from the Go implementation are listed in
//! `docs/translation-gemini-responses.md`.

mod envelope;
mod fixups;
mod request_from_ir;
mod request_to_ir;
mod response;
pub mod schema;
mod stream_decode;
mod stream_encode;
pub mod thinking;
mod time;

use serde_json::{Map, Value, json};

use cpa_protocol::gemini::{
    CliRequest, CliResponse, GenerateContentRequest, GenerateContentResponse,
};
use cpa_protocol::{Format, ir};

use crate::codec::{FormatCodec, StreamDecoder, StreamEncoder};
use crate::context::{RequestContext, ResponseContext};
use crate::error::{TranslateError, parse, to_vec};

pub use envelope::{
    cli_response_to_gemini, cli_to_gemini_request, gemini_response_to_cli,
    gemini_to_antigravity_request, gemini_to_cli_request,
};
pub use request_from_ir::{EncodeOptions, default_safety_settings};
pub use stream_decode::GeminiStreamDecoder;
pub use stream_encode::GeminiStreamEncoder;

/// The codec for one Gemini-family format.
#[derive(Debug, Clone, Copy)]
pub struct Codec {
    format: Format,
}

/// Gemini API (`generateContent`).
pub static GEMINI: Codec = Codec {
    format: Format::Gemini,
};
/// Gemini CLI (Cloud Code Assist envelope).
pub static GEMINI_CLI: Codec = Codec {
    format: Format::GeminiCli,
};
/// Antigravity (Cloud Code envelope with extra fields).
pub static ANTIGRAVITY: Codec = Codec {
    format: Format::Antigravity,
};

/// The codec for a Gemini-family format (`None` for other formats).
pub fn codec(format: Format) -> Option<&'static Codec> {
    match format {
        Format::Gemini => Some(&GEMINI),
        Format::GeminiCli => Some(&GEMINI_CLI),
        Format::Antigravity => Some(&ANTIGRAVITY),
        _ => None,
    }
}

impl Codec {
    fn is_enveloped(&self) -> bool {
        self.format != Format::Gemini
    }

    fn parse_request(&self, body: &[u8]) -> Result<GenerateContentRequest, TranslateError> {
        if self.is_enveloped() {
            let envelope: CliRequest = parse(body)?;
            let mut req = envelope.request;
            if req.model.is_none() && !envelope.model.is_empty() {
                req.model = Some(envelope.model);
            }
            Ok(req)
        } else {
            let mut req: GenerateContentRequest = parse(body)?;
            // A `:countTokens` body may wrap the request as `generateContentRequest`.
            if req.contents.is_empty()
                && let Some(inner) = req.extra.remove("generateContentRequest")
            {
                req = serde_json::from_value(inner)
                    .map_err(|e| crate::error::from_json_error(&e, "generateContentRequest"))?;
            }
            Ok(req)
        }
    }

    fn parse_response(&self, body: &[u8]) -> Result<GenerateContentResponse, TranslateError> {
        if self.is_enveloped() {
            let envelope: CliResponse = parse(body)?;
            Ok(envelope.response)
        } else {
            parse(body)
        }
    }
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
        let req = self.parse_request(body)?;
        let mut out = request_to_ir::to_ir(req, &ctx.upstream_model, self.format, ctx.id_seed);
        out.stream = ctx.is_streaming;
        Ok(out)
    }

    fn encode_request(
        &self,
        req: &ir::Request,
        ctx: &RequestContext,
    ) -> Result<Vec<u8>, TranslateError> {
        let opts = EncodeOptions::for_target(self.format);
        let mut body = request_from_ir::from_ir(req, &ctx.upstream_model, opts);
        if !self.is_enveloped() {
            return to_vec(&body);
        }
        body.model = None;
        to_vec(&CliRequest {
            model: ctx.upstream_model.clone(),
            project: String::new(),
            request: body,
            extra: Map::new(),
        })
    }

    fn passthrough_request(
        &self,
        body: &[u8],
        ctx: &RequestContext,
    ) -> Result<Vec<u8>, TranslateError> {
        envelope::passthrough(self.format, body, ctx)
    }

    fn decode_response(
        &self,
        body: &[u8],
        ctx: &ResponseContext,
    ) -> Result<ir::Response, TranslateError> {
        let resp = self.parse_response(body)?;
        Ok(response::to_ir(resp, self.format, ctx.id_seed))
    }

    fn encode_response(
        &self,
        resp: &ir::Response,
        ctx: &ResponseContext,
    ) -> Result<Vec<u8>, TranslateError> {
        let body = response::from_ir(resp, ctx);
        if self.is_enveloped() {
            to_vec(&CliResponse {
                response: body,
                trace_id: None,
                extra: Map::new(),
            })
        } else {
            to_vec(&body)
        }
    }

    fn stream_decoder(
        &self,
        ctx: &ResponseContext,
    ) -> Result<Box<dyn StreamDecoder + Send>, TranslateError> {
        Ok(Box::new(GeminiStreamDecoder::new(self.format, ctx.id_seed)))
    }

    fn stream_encoder(
        &self,
        ctx: &ResponseContext,
    ) -> Result<Box<dyn StreamEncoder + Send>, TranslateError> {
        Ok(Box::new(GeminiStreamEncoder::new(self.is_enveloped(), ctx)))
    }

    fn encode_count_tokens_request(
        &self,
        req: &ir::Request,
        ctx: &RequestContext,
    ) -> Result<Option<Vec<u8>>, TranslateError> {
        let opts = EncodeOptions {
            has_default_safety: false,
            ..EncodeOptions::for_target(self.format)
        };
        let mut body = request_from_ir::from_ir(req, &ctx.upstream_model, opts);
        body.generation_config = None;
        body.tool_config = None;
        body.model = None;
        if self.is_enveloped() {
            return to_vec(&json!({ "request": body })).map(Some);
        }
        body.model = Some(format!("models/{}", ctx.upstream_model));
        to_vec(&json!({ "generateContentRequest": body })).map(Some)
    }

    fn decode_count_tokens_response(&self, body: &[u8]) -> Result<u64, TranslateError> {
        let value: Value = parse(body)?;
        let inner = value.get("response").unwrap_or(&value);
        inner
            .get("totalTokens")
            .or_else(|| inner.get("total_tokens"))
            .and_then(Value::as_u64)
            .ok_or_else(|| TranslateError::shape("totalTokens", "missing token count"))
    }

    fn encode_count_tokens_response(&self, input_tokens: u64) -> Result<Vec<u8>, TranslateError> {
        to_vec(&json!({
            "totalTokens": input_tokens,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": input_tokens}],
        }))
    }
}
