//! Token usage extraction from upstream bodies and streams (feeds lifecycle step 10).
//!
//! | Format | Where | input | output | reasoning | cached | total |
//! |---|---|---|---|---|---|---|
//! | Gemini (also under `response.` for CLI envelopes) | `usageMetadata` / `usage_metadata` | `promptTokenCount` | `candidatesTokenCount` | `thoughtsTokenCount` | `cachedContentTokenCount` | `totalTokenCount` |
//! | Anthropic Messages | `usage` (body, `message_delta`), `message.usage` (`message_start`) | `input_tokens` | `output_tokens` | – | `cache_read_input_tokens`, else `cache_creation_input_tokens` | input + output |
//! | OpenAI Chat | `usage` | `prompt_tokens` | `completion_tokens` | `completion_tokens_details.reasoning_tokens` | `prompt_tokens_details.cached_tokens` | `total_tokens` |
//! | Responses / Codex | `usage` (body) or `response.usage` (`response.completed` and other `response.*` events) | `input_tokens` | `output_tokens` | `output_tokens_details.reasoning_tokens` | `input_tokens_details.cached_tokens` | `total_tokens` |
//!
//! A zero total is filled in as input + output + reasoning (proxy-pipeline.md §7.1).
//!
//! Streams: [`UsageTracker`] keeps the **last** usage seen, not the first (the reference
//! records the first `usageMetadata` for Vertex/Gemini CLI streams and under-counts
//! output; we fix that). For Anthropic the `message_start` usage (input and cache
//! counts) is merged with the later `message_delta` usage (final output count), because
//! `message_delta` may omit the input side.

use cpa_protocol::{Format, SseEvent};
use serde_json::Value;

/// Token counts of one upstream call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
    /// Reasoning (thinking) tokens, when reported separately.
    pub reasoning_tokens: u64,
    /// Prompt tokens served from a cache.
    pub cached_tokens: u64,
    /// Total as reported, or input + output + reasoning when not reported.
    pub total_tokens: u64,
}

impl Usage {
    /// Whether every count is zero.
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }

    fn with_total(mut self) -> Self {
        if self.total_tokens == 0 {
            self.total_tokens = self.input_tokens + self.output_tokens + self.reasoning_tokens;
        }
        self
    }
}

/// Extracts usage from a whole (non-stream) response body in `format`.
pub fn from_body(format: Format, body: &[u8]) -> Option<Usage> {
    let value: Value = serde_json::from_slice(body).ok()?;
    from_value(format, &value)
}

/// Extracts usage from a parsed response body or stream chunk in `format`.
pub fn from_value(format: Format, value: &Value) -> Option<Usage> {
    match format {
        Format::Gemini | Format::GeminiCli | Format::Antigravity => {
            gemini(value).or_else(|| value.get("response").and_then(gemini))
        }
        Format::AnthropicMessages => value
            .get("usage")
            .or_else(|| value.pointer("/message/usage"))
            .map(anthropic),
        Format::OpenAiChat | Format::OpenAiCompletions => value.get("usage").and_then(openai_chat),
        Format::OpenAiResponses | Format::Codex => value
            .pointer("/response/usage")
            .or_else(|| value.get("usage"))
            .and_then(responses),
    }
    .map(Usage::with_total)
}

/// Remembers the last usage seen on a stream of events in one format.
#[derive(Debug, Clone)]
pub struct UsageTracker {
    format: Format,
    last: Option<Usage>,
}

impl UsageTracker {
    /// A tracker for a stream in `format`.
    pub fn new(format: Format) -> Self {
        Self { format, last: None }
    }

    /// Looks at one stream event; a later usage replaces an earlier one.
    pub fn observe(&mut self, event: &SseEvent) {
        if !event.data.contains("sage") {
            return; // cheap pre-filter: every usage key contains "usage"/"Usage"
        }
        let Ok(value) = serde_json::from_str::<Value>(&event.data) else {
            return;
        };
        let Some(usage) = from_value(self.format, &value) else {
            return;
        };
        self.last = Some(match (self.format, self.last) {
            (Format::AnthropicMessages, Some(prev)) => merge_anthropic(prev, usage),
            _ => usage,
        });
    }

    /// The last usage seen, if any.
    pub fn usage(&self) -> Option<Usage> {
        self.last
    }
}

fn merge_anthropic(prev: Usage, next: Usage) -> Usage {
    let pick = |a: u64, b: u64| if b != 0 { b } else { a };
    let input_tokens = pick(prev.input_tokens, next.input_tokens);
    let output_tokens = pick(prev.output_tokens, next.output_tokens);
    Usage {
        input_tokens,
        output_tokens,
        reasoning_tokens: 0,
        cached_tokens: pick(prev.cached_tokens, next.cached_tokens),
        total_tokens: input_tokens + output_tokens,
    }
}

fn count(value: &Value, pointer: &str) -> u64 {
    value.pointer(pointer).and_then(Value::as_u64).unwrap_or(0)
}

fn gemini(value: &Value) -> Option<Usage> {
    let meta = value
        .get("usageMetadata")
        .or_else(|| value.get("usage_metadata"))?;
    Some(Usage {
        input_tokens: count(meta, "/promptTokenCount"),
        output_tokens: count(meta, "/candidatesTokenCount"),
        reasoning_tokens: count(meta, "/thoughtsTokenCount"),
        cached_tokens: count(meta, "/cachedContentTokenCount"),
        total_tokens: count(meta, "/totalTokenCount"),
    })
}

fn anthropic(usage: &Value) -> Usage {
    let input_tokens = count(usage, "/input_tokens");
    let output_tokens = count(usage, "/output_tokens");
    let cached = match count(usage, "/cache_read_input_tokens") {
        0 => count(usage, "/cache_creation_input_tokens"),
        n => n,
    };
    Usage {
        input_tokens,
        output_tokens,
        reasoning_tokens: 0,
        cached_tokens: cached,
        total_tokens: input_tokens + output_tokens,
    }
}

fn openai_chat(usage: &Value) -> Option<Usage> {
    if !usage.is_object() {
        return None;
    }
    Some(Usage {
        input_tokens: count(usage, "/prompt_tokens"),
        output_tokens: count(usage, "/completion_tokens"),
        reasoning_tokens: count(usage, "/completion_tokens_details/reasoning_tokens"),
        cached_tokens: count(usage, "/prompt_tokens_details/cached_tokens"),
        total_tokens: count(usage, "/total_tokens"),
    })
}

fn responses(usage: &Value) -> Option<Usage> {
    if !usage.is_object() {
        return None;
    }
    Some(Usage {
        input_tokens: count(usage, "/input_tokens"),
        output_tokens: count(usage, "/output_tokens"),
        reasoning_tokens: count(usage, "/output_tokens_details/reasoning_tokens"),
        cached_tokens: count(usage, "/input_tokens_details/cached_tokens"),
        total_tokens: count(usage, "/total_tokens"),
    })
}

#[cfg(test)]
mod tests;
