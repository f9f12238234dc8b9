//! OpenAI Chat Completions codec (format id `openai`), lifecycle steps 5 and 9.
//!
//! Converts chat requests, `chat.completion` bodies and `chat.completion.chunk` streams to
//! and from the IR. Same-format requests bypass the IR (`passthrough_request`). Must not do
//! I/O or know about providers' transport quirks.
//!
//! | IR | Chat Completions |
//! |---|---|
//! | `Request.system` | leading `system`/`developer` messages (mid-conversation ones are hoisted) |
//! | `Part::Thinking` | assistant `reasoning_content` (signatures are dropped: no field) |
//! | `Part::ToolResult` | one `role:"tool"` message each |
//! | `StopReason::ToolUse` / `MaxTokens` / `ContentFilter` | `tool_calls` / `length` / `content_filter` |

mod request;
mod request_encode;
mod response;
mod stream_decode;
mod stream_encode;

use cpa_protocol::Format;
use cpa_protocol::ir;

use crate::codec::{FormatCodec, StreamDecoder, StreamEncoder};
use crate::context::{RequestContext, ResponseContext};
use crate::error::TranslateError;

pub use request::decode_chat_request;
pub use request_encode::encode_chat_request;
pub use response::{finish_reason, stop_reason, usage_from_chat, usage_to_chat};

/// The Chat Completions codec.
pub struct Codec;

impl FormatCodec for Codec {
    fn format(&self) -> Format {
        Format::OpenAiChat
    }

    fn decode_request(
        &self,
        body: &[u8],
        ctx: &RequestContext,
    ) -> Result<ir::Request, TranslateError> {
        let wire = crate::error::parse(body)?;
        decode_chat_request(wire, ctx)
    }

    fn encode_request(
        &self,
        req: &ir::Request,
        ctx: &RequestContext,
    ) -> Result<Vec<u8>, TranslateError> {
        crate::error::to_vec(&encode_chat_request(req, ctx))
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
        ctx: &ResponseContext,
    ) -> Result<ir::Response, TranslateError> {
        response::decode(body, ctx)
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
        ctx: &ResponseContext,
    ) -> Result<Box<dyn StreamDecoder + Send>, TranslateError> {
        Ok(Box::new(stream_decode::ChunkDecoder::new(ctx)))
    }

    fn stream_encoder(
        &self,
        ctx: &ResponseContext,
    ) -> Result<Box<dyn StreamEncoder + Send>, TranslateError> {
        Ok(Box::new(stream_encode::ChunkEncoder::new(ctx)))
    }
}
