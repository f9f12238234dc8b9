//! IR stream events → OpenAI chat chunks (lifecycle step 9, client side).
//!
//! Sequence (spec §11.0, OpenAI-exact): a role chunk at `Start`; `content` /
//! `reasoning_content` chunks per delta; tool calls stream incrementally with a 0-based
//! tool counter as `index` (the Go proxy used the Claude block index and sent whole
//! calls at block stop, quirk 17, fixed); one finish chunk with `finish_reason`; when the
//! client set `stream_options.include_usage`, a usage-only chunk (`choices: []`); and
//! finally `data: [DONE]` from `finish`.

use std::collections::HashMap;

use serde::Serialize;

use cpa_protocol::ir::{BlockKind, StopReason, StreamEvent, Usage};
use cpa_protocol::openai::chat::ChatUsage;
use cpa_protocol::{SseEvent, sse};

use super::response::{chat_id, finish_reason, usage_to_chat};
use crate::codec::StreamEncoder;
use crate::context::ResponseContext;
use crate::error::TranslateError;

/// Encoder state for one client stream.
pub(super) struct ChunkEncoder {
    id: String,
    model: String,
    created: i64,
    include_usage: bool,
    started: bool,
    /// IR block index → OpenAI tool-call index.
    tool_index: HashMap<u32, u32>,
    next_tool: u32,
    usage: Option<Usage>,
    done: bool,
    ctx_seed_id: String,
    tool_names: HashMap<String, String>,
}

#[derive(Serialize)]
struct Chunk<'a> {
    id: &'a str,
    object: &'static str,
    created: i64,
    model: &'a str,
    choices: Vec<ChoiceOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<ChatUsage>,
}

#[derive(Serialize)]
struct ChoiceOut<'a> {
    index: u32,
    delta: DeltaOut<'a>,
    finish_reason: Option<&'static str>,
}

#[derive(Serialize, Default)]
struct DeltaOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasoning_content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_calls: Option<[ToolCallOut<'a>; 1]>,
}

#[derive(Serialize)]
struct ToolCallOut<'a> {
    index: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    function: FunctionOut<'a>,
}

#[derive(Serialize)]
struct FunctionOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    arguments: &'a str,
}

impl ChunkEncoder {
    pub(super) fn new(ctx: &ResponseContext) -> Self {
        ChunkEncoder {
            id: String::new(),
            model: ctx.client_model.clone(),
            created: ctx.created,
            include_usage: ctx.include_usage,
            started: false,
            tool_index: HashMap::new(),
            next_tool: 0,
            usage: None,
            done: false,
            ctx_seed_id: chat_id("", ctx),
            tool_names: ctx.tool_names.clone(),
        }
    }

    fn emit(
        &self,
        delta: DeltaOut<'_>,
        finish: Option<&'static str>,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
        let chunk = Chunk {
            id: &self.id,
            object: "chat.completion.chunk",
            created: self.created,
            model: &self.model,
            choices: vec![ChoiceOut {
                index: 0,
                delta,
                finish_reason: finish,
            }],
            usage: None,
        };
        out.push(SseEvent::data(crate::error::to_string(&chunk)?));
        Ok(())
    }

    fn ensure_started(&mut self, out: &mut Vec<SseEvent>) -> Result<(), TranslateError> {
        if !self.started {
            self.started = true;
            if self.id.is_empty() {
                self.id.clone_from(&self.ctx_seed_id);
            }
            let delta = DeltaOut {
                role: Some("assistant"),
                content: Some(""),
                ..DeltaOut::default()
            };
            self.emit(delta, None, out)?;
        }
        Ok(())
    }
}

impl StreamEncoder for ChunkEncoder {
    fn encode(
        &mut self,
        event: &StreamEvent,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
        if self.done {
            return Ok(());
        }
        match event {
            StreamEvent::Start {
                id, created, usage, ..
            } => {
                if !self.started {
                    self.id.clone_from(id);
                    if let Some(c) = created {
                        self.created = *c;
                    }
                }
                if let Some(u) = usage {
                    self.usage = Some(*u);
                }
                self.ensure_started(out)?;
            }
            StreamEvent::BlockStart {
                index,
                kind: BlockKind::ToolCall { id, name },
            } => {
                self.ensure_started(out)?;
                let tool = self.next_tool;
                self.next_tool += 1;
                self.tool_index.insert(*index, tool);
                let name = self.tool_names.get(name).unwrap_or(name);
                let call = ToolCallOut {
                    index: tool,
                    id: Some(id),
                    kind: Some("function"),
                    function: FunctionOut {
                        name: Some(name),
                        arguments: "",
                    },
                };
                self.emit(
                    DeltaOut {
                        tool_calls: Some([call]),
                        ..DeltaOut::default()
                    },
                    None,
                    out,
                )?;
            }
            StreamEvent::TextDelta { text, .. } => {
                self.ensure_started(out)?;
                self.emit(
                    DeltaOut {
                        content: Some(text),
                        ..DeltaOut::default()
                    },
                    None,
                    out,
                )?;
            }
            StreamEvent::ThinkingDelta { text, .. } => {
                self.ensure_started(out)?;
                self.emit(
                    DeltaOut {
                        reasoning_content: Some(text),
                        ..DeltaOut::default()
                    },
                    None,
                    out,
                )?;
            }
            StreamEvent::ToolArgsDelta { index, json } => {
                self.ensure_started(out)?;
                if let Some(&tool) = self.tool_index.get(index) {
                    let call = ToolCallOut {
                        index: tool,
                        id: None,
                        kind: None,
                        function: FunctionOut {
                            name: None,
                            arguments: json,
                        },
                    };
                    self.emit(
                        DeltaOut {
                            tool_calls: Some([call]),
                            ..DeltaOut::default()
                        },
                        None,
                        out,
                    )?;
                }
            }
            StreamEvent::Finish { stop, usage, .. } => {
                self.ensure_started(out)?;
                if let Some(u) = usage {
                    self.usage.get_or_insert_with(Usage::default).merge(u);
                }
                let reason = match stop {
                    StopReason::MaxTokens => "length",
                    _ if self.next_tool > 0 => "tool_calls",
                    other => finish_reason(other),
                };
                self.emit(DeltaOut::default(), Some(reason), out)?;
            }
            StreamEvent::Usage(u) => {
                self.usage.get_or_insert_with(Usage::default).merge(u);
            }
            StreamEvent::Error { kind, message } => {
                let body = serde_json::json!({"error": {"message": message, "type": kind}});
                out.push(SseEvent::data(body.to_string()));
                // The error chunk ends the stream: no finish, usage or `[DONE]` after it.
                self.done = true;
            }
            StreamEvent::BlockStart { .. }
            | StreamEvent::SignatureDelta { .. }
            | StreamEvent::BlockStop { .. }
            | StreamEvent::Ping => {}
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<SseEvent>) {
        if self.done {
            return;
        }
        self.done = true;
        if self.include_usage && self.started {
            let chunk = Chunk {
                id: &self.id,
                object: "chat.completion.chunk",
                created: self.created,
                model: &self.model,
                choices: Vec::new(),
                usage: Some(usage_to_chat(&self.usage.unwrap_or_default())),
            };
            if let Ok(data) = crate::error::to_string(&chunk) {
                out.push(SseEvent::data(data));
            }
        }
        out.push(SseEvent::data(sse::DONE));
    }
}
