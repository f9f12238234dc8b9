//! Gemini `generateContent` wire format (v1beta) and its Cloud Code envelopes.
//!
//! Data only: these types describe the JSON that Gemini clients send and that the Gemini
//! API, Gemini CLI (Cloud Code Assist) and Antigravity providers return. They are used in
//! lifecycle steps 2 (parse the client body), 5 and 9 (translation). Nothing here converts
//! between formats or performs I/O; conversions live in `cpa-translate`.
//!
//! Every struct keeps the fields it does not know in an `extra` map so that a Gemini →
//! Gemini round trip loses nothing. Gemini's JSON mapping accepts both camelCase and
//! snake_case keys; we read both (serde aliases) and always write camelCase.

pub mod count_tokens;
pub mod envelope;
pub mod generate;

pub use count_tokens::{CountTokensRequest, CountTokensResponse, ModalityTokenCount};
pub use envelope::{CliRequest, CliResponse};
pub use generate::{
    Blob, Candidate, Content, FileData, FunctionCall, FunctionCallingConfig, FunctionDeclaration,
    FunctionResponse, GenerateContentRequest, GenerateContentResponse, GenerationConfig, Part,
    ThinkingConfig, Tool, ToolConfig, UsageMetadata,
};

/// One chunk of a `streamGenerateContent?alt=sse` stream: the same shape as a full response.
pub type StreamChunk = GenerateContentResponse;

/// Thought signature that tells Gemini to skip signature validation on replayed history.
///
/// Sent on model parts whose real signature we cannot provide (see translation spec §2.5.5).
pub const SKIP_THOUGHT_SIGNATURE: &str = "skip_thought_signature_validator";

#[cfg(test)]
mod tests;
