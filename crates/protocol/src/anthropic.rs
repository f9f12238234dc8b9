//! Anthropic Messages wire format (`POST /v1/messages`, `/v1/messages/count_tokens`).
//!
//! Data only (lifecycle steps 2, 5, 9): typed serde models of requests, responses and
//! stream events. Unknown fields are ignored when decoding into these types; same-format
//! traffic never goes through them (translation passes Claude → Claude bodies through
//! byte-for-byte apart from minimal edits), so nothing is lost there. No conversion logic.

pub mod messages;
pub mod response;
pub mod stream;

pub use messages::{
    ContentBlock, ImageSource, KnownBlock, Message, MessageContent, MessagesRequest, Metadata,
    System, SystemBlock, ThinkingConfig, Tool, ToolChoice, ToolResultContent,
};
pub use response::{CountTokensResponse, MessageResponse, Usage};
pub use stream::{ContentBlockStart, Delta, MessageDelta, StreamEvent};
