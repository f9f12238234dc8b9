//! Provider names as the router sees them (lifecycle steps 3–4).
//!
//! A provider is a service we call; the router only needs its stable name to group
//! credentials, key round-robin cursors and pick static model catalogs. This module does
//! not know how to reach a provider; that is `cpa-providers`' job.

use std::fmt;

/// One upstream family a credential belongs to.
///
/// OpenAI-compatible providers are keyed by their lower-cased configured name, so two
/// `openai-compatibility` entries with different names are different providers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// Gemini API with an API key (`gemini-api-key`).
    Gemini,
    /// Vertex AI (service account file or `vertex-api-key`).
    Vertex,
    /// Google Cloud Code Assist via Gemini CLI OAuth.
    GeminiCli,
    /// AI Studio through the browser websocket relay.
    AiStudio,
    /// Google Antigravity.
    Antigravity,
    /// Anthropic Messages API (API key or Claude Code OAuth).
    Claude,
    /// OpenAI Responses / ChatGPT Codex backend.
    Codex,
    /// Qwen Code.
    Qwen,
    /// iFlow.
    Iflow,
    /// An `openai-compatibility` entry, keyed by its lower-cased name.
    OpenAiCompat(String),
}

impl Provider {
    /// Parses a provider key as written in config or an auth file `type`.
    ///
    /// Matching is case-insensitive and trims whitespace. An auth-file `type: gemini`
    /// means Gemini CLI; callers building API-key credentials use [`Provider::Gemini`]
    /// directly. Unknown names become [`Provider::OpenAiCompat`].
    pub fn parse(name: &str) -> Self {
        let key = name.trim().to_ascii_lowercase();
        match key.as_str() {
            "gemini" | "gemini-cli" => Self::GeminiCli,
            "vertex" => Self::Vertex,
            "aistudio" => Self::AiStudio,
            "antigravity" => Self::Antigravity,
            "claude" => Self::Claude,
            "codex" => Self::Codex,
            "qwen" => Self::Qwen,
            "iflow" => Self::Iflow,
            _ => Self::OpenAiCompat(key),
        }
    }

    /// The stable name used in config, logs, metrics and error bodies.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Gemini => "gemini",
            Self::Vertex => "vertex",
            Self::GeminiCli => "gemini-cli",
            Self::AiStudio => "aistudio",
            Self::Antigravity => "antigravity",
            Self::Claude => "claude",
            Self::Codex => "codex",
            Self::Qwen => "qwen",
            Self::Iflow => "iflow",
            Self::OpenAiCompat(name) => name,
        }
    }

    /// Whether this is an `openai-compatibility` provider.
    pub fn is_openai_compat(&self) -> bool {
        matches!(self, Self::OpenAiCompat(_))
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_auth_file_type_gemini_means_gemini_cli() {
        assert_eq!(Provider::parse("Gemini"), Provider::GeminiCli);
        assert_eq!(Provider::parse(" claude "), Provider::Claude);
        assert_eq!(
            Provider::parse("OpenRouter"),
            Provider::OpenAiCompat("openrouter".into())
        );
        assert_eq!(
            Provider::OpenAiCompat("openrouter".into()).as_str(),
            "openrouter"
        );
    }
}
