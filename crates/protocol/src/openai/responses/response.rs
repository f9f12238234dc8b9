//! Responses API response object and usage.
//!
//! Data only (lifecycle step 9). The same [`Response`] appears as a non-stream body and
//! inside `response.created` / `response.in_progress` / `response.completed` events.
//! Request echo fields (`instructions`, `tools`, `temperature`, …) live in `extra`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::item::Item;

/// A response object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// `resp_…`.
    #[serde(default)]
    pub id: String,
    /// Always `response`.
    #[serde(default)]
    pub object: String,
    /// Unix seconds.
    #[serde(default)]
    pub created_at: i64,
    /// `in_progress`, `completed`, `incomplete`, `failed`.
    #[serde(default)]
    pub status: String,
    /// Model that produced the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Output items in order.
    #[serde(default)]
    pub output: Vec<Item>,
    /// Token accounting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Why the response is incomplete (`{"reason":"max_output_tokens"}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete_details: Option<Value>,
    /// Error object for failed responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// Echo fields and unknown keys, carried through.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Responses usage block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens, cached included.
    #[serde(default)]
    pub input_tokens: u64,
    /// Breakdown of the prompt tokens.
    #[serde(default)]
    pub input_tokens_details: InputTokensDetails,
    /// Output tokens, reasoning included.
    #[serde(default)]
    pub output_tokens: u64,
    /// Breakdown of the output tokens.
    #[serde(default)]
    pub output_tokens_details: OutputTokensDetails,
    /// Input plus output.
    #[serde(default)]
    pub total_tokens: u64,
}

/// `usage.input_tokens_details`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InputTokensDetails {
    /// Prompt tokens read from the cache.
    #[serde(default)]
    pub cached_tokens: u64,
}

/// `usage.output_tokens_details`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutputTokensDetails {
    /// Reasoning tokens.
    #[serde(default)]
    pub reasoning_tokens: u64,
}
