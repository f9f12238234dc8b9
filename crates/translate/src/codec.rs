//! The per-format converter contract (lifecycle steps 5 and 9).
//!
//! Every format implements [`FormatCodec`] once: decode its requests/responses/streams into
//! the IR and encode them from the IR. The registry (`crate::registry`) composes two codecs
//! for a cross-format pair. Every method has a default that reports
//! [`TranslateError::Unsupported`], so a format can be plugged in incrementally.
//! Codecs are pure: no I/O, no clocks, no randomness (use the contexts).

use cpa_protocol::ir;
use cpa_protocol::{Format, SseEvent};

use crate::context::{RequestContext, ResponseContext};
use crate::error::TranslateError;

/// Converters between one format and the IR.
pub trait FormatCodec: Sync {
    /// The format this codec speaks.
    fn format(&self) -> Format;

    /// Parses a request body in this format into the IR.
    fn decode_request(
        &self,
        _body: &[u8],
        _ctx: &RequestContext,
    ) -> Result<ir::Request, TranslateError> {
        Err(self.unsupported("decode request"))
    }

    /// Writes an IR request as a body in this format, for the upstream.
    fn encode_request(
        &self,
        _req: &ir::Request,
        _ctx: &RequestContext,
    ) -> Result<Vec<u8>, TranslateError> {
        Err(self.unsupported("encode request"))
    }

    /// Same-format request: minimal edits only (model name, injected fields); unknown
    /// fields, signatures and `cache_control` stay byte-exact. Default: replace `model`.
    fn passthrough_request(
        &self,
        body: &[u8],
        ctx: &RequestContext,
    ) -> Result<Vec<u8>, TranslateError> {
        crate::raw_edit::edit_top_level(
            body,
            &[crate::raw_edit::Edit::set_string(
                "model",
                &ctx.upstream_model,
            )],
        )
    }

    /// Parses a non-streaming response body in this format into the IR.
    fn decode_response(
        &self,
        _body: &[u8],
        _ctx: &ResponseContext,
    ) -> Result<ir::Response, TranslateError> {
        Err(self.unsupported("decode response"))
    }

    /// Writes an IR response as a body in this format, for the client.
    fn encode_response(
        &self,
        _resp: &ir::Response,
        _ctx: &ResponseContext,
    ) -> Result<Vec<u8>, TranslateError> {
        Err(self.unsupported("encode response"))
    }

    /// A decoder from this format's upstream stream events to IR stream events.
    fn stream_decoder(
        &self,
        _ctx: &ResponseContext,
    ) -> Result<Box<dyn StreamDecoder + Send>, TranslateError> {
        Err(self.unsupported("decode stream"))
    }

    /// An encoder from IR stream events to this format's client stream events.
    fn stream_encoder(
        &self,
        _ctx: &ResponseContext,
    ) -> Result<Box<dyn StreamEncoder + Send>, TranslateError> {
        Err(self.unsupported("encode stream"))
    }

    /// Writes the body of this format's count-tokens upstream call, or `None` when the
    /// format has no such endpoint (the caller then counts locally).
    fn encode_count_tokens_request(
        &self,
        _req: &ir::Request,
        _ctx: &RequestContext,
    ) -> Result<Option<Vec<u8>>, TranslateError> {
        Ok(None)
    }

    /// Reads the token count from this format's count-tokens response.
    fn decode_count_tokens_response(&self, _body: &[u8]) -> Result<u64, TranslateError> {
        Err(self.unsupported("decode count_tokens response"))
    }

    /// Writes this format's count-tokens answer for the client.
    fn encode_count_tokens_response(&self, _input_tokens: u64) -> Result<Vec<u8>, TranslateError> {
        Err(self.unsupported("encode count_tokens response"))
    }

    /// An `Unsupported` error naming this format.
    fn unsupported(&self, what: &'static str) -> TranslateError {
        TranslateError::Unsupported {
            from: self.format(),
            to: self.format(),
            what,
        }
    }
}

/// Turns one format's upstream stream into IR events. One upstream event in, zero or
/// more IR events out.
pub trait StreamDecoder {
    /// Decodes one upstream event, appending IR events to `out`.
    fn decode(
        &mut self,
        event: &SseEvent,
        out: &mut Vec<ir::StreamEvent>,
    ) -> Result<(), TranslateError>;

    /// The upstream ended: flush anything buffered (close open blocks, synthesise a
    /// missing finish).
    fn finish(&mut self, out: &mut Vec<ir::StreamEvent>);
}

/// Turns IR stream events into one format's client events.
pub trait StreamEncoder {
    /// Encodes one IR event, appending client events to `out`.
    fn encode(
        &mut self,
        event: &ir::StreamEvent,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError>;

    /// The stream ended: emit closing events (OpenAI: the usage chunk and `[DONE]`).
    fn finish(&mut self, out: &mut Vec<SseEvent>);
}
