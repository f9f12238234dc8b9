//! IR conversation content: messages and their parts (text, images, thinking, tool calls
//! and tool results). Data only; conversions live in `cpa-translate`.

use serde_json::Value;

use crate::Format;
use crate::ir::tool::ToolArguments;

/// Who authored a message. System prompts live in [`Request::system`](super::Request::system),
/// and tool results are [`Part::ToolResult`] parts inside a [`Role::User`] message
/// (the Anthropic model), whatever the source format did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The client's end user (and the carrier of tool results).
    User,
    /// The model.
    Assistant,
}

/// One conversation turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Author.
    pub role: Role,
    /// Parts in order.
    pub content: Vec<Part>,
    /// Optional participant name (OpenAI `name`).
    pub name: Option<String>,
}

/// One piece of message content.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Plain text.
    Text(Text),
    /// An image, inline or by URL.
    Image(Image),
    /// Model reasoning, possibly signed.
    Thinking(Thinking),
    /// Reasoning the provider returned encrypted (Anthropic `redacted_thinking`).
    RedactedThinking {
        /// The opaque payload.
        data: String,
    },
    /// The model asked for a tool to be called.
    ToolCall(ToolCall),
    /// The result of a tool call, sent back by the client.
    ToolResult(ToolResult),
    /// A block the IR does not model (documents, server-tool results, …). Only the
    /// encoder for `format` re-emits it; others drop it.
    Opaque(OpaqueBlock),
}

/// A text part.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Text {
    /// The text.
    pub text: String,
    /// Anthropic `cache_control`, kept verbatim.
    pub cache_control: Option<Value>,
}

/// An image part.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// Where the bytes are.
    pub source: ImageSource,
    /// OpenAI `detail` hint (`low`, `high`, `auto`).
    pub detail: Option<String>,
    /// Anthropic `cache_control`, kept verbatim.
    pub cache_control: Option<Value>,
}

/// Image bytes, inline or by reference.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageSource {
    /// Base64 payload with its media type.
    Base64 {
        /// e.g. `image/png`.
        media_type: String,
        /// Base64 text, without the `data:` prefix.
        data: String,
    },
    /// A fetchable (http/https) URL.
    Url {
        /// The URL.
        url: String,
    },
}

/// Model reasoning.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Thinking {
    /// The visible reasoning text (may be a summary).
    pub text: String,
    /// Provider signature over the reasoning, if any.
    pub signature: Option<Signature>,
}

/// A reasoning signature, tagged with the format that issued it.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    /// The opaque signature.
    pub value: String,
    /// Which format produced it; encoders for other formats must not forward it.
    pub origin: Format,
}

/// A tool call made by the model.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// Call id (`toolu_…`, `call_…`). Decoders synthesise deterministic ids when absent.
    pub id: String,
    /// Function name as the client declared it.
    pub name: String,
    /// Arguments, exact JSON text.
    pub arguments: ToolArguments,
}

/// The client's answer to a tool call.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolResult {
    /// The id of the call this answers.
    pub call_id: String,
    /// The function name, when the source carried it (Gemini needs it).
    pub name: Option<String>,
    /// The result payload.
    pub content: ToolResultContent,
    /// Whether the tool failed (Anthropic `is_error`).
    pub is_error: bool,
    /// Anthropic `cache_control`, kept verbatim.
    pub cache_control: Option<Value>,
}

/// A tool result payload.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolResultContent {
    /// A plain string.
    Text(String),
    /// Structured parts (Anthropic block form, OpenAI content-part arrays).
    Parts(Vec<ToolResultPart>),
}

/// One part of a structured tool result.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolResultPart {
    /// Text.
    Text(Text),
    /// An image.
    Image(Image),
    /// Anything else, kept as JSON.
    Json(Value),
}

/// A block the IR does not model, kept verbatim for its own format.
#[derive(Debug, Clone, PartialEq)]
pub struct OpaqueBlock {
    /// The format whose encoder may re-emit it.
    pub format: Format,
    /// The block's JSON.
    pub raw: Value,
}

impl Message {
    /// A message with the given role and parts and no name.
    pub fn new(role: Role, content: Vec<Part>) -> Self {
        Message {
            role,
            content,
            name: None,
        }
    }
}

impl Text {
    /// A text part without cache control.
    pub fn new(text: impl Into<String>) -> Self {
        Text {
            text: text.into(),
            cache_control: None,
        }
    }
}

impl ToolResultContent {
    /// The result flattened to text: strings as is, text parts joined with `\n`, other
    /// parts as JSON text. Used by formats whose tool results are strings.
    pub fn to_text(&self) -> String {
        match self {
            ToolResultContent::Text(t) => t.clone(),
            ToolResultContent::Parts(parts) => {
                let mut out = String::new();
                for part in parts {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    match part {
                        ToolResultPart::Text(t) => out.push_str(&t.text),
                        ToolResultPart::Image(_) => out.push_str("[image]"),
                        ToolResultPart::Json(v) => out.push_str(&v.to_string()),
                    }
                }
                out
            }
        }
    }
}
