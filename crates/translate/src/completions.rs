//! Legacy Completions codec (format id `openai-completions`), lifecycle steps 5 and 9.
//!
//! Client side only (proxy-pipeline spec §2.3): a `/v1/completions` body becomes a single
//! user message (`prompt`, default `"Complete this:"`), and responses/streams come back as
//! `text_completion` objects whose `choices[].text` carries the generated text. Chunks
//! without text and without a finish reason are not emitted; reasoning and tool calls have
//! no place in this format and are dropped. Streams end with `data: [DONE]`.

use serde_json::Value;

use cpa_protocol::ir::{self, Message, Part, Role, StreamEvent, Usage};
use cpa_protocol::openai::chat::ChatUsage;
use cpa_protocol::openai::completions::{CompletionRequest, TextChoice, TextCompletion};
use cpa_protocol::{Format, SseEvent, sse};

use crate::codec::{FormatCodec, StreamEncoder};
use crate::context::{RequestContext, ResponseContext};
use crate::error::TranslateError;
use crate::openai_chat::{finish_reason, usage_to_chat};

/// Prompt used when the request has none (CLIProxyAPI behaviour).
pub const DEFAULT_PROMPT: &str = "Complete this:";

/// The legacy Completions codec.
pub struct Codec;

impl FormatCodec for Codec {
    fn format(&self) -> Format {
        Format::OpenAiCompletions
    }

    fn decode_request(
        &self,
        body: &[u8],
        _ctx: &RequestContext,
    ) -> Result<ir::Request, TranslateError> {
        let wire: CompletionRequest = crate::error::parse(body)?;
        let prompt = match wire.prompt {
            Some(Value::String(s)) if !s.is_empty() => s,
            None | Some(Value::Null) | Some(Value::String(_)) => DEFAULT_PROMPT.to_owned(),
            Some(other) => other.to_string(),
        };
        let mut req = ir::Request {
            model: wire.model,
            messages: vec![Message::new(
                Role::User,
                vec![Part::Text(ir::Text::new(prompt))],
            )],
            stream: wire.stream.unwrap_or(false),
            ..ir::Request::default()
        };
        let s = &mut req.sampling;
        s.max_output_tokens = wire.max_tokens;
        s.temperature = wire.temperature;
        s.top_p = wire.top_p;
        s.frequency_penalty = wire.frequency_penalty;
        s.presence_penalty = wire.presence_penalty;
        s.stop = match wire.stop {
            Some(Value::String(x)) => vec![x],
            Some(Value::Array(v)) => v
                .into_iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        s.logprobs = wire
            .logprobs
            .as_ref()
            .map(|l| !matches!(l, Value::Bool(false) | Value::Null));
        s.top_logprobs = wire.top_logprobs;
        Ok(req)
    }

    fn encode_response(
        &self,
        resp: &ir::Response,
        ctx: &ResponseContext,
    ) -> Result<Vec<u8>, TranslateError> {
        let text: String = resp
            .content
            .iter()
            .filter_map(|p| match p {
                Part::Text(t) => Some(t.text.as_str()),
                _ => None,
            })
            .collect();
        let body = TextCompletion {
            id: resp.id.clone(),
            object: "text_completion".into(),
            created: resp.created.unwrap_or(ctx.created),
            model: ctx.client_model.clone(),
            choices: vec![TextChoice {
                index: 0,
                text,
                finish_reason: resp.stop.as_ref().map(|s| finish_reason(s).to_owned()),
                logprobs: None,
            }],
            usage: resp.usage.as_ref().map(usage_to_chat),
        };
        crate::error::to_vec(&body)
    }

    fn stream_encoder(
        &self,
        ctx: &ResponseContext,
    ) -> Result<Box<dyn StreamEncoder + Send>, TranslateError> {
        Ok(Box::new(TextEncoder {
            id: String::new(),
            created: ctx.created,
            model: ctx.client_model.clone(),
            include_usage: ctx.include_usage,
            usage: None,
            done: false,
        }))
    }
}

/// IR events → `text_completion` chunks.
struct TextEncoder {
    id: String,
    created: i64,
    model: String,
    include_usage: bool,
    usage: Option<Usage>,
    done: bool,
}

impl TextEncoder {
    fn chunk(
        &self,
        text: &str,
        finish: Option<&str>,
        usage: Option<ChatUsage>,
    ) -> Result<SseEvent, TranslateError> {
        let body = TextCompletion {
            id: self.id.clone(),
            object: "text_completion".into(),
            created: self.created,
            model: self.model.clone(),
            choices: if usage.is_some() {
                Vec::new()
            } else {
                vec![TextChoice {
                    index: 0,
                    text: text.to_owned(),
                    finish_reason: finish.map(str::to_owned),
                    logprobs: None,
                }]
            },
            usage,
        };
        Ok(SseEvent::data(crate::error::to_string(&body)?))
    }
}

impl StreamEncoder for TextEncoder {
    fn encode(
        &mut self,
        event: &StreamEvent,
        out: &mut Vec<SseEvent>,
    ) -> Result<(), TranslateError> {
        match event {
            StreamEvent::Start { id, created, .. } => {
                self.id.clone_from(id);
                if let Some(c) = created {
                    self.created = *c;
                }
            }
            StreamEvent::TextDelta { text, .. } if !text.is_empty() => {
                out.push(self.chunk(text, None, None)?)
            }
            StreamEvent::Finish { stop, usage, .. } => {
                if let Some(u) = usage {
                    self.usage.get_or_insert_with(Usage::default).merge(u);
                }
                out.push(self.chunk("", Some(finish_reason(stop)), None)?);
            }
            StreamEvent::Usage(u) => self.usage.get_or_insert_with(Usage::default).merge(u),
            StreamEvent::Error { kind, message } => {
                let body = serde_json::json!({"error": {"message": message, "type": kind}});
                out.push(SseEvent::data(body.to_string()));
                self.done = true;
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<SseEvent>) {
        if self.done {
            return;
        }
        self.done = true;
        if self.include_usage
            && let Some(u) = self.usage
            && let Ok(ev) = self.chunk("", None, Some(usage_to_chat(&u)))
        {
            out.push(ev);
        }
        out.push(SseEvent::data(sse::DONE));
    }
}
