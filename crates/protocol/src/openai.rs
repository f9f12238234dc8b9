//! OpenAI wire formats: Chat Completions, legacy Completions (and, owned by the second
//! translation engineer, the Responses API in `openai::responses`).
//!
//! Data only (lifecycle steps 2, 5, 9). Unknown fields are ignored when decoding into these
//! types; same-format traffic bypasses them. No conversion logic here.

pub mod chat;
pub mod completions;
pub mod responses;
