//! IR → Anthropic Messages request (lifecycle step 5, provider side).
//!
//! System blocks keep `cache_control`; thinking is replayed only with an Anthropic signature;
//! reasoning becomes a valid budget; JSON mode becomes a system instruction; messages without
//! content are skipped. Must not inject provider identity prompts (provider layer).

use serde_json::{Map, json};

use cpa_protocol::Format;
use cpa_protocol::anthropic::{
    ContentBlock, ImageSource as WireImage, KnownBlock, Message as WireMessage, MessageContent,
    MessagesRequest, Metadata, System, SystemBlock as WireSystem, ThinkingConfig, Tool as WireTool,
    ToolChoice as WireChoice, ToolResultContent as WireResult,
};
use cpa_protocol::ir::{
    self, ImageSource, Message, OutputFormat, Part, Reasoning, ReasoningMode, Role, Tool,
    ToolChoice, ToolResultContent, ToolResultPart,
};

use super::request::{AUTO_BUDGET, DEFAULT_MAX_TOKENS, MIN_BUDGET};
use crate::context::RequestContext;
use crate::reasoning::effective_budget;

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
            input: crate::args::object(&c.arguments),
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
