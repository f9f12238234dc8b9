//! Anthropic Messages codec (format id `claude`), lifecycle steps 5 and 9.
//!
//! Converts Messages requests, `message` bodies and `message_start … message_stop` streams
//! to and from the IR, plus count_tokens bodies. Same-format requests bypass the IR
//! (`passthrough_request`: byte-exact except `model` and a suffix-injected `thinking`).
//! Must not do I/O, inject provider identity prompts or prefix OAuth tool names — those
//! are provider concerns.
//!
//! | IR | Anthropic |
//! |---|---|
//! | `Request.system` | `system` text blocks (with `cache_control`) |
//! | `Part::Thinking` with an Anthropic signature | `thinking` block (unsigned/foreign thinking is dropped on requests) |
//! | `Usage.input_tokens` | `input_tokens + cache_read_input_tokens + cache_creation_input_tokens` |

mod request;
mod request_encode;
mod response;
mod stream_decode;
mod stream_encode;

use cpa_protocol::Format;
use cpa_protocol::anthropic::CountTokensResponse;
use cpa_protocol::ir;

use crate::codec::{FormatCodec, StreamDecoder, StreamEncoder};
use crate::context::{RequestContext, ResponseContext};
use crate::error::TranslateError;

pub use request::decode_messages_request;
pub use request_encode::encode_messages_request;
pub use response::{stop_reason, stop_reason_str, usage_from_wire, usage_to_wire};

/// The Anthropic Messages codec.
pub struct Codec;

impl FormatCodec for Codec {
    fn format(&self) -> Format {
        Format::AnthropicMessages
    }

    fn decode_request(
        &self,
        body: &[u8],
        ctx: &RequestContext,
    ) -> Result<ir::Request, TranslateError> {
        decode_messages_request(crate::error::parse(body)?, ctx)
    }

    fn encode_request(
        &self,
        req: &ir::Request,
        ctx: &RequestContext,
    ) -> Result<Vec<u8>, TranslateError> {
        crate::error::to_vec(&encode_messages_request(req, ctx))
    }

    fn passthrough_request(
        &self,
        body: &[u8],
        ctx: &RequestContext,
    ) -> Result<Vec<u8>, TranslateError> {
        request::passthrough(body, ctx)
    }

    fn decode_response(
        &self,
        body: &[u8],
        _ctx: &ResponseContext,
    ) -> Result<ir::Response, TranslateError> {
        response::decode(body)
    }

    fn encode_response(
        &self,
        resp: &ir::Response,
        ctx: &ResponseContext,
    ) -> Result<Vec<u8>, TranslateError> {
        response::encode(resp, ctx)
    }

    fn stream_decoder(
        &self,
        _ctx: &ResponseContext,
    ) -> Result<Box<dyn StreamDecoder + Send>, TranslateError> {
        Ok(Box::new(stream_decode::EventDecoder::default()))
    }

    fn stream_encoder(
        &self,
        ctx: &ResponseContext,
    ) -> Result<Box<dyn StreamEncoder + Send>, TranslateError> {
        Ok(Box::new(stream_encode::EventEncoder::new(ctx)))
    }

    fn encode_count_tokens_request(
        &self,
        req: &ir::Request,
        ctx: &RequestContext,
    ) -> Result<Option<Vec<u8>>, TranslateError> {
        let mut wire = encode_messages_request(req, ctx);
        wire.max_tokens = None;
        wire.stream = None;
        wire.temperature = None;
        wire.top_p = None;
        wire.top_k = None;
        wire.stop_sequences = None;
        wire.metadata = None;
        crate::error::to_vec(&wire).map(Some)
    }

    fn decode_count_tokens_response(&self, body: &[u8]) -> Result<u64, TranslateError> {
        let wire: CountTokensResponse = crate::error::parse(body)?;
        Ok(wire.input_tokens)
    }

    fn encode_count_tokens_response(&self, input_tokens: u64) -> Result<Vec<u8>, TranslateError> {
        crate::error::to_vec(&CountTokensResponse { input_tokens })
    }
}
