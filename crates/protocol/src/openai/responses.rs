//! OpenAI Responses API wire format (`POST /v1/responses`) and its Codex dialect.
//!
//! Data only: request bodies, response objects, output items and stream events as the
//! OpenAI Responses API and the ChatGPT Codex backend define them. Used in lifecycle
//! steps 2 (parse), 5 and 9 (translation). Conversions live in `cpa-translate`; this module
//! must not contain translation logic or perform I/O.
//!
//! Input items and output items share one struct, [`Item`], because the API uses the same
//! shapes in both directions (a `function_call` output item is replayed as an input item).
//! Every struct keeps unknown keys in `extra` so a Responses → Responses (or Codex) pass
//! loses nothing.

pub mod item;
pub mod request;
pub mod response;
pub mod stream;

pub use item::{ContentPart, Item, ItemContent, SummaryPart};
pub use request::{Input, Reasoning, ResponsesRequest, TextConfig, Tool};
pub use response::{InputTokensDetails, OutputTokensDetails, Response, Usage};
pub use stream::StreamEvent;

#[cfg(test)]
mod tests;
