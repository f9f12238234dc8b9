//! Chat Completions request → IR, and the same-format passthrough (lifecycle step 5).
//!
//! Decoding hoists system/developer messages into `Request.system`, turns `tool` messages
//! into tool-result parts and synthesises deterministic ids for tool calls without one.
//! Encoding lives in `request_encode`. Must not do I/O.

use serde_json::Value;

use cpa_protocol::Format;
use cpa_protocol::ir::{
    self, Effort, FunctionTool, Image, Message, OutputFormat, Part, Reasoning, Role, SystemBlock,
    SystemOrigin, Text, Tool, ToolArguments, ToolCall, ToolChoice, ToolResult, ToolResultContent,
    ToolResultPart,
};
use cpa_protocol::openai::chat::{
    ChatContent, ChatMessage, ChatRequest, ChatTool, ContentPart, KnownPart, ResponseFormat, Stop,
};

use crate::context::{ReasoningOverride, RequestContext};
use crate::data_url::parse_image_url;
use crate::error::TranslateError;
use crate::ids::IdGenerator;
use crate::raw_edit::{Edit, edit_top_level};
use crate::reasoning::budget_to_effort;

/// Same-format request: set `model`; a model-suffix override sets `reasoning_effort`.
pub(super) fn passthrough(body: &[u8], ctx: &RequestContext) -> Result<Vec<u8>, TranslateError> {
    let mut edits = vec![Edit::set_string("model", &ctx.upstream_model)];
    let effort = match &ctx.reasoning_override {
        Some(ReasoningOverride::Effort(e)) => Some(e.clone()),
        Some(ReasoningOverride::Budget(b)) => budget_to_effort(*b),
        None => None,
    };
    if let Some(e) = effort {
        edits.push(Edit::set_string("reasoning_effort", e.as_str()));
    }
    edit_top_level(body, &edits)
}

/// Decodes a parsed chat request into the IR.
pub fn decode_chat_request(
    wire: ChatRequest,
    ctx: &RequestContext,
) -> Result<ir::Request, TranslateError> {
    let mut ids = IdGenerator::new(ctx.id_seed);
    let mut req = ir::Request {
        model: wire.model,
        stream: wire.stream.unwrap_or(false),
        include_usage: wire
            .stream_options
            .and_then(|o| o.include_usage)
            .unwrap_or(false),
        parallel_tool_calls: wire.parallel_tool_calls,
        ..ir::Request::default()
    };
    for (i, msg) in wire.messages.into_iter().enumerate() {
        decode_message(msg, i, &mut req, &mut ids)?;
    }
    req.tools = wire
        .tools
        .unwrap_or_default()
        .into_iter()
        .map(decode_tool)
        .collect();
    req.tool_choice = wire.tool_choice.as_ref().and_then(decode_tool_choice);
    req.reasoning = wire
        .reasoning_effort
        .as_deref()
        .map(|e| Reasoning::with_effort(Effort::parse(e)));
    req.output_format = wire.response_format.map(decode_response_format);
    let s = &mut req.sampling;
    s.temperature = wire.temperature;
    s.top_p = wire.top_p;
    s.top_k = wire.top_k;
    // `max_completion_tokens` is the current name; the Go proxy ignored it (quirk 4, fixed).
    s.max_output_tokens = wire.max_completion_tokens.or(wire.max_tokens);
    s.stop = match wire.stop {
        Some(Stop::One(x)) => vec![x],
        Some(Stop::Many(v)) => v,
        None => Vec::new(),
    };
    s.seed = wire.seed;
    s.n = wire.n;
    s.presence_penalty = wire.presence_penalty;
    s.frequency_penalty = wire.frequency_penalty;
    s.logprobs = wire.logprobs;
    s.top_logprobs = wire.top_logprobs;
    req.metadata.end_user = wire.user;
    req.metadata.metadata = wire.metadata;
    req.metadata.store = wire.store;
    req.metadata.service_tier = wire.service_tier;
    Ok(req)
}

fn decode_message(
    msg: ChatMessage,
    i: usize,
    req: &mut ir::Request,
    ids: &mut IdGenerator,
) -> Result<(), TranslateError> {
    match msg.role.as_str() {
        "system" | "developer" => {
            let origin = if msg.role == "developer" {
                SystemOrigin::Developer
            } else {
                SystemOrigin::System
            };
            for text in content_texts(msg.content) {
                req.system.push(SystemBlock {
                    text,
                    cache_control: None,
                    origin,
                });
            }
        }
        "tool" | "function" => {
            let call_id = msg
                .tool_call_id
                .or_else(|| msg.name.clone())
                .unwrap_or_default();
            let content = match msg.content {
                None => ToolResultContent::Text(String::new()),
                Some(ChatContent::Text(t)) => ToolResultContent::Text(t),
                Some(ChatContent::Parts(parts)) => {
                    ToolResultContent::Parts(parts.into_iter().map(tool_result_part).collect())
                }
            };
            let part = Part::ToolResult(ToolResult {
                call_id,
                name: if msg.role == "function" {
                    msg.name
                } else {
                    None
                },
                content,
                is_error: false,
                cache_control: None,
            });
            // Consecutive tool messages answer one assistant turn: keep them together.
            match req.messages.last_mut() {
                Some(last)
                    if last.role == Role::User
                        && last
                            .content
                            .iter()
                            .all(|p| matches!(p, Part::ToolResult(_))) =>
                {
                    last.content.push(part);
                }
                _ => req.messages.push(Message::new(Role::User, vec![part])),
            }
        }
        "assistant" => {
            let mut content = Vec::new();
            if let Some(r) = msg.reasoning_content.filter(|r| !r.is_empty()) {
                content.push(Part::Thinking(ir::Thinking {
                    text: r,
                    signature: None,
                }));
            }
            content.extend(decode_content(msg.content));
            for call in msg.tool_calls.unwrap_or_default() {
                let id = if call.id.is_empty() {
                    ids.next("call_")
                } else {
                    call.id
                };
                content.push(Part::ToolCall(ToolCall {
                    id,
                    name: call.function.name,
                    arguments: ToolArguments(call.function.arguments),
                }));
            }
            req.messages.push(Message {
                role: Role::Assistant,
                content,
                name: msg.name,
            });
        }
        "user" => req.messages.push(Message {
            role: Role::User,
            content: decode_content(msg.content),
            name: msg.name,
        }),
        other => {
            return Err(TranslateError::shape(
                format!("messages[{i}].role"),
                format!("unknown role {other:?}"),
            ));
        }
    }
    Ok(())
}

fn content_texts(content: Option<ChatContent>) -> Vec<String> {
    match content {
        None => Vec::new(),
        Some(ChatContent::Text(t)) => vec![t],
        Some(ChatContent::Parts(parts)) => parts
            .into_iter()
            .filter_map(|p| match p {
                ContentPart::Known(KnownPart::Text { text }) => Some(text),
                _ => None,
            })
            .collect(),
    }
}

fn decode_content(content: Option<ChatContent>) -> Vec<Part> {
    match content {
        None => Vec::new(),
        Some(ChatContent::Text(t)) if t.is_empty() => Vec::new(),
        Some(ChatContent::Text(t)) => vec![Part::Text(Text::new(t))],
        Some(ChatContent::Parts(parts)) => parts.into_iter().map(decode_part).collect(),
    }
}

fn decode_part(part: ContentPart) -> Part {
    match part {
        ContentPart::Known(KnownPart::Text { text }) => Part::Text(Text::new(text)),
        ContentPart::Known(KnownPart::ImageUrl { image_url }) => Part::Image(Image {
            source: parse_image_url(&image_url.url),
            detail: image_url.detail,
            cache_control: None,
        }),
        ContentPart::Other(raw) => Part::Opaque(ir::OpaqueBlock {
            format: Format::OpenAiChat,
            raw,
        }),
    }
}

fn tool_result_part(part: ContentPart) -> ToolResultPart {
    match decode_part(part) {
        Part::Text(t) => ToolResultPart::Text(t),
        Part::Image(i) => ToolResultPart::Image(i),
        Part::Opaque(o) => ToolResultPart::Json(o.raw),
        _ => ToolResultPart::Json(Value::Null),
    }
}

fn decode_tool(tool: ChatTool) -> Tool {
    match (tool.kind.as_str(), tool.function) {
        ("function", Some(f)) => Tool::Function(FunctionTool {
            name: f.name,
            description: f.description,
            parameters: f.parameters,
            strict: f.strict,
            cache_control: None,
        }),
        (kind, function) => {
            let mut raw = tool.extra;
            raw.insert("type".into(), Value::String(kind.to_owned()));
            if let Some(f) = function {
                raw.insert(
                    "function".into(),
                    serde_json::to_value(f).unwrap_or(Value::Null),
                );
            }
            Tool::Builtin {
                kind: kind.to_owned(),
                raw: Value::Object(raw),
                format: Format::OpenAiChat,
            }
        }
    }
}

fn decode_tool_choice(v: &Value) -> Option<ToolChoice> {
    match v {
        Value::String(s) => match s.as_str() {
            "none" => Some(ToolChoice::None),
            "auto" => Some(ToolChoice::Auto),
            "required" => Some(ToolChoice::Required),
            _ => None,
        },
        Value::Object(o) => o
            .get("function")
            .and_then(|f| f.get("name"))
            .and_then(Value::as_str)
            .map(|n| ToolChoice::Function(n.to_owned())),
        _ => None,
    }
}

fn decode_response_format(f: ResponseFormat) -> OutputFormat {
    match f.kind.as_str() {
        "json_object" => OutputFormat::JsonObject,
        "json_schema" => {
            let s = f.json_schema.unwrap_or_default();
            OutputFormat::JsonSchema {
                name: s.name,
                schema: s.schema,
                strict: s.strict,
                description: s.description,
            }
        }
        _ => OutputFormat::Text,
    }
}
