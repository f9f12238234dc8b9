//! OpenAI chat chunks → IR stream events (lifecycle step 9, upstream side).
//!
//! Only choice 0 is read. Text and reasoning become blocks that close when the other kind
//! (or a tool call) starts. Tool calls are keyed by their `tool_calls[].index`; each gets
//! a block on first sight and receives argument fragments as they arrive, so parallel
//! calls stream incrementally. Tool blocks stay open until the finish, because providers
//! may interleave fragments of parallel calls. A repeated `function.name` on a later
//! fragment is ignored (spec quirk 24). `[DONE]` is consumed.

use std::collections::BTreeMap;

use cpa_protocol::SseEvent;
use cpa_protocol::ir::{BlockKind, StopReason, StreamEvent};
use cpa_protocol::openai::chat::{ChatChunk, ChunkDelta};

use super::response::{stop_reason, usage_from_chat};
use crate::codec::StreamDecoder;
use crate::context::ResponseContext;
use crate::error::TranslateError;
use crate::ids::IdGenerator;

/// Decoder state for one chat-completion stream.
pub(super) struct ChunkDecoder {
    started: bool,
    next_index: u32,
    /// Open text or thinking block: (index, is_thinking).
    open_text: Option<(u32, bool)>,
    /// OpenAI tool index → (IR block index, call id).
    tools: BTreeMap<u32, (u32, String)>,
    finished: bool,
    ids: IdGenerator,
}

impl ChunkDecoder {
    pub(super) fn new(ctx: &ResponseContext) -> Self {
        ChunkDecoder {
            started: false,
            next_index: 0,
            open_text: None,
            tools: BTreeMap::new(),
            finished: false,
            ids: IdGenerator::new(ctx.id_seed),
        }
    }

    fn close_text(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some((index, _)) = self.open_text.take() {
            out.push(StreamEvent::BlockStop { index });
        }
    }

    fn close_all(&mut self, out: &mut Vec<StreamEvent>) {
        self.close_text(out);
        let mut tool_blocks: Vec<u32> = std::mem::take(&mut self.tools)
            .into_values()
            .map(|(index, _)| index)
            .collect();
        tool_blocks.sort_unstable();
        out.extend(
            tool_blocks
                .into_iter()
                .map(|index| StreamEvent::BlockStop { index }),
        );
    }

    fn text(&mut self, text: String, is_thinking: bool, out: &mut Vec<StreamEvent>) {
        let index = match self.open_text {
            Some((index, kind)) if kind == is_thinking => index,
            _ => {
                self.close_text(out);
                let index = self.next_index;
                self.next_index += 1;
                self.open_text = Some((index, is_thinking));
                let kind = if is_thinking {
                    BlockKind::Thinking
                } else {
                    BlockKind::Text
                };
                out.push(StreamEvent::BlockStart { index, kind });
                index
            }
        };
        out.push(if is_thinking {
            StreamEvent::ThinkingDelta { index, text }
        } else {
            StreamEvent::TextDelta { index, text }
        });
    }

    fn delta(&mut self, delta: ChunkDelta, out: &mut Vec<StreamEvent>) {
        if let Some(r) = delta.reasoning_content.filter(|r| !r.is_empty()) {
            self.text(r, true, out);
        }
        for t in [delta.content, delta.refusal].into_iter().flatten() {
            if !t.is_empty() {
                self.text(t, false, out);
            }
        }
        for call in delta.tool_calls.unwrap_or_default() {
            let function = call.function.unwrap_or_default();
            let new_id = call.id.as_deref().filter(|id| !id.is_empty());
            let existing = match self.tools.get(&call.index) {
                // Some OpenAI-compatible providers (Gemini's) send every parallel call with
                // index 0; a different id on a known index therefore starts a new call.
                Some((index, id)) if new_id.is_some_and(|n| n != id) => {
                    out.push(StreamEvent::BlockStop { index: *index });
                    self.tools.remove(&call.index);
                    None
                }
                Some((index, _)) => Some(*index),
                None => None,
            };
            let index = match existing {
                Some(index) => index,
                None => {
                    self.close_text(out);
                    let index = self.next_index;
                    self.next_index += 1;
                    let id = call
                        .id
                        .filter(|id| !id.is_empty())
                        .unwrap_or_else(|| self.ids.next("call_"));
                    self.tools.insert(call.index, (index, id.clone()));
                    let name = function.name.clone().unwrap_or_default();
                    out.push(StreamEvent::BlockStart {
                        index,
                        kind: BlockKind::ToolCall { id, name },
                    });
                    index
                }
            };
            if let Some(json) = function.arguments.filter(|a| !a.is_empty()) {
                out.push(StreamEvent::ToolArgsDelta { index, json });
            }
        }
    }
}

impl StreamDecoder for ChunkDecoder {
    fn decode(
        &mut self,
        event: &SseEvent,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), TranslateError> {
        if event.is_done() || self.finished && event.data.trim().is_empty() {
            return Ok(());
        }
        if event.data.trim().is_empty() {
            return Ok(());
        }
        let chunk: ChatChunk = crate::error::parse(event.data.as_bytes())?;
        if chunk.choices.is_empty() && chunk.id.is_empty() && chunk.usage.is_none() {
            if let Some(err) = upstream_error(&event.data) {
                out.push(err);
            }
            return Ok(());
        }
        if !self.started {
            self.started = true;
            out.push(StreamEvent::Start {
                id: chunk.id.clone(),
                model: chunk.model.clone(),
                created: Some(chunk.created).filter(|c| *c != 0),
                usage: None,
            });
        }
        let usage = chunk.usage.as_ref().map(usage_from_chat);
        let mut finished_now = false;
        if let Some(choice) = chunk.choices.into_iter().find(|c| c.index == 0) {
            self.delta(choice.delta, out);
            if let Some(reason) = choice.finish_reason.filter(|r| !r.is_empty()) {
                let had_tools = !self.tools.is_empty();
                self.close_all(out);
                let mut stop = stop_reason(&reason);
                // Some providers report `stop` after tool calls.
                if had_tools && stop == StopReason::EndTurn {
                    stop = StopReason::ToolUse;
                }
                out.push(StreamEvent::Finish {
                    stop,
                    stop_sequence: None,
                    usage,
                });
                self.finished = true;
                finished_now = true;
            }
        }
        if !finished_now && let Some(u) = usage {
            out.push(StreamEvent::Usage(u));
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        self.close_all(out);
    }
}

/// An `{"error":{…}}` payload sent in place of a chunk.
fn upstream_error(data: &str) -> Option<StreamEvent> {
    let v: serde_json::Value = serde_json::from_str(data).ok()?;
    let err = v.get("error")?;
    let message = err
        .get("message")
        .and_then(|m| m.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| err.to_string());
    let kind = err
        .get("type")
        .and_then(|t| t.as_str())
        .unwrap_or("api_error")
        .to_owned();
    Some(StreamEvent::Error { kind, message })
}
