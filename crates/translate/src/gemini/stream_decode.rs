//! Gemini `streamGenerateContent` chunks → IR stream events (lifecycle step 9).
//!
//! One upstream chunk in, zero or more IR events out. Consecutive text (or thought) parts
//! share one IR block; a `functionCall` part is a whole block (start, one args delta with
//! the complete JSON, stop). Gemini has no call ids, so ids come from the context seed.
//! A `thoughtSignature` becomes a `SignatureDelta` on the open thinking block (or on a
//! synthetic empty thinking block when no thought is open). `Finish` is emitted on the
//! chunk carrying `finishReason` (with that chunk's usage); usage arriving later is sent
//! as a `Usage` event. The Gemini CLI / Antigravity `{"response":…}` envelope is unwrapped
//! here. Inline images in streams are not representable in IR stream events and are
//! dropped.

use cpa_protocol::gemini::{self, CliResponse, GenerateContentResponse};
use cpa_protocol::ir::{self, BlockKind, StopReason, StreamEvent};
use cpa_protocol::{Format, SseEvent};

use crate::codec::StreamDecoder;
use crate::error::{TranslateError, parse};
use crate::ids::IdGenerator;

use super::response::{is_prompt_blocked, stop_to_ir, tool_call, usage_to_ir};
use super::time::parse_rfc3339;

/// The kind of the block currently open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Text(u32),
    Thinking(u32),
}

/// Stateful Gemini stream decoder.
#[derive(Debug)]
pub struct GeminiStreamDecoder {
    is_enveloped: bool,
    ids: IdGenerator,
    has_started: bool,
    open: Option<Open>,
    next_index: u32,
    has_tool_call: bool,
    has_finished: bool,
    usage: Option<ir::Usage>,
}

impl GeminiStreamDecoder {
    /// A decoder for a stream in `format` (enveloped for Gemini CLI / Antigravity).
    pub fn new(format: Format, id_seed: u64) -> Self {
        Self {
            is_enveloped: format != Format::Gemini,
            ids: IdGenerator::new(id_seed),
            has_started: false,
            open: None,
            next_index: 0,
            has_tool_call: false,
            has_finished: false,
            usage: None,
        }
    }

    /// Decodes one already-parsed chunk.
    pub fn on_chunk(&mut self, chunk: GenerateContentResponse, out: &mut Vec<StreamEvent>) {
        if !self.has_started {
            self.has_started = true;
            out.push(StreamEvent::Start {
                id: chunk.response_id.clone().unwrap_or_default(),
                model: chunk.model_version.clone().unwrap_or_default(),
                created: chunk.create_time.as_deref().and_then(parse_rfc3339),
                usage: None,
            });
        }
        let usage = chunk.usage_metadata.as_ref().map(usage_to_ir);
        let is_blocked = is_prompt_blocked(chunk.prompt_feedback.as_ref());
        let mut candidate = chunk.candidates.into_iter().next().unwrap_or_default();
        if is_blocked && candidate.finish_reason.is_none() {
            candidate.finish_reason = Some("SAFETY".into());
        }
        for part in candidate.content.map(|c| c.parts).unwrap_or_default() {
            self.on_part(part, out);
        }
        if let Some(u) = usage {
            self.usage = Some(u);
        }
        if let Some(reason) = candidate.finish_reason.filter(|r| !r.is_empty()) {
            if !self.has_finished {
                self.close(out);
                self.has_finished = true;
                out.push(StreamEvent::Finish {
                    stop: stop_to_ir(&reason, self.has_tool_call),
                    stop_sequence: None,
                    usage: self.usage.take(),
                });
            }
        } else if self.has_finished
            && let Some(u) = self.usage.take()
        {
            out.push(StreamEvent::Usage(u));
        }
    }

    fn on_part(&mut self, part: gemini::Part, out: &mut Vec<StreamEvent>) {
        let signature = part
            .thought_signature
            .filter(|s| !s.is_empty() && s != gemini::SKIP_THOUGHT_SIGNATURE);
        if part.thought == Some(true) {
            let index = self.ensure_thinking(out);
            if let Some(text) = part.text.filter(|t| !t.is_empty()) {
                out.push(StreamEvent::ThinkingDelta { index, text });
            }
            if let Some(signature) = signature {
                out.push(StreamEvent::SignatureDelta { index, signature });
            }
            return;
        }
        if let Some(signature) = signature {
            let index = self.ensure_thinking(out);
            out.push(StreamEvent::SignatureDelta { index, signature });
        }
        if let Some(call) = part.function_call {
            self.close(out);
            let call = tool_call(call, &mut self.ids);
            let index = self.take_index();
            self.has_tool_call = true;
            out.push(StreamEvent::BlockStart {
                index,
                kind: BlockKind::ToolCall {
                    id: call.id,
                    name: call.name,
                },
            });
            out.push(StreamEvent::ToolArgsDelta {
                index,
                json: call.arguments.0,
            });
            out.push(StreamEvent::BlockStop { index });
        } else if let Some(text) = part.text.filter(|t| !t.is_empty()) {
            let index = match self.open {
                Some(Open::Text(i)) => i,
                _ => {
                    self.close(out);
                    let i = self.take_index();
                    out.push(StreamEvent::BlockStart {
                        index: i,
                        kind: BlockKind::Text,
                    });
                    self.open = Some(Open::Text(i));
                    i
                }
            };
            out.push(StreamEvent::TextDelta { index, text });
        }
    }

    fn ensure_thinking(&mut self, out: &mut Vec<StreamEvent>) -> u32 {
        if let Some(Open::Thinking(i)) = self.open {
            return i;
        }
        self.close(out);
        let i = self.take_index();
        out.push(StreamEvent::BlockStart {
            index: i,
            kind: BlockKind::Thinking,
        });
        self.open = Some(Open::Thinking(i));
        i
    }

    fn take_index(&mut self) -> u32 {
        let i = self.next_index;
        self.next_index += 1;
        i
    }

    fn close(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some(Open::Text(index) | Open::Thinking(index)) = self.open.take() {
            out.push(StreamEvent::BlockStop { index });
        }
    }
}

impl StreamDecoder for GeminiStreamDecoder {
    fn decode(
        &mut self,
        event: &SseEvent,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), TranslateError> {
        let data = event.data.trim();
        if data.is_empty() || event.is_done() {
            return Ok(());
        }
        let chunk = if self.is_enveloped {
            parse::<CliResponse>(data.as_bytes())?.response
        } else {
            parse::<GenerateContentResponse>(data.as_bytes())?
        };
        self.on_chunk(chunk, out);
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.has_started || self.has_finished {
            return;
        }
        self.close(out);
        self.has_finished = true;
        let stop = if self.has_tool_call {
            StopReason::ToolUse
        } else {
            StopReason::EndTurn
        };
        out.push(StreamEvent::Finish {
            stop,
            stop_sequence: None,
            usage: self.usage.take(),
        });
    }
}
