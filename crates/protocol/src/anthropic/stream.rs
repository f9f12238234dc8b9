//! Anthropic Messages stream events (`message_start` … `message_stop`). Data only.
//!
//! Native order: `message_start`, then per block `content_block_start`,
//! `content_block_delta`*, `content_block_stop`, then `message_delta`, `message_stop`,
//! with `ping` anywhere and `error` possibly mid-stream.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::response::{MessageResponse, Usage};

/// One stream event (the `data:` JSON; its `type` equals the SSE `event:` name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent {
    /// Opens the message; `message.content` is empty.
    MessageStart {
        /// The message shell with initial usage.
        message: MessageResponse,
    },
    /// Opens a block.
    ContentBlockStart {
        /// Block index.
        index: u32,
        /// The block shell.
        content_block: ContentBlockStart,
    },
    /// Appends to a block.
    ContentBlockDelta {
        /// Block index.
        index: u32,
        /// The delta.
        delta: Delta,
    },
    /// Closes a block.
    ContentBlockStop {
        /// Block index.
        index: u32,
    },
    /// Final stop reason and cumulative usage.
    MessageDelta {
        /// Stop reason.
        delta: MessageDelta,
        /// Usage (`output_tokens`, sometimes input and cache counts).
        #[serde(default)]
        usage: Option<Usage>,
    },
    /// End of message.
    MessageStop,
    /// Keep-alive.
    Ping,
    /// Upstream error.
    Error {
        /// `{type, message}`.
        error: Value,
    },
}

/// The block shell in `content_block_start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentBlockStart {
    /// Text block.
    Text {
        /// Initial text (empty).
        #[serde(default)]
        text: String,
    },
    /// Thinking block.
    Thinking {
        /// Initial text (empty).
        #[serde(default)]
        thinking: String,
    },
    /// Redacted thinking (complete in the start event).
    RedactedThinking {
        /// Opaque payload.
        data: String,
    },
    /// Tool call shell.
    ToolUse {
        /// Call id.
        id: String,
        /// Tool name.
        name: String,
        /// Always `{}` at start.
        #[serde(default)]
        input: Value,
    },
    /// Server tools and other kinds.
    #[serde(other)]
    Other,
}

/// A `content_block_delta` payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Delta {
    /// Text.
    TextDelta {
        /// Fragment.
        text: String,
    },
    /// Thinking text.
    ThinkingDelta {
        /// Fragment.
        thinking: String,
    },
    /// Thinking signature.
    SignatureDelta {
        /// Signature.
        signature: String,
    },
    /// Tool input JSON fragment.
    InputJsonDelta {
        /// Fragment.
        partial_json: String,
    },
    /// Citations and future delta kinds.
    #[serde(other)]
    Other,
}

/// The `delta` of `message_delta`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageDelta {
    /// Stop reason.
    #[serde(default)]
    pub stop_reason: Option<String>,
    /// Matched stop sequence.
    #[serde(default)]
    pub stop_sequence: Option<String>,
}
