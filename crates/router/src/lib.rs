//! cpa-router: model resolution, the credential pool, selection, health and retries.
//!
//! Lifecycle steps 3, 4, 7 (health part) and 8 of the request path (see STYLE §2):
//!
//! | Step | What | Module |
//! |---|---|---|
//! | 3 | requested model → ordered candidates | [`resolve`] (+ [`registry`], [`models`]) |
//! | 4 | pick a credential, skipping cooling/disabled ones | [`select`], [`pool`] |
//! | 7 | record the outcome: cooldowns, disabling | [`health`], [`retry_after`] |
//! | 8 | next credential, wait and retry, or give up | [`retry`] |
//!
//! Inputs are router-owned types ([`CredentialSet`], [`CredentialSpec`]); auth files are
//! turned into specs by [`auth_file`].
//!
//! The server pipeline calls, per request: [`pool::Pool::resolve`] →
//! [`pool::Pool::select`] → [`select::Selection::report`] /
//! [`select::Selection::report_success`] → [`retry::Attempts`] decisions.
//!
//! This crate is pure logic: no HTTP, no sockets, no files, no sleeping. It does not
//! know reqwest or axum; waiting is done by the caller with the duration we return.
//! Time comes from `tokio::time::Instant` so tests can pause the clock.

pub mod auth_file;
pub mod credential;
pub mod from_config;
pub mod health;
pub mod models;
pub mod pool;
pub mod provider;
pub mod registry;
pub mod resolve;
pub mod retry;
pub mod retry_after;
pub mod select;
pub mod settings;

#[cfg(test)]
mod testing;

pub use credential::{AuthKind, CredentialId, CredentialSpec, ModelAlias, OAuthAlias};
pub use provider::Provider;
pub use settings::{CredentialSet, RouterSettings, Strategy};
