//! cpa-providers: lifecycle step 6 (send upstream) and the classification half of step 7.
//!
//! One module per upstream provider owns its transport and quirks: URL, auth headers,
//! required headers, model-in-URL vs model-in-body, and the few payload edits that are
//! transport rules rather than format conversion (translation.md §9). The server pipeline
//! hands an executor a body that `cpa-translate` already converted to the provider's
//! [`Format`](cpa_protocol::Format) and translates whatever comes back; a provider module
//! never converts formats.
//!
//! | Provider | Module | Native format | Auth |
//! |---|---|---|---|
//! | `gemini` | [`gemini`] | Gemini | `x-goog-api-key` |
//! | `vertex` | [`vertex`] | Gemini | `x-goog-api-key` (API key) or Bearer (service account) |
//! | `claude` | [`claude`] | Anthropic Messages | `x-api-key` on api.anthropic.com, else Bearer |
//! | `codex` | [`codex`] | Codex (Responses) | Bearer |
//! | `openai-compatibility` | [`openai_compat`] | OpenAI Chat | Bearer (optional) |
//!
//! Shared machinery: [`http`] (pooled clients per proxy URL), [`sse`] (incremental SSE
//! and Gemini JSON-array decoding), [`error`] (classification into [`UpstreamError`],
//! read by the router as a `cpa_router::retry::Disposition`; retry hints are parsed
//! with `cpa_router::retry_after`), [`usage`] (token extraction) and [`registry`] (one
//! table keyed by [`ProviderKind`]).
//!
//! This crate must not retry, sleep or pick credentials (that is `cpa-router`), and must
//! not know client-facing status codes or error shapes (that is `cpa-server`).

pub mod capture;
pub mod claude;
pub mod codex;
pub mod credential;
pub mod error;
pub mod executor;
pub mod gemini;
pub mod http;
pub mod openai_compat;
pub mod registry;
pub mod sse;
pub mod stream;
pub mod usage;
pub mod vertex;

mod body;
mod google;
mod headers;
mod transport;

pub use credential::{Credential, CredentialSecret, ProviderKind};
pub use error::{Disposition, UpstreamError};
pub use executor::{Action, Executor, UpstreamRequest, UpstreamResponse};
pub use http::{HttpClients, HttpSettings, ProxySetting};
pub use registry::Registry;
pub use stream::{UpstreamStream, UsageHandle};
pub use usage::Usage;
pub use vertex::ServiceAccount;
