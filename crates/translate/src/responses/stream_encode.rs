//! IR stream events → Responses API events for Responses clients (lifecycle step 9).
//!
//! Produces the §11.2 sequence with a per-stream `sequence_number` starting at 1:
//! `response.created`, `response.in_progress`, then per IR block one output item
//! (`output_item.added` … `output_item.done`, with `content_part.*` + `output_text.*` for
//! text, `reasoning_summary_part.*` + `reasoning_summary_text.*` for thinking,
//! `function_call_arguments.*` for tool calls), and finally `response.completed` (or
//! `response.incomplete` for max-token / content-filter stops) with the aggregated output,
//! usage and the client's echo fields. Output indexes are sequential and every `*.done`
//! event carries the full text (quirk §12.23 fixed). The completion waits for usage that
//! arrives after the finish (OpenAI `include_usage`).

mod blocks;

use std::collections::HashMap;

use serde_json::{Map, Value};

use cpa_protocol::SseEvent;
use cpa_protocol::ir::{self, StopReason, StreamEvent};
use cpa_protocol::openai::responses::stream::{ErrorEvent, ResponseEvent};
use cpa_protocol::openai::responses::{Item, Response, StreamEvent as Event};

use crate::codec::StreamEncoder;
use crate::context::ResponseContext;
use crate::error::{TranslateError, to_string};

use super::response::{echo_into, response_id, stop_from_ir, usage_from_ir};

/// What an open output item accumulates.
#[derive(Debug)]
enum Block {
    Text(String),
    Thinking {
        text: String,
        has_part: bool,
        signature: Option<String>,
    },
    Call {
        call_id: String,
        name: String,
        args: String,
    },
}

#[derive(Debug)]
struct OpenBlock {
    output_index: u32,
    item_id: String,
    block: Block,
}

/// Stateful encoder from IR events to Responses events.
#[derive(Debug)]
pub struct ResponsesStreamEncoder {
    ctx: ResponseContext,
    seq: u64,
    has_started: bool,
    has_completed: bool,
    id: String,
    model: String,
    created: i64,
    next_output: u32,
    open: HashMap<u32, OpenBlock>,
    output: Vec<(u32, Item)>,
    usage: Option<ir::Usage>,
    pending_stop: Option<StopReason>,
}

impl ResponsesStreamEncoder {
    /// An encoder for one client stream.
    pub fn new(ctx: &ResponseContext) -> Self {
        Self {
            ctx: ctx.clone(),
            seq: 0,
            has_started: false,
            has_completed: false,
            id: String::new(),
            model: ctx.client_model.clone(),
            created: ctx.created,
            next_output: 0,
            open: HashMap::new(),
            output: Vec::new(),
            usage: None,
            pending_stop: None,
        }
    }

    pub(super) fn seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub(super) fn push(
        &self,
        out: &mut Vec<SseEvent>,
        event: &Event,
    ) -> Result<(), TranslateError> {
        out.push(SseEvent::named(event.name(), to_string(event)?));
        Ok(())
    }

    fn shell(&self, status: &str) -> Response {
        let mut extra = Map::new();
        extra.insert("background".into(), Value::Bool(false));
        Response {
            id: self.id.clone(),
            object: "response".into(),
            created_at: self.created,
            status: status.into(),
            model: Some(self.model.clone()),
            error: Some(Value::Null),
            extra,
            ..Response::default()
        }
    }

    fn start(
        &mut self,
        id: &str,
        model: &str,
        created: Option<i64>,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
        if self.has_started {
            return Ok(());
        }
        self.has_started = true;
        self.id = response_id(if id.is_empty() { "proxy" } else { id });
        if self.model.is_empty() {
            self.model = model.to_owned();
        }
        if let Some(c) = created {
            self.created = c;
        }
        let seq = self.seq();
        let created_event = Event::Created(ResponseEvent {
            sequence_number: seq,
            response: self.shell("in_progress"),
        });
        self.push(out, &created_event)?;
        let seq = self.seq();
        let progress = Event::InProgress(ResponseEvent {
            sequence_number: seq,
            response: self.shell("in_progress"),
        });
        self.push(out, &progress)
    }

    fn close_all(&mut self, out: &mut Vec<SseEvent>) -> Result<(), TranslateError> {
        let mut open: Vec<u32> = self.open.keys().copied().collect();
        open.sort_unstable();
        for index in open {
            self.block_stop(index, out)?;
        }
        Ok(())
    }

    /// An upstream error ends the stream: an `error` event, then `response.failed` with
    /// the output produced so far.
    fn fail(
        &mut self,
        kind: &str,
        message: &str,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
        self.has_completed = true;
        let seq = self.seq();
        self.push(
            out,
            &Event::Error(ErrorEvent {
                sequence_number: seq,
                code: Some(kind.to_owned()),
                message: message.to_owned(),
                param: None,
            }),
        )?;
        let mut response = self.shell("failed");
        self.output.sort_by_key(|(i, _)| *i);
        response.output = self.output.iter().map(|(_, item)| item.clone()).collect();
        response.error = Some(serde_json::json!({"code": kind, "message": message}));
        echo_into(&mut response.extra, &self.ctx);
        let seq = self.seq();
        self.push(
            out,
            &Event::Failed(ResponseEvent {
                sequence_number: seq,
                response,
            }),
        )
    }

    fn complete(&mut self, out: &mut Vec<SseEvent>) -> Result<(), TranslateError> {
        let Some(stop) = self.pending_stop.take() else {
            return Ok(());
        };
        self.close_all(out)?;
        self.has_completed = true;
        let (status, incomplete) = stop_from_ir(Some(&stop));
        let mut response = self.shell(status);
        self.output.sort_by_key(|(i, _)| *i);
        response.output = self.output.iter().map(|(_, item)| item.clone()).collect();
        response.usage = self.usage.as_ref().map(usage_from_ir);
        response.incomplete_details = Some(incomplete.clone().unwrap_or(Value::Null));
        echo_into(&mut response.extra, &self.ctx);
        let seq = self.seq();
        let payload = ResponseEvent {
            sequence_number: seq,
            response,
        };
        let event = if incomplete.is_some() {
            Event::Incomplete(payload)
        } else {
            Event::Completed(payload)
        };
        self.push(out, &event)
    }
}

impl StreamEncoder for ResponsesStreamEncoder {
    fn encode(
        &mut self,
        event: &StreamEvent,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
        if self.has_completed {
            return Ok(());
        }
        if let StreamEvent::Start {
            id,
            model,
            created,
            usage,
        } = event
        {
            self.usage = *usage;
            return self.start(id, model, *created, out);
        }
        self.start("", "", None, out)?;
        match event {
            StreamEvent::Start { .. } | StreamEvent::Ping => Ok(()),
            StreamEvent::BlockStart { index, kind } => self.block_start(*index, kind, out),
            StreamEvent::TextDelta { index, text }
            | StreamEvent::ThinkingDelta { index, text }
            | StreamEvent::ToolArgsDelta { index, json: text } => self.delta(*index, text, out),
            StreamEvent::SignatureDelta { index, signature } => {
                if let Some(OpenBlock {
                    block: Block::Thinking { signature: s, .. },
                    ..
                }) = self.open.get_mut(index)
                {
                    *s = Some(signature.clone());
                }
                Ok(())
            }
            StreamEvent::BlockStop { index } => self.block_stop(*index, out),
            StreamEvent::Finish { stop, usage, .. } => {
                self.pending_stop = Some(stop.clone());
                if let Some(u) = usage {
                    let mut merged = self.usage.unwrap_or_default();
                    merged.merge(u);
                    self.usage = Some(merged);
                    return self.complete(out);
                }
                Ok(())
            }
            StreamEvent::Usage(u) => {
                let mut merged = self.usage.unwrap_or_default();
                merged.merge(u);
                self.usage = Some(merged);
                self.complete(out)
            }
            StreamEvent::Error { kind, message } => self.fail(kind, message, out),
        }
    }

    fn finish(&mut self, out: &mut Vec<SseEvent>) {
        if self.has_completed || !self.has_started {
            return;
        }
        if self.pending_stop.is_none() {
            self.pending_stop = Some(StopReason::EndTurn);
        }
        // Serialising our own event types cannot fail; if it did, the stream just ends.
        let _ = self.complete(out);
    }
}
