//! Anthropic stream events → IR stream events (lifecycle step 9, upstream side).
//!
//! Nearly one-to-one. Block indexes are kept; blocks of kinds the IR does not model
//! (server-tool blocks) are skipped together with their deltas and stop. Usage from
//! `message_start` is merged with `message_delta`'s so `Finish` carries the whole usage.

use std::collections::HashSet;

use cpa_protocol::SseEvent;
use cpa_protocol::anthropic::{ContentBlockStart, Delta, StreamEvent as Wire};
use cpa_protocol::ir::{BlockKind, StopReason, StreamEvent, Usage};

use super::response::{stop_reason, usage_from_wire};
use crate::codec::StreamDecoder;
use crate::error::TranslateError;

/// Decoder state for one Anthropic stream.
#[derive(Default)]
pub(super) struct EventDecoder {
    usage: Usage,
    blocks: HashSet<u32>,
}

impl StreamDecoder for EventDecoder {
    fn decode(
        &mut self,
        event: &SseEvent,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), TranslateError> {
        let data = event.data.trim();
        if data.is_empty() || event.is_done() {
            return Ok(());
        }
        let wire: Wire = match serde_json::from_str(data) {
            Ok(w) => w,
            Err(e) => {
                // Unknown future event types are skipped; broken JSON is an error.
                let v: serde_json::Value = serde_json::from_str(data)
                    .map_err(|e| crate::error::from_json_error(&e, "."))?;
                if v.get("type")
                    .and_then(|t| t.as_str())
                    .is_some_and(|t| !KNOWN.contains(&t))
                {
                    return Ok(());
                }
                return Err(crate::error::from_json_error(&e, "."));
            }
        };
        match wire {
            Wire::MessageStart { message } => {
                self.usage = usage_from_wire(&message.usage);
                out.push(StreamEvent::Start {
                    id: message.id,
                    model: message.model,
                    created: None,
                    usage: Some(self.usage),
                });
            }
            Wire::ContentBlockStart {
                index,
                content_block,
            } => {
                let kind = match content_block {
                    ContentBlockStart::Text { text } => {
                        self.start(index, BlockKind::Text, out);
                        if !text.is_empty() {
                            out.push(StreamEvent::TextDelta { index, text });
                        }
                        return Ok(());
                    }
                    ContentBlockStart::Thinking { .. } => BlockKind::Thinking,
                    ContentBlockStart::RedactedThinking { data } => {
                        BlockKind::RedactedThinking { data }
                    }
                    ContentBlockStart::ToolUse { id, name, .. } => BlockKind::ToolCall { id, name },
                    ContentBlockStart::Other => return Ok(()),
                };
                self.start(index, kind, out);
            }
            Wire::ContentBlockDelta { index, delta } => {
                if !self.blocks.contains(&index) {
                    return Ok(());
                }
                // Anthropic opens tool input with an empty `partial_json`; skip empty fragments.
                let is_empty = match &delta {
                    Delta::TextDelta { text } => text.is_empty(),
                    Delta::ThinkingDelta { thinking } => thinking.is_empty(),
                    Delta::InputJsonDelta { partial_json } => partial_json.is_empty(),
                    Delta::SignatureDelta { .. } | Delta::Other => false,
                };
                if is_empty {
                    return Ok(());
                }
                out.push(match delta {
                    Delta::TextDelta { text } => StreamEvent::TextDelta { index, text },
                    Delta::ThinkingDelta { thinking } => StreamEvent::ThinkingDelta {
                        index,
                        text: thinking,
                    },
                    Delta::SignatureDelta { signature } => {
                        StreamEvent::SignatureDelta { index, signature }
                    }
                    Delta::InputJsonDelta { partial_json } => StreamEvent::ToolArgsDelta {
                        index,
                        json: partial_json,
                    },
                    Delta::Other => return Ok(()),
                });
            }
            Wire::ContentBlockStop { index } => {
                if self.blocks.remove(&index) {
                    out.push(StreamEvent::BlockStop { index });
                }
            }
            Wire::MessageDelta { delta, usage } => {
                if let Some(u) = usage {
                    let later = usage_from_wire(&u);
                    // message_delta usage is cumulative; input counts appear only sometimes.
                    self.usage.output_tokens = later.output_tokens;
                    if u.input_tokens > 0
                        || later.cache_read_tokens > 0
                        || later.cache_write_tokens > 0
                    {
                        self.usage.input_tokens = later.input_tokens;
                        self.usage.cache_read_tokens = later.cache_read_tokens;
                        self.usage.cache_write_tokens = later.cache_write_tokens;
                    }
                }
                out.push(StreamEvent::Finish {
                    stop: delta
                        .stop_reason
                        .as_deref()
                        .map(stop_reason)
                        .unwrap_or(StopReason::EndTurn),
                    stop_sequence: delta.stop_sequence,
                    usage: Some(self.usage),
                });
            }
            Wire::MessageStop => {}
            Wire::Ping => out.push(StreamEvent::Ping),
            Wire::Error { error } => out.push(StreamEvent::Error {
                kind: error
                    .get("type")
                    .and_then(|t| t.as_str())
                    .unwrap_or("api_error")
                    .to_owned(),
                message: error
                    .get("message")
                    .and_then(|t| t.as_str())
                    .unwrap_or("")
                    .to_owned(),
            }),
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        let mut open: Vec<u32> = self.blocks.drain().collect();
        open.sort_unstable();
        out.extend(
            open.into_iter()
                .map(|index| StreamEvent::BlockStop { index }),
        );
    }
}

const KNOWN: [&str; 8] = [
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "ping",
    "error",
];

impl EventDecoder {
    fn start(&mut self, index: u32, kind: BlockKind, out: &mut Vec<StreamEvent>) {
        self.blocks.insert(index);
        out.push(StreamEvent::BlockStart { index, kind });
    }
}
