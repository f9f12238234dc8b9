//! Drives every decoder and translator with one arbitrary input, for fuzzing.
//!
//! Shared by the cargo-fuzz target (`fuzz/`) and the stable "no panic" property test, so
//! both exercise the same surface. Results are discarded: the only property checked is
//! that translation never panics, whatever the bytes. Not part of the request path.

use cpa_protocol::sse::parse_transcript;
use cpa_protocol::{Format, SseEvent};

use crate::{
    RequestContext, ResponseContext, stream_translator, translate_count_tokens_request,
    translate_count_tokens_response, translate_request, translate_response,
};

/// Feeds `data` to every request, response, count-tokens and stream translator for every
/// format pair (as a JSON body, as an SSE transcript and as one SSE event's data).
pub fn all_decoders(data: &[u8]) {
    let mut req_ctx = RequestContext::new("upstream-model");
    req_ctx.is_streaming = data.first().is_some_and(|b| b & 1 == 1);
    let mut resp_ctx = ResponseContext::new("client-model");
    resp_ctx.include_usage = true;
    let text = std::str::from_utf8(data).ok();
    let events: Vec<SseEvent> = text.map(parse_transcript).unwrap_or_default();
    for from in Format::ALL {
        for to in Format::ALL {
            let _ = translate_request(from, to, data, &req_ctx);
            let _ = translate_response(from, to, data, &resp_ctx);
            let _ = translate_count_tokens_request(from, to, data, &req_ctx);
            let _ = translate_count_tokens_response(from, to, data, &resp_ctx);
            let mut stream = stream_translator(from, to, &resp_ctx);
            for ev in &events {
                let _ = stream.on_event(ev);
            }
            if let Some(t) = text {
                let _ = stream.on_event(&SseEvent::data(t));
            }
            let _ = stream.finish();
        }
    }
}
