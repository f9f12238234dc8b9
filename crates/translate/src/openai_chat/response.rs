//! `chat.completion` ↔ IR response, usage and finish-reason tables (lifecycle step 9).
//!
//! Only `choices[0]` is translated across formats (other formats have one candidate).
//! Reasoning is always written as `reasoning_content`, in streams and non-stream bodies
//! alike (spec quirk 17 fixed). The client-visible model name comes from the context.

use cpa_protocol::ir::{self, Part, StopReason, Usage};
use cpa_protocol::openai::chat::{
    ChatCompletion, ChatUsage, Choice, CompletionTokensDetails, FunctionCall, PromptTokensDetails,
    ResponseMessage, ToolCall,
};

use crate::context::ResponseContext;
use crate::error::TranslateError;
use crate::ids::synth_id;

/// Chat `finish_reason` → IR stop reason.
pub fn stop_reason(finish: &str) -> StopReason {
    match finish {
        "stop" => StopReason::EndTurn,
        "length" => StopReason::MaxTokens,
        "tool_calls" | "function_call" => StopReason::ToolUse,
        "content_filter" => StopReason::ContentFilter,
        other => StopReason::Other(other.to_owned()),
    }
}

/// IR stop reason → chat `finish_reason` (spec §2.8).
pub fn finish_reason(stop: &StopReason) -> &'static str {
    match stop {
        StopReason::MaxTokens => "length",
        StopReason::ToolUse => "tool_calls",
        StopReason::ContentFilter | StopReason::Refusal => "content_filter",
        StopReason::EndTurn
        | StopReason::StopSequence
        | StopReason::PauseTurn
        | StopReason::Other(_) => "stop",
    }
}

/// Chat usage → IR usage.
pub fn usage_from_chat(u: &ChatUsage) -> Usage {
    Usage {
        input_tokens: u.prompt_tokens,
        cache_read_tokens: u
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cached_tokens)
            .unwrap_or(0),
        cache_write_tokens: 0,
        output_tokens: u.completion_tokens,
        reasoning_tokens: u
            .completion_tokens_details
            .as_ref()
            .and_then(|d| d.reasoning_tokens),
    }
}

/// IR usage → chat usage (`prompt_tokens` counts every input token, cached or not).
pub fn usage_to_chat(u: &Usage) -> ChatUsage {
    ChatUsage {
        prompt_tokens: u.input_tokens,
        completion_tokens: u.output_tokens,
        total_tokens: u.total_tokens(),
        prompt_tokens_details: Some(PromptTokensDetails {
            cached_tokens: Some(u.cache_read_tokens),
        }),
        completion_tokens_details: u.reasoning_tokens.map(|r| CompletionTokensDetails {
            reasoning_tokens: Some(r),
        }),
    }
}

/// Parses a `chat.completion` body.
pub(super) fn decode(body: &[u8], _ctx: &ResponseContext) -> Result<ir::Response, TranslateError> {
    let wire: ChatCompletion = crate::error::parse(body)?;
    let mut content = Vec::new();
    let mut stop = None;
    if let Some(choice) = wire.choices.into_iter().next() {
        let m = choice.message;
        if let Some(r) = m.reasoning_content.filter(|r| !r.is_empty()) {
            content.push(Part::Thinking(ir::Thinking {
                text: r,
                signature: None,
            }));
        }
        if let Some(t) = m.content.filter(|t| !t.is_empty()) {
            content.push(Part::Text(ir::Text::new(t)));
        }
        if let Some(r) = m.refusal.filter(|r| !r.is_empty()) {
            content.push(Part::Text(ir::Text::new(r)));
            stop = Some(StopReason::Refusal);
        }
        for c in m.tool_calls.unwrap_or_default() {
            content.push(Part::ToolCall(ir::ToolCall {
                id: c.id,
                name: c.function.name,
                arguments: ir::ToolArguments(c.function.arguments),
            }));
        }
        if stop.is_none() {
            stop = choice.finish_reason.as_deref().map(stop_reason);
        }
    }
    Ok(ir::Response {
        id: wire.id,
        model: wire.model,
        created: Some(wire.created).filter(|c| *c != 0),
        content,
        stop,
        stop_sequence: None,
        usage: wire.usage.as_ref().map(usage_from_chat),
    })
}

/// Writes a `chat.completion` body.
pub(super) fn encode(
    resp: &ir::Response,
    ctx: &ResponseContext,
) -> Result<Vec<u8>, TranslateError> {
    let mut text = String::new();
    let mut reasoning = String::new();
    let mut calls = Vec::new();
    for p in &resp.content {
        match p {
            Part::Text(t) => text.push_str(&t.text),
            Part::Thinking(t) => reasoning.push_str(&t.text),
            Part::ToolCall(c) => calls.push(ToolCall {
                id: c.id.clone(),
                kind: "function".into(),
                function: FunctionCall {
                    name: ctx.client_tool_name(&c.name).to_owned(),
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
    let finish = match &resp.stop {
        Some(StopReason::MaxTokens) => Some("length"),
        _ if !calls.is_empty() => Some("tool_calls"),
        Some(s) => Some(finish_reason(s)),
        None => None,
    };
    let has_calls = !calls.is_empty();
    let body = ChatCompletion {
        id: chat_id(&resp.id, ctx),
        object: "chat.completion".into(),
        created: resp.created.unwrap_or(ctx.created),
        model: ctx.client_model.clone(),
        choices: vec![Choice {
            index: 0,
            message: ResponseMessage {
                role: "assistant".into(),
                content: if text.is_empty() && has_calls {
                    None
                } else {
                    Some(text)
                },
                reasoning_content: (!reasoning.is_empty()).then_some(reasoning),
                tool_calls: has_calls.then_some(calls),
                refusal: None,
            },
            finish_reason: finish.map(str::to_owned),
        }],
        usage: Some(usage_to_chat(&resp.usage.unwrap_or_default())),
    };
    crate::error::to_vec(&body)
}

/// The upstream id, or a deterministic `chatcmpl-…` id when there is none.
pub(super) fn chat_id(id: &str, ctx: &ResponseContext) -> String {
    if id.is_empty() {
        synth_id("chatcmpl-", ctx.id_seed, 0)
    } else {
        id.to_owned()
    }
}
