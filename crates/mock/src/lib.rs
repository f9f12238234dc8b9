//! `cpa-mock`: an offline imitation of the upstream LLM APIs the proxy talks to.
//!
//! The mock speaks four formats with the paths, headers, bodies, stream framing and
//! error shapes of the real services:
//!
//! | Format | Paths |
//! |---|---|
//! | OpenAI Chat Completions | `POST /v1/chat/completions`, `POST /chat/completions`, `GET /v1/models` |
//! | OpenAI Responses / Codex | `POST /v1/responses`, `POST /responses`, `POST /backend-api/codex/responses` |
//! | Anthropic Messages | `POST /v1/messages`, `POST /v1/messages/count_tokens` (`GET /v1/models` with `anthropic-version`) |
//! | Gemini | `POST /v1beta/models/{model}:{generateContent,streamGenerateContent,countTokens}`, `GET /v1beta/models[/{model}]` |
//! | Vertex (API key) | `POST /v1/publishers/google/models/{model}:{action}` and the `projects/{p}/locations/{l}/…` form |
//! | Gemini CLI | `POST /v1internal:{generateContent,streamGenerateContent,countTokens}` (`{"model","project","request"}` envelope) |
//! | Control | `GET`/`DELETE /__mock/requests`, `POST`/`DELETE /__mock/script` |
//!
//! # Deterministic behaviour
//!
//! * The reply text is `Mock reply to: <last user text>` (the text's first 256 words,
//!   then ` ...`); every base64 image in the last user turn adds
//!   ` [image <mime> <bytes> bytes]`. A model name containing `words-<n>` makes the reply
//!   exactly `n` words (that text repeated), to size benchmark outputs.
//! * When the request declares tools and the last turn is a user message, the reply is
//!   a tool call to the first tool, with arguments built from its schema (strings get
//!   the user text, numbers `1`, booleans `true`, arrays `[]`, objects `{}`). When the
//!   model name or the prompt contains `parallel`, the reply is two tool calls (the
//!   first two tools, or the only tool twice).
//! * When the last turn carries tool results, the reply is
//!   `Tool result received: <content>` (results joined with `; `).
//! * Anthropic `thinking.type = "enabled"`, Gemini `thinkingConfig.includeThoughts` and
//!   Responses `reasoning.summary` add a reasoning block `Thinking about: <text>`.
//!   Anthropic thinking blocks carry a fixed signature that replays must repeat; Gemini 3
//!   models sign their first function call and require signatures back.
//! * Usage: a *token* is a whitespace-separated word. Input tokens = words in every
//!   text of the conversation (system prompt/instructions, message text, the string
//!   values of tool-call arguments, tool results); tool declarations and images count
//!   nothing. Output
//!   tokens = words of the reply text + words of the reasoning text + words of each
//!   tool call's argument JSON (compact JSON has no spaces, so one per call).
//!   Reasoning tokens = words of the reasoning text. A max-token limit smaller than the
//!   reply truncates the text to that many words and reports the format's length stop.
//!
//! # Failure injection
//!
//! Chosen by words inside the API key, the model name (or the Gemini model path), or a
//! script registered with `POST /__mock/script`. Errors use the provider's own shape.
//!
//! | Word | Effect |
//! |---|---|
//! | `fail-429` / `fail-429-<secs>` | 429, `Retry-After: <secs>` (default 1); Gemini adds a `RetryInfo` detail |
//! | `fail-<status>` | that status (400–599), e.g. `fail-500`, `fail-401`, `fail-400`, `fail-529` |
//! | `delay-<ms>` | sleep before answering |
//! | `slow-stream` / `slow-stream-<ms>` | sleep between stream frames (default 50 ms) |
//! | `drop-mid-stream` | send about half of the frames (or body bytes) then abort the connection |
//! | `error-mid-stream` | send about half of the frames then an in-stream error event, then end |
//!
//! A script (`POST /__mock/script` with `{"match":"<word in key or model>","steps":["fail-429-2","ok"]}`)
//! applies one step per matching request, in order, and falls back to the words above
//! once its steps are used up.
//!
//! # Example
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let mock = cpa_mock::MockUpstream::start().await?;
//! assert!(mock.base_url().starts_with("http://127.0.0.1:"));
//! // ... point the code under test at `mock.base_url()` ...
//! assert!(mock.requests_for("/v1/messages").is_empty());
//! mock.script("key-a", ["fail-429-2", "ok"]);
//! mock.clear();
//! # Ok(())
//! # }
//! ```
//!
//! # What this crate must not do
//!
//! It must not depend on other workspace crates (the mock is the independent reference
//! the proxy is tested against), must not sleep unless a fault asks for it, and must not
//! call the network.

mod anthropic;
mod content;
mod control;
mod errors;
mod faults;
mod gemini;
mod incoming;
mod models;
mod openai;
mod record;
mod reply;
mod responses;
mod routes;
mod server;
mod sse;
mod validate;

pub use record::RecordedRequest;
pub use server::{MockHandle, MockUpstream, run_standalone};
