//! IR stream events: what upstream stream decoders produce and client encoders consume.
//! Data only.
//!
//! Blocks are numbered by `index` in order of first appearance (0, 1, 2, …) across the
//! whole response. A decoder emits `BlockStart` before any delta of that block and
//! `BlockStop` once; several blocks may be open at the same time (OpenAI parallel tool
//! calls), and encoders whose format needs strictly sequential blocks must serialise them.

use crate::ir::response::StopReason;
use crate::ir::usage::Usage;

/// One normalised stream event.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// The response started.
    Start {
        /// Upstream response id.
        id: String,
        /// Upstream model.
        model: String,
        /// Unix seconds, when known.
        created: Option<i64>,
        /// Usage known at the start (Anthropic reports input tokens here).
        usage: Option<Usage>,
    },
    /// A content block opened.
    BlockStart {
        /// Block index.
        index: u32,
        /// What kind of block.
        kind: BlockKind,
    },
    /// Text appended to a text block.
    TextDelta {
        /// Block index.
        index: u32,
        /// The fragment.
        text: String,
    },
    /// Reasoning text appended to a thinking block.
    ThinkingDelta {
        /// Block index.
        index: u32,
        /// The fragment.
        text: String,
    },
    /// A thinking block's signature (Anthropic `signature_delta`).
    SignatureDelta {
        /// Block index.
        index: u32,
        /// The signature.
        signature: String,
    },
    /// A fragment of a tool call's argument JSON.
    ToolArgsDelta {
        /// Block index.
        index: u32,
        /// The fragment (concatenate all fragments to get the arguments).
        json: String,
    },
    /// A content block closed.
    BlockStop {
        /// Block index.
        index: u32,
    },
    /// Generation finished. Usage may still follow in a [`StreamEvent::Usage`].
    Finish {
        /// Why.
        stop: StopReason,
        /// Matched stop sequence.
        stop_sequence: Option<String>,
        /// Final usage, when known at this point.
        usage: Option<Usage>,
    },
    /// A usage report outside `Finish` (OpenAI `include_usage` chunk).
    Usage(Usage),
    /// The upstream reported an error mid-stream.
    Error {
        /// Error type (`overloaded_error`, `server_error`, …).
        kind: String,
        /// Message.
        message: String,
    },
    /// Keep-alive (Anthropic `ping`).
    Ping,
}

/// The kind of a content block.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    /// Visible text.
    Text,
    /// Reasoning text.
    Thinking,
    /// Encrypted reasoning.
    RedactedThinking {
        /// Opaque payload.
        data: String,
    },
    /// A tool call; arguments follow as `ToolArgsDelta`s.
    ToolCall {
        /// Call id.
        id: String,
        /// Function name.
        name: String,
    },
}
