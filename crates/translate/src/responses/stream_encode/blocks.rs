//! Output-item events of the Responses stream encoder: one IR block becomes one output
//! item (`output_item.added`, the per-kind delta/done events, `output_item.done`).
//!
//! Part of lifecycle step 9; split from `stream_encode` only to keep files small. Must not
//! emit lifecycle events (`response.created`, `response.completed`): the parent does.

use cpa_protocol::SseEvent;
use cpa_protocol::ir::BlockKind;
use cpa_protocol::openai::responses::stream::{
    ArgumentsDeltaEvent, ArgumentsDoneEvent, ContentPartEvent, OutputItemEvent, SummaryDeltaEvent,
    SummaryDoneEvent, SummaryPartEvent, TextDeltaEvent, TextDoneEvent,
};
use cpa_protocol::openai::responses::{
    ContentPart, ItemContent, StreamEvent as Event, SummaryPart,
};

use crate::error::TranslateError;

use super::super::response::{call_item, message_item, reasoning_item};
use super::{Block, OpenBlock, ResponsesStreamEncoder};

impl ResponsesStreamEncoder {
    pub(super) fn block_start(
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
                item.content = Some(ItemContent::Parts(Vec::new()));
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

    pub(super) fn delta(
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

    pub(super) fn block_stop(
        &mut self,
        index: u32,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
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
}
