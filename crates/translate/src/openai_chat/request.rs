//! Chat Completions request ↔ IR (lifecycle step 5).
//!
//! Decoding hoists system/developer messages into `Request.system`, turns `tool` messages
//! into tool-result parts and synthesises deterministic ids for tool calls without one.
//! Encoding writes what OpenAI-compatible providers accept: string content where possible,
//! one `tool` message per result, `max_tokens`, and `stream_options.include_usage` on
//! streams so usage is never lost (spec quirk 29, fixed).

use serde_json::{Map, Value, json};

use cpa_protocol::Format;
use cpa_protocol::ir::{
    self, Effort, FunctionTool, Image, Message, OutputFormat, Part, Reasoning, Role, SystemBlock,
    SystemOrigin, Text, Tool, ToolArguments, ToolCall, ToolChoice, ToolResult, ToolResultContent,
    ToolResultPart,
};
use cpa_protocol::openai::chat::{
    ChatContent, ChatMessage, ChatRequest, ChatTool, ContentPart, FunctionCall, FunctionDef,
    ImageUrl, JsonSchemaFormat, KnownPart, ResponseFormat, Stop, StreamOptions,
};

use crate::context::{ReasoningOverride, RequestContext};
use crate::data_url::{parse_image_url, to_image_url};
use crate::error::TranslateError;
use crate::ids::IdGenerator;
use crate::raw_edit::{Edit, edit_top_level};
use crate::reasoning::{budget_to_effort, effective_effort};

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
