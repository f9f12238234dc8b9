//! IR stream events → Anthropic SSE (lifecycle step 9, client side).
//!
//! Produces Anthropic-exact sequences (spec §11.1 rec): `message_start` (usage with input
//! tokens), then strictly sequential blocks `content_block_start` / `_delta`* / `_stop`
//! with client indexes 0, 1, 2…, then `message_delta` (stop reason, `stop_sequence`,
//! usage) and `message_stop`. The IR may have several blocks open at once (OpenAI parallel
//! tool calls): the first one streams live, later ones are buffered and replayed in order
//! when the live block stops, so nothing is lost. `message_delta` waits for usage when
//! the finish arrived without it (OpenAI sends usage in a later chunk).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use cpa_protocol::SseEvent;
use cpa_protocol::ir::{BlockKind, StopReason, StreamEvent, Usage};

use super::response::{message_id, stop_reason_str, usage_to_wire};
use crate::codec::StreamEncoder;
use crate::context::ResponseContext;
use crate::error::TranslateError;

/// Encoder state for one client stream.
pub(super) struct EventEncoder {
    model: String,
    fallback_id: String,
    tool_names: std::collections::HashMap<String, String>,
    started: bool,
    /// The IR block currently streaming live, with its client index.
    live: Option<(u32, u32)>,
    next_client_index: u32,
    /// Blocks waiting for the live one to stop, by IR index.
    deferred: BTreeMap<u32, Deferred>,
    usage: Usage,
    stop: Option<(StopReason, Option<String>)>,
    has_tool_calls: bool,
    delta_sent: bool,
    done: bool,
}

/// `content_block_delta` payload.
#[derive(Serialize)]
struct BlockDelta<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    index: u32,
    delta: DeltaBody<'a>,
}

/// The `delta` object of `content_block_delta`.
#[derive(Serialize)]
#[serde(tag = "type")]
enum DeltaBody<'a> {
    #[serde(rename = "text_delta")]
    Text { text: &'a str },
    #[serde(rename = "thinking_delta")]
    Thinking { thinking: &'a str },
    #[serde(rename = "signature_delta")]
    Signature { signature: &'a str },
    #[serde(rename = "input_json_delta")]
    InputJson { partial_json: &'a str },
}

/// A buffered block.
struct Deferred {
    kind: BlockKind,
    deltas: Vec<StreamEvent>,
    stopped: bool,
}

impl EventEncoder {
    pub(super) fn new(ctx: &ResponseContext) -> Self {
        EventEncoder {
            model: ctx.client_model.clone(),
            fallback_id: message_id("", ctx),
            tool_names: ctx.tool_names.clone(),
            started: false,
            live: None,
            next_client_index: 0,
            deferred: BTreeMap::new(),
            usage: Usage::default(),
            stop: None,
            has_tool_calls: false,
            delta_sent: false,
            done: false,
        }
    }

    fn push(out: &mut Vec<SseEvent>, name: &str, data: &Value) {
        out.push(SseEvent::named(name, data.to_string()));
    }

    fn start_message(&mut self, id: &str, usage: Option<&Usage>, out: &mut Vec<SseEvent>) {
        if self.started {
            return;
        }
        self.started = true;
        if let Some(u) = usage {
            self.usage = *u;
        }
        let id = if id.is_empty() {
            self.fallback_id.as_str()
        } else {
            id
        };
        let data = json!({"type": "message_start", "message": {
            "id": id, "type": "message", "role": "assistant", "model": self.model,
            "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": usage_to_wire(&self.usage)}});
        Self::push(out, "message_start", &data);
    }

    fn open(&mut self, ir_index: u32, kind: &BlockKind, out: &mut Vec<SseEvent>) {
        let index = self.next_client_index;
        self.next_client_index += 1;
        self.live = Some((ir_index, index));
        let block = match kind {
            BlockKind::Text => json!({"type": "text", "text": ""}),
            BlockKind::Thinking => json!({"type": "thinking", "thinking": "", "signature": ""}),
            BlockKind::RedactedThinking { data } => {
                json!({"type": "redacted_thinking", "data": data})
            }
            BlockKind::ToolCall { id, name } => {
                self.has_tool_calls = true;
                let name = self.tool_names.get(name).unwrap_or(name);
                json!({"type": "tool_use", "id": id, "name": name, "input": {}})
            }
        };
        let data = json!({"type": "content_block_start", "index": index, "content_block": block});
        Self::push(out, "content_block_start", &data);
    }

    fn delta(&self, client_index: u32, event: &StreamEvent, out: &mut Vec<SseEvent>) {
        // Typed, borrowed serialisation: this is the per-token hot path.
        let delta = match event {
            StreamEvent::TextDelta { text, .. } => DeltaBody::Text { text },
            StreamEvent::ThinkingDelta { text, .. } => DeltaBody::Thinking { thinking: text },
            StreamEvent::SignatureDelta { signature, .. } => DeltaBody::Signature { signature },
            StreamEvent::ToolArgsDelta { json, .. } => DeltaBody::InputJson { partial_json: json },
            _ => return,
        };
        let data = BlockDelta {
            kind: "content_block_delta",
            index: client_index,
            delta,
        };
        if let Ok(text) = serde_json::to_string(&data) {
            out.push(SseEvent::named("content_block_delta", text));
        }
    }

    fn close_live(&mut self, out: &mut Vec<SseEvent>) {
        if let Some((_, index)) = self.live.take() {
            Self::push(
                out,
                "content_block_stop",
                &json!({"type": "content_block_stop", "index": index}),
            );
        }
    }

    /// Replays deferred blocks after the live one stopped; a replayed block that has not
    /// stopped yet becomes live. With `force`, every block is closed.
    fn flush_deferred(&mut self, force: bool, out: &mut Vec<SseEvent>) {
        while self.live.is_none() {
            let Some((ir_index, block)) = self.deferred.pop_first() else {
                return;
            };
            self.open(ir_index, &block.kind, out);
            let client_index = self.next_client_index - 1;
            for d in coalesce(block.deltas) {
                self.delta(client_index, &d, out);
            }
            if block.stopped || force {
                self.close_live(out);
            }
        }
    }

    fn block_event(&mut self, index: u32, event: &StreamEvent, out: &mut Vec<SseEvent>) {
        match self.live {
            Some((live, client_index)) if live == index => self.delta(client_index, event, out),
            _ => match self.deferred.get_mut(&index) {
                Some(d) => d.deltas.push(event.clone()),
                None => {
                    // A delta for a block that never started: open an implicit one.
                    let kind = match event {
                        StreamEvent::ThinkingDelta { .. } | StreamEvent::SignatureDelta { .. } => {
                            BlockKind::Thinking
                        }
                        _ => BlockKind::Text,
                    };
                    self.block_start(index, kind, out);
                    self.block_event(index, event, out);
                }
            },
        }
    }

    fn block_start(&mut self, index: u32, kind: BlockKind, out: &mut Vec<SseEvent>) {
        if self.live.is_none() {
            self.open(index, &kind, out);
        } else {
            self.deferred.insert(
                index,
                Deferred {
                    kind,
                    deltas: Vec::new(),
                    stopped: false,
                },
            );
        }
    }

    fn send_message_delta(&mut self, out: &mut Vec<SseEvent>) {
        if self.delta_sent {
            return;
        }
        self.delta_sent = true;
        let (stop, seq) = match &self.stop {
            Some((s, seq)) => (stop_reason_str(s), seq.clone()),
            None if self.has_tool_calls => ("tool_use", None),
            None => ("end_turn", None),
        };
        let data = json!({"type": "message_delta",
            "delta": {"stop_reason": stop, "stop_sequence": seq},
            "usage": usage_to_wire(&self.usage)});
        Self::push(out, "message_delta", &data);
    }
}

/// Anthropic error types; anything else is reported as `api_error`.
fn error_type(kind: &str) -> &str {
    match kind {
        "invalid_request_error"
        | "authentication_error"
        | "permission_error"
        | "not_found_error"
        | "request_too_large"
        | "rate_limit_error"
        | "api_error"
        | "overloaded_error" => kind,
        _ => "api_error",
    }
}

/// Merges consecutive fragments of the same kind so a replayed block needs one delta each.
fn coalesce(deltas: Vec<StreamEvent>) -> Vec<StreamEvent> {
    let mut out: Vec<StreamEvent> = Vec::with_capacity(deltas.len());
    for d in deltas {
        match (out.last_mut(), d) {
            (
                Some(StreamEvent::TextDelta { text: a, .. }),
                StreamEvent::TextDelta { text: b, .. },
            )
            | (
                Some(StreamEvent::ThinkingDelta { text: a, .. }),
                StreamEvent::ThinkingDelta { text: b, .. },
            )
            | (
                Some(StreamEvent::ToolArgsDelta { json: a, .. }),
                StreamEvent::ToolArgsDelta { json: b, .. },
            ) => {
                a.push_str(&b);
            }
            (_, d) => out.push(d),
        }
    }
    out
}

impl StreamEncoder for EventEncoder {
    fn encode(
        &mut self,
        event: &StreamEvent,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
        if self.done {
            return Ok(());
        }
        if !self.started
            && !matches!(
                event,
                StreamEvent::Start { .. } | StreamEvent::Error { .. } | StreamEvent::Ping
            )
        {
            self.start_message("", None, out);
        }
        match event {
            StreamEvent::Start { id, usage, .. } => self.start_message(id, usage.as_ref(), out),
            StreamEvent::BlockStart { index, kind } => self.block_start(*index, kind.clone(), out),
            StreamEvent::TextDelta { index, .. }
            | StreamEvent::ThinkingDelta { index, .. }
            | StreamEvent::SignatureDelta { index, .. }
            | StreamEvent::ToolArgsDelta { index, .. } => self.block_event(*index, event, out),
            StreamEvent::BlockStop { index } => match self.live {
                Some((live, _)) if live == *index => {
                    self.close_live(out);
                    self.flush_deferred(false, out);
                }
                _ => {
                    if let Some(d) = self.deferred.get_mut(index) {
                        d.stopped = true;
                    }
                }
            },
            StreamEvent::Finish {
                stop,
                stop_sequence,
                usage,
            } => {
                self.close_live(out);
                self.flush_deferred(true, out);
                self.stop = Some((stop.clone(), stop_sequence.clone()));
                if let Some(u) = usage {
                    self.usage.merge(u);
                    self.send_message_delta(out);
                }
            }
            StreamEvent::Usage(u) => {
                self.usage.merge(u);
                if self.stop.is_some() {
                    self.send_message_delta(out);
                }
            }
            StreamEvent::Ping => Self::push(out, "ping", &json!({"type": "ping"})),
            StreamEvent::Error { kind, message } => {
                let data = json!({"type": "error", "error": {"type": error_type(kind), "message": message}});
                Self::push(out, "error", &data);
                // An error event ends an Anthropic stream; nothing may follow it.
                self.done = true;
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<SseEvent>) {
        if self.done {
            return;
        }
        self.done = true;
        if !self.started {
            return;
        }
        self.close_live(out);
        self.flush_deferred(true, out);
        self.send_message_delta(out);
        Self::push(out, "message_stop", &json!({"type": "message_stop"}));
    }
}
