//! Which client format a request speaks, decided by its route (never by sniffing the body).

use axum::http::{HeaderMap, Method, header};

/// The error-shape family of a client route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientFormat {
    /// OpenAI Chat Completions, Completions, Responses and everything without a better match.
    OpenAi,
    /// Anthropic Messages (`/v1/messages…`), and `/v1/models` asked by Claude Code.
    Anthropic,
    /// Gemini `v1beta` routes and the `/v1/models/{model}:{action}` form of them.
    Gemini,
}

impl ClientFormat {
    /// The error shape of an API format.
    pub fn of(format: cpa_protocol::Format) -> Self {
        use cpa_protocol::Format as F;
        match format {
            F::AnthropicMessages => Self::Anthropic,
            F::Gemini | F::GeminiCli | F::Antigravity => Self::Gemini,
            F::OpenAiChat | F::OpenAiCompletions | F::OpenAiResponses | F::Codex => Self::OpenAi,
        }
    }

    /// Picks the format for a request path (and, for `GET /v1/models`, the `User-Agent`, the
    /// way the original chooses the listing shape).
    pub fn for_request(method: &Method, path: &str, headers: &HeaderMap) -> Self {
        if path.starts_with("/v1/messages") {
            return Self::Anthropic;
        }
        if path.starts_with("/v1beta/") || path == "/v1beta" || path.starts_with("/v1internal") {
            return Self::Gemini;
        }
        if path
            .strip_prefix("/v1/models/")
            .is_some_and(|rest| rest.contains(':'))
        {
            return Self::Gemini;
        }
        if method == Method::GET && (path == "/v1/models" || path.starts_with("/v1/models/")) {
            let is_claude_cli = headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ua| ua.starts_with("claude-cli"));
            if is_claude_cli {
                return Self::Anthropic;
            }
        }
        Self::OpenAi
    }
}
