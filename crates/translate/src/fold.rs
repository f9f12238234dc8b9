//! Folding an IR event stream into one IR response (step 9, non-streaming clients).
//!
//! Used when a provider was called in streaming mode for a non-streaming client, and by
//! tests to compare stream and non-stream outputs. Pure; never fails on odd sequences
//! (deltas for unknown blocks open the block implicitly).

use std::collections::BTreeMap;

use cpa_protocol::ir::{self, BlockKind, Part, StreamEvent};
use cpa_protocol::{Format, SseEvent};

use crate::codec::FormatCodec;
use crate::context::ResponseContext;
use crate::error::TranslateError;

/// Accumulates IR stream events into an [`ir::Response`].
#[derive(Debug, Default)]
pub struct ResponseBuilder {
    resp: ir::Response,
    blocks: BTreeMap<u32, Part>,
    origin: Option<Format>,
    /// Error reported by the upstream mid-stream, if any.
    pub error: Option<(String, String)>,
}

impl ResponseBuilder {
    /// A builder; `origin` tags signatures found in the stream.
    pub fn new(origin: Format) -> Self {
        ResponseBuilder {
            origin: Some(origin),
            ..ResponseBuilder::default()
        }
    }

    /// Applies one event.
    pub fn push(&mut self, event: &StreamEvent) {
        match event {
            StreamEvent::Start {
                id,
                model,
                created,
                usage,
            } => {
                self.resp.id.clone_from(id);
                self.resp.model.clone_from(model);
                self.resp.created = *created;
                if let Some(u) = usage {
                    self.merge_usage(u);
                }
            }
            StreamEvent::BlockStart { index, kind } => {
                let part = match kind {
                    BlockKind::Text => Part::Text(ir::Text::default()),
                    BlockKind::Thinking => Part::Thinking(ir::Thinking::default()),
                    BlockKind::RedactedThinking { data } => {
                        Part::RedactedThinking { data: data.clone() }
                    }
                    BlockKind::ToolCall { id, name } => Part::ToolCall(ir::ToolCall {
                        id: id.clone(),
                        name: name.clone(),
                        arguments: ir::ToolArguments::default(),
                    }),
                };
                self.blocks.insert(*index, part);
            }
            StreamEvent::TextDelta { index, text } => {
                let part = self
                    .blocks
                    .entry(*index)
                    .or_insert_with(|| Part::Text(ir::Text::default()));
                if let Part::Text(t) = part {
                    t.text.push_str(text);
                }
            }
            StreamEvent::ThinkingDelta { index, text } => {
                if let Part::Thinking(t) = self.thinking(*index) {
                    t.text.push_str(text);
                }
            }
            StreamEvent::SignatureDelta { index, signature } => {
                let origin = self.origin.unwrap_or(Format::AnthropicMessages);
                if let Part::Thinking(t) = self.thinking(*index) {
                    t.signature = Some(ir::Signature {
                        value: signature.clone(),
                        origin,
                    });
                }
            }
            StreamEvent::ToolArgsDelta { index, json } => {
                if let Some(Part::ToolCall(c)) = self.blocks.get_mut(index) {
                    c.arguments.0.push_str(json);
                }
            }
            StreamEvent::BlockStop { .. } | StreamEvent::Ping => {}
            StreamEvent::Finish {
                stop,
                stop_sequence,
                usage,
            } => {
                self.resp.stop = Some(stop.clone());
                self.resp.stop_sequence.clone_from(stop_sequence);
                if let Some(u) = usage {
                    self.merge_usage(u);
                }
            }
            StreamEvent::Usage(u) => self.merge_usage(u),
            StreamEvent::Error { kind, message } => {
                self.error = Some((kind.clone(), message.clone()));
            }
        }
    }

    /// The folded response.
    pub fn finish(mut self) -> ir::Response {
        self.resp.content = self.blocks.into_values().collect();
        self.resp
    }

    fn thinking(&mut self, index: u32) -> &mut Part {
        self.blocks
            .entry(index)
            .or_insert_with(|| Part::Thinking(ir::Thinking::default()))
    }

    fn merge_usage(&mut self, u: &ir::Usage) {
        match &mut self.resp.usage {
            Some(existing) => existing.merge(u),
            None => self.resp.usage = Some(*u),
        }
    }
}

/// Whether a response body is an SSE transcript rather than JSON.
pub fn looks_like_sse(body: &[u8]) -> bool {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    matches!(first, Some(b'e' | b'd' | b':'))
}

/// Decodes a whole SSE transcript with `codec`'s stream decoder and folds it.
pub fn fold_transcript(
    codec: &dyn FormatCodec,
    body: &[u8],
    ctx: &ResponseContext,
) -> Result<ir::Response, TranslateError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| TranslateError::shape(".", format!("stream is not utf-8: {e}")))?;
    let events: Vec<SseEvent> = cpa_protocol::sse::parse_transcript(text);
    let mut decoder = codec.stream_decoder(ctx)?;
    let mut builder = ResponseBuilder::new(codec.format());
    let mut out = Vec::new();
    for ev in &events {
        out.clear();
        decoder.decode(ev, &mut out)?;
        out.iter().for_each(|e| builder.push(e));
    }
    out.clear();
    decoder.finish(&mut out);
    out.iter().for_each(|e| builder.push(e));
    if let Some((kind, message)) = builder.error.take() {
        return Err(TranslateError::shape(
            "stream",
            format!("upstream error {kind}: {message}"),
        ));
    }
    Ok(builder.finish())
}
