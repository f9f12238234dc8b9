//! Legacy OpenAI Completions (`POST /v1/completions`) bodies. Data only.
//!
//! Client side only: the translator converts these to and from Chat Completions
//! (proxy-pipeline spec §2.3).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::chat::ChatUsage;

/// Body of `POST /v1/completions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompletionRequest {
    /// Model.
    #[serde(default)]
    pub model: String,
    /// Prompt: usually a string; other JSON is used as its JSON text.
    #[serde(default)]
    pub prompt: Option<Value>,
    /// Output limit.
    #[serde(default)]
    pub max_tokens: Option<u64>,
    /// Temperature.
    #[serde(default)]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(default)]
    pub top_p: Option<f64>,
    /// Frequency penalty.
    #[serde(default)]
    pub frequency_penalty: Option<f64>,
    /// Presence penalty.
    #[serde(default)]
    pub presence_penalty: Option<f64>,
    /// Stop sequences (string or array).
    #[serde(default)]
    pub stop: Option<Value>,
    /// Stream flag.
    #[serde(default)]
    pub stream: Option<bool>,
    /// Log-probabilities (legacy: a count).
    #[serde(default)]
    pub logprobs: Option<Value>,
    /// Echo the prompt.
    #[serde(default)]
    pub echo: Option<bool>,
    /// Top log-probabilities.
    #[serde(default)]
    pub top_logprobs: Option<u64>,
}

/// A `text_completion` object (whole response or one stream chunk).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TextCompletion {
    /// Id.
    #[serde(default)]
    pub id: String,
    /// `text_completion`.
    #[serde(default)]
    pub object: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
    /// Model.
    #[serde(default)]
    pub model: String,
    /// Choices.
    #[serde(default)]
    pub choices: Vec<TextChoice>,
    /// Usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<ChatUsage>,
}

/// One completion choice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TextChoice {
    /// Index.
    #[serde(default)]
    pub index: u32,
    /// Generated text (or fragment).
    #[serde(default)]
    pub text: String,
    /// Finish reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
    /// Log-probabilities, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<Value>,
}
