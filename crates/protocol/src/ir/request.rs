//! The IR request: everything a client can ask for, in one format-neutral shape. Data only.

use serde_json::{Map, Value};

use crate::Format;
use crate::ir::content::Message;
use crate::ir::reasoning::Reasoning;
use crate::ir::tool::{Tool, ToolChoice};

/// A chat request in canonical form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Request {
    /// Model name as found in the source body (encoders write the context's upstream model).
    pub model: String,
    /// System prompt blocks in order (system, developer, instructions).
    pub system: Vec<SystemBlock>,
    /// Conversation turns.
    pub messages: Vec<Message>,
    /// Declared tools.
    pub tools: Vec<Tool>,
    /// Tool choice.
    pub tool_choice: Option<ToolChoice>,
    /// Whether several tool calls may be made in one turn (Anthropic
    /// `disable_parallel_tool_use` is the negation).
    pub parallel_tool_calls: Option<bool>,
    /// Sampling and limits.
    pub sampling: Sampling,
    /// Reasoning configuration.
    pub reasoning: Option<Reasoning>,
    /// Structured output.
    pub output_format: Option<OutputFormat>,
    /// Whether the source body asked to stream.
    pub stream: bool,
    /// OpenAI `stream_options.include_usage`.
    pub include_usage: bool,
    /// Identity, caching and bookkeeping fields.
    pub metadata: Metadata,
    /// Top-level fields the decoder did not recognise, and the format they came from.
    /// Encoders re-emit them only when encoding that same format.
    pub extras: Map<String, Value>,
    /// Format of `extras` (the source format), if any.
    pub extras_format: Option<Format>,
}

/// One system-prompt block.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SystemBlock {
    /// The text.
    pub text: String,
    /// Anthropic `cache_control`, kept verbatim.
    pub cache_control: Option<Value>,
    /// Where it came from.
    pub origin: SystemOrigin,
}

/// The source of a system block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SystemOrigin {
    /// A system prompt (`system` field or `role: system`).
    #[default]
    System,
    /// OpenAI `role: developer`.
    Developer,
    /// Responses `instructions`.
    Instructions,
}

/// Sampling parameters and limits.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sampling {
    /// Temperature.
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    pub top_p: Option<f64>,
    /// Top-k sampling (Anthropic, Gemini).
    pub top_k: Option<u64>,
    /// Output token limit (`max_tokens`, `max_completion_tokens`, `max_output_tokens`).
    pub max_output_tokens: Option<u64>,
    /// Stop sequences.
    pub stop: Vec<String>,
    /// OpenAI `seed`.
    pub seed: Option<i64>,
    /// OpenAI `presence_penalty`.
    pub presence_penalty: Option<f64>,
    /// OpenAI `frequency_penalty`.
    pub frequency_penalty: Option<f64>,
    /// OpenAI `n` / Gemini `candidateCount`.
    pub n: Option<u64>,
    /// OpenAI `logprobs`.
    pub logprobs: Option<bool>,
    /// OpenAI `top_logprobs`.
    pub top_logprobs: Option<u64>,
}

/// Structured output request.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputFormat {
    /// Plain text (explicit).
    Text,
    /// Any JSON object.
    JsonObject,
    /// JSON matching a schema.
    JsonSchema {
        /// Schema name.
        name: String,
        /// The JSON Schema.
        schema: Option<Value>,
        /// Strict adherence.
        strict: Option<bool>,
        /// Description.
        description: Option<String>,
    },
}

/// Identity, caching and bookkeeping fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metadata {
    /// Anthropic `metadata.user_id`.
    pub user_id: Option<String>,
    /// OpenAI `user`.
    pub end_user: Option<String>,
    /// OpenAI / Responses `metadata` map.
    pub metadata: Option<Map<String, Value>>,
    /// OpenAI `store`.
    pub store: Option<bool>,
    /// OpenAI `service_tier` / Anthropic `service_tier`.
    pub service_tier: Option<String>,
    /// Responses `prompt_cache_key`.
    pub prompt_cache_key: Option<String>,
    /// Responses `previous_response_id`.
    pub previous_response_id: Option<String>,
}
