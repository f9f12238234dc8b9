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

use std::collections::HashMap;

use serde_json::{Map, Value};

use cpa_protocol::SseEvent;
use cpa_protocol::ir::{self, BlockKind, StopReason, StreamEvent};
use cpa_protocol::openai::responses::stream::{
    ArgumentsDeltaEvent, ArgumentsDoneEvent, ContentPartEvent, ErrorEvent, OutputItemEvent,
    ResponseEvent, SummaryDeltaEvent, SummaryDoneEvent, SummaryPartEvent, TextDeltaEvent,
    TextDoneEvent,
};
use cpa_protocol::openai::responses::{
    ContentPart, Item, Response, StreamEvent as Event, SummaryPart,
};

use crate::codec::StreamEncoder;
use crate::context::ResponseContext;
use crate::error::{TranslateError, to_string};

use super::response::{
    call_item, echo_into, message_item, reasoning_item, response_id, stop_from_ir, usage_from_ir,
};

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

    fn seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn push(&self, out: &mut Vec<SseEvent>, event: &Event) -> Result<(), TranslateError> {
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

    fn block_start(
        &mut self,
        index: u32,
        kind: &BlockKind,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
        let output_index = self.next_output;
        self.next_output += 1;
        let (item_id, block, item) = match kind {
            BlockKind::Text => {
                let id = format!("msg_{}_{output_index}", self.id);
                let mut item = message_item(id.clone(), String::new());
                item.status = Some("in_progress".into());
                item.content = Some(cpa_protocol::openai::responses::ItemContent::Parts(
                    Vec::new(),
                ));
                (id, Block::Text(String::new()), item)
            }
            BlockKind::Thinking | BlockKind::RedactedThinking { .. } => {
                let id = format!("rs_{}_{output_index}", self.id);
                let mut item = reasoning_item(id.clone(), String::new(), None);
                item.status = Some("in_progress".into());
                let block = Block::Thinking {
                    text: String::new(),
                    has_part: false,
                    signature: None,
                };
                (id, block, item)
            }
            BlockKind::ToolCall { id, name } => {
                let item = call_item(id, name, String::new(), "in_progress");
                let block = Block::Call {
                    call_id: id.clone(),
                    name: name.clone(),
                    args: String::new(),
                };
                (format!("fc_{id}"), block, item)
            }
        };
        let seq = self.seq();
        self.push(
            out,
            &Event::OutputItemAdded(OutputItemEvent {
                sequence_number: seq,
                output_index,
                item,
            }),
        )?;
        if matches!(block, Block::Text(_)) {
            let seq = self.seq();
            self.push(
                out,
                &Event::ContentPartAdded(ContentPartEvent {
                    sequence_number: seq,
                    item_id: item_id.clone(),
                    output_index,
                    content_index: 0,
                    part: ContentPart::output_text(""),
                }),
            )?;
        }
        self.open.insert(
            index,
            OpenBlock {
                output_index,
                item_id,
                block,
            },
        );
        Ok(())
    }

    fn delta(
        &mut self,
        index: u32,
        text: &str,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
        let seq = self.seq();
        let Some(open) = self.open.get_mut(&index) else {
            return Ok(());
        };
        let (item_id, output_index) = (open.item_id.clone(), open.output_index);
        let event = match &mut open.block {
            Block::Text(buf) => {
                buf.push_str(text);
                Event::OutputTextDelta(TextDeltaEvent {
                    sequence_number: seq,
                    item_id,
                    output_index,
                    content_index: 0,
                    delta: text.to_owned(),
                    logprobs: Vec::new(),
                })
            }
            Block::Thinking {
                text: buf,
                has_part,
                ..
            } => {
                buf.push_str(text);
                let first = !*has_part;
                *has_part = true;
                if first {
                    let part = Event::ReasoningSummaryPartAdded(SummaryPartEvent {
                        sequence_number: seq,
                        item_id: item_id.clone(),
                        output_index,
                        summary_index: 0,
                        part: SummaryPart::summary_text(""),
                    });
                    self.push(out, &part)?;
                    let seq = self.seq();
                    return self.push(
                        out,
                        &Event::ReasoningSummaryTextDelta(SummaryDeltaEvent {
                            sequence_number: seq,
                            item_id,
                            output_index,
                            summary_index: 0,
                            delta: text.to_owned(),
                        }),
                    );
                }
                Event::ReasoningSummaryTextDelta(SummaryDeltaEvent {
                    sequence_number: seq,
                    item_id,
                    output_index,
                    summary_index: 0,
                    delta: text.to_owned(),
                })
            }
            Block::Call { args, .. } => {
                args.push_str(text);
                Event::FunctionCallArgumentsDelta(ArgumentsDeltaEvent {
                    sequence_number: seq,
                    item_id,
                    output_index,
                    delta: text.to_owned(),
                })
            }
        };
        self.push(out, &event)
    }

    fn block_stop(&mut self, index: u32, out: &mut Vec<SseEvent>) -> Result<(), TranslateError> {
        let Some(open) = self.open.remove(&index) else {
            return Ok(());
        };
        let OpenBlock {
            output_index,
            item_id,
            block,
        } = open;
        let item = match block {
            Block::Text(text) => {
                let seq = self.seq();
                self.push(
                    out,
                    &Event::OutputTextDone(TextDoneEvent {
                        sequence_number: seq,
                        item_id: item_id.clone(),
                        output_index,
                        content_index: 0,
                        text: text.clone(),
                        logprobs: Vec::new(),
                    }),
                )?;
                let seq = self.seq();
                self.push(
                    out,
                    &Event::ContentPartDone(ContentPartEvent {
                        sequence_number: seq,
                        item_id: item_id.clone(),
                        output_index,
                        content_index: 0,
                        part: ContentPart::output_text(text.clone()),
                    }),
                )?;
                message_item(item_id, text)
            }
            Block::Thinking {
                text,
                has_part,
                signature,
            } => {
                if has_part {
                    let seq = self.seq();
                    self.push(
                        out,
                        &Event::ReasoningSummaryTextDone(SummaryDoneEvent {
                            sequence_number: seq,
                            item_id: item_id.clone(),
                            output_index,
                            summary_index: 0,
                            text: text.clone(),
                        }),
                    )?;
                    let seq = self.seq();
                    self.push(
                        out,
                        &Event::ReasoningSummaryPartDone(SummaryPartEvent {
                            sequence_number: seq,
                            item_id: item_id.clone(),
                            output_index,
                            summary_index: 0,
                            part: SummaryPart::summary_text(text.clone()),
                        }),
                    )?;
                }
                reasoning_item(item_id, text, signature)
            }
            Block::Call {
                call_id,
                name,
                args,
            } => {
                let seq = self.seq();
                self.push(
                    out,
                    &Event::FunctionCallArgumentsDone(ArgumentsDoneEvent {
                        sequence_number: seq,
                        item_id,
                        output_index,
                        arguments: args.clone(),
                    }),
                )?;
                call_item(&call_id, &name, args, "completed")
            }
        };
        let seq = self.seq();
        self.push(
            out,
            &Event::OutputItemDone(OutputItemEvent {
                sequence_number: seq,
                output_index,
                item: item.clone(),
            }),
        )?;
        self.output.push((output_index, item));
        Ok(())
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
