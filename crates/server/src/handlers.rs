//! Route handlers, one module per API surface. Handlers stay thin: extract, call the
//! pipeline, render in the client's format.

pub mod anthropic;
mod call;
pub mod fallback;
pub mod gemini;
pub mod models;
pub mod openai;
pub mod root;
