//! The IR non-streaming response. Data only.
//!
//! Non-stream responses can also be produced by folding a [`StreamEvent`](super::StreamEvent)
//! sequence, which keeps stream and non-stream outputs consistent.

use crate::ir::content::Part;
use crate::ir::usage::Usage;

/// A complete model response.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Response {
    /// Upstream response id.
    pub id: String,
    /// Upstream model name.
    pub model: String,
    /// Unix seconds, when the upstream reported it.
    pub created: Option<i64>,
    /// Output parts in order (thinking, text, tool calls).
    pub content: Vec<Part>,
    /// Why generation stopped.
    pub stop: Option<StopReason>,
    /// The stop sequence that matched, if any.
    pub stop_sequence: Option<String>,
    /// Token usage.
    pub usage: Option<Usage>,
}

/// Why generation stopped (translation spec §2.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// Natural end (`end_turn`, `stop`, `STOP`).
    EndTurn,
    /// Output limit (`max_tokens`, `length`, `MAX_TOKENS`).
    MaxTokens,
    /// A stop sequence matched.
    StopSequence,
    /// The model called tools.
    ToolUse,
    /// Content filtered (`content_filter`, `SAFETY`, `RECITATION`).
    ContentFilter,
    /// Anthropic `refusal`.
    Refusal,
    /// Anthropic `pause_turn`.
    PauseTurn,
    /// Anything else, raw.
    Other(String),
}
