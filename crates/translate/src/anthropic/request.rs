//! Anthropic Messages request ↔ IR (lifecycle step 5).
//!
//! Decisions (see docs/translation.md): system prompts stay system prompts (quirk 1 fixed);
//! URL images are kept as URL sources (quirk 6 fixed); thinking blocks are replayed only
//! with an Anthropic signature; `reasoning_effort: auto` becomes a real budget (quirk 12
//! fixed); JSON mode becomes a system instruction (Anthropic has no `response_format`);
//! messages left without content are skipped instead of sent as `content: []`.

use serde_json::{Map, Value, json};

use cpa_protocol::Format;
use cpa_protocol::anthropic::{
    ContentBlock, ImageSource as WireImage, KnownBlock, Message as WireMessage, MessageContent,
    MessagesRequest, Metadata, System, SystemBlock as WireSystem, ThinkingConfig, Tool as WireTool,
    ToolChoice as WireChoice, ToolResultContent as WireResult,
};
use cpa_protocol::ir::{
    self, FunctionTool, Image, ImageSource, Message, OutputFormat, Part, Reasoning, ReasoningMode,
    Role, Signature, SystemBlock, Text, Tool, ToolArguments, ToolCall, ToolChoice, ToolResult,
    ToolResultContent, ToolResultPart,
};

use crate::context::{ReasoningOverride, RequestContext};
use crate::error::TranslateError;
use crate::raw_edit::{Edit, edit_top_level};
use crate::reasoning::{effective_budget, effort_to_budget};

/// `max_tokens` when the source format has none (Anthropic requires it).
pub const DEFAULT_MAX_TOKENS: u64 = 32000;
/// Smallest budget Anthropic accepts.
const MIN_BUDGET: i64 = 1024;
/// Budget used for "enabled, provider decides" (Anthropic has no dynamic budget).
const AUTO_BUDGET: i64 = 8192;

const KNOWN_BLOCKS: [&str; 6] = [
    "text",
    "image",
    "thinking",
    "redacted_thinking",
    "tool_use",
    "tool_result",
];

/// Same-format request: set `model`; a suffix budget adds `thinking` when absent.
pub(super) fn passthrough(body: &[u8], ctx: &RequestContext) -> Result<Vec<u8>, TranslateError> {
    let mut edits = vec![Edit::set_string("model", &ctx.upstream_model)];
    let budget = match &ctx.reasoning_override {
        Some(ReasoningOverride::Budget(b)) => Some(*b),
        Some(ReasoningOverride::Effort(e)) => effort_to_budget(e),
        None => None,
    };
    match budget {
        Some(b) if b > 0 => edits.push(Edit::set_raw_if_absent(
            "thinking",
            json!({"type": "enabled", "budget_tokens": b.max(MIN_BUDGET)}).to_string(),
        )),
        Some(0) => edits.push(Edit::set_raw_if_absent(
            "thinking",
            r#"{"type":"disabled"}"#.into(),
        )),
        _ => {}
    }
    edit_top_level(body, &edits)
}

/// Decodes a parsed Messages request into the IR.
pub fn decode_messages_request(
    wire: MessagesRequest,
    _ctx: &RequestContext,
) -> Result<ir::Request, TranslateError> {
    let mut req = ir::Request {
        model: wire.model,
        stream: wire.stream.unwrap_or(false),
        ..ir::Request::default()
    };
    req.system = match wire.system {
        None => Vec::new(),
        Some(System::Text(t)) if t.is_empty() => Vec::new(),
        Some(System::Text(t)) => vec![SystemBlock {
            text: t,
            ..SystemBlock::default()
        }],
        Some(System::Blocks(blocks)) => blocks
            .into_iter()
            .map(|b| SystemBlock {
                text: b.text,
                cache_control: b.cache_control,
                ..SystemBlock::default()
            })
            .collect(),
    };
    for (i, m) in wire.messages.into_iter().enumerate() {
        let role = match m.role.as_str() {
            "user" => Role::User,
            "assistant" => Role::Assistant,
            other => {
                return Err(TranslateError::shape(
                    format!("messages[{i}].role"),
                    format!("unknown role {other:?}"),
                ));
            }
        };
        let content = match m.content {
            MessageContent::Text(t) => vec![Part::Text(Text::new(t))],
            MessageContent::Blocks(blocks) => blocks
                .into_iter()
                .enumerate()
                .map(|(j, b)| decode_block(b, &format!("messages[{i}].content[{j}]")))
                .collect::<Result<_, _>>()?,
        };
        req.messages.push(Message::new(role, content));
    }
    req.tools = wire
        .tools
        .unwrap_or_default()
        .into_iter()
        .map(decode_tool)
        .collect();
    if let Some(choice) = wire.tool_choice {
        if choice.disable_parallel_tool_use == Some(true) {
            req.parallel_tool_calls = Some(false);
        }
        req.tool_choice = match choice.kind.as_str() {
            "auto" => Some(ToolChoice::Auto),
            "any" => Some(ToolChoice::Required),
            "none" => Some(ToolChoice::None),
            "tool" => choice.name.map(ToolChoice::Function),
            _ => None,
        };
    }
    req.reasoning = wire.thinking.map(|t| match t.kind.as_str() {
        "enabled" => match t.budget_tokens {
            Some(b) => Reasoning::with_budget(b),
            None => Reasoning {
                mode: ReasoningMode::Auto,
                ..Reasoning::off()
            },
        },
        "adaptive" => Reasoning {
            mode: ReasoningMode::Auto,
            ..Reasoning::off()
        },
        _ => Reasoning::off(),
    });
    let s = &mut req.sampling;
    s.max_output_tokens = wire.max_tokens;
    s.temperature = wire.temperature;
    s.top_p = wire.top_p;
    s.top_k = wire.top_k;
    s.stop = wire.stop_sequences.unwrap_or_default();
    req.metadata.user_id = wire.metadata.and_then(|m| m.user_id);
    req.metadata.service_tier = wire.service_tier;
    Ok(req)
}

/// Decodes one content block (also used for responses).
pub(super) fn decode_block(block: ContentBlock, path: &str) -> Result<Part, TranslateError> {
    Ok(match block {
        ContentBlock::Known(k) => match k {
            KnownBlock::Text {
                text,
                cache_control,
            } => Part::Text(Text {
                text,
                cache_control,
            }),
            KnownBlock::Image {
                source,
                cache_control,
            } => Part::Image(Image {
                source: decode_image(source),
                detail: None,
                cache_control,
            }),
            KnownBlock::Thinking {
                thinking,
                signature,
            } => Part::Thinking(ir::Thinking {
                text: thinking,
                signature: signature.filter(|s| !s.is_empty()).map(|value| Signature {
                    value,
                    origin: Format::AnthropicMessages,
                }),
            }),
            KnownBlock::RedactedThinking { data } => Part::RedactedThinking { data },
            KnownBlock::ToolUse {
                id, name, input, ..
            } => Part::ToolCall(ToolCall {
                id,
                name,
                arguments: ToolArguments::from_value(&input),
            }),
            KnownBlock::ToolResult {
                tool_use_id,
                content,
                is_error,
                cache_control,
            } => Part::ToolResult(ToolResult {
                call_id: tool_use_id,
                name: None,
                content: match content {
                    None => ToolResultContent::Text(String::new()),
                    Some(WireResult::Text(t)) => ToolResultContent::Text(t),
                    Some(WireResult::Blocks(blocks)) => ToolResultContent::Parts(
                        blocks
                            .into_iter()
                            .enumerate()
                            .map(|(j, b)| {
                                decode_block(b, &format!("{path}.content[{j}]")).map(result_part)
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                },
                is_error: is_error.unwrap_or(false),
                cache_control,
            }),
        },
        ContentBlock::Other(raw) => {
            let kind = raw.get("type").and_then(Value::as_str).unwrap_or("");
            if KNOWN_BLOCKS.contains(&kind) || kind.is_empty() {
                return Err(TranslateError::shape(
                    path,
                    format!("malformed {kind:?} content block"),
                ));
            }
            Part::Opaque(ir::OpaqueBlock {
                format: Format::AnthropicMessages,
                raw,
            })
        }
    })
}

fn result_part(p: Part) -> ToolResultPart {
    match p {
        Part::Text(t) => ToolResultPart::Text(t),
        Part::Image(i) => ToolResultPart::Image(i),
        Part::Opaque(o) => ToolResultPart::Json(o.raw),
        _ => ToolResultPart::Json(Value::Null),
    }
}

fn decode_image(source: WireImage) -> ImageSource {
    match source {
        WireImage::Base64 { media_type, data } => ImageSource::Base64 { media_type, data },
        WireImage::Url { url } => ImageSource::Url { url },
    }
}

fn decode_tool(t: WireTool) -> Tool {
    match (t.kind.as_deref(), t.input_schema) {
        (None | Some("custom"), schema) => Tool::Function(FunctionTool {
            name: t.name,
            description: t.description,
            parameters: schema,
            strict: None,
            cache_control: t.cache_control,
        }),
        (Some(kind), schema) => {
            let kind = kind.to_owned();
            let mut raw = t.extra;
            raw.insert("type".into(), Value::String(kind.clone()));
            raw.insert("name".into(), Value::String(t.name));
            if let Some(s) = schema {
                raw.insert("input_schema".into(), s);
            }
            if let Some(c) = t.cache_control {
                raw.insert("cache_control".into(), c);
            }
            Tool::Builtin {
                kind,
                raw: Value::Object(raw),
                format: Format::AnthropicMessages,
            }
        }
    }
}

/// Encodes an IR request as a Messages request.
pub fn encode_messages_request(req: &ir::Request, ctx: &RequestContext) -> MessagesRequest {
    let mut system: Vec<WireSystem> = req
        .system
        .iter()
        .map(|b| WireSystem {
            kind: "text".into(),
            text: b.text.clone(),
            cache_control: b.cache_control.clone(),
        })
        .collect();
    if let Some(hint) = req.output_format.as_ref().and_then(json_mode_instruction) {
        system.push(WireSystem {
            kind: "text".into(),
            text: hint,
            cache_control: None,
        });
    }
    let messages: Vec<WireMessage> = req.messages.iter().filter_map(encode_message).collect();
    let tools: Vec<WireTool> = req.tools.iter().filter_map(encode_tool).collect();
    let has_tools = !tools.is_empty();
    let mut tool_choice = req
        .tool_choice
        .as_ref()
        .filter(|_| has_tools)
        .map(|c| match c {
            ToolChoice::Auto => WireChoice {
                kind: "auto".into(),
                name: None,
                disable_parallel_tool_use: None,
            },
            ToolChoice::None => WireChoice {
                kind: "none".into(),
                name: None,
                disable_parallel_tool_use: None,
            },
            ToolChoice::Required => WireChoice {
                kind: "any".into(),
                name: None,
                disable_parallel_tool_use: None,
            },
            ToolChoice::Function(n) => WireChoice {
                kind: "tool".into(),
                name: Some(n.clone()),
                disable_parallel_tool_use: None,
            },
        });
    if has_tools && req.parallel_tool_calls == Some(false) {
        tool_choice
            .get_or_insert(WireChoice {
                kind: "auto".into(),
                name: None,
                disable_parallel_tool_use: None,
            })
            .disable_parallel_tool_use = Some(true);
    }
    // Anthropic rejects thinking together with a forced tool choice.
    let forced = matches!(
        tool_choice.as_ref().map(|c| c.kind.as_str()),
        Some("any" | "tool")
    );
    let thinking = req
        .reasoning
        .as_ref()
        .filter(|_| !forced)
        .and_then(encode_thinking);
    let mut max_tokens = req.sampling.max_output_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
    if let Some(budget) = thinking.as_ref().and_then(|t| t.budget_tokens) {
        // max_tokens must exceed the thinking budget.
        let budget = u64::try_from(budget).unwrap_or(0);
        if max_tokens <= budget {
            max_tokens = budget + 4096;
        }
    }
    let s = &req.sampling;
    MessagesRequest {
        model: ctx.upstream_model.clone(),
        messages,
        system: (!system.is_empty()).then_some(System::Blocks(system)),
        max_tokens: Some(max_tokens),
        metadata: req
            .metadata
            .user_id
            .clone()
            .map(|u| Metadata { user_id: Some(u) }),
        stop_sequences: (!s.stop.is_empty()).then(|| s.stop.clone()),
        stream: Some(ctx.upstream_is_streaming()),
        temperature: s.temperature,
        top_p: s.top_p,
        top_k: s.top_k,
        tools: has_tools.then_some(tools),
        tool_choice,
        thinking,
        service_tier: None,
    }
}

fn encode_thinking(r: &Reasoning) -> Option<ThinkingConfig> {
    let budget = match r.mode {
        ReasoningMode::Disabled => 0,
        ReasoningMode::Auto => effective_budget(r)
            .filter(|b| *b > 0)
            .unwrap_or(AUTO_BUDGET),
        ReasoningMode::Enabled => match effective_budget(r) {
            Some(-1) | None => AUTO_BUDGET,
            Some(b) => b,
        },
    };
    Some(if budget <= 0 {
        ThinkingConfig {
            kind: "disabled".into(),
            budget_tokens: None,
        }
    } else {
        ThinkingConfig {
            kind: "enabled".into(),
            budget_tokens: Some(budget.max(MIN_BUDGET)),
        }
    })
}

fn json_mode_instruction(f: &OutputFormat) -> Option<String> {
    match f {
        OutputFormat::Text => None,
        OutputFormat::JsonObject => {
            Some("Respond with a single valid JSON object and nothing else.".into())
        }
        OutputFormat::JsonSchema { schema, .. } => Some(match schema {
            Some(s) => format!(
                "Respond with a single valid JSON value that conforms to this JSON Schema, and nothing else:\n{s}"
            ),
            None => "Respond with a single valid JSON object and nothing else.".into(),
        }),
    }
}

fn encode_message(m: &Message) -> Option<WireMessage> {
    let is_user = m.role == Role::User;
    let blocks: Vec<ContentBlock> = m
        .content
        .iter()
        .filter_map(|p| encode_part(p, is_user))
        .collect();
    if blocks.is_empty() {
        return None;
    }
    Some(WireMessage {
        role: if is_user { "user" } else { "assistant" }.into(),
        content: match blocks.as_slice() {
            [
                ContentBlock::Known(KnownBlock::Text {
                    text,
                    cache_control: None,
                }),
            ] => MessageContent::Text(text.clone()),
            _ => MessageContent::Blocks(blocks),
        },
    })
}

fn encode_part(p: &Part, is_user: bool) -> Option<ContentBlock> {
    let block = match p {
        Part::Text(t) if t.text.is_empty() => return None,
        Part::Text(t) => KnownBlock::Text {
            text: t.text.clone(),
            cache_control: t.cache_control.clone(),
        },
        Part::Image(i) => KnownBlock::Image {
            source: encode_image(&i.source),
            cache_control: i.cache_control.clone(),
        },
        Part::Thinking(t) if !is_user => match &t.signature {
            Some(sig) if sig.origin == Format::AnthropicMessages => KnownBlock::Thinking {
                thinking: t.text.clone(),
                signature: Some(sig.value.clone()),
            },
            _ => return None,
        },
        Part::RedactedThinking { data } if !is_user => {
            KnownBlock::RedactedThinking { data: data.clone() }
        }
        Part::ToolCall(c) if !is_user => KnownBlock::ToolUse {
            id: c.id.clone(),
            name: c.name.clone(),
            input: c
                .arguments
                .parse()
                .filter(Value::is_object)
                .unwrap_or_else(|| Value::Object(Map::new())),
            cache_control: None,
        },
        Part::ToolResult(r) => KnownBlock::ToolResult {
            tool_use_id: r.call_id.clone(),
            content: Some(encode_result(&r.content)),
            is_error: r.is_error.then_some(true),
            cache_control: r.cache_control.clone(),
        },
        Part::Opaque(o) if o.format == Format::AnthropicMessages => {
            return Some(ContentBlock::Other(o.raw.clone()));
        }
        _ => return None,
    };
    Some(ContentBlock::Known(block))
}

fn encode_image(s: &ImageSource) -> WireImage {
    match s {
        ImageSource::Base64 { media_type, data } => WireImage::Base64 {
            media_type: media_type.clone(),
            data: data.clone(),
        },
        ImageSource::Url { url } => WireImage::Url { url: url.clone() },
    }
}

fn encode_result(c: &ToolResultContent) -> WireResult {
    match c {
        ToolResultContent::Text(t) => WireResult::Text(t.clone()),
        ToolResultContent::Parts(parts) => WireResult::Blocks(
            parts
                .iter()
                .map(|p| match p {
                    ToolResultPart::Text(t) => ContentBlock::Known(KnownBlock::Text {
                        text: t.text.clone(),
                        cache_control: t.cache_control.clone(),
                    }),
                    ToolResultPart::Image(i) => ContentBlock::Known(KnownBlock::Image {
                        source: encode_image(&i.source),
                        cache_control: None,
                    }),
                    ToolResultPart::Json(v) => ContentBlock::Known(KnownBlock::Text {
                        text: v.to_string(),
                        cache_control: None,
                    }),
                })
                .collect(),
        ),
    }
}

fn encode_tool(t: &Tool) -> Option<WireTool> {
    match t {
        Tool::Function(f) => Some(WireTool {
            kind: None,
            name: f.name.clone(),
            description: f.description.clone(),
            input_schema: Some(
                f.parameters
                    .clone()
                    .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
            ),
            cache_control: f.cache_control.clone(),
            extra: Map::new(),
        }),
        Tool::Builtin {
            raw,
            format: Format::AnthropicMessages,
            ..
        } => serde_json::from_value(raw.clone()).ok(),
        Tool::Builtin { .. } => None,
    }
}
