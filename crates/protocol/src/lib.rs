//! cpa-protocol: wire types for every API format plus the canonical IR. Data only.
//!
//! This crate sits under lifecycle steps 2 (parse the client body), 5 and 9 (translation).
//! It holds *shapes*: the [`Format`] enum, the canonical intermediate representation
//! ([`ir`]), the SSE event value ([`SseEvent`]) and typed serde models of each format's
//! JSON. It must not convert between formats (that is `cpa-translate`), perform I/O,
//! read clocks or know about HTTP status codes.
//!
//! Module ownership: `anthropic` and `openai::{chat, completions}` belong to the first
//! translation engineer; `gemini` and `openai::responses` to the second. Adding a format
//! module means one `pub mod` line here.

pub mod anthropic;
pub mod format;
pub mod gemini;
pub mod ir;
pub mod openai;
pub mod sse;

pub use format::Format;
pub use sse::SseEvent;
