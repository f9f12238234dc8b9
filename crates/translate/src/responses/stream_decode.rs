//! Responses / Codex stream events → IR stream events (lifecycle step 9).
//!
//! Each output item becomes one IR block, numbered in order of first appearance: a
//! `message` item is a text block (all its parts), a `reasoning` item a thinking block
//! (summary parts separated by a blank line, `encrypted_content` as a signature at the
//! end), a `function_call` item a tool-call block. Arguments sent only in the `done`
//! events (no deltas) are emitted there. `response.completed` / `.incomplete` / `.failed`
//! end the stream. Unknown event types are ignored, never errors.

use std::collections::HashMap;

use cpa_protocol::SseEvent;
use cpa_protocol::ir::{BlockKind, StopReason, StreamEvent};
use cpa_protocol::openai::responses::item::ItemKind;
use cpa_protocol::openai::responses::stream::{OutputItemEvent, ResponseEvent};
use cpa_protocol::openai::responses::{Item, StreamEvent as Event};

use crate::codec::StreamDecoder;
use crate::context::ResponseContext;
use crate::error::{TranslateError, parse};

use super::response::{stop_to_ir, usage_to_ir};

/// One open output item.
#[derive(Debug)]
struct OpenItem {
    index: u32,
    kind: ItemKind,
    has_args: bool,
    summary_parts: u32,
}

/// Stateful Responses stream decoder.
#[derive(Debug)]
pub struct ResponsesStreamDecoder {
    tool_names: HashMap<String, String>,
    has_started: bool,
    has_finished: bool,
    has_tool_call: bool,
    next_index: u32,
    items: HashMap<u32, OpenItem>,
}

impl ResponsesStreamDecoder {
    /// A decoder; `ctx.tool_names` maps shortened Codex names back.
    pub fn new(ctx: &ResponseContext) -> Self {
        Self {
            tool_names: ctx.tool_names.clone(),
            has_started: false,
            has_finished: false,
            has_tool_call: false,
            next_index: 0,
            items: HashMap::new(),
        }
    }

    /// Decodes one already-parsed event.
    pub fn on_event(&mut self, event: Event, out: &mut Vec<StreamEvent>) {
        let is_lifecycle = matches!(
            event,
            Event::Created(_) | Event::InProgress(_) | Event::Unknown | Event::Error(_)
        );
        if !self.has_started && !is_lifecycle {
            // Some upstreams skip `response.created`; clients still need a start.
            self.start(&ResponseEvent::default(), out);
        }
        match event {
            Event::Created(e) | Event::InProgress(e) => self.start(&e, out),
            Event::OutputItemAdded(e) => self.item_added(e, out),
            Event::OutputTextDelta(e) => {
                if let Some(index) = self.block(e.output_index) {
                    out.push(StreamEvent::TextDelta {
                        index,
                        text: e.delta,
                    });
                }
            }
            Event::ReasoningSummaryPartAdded(e) => {
                if let Some(item) = self.items.get_mut(&e.output_index) {
                    item.summary_parts += 1;
                    if item.summary_parts > 1 {
                        out.push(StreamEvent::ThinkingDelta {
                            index: item.index,
                            text: "\n\n".into(),
                        });
                    }
                }
            }
            Event::ReasoningSummaryTextDelta(e) => {
                if let Some(index) = self.block(e.output_index) {
                    out.push(StreamEvent::ThinkingDelta {
                        index,
                        text: e.delta,
                    });
                }
            }
            Event::FunctionCallArgumentsDelta(e) => {
                if let Some(item) = self.items.get_mut(&e.output_index) {
                    item.has_args = true;
                    out.push(StreamEvent::ToolArgsDelta {
                        index: item.index,
                        json: e.delta,
                    });
                }
            }
            Event::OutputItemDone(e) => self.item_done(e, out),
            Event::Completed(e) | Event::Incomplete(e) => self.complete(e, out),
            Event::Failed(e) => {
                let error = e.response.error.unwrap_or_default();
                out.push(StreamEvent::Error {
                    kind: error
                        .get("code")
                        .and_then(|c| c.as_str())
                        .unwrap_or("server_error")
                        .to_owned(),
                    message: error
                        .get("message")
                        .and_then(|m| m.as_str())
                        .unwrap_or("response failed")
                        .to_owned(),
                });
                self.has_finished = true;
            }
            Event::Error(e) => out.push(StreamEvent::Error {
                kind: e.code.unwrap_or_else(|| "server_error".into()),
                message: e.message,
            }),
            _ => {}
        }
    }

    fn block(&self, output_index: u32) -> Option<u32> {
        self.items.get(&output_index).map(|i| i.index)
    }

    fn start(&mut self, e: &ResponseEvent, out: &mut Vec<StreamEvent>) {
        if self.has_started {
            return;
        }
        self.has_started = true;
        out.push(StreamEvent::Start {
            id: e.response.id.clone(),
            model: e.response.model.clone().unwrap_or_default(),
            created: (e.response.created_at > 0).then_some(e.response.created_at),
            usage: None,
        });
    }

    fn item_added(&mut self, e: OutputItemEvent, out: &mut Vec<StreamEvent>) {
        let kind = e.item.kind();
        let block = match kind {
            ItemKind::Message => BlockKind::Text,
            ItemKind::Reasoning => BlockKind::Thinking,
            ItemKind::FunctionCall => {
                self.has_tool_call = true;
                BlockKind::ToolCall {
                    id: e
                        .item
                        .call_id
                        .clone()
                        .or(e.item.id.clone())
                        .unwrap_or_default(),
                    name: self.client_name(&e.item),
                }
            }
            _ => return,
        };
        let index = self.next_index;
        self.next_index += 1;
        self.items.insert(
            e.output_index,
            OpenItem {
                index,
                kind,
                has_args: false,
                summary_parts: 0,
            },
        );
        out.push(StreamEvent::BlockStart { index, kind: block });
    }

    fn client_name(&self, item: &Item) -> String {
        let name = item.name.clone().unwrap_or_default();
        self.tool_names.get(&name).cloned().unwrap_or(name)
    }

    fn item_done(&mut self, e: OutputItemEvent, out: &mut Vec<StreamEvent>) {
        let Some(open) = self.items.remove(&e.output_index) else {
            return;
        };
        let index = open.index;
        match open.kind {
            ItemKind::FunctionCall if !open.has_args => {
                if let Some(args) = e.item.arguments.filter(|a| !a.is_empty()) {
                    out.push(StreamEvent::ToolArgsDelta { index, json: args });
                }
            }
            ItemKind::Reasoning => {
                if let Some(signature) = e.item.encrypted_content.filter(|s| !s.is_empty()) {
                    out.push(StreamEvent::SignatureDelta { index, signature });
                }
            }
            _ => {}
        }
        out.push(StreamEvent::BlockStop { index });
    }

    fn close_all(&mut self, out: &mut Vec<StreamEvent>) {
        let mut open: Vec<u32> = self.items.drain().map(|(_, i)| i.index).collect();
        open.sort_unstable();
        out.extend(
            open.into_iter()
                .map(|index| StreamEvent::BlockStop { index }),
        );
    }

    fn complete(&mut self, e: ResponseEvent, out: &mut Vec<StreamEvent>) {
        if self.has_finished {
            return;
        }
        self.start(&e, out);
        self.close_all(out);
        self.has_finished = true;
        let r = e.response;
        out.push(StreamEvent::Finish {
            stop: stop_to_ir(&r.status, r.incomplete_details.as_ref(), self.has_tool_call),
            stop_sequence: None,
            usage: r.usage.as_ref().map(usage_to_ir),
        });
    }
}

impl StreamDecoder for ResponsesStreamDecoder {
    fn decode(
        &mut self,
        event: &SseEvent,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), TranslateError> {
        let data = event.data.trim();
        if data.is_empty() || event.is_done() {
            return Ok(());
        }
        let parsed: Event = parse(data.as_bytes())?;
        self.on_event(parsed, out);
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.has_started || self.has_finished {
            return;
        }
        self.close_all(out);
        self.has_finished = true;
        let stop = if self.has_tool_call {
            StopReason::ToolUse
        } else {
            StopReason::EndTurn
        };
        out.push(StreamEvent::Finish {
            stop,
            stop_sequence: None,
            usage: None,
        });
    }
}
