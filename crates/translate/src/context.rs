//! Inputs a translation needs besides the body (lifecycle steps 5 and 9).
//!
//! The pipeline fills these from the resolved route and the client request. Everything that
//! would otherwise need a clock or randomness (timestamps, tool-call ids) comes from here,
//! so translation stays a pure function.

use std::collections::HashMap;

use cpa_protocol::ir::Effort;

/// Context for translating a client request into the provider's format.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// Model name to write into the upstream body (alias resolved, suffix stripped).
    pub upstream_model: String,
    /// Whether the client asked to stream.
    pub is_streaming: bool,
    /// Whether the upstream call will stream (written into the body where the target
    /// format has a `stream` field). `None` = same as `is_streaming`.
    pub upstream_streaming: Option<bool>,
    /// Thinking override parsed from a model suffix like `claude-sonnet-4(8192)`.
    pub reasoning_override: Option<ReasoningOverride>,
    /// Seed for deterministic ids synthesised during translation (tool-call ids missing
    /// from the source). The pipeline passes a per-request random value; tests pass a constant.
    pub id_seed: u64,
    /// The client's `User-Agent`, for targets that vary by client (Codex instructions).
    pub user_agent: Option<String>,
}

/// A thinking override from a model-name suffix (translation spec §2.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReasoningOverride {
    /// `model(8192)`: a token budget (−1 = dynamic, 0 = off).
    Budget(i64),
    /// `model(high)`: an effort level.
    Effort(Effort),
}

/// Context for translating a provider response back into the client's format.
#[derive(Debug, Clone, Default)]
pub struct ResponseContext {
    /// Model name shown to the client (the alias it asked for).
    pub client_model: String,
    /// OpenAI `stream_options.include_usage` from the client request: emit a usage-only
    /// chunk before `[DONE]`.
    pub include_usage: bool,
    /// Unix seconds used for `created` fields when the upstream gives none.
    pub created: i64,
    /// Seed for ids synthesised while translating the response.
    pub id_seed: u64,
    /// Upstream tool name → client tool name, for targets that renamed tools
    /// (Codex 64-byte shortening, OAuth `proxy_` prefixes).
    pub tool_names: HashMap<String, String>,
    /// Responses-API echo fields from the original client request (used by the
    /// Responses encoder), as raw JSON.
    pub echo: Option<serde_json::Value>,
}

impl RequestContext {
    /// A context for a non-streaming request to `upstream_model`.
    pub fn new(upstream_model: impl Into<String>) -> Self {
        RequestContext {
            upstream_model: upstream_model.into(),
            ..RequestContext::default()
        }
    }

    /// Whether the upstream body should ask for a stream.
    pub fn upstream_is_streaming(&self) -> bool {
        self.upstream_streaming.unwrap_or(self.is_streaming)
    }
}

impl ResponseContext {
    /// A context showing `client_model` to the client.
    pub fn new(client_model: impl Into<String>) -> Self {
        ResponseContext {
            client_model: client_model.into(),
            ..ResponseContext::default()
        }
    }

    /// The client-facing name of an upstream tool name.
    pub fn client_tool_name<'a>(&'a self, upstream: &'a str) -> &'a str {
        self.tool_names
            .get(upstream)
            .map(String::as_str)
            .unwrap_or(upstream)
    }
}
