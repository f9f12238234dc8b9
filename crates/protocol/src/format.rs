//! The API formats the proxy speaks (client side and provider side).
//!
//! A *format* is an API shape, not a provider: the Claude provider speaks
//! [`Format::AnthropicMessages`], OpenAI-compatible providers speak [`Format::OpenAiChat`].
//! Used at every lifecycle step that needs to name a shape. Data only.

use std::fmt;
use std::str::FromStr;

/// One API format. The string ids match CLIProxyAPI's (`openai`, `claude`, …) so that
/// configuration and logs stay familiar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// OpenAI Chat Completions (`POST /v1/chat/completions`), id `openai`.
    OpenAiChat,
    /// Legacy OpenAI Completions (`POST /v1/completions`), id `openai-completions`.
    /// Client side only: converted to and from [`Format::OpenAiChat`].
    OpenAiCompletions,
    /// OpenAI Responses API (`POST /v1/responses`), id `openai-response`.
    OpenAiResponses,
    /// The Responses dialect of the ChatGPT Codex backend, id `codex`. Provider side.
    Codex,
    /// Anthropic Messages (`POST /v1/messages`), id `claude`.
    AnthropicMessages,
    /// Gemini `generateContent` (v1beta), id `gemini`.
    Gemini,
    /// Gemini CLI / Cloud Code Assist envelope `{model, project, request}`, id `gemini-cli`.
    GeminiCli,
    /// Antigravity: the Gemini CLI envelope with extra fields, id `antigravity`. Provider side.
    Antigravity,
}

/// A family groups formats that share one content model; same-family pairs use raw
/// fast paths instead of the IR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Chat Completions and legacy Completions.
    OpenAiChat,
    /// Responses API and Codex.
    OpenAiResponses,
    /// Anthropic Messages.
    Anthropic,
    /// Gemini, Gemini CLI and Antigravity.
    Gemini,
}

/// Returned by [`Format::from_str`] for an unknown id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl Format {
    /// Every format, in declaration order.
    pub const ALL: [Format; 8] = [
        Format::OpenAiChat,
        Format::OpenAiCompletions,
        Format::OpenAiResponses,
        Format::Codex,
        Format::AnthropicMessages,
        Format::Gemini,
        Format::GeminiCli,
        Format::Antigravity,
    ];

    /// The stable string id (CLIProxyAPI spelling), also used in fixture directory names.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::OpenAiChat => "openai",
            Format::OpenAiCompletions => "openai-completions",
            Format::OpenAiResponses => "openai-response",
            Format::Codex => "codex",
            Format::AnthropicMessages => "claude",
            Format::Gemini => "gemini",
            Format::GeminiCli => "gemini-cli",
            Format::Antigravity => "antigravity",
        }
    }

    /// The content family this format belongs to.
    pub fn family(self) -> Family {
        match self {
            Format::OpenAiChat | Format::OpenAiCompletions => Family::OpenAiChat,
            Format::OpenAiResponses | Format::Codex => Family::OpenAiResponses,
            Format::AnthropicMessages => Family::Anthropic,
            Format::Gemini | Format::GeminiCli | Format::Antigravity => Family::Gemini,
        }
    }

    /// Whether streams in this format end with an explicit `data: [DONE]` line.
    pub fn uses_done_sentinel(self) -> bool {
        matches!(self, Format::OpenAiChat | Format::OpenAiCompletions)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown format {:?}", self.0)
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_ids_round_trip_through_from_str() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
        assert!("nope".parse::<Format>().is_err());
    }
}
