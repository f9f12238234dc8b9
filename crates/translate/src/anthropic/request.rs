//! Anthropic Messages request → IR, and the same-format passthrough (lifecycle step 5).
//!
//! Decoding keeps `cache_control`, tags thinking signatures as Anthropic's, keeps unknown
//! block types opaque (re-emitted only to Anthropic) and rejects malformed known blocks with
//! their JSON path. Encoding lives in `request_encode` (decisions: docs/translation.md).

use serde_json::{Value, json};

use cpa_protocol::Format;
use cpa_protocol::anthropic::{
    ContentBlock, ImageSource as WireImage, KnownBlock, MessageContent, MessagesRequest, System,
    Tool as WireTool, ToolResultContent as WireResult,
};
use cpa_protocol::ir::{
    self, FunctionTool, Image, ImageSource, Message, Part, Reasoning, ReasoningMode, Role,
    Signature, SystemBlock, Text, Tool, ToolArguments, ToolCall, ToolChoice, ToolResult,
    ToolResultContent, ToolResultPart,
};

use crate::context::{ReasoningOverride, RequestContext};
use crate::error::TranslateError;
use crate::raw_edit::{Edit, edit_top_level};
use crate::reasoning::effort_to_budget;

/// `max_tokens` when the source format has none (Anthropic requires it).
pub(super) const DEFAULT_MAX_TOKENS: u64 = 32000;
/// Smallest budget Anthropic accepts.
pub(super) const MIN_BUDGET: i64 = 1024;
/// Budget used for "enabled, provider decides" (Anthropic has no dynamic budget).
pub(super) const AUTO_BUDGET: i64 = 8192;

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

/// The text of a mid-conversation `system` message, as system-prompt blocks.
fn mid_conversation_system(content: MessageContent) -> Vec<SystemBlock> {
    match content {
        MessageContent::Text(text) if text.trim().is_empty() => Vec::new(),
        MessageContent::Text(text) => vec![SystemBlock {
            text,
            ..SystemBlock::default()
        }],
        MessageContent::Blocks(blocks) => blocks
            .into_iter()
            .filter_map(|block| match block {
                ContentBlock::Known(KnownBlock::Text {
                    text,
                    cache_control,
                }) if !text.trim().is_empty() => Some(SystemBlock {
                    text,
                    cache_control,
                    ..SystemBlock::default()
                }),
                _ => None,
            })
            .collect(),
    }
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
            // Claude Code (2.1+) sends environment notes as `role: "system"` messages inside
            // `messages` when it believes the model accepts them. Providers other than
            // Anthropic have no such turn: the text joins the system prompt, other blocks
            // (tool additions/removals) are dropped.
            "system" => {
                req.system.extend(mid_conversation_system(m.content));
                continue;
            }
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
