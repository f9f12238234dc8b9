//! Responses / Codex response objects ↔ IR (lifecycle step 9), plus the status and usage
//! tables shared with the stream codecs.
//!
//! | Responses | IR |
//! |---|---|
//! | `status:"completed"` (no call / with a `function_call`) | `EndTurn` / `ToolUse` |
//! | `incomplete` + `max_output_tokens` | `MaxTokens` |
//! | `incomplete` + `content_filter` | `ContentFilter` |
//! | anything else | `Other(status)` |
//!
//! Usage: `input_tokens` (cached included) ↔ IR `input_tokens`, `cached_tokens` ↔
//! `cache_read_tokens`, `output_tokens` (reasoning included) ↔ `output_tokens`,
//! `reasoning_tokens` ↔ `reasoning_tokens`. The encoder emits output items in content order
//! (reasoning, message, calls as they occurred) — the Go "calls first" order for Gemini is
//! not reproduced (quirk §12.23).

use serde_json::{Map, Value, json};

use cpa_protocol::Format;
use cpa_protocol::ir::{
    self, Part, Signature, StopReason, Text, Thinking, ToolArguments, ToolCall,
};
use cpa_protocol::openai::responses::item::ItemKind;
use cpa_protocol::openai::responses::{
    ContentPart, InputTokensDetails, Item, ItemContent, OutputTokensDetails, Response, SummaryPart,
    Usage,
};

use crate::context::ResponseContext;

/// Echo fields copied from the client's request into synthesised response objects
/// (`model` is written from the response itself).
pub const ECHO_FIELDS: [&str; 18] = [
    "instructions",
    "max_output_tokens",
    "max_tool_calls",
    "parallel_tool_calls",
    "previous_response_id",
    "prompt_cache_key",
    "reasoning",
    "safety_identifier",
    "service_tier",
    "store",
    "temperature",
    "text",
    "tool_choice",
    "tools",
    "top_logprobs",
    "top_p",
    "truncation",
    "user",
];

/// Decodes a response object (or a `{"type":"response.completed","response":…}` event).
pub fn to_ir(resp: Response, origin: Format, ctx: &ResponseContext) -> ir::Response {
    let mut content = Vec::with_capacity(resp.output.len());
    for item in resp.output {
        item_to_ir(item, origin, ctx, &mut content);
    }
    let has_call = content.iter().any(|p| matches!(p, Part::ToolCall(_)));
    ir::Response {
        id: resp.id,
        model: resp.model.unwrap_or_default(),
        created: (resp.created_at > 0).then_some(resp.created_at),
        stop: Some(stop_to_ir(
            &resp.status,
            resp.incomplete_details.as_ref(),
            has_call,
        )),
        stop_sequence: None,
        usage: resp.usage.as_ref().map(usage_to_ir),
        content,
    }
}

fn item_to_ir(item: Item, origin: Format, ctx: &ResponseContext, out: &mut Vec<Part>) {
    match item.kind() {
        ItemKind::Reasoning => {
            let text = item
                .summary
                .unwrap_or_default()
                .into_iter()
                .map(|s| s.text)
                .collect::<Vec<_>>()
                .join("\n\n");
            let signature = item
                .encrypted_content
                .filter(|e| !e.is_empty())
                .map(|value| Signature { value, origin });
            out.push(Part::Thinking(Thinking { text, signature }));
        }
        ItemKind::Message => match item.content {
            Some(ItemContent::Text(t)) => out.push(Part::Text(Text::new(t))),
            Some(ItemContent::Parts(parts)) => {
                let text: String = parts.into_iter().filter_map(|p| p.text).collect();
                out.push(Part::Text(Text::new(text)));
            }
            None => {}
        },
        ItemKind::FunctionCall => {
            let name = item.name.unwrap_or_default();
            out.push(Part::ToolCall(ToolCall {
                id: item.call_id.or(item.id).unwrap_or_default(),
                name: ctx.client_tool_name(&name).to_owned(),
                arguments: ToolArguments(item.arguments.unwrap_or_default()),
            }));
        }
        ItemKind::FunctionCallOutput | ItemKind::Other => {}
    }
}

/// Responses status → IR stop reason.
pub(super) fn stop_to_ir(status: &str, details: Option<&Value>, has_call: bool) -> StopReason {
    let reason = details
        .and_then(|d| d.get("reason"))
        .and_then(Value::as_str);
    match (status, reason) {
        ("incomplete", Some("max_output_tokens")) => StopReason::MaxTokens,
        ("incomplete", Some("content_filter")) => StopReason::ContentFilter,
        ("completed", _) | ("", _) if has_call => StopReason::ToolUse,
        ("completed", _) | ("", _) => StopReason::EndTurn,
        (other, _) => StopReason::Other(other.to_owned()),
    }
}

/// IR stop reason → (`status`, `incomplete_details`).
pub(super) fn stop_from_ir(stop: Option<&StopReason>) -> (&'static str, Option<Value>) {
    match stop {
        Some(StopReason::MaxTokens) => ("incomplete", Some(json!({"reason":"max_output_tokens"}))),
        Some(StopReason::ContentFilter | StopReason::Refusal) => {
            ("incomplete", Some(json!({"reason":"content_filter"})))
        }
        _ => ("completed", None),
    }
}

/// Responses usage → IR.
pub(super) fn usage_to_ir(u: &Usage) -> ir::Usage {
    ir::Usage {
        input_tokens: u.input_tokens,
        cache_read_tokens: u.input_tokens_details.cached_tokens,
        cache_write_tokens: 0,
        output_tokens: u.output_tokens,
        reasoning_tokens: Some(u.output_tokens_details.reasoning_tokens).filter(|r| *r > 0),
    }
}

/// IR usage → Responses.
pub(super) fn usage_from_ir(u: &ir::Usage) -> Usage {
    Usage {
        input_tokens: u.input_tokens,
        input_tokens_details: InputTokensDetails {
            cached_tokens: u.cache_read_tokens,
        },
        output_tokens: u.output_tokens,
        output_tokens_details: OutputTokensDetails {
            reasoning_tokens: u.reasoning_tokens.unwrap_or(0),
        },
        total_tokens: u.total_tokens(),
    }
}

/// `resp_…` id for a response (upstream id kept when it already has the prefix).
pub(super) fn response_id(id: &str) -> String {
    if id.starts_with("resp_") {
        id.to_owned()
    } else {
        format!("resp_{id}")
    }
}

/// Copies the echo fields of the client's request into a response object.
pub(super) fn echo_into(extra: &mut Map<String, Value>, ctx: &ResponseContext) {
    let Some(Value::Object(echo)) = &ctx.echo else {
        return;
    };
    for key in ECHO_FIELDS {
        if let Some(v) = echo.get(key) {
            extra.insert(key.to_owned(), v.clone());
        }
    }
}

/// A finished message item.
pub(super) fn message_item(id: String, text: String) -> Item {
    Item {
        item_type: Some("message".into()),
        id: Some(id),
        status: Some("completed".into()),
        role: Some("assistant".into()),
        content: Some(ItemContent::Parts(vec![ContentPart::output_text(text)])),
        ..Item::default()
    }
}

/// A finished reasoning item.
pub(super) fn reasoning_item(id: String, text: String, encrypted: Option<String>) -> Item {
    let summary = if text.is_empty() {
        Vec::new()
    } else {
        vec![SummaryPart::summary_text(text)]
    };
    Item {
        item_type: Some("reasoning".into()),
        id: Some(id),
        summary: Some(summary),
        encrypted_content: encrypted,
        ..Item::default()
    }
}

/// A function-call item.
pub(super) fn call_item(call_id: &str, name: &str, arguments: String, status: &str) -> Item {
    Item {
        item_type: Some("function_call".into()),
        id: Some(format!("fc_{call_id}")),
        status: Some(status.into()),
        call_id: Some(call_id.to_owned()),
        name: Some(name.to_owned()),
        arguments: Some(arguments),
        ..Item::default()
    }
}

/// Encodes a complete IR response as a Responses object for the client.
pub fn from_ir(resp: &ir::Response, ctx: &ResponseContext) -> Response {
    let id = response_id(&resp.id);
    let mut output = Vec::new();
    for (n, part) in resp.content.iter().enumerate() {
        match part {
            Part::Thinking(t) => {
                let encrypted = t.signature.as_ref().map(|s| s.value.clone());
                if t.text.is_empty() && encrypted.is_none() {
                    continue;
                }
                output.push(reasoning_item(
                    format!("rs_{id}_{n}"),
                    t.text.clone(),
                    encrypted,
                ));
            }
            Part::Text(t) => match output.last_mut() {
                Some(last) if last.kind() == ItemKind::Message => {
                    if let Some(ItemContent::Parts(parts)) = &mut last.content
                        && let Some(p) = parts.first_mut()
                    {
                        p.text.get_or_insert_with(String::new).push_str(&t.text);
                    }
                }
                _ => output.push(message_item(format!("msg_{id}_{n}"), t.text.clone())),
            },
            Part::ToolCall(call) => output.push(call_item(
                &call.id,
                &call.name,
                call.arguments.as_str().to_owned(),
                "completed",
            )),
            _ => {}
        }
    }
    let (status, incomplete) = stop_from_ir(resp.stop.as_ref());
    let mut extra = Map::new();
    extra.insert("background".into(), Value::Bool(false));
    echo_into(&mut extra, ctx);
    Response {
        id,
        object: "response".into(),
        created_at: resp.created.unwrap_or(ctx.created),
        status: status.into(),
        model: Some(if ctx.client_model.is_empty() {
            resp.model.clone()
        } else {
            ctx.client_model.clone()
        }),
        output,
        usage: resp.usage.as_ref().map(usage_from_ir),
        incomplete_details: Some(incomplete.unwrap_or(Value::Null)),
        error: Some(Value::Null),
        extra,
    }
}
