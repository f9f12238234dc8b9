//! Responses API items (`message`, `function_call`, `function_call_output`, `reasoning`)
//! and their content parts.
//!
//! Data only (lifecycle steps 2, 5, 9). One flat struct covers every item kind because
//! input and output items share shapes and message items may omit `type`; use
//! [`Item::kind`] to branch. Must not contain translation logic.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Item kinds the proxy understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// `message` (or no `type` but a `role`).
    Message,
    /// `function_call`.
    FunctionCall,
    /// `function_call_output`.
    FunctionCallOutput,
    /// `reasoning`.
    Reasoning,
    /// Any other type (built-in tool calls, …).
    Other,
}

/// One input or output item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Item type; absent on shorthand message items (`{"role":"user","content":"hi"}`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,
    /// Item id (`msg_…`, `fc_…`, `rs_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `in_progress`, `completed`, `incomplete`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Message role: `user`, `assistant`, `system`, `developer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Message content: a string or a list of parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<ItemContent>,
    /// Function call id shared by `function_call` and `function_call_output`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// Function name (`function_call`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Function arguments as a JSON string (`function_call`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<String>,
    /// Tool output (`function_call_output`): usually a string, possibly a list of parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// Reasoning summary parts (`reasoning`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Vec<SummaryPart>>,
    /// Opaque encrypted reasoning (`reasoning`, with `include:["reasoning.encrypted_content"]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_content: Option<String>,
    /// Unknown keys, carried through.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Message content: the string shorthand or a list of parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ItemContent {
    /// `"content": "hello"`.
    Text(String),
    /// `"content": [{"type":"input_text",…}, …]`.
    Parts(Vec<ContentPart>),
}

/// One content part (`input_text`, `output_text`, `input_image`, `input_file`, `refusal`,
/// `reasoning_text`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContentPart {
    /// Part type.
    #[serde(rename = "type", default)]
    pub part_type: String,
    /// Text of text parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Image URL or data URL (`input_image`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Uploaded file id (`input_image`, `input_file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// Inline file data as a data URL or base64 (`input_file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_data: Option<String>,
    /// File name (`input_file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Annotations on `output_text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Vec<Value>>,
    /// Log probabilities on `output_text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<Vec<Value>>,
    /// Unknown keys (`detail`, …), carried through.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One reasoning summary part (`{"type":"summary_text","text":…}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryPart {
    /// Always `summary_text` today.
    #[serde(rename = "type", default)]
    pub part_type: String,
    /// Summary text.
    #[serde(default)]
    pub text: String,
}

impl Item {
    /// The item's kind; untyped items with a role are messages.
    pub fn kind(&self) -> ItemKind {
        match self.item_type.as_deref() {
            Some("message") => ItemKind::Message,
            None if self.role.is_some() => ItemKind::Message,
            Some("function_call") => ItemKind::FunctionCall,
            Some("function_call_output") => ItemKind::FunctionCallOutput,
            Some("reasoning") => ItemKind::Reasoning,
            _ => ItemKind::Other,
        }
    }
}

impl ContentPart {
    /// An `output_text` part with empty annotations and logprobs, as OpenAI emits it.
    pub fn output_text(text: impl Into<String>) -> Self {
        Self {
            part_type: "output_text".to_owned(),
            text: Some(text.into()),
            annotations: Some(Vec::new()),
            logprobs: Some(Vec::new()),
            ..Self::default()
        }
    }
}

impl SummaryPart {
    /// A `summary_text` part.
    pub fn summary_text(text: impl Into<String>) -> Self {
        Self {
            part_type: "summary_text".to_owned(),
            text: text.into(),
        }
    }
}
