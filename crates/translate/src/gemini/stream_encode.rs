//! IR stream events → Gemini SSE chunks for Gemini and Gemini CLI clients (lifecycle
//! step 9).
//!
//! Text and thought deltas become one chunk each; tool-call arguments are buffered until
//! the block stops because Gemini clients need a complete `functionCall`. The final chunk
//! carries `finishReason` and `usageMetadata`; when the upstream reports usage after its
//! finish (OpenAI `include_usage`), the final chunk waits for it (or for `finish`).
//! Gemini CLI clients get every chunk wrapped as `{"response":…}`. Never emits `[DONE]`.

use std::collections::HashMap;

use serde_json::Map;

use cpa_protocol::SseEvent;
use cpa_protocol::gemini::{self, Candidate, CliResponse, GenerateContentResponse};
use cpa_protocol::ir::{self, BlockKind, StopReason, StreamEvent, ToolArguments};

use crate::codec::StreamEncoder;
use crate::context::ResponseContext;
use crate::error::{TranslateError, to_string};

use super::response::{function_call_part, model_content, stop_from_ir, usage_from_ir};
use super::time::format_rfc3339;

/// Stateful encoder from IR events to Gemini chunks.
#[derive(Debug)]
pub struct GeminiStreamEncoder {
    is_enveloped: bool,
    has_started: bool,
    created: i64,
    id: String,
    model: String,
    tool_calls: HashMap<u32, (String, String)>,
    pending_finish: Option<StopReason>,
    usage: Option<ir::Usage>,
    has_finished: bool,
}

impl GeminiStreamEncoder {
    /// An encoder; `is_enveloped` wraps chunks for Gemini CLI clients.
    pub fn new(is_enveloped: bool, ctx: &ResponseContext) -> Self {
        Self {
            is_enveloped,
            has_started: false,
            created: ctx.created,
            id: String::new(),
            model: ctx.client_model.clone(),
            tool_calls: HashMap::new(),
            pending_finish: None,
            usage: None,
            has_finished: false,
        }
    }

    fn chunk(&self, parts: Vec<gemini::Part>, finish: Option<String>) -> GenerateContentResponse {
        GenerateContentResponse {
            candidates: vec![Candidate {
                content: Some(model_content(parts)),
                finish_reason: finish,
                index: Some(0),
                extra: Map::new(),
            }],
            model_version: Some(self.model.clone()),
            response_id: Some(self.id.clone()),
            create_time: Some(format_rfc3339(self.created)),
            ..GenerateContentResponse::default()
        }
    }

    fn emit(
        &self,
        chunk: GenerateContentResponse,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
        let data = if self.is_enveloped {
            to_string(&CliResponse {
                response: chunk,
                trace_id: None,
                extra: Map::new(),
            })?
        } else {
            to_string(&chunk)?
        };
        out.push(SseEvent::data(data));
        Ok(())
    }

    fn emit_part(&self, part: gemini::Part, out: &mut Vec<SseEvent>) -> Result<(), TranslateError> {
        self.emit(self.chunk(vec![part], None), out)
    }

    fn emit_final(&mut self, out: &mut Vec<SseEvent>) -> Result<(), TranslateError> {
        let Some(stop) = self.pending_finish.take() else {
            return Ok(());
        };
        self.has_finished = true;
        let mut chunk = self.chunk(Vec::new(), Some(stop_from_ir(&stop)));
        chunk.usage_metadata = self.usage.as_ref().map(usage_from_ir);
        self.emit(chunk, out)
    }
}

impl StreamEncoder for GeminiStreamEncoder {
    fn encode(
        &mut self,
        event: &StreamEvent,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
        match event {
            StreamEvent::Start {
                id,
                model,
                created,
                usage,
            } => {
                self.has_started = true;
                self.id.clone_from(id);
                if self.model.is_empty() {
                    self.model.clone_from(model);
                }
                if let Some(c) = created {
                    self.created = *c;
                }
                self.usage = *usage;
            }
            StreamEvent::BlockStart {
                index,
                kind: BlockKind::ToolCall { name, .. },
            } => {
                self.tool_calls
                    .insert(*index, (name.clone(), String::new()));
            }
            StreamEvent::BlockStart { .. } => {}
            StreamEvent::TextDelta { text, .. } if !text.is_empty() => {
                self.emit_part(
                    gemini::Part {
                        text: Some(text.clone()),
                        ..gemini::Part::default()
                    },
                    out,
                )?;
            }
            StreamEvent::ThinkingDelta { text, .. } if !text.is_empty() => {
                self.emit_part(
                    gemini::Part {
                        text: Some(text.clone()),
                        thought: Some(true),
                        ..gemini::Part::default()
                    },
                    out,
                )?;
            }
            StreamEvent::TextDelta { .. } | StreamEvent::ThinkingDelta { .. } => {}
            StreamEvent::SignatureDelta { signature, .. } => {
                self.emit_part(
                    gemini::Part {
                        text: Some(String::new()),
                        thought: Some(true),
                        thought_signature: Some(signature.clone()),
                        ..gemini::Part::default()
                    },
                    out,
                )?;
            }
            StreamEvent::ToolArgsDelta { index, json } => {
                if let Some((_, args)) = self.tool_calls.get_mut(index) {
                    args.push_str(json);
                }
            }
            StreamEvent::BlockStop { index } => {
                if let Some((name, args)) = self.tool_calls.remove(index) {
                    self.emit_part(function_call_part(&name, &ToolArguments(args)), out)?;
                }
            }
            StreamEvent::Finish { stop, usage, .. } => {
                if let Some(u) = usage {
                    let mut merged = self.usage.unwrap_or_default();
                    merged.merge(u);
                    self.usage = Some(merged);
                }
                self.pending_finish = Some(stop.clone());
                if usage.is_some() {
                    self.emit_final(out)?;
                }
            }
            StreamEvent::Usage(u) => {
                let mut merged = self.usage.unwrap_or_default();
                merged.merge(u);
                self.usage = Some(merged);
                self.emit_final(out)?;
            }
            StreamEvent::Error { kind, message } => {
                // Nothing follows an upstream error: no final chunk from `finish`.
                self.has_finished = true;
                self.pending_finish = None;
                let body = serde_json::json!({
                    "error": {"code": 500, "message": message, "status": kind}
                });
                out.push(SseEvent::data(body.to_string()));
            }
            StreamEvent::Ping => {}
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<SseEvent>) {
        if self.pending_finish.is_none() && !self.has_finished && self.has_started {
            self.pending_finish = Some(StopReason::EndTurn);
        }
        // Serialising our own types cannot fail; if it somehow did, the stream just ends.
        let _ = self.emit_final(out);
    }
}
