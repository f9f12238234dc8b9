//! IR → Chat Completions request (lifecycle step 5, provider side).
//!
//! Writes what OpenAI-compatible providers accept: system blocks as `system`/`developer`
//! messages, one `tool` message per tool result (failed results prefixed `Error: `),
//! assistant text joined into one string, `max_tokens`, and `stream_options.include_usage`
//! on streams so usage is never lost (spec quirk 29, fixed). Must not do I/O.

use serde_json::{Map, Value, json};

use cpa_protocol::Format;
use cpa_protocol::ir::{
    self, Message, OutputFormat, Part, Role, SystemBlock, SystemOrigin, Tool, ToolChoice,
    ToolResultContent, ToolResultPart,
};
use cpa_protocol::openai::chat::{
    ChatContent, ChatMessage, ChatRequest, ChatTool, ContentPart, FunctionCall, FunctionDef,
    ImageUrl, JsonSchemaFormat, KnownPart, ResponseFormat, Stop, StreamOptions,
};

use crate::context::RequestContext;
use crate::data_url::to_image_url;
use crate::reasoning::effective_effort;

/// Encodes an IR request as a chat request for an OpenAI-compatible provider.
pub fn encode_chat_request(req: &ir::Request, ctx: &RequestContext) -> ChatRequest {
    let mut messages = Vec::with_capacity(req.messages.len() + 1);
    encode_system(&req.system, &mut messages);
    for m in &req.messages {
        encode_message(m, &mut messages);
    }
    let tools: Vec<ChatTool> = req.tools.iter().filter_map(encode_tool).collect();
    let has_tools = !tools.is_empty();
    let s = &req.sampling;
    let is_streaming = ctx.upstream_is_streaming();
    ChatRequest {
        model: ctx.upstream_model.clone(),
        messages,
        max_tokens: s.max_output_tokens,
        temperature: s.temperature,
        top_p: s.top_p,
        top_k: None,
        stop: match s.stop.len() {
            0 => None,
            1 => Some(Stop::One(s.stop[0].clone())),
            _ => Some(Stop::Many(s.stop.clone())),
        },
        stream: Some(is_streaming),
        stream_options: is_streaming.then_some(StreamOptions {
            include_usage: Some(true),
        }),
        tool_choice: req
            .tool_choice
            .as_ref()
            .filter(|_| has_tools)
            .map(encode_tool_choice),
        parallel_tool_calls: req.parallel_tool_calls.filter(|_| has_tools),
        tools: has_tools.then_some(tools),
        reasoning_effort: req
            .reasoning
            .as_ref()
            .and_then(effective_effort)
            .map(|e| e.as_str().to_owned()),
        response_format: req.output_format.as_ref().map(encode_response_format),
        seed: s.seed,
        n: s.n,
        presence_penalty: s.presence_penalty,
        frequency_penalty: s.frequency_penalty,
        logprobs: s.logprobs,
        top_logprobs: s.top_logprobs,
        user: req
            .metadata
            .end_user
            .clone()
            .or_else(|| req.metadata.user_id.clone()),
        metadata: None,
        store: None,
        service_tier: None,
        max_completion_tokens: None,
    }
}

fn encode_system(system: &[SystemBlock], out: &mut Vec<ChatMessage>) {
    let mut i = 0;
    while i < system.len() {
        let origin = system[i].origin;
        let run: Vec<&SystemBlock> = system[i..]
            .iter()
            .take_while(|b| b.origin == origin)
            .collect();
        i += run.len();
        let content = if run.len() == 1 {
            ChatContent::Text(run[0].text.clone())
        } else {
            ChatContent::Parts(
                run.iter()
                    .map(|b| {
                        ContentPart::Known(KnownPart::Text {
                            text: b.text.clone(),
                        })
                    })
                    .collect(),
            )
        };
        out.push(ChatMessage {
            role: if origin == SystemOrigin::Developer {
                "developer"
            } else {
                "system"
            }
            .into(),
            content: Some(content),
            ..ChatMessage::default()
        });
    }
}

fn encode_message(m: &Message, out: &mut Vec<ChatMessage>) {
    match m.role {
        Role::User => {
            let mut parts = Vec::new();
            for p in &m.content {
                match p {
                    Part::ToolResult(r) => out.push(ChatMessage {
                        role: "tool".into(),
                        tool_call_id: Some(r.call_id.clone()),
                        content: Some(mark_error(encode_tool_result(&r.content), r.is_error)),
                        ..ChatMessage::default()
                    }),
                    other => parts.extend(encode_part(other)),
                }
            }
            if !parts.is_empty() {
                out.push(ChatMessage {
                    role: "user".into(),
                    content: Some(collapse(parts)),
                    name: m.name.clone(),
                    ..ChatMessage::default()
                });
            }
        }
        Role::Assistant => {
            let mut text = String::new();
            let mut reasoning = String::new();
            let mut calls = Vec::new();
            for p in &m.content {
                match p {
                    Part::Text(t) => join_into(&mut text, &t.text),
                    Part::Thinking(t) if !t.text.trim().is_empty() => {
                        join_into(&mut reasoning, &t.text)
                    }
                    Part::ToolCall(c) => calls.push(cpa_protocol::openai::chat::ToolCall {
                        id: c.id.clone(),
                        kind: "function".into(),
                        function: FunctionCall {
                            name: c.name.clone(),
                            arguments: if c.arguments.0.is_empty() {
                                "{}".into()
                            } else {
                                c.arguments.0.clone()
                            },
                        },
                    }),
                    _ => {}
                }
            }
            if text.is_empty() && reasoning.is_empty() && calls.is_empty() {
                return;
            }
            out.push(ChatMessage {
                role: "assistant".into(),
                content: if text.is_empty() && !calls.is_empty() {
                    None
                } else {
                    Some(ChatContent::Text(text))
                },
                reasoning_content: (!reasoning.is_empty()).then_some(reasoning),
                tool_calls: (!calls.is_empty()).then_some(calls),
                name: m.name.clone(),
                ..ChatMessage::default()
            });
        }
    }
}

/// Joins assistant text blocks with a blank line (chat assistant content is one string).
fn join_into(acc: &mut String, text: &str) {
    if !acc.is_empty() {
        acc.push_str("\n\n");
    }
    acc.push_str(text);
}

fn encode_part(p: &Part) -> Option<ContentPart> {
    match p {
        Part::Text(t) => Some(ContentPart::Known(KnownPart::Text {
            text: t.text.clone(),
        })),
        Part::Image(i) => Some(ContentPart::Known(KnownPart::ImageUrl {
            image_url: ImageUrl {
                url: to_image_url(&i.source),
                detail: i.detail.clone(),
            },
        })),
        Part::Opaque(o) if o.format == Format::OpenAiChat => {
            Some(ContentPart::Other(o.raw.clone()))
        }
        _ => None,
    }
}

/// A single text part becomes string content; anything else stays a part array.
fn collapse(mut parts: Vec<ContentPart>) -> ChatContent {
    if parts.len() == 1
        && let Some(ContentPart::Known(KnownPart::Text { text })) = parts.first_mut()
    {
        return ChatContent::Text(std::mem::take(text));
    }
    ChatContent::Parts(parts)
}

fn encode_tool_result(content: &ToolResultContent) -> ChatContent {
    match content {
        ToolResultContent::Text(t) => ChatContent::Text(t.clone()),
        ToolResultContent::Parts(parts) => {
            let all_text = parts.iter().all(|p| matches!(p, ToolResultPart::Text(_)));
            if all_text {
                ChatContent::Text(content.to_text())
            } else {
                ChatContent::Parts(
                    parts
                        .iter()
                        .filter_map(|p| match p {
                            ToolResultPart::Text(t) => encode_part(&Part::Text(t.clone())),
                            ToolResultPart::Image(i) => encode_part(&Part::Image(i.clone())),
                            ToolResultPart::Json(v) => Some(ContentPart::Known(KnownPart::Text {
                                text: v.to_string(),
                            })),
                        })
                        .collect(),
                )
            }
        }
    }
}

/// Chat has no error flag on tool messages; a failed tool's output is prefixed with
/// `Error: ` so the model still sees that the call failed.
fn mark_error(content: ChatContent, is_error: bool) -> ChatContent {
    match content {
        ChatContent::Text(t) if is_error => ChatContent::Text(format!("Error: {t}")),
        other => other,
    }
}

fn encode_tool(t: &Tool) -> Option<ChatTool> {
    match t {
        Tool::Function(f) => Some(ChatTool {
            kind: "function".into(),
            function: Some(FunctionDef {
                name: f.name.clone(),
                description: f.description.clone(),
                parameters: f.parameters.clone(),
                strict: f.strict,
            }),
            extra: Map::new(),
        }),
        Tool::Builtin {
            raw,
            format: Format::OpenAiChat,
            ..
        } => serde_json::from_value(raw.clone()).ok(),
        Tool::Builtin { .. } => None,
    }
}

fn encode_tool_choice(c: &ToolChoice) -> Value {
    match c {
        ToolChoice::Auto => json!("auto"),
        ToolChoice::None => json!("none"),
        ToolChoice::Required => json!("required"),
        ToolChoice::Function(name) => json!({"type": "function", "function": {"name": name}}),
    }
}

fn encode_response_format(f: &OutputFormat) -> ResponseFormat {
    match f {
        OutputFormat::Text => ResponseFormat {
            kind: "text".into(),
            json_schema: None,
        },
        OutputFormat::JsonObject => ResponseFormat {
            kind: "json_object".into(),
            json_schema: None,
        },
        OutputFormat::JsonSchema {
            name,
            schema,
            strict,
            description,
        } => ResponseFormat {
            kind: "json_schema".into(),
            json_schema: Some(JsonSchemaFormat {
                name: name.clone(),
                description: description.clone(),
                schema: schema.clone(),
                strict: *strict,
            }),
        },
    }
}
