//! Stream translation: one upstream SSE event in, zero or more client events out (step 9).
//!
//! A cross-format [`StreamTranslator`] is a decoder (upstream format → IR events) chained
//! with an encoder (IR events → client format). Same-format streams pass through verbatim,
//! except that OpenAI's `[DONE]` is consumed and re-emitted once by `finish` so that every
//! OpenAI client stream ends the same way. No I/O; the server owns framing and writing.

use cpa_protocol::ir;
use cpa_protocol::{Format, SseEvent};

use crate::codec::{StreamDecoder, StreamEncoder};
use crate::context::ResponseContext;
use crate::error::TranslateError;
use crate::registry;

/// A stateful converter for one response stream.
pub trait StreamTranslator {
    /// Translates one upstream event. An upstream `[DONE]` yields nothing (see `finish`).
    fn on_event(&mut self, event: &SseEvent) -> Result<Vec<SseEvent>, TranslateError>;

    /// The upstream closed: returns the closing events (for OpenAI clients this ends with
    /// `data: [DONE]`). Calling it again returns nothing.
    fn finish(&mut self) -> Vec<SseEvent>;
}

/// The translator for a stream from `upstream` to `client`.
///
/// An unsupported pair yields a translator whose first `on_event` returns
/// [`TranslateError::Unsupported`].
pub fn stream_translator(
    upstream: Format,
    client: Format,
    ctx: &ResponseContext,
) -> Box<dyn StreamTranslator + Send> {
    if upstream == client {
        return Box::new(Passthrough {
            done_sentinel: client.uses_done_sentinel(),
            finished: false,
        });
    }
    let build = || -> Result<Pipeline, TranslateError> {
        let decoder =
            registry::require(upstream, upstream, client, "stream")?.stream_decoder(ctx)?;
        let encoder = registry::require(client, upstream, client, "stream")?.stream_encoder(ctx)?;
        Ok(Pipeline {
            decoder,
            encoder,
            scratch: Vec::new(),
            finished: false,
        })
    };
    match build() {
        Ok(p) => Box::new(p),
        Err(err) => Box::new(Failed { err }),
    }
}

/// Decoder + encoder.
struct Pipeline {
    decoder: Box<dyn StreamDecoder + Send>,
    encoder: Box<dyn StreamEncoder + Send>,
    scratch: Vec<ir::StreamEvent>,
    finished: bool,
}

impl StreamTranslator for Pipeline {
    fn on_event(&mut self, event: &SseEvent) -> Result<Vec<SseEvent>, TranslateError> {
        if self.finished {
            return Ok(Vec::new());
        }
        self.scratch.clear();
        self.decoder.decode(event, &mut self.scratch)?;
        let mut out = Vec::new();
        for ev in &self.scratch {
            self.encoder.encode(ev, &mut out)?;
        }
        Ok(out)
    }

    fn finish(&mut self) -> Vec<SseEvent> {
        if self.finished {
            return Vec::new();
        }
        self.finished = true;
        self.scratch.clear();
        self.decoder.finish(&mut self.scratch);
        let mut out = Vec::new();
        for ev in &self.scratch {
            // An encoder error at the very end cannot be reported to anyone useful;
            // the encoder's own finish still closes the stream properly.
            let _ = self.encoder.encode(ev, &mut out);
        }
        self.encoder.finish(&mut out);
        out
    }
}

/// Same-format stream.
struct Passthrough {
    done_sentinel: bool,
    finished: bool,
}

impl StreamTranslator for Passthrough {
    fn on_event(&mut self, event: &SseEvent) -> Result<Vec<SseEvent>, TranslateError> {
        if self.finished || (self.done_sentinel && event.is_done()) {
            return Ok(Vec::new());
        }
        Ok(vec![event.clone()])
    }

    fn finish(&mut self) -> Vec<SseEvent> {
        if self.finished {
            return Vec::new();
        }
        self.finished = true;
        if self.done_sentinel {
            vec![SseEvent::data(cpa_protocol::sse::DONE)]
        } else {
            Vec::new()
        }
    }
}

/// An unsupported pair.
struct Failed {
    err: TranslateError,
}

impl StreamTranslator for Failed {
    fn on_event(&mut self, _event: &SseEvent) -> Result<Vec<SseEvent>, TranslateError> {
        Err(self.err.clone())
    }

    fn finish(&mut self) -> Vec<SseEvent> {
        Vec::new()
    }
}
